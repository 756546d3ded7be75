#pragma once
/// The upstream side of `wsuslab proxy`: a server::upstream_forwarder built on the client's
/// http_transport (HTTP/HTTPS, --proxy, --ca-file, --insecure, deadlines), and the description of
/// the upstream the sanitizer needs. Kept out of wsuslab::server so that the server library does
/// not depend on the client library.

#include <string>
#include <variant>

#include <wsuslab/client/http_transport.hpp>
#include <wsuslab/server/proxy.hpp>

namespace wsuslab::app {

/// The upstream's URL taken apart (host, port) with the addresses its host name resolves to
/// (none when it does not resolve now); an error text naming the URL when it is not http(s).
std::variant<server::upstream_address, std::string> describe_upstream(const std::string& url);

/// Forwards each request to `base_url` + its target. One http_transport per request in flight,
/// taken from a pool, so kept-alive upstream connections are reused and the forwarder may be
/// called from several threads at once. Transport errors become upstream_failure values: timeouts
/// timed_out, a broken or non-HTTP answer bad_response, an answer above
/// options.max_response_bytes too_large, everything else unreachable.
server::upstream_forwarder make_http_upstream(std::string base_url, client::http_transport_options options);

}  // namespace wsuslab::app
