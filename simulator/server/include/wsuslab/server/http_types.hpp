#pragma once
/// Beast-free HTTP request and response values: the seam between the Beast session (which reads
/// and writes bytes) and the request handler (a plain function, testable without sockets).

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wsuslab::server {

struct http_request {
    std::string method;  ///< "POST", "GET", "HEAD", ...
    std::string target;  ///< path and query as received, e.g. "/ClientWebService/client.asmx?wsdl"
    unsigned version = 11;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::string remote_address;  ///< "127.0.0.1:53422"
    bool tls = false;

    /// The first header with this name (case-insensitive), if any.
    std::optional<std::string_view> header(std::string_view name) const;
};

struct http_response {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;  ///< Content-Length is added by the session
    std::string body;
    /// For HEAD: the session sends the headers (with the Content-Length of `body`) but no body.
    bool head_only = false;
    /// Ask the session to close the connection after this response.
    bool close = false;

    void set_header(std::string name, std::string value);
    std::optional<std::string_view> header(std::string_view name) const;
};

using request_handler = std::function<http_response(const http_request&)>;

}  // namespace wsuslab::server
