#include "proxy_upstream.hpp"

#include <algorithm>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include <netdb.h>
#include <sys/socket.h>

#include <wsuslab/client/url.hpp>

namespace wsuslab::app {
namespace {

std::vector<std::string> resolve(const std::string& host) {
    std::vector<std::string> out;
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* list = nullptr;
    if (::getaddrinfo(host.c_str(), nullptr, &hints, &list) != 0) {
        return out;
    }
    for (addrinfo* a = list; a != nullptr; a = a->ai_next) {
        char text[NI_MAXHOST] = {};
        if (::getnameinfo(a->ai_addr, a->ai_addrlen, text, sizeof text, nullptr, 0, NI_NUMERICHOST) == 0) {
            std::string s = text;
            if (std::find(out.begin(), out.end(), s) == out.end()) {
                out.push_back(std::move(s));
            }
        }
    }
    ::freeaddrinfo(list);
    return out;
}

server::upstream_failure_kind failure_kind(client::transport_error_kind kind) {
    switch (kind) {
        case client::transport_error_kind::timed_out:
            return server::upstream_failure_kind::timed_out;
        case client::transport_error_kind::receive_failed:
            return server::upstream_failure_kind::bad_response;
        case client::transport_error_kind::response_too_large:
            return server::upstream_failure_kind::too_large;
        default:
            return server::upstream_failure_kind::unreachable;
    }
}

// Idle transports, each with its kept-alive connection.
struct transport_pool {
    explicit transport_pool(client::http_transport_options o) : options(std::move(o)) {}

    std::unique_ptr<client::http_transport> take() {
        {
            std::lock_guard<std::mutex> lock(mu);
            if (!idle.empty()) {
                auto t = std::move(idle.back());
                idle.pop_back();
                return t;
            }
        }
        return std::make_unique<client::http_transport>(options);
    }

    void give_back(std::unique_ptr<client::http_transport> t) {
        constexpr std::size_t max_idle = 64;
        std::lock_guard<std::mutex> lock(mu);
        if (idle.size() < max_idle) {
            idle.push_back(std::move(t));
        }
    }

    client::http_transport_options options;
    std::mutex mu;
    std::vector<std::unique_ptr<client::http_transport>> idle;
};

}  // namespace

std::variant<server::upstream_address, std::string> describe_upstream(const std::string& url) {
    auto const u = client::parse_url(url);
    if (!u) {
        return "--upstream '" + url + "' is not an http:// or https:// URL";
    }
    server::upstream_address a;
    a.url = client::trim_trailing_slash(url);
    a.host = u->host;
    a.port = u->port;
    a.addresses = resolve(u->host);
    return a;
}

server::upstream_forwarder make_http_upstream(std::string base_url, client::http_transport_options options) {
    auto pool = std::make_shared<transport_pool>(std::move(options));
    std::string base = client::trim_trailing_slash(base_url);
    return [pool, base](const server::http_request& request) -> server::upstream_result {
        auto transport = pool->take();
        client::transport_result r = transport->send(request.method, base + request.target, request.headers, request.body);
        pool->give_back(std::move(transport));
        if (!r) {
            return server::upstream_failure{failure_kind(r.error().kind), r.error().message};
        }
        server::http_response out;
        out.status = r.reply().status;
        out.headers = std::move(r.reply().headers);
        out.body = std::move(r.reply().body);
        return out;
    };
}

}  // namespace wsuslab::app
