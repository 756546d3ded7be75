// PLACEHOLDER: replaced by the owner of the 'demo' subcommand.
#include <iostream>

#include "commands.hpp"

namespace wsuslab::app {

command add_demo_command(CLI::App& app) {
    command c;
    c.sub = app.add_subcommand("demo", "(not built yet)");
    c.run = [] {
        std::cerr << "wsuslab demo: not built yet\n";
        return 2;
    };
    return c;
}

}  // namespace wsuslab::app
