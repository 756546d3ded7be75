#include <wsuslab/server/http_types.hpp>


#include <wsuslab/protocol/text.hpp>

#include "plain_response.hpp"

namespace wsuslab::server {
namespace {

std::optional<std::string_view> find_header(
    const std::vector<std::pair<std::string, std::string>>& headers, std::string_view name) {
    for (auto const& [key, value] : headers) {
        if (protocol::iequals(key, name)) {
            return std::string_view(value);
        }
    }
    return std::nullopt;
}

}  // namespace

std::optional<std::string_view> http_request::header(std::string_view name) const {
    return find_header(headers, name);
}

std::optional<std::string_view> http_response::header(std::string_view name) const {
    return find_header(headers, name);
}

void http_response::set_header(std::string name, std::string value) {
    for (auto& [key, existing] : headers) {
        if (protocol::iequals(key, name)) {
            existing = std::move(value);
            return;
        }
    }
    headers.emplace_back(std::move(name), std::move(value));
}

}  // namespace wsuslab::server

namespace wsuslab::server::detail {

http_response plain_text_response(int status, std::string body) {
    http_response r;
    r.status = status;
    r.set_header("Content-Type", "text/plain; charset=utf-8");
    r.body = std::move(body);
    return r;
}

}  // namespace wsuslab::server::detail
