// The coroutine transport of the fleet (fleet_transport.hpp). Every Beast call takes the client's
// yield context as its completion token: the coroutine is suspended until the operation
// completes and the event loop runs other clients meanwhile. Deadlines are tcp_stream
// expiries, as in http_transport.
#include "fleet_transport.hpp"

#include <chrono>
#include <utility>

#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/ssl.h>

#include <wsuslab/client/hresult.hpp>

#include "transport_detail.hpp"

namespace wsuslab::client::detail {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;
using error_code = beast::error_code;
// Streams on the concrete io_context executor: no type-erased executor on every operation.
using tcp_stream = beast::basic_stream<tcp, net::io_context::executor_type>;

std::size_t operation_slot(const std::string* soap_action) {
    if (soap_action != nullptr) {
        if (auto const op = protocol::operation_from_action(*soap_action)) {
            return static_cast<std::size_t>(*op);
        }
    }
    return fleet_counters::op_count - 1;  // content HEAD/GET and unknown actions
}

}  // namespace

void fleet_counters::count_request(std::size_t op_slot, std::uint64_t microseconds, bool answered_by_server) {
    requests.fetch_add(1, std::memory_order_relaxed);
    if (answered_by_server) {
        answered.fetch_add(1, std::memory_order_relaxed);
    }
    by_operation[op_slot].fetch_add(1, std::memory_order_relaxed);
    latency[latency_histogram::bucket_of(microseconds)].fetch_add(1, std::memory_order_relaxed);
}

latency_histogram fleet_counters::latency_snapshot() const {
    latency_histogram h;
    for (std::size_t i = 0; i < latency.size(); ++i) {
        if (auto const n = latency[i].load(std::memory_order_relaxed)) {
            h.add(i, n);
        }
    }
    return h;
}

fleet_network::fleet_network(http_transport_options options, fleet_counters& counters)
    : opt_(std::move(options)), tls_(ssl::context::tls_client), counters_(counters) {
    transport_setup setup = set_up_transport(opt_, tls_);
    proxy_ = std::move(setup.proxy);
    tls_error_ = std::move(setup.tls_error);
    proxy_error_ = std::move(setup.proxy_error);
}

tcp::resolver::results_type fleet_network::resolve(const std::string& host, std::uint16_t port,
                                                   net::io_context& loop, fleet_yield yield,
                                                   error_code& ec) {
    std::string const key = host + ":" + std::to_string(port);
    {
        std::lock_guard<std::mutex> lock(resolved_mutex_);
        if (auto const it = resolved_.find(key); it != resolved_.end()) {
            ec = {};
            return it->second;
        }
    }
    tcp::resolver resolver(loop);
    auto results = resolver.async_resolve(host, std::to_string(port), yield[ec]);
    if (!ec) {
        std::lock_guard<std::mutex> lock(resolved_mutex_);
        resolved_.emplace(key, results);
    }
    return results;
}

struct coroutine_transport::connection {
    std::string key;  // which origin (and route) the open connection serves
    std::unique_ptr<tcp_stream> plain;
    std::unique_ptr<beast::ssl_stream<tcp_stream>> secure;
    beast::flat_buffer buffer;

    bool open() const { return plain || secure; }
    void close() {
        error_code ec;
        if (secure) {
            beast::get_lowest_layer(*secure).socket().close(ec);
        }
        if (plain) {
            plain->socket().close(ec);
        }
        secure.reset();
        plain.reset();
        key.clear();
        buffer.clear();
    }
};

void fleet_coroutine_done() {}

coroutine_transport::coroutine_transport(fleet_network& network, net::io_context& loop, fleet_yield yield)
    : net_(network), loop_(loop), yield_(std::move(yield)), conn_(std::make_unique<connection>()) {
    // Room for a whole SyncUpdates page per read: Beast's default growth reads 512 bytes at a
    // time at first, several recvmsg calls per answer.
    conn_->buffer.reserve(64 * 1024);
}

coroutine_transport::~coroutine_transport() { close(); }

void coroutine_transport::close() { conn_->close(); }

