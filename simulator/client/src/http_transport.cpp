// The Beast/Asio transport. Every operation is asynchronous under a tcp_stream deadline and is
// driven to completion by running the private io_context, so the public API stays synchronous
// while timeouts still work (synchronous Beast calls ignore expires_after).
#include <wsuslab/client/http_transport.hpp>

#include <utility>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/ssl.h>

#include <wsuslab/client/hresult.hpp>
#include <wsuslab/client/url.hpp>

namespace wsuslab::client {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;
using error_code = beast::error_code;

transport_error make_error(transport_error_kind kind, std::string message,
                           std::optional<std::uint32_t> hresult = std::nullopt) {
    return transport_error{kind, hresult ? *hresult : hresult_of(kind), std::move(message)};
}

// The "Host" value: the authority without a default port.
std::string host_header(const url& u) {
    bool const default_port = (u.scheme == "http" && u.port == 80) || (u.scheme == "https" && u.port == 443);
    std::string h = u.host.find(':') != std::string::npos ? "[" + u.host + "]" : u.host;
    return default_port ? h : h + ":" + std::to_string(u.port);
}

bool stale_connection_error(const error_code& ec) {
    return ec == http::error::end_of_stream || ec == net::error::eof ||
           ec == net::error::connection_reset || ec == net::error::broken_pipe ||
           ec == net::error::connection_aborted || ec == net::ssl::error::stream_truncated;
}

}  // namespace

struct http_transport::impl {
    explicit impl(http_transport_options o) : opt(std::move(o)), ssl_ctx(ssl::context::tls_client) {
        if (opt.insecure) {
            ssl_ctx.set_verify_mode(ssl::verify_none);
        } else {
            ssl_ctx.set_verify_mode(ssl::verify_peer);
            error_code ec;
            if (opt.ca_file) {
                ssl_ctx.load_verify_file(*opt.ca_file, ec);
                if (ec) {
                    tls_setup_error = "cannot load CA file '" + *opt.ca_file + "': " + ec.message();
                }
            } else {
                ssl_ctx.set_default_verify_paths(ec);
            }
        }
        if (opt.proxy_url) {
            proxy = parse_url(*opt.proxy_url);
            if (!proxy || proxy->scheme != "http") {
                proxy_setup_error = "invalid proxy URL '" + *opt.proxy_url + "': expected http://host:port";
            }
        }
    }

    http_transport_options opt;
    net::io_context ioc;
    ssl::context ssl_ctx;
    std::string tls_setup_error;
    std::string proxy_setup_error;
    std::optional<url> proxy;

    std::string key;  // which origin (and route) the open connection serves
    std::unique_ptr<beast::tcp_stream> plain;
    std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> secure;
    beast::flat_buffer buffer;
    std::size_t opened = 0;

    // Runs the io_context until the started operation completed (its handler ran).
    void drive() {
        ioc.restart();
        ioc.run();
    }

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

    std::optional<transport_error> connect(const url& u) {
        url const& hop = proxy ? *proxy : u;
        tcp::resolver resolver(ioc);
        error_code ec;
        auto const endpoints = resolver.resolve(hop.host, std::to_string(hop.port), ec);
        if (ec) {
            return make_error(transport_error_kind::name_not_resolved,
                              "cannot resolve " + std::string(proxy ? "proxy " : "") + hop.host + ": " + ec.message());
        }
        auto stream = std::make_unique<beast::tcp_stream>(ioc);
        stream->expires_after(opt.connect_timeout);
        stream->async_connect(endpoints, [&ec](error_code e, const tcp::endpoint&) { ec = e; });
        drive();
        if (ec) {
            std::string const why = ec == beast::error::timeout ? "timed out" : ec.message();
            return make_error(transport_error_kind::connect_failed,
                              "connect to " + std::string(proxy ? "proxy " : "") + hop.authority() + ": " + why);
        }
        ++opened;
        if (proxy && u.is_https()) {
            if (auto err = tunnel(*stream, u)) {
                return err;
            }
        }
        if (!u.is_https()) {
            plain = std::move(stream);
            return std::nullopt;
        }
        if (!tls_setup_error.empty()) {
            return make_error(transport_error_kind::tls_failed, tls_setup_error);
        }
        auto tls = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(std::move(*stream), ssl_ctx);
        // SNI (host names only, RFC 6066) and host-name checking, as WinHTTP does; the check is
        // skipped with --insecure. SSL_set_tlsext_host_name is a macro with a C cast.
        error_code addr_ec;
        net::ip::make_address(u.host, addr_ec);
        if (addr_ec && SSL_ctrl(tls->native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME,
                                TLSEXT_NAMETYPE_host_name,
                                static_cast<void*>(const_cast<char*>(u.host.c_str()))) != 1) {
            return make_error(transport_error_kind::tls_failed, "cannot set TLS SNI host name " + u.host);
        }
        if (!opt.insecure) {
            tls->set_verify_callback(ssl::host_name_verification(u.host));
        }
        beast::get_lowest_layer(*tls).expires_after(opt.connect_timeout);
        tls->async_handshake(ssl::stream_base::client, [&ec](error_code e) { ec = e; });
        drive();
        if (ec) {
            std::string const why = ec == beast::error::timeout ? "timed out" : ec.message();
            return make_error(transport_error_kind::tls_failed, "TLS handshake with " + u.authority() + ": " + why);
        }
        secure = std::move(tls);
        return std::nullopt;
    }

