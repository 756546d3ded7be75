#pragma once
/// Record and replay of HTTP/SOAP exchanges with the mock WSUS (`wsuslab serve --record DIR` /
/// `--replay DIR`). The on-disk layout is documented in docs/exchanges-format.md: one folder per
/// exchange, `NNNN-<client>-<Operation>`, holding request.http-headers, request.xml,
/// response.http-headers, response.xml and meta.json (non-SOAP exchanges use request.body /
/// response.body). Every error is a value naming the file and the problem; nothing here throws on
/// bad input or I/O failure.

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <wsuslab/protocol/limits.hpp>
#include <wsuslab/server/http_types.hpp>

namespace wsuslab::server {

/// A load or write failure: `file` is the path concerned, `problem` says what is wrong with it.
struct exchange_error {
    std::string file;
    std::string problem;
    /// "<file>: <problem>", e.g. "rec/0003-pc-GetCookie/meta.json: missing field \"operation\"".
    std::string message() const;
};

/// A value or an exchange_error (pugixml-style result). `exchange_result<void>` carries no value.
template <class T>
class exchange_result {
public:
    exchange_result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
    exchange_result(exchange_error error)
        : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)
    explicit operator bool() const { return v_.index() == 0; }
    bool ok() const { return v_.index() == 0; }
    T& value() & { return std::get<0>(v_); }
    const T& value() const& { return std::get<0>(v_); }
    T value() && { return std::get<0>(std::move(v_)); }  ///< lets `open(...).value()` move out
    const exchange_error& error() const { return std::get<1>(v_); }

private:
    std::variant<T, exchange_error> v_;
};

/// The base URL a sanitized proxy recording puts in place of the recorded server's own URLs
/// (docs/exchanges-format.md "Placeholders"). The replayer answers it with the scheme and the
/// Host header of the live request, so recorded content links point at the replaying server.
inline constexpr std::string_view placeholder_base_url = "http://wsus.sanitized.invalid";

/// What a recording made through `wsuslab proxy` says about the server it came from
/// (docs/proxy.md). Empty `recorded_via` for recordings of wsuslab's own server.
struct upstream_meta {
    std::string recorded_via;      ///< "wsuslab proxy"
    bool sanitized = false;        ///< cookies, names and addresses replaced by placeholders
    std::string server;            ///< the upstream's Server header, e.g. "Microsoft-IIS/10.0"
    std::string aspnet_version;    ///< its X-AspNet-Version header, e.g. "4.0.30319"
    std::string protocol_version;  ///< ProtocolVersion of its GetConfig answer, e.g. "3.2"
};

/// The contents of meta.json (nlohmann-json; unknown keys are ignored when loading).
struct exchange_meta {
    std::size_t sequence = 0;  ///< equals the folder's number prefix
    std::string client;     ///< client key, e.g. "office2003-workstation"; "anonymous" if unknown
    std::string client_id;  ///< SusClientId when known, else empty
    std::string dns_name;   ///< dnsName when known, else empty
    std::string
        service;  ///< "ClientWebService", "SimpleAuthWebService", "ReportingWebService", "Content"
    std::string path;         ///< request path without query, e.g. "/ClientWebService/client.asmx"
    std::string operation;    ///< "SyncUpdates"; for non-SOAP exchanges the HTTP method, e.g. "GET"
    std::string soap_action;  ///< raw SOAPAction header (quotes kept), empty if none
    int http_status = 200;    ///< status of the recorded response
    std::string recorded_at;  ///< UTC, "2024-05-01T12:00:00Z"
    std::string model;        ///< GetSyncInfo model that answered ("legacy", "fixed"), may be empty
    std::string scenario;     ///< scenario name, may be empty
    std::string source;       ///< "recorded from wsuslab serve ..." or "hand-made: <why>"
    std::string remote_address;  ///< peer as the server saw it; informative only
    /// false for a recorded request the codec rejected (bad SOAP); it is matched byte for byte.
    bool request_parses = true;
    upstream_meta upstream;  ///< set for exchanges recorded through `wsuslab proxy`
};

/// One exchange as stored: folder name, metadata and the exact request and response.
struct recorded_exchange {
    std::string name;  ///< folder name, e.g. "0007-office2003-workstation-SyncUpdates"
    exchange_meta meta;
    http_request request;
    http_response response;
};

/// Reads one exchange folder. Checks that every file exists, meta.json is valid, the request
/// parses with the protocol codec and names the operation meta.json says, and the response is a
/// SOAP response or fault of that operation.
exchange_result<recorded_exchange> read_exchange(const std::string& folder,
                                                 const protocol::limits& lim = {});

/// Writes `e` into `dir/e.name` (created; must not exist yet) through a temporary folder that is
/// renamed into place, so a reader never sees a half-written exchange.
exchange_result<bool> write_exchange(const std::string& dir, const recorded_exchange& e);

/// What the caller knows about the run; copied into every meta.json the recorder writes.
struct recording_info {
    std::string scenario;  ///< e.g. "kb954960"
    std::string model;     ///< default model of the run, e.g. "legacy"
    std::string source;    ///< e.g. "recorded from wsuslab serve --scenario ... --model legacy"
    /// Maps a client identity to the folder-name key. Default: first DNS label of dnsName,
    /// else clientId, lower-cased and reduced to [a-z0-9-].
    std::function<std::string(std::string_view client_id, std::string_view dns_name)> client_namer;
    /// Returns recorded_at text. Default: the system clock, UTC, whole seconds.
    std::function<std::string()> clock;
};

