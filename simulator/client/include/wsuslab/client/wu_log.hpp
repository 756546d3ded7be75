#pragma once
/// WindowsUpdate.log in the format of the 2008 agent (docs/history.md §3.1;
/// docs/kb954960-lab.md §6.1):
///
///   2008-06-13<TAB>19:59:56:617<TAB>788<TAB>ee4<TAB>PT<TAB>WARNING: SOAP Fault: 0x000190
///
/// date, local time with milliseconds after a colon, PID and TID in lower-case hex without 0x,
/// the component tag (PT, Agent, AU, Report, ...) and the free text. Lines are written with tabs
/// and "\n"; the parser splits the first five fields on any run of whitespace (published copies
/// collapse the tabs to spaces) and keeps the text after them verbatim.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <wsuslab/client/clock.hpp>

namespace wsuslab::client {

struct log_line {
    std::string date;  ///< "2008-06-13"
    std::string time;  ///< "19:59:56:617"
    std::uint32_t pid = 0;
    std::uint32_t tid = 0;
    std::string component;  ///< "PT", "Agent", "AU", "Report"
    std::string text;       ///< "WARNING: SOAP Fault: 0x000190"

    bool operator==(const log_line& o) const {
        return date == o.date && time == o.time && pid == o.pid && tid == o.tid &&
               component == o.component && text == o.text;
    }
    /// "<component> <text>", the form published lines take (`PT WARNING: PTError: 0x8024400e`,
    /// docs/history.md §3.3).
    std::string tagged() const { return component + " " + text; }
};

/// One line, tab-separated, without the newline.
std::string format_log_line(const log_line& line);

struct log_parse_error {
    std::size_t line_number = 0;  ///< 1-based; 0 for parse_log_line
    std::string problem;          ///< e.g. "bad time '19:59:56.617': expected HH:MM:SS:mmm"
};

/// Parses one line. Fields: YYYY-MM-DD, HH:MM:SS:mmm, hex PID, hex TID, component, text (may be
/// empty). A trailing "\r" is ignored.
std::variant<log_line, log_parse_error> parse_log_line(std::string_view line);

/// Parses a whole file; blank lines are skipped, the first bad line is the error.
std::variant<std::vector<log_line>, log_parse_error> parse_log(std::string_view text);

/// The process and thread IDs of one simulated agent run, drawn from a seed: the same seed gives
/// the same IDs (Windows IDs are multiples of 4). The PT layer logs on the Agent thread.
struct log_identity {
    std::uint32_t pid = 0x788;
    std::uint32_t agent_tid = 0xee4;  ///< Agent and PT
    std::uint32_t au_tid = 0x14e8;    ///< Automatic Updates
    std::uint32_t report_tid = 0x1a38;
};
log_identity make_log_identity(std::uint64_t seed);

/// Collects lines stamped with the clock's current time in local time. Not thread-safe.
class wu_log {
public:
    wu_log(const clock& c, int utc_offset_minutes, log_identity ids);

    void agent(std::string text) { write(ids_.agent_tid, "Agent", std::move(text)); }
    void pt(std::string text) { write(ids_.agent_tid, "PT", std::move(text)); }
    void au(std::string text) { write(ids_.au_tid, "AU", std::move(text)); }
    void report(std::string text) { write(ids_.report_tid, "Report", std::move(text)); }
    void write(std::uint32_t tid, std::string component, std::string text);

    const std::vector<log_line>& lines() const { return lines_; }
    const log_identity& ids() const { return ids_; }
    /// Every line formatted and terminated by "\n".
    std::string text() const;

private:
    const clock* clock_;
    int offset_;
    log_identity ids_;
    std::vector<log_line> lines_;
};

/// "2008-06-13 19:59:56:617" parts of `t` in local time.
std::string log_date(time_point t, int utc_offset_minutes);
std::string log_time(time_point t, int utc_offset_minutes);

}  // namespace wsuslab::client
