#pragma once
/// The HTTP/1.1 transport of the mock WSUS: an asynchronous Boost.Beast server (one strand per
/// connection, keep-alive, optional TLS) that hands every complete request to a request_handler
/// and knows nothing about SOAP. Beast stays behind a pimpl: this header is cheap to include.
///
/// Transport behaviour (details in docs/limits-and-faults.md):
/// - framing errors -> 400, body over the limit -> 413, header over the limit -> 431, all with a
///   plain-text body naming the problem, Connection: close and a lingering close;
/// - a timeout (header, body, idle, write) closes the connection silently;
/// - at max_connections a new connection gets 503 and is closed;
/// - Content-Length is always set; HEAD (or http_response::head_only) sends headers only;
/// - the handler runs on the connection's strand; it may be called concurrently for different
///   connections and must be thread-safe. An exception from it becomes a 500.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include <wsuslab/server/http_types.hpp>
#include <wsuslab/server/server_config.hpp>

namespace wsuslab::server {

/// Counters since start, and the live-session gauge. Read with relaxed ordering: each value is
/// exact, the set is not an atomic snapshot.
struct server_stats {
    std::uint64_t accepted_connections = 0;  ///< sockets accepted (including those refused with 503)
    std::uint64_t requests = 0;              ///< complete requests handed to the handler
    std::uint64_t framing_rejects = 0;       ///< 400 / 413 / 431 produced by the transport
    std::uint64_t capacity_rejects = 0;      ///< 503 at max_connections
    std::uint64_t timeouts = 0;              ///< connections closed silently by a timeout
    std::uint64_t handler_errors = 0;        ///< handler exceptions turned into 500
    std::size_t live_sessions = 0;           ///< connections open now
};

/// The counters in Prometheus text exposition format (wsuslab_http_* metric families), for
/// appending to a /metrics answer.
std::string format_transport_metrics(const server_stats& stats);

/// What stop() did.
struct stop_report {
    bool graceful = true;            ///< every session finished within the grace period
    std::size_t force_closed = 0;    ///< sessions closed when the grace period ran out
};

class http_server;

/// Result of http_server::start: `server` on success, otherwise `error` names the problem
/// ("cannot listen on 127.0.0.1:8530: Address already in use", a bad TLS file, ...).
struct start_result {
    std::unique_ptr<http_server> server;
    std::string error;
    explicit operator bool() const noexcept { return server != nullptr; }
};

class http_server {
public:
    static constexpr std::chrono::milliseconds default_grace{5'000};

    /// Validates `config`, loads TLS files, opens, binds and listens, then starts the accept loop
    /// on config.threads I/O threads. On any failure nothing keeps running and the error is
    /// returned (never an accept loop on a half-built listener). When this returns a server, it
    /// accepts connections: no readiness wait is needed.
    static start_result start(server_config config, request_handler handler);

    /// Stops with default_grace if stop() was not called.
    ~http_server();
    http_server(const http_server&) = delete;
    http_server& operator=(const http_server&) = delete;
    http_server(http_server&&) = delete;
    http_server& operator=(http_server&&) = delete;

    /// The bound port (the real one when config.listen asked for port 0).
    std::uint16_t port() const noexcept;
    /// "http://127.0.0.1:PORT" or "https://…"; an unspecified bind address (0.0.0.0, ::) is
    /// reported as the loopback address so the URL is usable as is.
    std::string url() const;
    /// The bound endpoint, e.g. "127.0.0.1:8530" or "[::1]:8530".
    std::string local_endpoint() const;
    bool tls() const noexcept;
    /// The effective configuration (threads resolved, defaults filled in).
    const server_config& config() const noexcept;

    /// Graceful stop, idempotent: close the acceptor; sessions finish their in-flight response
    /// with Connection: close and read nothing more; idle sessions close at once; sessions still
    /// open after `grace` are closed; the I/O threads are joined. Must not be called from the
    /// request handler (it joins the thread the handler runs on).
    stop_report stop(std::chrono::milliseconds grace = default_grace);

    /// Blocks until no session is open or `timeout` passes; true when idle.
    bool wait_idle(std::chrono::milliseconds timeout) const;

    server_stats stats() const noexcept;

    struct impl;

private:
    explicit http_server(std::unique_ptr<impl> p);
    std::unique_ptr<impl> impl_;
};

}  // namespace wsuslab::server
