#pragma once
/// A blocking raw-socket HTTP/1.1 client for transport tests (POSIX sockets, no Beast): it sends
/// exactly the bytes you give it, so it can produce malformed framing, half-closes, slow trickles
/// and uploads that continue while the response arrives. Every wait is bounded by a timeout;
/// nothing sleeps to synchronise. Not thread-safe: one client per thread.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wsuslab::test {

/// One parsed HTTP response. `complete` is false when the connection closed or the timeout
/// passed before the status line, headers and Content-Length body had all arrived.
struct raw_response {
    bool complete = false;
    int status = 0;
    std::string reason;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;

    /// First header with this name, case-insensitive.
    std::optional<std::string> header(std::string_view name) const;
};

class raw_client {
public:
    using ms = std::chrono::milliseconds;

    /// Connects to host:port (IPv4 or IPv6 literal); throws std::runtime_error when it cannot.
    explicit raw_client(std::uint16_t port, const std::string& host = "127.0.0.1");
    ~raw_client();
    raw_client(const raw_client&) = delete;
    raw_client& operator=(const raw_client&) = delete;
    raw_client(raw_client&& other) noexcept;
    raw_client& operator=(raw_client&& other) = delete;

    /// Writes all bytes; false when the peer has closed or reset the connection.
    bool send(std::string_view bytes);
    /// shutdown(SHUT_WR): the server sees end of stream; reading still works.
    void shutdown_write();

    /// Reads the next response. `head_request`: the response has no body whatever its
    /// Content-Length says. Without Content-Length the body runs to the end of the connection.
    raw_response read_response(ms timeout = ms(5000), bool head_request = false);
    /// send() then read_response().
    raw_response request(std::string_view bytes, ms timeout = ms(5000), bool head_request = false);

    /// True when the server closes the connection (EOF or reset) within `timeout`; bytes that
    /// arrive meanwhile are discarded.
    bool wait_closed(ms timeout = ms(5000));

    /// Sends `head`, then writes `chunk` again and again (at most `max_bytes` in total) while
    /// watching for a response, as a client that keeps uploading does; returns the response
    /// read as soon as one arrives. Write errors after the server answered are ignored.
    raw_response upload_until_response(std::string_view head, std::string_view chunk,
                                       std::size_t max_bytes, ms timeout = ms(5000));

    /// Sends `bytes` one at a time, `interval` apart (slowloris), stopping early when the server
    /// closes the connection. True when the server closed it before `max_duration` passed.
    bool trickle_until_closed(std::string_view bytes, ms interval, ms max_duration);

    /// Bytes received but not yet consumed by read_response.
    const std::string& pending() const noexcept { return pending_; }
    bool peer_closed() const noexcept { return peer_closed_; }

private:
    /// Reads once (waiting at most until `deadline`); false on timeout, EOF or error.
    bool fill(std::chrono::steady_clock::time_point deadline);

    int fd_ = -1;
    std::string pending_;
    bool peer_closed_ = false;
};

/// "METHOD TARGET HTTP/1.1\r\nHost: wsuslab\r\n" + extra header lines (each without CRLF) +
/// Content-Length when `body` is not empty + "\r\n" + body.
std::string make_request(std::string_view method, std::string_view target,
                         const std::vector<std::string>& extra_headers = {},
                         std::string_view body = {});

}  // namespace wsuslab::test
