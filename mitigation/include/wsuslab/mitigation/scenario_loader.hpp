#pragma once
/// Loading and writing scenario files. Errors name the file, the line and the problem, e.g.
/// "kb954960.xml:212: deployment names unknown revision 9999".

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>

#include <wsuslab/mitigation/scenario.hpp>

namespace wsuslab::mitigation {

struct scenario_error {
    std::string file;
    std::size_t line = 0;  ///< 0 when the problem is not tied to one line
    std::string problem;
    /// "file:line: problem" (or "file: problem" without a line).
    std::string to_string() const;
};

using scenario_result = std::variant<scenario, scenario_error>;

scenario_result load_scenario_file(const std::string& path);
/// `name` stands for the file name in error messages.
scenario_result load_scenario_text(std::string_view xml, const std::string& name);

/// Writes a scenario back in the documented format (used by diagnose --apply-workaround).
std::string write_scenario(const scenario& s);

}  // namespace wsuslab::mitigation
