#pragma once
// Internal helpers shared by the exchange recorder, the replayer and the folder reader/writer:
// naming, HTTP header files, and what a request or response says about client identity.

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <wsuslab/protocol/codec.hpp>
#include <wsuslab/protocol/limits.hpp>
#include <wsuslab/server/exchange_store.hpp>
#include <wsuslab/server/http_types.hpp>
#include <wsuslab/protocol/text.hpp>

namespace wsuslab::server::detail {

// ASCII case-insensitive text (wsuslab/protocol/text.hpp).
using protocol::iends_with;
using protocol::iequals;
using protocol::istarts_with;
using protocol::lower_copy;

/// "/ClientWebService/client.asmx?wsdl" -> "/ClientWebService/client.asmx".
std::string_view path_of(std::string_view target);
/// The query after '?', without it; empty if none.
std::string_view query_of(std::string_view target);

/// Whether an exchange is stored as SOAP (request.xml/response.xml): every POST.
bool is_soap_exchange(const http_request& request);

/// Lower-cased [a-z0-9-] text, runs of other characters collapsed to one '-', trimmed, at most
/// 48 characters; "anonymous" when nothing is left.
std::string sanitize_key(std::string_view text);
/// "0007-office2003-workstation-SyncUpdates".
std::string folder_name(std::size_t sequence, std::string_view client_key,
                        std::string_view operation);
/// The leading number of a folder name ("0007-..." -> 7); nullopt if it does not start with digits
/// followed by '-'.
std::optional<std::size_t> folder_number(std::string_view name);

/// Default client namer: first DNS label of dns_name, else client_id, sanitized.
std::string default_client_key(std::string_view client_id, std::string_view dns_name);

/// Current UTC time as "YYYY-MM-DDTHH:MM:SSZ".
std::string utc_now_text();

/// "OK", "Internal Server Error", ... ("Unknown" for others).
std::string_view reason_phrase(int status);

/// request.http-headers / response.http-headers text (LF line ends, no trailing blank line).
std::string format_request_head(const http_request& r);
std::string format_response_head(const http_response& r);
/// Parse the files above; `file` is only used to name errors. CRLF and LF are both accepted.
exchange_result<http_request> parse_request_head(std::string_view text, const std::string& file);
exchange_result<http_response> parse_response_head(std::string_view text, const std::string& file);

/// meta.json text (ordered keys, two-space indent, final newline) and its strict reader.
std::string meta_to_json(const exchange_meta& m);
exchange_result<exchange_meta> meta_from_json(const std::string& text, const std::string& file);

/// Whole-file I/O with errors naming the path ("missing", "cannot create: ...").
exchange_result<std::string> read_file(const std::filesystem::path& p);

/// How read_exchange_from gets the bytes of one file of the folder.
using file_reader =
    std::function<exchange_result<std::string>(const std::filesystem::path& file)>;
/// read_exchange with the file access injected: read_exchange passes read_file; the exchange fuzz
/// target (tests/fuzz/fuzz_exchange.cpp) serves the files from memory.
exchange_result<recorded_exchange> read_exchange_from(const std::string& folder,
                                                      const protocol::limits& lim,
                                                      const file_reader& read);
exchange_result<bool> write_file(const std::filesystem::path& p, const std::string& bytes);

/// Whether a Content-Type names XML (text/xml, application/soap+xml, application/xml).
bool is_xml_content_type(std::optional<std::string_view> content_type);

/// What a request tells about who sent it.
struct request_facts {
    bool parsed = false;        ///< the codec accepted the body
    std::string parse_problem;  ///< codec description when !parsed
    std::optional<protocol::operation> op;
    protocol::soap_version version = protocol::soap_version::v1_1;
    std::string operation_name;        ///< op name, HTTP method for non-SOAP, "Invalid"
    std::string client_id;             ///< GetAuthorizationCookie clientId
    std::string dns_name;              ///< GetAuthorizationCookie dnsName
    std::vector<std::string> cookies;  ///< EncryptedData / CookieData values it presents
    /// No cookie and no identity: GetConfig, StartCategoryScan, non-SOAP requests.
    bool anonymous() const { return cookies.empty() && client_id.empty() && dns_name.empty(); }
};

/// The codec's parse of a SOAP exchange's body; a parse_error for a non-SOAP request.
protocol::result<protocol::parsed_request> parse_soap(const http_request& r, const protocol::limits& lim);

request_facts inspect_request(const http_request& r, const protocol::limits& lim);
/// The same from the codec's parse of `r.body` the caller already has.
request_facts inspect_request(const http_request& r, const protocol::result<protocol::parsed_request>& parsed);

/// Cookie values (EncryptedData, CookieData) a response hands out; empty for faults, non-XML
/// bodies or responses that do not parse. `problem` receives the codec description on failure.
std::vector<std::string> issued_cookies(protocol::operation op, const http_response& r,
                                        const protocol::limits& lim,
                                        std::string* problem = nullptr);

/// The canonical service name for an operation ("ClientWebService", ...); for non-SOAP requests
/// the first path segment.
std::string service_name(const request_facts& facts, std::string_view path);

}  // namespace wsuslab::server::detail
