#pragma once
// Internal: the plain-text answer the server, the content handler and the proxy give for HTTP-level
// errors (404, 405, 502, ...), written once.

#include <string>

#include <wsuslab/server/http_types.hpp>

namespace wsuslab::server::detail {

/// `status` with `body` as text/plain; charset=utf-8.
http_response plain_text_response(int status, std::string body);

}  // namespace wsuslab::server::detail
