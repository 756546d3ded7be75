#pragma once
/// The request limits of the commands that listen (`wsuslab serve`, `wsuslab proxy`): --max-body,
/// --max-header and --max-connections. Their defaults and the --help text come from the one
/// definition in server_config.hpp (docs/limits-and-faults.md §1.4).

#include <cstddef>
#include <cstdint>
#include <string>

#include <CLI/CLI.hpp>

#include <wsuslab/server/server_config.hpp>

namespace wsuslab::app {

struct request_limit_args {
    std::uint64_t max_body = server::default_body_limit;
    std::uint64_t max_header = server::default_header_limit;
    std::size_t max_connections = server::default_max_connections;
};

/// Registers --max-body, --max-header (both take sizes such as 4M or 64K) and --max-connections.
void add_request_limit_options(CLI::App& sub, request_limit_args& args);

/// Puts the values into `config`; a header limit above 4 GiB - 1 is held at that.
void apply_request_limits(const request_limit_args& args, server::server_config& config);

/// A byte count as --help prints it: "4 MiB", "8 KiB", "300 bytes".
std::string size_text(std::uint64_t bytes);

}  // namespace wsuslab::app
