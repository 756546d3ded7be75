#pragma once
/// The subcommands of `wsuslab`. Each add_*_command registers its options on `app` and returns
/// the subcommand; when the subcommand is chosen, main() calls the callback stored in `run`,
/// whose return value is the process exit code.

#include <functional>

#include <CLI/CLI.hpp>

namespace wsuslab::app {

using command_runner = std::function<int()>;

struct command {
    CLI::App* sub = nullptr;
    command_runner run;
};

command add_serve_command(CLI::App& app);
command add_sync_command(CLI::App& app);
command add_fleet_command(CLI::App& app);
command add_validate_command(CLI::App& app);
command add_diagnose_command(CLI::App& app);
command add_compare_command(CLI::App& app);
command add_demo_command(CLI::App& app);
command add_proxy_command(CLI::App& app);

/// Runs the CLI on argv; returns the exit code (2 for usage errors).
int run_cli(int argc, char** argv);

}  // namespace wsuslab::app
