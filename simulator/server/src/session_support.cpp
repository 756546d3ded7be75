#include "session_support.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

#include <boost/asio/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>

#include <wsuslab/protocol/text.hpp>

namespace wsuslab::server::detail {
namespace http = boost::beast::http;

namespace {

bool is_token_char(char c) {
    auto const u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0) {
        return true;
    }
    return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool valid_field(std::string_view name, std::string_view value) {
    if (name.empty() || !std::all_of(name.begin(), name.end(), is_token_char)) {
        return false;
    }
    // CR, LF or NUL in a value would let a handler inject header lines.
    return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

}  // namespace

bool has_bare_lf(std::string_view bytes) noexcept {
    for (auto i = bytes.find('\n'); i != std::string_view::npos; i = bytes.find('\n', i + 1)) {
        if (i == 0 || bytes[i - 1] != '\r') {
            return true;
        }
    }
    return false;
}

read_failure classify_read_error(const boost::system::error_code& ec, const server_config& config,
                                 std::string_view buffered) {
    read_failure f;
    if (ec == boost::beast::error::timeout) {
        f.what = read_failure::kind::timeout;
        return f;
    }
    if (ec.category() != http::make_error_code(http::error::end_of_stream).category() ||
        ec == http::error::end_of_stream) {
        // Transport errors (reset, abort, TLS truncation) and a clean EOF between requests.
        return f;
    }
    f.what = read_failure::kind::reject;
    if (ec == http::error::body_limit) {
        f.status = 413;
        f.body = "request body too large: the limit is " + std::to_string(config.body_limit) +
                 " bytes\n";
    } else if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
        f.status = 431;
        f.body = "request header too large: the limit is " + std::to_string(config.header_limit) +
                 " bytes\n";
    // Beast 1.74 reports "GET / HTTP/1.1\n" as a bad version; naming the bare LF is clearer.
    } else if ((ec == http::error::bad_version || ec == http::error::bad_line_ending ||
                ec == http::error::bad_field || ec == http::error::bad_value) &&
               has_bare_lf(buffered)) {
        f.status = 400;
        f.body = "bad request: bare LF line ending (lines must end with CRLF)\n";
    } else if (ec == http::error::partial_message) {
        f.status = 400;
        f.body = "bad request: partial message (the client closed its side before the request "
                 "was complete)\n";
    } else {
        f.status = 400;
        f.body = "bad request: " + ec.message() + "\n";
    }
    return f;
}

http_response make_plain_response(int status, std::string body) {
    http_response r;
    r.status = status;
    r.set_header("Content-Type", "text/plain; charset=utf-8");
    r.body = std::move(body);
    r.close = true;
    return r;
}

http_response make_busy_response(std::size_t max_connections) {
    return make_plain_response(503, "server busy: the limit of " +
                                        std::to_string(max_connections) +
                                        " open connections is reached\n");
}

http_response make_handler_error_response() {
    http_response r = make_plain_response(500, "internal server error: the request handler failed\n");
    // The request was read completely, so the connection itself is still sound.
    r.close = false;
    return r;
}

http_request to_http_request(http::request<http::string_body>&& req, std::string remote_address,
                             bool tls) {
    http_request out;
    out.method = std::string(req.method_string());
    out.target = std::string(req.target());
    out.version = req.version();
    out.headers.reserve(static_cast<std::size_t>(std::distance(req.begin(), req.end())));
    for (auto const& field : req) {
        out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    out.body = std::move(req.body());
    out.remote_address = std::move(remote_address);
    out.tls = tls;
    return out;
}

bool wants_close(const http_response& response) {
    if (response.close) {
        return true;
    }
    auto const connection = response.header("Connection");
    return connection && protocol::iequals(*connection, "close");
}

void fill_beast_response(http::response<http::string_body>& out, http_response&& in,
                         unsigned version, bool keep_alive) {
    out.version(version);
    out.result(in.status >= 100 && in.status <= 999 ? static_cast<unsigned>(in.status) : 500U);
    for (auto& [name, value] : in.headers) {
        if (protocol::iequals(name, "Content-Length") || protocol::iequals(name, "Transfer-Encoding") ||
            protocol::iequals(name, "Connection") || !valid_field(name, value)) {
            continue;
        }
        out.insert(name, value);
    }
    out.body() = std::move(in.body);
    out.content_length(out.body().size());
    out.keep_alive(keep_alive);
}

std::string format_endpoint(const std::string& address, bool is_v6, std::uint16_t port) {
    if (is_v6) {
        return "[" + address + "]:" + std::to_string(port);
    }
    return address + ":" + std::to_string(port);
}

}  // namespace wsuslab::server::detail
