#include "service_time.hpp"

#include <cstdio>

namespace wsuslab::server::detail {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (the era-based civil-date algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2 ? 1 : 0;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct civil {
    std::int64_t year;
    unsigned month;
    unsigned day;
};

civil civil_from_days(std::int64_t z) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

struct split_time {
    civil date;
    int hour, minute, second, millis;
};

split_time split(std::int64_t unix_ms) {
    std::int64_t days = unix_ms / 86400000;
    std::int64_t rest = unix_ms % 86400000;
    if (rest < 0) {
        rest += 86400000;
        --days;
    }
    const auto ms_of_day = static_cast<int>(rest);
    return {civil_from_days(days), ms_of_day / 3600000, ms_of_day / 60000 % 60,
            ms_of_day / 1000 % 60, ms_of_day % 1000};
}

// Reads exactly `n` digits at `pos`; advances `pos`.
std::optional<int> digits(std::string_view s, std::size_t& pos, std::size_t n) {
    if (pos + n > s.size()) {
        return std::nullopt;
    }
    int v = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const char c = s[pos + i];
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        v = v * 10 + (c - '0');
    }
    pos += n;
    return v;
}

bool expect(std::string_view s, std::size_t& pos, char c) {
    if (pos < s.size() && s[pos] == c) {
        ++pos;
        return true;
    }
    return false;
}

}  // namespace

std::int64_t to_unix_ms(time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

namespace {

// The two text forms of a UTC instant differ only in three separators.
struct utc_layout {
    char date_time;     ///< between date and time
    char fraction;      ///< before the milliseconds
    const char* zone;   ///< after them
};

std::string format_utc(std::int64_t unix_ms, const utc_layout& layout) {
    const split_time t = split(unix_ms);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u%c%02d:%02d:%02d%c%03d%s", static_cast<long long>(t.date.year),
                  t.date.month, t.date.day, layout.date_time, t.hour, t.minute, t.second, layout.fraction, t.millis,
                  layout.zone);
    return buf;
}

}  // namespace

std::string format_datetime(std::int64_t unix_ms) { return format_utc(unix_ms, {'T', '.', "Z"}); }

std::string format_log_timestamp(std::int64_t unix_ms) { return format_utc(unix_ms, {' ', ',', " UTC"}); }

std::optional<std::int64_t> parse_datetime_ms(std::string_view s) {
    std::size_t pos = 0;
    auto y = digits(s, pos, 4);
    if (!y || !expect(s, pos, '-')) {
        return std::nullopt;
    }
    auto mo = digits(s, pos, 2);
    if (!mo || !expect(s, pos, '-')) {
        return std::nullopt;
    }
    auto d = digits(s, pos, 2);
    if (!d || *mo < 1 || *mo > 12 || *d < 1 || *d > 31) {
        return std::nullopt;
    }
    std::int64_t ms = days_from_civil(*y, static_cast<unsigned>(*mo), static_cast<unsigned>(*d)) *
                      86400000;
    if (expect(s, pos, 'T')) {
        auto h = digits(s, pos, 2);
        if (!h || !expect(s, pos, ':')) {
            return std::nullopt;
        }
        auto mi = digits(s, pos, 2);
        if (!mi || !expect(s, pos, ':')) {
            return std::nullopt;
        }
        auto sec = digits(s, pos, 2);
        if (!sec || *h > 23 || *mi > 59 || *sec > 60) {
            return std::nullopt;
        }
        ms += ((*h * 60 + *mi) * 60 + *sec) * std::int64_t{1000};
        if (expect(s, pos, '.')) {
            int frac_digits = 0;
            int millis = 0;
            while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
                if (frac_digits < 3) {
                    millis = millis * 10 + (s[pos] - '0');
                }
                ++frac_digits;
                ++pos;
            }
            if (frac_digits == 0) {
                return std::nullopt;
            }
            for (int i = frac_digits; i < 3; ++i) {
                millis *= 10;
            }
            ms += millis;
        }
    }
    if (expect(s, pos, 'Z')) {
        // UTC
    } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
        const int sign = s[pos] == '+' ? 1 : -1;
        ++pos;
        auto zh = digits(s, pos, 2);
        if (!zh || !expect(s, pos, ':')) {
            return std::nullopt;
        }
        auto zm = digits(s, pos, 2);
        if (!zm) {
            return std::nullopt;
        }
        ms -= sign * (*zh * 60 + *zm) * std::int64_t{60000};
    }
    if (pos != s.size()) {
        return std::nullopt;
    }
    return ms;
}

std::optional<std::pair<int, int>> parse_version(std::string_view text) {
    const auto dot = text.find('.');
    if (dot == std::string_view::npos || dot == 0 || dot + 1 >= text.size() || dot > 4 ||
        text.size() - dot - 1 > 4) {
        return std::nullopt;
    }
    std::size_t pos = 0;
    auto major = digits(text, pos, dot);
    pos = dot + 1;
    auto minor = digits(text, pos, text.size() - dot - 1);
    if (!major || !minor) {
        return std::nullopt;
    }
    return std::make_pair(*major, *minor);
}

bool version_at_least(std::string_view text, int major, int minor) {
    auto v = parse_version(text);
    return v && (v->first > major || (v->first == major && v->second >= minor));
}

}  // namespace wsuslab::server::detail
