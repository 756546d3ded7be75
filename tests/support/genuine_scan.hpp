#pragma once
/// The genuine requests of a Windows 11 agent's scan (the captures folder, captures.hpp) replayed
/// against our server: load them in the agent's order, splice in the live values our server issued
/// (the captures' cookies are sanitized to runs of `A`), and turn each into an HTTP request, for
/// `wsus_service::handle` or for the wire.
///
/// Usage:
///     auto loaded = load_genuine_scan(*captures_dir());
///     genuine_splicer splicer;
///     for (auto const& g : std::get<0>(loaded)) {
///         auto req = splicer.request_for(g);          // error text when a value is missing
///         http_response r = service.handle(std::get<server::http_request>(req));
///         splicer.learn(g.op, r.body);                // our LastChange, cookies
///     }

#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <wsuslab/protocol/operations.hpp>
#include <wsuslab/server/http_types.hpp>

namespace wsuslab::test {

/// One captured request: body as captured; headers as captured (`.req.headers`) or, for the files
/// captured without them, the header block of a captured request to the same endpoint with this
/// operation's SOAPAction.
struct genuine_request {
    std::string name;  ///< file stem, e.g. "wsusrs-native-scan-06-SyncUpdates-first"
    protocol::operation op = protocol::operation::get_config;
    std::string method;  ///< from the request line
    std::string target;  ///< from the request line, e.g. "/ClientWebService/client.asmx"
    std::vector<std::pair<std::string, std::string>> headers;
    bool headers_captured = false;
    std::string body;
};

/// The agent's scan and flow, in the order it sent them: GetConfig, GetAuthorizationCookie,
/// GetCookie, RegisterComputer, StartCategoryScan, SyncUpdates x3, GetExtendedUpdateInfo x2,
/// ReportEventBatch. The error names the file that is missing or unreadable, or a `*.req.xml`
/// the list does not know (so a new capture is noticed, not silently skipped).
std::variant<std::vector<genuine_request>, std::string> load_genuine_scan(const std::filesystem::path& dir);

/// Remembers the values our server issued and splices them into the sanitized requests: the
/// authorization cookie (GetCookie `CookieData`), the configuration LastChange (GetCookie
/// `lastChange`, which the agent echoes from GetConfig) and the latest Cookie (`EncryptedData` of
/// every cookie-taking request). Everything else, the captured `Expiration` text included, is
/// sent as captured.
class genuine_splicer {
public:
    /// The request to send, or text naming what could not be spliced.
    std::variant<server::http_request, std::string> request_for(const genuine_request& g) const;
    /// Reads our server's answer to `op` (ignored when it is a fault or does not parse).
    void learn(protocol::operation op, std::string_view response_body);

private:
    std::string last_change_;
    std::string auth_cookie_data_;
    std::string encrypted_data_;
};

/// The request as bytes on the wire: request line, headers (Content-Length set to the body's
/// size), CRLF, body.
std::string to_wire(const server::http_request& r);

}  // namespace wsuslab::test
