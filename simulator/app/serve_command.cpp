// PLACEHOLDER: replaced by the owner of the 'serve' subcommand.
#include <iostream>

#include "commands.hpp"

namespace wsuslab::app {

command add_serve_command(CLI::App& app) {
    command c;
    c.sub = app.add_subcommand("serve", "(not built yet)");
    c.run = [] {
        std::cerr << "wsuslab serve: not built yet\n";
        return 2;
    };
    return c;
}

}  // namespace wsuslab::app
