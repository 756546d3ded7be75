// PLACEHOLDER: replaced by the owner of the 'compare' subcommand.
#include <iostream>

#include "commands.hpp"

namespace wsuslab::app {

command add_compare_command(CLI::App& app) {
    command c;
    c.sub = app.add_subcommand("compare", "(not built yet)");
    c.run = [] {
        std::cerr << "wsuslab compare: not built yet\n";
        return 2;
    };
    return c;
}

}  // namespace wsuslab::app
