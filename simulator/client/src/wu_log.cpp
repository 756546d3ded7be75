#include <wsuslab/client/wu_log.hpp>

#include <cstdio>
#include <random>

namespace wsuslab::client {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t'; }

std::string_view next_field(std::string_view& rest) {
    std::size_t i = 0;
    while (i < rest.size() && is_space(rest[i])) {
        ++i;
    }
    std::size_t j = i;
    while (j < rest.size() && !is_space(rest[j])) {
        ++j;
    }
    std::string_view const field = rest.substr(i, j - i);
    rest = rest.substr(j);
    return field;
}

bool digits_at(std::string_view s, std::initializer_list<std::size_t> positions) {
    for (auto p : positions) {
        if (p >= s.size() || s[p] < '0' || s[p] > '9') {
            return false;
        }
    }
    return true;
}

bool parse_hex(std::string_view s, std::uint32_t& out) {
    if (s.empty() || s.size() > 8) {
        return false;
    }
    std::uint32_t v = 0;
    for (char c : s) {
        std::uint32_t d = 0;
        if (c >= '0' && c <= '9') {
            d = static_cast<std::uint32_t>(c - '0');
        } else if (c >= 'a' && c <= 'f') {
            d = static_cast<std::uint32_t>(c - 'a' + 10);
        } else if (c >= 'A' && c <= 'F') {
            d = static_cast<std::uint32_t>(c - 'A' + 10);
        } else {
            return false;
        }
        v = v * 16 + d;
    }
    out = v;
    return true;
}

std::string hex(std::uint32_t v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%x", v);
    return buf;
}

}  // namespace

std::string format_log_line(const log_line& l) {
    return l.date + "\t" + l.time + "\t" + hex(l.pid) + "\t" + hex(l.tid) + "\t" + l.component +
           "\t" + l.text;
}

std::variant<log_line, log_parse_error> parse_log_line(std::string_view line) {
    if (!line.empty() && line.back() == '\r') {
        line.remove_suffix(1);
    }
    auto fail = [](std::string problem) { return log_parse_error{0, std::move(problem)}; };
    std::string_view rest = line;
    log_line out;
    std::string_view const date = next_field(rest);
    if (date.size() != 10 || date[4] != '-' || date[7] != '-' ||
        !digits_at(date, {0, 1, 2, 3, 5, 6, 8, 9})) {
        return fail("bad date '" + std::string(date) + "': expected YYYY-MM-DD");
    }
    std::string_view const time = next_field(rest);
    if (time.size() != 12 || time[2] != ':' || time[5] != ':' || time[8] != ':' ||
        !digits_at(time, {0, 1, 3, 4, 6, 7, 9, 10, 11})) {
        return fail("bad time '" + std::string(time) + "': expected HH:MM:SS:mmm");
    }
    std::string_view const pid = next_field(rest);
    if (!parse_hex(pid, out.pid)) {
        return fail("bad PID '" + std::string(pid) + "': expected hex digits");
    }
    std::string_view const tid = next_field(rest);
    if (!parse_hex(tid, out.tid)) {
        return fail("bad TID '" + std::string(tid) + "': expected hex digits");
    }
    std::string_view const component = next_field(rest);
    if (component.empty()) {
        return fail("missing component");
    }
    // The text is everything after the whitespace that follows the component, kept verbatim.
    std::size_t i = 0;
    while (i < rest.size() && is_space(rest[i])) {
        ++i;
    }
    out.date = std::string(date);
    out.time = std::string(time);
    out.component = std::string(component);
    out.text = std::string(rest.substr(i));
    return out;
}

std::variant<std::vector<log_line>, log_parse_error> parse_log(std::string_view text) {
    std::vector<log_line> lines;
    std::size_t number = 0;
    while (!text.empty()) {
        auto const nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        ++number;
        bool blank = true;
        for (char c : line) {
            if (!is_space(c) && c != '\r') {
                blank = false;
                break;
            }
        }
        if (blank) {
            continue;
        }
        auto parsed = parse_log_line(line);
        if (auto* err = std::get_if<log_parse_error>(&parsed)) {
            err->line_number = number;
            return *err;
        }
        lines.push_back(std::move(std::get<log_line>(parsed)));
    }
    return lines;
}

log_identity make_log_identity(std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    // Windows process and thread IDs are multiples of 4; keep them in the 3-4 hex digit range
    // the published logs show.
    std::uniform_int_distribution<std::uint32_t> pid(0x100 / 4, 0xffc / 4);
    std::uniform_int_distribution<std::uint32_t> tid(0x200 / 4, 0x1ffc / 4);
    log_identity ids;
    ids.pid = pid(rng) * 4;
    ids.agent_tid = tid(rng) * 4;
    do {
        ids.au_tid = tid(rng) * 4;
    } while (ids.au_tid == ids.agent_tid);
    do {
        ids.report_tid = tid(rng) * 4;
    } while (ids.report_tid == ids.agent_tid || ids.report_tid == ids.au_tid);
    return ids;
}

std::string log_date(time_point t, int utc_offset_minutes) {
    local_time const l = to_local(t, utc_offset_minutes);
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", l.year, l.month, l.day);
    return buf;
}

std::string log_time(time_point t, int utc_offset_minutes) {
    local_time const l = to_local(t, utc_offset_minutes);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%02d:%02d:%02d:%03d", l.hour, l.minute, l.second,
                  l.millisecond);
    return buf;
}

wu_log::wu_log(const clock& c, int utc_offset_minutes, log_identity ids)
    : clock_(&c), offset_(utc_offset_minutes), ids_(ids) {}

void wu_log::write(std::uint32_t tid, std::string component, std::string text) {
    time_point const now = clock_->now();
    lines_.push_back(log_line{log_date(now, offset_), log_time(now, offset_), ids_.pid, tid,
                              std::move(component), std::move(text)});
}

std::string wu_log::text() const {
    std::string out;
    for (auto const& l : lines_) {
        out += format_log_line(l);
        out += '\n';
    }
    return out;
}

}  // namespace wsuslab::client
