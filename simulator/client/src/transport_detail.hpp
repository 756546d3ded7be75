#pragma once
// Internal: what http_transport (synchronous, its own io_context) and the fleet's
// coroutine_transport share, so both build the same request and map answers and errors the same
// way (docs/client.md §4). Defined in http_transport.cpp; only these two Beast translation units
// include it.

#include <optional>
#include <string>

#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/verb.hpp>
#include <openssl/ssl.h>

#include <wsuslab/client/http_transport.hpp>
#include <wsuslab/client/transport.hpp>
#include <wsuslab/client/url.hpp>

namespace wsuslab::client::detail {

using string_request = boost::beast::http::request<boost::beast::http::string_body>;
using string_response = boost::beast::http::response<boost::beast::http::string_body>;

transport_error make_transport_error(transport_error_kind kind, std::string message,
                                     std::optional<std::uint32_t> hresult = std::nullopt);

/// Verification, CA file and proxy URL of `opt` applied to `tls` and `proxy`; the problems every
/// request then reports ("" when none).
struct transport_setup {
    std::optional<url> proxy;
    std::string tls_error;
    std::string proxy_error;
};
transport_setup set_up_transport(const http_transport_options& opt, boost::asio::ssl::context& tls);

/// Which open connection can carry a request to `u`: through a proxy, plain HTTP shares one
/// proxy connection and HTTPS needs a tunnel per origin.
std::string route_of(const url& u, bool through_proxy);

/// What the request line, Host, User-Agent, SOAP headers and body of one request are.
struct request_parts {
    boost::beast::http::verb verb;
    const std::string* soap_action = nullptr;  ///< SOAP POST when set
    const std::string* body = nullptr;
    const http_headers* extra = nullptr;
};
string_request build_request(const request_parts& parts, const url& u, bool through_proxy,
                             const http_transport_options& opt);

/// The answer as the agent sees it.
http_reply reply_of(string_response&& res);

/// SNI for host names only (RFC 6066); an error when OpenSSL refuses the name.
std::optional<transport_error> set_sni(SSL* ssl, const std::string& host);

/// The proxy's answer to CONNECT: any 2xx opens the tunnel, anything else is this error.
std::optional<transport_error> tunnel_refusal(int status, const url& proxy, const url& target);

/// Whether a failure on a reused kept-alive connection means the server had closed it.
bool stale_connection_error(const boost::beast::error_code& ec);

/// The transport_error of a failed write/read with `u`.
transport_error exchange_error(const boost::beast::error_code& ec, const url& u,
                               const http_transport_options& opt);

}  // namespace wsuslab::client::detail
