// PLACEHOLDER: replaced by the owner of the 'sync' subcommand.
#include <iostream>

#include "commands.hpp"

namespace wsuslab::app {

command add_sync_command(CLI::App& app) {
    command c;
    c.sub = app.add_subcommand("sync", "(not built yet)");
    c.run = [] {
        std::cerr << "wsuslab sync: not built yet\n";
        return 2;
    };
    return c;
}

}  // namespace wsuslab::app
