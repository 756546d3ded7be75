// The calendar and the s:date / s:dateTime forms of text.hpp (docs/protocol-notes.md §2.3): one
// grammar for every reader of dates in the lab.
#include <wsuslab/protocol/text.hpp>

#include <cstdio>

namespace wsuslab::protocol {
namespace {

constexpr std::int64_t ticks_per_ms = 10000;
constexpr std::int64_t ticks_per_second = 1000 * ticks_per_ms;
constexpr std::int64_t ms_per_day = 86400000;

// Reads exactly `n` decimal digits at `pos` and advances past them.
std::optional<int> digits(std::string_view s, std::size_t& pos, std::size_t n) {
    if (pos > s.size() || s.size() - pos < n) {
        return std::nullopt;
    }
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9') {
            return std::nullopt;
        }
        v = v * 10 + (s[i] - '0');
    }
    pos += n;
    return v;
}

bool skip(std::string_view s, std::size_t& pos, char c) {
    if (pos < s.size() && s[pos] == c) {
        ++pos;
        return true;
    }
    return false;
}

// "hh:mm:ss" and an optional fraction at `pos` into `t`.
bool read_time(std::string_view s, std::size_t& pos, date_time& t) {
    auto const h = digits(s, pos, 2);
    bool const colon1 = h && skip(s, pos, ':');
    auto const m = colon1 ? digits(s, pos, 2) : std::nullopt;
    bool const colon2 = m && skip(s, pos, ':');
    auto const sec = colon2 ? digits(s, pos, 2) : std::nullopt;
    if (!sec || *h > 23 || *m > 59 || *sec > 59) {
        return false;
    }
    t.has_time = true;
    t.hour = *h;
    t.minute = *m;
    t.second = *sec;
    if (skip(s, pos, '.')) {
        std::size_t n = 0;
        std::uint32_t scale = 1000000;  // ticks of the first fractional digit
        for (; pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; ++pos, ++n) {
            t.ticks += static_cast<std::uint32_t>(s[pos] - '0') * scale;
            scale /= 10;
        }
        return n > 0;
    }
    return true;
}

}  // namespace

std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) {
    // H. Hinnant's days_from_civil: years start in March, so the leap day ends a year.
    year -= month <= 2 ? 1 : 0;
    std::int64_t const era = (year >= 0 ? year : year - 399) / 400;
    auto const yoe = static_cast<unsigned>(year - era * 400);
    unsigned const doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    unsigned const doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

civil_date civil_from_days(std::int64_t days) {
    days += 719468;
    std::int64_t const era = (days >= 0 ? days : days - 146096) / 146097;
    auto const doe = static_cast<unsigned>(days - era * 146097);
    unsigned const yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned const doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned const mp = (5 * doy + 2) / 153;
    unsigned const d = doy - (153 * mp + 2) / 5 + 1;
    unsigned const m = mp < 10 ? mp + 3 : mp - 9;
    return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

bool is_calendar_day(std::int64_t year, int month, int day) {
    static constexpr int days_in_month[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (year == 0 || month < 1 || month > 12 || day < 1) {
        return false;
    }
    bool const leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return day <= days_in_month[month - 1] + (month == 2 && leap ? 1 : 0);
}

std::optional<int> parse_utc_offset(std::string_view text) {
    if (text == "Z" || text == "z" || text == "UTC") {
        return 0;
    }
    if (text.size() < 3 || (text[0] != '+' && text[0] != '-')) {
        return std::nullopt;
    }
    // "+hh", "+hhmm" or "+hh:mm".
    std::size_t pos = 1;
    auto const h = digits(text, pos, 2);
    bool const colon = text.size() == 6 && skip(text, pos, ':');
    auto const m = text.size() == 3 ? std::optional<int>(0)
                   : text.size() == 5 || colon ? digits(text, pos, 2)
                                               : std::nullopt;
    if (!h || !m || pos != text.size() || *h > 14 || *m > 59) {
        return std::nullopt;
    }
    int const total = *h * 60 + *m;
    return text[0] == '-' ? -total : total;
}

std::optional<date_time> parse_date_time(std::string_view text, date_time_syntax syntax) {
    std::size_t pos = 0;
    auto const y = digits(text, pos, 4);
    bool const dash1 = y && skip(text, pos, '-');
    auto const mo = dash1 ? digits(text, pos, 2) : std::nullopt;
    bool const dash2 = mo && skip(text, pos, '-');
    auto const d = dash2 ? digits(text, pos, 2) : std::nullopt;
    if (!d || !is_calendar_day(*y, *mo, *d)) {
        return std::nullopt;
    }
    date_time t;
    t.date = {*y, static_cast<unsigned>(*mo), static_cast<unsigned>(*d)};
    bool const separator = skip(text, pos, 'T') || (syntax.relaxed && skip(text, pos, ' '));
    if (separator ? !read_time(text, pos, t) : syntax.time_required) {
        return std::nullopt;
    }
    std::string_view const zone = text.substr(pos);
    if (!zone.empty()) {
        bool const strict_zone = zone == "Z" || (zone.size() == 6 && zone[3] == ':');
        t.zone_minutes = syntax.relaxed || strict_zone ? parse_utc_offset(zone) : std::nullopt;
        if (!t.zone_minutes) {
            return std::nullopt;
        }
    }
    return t;
}

std::int64_t unix_ticks(const date_time& t) {
    std::int64_t const days = days_from_civil(t.date.year, t.date.month, t.date.day);
    std::int64_t const seconds = days * 86400 + t.hour * 3600 + t.minute * 60 + t.second -
                                 std::int64_t{t.zone_minutes.value_or(0)} * 60;
    return seconds * ticks_per_second + t.ticks;
}

std::int64_t unix_ms(const date_time& t) {
    std::int64_t const ticks = unix_ticks(t);
    // Floor division: a fraction before 1970 still belongs to the earlier millisecond.
    return ticks / ticks_per_ms - (ticks % ticks_per_ms < 0 ? 1 : 0);
}

date_time date_time_of_unix_ms(std::int64_t ms) {
    std::int64_t days = ms / ms_per_day;
    std::int64_t rest = ms % ms_per_day;
    if (rest < 0) {
        rest += ms_per_day;
        --days;
    }
    date_time t;
    t.date = civil_from_days(days);
    t.has_time = true;
    t.hour = static_cast<int>(rest / 3600000);
    t.minute = static_cast<int>(rest / 60000 % 60);
    t.second = static_cast<int>(rest / 1000 % 60);
    t.ticks = static_cast<std::uint32_t>(rest % 1000 * ticks_per_ms);
    t.zone_minutes = 0;
    return t;
}

std::string format_date_time_ms(std::int64_t unix_ms) {
    date_time const t = date_time_of_unix_ms(unix_ms);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02d.%03dZ",
                  static_cast<long long>(t.date.year), t.date.month, t.date.day, t.hour, t.minute,
                  t.second, static_cast<int>(t.ticks / ticks_per_ms));
    return buf;
}

}  // namespace wsuslab::protocol