    // CONNECT host:port through the proxy; any 2xx opens the tunnel.
    std::optional<transport_error> tunnel(beast::tcp_stream& stream, const url& u) {
        http::request<http::empty_body> req{http::verb::connect, u.authority(), 11};
        req.set(http::field::host, u.authority());
        req.set(http::field::user_agent, opt.user_agent);
        error_code ec;
        stream.expires_after(opt.connect_timeout);
        http::async_write(stream, req, [&ec](error_code e, std::size_t) { ec = e; });
        drive();
        if (ec) {
            return make_error(transport_error_kind::connect_failed, "CONNECT to proxy " + proxy->authority() + ": " + ec.message());
        }
        http::response_parser<http::empty_body> parser;
        parser.skip(true);  // a CONNECT answer has no body to read
        beast::flat_buffer buf;
        http::async_read_header(stream, buf, parser, [&ec](error_code e, std::size_t) { ec = e; });
        drive();
        if (ec) {
            return make_error(transport_error_kind::connect_failed, "CONNECT to proxy " + proxy->authority() + ": " + ec.message());
        }
        int const status = static_cast<int>(parser.get().result_int());
        if (status < 200 || status > 299) {
            return make_error(transport_error_kind::proxy_failed,
                              "proxy " + proxy->authority() + " refused CONNECT " + u.authority() +
                                  ": HTTP " + std::to_string(status),
                              hresult_of_http_status(status));
        }
        return std::nullopt;
    }

    template <class Stream>
    std::variant<http_reply, error_code> exchange(Stream& stream, http::request<http::string_body>& req, bool head) {
        error_code ec;
        beast::get_lowest_layer(stream).expires_after(opt.request_timeout);
        http::async_write(stream, req, [&ec](error_code e, std::size_t) { ec = e; });
        drive();
        if (ec) {
            return ec;
        }
        http::response_parser<http::string_body> parser;
        parser.body_limit(opt.max_response_bytes);
        if (head) {
            parser.skip(true);
        }
        // Header first: Beast 1.74's eager body parse skips the Content-Length body-limit check,
        // so the declared length is checked here before any body byte is read.
        http::async_read_header(stream, buffer, parser, [&ec](error_code e, std::size_t) { ec = e; });
        drive();
        if (ec) {
            return ec;
        }
        if (auto const declared = parser.content_length(); declared && *declared > opt.max_response_bytes) {
            return error_code(http::error::body_limit);
        }
        if (!parser.is_done()) {
            http::async_read(stream, buffer, parser, [&ec](error_code e, std::size_t) { ec = e; });
            drive();
            if (ec) {
                return ec;
            }
        }
        auto res = parser.release();
        http_reply reply;
        reply.status = static_cast<int>(res.result_int());
        for (auto const& field : res) {
            reply.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
        }
        reply.body = std::move(res.body());
        if (!res.keep_alive() || !opt.keep_alive) {
            close();
        }
        return reply;
    }

