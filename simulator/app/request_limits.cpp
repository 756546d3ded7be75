#include "request_limits.hpp"

#include <algorithm>
#include <limits>

namespace wsuslab::app {

std::string size_text(std::uint64_t bytes) {
    constexpr std::uint64_t kib = 1024;
    if (bytes != 0 && bytes % (kib * kib) == 0) {
        return std::to_string(bytes / (kib * kib)) + " MiB";
    }
    if (bytes != 0 && bytes % kib == 0) {
        return std::to_string(bytes / kib) + " KiB";
    }
    return std::to_string(bytes) + " bytes";
}

void add_request_limit_options(CLI::App& sub, request_limit_args& args) {
    sub.add_option("--max-body", args.max_body,
                   "request body limit in bytes (413 above; default " + size_text(server::default_body_limit) +
                       " as ASP.NET's maxRequestLength; 4M, 64K ok)")
        ->transform(CLI::AsSizeValue(false))
        ->capture_default_str();
    sub.add_option("--max-header", args.max_header,
                   "request header limit in bytes (431 above; default " +
                       size_text(server::default_header_limit) + ")")
        ->transform(CLI::AsSizeValue(false))
        ->capture_default_str();
    sub.add_option("--max-connections", args.max_connections, "connections open at once (503 above)")
        ->capture_default_str();
}

void apply_request_limits(const request_limit_args& args, server::server_config& config) {
    config.body_limit = args.max_body;
    config.header_limit = static_cast<std::uint32_t>(
        std::min<std::uint64_t>(args.max_header, std::numeric_limits<std::uint32_t>::max()));
    config.max_connections = args.max_connections;
}

}  // namespace wsuslab::app
