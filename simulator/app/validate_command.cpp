// PLACEHOLDER: replaced by the owner of the 'validate' subcommand.
#include <iostream>

#include "commands.hpp"

namespace wsuslab::app {

command add_validate_command(CLI::App& app) {
    command c;
    c.sub = app.add_subcommand("validate", "(not built yet)");
    c.run = [] {
        std::cerr << "wsuslab validate: not built yet\n";
        return 2;
    };
    return c;
}

}  // namespace wsuslab::app
