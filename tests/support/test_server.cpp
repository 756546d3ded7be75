#include "test_server.hpp"

#include <stdexcept>
#include <utility>

namespace wsuslab::test {

server::server_config test_server::test_config() {
    server::server_config c;
    c.listen = "127.0.0.1:0";
    c.threads = 2;
    c.header_timeout = std::chrono::seconds(2);
    c.body_timeout = std::chrono::seconds(2);
    c.idle_timeout = std::chrono::seconds(2);
    c.write_timeout = std::chrono::seconds(2);
    c.linger_timeout = std::chrono::milliseconds(500);
    return c;
}

namespace {

bool is_loopback_listen(const std::string& listen) {
    return listen.rfind("127.", 0) == 0 || listen.rfind("[::1]:", 0) == 0 ||
           listen.rfind("localhost:", 0) == 0;
}

}  // namespace

test_server::test_server(server::request_handler handler, server::server_config config) {
    // Tests never listen beyond the loopback interface.
    if (!is_loopback_listen(config.listen)) {
        config.listen = "127.0.0.1:0";
    }
    auto started = server::http_server::start(std::move(config), std::move(handler));
    if (!started) {
        throw std::runtime_error("test_server: " + started.error);
    }
    server_ = std::move(started.server);
}

test_server::~test_server() = default;

std::uint16_t test_server::port() const noexcept { return server_->port(); }

std::string test_server::url() const { return server_->url(); }

server::server_stats test_server::stats() const noexcept { return server_->stats(); }

bool test_server::wait_idle(std::chrono::milliseconds timeout) const {
    return server_->wait_idle(timeout);
}

server::stop_report test_server::stop(std::chrono::milliseconds grace) {
    return server_->stop(grace);
}

server::http_response echo_handler(const server::http_request& request) {
    server::http_response r;
    r.set_header("Content-Type", "text/plain; charset=utf-8");
    r.body = request.method + " " + request.target + "\n" + request.body;
    return r;
}

}  // namespace wsuslab::test
