#pragma once
/// `wsuslab proxy`: a forwarding HTTP/1.1 proxy in front of a WSUS (docs/proxy.md). It is a
/// request handler behind the same http_server as `wsuslab serve`: every request is sent to the
/// upstream through an injected `upstream_forwarder` (the CLI builds one on the client's
/// http_transport, so this library needs no HTTP client), the answer goes back to the client
/// unchanged, and the SOAP exchanges of ClientWebService, SimpleAuthWebService and
/// ReportingWebService are recorded in the exchanges format (docs/exchanges-format.md), sanitized
/// by default. Other requests (/Content, /selfupdate, ...) are passed through and recorded only
/// with `record_content`.
///
/// Upstream failures never reach the recording: no connection, a refused TLS handshake or an
/// answer that is not HTTP gives the client 502, a timeout 504, each with a plain-text body naming
/// the upstream and the problem, and a log line.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <wsuslab/protocol/limits.hpp>
#include <wsuslab/server/exchange_store.hpp>
#include <wsuslab/server/http_types.hpp>

namespace wsuslab::server {

/// Why the upstream gave no usable HTTP answer.
enum class upstream_failure_kind {
    unreachable,   ///< name not resolved, connection refused, TLS or proxy refusal -> 502
    timed_out,     ///< connect or request deadline passed -> 504
    bad_response,  ///< not HTTP, or the connection closed mid-answer -> 502
    too_large,     ///< the answer is above the size limit -> 502
};

struct upstream_failure {
    upstream_failure_kind kind = upstream_failure_kind::unreachable;
    std::string message;  ///< "connect to 10.0.0.5:8530: Connection refused"
};

/// The upstream's HTTP answer (any status, headers as received, the whole body), or why none.
using upstream_result = std::variant<http_response, upstream_failure>;

/// Sends one request to the upstream: `request.target` is the client's (path and query), the
/// forwarder puts the upstream's origin in front. The headers are already filtered (no Host,
/// hop-by-hop fields or Accept-Encoding). Called from several I/O threads at once: must be
/// thread-safe.
using upstream_forwarder = std::function<upstream_result(const http_request& request)>;

/// Where the upstream is, so the sanitizer can take its name and addresses out of a recording.
struct upstream_address {
    std::string url;   ///< as given, e.g. "https://wsus01.corp.example:8531" (logs only)
    std::string host;  ///< "wsus01.corp.example", "10.0.0.5" or "::1" (no brackets)
    std::uint16_t port = 0;
    std::vector<std::string> addresses;  ///< IP addresses the host name resolves to, if known
};

struct proxy_options {
    upstream_address upstream;
    /// Record into this folder; empty: forward only. A sanitized recording must start in an
    /// empty (or absent) folder: the proxy keeps no table of replaced values between runs.
    std::string record_dir;
    /// Also record requests outside the three SOAP services (/Content, /selfupdate, ...), bodies
    /// included.
    bool record_content = false;
    /// Replace cookies, client IDs, names, addresses and site URLs (docs/proxy.md).
    bool sanitize = true;
    /// What site URLs become when sanitizing; placeholder_base_url by default, which the replayer
    /// turns into its own base URL.
    std::string lab_url = std::string(placeholder_base_url);
    protocol::limits limits;
    /// recorded_at of each exchange; default: the system clock, UTC, whole seconds.
    std::function<std::string()> clock;
    /// One line per event (upstream failures, exchanges not recorded, write errors). Called from
    /// I/O threads: must be thread-safe. Empty discards.
    std::function<void(std::string_view)> log;
};

/// Counters since start.
struct proxy_stats {
    std::uint64_t forwarded = 0;          ///< requests the upstream answered
    std::uint64_t upstream_failures = 0;  ///< answered 502/504 by the proxy
    std::uint64_t recorded = 0;           ///< exchanges written
    std::uint64_t not_recorded = 0;       ///< answers kept out of the recording (see the log)
};

class proxy_service {
public:
    /// Checks the options and opens the recording; the error names the problem.
    static std::variant<std::unique_ptr<proxy_service>, std::string> create(proxy_options options,
                                                                            upstream_forwarder upstream);
    ~proxy_service();
    proxy_service(const proxy_service&) = delete;
    proxy_service& operator=(const proxy_service&) = delete;

    /// Forwards, answers, records. Thread-safe; never throws.
    http_response handle(const http_request& request);

    proxy_stats stats() const;

    struct impl;

private:
    explicit proxy_service(std::unique_ptr<impl> p);
    std::unique_ptr<impl> impl_;
};

/// The request the proxy sends upstream for `request`: hop-by-hop fields (Connection, Keep-Alive,
/// Proxy-*, TE, Trailer, Transfer-Encoding, Upgrade, Expect), Host, Content-Length and
/// Accept-Encoding removed, so the upstream answers plain bodies; HEAD becomes GET (the session
/// computes Content-Length from the body it holds, so a HEAD answer needs the body).
http_request upstream_request(const http_request& request);

}  // namespace wsuslab::server
