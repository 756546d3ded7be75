// PLACEHOLDER: replaced by the owner of the 'diagnose' subcommand.
#include <iostream>

#include "commands.hpp"

namespace wsuslab::app {

command add_diagnose_command(CLI::App& app) {
    command c;
    c.sub = app.add_subcommand("diagnose", "(not built yet)");
    c.run = [] {
        std::cerr << "wsuslab diagnose: not built yet\n";
        return 2;
    };
    return c;
}

}  // namespace wsuslab::app
