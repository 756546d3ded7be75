#include <wsuslab/client/clock.hpp>

#include <cstdint>
#include <cstdio>

namespace wsuslab::client {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2 ? 1 : 0;
    std::int64_t const era = (y >= 0 ? y : y - 399) / 400;
    auto const yoe = static_cast<unsigned>(y - era * 400);
    unsigned const doy = (153 * (m + (m > 2 ? static_cast<unsigned>(-3) : 9)) + 2) / 5 + d - 1;
    unsigned const doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, int& y, int& m, int& d) {
    z += 719468;
    std::int64_t const era = (z >= 0 ? z : z - 146096) / 146097;
    auto const doe = static_cast<unsigned>(z - era * 146097);
    unsigned const yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    std::int64_t const yy = static_cast<std::int64_t>(yoe) + era * 400;
    unsigned const doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned const mp = (5 * doy + 2) / 153;
    unsigned const dd = doy - (153 * mp + 2) / 5 + 1;
    unsigned const mm = mp < 10 ? mp + 3 : mp - 9;
    y = static_cast<int>(yy + (mm <= 2 ? 1 : 0));
    m = static_cast<int>(mm);
    d = static_cast<int>(dd);
}

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
    if (pos + n > s.size()) {
        return false;
    }
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9') {
            return false;
        }
        v = v * 10 + (s[i] - '0');
    }
    out = v;
    return true;
}

}  // namespace

time_point system_clock::now() const {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

void system_clock::advance(std::chrono::milliseconds /*d*/) {}

std::optional<int> parse_utc_offset(std::string_view text) {
    if (text == "Z" || text == "UTC" || text == "z") {
        return 0;
    }
    if (text.size() < 3 || (text[0] != '+' && text[0] != '-')) {
        return std::nullopt;
    }
    int h = 0;
    int m = 0;
    if (!digits(text, 1, 2, h)) {
        return std::nullopt;
    }
    if (text.size() == 6 && text[3] == ':') {
        if (!digits(text, 4, 2, m)) {
            return std::nullopt;
        }
    } else if (text.size() == 5) {
        if (!digits(text, 3, 2, m)) {
            return std::nullopt;
        }
    } else if (text.size() != 3) {
        return std::nullopt;
    }
    if (h > 14 || m > 59) {
        return std::nullopt;
    }
    int const total = h * 60 + m;
    return text[0] == '-' ? -total : total;
}

std::optional<time_point> parse_iso8601(std::string_view s) {
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
    if (!digits(s, 0, 4, y) || s.size() < 19 || s[4] != '-' || !digits(s, 5, 2, mo) ||
        s[7] != '-' || !digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != ' ') ||
        !digits(s, 11, 2, h) || s[13] != ':' || !digits(s, 14, 2, mi) || s[16] != ':' ||
        !digits(s, 17, 2, se)) {
        return std::nullopt;
    }
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) {
        return std::nullopt;
    }
    std::size_t pos = 19;
    int millis = 0;
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        std::size_t n = 0;
        int scale = 100;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
            millis += (s[pos] - '0') * scale;
            scale /= 10;
            ++pos;
            ++n;
        }
        if (n == 0) {
            return std::nullopt;
        }
    }
    int offset = 0;
    if (pos < s.size()) {
        auto const o = parse_utc_offset(s.substr(pos));
        if (!o) {
            return std::nullopt;
        }
        offset = *o;
    }
    std::int64_t const days =
        days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
    std::int64_t const secs = days * 86400 + h * 3600 + mi * 60 + se - offset * 60;
    return time_point(std::chrono::milliseconds(secs * 1000 + millis));
}

local_time to_local(time_point t, int utc_offset_minutes) {
    std::int64_t ms = t.time_since_epoch().count() + std::int64_t{utc_offset_minutes} * 60000;
    std::int64_t days = ms / 86400000;
    std::int64_t rem = ms % 86400000;
    if (rem < 0) {
        rem += 86400000;
        --days;
    }
    local_time lt{};
    civil_from_days(days, lt.year, lt.month, lt.day);
    lt.hour = static_cast<int>(rem / 3600000);
    lt.minute = static_cast<int>(rem / 60000 % 60);
    lt.second = static_cast<int>(rem / 1000 % 60);
    lt.millisecond = static_cast<int>(rem % 1000);
    return lt;
}

std::string format_iso8601(time_point t) {
    local_time const u = to_local(t, 0);
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", u.year, u.month, u.day,
                  u.hour, u.minute, u.second, u.millisecond);
    return buf;
}

}  // namespace wsuslab::client
