#pragma once
/// The seam between the simulated Windows Update Agent and the network: one virtual interface,
/// so unit tests drive the agent with a gMock transport and the CLI uses `http_transport`
/// (Boost.Beast, HTTP/HTTPS, proxy). Errors are values: a transport call returns either the
/// HTTP response that arrived (any status) or a `transport_error` carrying the WU_E_PT_* HRESULT
/// the 2008 agent would have reported (hresult.hpp, docs/client.md "Transport errors").

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace wsuslab::client {

using http_headers = std::vector<std::pair<std::string, std::string>>;

/// An HTTP response as received. For HEAD the body is empty and Content-Length is in `headers`.
struct http_reply {
    int status = 0;
    http_headers headers;
    std::string body;

    /// The first header with this name (case-insensitive).
    std::optional<std::string_view> header(std::string_view name) const;
};

/// What went wrong below HTTP. `kind` is for programs, `hresult` for logs and reports,
/// `message` for people ("connect to 127.0.0.1:1: Connection refused").
enum class transport_error_kind {
    invalid_url,        ///< URL cannot be parsed or uses an unsupported scheme
    name_not_resolved,  ///< DNS failure for the server or the proxy
    connect_failed,     ///< refused, unreachable, reset during connect
    tls_failed,         ///< TLS handshake or certificate verification failed
    proxy_failed,       ///< proxy refused the CONNECT tunnel (status in `message`)
    send_failed,        ///< writing the request failed
    receive_failed,     ///< connection closed or broken while reading the response
    timed_out,          ///< connect or request deadline expired
    response_too_large  ///< response body above the configured limit
};


struct transport_error {
    transport_error_kind kind = transport_error_kind::connect_failed;
    std::uint32_t hresult = 0;  ///< WU_E_PT_* (see hresult.hpp: hresult_of(kind))
    std::string message;
};

/// Either the HTTP reply or the transport error, never both.
class transport_result {
public:
    transport_result(http_reply r) : v_(std::move(r)) {}        // NOLINT(google-explicit-constructor)
    transport_result(transport_error e) : v_(std::move(e)) {}  // NOLINT(google-explicit-constructor)
    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }
    const http_reply& reply() const { return std::get<0>(v_); }
    http_reply& reply() { return std::get<0>(v_); }
    const transport_error& error() const { return std::get<1>(v_); }

private:
    std::variant<http_reply, transport_error> v_;
};

/// The agent's only way to talk to a server. Implementations decide connection reuse, TLS and
/// proxies. Calls are synchronous; an instance is used by one thread at a time.
class transport {
public:
    virtual ~transport() = default;

    /// POST a SOAP 1.1 body: Content-Type `text/xml; charset=utf-8`, SOAPAction `"<soap_action>"`
    /// (the quotes are added by the implementation; pass the bare URI).
    virtual transport_result post(const std::string& url, const std::string& soap_action,
                                  const std::string& body) = 0;
    /// The same POST with extra request headers, which replace the transport's own of the same
    /// name (the modern agent's User-Agent, Accept-Encoding: xpress, Cache-Control, ...). The
    /// default ignores them and calls post(): a transport that cannot send headers still works,
    /// and a server that is not asked for xpress answers plainly.
    virtual transport_result post_with_headers(const std::string& url, const std::string& soap_action,
                                               const std::string& body, const http_headers& headers) {
        (void)headers;
        return post(url, soap_action, body);
    }
    /// HEAD a content URL (WUA sends HEAD before GET).
    virtual transport_result head(const std::string& url) = 0;
    /// GET a content URL.
    virtual transport_result get(const std::string& url) = 0;
};

}  // namespace wsuslab::client
