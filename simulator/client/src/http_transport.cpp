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
#include <wsuslab/protocol/text.hpp>

#include "transport_detail.hpp"

namespace wsuslab::client {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;
using error_code = beast::error_code;

using detail::stale_connection_error;

transport_error make_error(transport_error_kind kind, std::string message,
                           std::optional<std::uint32_t> hresult = std::nullopt) {
    return detail::make_transport_error(kind, std::move(message), hresult);
}

// The "Host" value: the authority without a default port.
std::string host_header(const url& u) {
    bool const default_port = (u.scheme == "http" && u.port == 80) || (u.scheme == "https" && u.port == 443);
    std::string h = u.host.find(':') != std::string::npos ? "[" + u.host + "]" : u.host;
    return default_port ? h : h + ":" + std::to_string(u.port);
}

}  // namespace

namespace detail {

transport_error make_transport_error(transport_error_kind kind, std::string message,
                                     std::optional<std::uint32_t> hresult) {
    return transport_error{kind, hresult ? *hresult : hresult_of(kind), std::move(message)};
}

transport_setup set_up_transport(const http_transport_options& opt, ssl::context& tls) {
    transport_setup out;
    if (opt.insecure) {
        tls.set_verify_mode(ssl::verify_none);
    } else {
        tls.set_verify_mode(ssl::verify_peer);
        error_code ec;
        if (opt.ca_file) {
            tls.load_verify_file(*opt.ca_file, ec);
            if (ec) {
                out.tls_error = "cannot load CA file '" + *opt.ca_file + "': " + ec.message();
            }
        } else {
            tls.set_default_verify_paths(ec);
        }
    }
    if (opt.proxy_url) {
        out.proxy = parse_url(*opt.proxy_url);
        if (!out.proxy || out.proxy->scheme != "http") {
            out.proxy_error = "invalid proxy URL '" + *opt.proxy_url + "': expected http://host:port";
        }
    }
    return out;
}

std::string route_of(const url& u, bool through_proxy) {
    if (!through_proxy) {
        return u.scheme + "://" + u.authority();
    }
    return u.is_https() ? "proxy|" + u.scheme + "://" + u.authority() : "proxy|http";
}

string_request build_request(const request_parts& parts, const url& u, bool through_proxy,
                             const http_transport_options& opt) {
    // A plain-HTTP proxy wants the absolute URL in the request line.
    string_request req{parts.verb, through_proxy && !u.is_https() ? u.to_string() : u.target, 11};
    req.set(http::field::host, host_header(u));
    req.set(http::field::user_agent, opt.user_agent);
    if (parts.soap_action != nullptr) {
        req.set(http::field::content_type, "text/xml; charset=utf-8");
        req.set("SOAPAction", "\"" + *parts.soap_action + "\"");
    }
    if (parts.body != nullptr) {
        req.body() = *parts.body;
    }
    req.keep_alive(opt.keep_alive);
    if (parts.extra != nullptr) {
        for (auto const& [name, value] : *parts.extra) {
            req.set(name, value);
        }
    }
    req.prepare_payload();
    return req;
}

http_reply reply_of(string_response&& res) {
    http_reply reply;
    reply.status = static_cast<int>(res.result_int());
    for (auto const& field : res) {
        reply.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    reply.body = std::move(res.body());
    return reply;
}

std::optional<transport_error> set_sni(SSL* ssl, const std::string& host) {
    error_code addr_ec;
    net::ip::make_address(host, addr_ec);
    // SSL_set_tlsext_host_name is a macro with a C cast.
    if (addr_ec && SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                            static_cast<void*>(const_cast<char*>(host.c_str()))) != 1) {
        return make_error(transport_error_kind::tls_failed, "cannot set TLS SNI host name " + host);
    }
    return std::nullopt;
}

std::optional<transport_error> tunnel_refusal(int status, const url& proxy, const url& target) {
    if (status >= 200 && status <= 299) {
        return std::nullopt;
    }
    return make_error(transport_error_kind::proxy_failed,
                      "proxy " + proxy.authority() + " refused CONNECT " + target.authority() +
                          ": HTTP " + std::to_string(status),
                      hresult_of_http_status(status));
}

bool stale_connection_error(const error_code& ec) {
    return ec == http::error::end_of_stream || ec == net::error::eof ||
           ec == net::error::connection_reset || ec == net::error::broken_pipe ||
           ec == net::error::connection_aborted || ec == net::ssl::error::stream_truncated;
}

transport_error exchange_error(const error_code& ec, const url& u, const http_transport_options& opt) {
    if (ec == beast::error::timeout) {
        return make_error(transport_error_kind::timed_out, "no complete answer from " + u.authority() +
                                                               " within " +
                                                               std::to_string(opt.request_timeout.count()) + " ms");
    }
    if (ec == http::error::body_limit) {
        return make_error(transport_error_kind::response_too_large,
                          "response from " + u.authority() + " is larger than " +
                              std::to_string(opt.max_response_bytes) + " bytes");
    }
    return make_error(transport_error_kind::receive_failed, "exchange with " + u.authority() + ": " + ec.message());
}

}  // namespace detail

struct http_transport::impl {
    explicit impl(http_transport_options o) : opt(std::move(o)), ssl_ctx(ssl::context::tls_client) {
        detail::transport_setup setup = detail::set_up_transport(opt, ssl_ctx);
        proxy = std::move(setup.proxy);
        tls_setup_error = std::move(setup.tls_error);
        proxy_setup_error = std::move(setup.proxy_error);
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
        // SNI and host-name checking, as WinHTTP does; the check is skipped with --insecure.
        if (auto err = detail::set_sni(tls->native_handle(), u.host)) {
            return err;
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
        return detail::tunnel_refusal(static_cast<int>(parser.get().result_int()), *proxy, u);
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
        if (!res.keep_alive() || !opt.keep_alive) {
            close();
        }
        return detail::reply_of(std::move(res));
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
        std::string const route = detail::route_of(*u, proxy.has_value());
        detail::request_parts const parts{verb, action, body, &extra};
        auto req = detail::build_request(parts, *u, proxy.has_value(), opt);
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
            return detail::exchange_error(ec, *u, opt);
        }
        return make_error(transport_error_kind::receive_failed,
                          "exchange with " + u->authority() + ": connection closed twice");
    }
};

std::optional<std::string_view> http_reply::header(std::string_view name) const {
    for (auto const& [k, v] : headers) {
        if (protocol::iequals(k, name)) {
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
