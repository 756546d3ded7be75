#include "demo_terminal.hpp"

#include <algorithm>
#include <sstream>

#include "demo_checks.hpp"

namespace wsuslab::app::demo {
namespace {

std::string paint(bool on, const char* code, const std::string& s) {
    return on ? std::string("\033[") + code + "m" + s + "\033[0m" : s;
}

/// Replaces every occurrence of the fault ID by its highlighted form.
std::string highlight(std::string line, const std::string& id, const terminal_style& style) {
    if (id.empty() || !style.color) {
        return line;
    }
    std::string const marked = style.mark(id);
    for (auto pos = line.find(id); pos != std::string::npos; pos = line.find(id, pos + marked.size())) {
        line.replace(pos, id.size(), marked);
    }
    return line;
}

/// The client lines a trainee needs: the PT sync banner and every warning.
bool worth_showing(const client::log_line& l) {
    return l.text.find("WARNING") != std::string::npos ||
           l.text.find("Synchronizing server updates") != std::string::npos ||
           l.text.find("ServiceId") != std::string::npos;
}

void print_run(std::ostream& out, const client_run& run, const terminal_style& style) {
    out << "  " << style.bold("Client " + run.profile) << " -> " << run.server_label << "\n";
    if (run.outcome.fault) {
        out << "    WindowsUpdate.log (client, local time):\n";
        for (auto const& l : run.outcome.log) {
            if (worth_showing(l)) {
                out << "      " << highlight(l.date + " " + l.time + " " + l.tagged(), run.fault_id, style)
                    << "\n";
            }
            // The first attempt is the story; the retries repeat it 5 hours later.
            if (l.text.find("Failed to find updates") != std::string::npos) {
                break;
            }
        }
        out << "    SoftwareDistribution.log (server, UTC):\n";
        for (auto const& l : run.server_log) {
            if (l.find("Error") != std::string::npos || l.find("ThrowException") != std::string::npos ||
                l.rfind("at ", 0) == 0) {
                out << "      " << highlight(l, run.fault_id, style) << "\n";
            }
        }
    } else {
        for (auto const& l : run.server_log) {
            if (l.find("Warning") != std::string::npos) {
                out << "    server: " << l << "\n";
            }
        }
    }
}

}  // namespace

std::string terminal_style::bold(const std::string& s) const { return paint(color, "1", s); }
std::string terminal_style::good(const std::string& s) const { return paint(color, "32", s); }
std::string terminal_style::bad(const std::string& s) const { return paint(color, "31;1", s); }
std::string terminal_style::mark(const std::string& s) const { return paint(color, "30;43", s); }
std::string terminal_style::dim(const std::string& s) const { return paint(color, "2", s); }

std::vector<std::string> wrap(const std::string& text, std::size_t width) {
    std::vector<std::string> lines;
    std::istringstream words(text);
    std::string line;
    for (std::string w; words >> w;) {
        while (w.size() > width) {
            if (!line.empty()) {
                lines.push_back(line);
                line.clear();
            }
            lines.push_back(w.substr(0, width));
            w.erase(0, width);
        }
        if (!line.empty() && line.size() + 1 + w.size() > width) {
            lines.push_back(line);
            line.clear();
        }
        line += (line.empty() ? "" : " ") + w;
    }
    if (!line.empty() || lines.empty()) {
        lines.push_back(line);
    }
    return lines;
}

void print_banner(std::ostream& out, const terminal_style& style) {
    out << style.bold("wsuslab demo: Security Advisory 954960 / KB954960 (2008)") << "\n"
        << "On WSUS 3.0 and 3.0 SP1, clients with Office 2003 received no updates: the server's\n"
        << "GetSyncInfo threw a duplicate-key ArgumentException (key 8862) and SyncUpdates failed.\n"
        << "Each step says what is public record and what is the lab's reconstruction.\n\n";
}

void print_step(std::ostream& out, const step_result& step, const terminal_style& style) {
    out << style.bold("Step " + std::to_string(step.number) + "/5  " + step.title) << "\n";
    for (auto const& n : step.narrative) {
        for (auto const& l : wrap(n, 94)) {
            out << "  " << l << "\n";
        }
    }
    for (auto const& run : step.runs) {
        print_run(out, run, style);
    }
    out << "  expected: " << step.expected << "\n"
        << "  observed: " << step.observed << "  "
        << (step.ok ? style.good("[as expected]") : style.bad("[DIFFERENT]")) << "\n\n";
}

void print_summary(std::ostream& out, const story& s, const terminal_style& style) {
    constexpr std::size_t col = 44;
    out << style.bold("Summary") << "\n";
    auto row = [&](const std::string& a, const std::string& b, const std::string& c,
                   const std::string& d) {
        auto eb = wrap(b, col);
        auto ec = wrap(c, col);
        std::size_t const n = std::max(eb.size(), ec.size());
        for (std::size_t i = 0; i < n; ++i) {
            std::string const x = i < eb.size() ? eb[i] : "";
            std::string const y = i < ec.size() ? ec[i] : "";
            out << (i == 0 ? a : std::string(a.size(), ' ')) << "  " << x
                << std::string(col - std::min(col, x.size()), ' ') << "  " << y
                << std::string(col - std::min(col, y.size()), ' ') << "  " << (i == 0 ? d : "")
                << "\n";
        }
    };
    row("Step", "Expected", "Observed", "Result");
    for (auto const& st : s.steps) {
        row(std::to_string(st.number) + "   ", st.expected, st.observed,
            st.ok ? style.good("OK") : style.bad("DIFFERENT"));
    }
    auto const v = verdict_of(s);
    out << "\n" << (v.ok ? style.good(v.headline) : style.bad(v.headline)) << "\n";
    for (auto const& paragraph : {v.public_record, v.reconstruction}) {
        for (auto const& l : wrap(paragraph, 94)) {
            out << l << "\n";
        }
    }
}

}  // namespace wsuslab::app::demo
