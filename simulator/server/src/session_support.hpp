#pragma once
// Non-template helpers of the HTTP session: classifying read errors once
// (docs/limits-and-faults.md §5.2), converting between Beast messages and the Beast-free
// http_types, canned responses.

#include <cstdint>
#include <string>
#include <string_view>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/system/error_code.hpp>

#include <wsuslab/server/http_types.hpp>
#include <wsuslab/server/server_config.hpp>

namespace wsuslab::server::detail {

/// What a failed read means for the connection.
struct read_failure {
    enum class kind {
        quiet,    ///< peer went away or we cancelled: close without a word
        timeout,  ///< a deadline expired: the socket is already closed (silent close)
        reject,   ///< framing error: answer `status` with `body`, then close
    };
    kind what = kind::quiet;
    int status = 0;
    std::string body;
};

/// Classifies the error of a header or body read. `buffered` is what the read buffer still holds
/// (used to name a bare-LF line ending, which Beast reports as a bad version).
read_failure classify_read_error(const boost::system::error_code& ec, const server_config& config,
                                 std::string_view buffered);

/// True when `bytes` hold an LF not preceded by CR (a bare-LF line ending). An LF at the very
/// start counts: what precedes it was a complete CRLF line or nothing.
bool has_bare_lf(std::string_view bytes) noexcept;

/// A plain-text response (Content-Type text/plain; charset=utf-8) that closes the connection.
http_response make_plain_response(int status, std::string body);

/// The 503 sent at max_connections.
http_response make_busy_response(std::size_t max_connections);

/// The 500 sent when the handler throws.
http_response make_handler_error_response();

/// Moves a parsed Beast request into the Beast-free type.
http_request to_http_request(boost::beast::http::request<boost::beast::http::string_body>&& req,
                             std::string remote_address, bool tls);

/// True when the response asks for the connection to be closed (close flag or a
/// "Connection: close" header).
bool wants_close(const http_response& response);

/// Fills a Beast response from the handler's: status (an out-of-range status becomes 500),
/// headers (Content-Length, Transfer-Encoding, Connection and malformed fields are the session's
/// business and are dropped), body, Content-Length and the Connection header.
void fill_beast_response(boost::beast::http::response<boost::beast::http::string_body>& out,
                         http_response&& in, unsigned version, bool keep_alive);

/// "127.0.0.1:53422" / "[::1]:53422".
std::string format_endpoint(const std::string& address, bool is_v6, std::uint16_t port);

}  // namespace wsuslab::server::detail
