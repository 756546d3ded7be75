#pragma once
/// Transport configuration of the mock WSUS HTTP server: where it listens, TLS, threads, limits
/// and timeouts. Beast-free, so the CLI and the tests can build one without pulling in Asio.
///
/// Defaults follow docs/limits-and-faults.md §4 (header 8 KiB, body 4 MiB as ASP.NET's
/// maxRequestLength, 256 connections, nginx-like timeouts). Every value is configurable; tests
/// inject tiny timeouts.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include <wsuslab/protocol/limits.hpp>

namespace wsuslab::server {

/// The request limits' defaults, the one definition that server_config, `wsuslab serve` and
/// `wsuslab proxy` (options and --help) use: header 8 KiB (Beast's default), body as the codec's
/// (ASP.NET maxRequestLength), 256 connections.
inline constexpr std::uint32_t default_header_limit = 8 * 1024;
inline constexpr std::uint64_t default_body_limit = protocol::default_max_body_bytes;
inline constexpr std::size_t default_max_connections = 256;

/// Severity of a transport log line (accept errors, framing rejects, forced closes).
enum class transport_log_level { debug, info, warning, error };

/// Receives transport log lines. Called from I/O threads, possibly concurrently: the sink must be
/// thread-safe. An empty sink discards everything.
using transport_log_sink = std::function<void(transport_log_level, std::string_view)>;

/// "debug", "info", "warning", "error".
std::string_view transport_log_level_name(transport_log_level level) noexcept;

struct server_config {
    /// "ADDR:PORT" (IPv6 as "[::1]:PORT"; "localhost" means 127.0.0.1). Port 0 picks a free port;
    /// http_server::port() tells which.
    std::string listen = "127.0.0.1:8530";
    /// I/O threads; 0 means one per core (std::thread::hardware_concurrency, at least 1).
    unsigned threads = 0;

    /// PEM files. Both set: every connection is HTTPS; both empty: plain HTTP; one alone is a
    /// startup error, as is a file that cannot be loaded.
    std::string tls_cert_file;
    std::string tls_key_file;

    /// Request line + fields + CRLFs, in bytes; over it -> 431 and close.
    std::uint32_t header_limit = default_header_limit;
    /// Decoded request body bytes; over it -> 413 and close (before the upload when the
    /// Content-Length already says so).
    std::uint64_t body_limit = default_body_limit;
    /// Connections open at once; the next one gets 503 and is closed.
    std::size_t max_connections = default_max_connections;

    /// The whole header of a request must arrive within this time of its first byte (of the
    /// accept, for the first request of a connection). A slow trickle (slowloris) is cut off.
    std::chrono::milliseconds header_timeout{30'000};
    /// The whole body must arrive within this time of the end of the header.
    std::chrono::milliseconds body_timeout{60'000};
    /// A keep-alive connection may wait this long for the first byte of its next request.
    std::chrono::milliseconds idle_timeout{75'000};
    /// A response (or a 100 Continue) must be written within this time.
    std::chrono::milliseconds write_timeout{60'000};
    /// After a response with Connection: close the server half-closes and discards what the client
    /// still sends, for at most this long and linger_max_bytes, so the client can read the
    /// response instead of a reset (nginx lingering_close).
    std::chrono::milliseconds linger_timeout{5'000};
    std::uint64_t linger_max_bytes = 4 * 1024 * 1024;
    /// Pause of the accept loop after EMFILE/ENFILE/ENOBUFS/ENOMEM (or repeated accept errors).
    std::chrono::milliseconds accept_backoff{100};

    /// Transport log; empty discards.
    transport_log_sink log;
};

/// A parsed "ADDR:PORT".
struct listen_address {
    std::string host;  ///< numeric address, without brackets
    std::uint16_t port = 0;
};

/// Result of parse_listen_address: `error` is empty on success.
struct listen_parse_result {
    listen_address address;
    std::string error;
    explicit operator bool() const noexcept { return error.empty(); }
};

/// Parses "127.0.0.1:8530", "[::1]:0", "localhost:80", "0.0.0.0:8530". The error names the input
/// and says what was expected.
listen_parse_result parse_listen_address(std::string_view text);

}  // namespace wsuslab::server
