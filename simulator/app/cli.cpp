#include <exception>
#include <iostream>
#include <vector>

#include "commands.hpp"

namespace wsuslab::app {

int run_cli(int argc, char** argv) {
    CLI::App app{"wsuslab: reproduce, explain and mitigate WSUS Security Advisory 954960 (KB954960)",
                 "wsuslab"};
    app.set_version_flag("--version", WSUSLAB_VERSION);
    app.require_subcommand(1);
    command const proxy = add_proxy_command(app);
    std::vector<command> commands{add_serve_command(app),    add_sync_command(app),
                                  add_fleet_command(app),    add_validate_command(app),
                                  add_diagnose_command(app), add_compare_command(app),
                                  add_demo_command(app)};
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // CLI11 prints help/version with exit code 0 and usage errors with a non-zero code.
        int const code = app.exit(e);
        return code == 0 ? 0 : 2;
    }
    commands.push_back(proxy);
    for (auto const& c : commands) {
        if (c.sub != nullptr && c.sub->parsed()) {
            try {
                return c.run();
            } catch (const std::exception& e) {
                std::cerr << "wsuslab " << c.sub->get_name() << ": " << e.what() << "\n";
                return 2;
            }
        }
    }
    return 2;
}

}  // namespace wsuslab::app
