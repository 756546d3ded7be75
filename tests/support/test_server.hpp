#pragma once
/// In-process HTTP server for tests: starts wsuslab::server::http_server on 127.0.0.1:0 (a free
/// port, so `ctest -j` never collides) with the handler you give it, and stops it (gracefully,
/// joining its threads) in the destructor. No readiness wait is needed: when the constructor
/// returns, the socket is listening.
///
/// Usage:
///     wsuslab::test::test_server server{[](const wsuslab::server::http_request& req) {
///         wsuslab::server::http_response res;
///         res.body = req.target;
///         return res;
///     }};
///     auto reply = wsuslab::test::raw_client{server.port()}.request("GET / HTTP/1.1\r\n...");
///
/// The default configuration (test_server::test_config()) uses 2 I/O threads and short
/// timeouts (header/body/idle/write 2 s, linger 500 ms) so a broken test fails fast; pass your own
/// config to change limits or timeouts (its `listen` is forced to 127.0.0.1:0 unless it names a
/// loopback address). A failed start throws std::runtime_error with the server's error message,
/// which GoogleTest reports as a test failure. Linking: test_support links wsuslab::server.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <wsuslab/server/http_types.hpp>
#include <wsuslab/server/server.hpp>
#include <wsuslab/server/server_config.hpp>

namespace wsuslab::test {

class test_server {
public:
    /// The defaults described above.
    static server::server_config test_config();

    explicit test_server(server::request_handler handler,
                         server::server_config config = test_config());
    ~test_server();
    test_server(const test_server&) = delete;
    test_server& operator=(const test_server&) = delete;
    test_server(test_server&&) = delete;
    test_server& operator=(test_server&&) = delete;

    std::uint16_t port() const noexcept;
    /// "http://127.0.0.1:PORT" (https when the config has TLS files).
    std::string url() const;
    server::server_stats stats() const noexcept;
    /// Blocks until no connection is open (default bound 5 s); true when idle.
    bool wait_idle(std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;
    /// Graceful stop now (the destructor then does nothing more).
    server::stop_report stop(std::chrono::milliseconds grace = std::chrono::seconds(2));
    server::http_server& server() noexcept { return *server_; }

private:
    std::unique_ptr<server::http_server> server_;
};

/// A handler answering 200 "text/plain" with "METHOD TARGET\n" followed by the request body:
/// handy for transport tests that only need an echo.
server::http_response echo_handler(const server::http_request& request);

}  // namespace wsuslab::test