/// Per-exchange facts only the caller knows; each overrides what the recorder would derive.
struct exchange_annotations {
    std::optional<std::string> client_key;
    std::optional<std::string> model;  ///< e.g. a per-group model override
    std::optional<upstream_meta> upstream;  ///< `wsuslab proxy`: the server recorded from
};

/// Writes one folder per exchange. Thread-safe: sequence numbers follow the order of record()
/// calls. The client key is derived from the traffic itself (GetAuthorizationCookie identity,
/// then the cookies the server handed out, then the peer address for anonymous calls such as
/// GetConfig; folders recorded before the identity was known are renamed when it becomes known).
/// Opening a non-empty DIR continues after its highest sequence number; nothing is overwritten.
class exchange_recorder {
public:
    static exchange_result<std::unique_ptr<exchange_recorder>> open(const std::string& dir,
                                                                    recording_info info);
    ~exchange_recorder();
    exchange_recorder(const exchange_recorder&) = delete;
    exchange_recorder& operator=(const exchange_recorder&) = delete;

    /// Writes the next folder and refreshes DIR/index.json; returns the folder name. On error the
    /// sequence number is still consumed and the error names the file that could not be written.
    exchange_result<std::string> record(const http_request& request, const http_response& response,
                                        const exchange_annotations& notes = {});

    std::size_t recorded() const;  ///< folders written by this recorder
    const std::string& directory() const;

    struct impl;

private:
    explicit exchange_recorder(std::unique_ptr<impl> p);
    std::unique_ptr<impl> impl_;
};

/// A request the recording cannot answer.
struct replay_mismatch {
    std::string nearest;     ///< folder name of the nearest recorded exchange, empty if none
    std::string difference;  ///< "parameters.InstalledNonLeafUpdateIDs: missing {8851}, extra {}"
    /// "no recorded exchange matches: nearest <nearest> differs in <difference>"
    std::string message() const;
    /// The answer sent to the client: HTTP 500, soap:Client fault, ErrorCode InvalidParameters,
    /// faultstring and Message = message(), Method = the raw SOAPAction.
    http_response fault;
};

struct replay_match {
    std::string name;  ///< folder of the exchange that answered
    http_response response;
};

using replay_outcome = std::variant<replay_match, replay_mismatch>;

struct replay_options {
    protocol::limits limits;
    /// Element local names left out of the semantic comparison, at any depth (cookies,
    /// timestamps, per-run GUIDs). Empty (the default) means default_ignored_fields().
    std::vector<std::string> ignored_fields;
    /// Generates the detail ID of a mismatch fault. Default: a random GUID.
    std::function<std::string()> fault_id;
    /// When no exchange that has not answered yet matches, let one that already answered match
    /// again (the same comparison, any client): one recorded session then serves any number of
    /// clients or repeated runs (`serve --replay-repeat`). Off: each exchange answers once.
    bool repeat = false;
};

/// cookie, oldCookie, CookieData, Expiration, EncryptedData, currentTime, clientTime, lastChange,
/// LastChange, TimeAtTarget, EventInstanceID.
std::vector<std::string> default_ignored_fields();

/// Answers requests from a recording (see docs/exchanges-format.md "Matching"): by path
/// (case-insensitive), operation and content compared semantically after parsing with the protocol
/// codec (ID lists as sets; ignored fields skipped); in order per client, a client being
/// identified by the cookies the replayer handed out or by its GetAuthorizationCookie identity.
/// Thread-safe; answer() never throws.
class exchange_replayer {
public:
    /// Loads every `NNNN-*` folder of `dir` (dot-folders, files and index.json/README.md are
    /// skipped). The first bad folder fails the load with an error naming its file.
    static exchange_result<std::unique_ptr<exchange_replayer>> load(const std::string& dir,
                                                                    replay_options options = {});
    ~exchange_replayer();
    exchange_replayer(const exchange_replayer&) = delete;
    exchange_replayer& operator=(const exchange_replayer&) = delete;

    replay_outcome answer(const http_request& request);
    /// answer() flattened: the recorded response, or the mismatch fault.
    http_response respond(const http_request& request);

    const std::vector<recorded_exchange>& exchanges() const;  ///< in sequence order
    std::size_t unconsumed() const;                           ///< exchanges not yet replayed
    void reset();  ///< forget all progress and client bindings

    struct impl;

private:
    explicit exchange_replayer(std::unique_ptr<impl> p);
    std::unique_ptr<impl> impl_;
};

/// A handler that calls `inner` and records every exchange (a failed write is reported through
/// `on_error`, default stderr, and never changes the response).
request_handler recording_handler(request_handler inner,
                                  std::shared_ptr<exchange_recorder> recorder,
                                  std::function<void(const exchange_error&)> on_error = {});
/// A handler that answers from the replayer.
request_handler replay_handler(std::shared_ptr<exchange_replayer> replayer);

}  // namespace wsuslab::server
