#pragma once
/// The real transport: HTTP/1.1 over Boost.Beast, HTTPS with OpenSSL (boost::asio::ssl), an
/// optional HTTP proxy (absolute-URI requests for http://, a CONNECT tunnel for https://),
/// keep-alive reuse of one connection per origin, and deadlines. Beast stays out of this header
/// (pimpl) so that only one translation unit pays for it.
///
/// Errors map to WU_E_PT_* HRESULTs as documented in docs/client.md: name not resolved
/// 0x8024402C, connect failure or connect timeout 0x80244004, TLS failure and send failure
/// 0x80244005, broken or timed-out response 0x80244009, bad URL 0x8024043A. Proxy CONNECT
/// answered with a non-2xx status maps through hresult_of_http_status (407 -> 0x8024401B).
///
/// Thread-safety: none; one instance per thread. Not copyable; movable.

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include <wsuslab/client/transport.hpp>

namespace wsuslab::client {

struct http_transport_options {
    /// "http://host:port" of an HTTP proxy; nullopt = direct connections.
    std::optional<std::string> proxy_url;
    /// PEM file of trusted CAs for HTTPS; nullopt = the system default paths.
    std::optional<std::string> ca_file;
    /// Skip certificate and host-name verification (lab use only).
    bool insecure = false;
    /// Deadline for resolve + TCP connect (+ proxy CONNECT + TLS handshake).
    std::chrono::milliseconds connect_timeout{10000};
    /// Deadline for writing one request and reading its whole response.
    std::chrono::milliseconds request_timeout{30000};
    /// Reuse the connection for the next request to the same origin.
    bool keep_alive = true;
    /// Largest response body accepted (SyncUpdates pages of escaped Core XML are the big ones).
    std::size_t max_response_bytes = 64 * 1024 * 1024;
    std::string user_agent = "Windows-Update-Agent";
};

class http_transport final : public transport {
public:
    explicit http_transport(http_transport_options options = {});
    ~http_transport() override;
    http_transport(http_transport&&) noexcept;
    http_transport& operator=(http_transport&&) noexcept;
    http_transport(const http_transport&) = delete;
    http_transport& operator=(const http_transport&) = delete;

    transport_result post(const std::string& url, const std::string& soap_action,
                          const std::string& body) override;
    transport_result post_with_headers(const std::string& url, const std::string& soap_action,
                                       const std::string& body, const http_headers& headers) override;
    transport_result head(const std::string& url) override;
    transport_result get(const std::string& url) override;

    /// Any request with the caller's headers, which replace the transport's own of the same
    /// name (User-Agent); Host, Content-Length and Connection are the transport's business and
    /// must not be passed. For `wsuslab proxy`, which forwards what its clients send.
    transport_result send(const std::string& method, const std::string& url, const http_headers& headers,
                          const std::string& body);

    /// TCP connections opened so far (keep-alive reuse keeps this at 1 for one origin).
    std::size_t connections_opened() const;
    /// Closes the kept-alive connection, if any.
    void close();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace wsuslab::client