namespace {

struct exchange_context {
    fleet_network& net;
    net::io_context& loop;
    fleet_yield yield;
    coroutine_transport::connection& conn;
};

std::string why(const error_code& ec) { return ec == beast::error::timeout ? "timed out" : ec.message(); }

// CONNECT host:port through the proxy; any 2xx opens the tunnel.
std::optional<transport_error> tunnel(exchange_context& x, tcp_stream& stream, const url& u) {
    auto const& opt = x.net.options();
    auto const& proxy = *x.net.proxy();
    http::request<http::empty_body> req{http::verb::connect, u.authority(), 11};
    req.set(http::field::host, u.authority());
    req.set(http::field::user_agent, opt.user_agent);
    error_code ec;
    stream.expires_after(opt.connect_timeout);
    http::async_write(stream, req, x.yield[ec]);
    http::response_parser<http::empty_body> parser;
    parser.skip(true);  // a CONNECT answer has no body to read
    beast::flat_buffer buf;
    if (!ec) {
        http::async_read_header(stream, buf, parser, x.yield[ec]);
    }
    if (ec) {
        return make_transport_error(transport_error_kind::connect_failed, "CONNECT to proxy " + proxy.authority() + ": " + why(ec));
    }
    return tunnel_refusal(static_cast<int>(parser.get().result_int()), proxy, u);
}

std::optional<transport_error> start_tls(exchange_context& x, std::unique_ptr<tcp_stream> stream, const url& u) {
    if (!x.net.tls_setup_error().empty()) {
        return make_transport_error(transport_error_kind::tls_failed, x.net.tls_setup_error());
    }
    auto tls = std::make_unique<beast::ssl_stream<tcp_stream>>(std::move(*stream), x.net.tls());
    if (auto err = set_sni(tls->native_handle(), u.host)) {
        return err;
    }
    if (!x.net.options().insecure) {
        tls->set_verify_callback(ssl::host_name_verification(u.host));
    }
    error_code ec;
    beast::get_lowest_layer(*tls).expires_after(x.net.options().connect_timeout);
    tls->async_handshake(ssl::stream_base::client, x.yield[ec]);
    if (ec) {
        return make_transport_error(transport_error_kind::tls_failed, "TLS handshake with " + u.authority() + ": " + why(ec));
    }
    x.conn.secure = std::move(tls);
    return std::nullopt;
}

std::optional<transport_error> connect(exchange_context& x, const url& u) {
    auto const& proxy = x.net.proxy();
    url const& hop = proxy ? *proxy : u;
    error_code ec;
    auto const endpoints = x.net.resolve(hop.host, hop.port, x.loop, x.yield, ec);
    if (ec) {
        return make_transport_error(transport_error_kind::name_not_resolved,
                          "cannot resolve " + std::string(proxy ? "proxy " : "") + hop.host + ": " + ec.message());
    }
    auto stream = std::make_unique<tcp_stream>(x.loop.get_executor());
    stream->expires_after(x.net.options().connect_timeout);
    stream->async_connect(endpoints, x.yield[ec]);
    if (ec) {
        return make_transport_error(transport_error_kind::connect_failed,
                          "connect to " + std::string(proxy ? "proxy " : "") + hop.authority() + ": " + why(ec));
    }
    x.net.counters().connections.fetch_add(1, std::memory_order_relaxed);
    if (proxy && u.is_https()) {
        if (auto err = tunnel(x, *stream, u)) {
            return err;
        }
    }
    if (!u.is_https()) {
        x.conn.plain = std::move(stream);
        return std::nullopt;
    }
    return start_tls(x, std::move(stream), u);
}

template <class Stream>
std::variant<http_reply, error_code> exchange(exchange_context& x, Stream& stream,
                                              http::request<http::string_body>& req, bool head) {
    auto const& opt = x.net.options();
    error_code ec;
    beast::get_lowest_layer(stream).expires_after(opt.request_timeout);
    http::async_write(stream, req, x.yield[ec]);
    if (ec) {
        return ec;
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(opt.max_response_bytes);
    parser.skip(head);
    // Header first: Beast 1.74's eager body parse skips the Content-Length body-limit check.
    http::async_read_header(stream, x.conn.buffer, parser, x.yield[ec]);
    if (ec) {
        return ec;
    }
    if (auto const declared = parser.content_length(); declared && *declared > opt.max_response_bytes) {
        return error_code(http::error::body_limit);
    }
    if (!parser.is_done()) {
        http::async_read(stream, x.conn.buffer, parser, x.yield[ec]);
        if (ec) {
            return ec;
        }
    }
    auto res = parser.release();
    if (!res.keep_alive() || !opt.keep_alive) {
        x.conn.close();
    }
    return reply_of(std::move(res));
}

}  // namespace

transport_result coroutine_transport::request(int verb_number, const std::string& text, const std::string* action,
                                              const std::string* body) {
    auto const started = std::chrono::steady_clock::now();
    auto const verb = static_cast<http::verb>(verb_number);
    auto finish = [&](transport_result r) {
        auto const us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
        net_.counters().count_request(operation_slot(action), static_cast<std::uint64_t>(us.count()), r.ok());
        return r;
    };
    if (!net_.proxy_setup_error().empty()) {
        return finish(make_transport_error(transport_error_kind::invalid_url, net_.proxy_setup_error()));
    }
    auto const u = parse_url(text);
    if (!u) {
        return finish(make_transport_error(transport_error_kind::invalid_url, "invalid URL '" + text + "'"));
    }
    bool const through_proxy = net_.proxy().has_value();
    std::string const route = route_of(*u, through_proxy);
    auto req = build_request(request_parts{verb, action, body, nullptr}, *u, through_proxy, net_.options());
    exchange_context x{net_, loop_, yield_, *conn_};
    for (int attempt = 0; attempt < 2; ++attempt) {
        bool const reused = conn_->key == route && conn_->open();
        if (!reused) {
            conn_->close();
            if (auto err = connect(x, *u)) {
                conn_->close();
                return finish(*err);
            }
            conn_->key = route;
        }
        auto r = conn_->secure ? exchange(x, *conn_->secure, req, verb == http::verb::head)
                               : exchange(x, *conn_->plain, req, verb == http::verb::head);
        if (auto* reply = std::get_if<http_reply>(&r)) {
            return finish(std::move(*reply));
        }
        error_code const ec = std::get<error_code>(r);
        conn_->close();
        // A kept-alive connection the server closed meanwhile: reconnect once and resend.
        if (reused && stale_connection_error(ec)) {
            continue;
        }
        return finish(exchange_error(ec, *u, net_.options()));
    }
    return finish(make_transport_error(transport_error_kind::receive_failed,
                             "exchange with " + u->authority() + ": connection closed twice"));
}

transport_result coroutine_transport::post(const std::string& url, const std::string& soap_action,
                                           const std::string& body) {
    return request(static_cast<int>(http::verb::post), url, &soap_action, &body);
}

transport_result coroutine_transport::head(const std::string& url) {
    return request(static_cast<int>(http::verb::head), url, nullptr, nullptr);
}

transport_result coroutine_transport::get(const std::string& url) {
    return request(static_cast<int>(http::verb::get), url, nullptr, nullptr);
}

}  // namespace wsuslab::client::detail
