#pragma once
/// How `wsuslab demo` prints the story on a terminal: steps, both logs with the fault ID
/// highlighted, and the closing summary table. Colour only when asked (a terminal, no --no-color).

#include <ostream>
#include <string>

#include "demo_story.hpp"

namespace wsuslab::app::demo {

struct terminal_style {
    bool color = false;
    std::string bold(const std::string& s) const;
    std::string good(const std::string& s) const;
    std::string bad(const std::string& s) const;
    std::string mark(const std::string& s) const;  ///< the fault ID
    std::string dim(const std::string& s) const;
};

void print_banner(std::ostream& out, const terminal_style& style);
void print_step(std::ostream& out, const step_result& step, const terminal_style& style);
void print_summary(std::ostream& out, const story& s, const terminal_style& style);

/// Wraps `text` into lines of at most `width` characters (words longer than that are cut).
std::vector<std::string> wrap(const std::string& text, std::size_t width);

}  // namespace wsuslab::app::demo