    transport_result request(http::verb verb, const std::string& text, const std::string* action,
                             const std::string* body, const http_headers& extra = {}) {
        if (!proxy_setup_error.empty()) {
            return make_error(transport_error_kind::invalid_url, proxy_setup_error);
        }
        auto const u = parse_url(text);
        if (!u) {
            return make_error(transport_error_kind::invalid_url, "invalid URL '" + text + "'");
        }
        // Through a proxy, plain HTTP shares one proxy connection; HTTPS needs a tunnel per origin.
        std::string const route = proxy ? (u->is_https() ? "proxy|" + u->scheme + "://" + u->authority() : "proxy|http")
                                        : u->scheme + "://" + u->authority();
        http::request<http::string_body> req{verb, proxy && !u->is_https() ? u->to_string() : u->target, 11};
        req.set(http::field::host, host_header(*u));
        req.set(http::field::user_agent, opt.user_agent);
        if (action != nullptr) {
            req.set(http::field::content_type, "text/xml; charset=utf-8");
            req.set("SOAPAction", "\"" + *action + "\"");
        }
        if (body != nullptr) {
            req.body() = *body;
        }
        req.keep_alive(opt.keep_alive);
        for (auto const& [name, value] : extra) {
            req.set(name, value);
        }
        req.prepare_payload();
        bool const head = verb == http::verb::head;

        for (int attempt = 0; attempt < 2; ++attempt) {
            bool const reused = key == route && (plain || secure);
            if (!reused) {
                close();
                if (auto err = connect(*u)) {
                    close();
                    return *err;
                }
                key = route;
            }
            auto r = secure ? exchange(*secure, req, head) : exchange(*plain, req, head);
            if (auto* reply = std::get_if<http_reply>(&r)) {
                return std::move(*reply);
            }
            error_code const ec = std::get<error_code>(r);
            close();
            // A kept-alive connection the server closed meanwhile: reconnect once and resend.
            if (reused && stale_connection_error(ec)) {
                continue;
            }
            if (ec == beast::error::timeout) {
                return make_error(transport_error_kind::timed_out,
                                  "no complete answer from " + u->authority() + " within " +
                                      std::to_string(opt.request_timeout.count()) + " ms");
            }
            if (ec == http::error::body_limit) {
                return make_error(transport_error_kind::response_too_large,
                                  "response from " + u->authority() + " is larger than " +
                                      std::to_string(opt.max_response_bytes) + " bytes");
            }
            return make_error(transport_error_kind::receive_failed,
                              "exchange with " + u->authority() + ": " + ec.message());
        }
        return make_error(transport_error_kind::receive_failed,
                          "exchange with " + u->authority() + ": connection closed twice");
    }
};

std::optional<std::string_view> http_reply::header(std::string_view name) const {
    auto eq = [](std::string_view a, std::string_view b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (std::size_t i = 0; i < a.size(); ++i) {
            char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
            char y = b[i] >= 'A' && b[i] <= 'Z' ? static_cast<char>(b[i] - 'A' + 'a') : b[i];
            if (x != y) {
                return false;
            }
        }
        return true;
    };
    for (auto const& [k, v] : headers) {
        if (eq(k, name)) {
            return std::string_view(v);
        }
    }
    return std::nullopt;
}

http_transport::http_transport(http_transport_options options)
    : impl_(std::make_unique<impl>(std::move(options))) {}
http_transport::~http_transport() = default;
http_transport::http_transport(http_transport&&) noexcept = default;
http_transport& http_transport::operator=(http_transport&&) noexcept = default;

transport_result http_transport::post(const std::string& url, const std::string& soap_action,
                                      const std::string& body) {
    return impl_->request(http::verb::post, url, &soap_action, &body);
}

transport_result http_transport::post_with_headers(const std::string& url, const std::string& soap_action,
                                                   const std::string& body, const http_headers& headers) {
    return impl_->request(http::verb::post, url, &soap_action, &body, headers);
}

transport_result http_transport::head(const std::string& url) {
    return impl_->request(http::verb::head, url, nullptr, nullptr);
}

transport_result http_transport::get(const std::string& url) {
    return impl_->request(http::verb::get, url, nullptr, nullptr);
}

transport_result http_transport::send(const std::string& method, const std::string& url,
                                      const http_headers& headers, const std::string& body) {
    http::verb const verb = http::string_to_verb(method);
    if (verb == http::verb::unknown) {
        return make_error(transport_error_kind::send_failed, "method '" + method + "' is not supported");
    }
    return impl_->request(verb, url, nullptr, &body, headers);
}

std::size_t http_transport::connections_opened() const { return impl_->opened; }

void http_transport::close() { impl_->close(); }

}  // namespace wsuslab::client
