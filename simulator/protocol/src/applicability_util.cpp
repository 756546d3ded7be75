// Value parsing shared by the rule parser and evaluators: versions, integers, booleans,
// comparisons and xs:dateTime.
#include <algorithm>
#include <array>
#include <cctype>
#include <limits>
#include <string>

#include "applicability_rule.hpp"

namespace wsuslab::protocol::detail {
namespace {

std::optional<int> digits(const std::string& s, std::size_t pos, std::size_t n) {
    if (pos + n > s.size()) {
        return std::nullopt;
    }
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (std::isdigit(static_cast<unsigned char>(s[i])) == 0) {
            return std::nullopt;
        }
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

// Days from 1970-01-01 to the civil date (proleptic Gregorian), Howard Hinnant's algorithm.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2 ? 1 : 0;
    std::int64_t const era = (y >= 0 ? y : y - 399) / 400;
    auto const yoe = static_cast<unsigned>(y - era * 400);
    unsigned const doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned const doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

}  // namespace

bool iequals(const std::string& a, const std::string& b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::optional<std::vector<std::uint32_t>> parse_version(const std::string& text) {
    std::vector<std::uint32_t> parts;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        std::size_t const dot = std::min(text.find('.', pos), text.size());
        if (dot == pos || dot - pos > 9) {
            return std::nullopt;
        }
        std::uint32_t value = 0;
        for (std::size_t i = pos; i < dot; ++i) {
            if (text[i] < '0' || text[i] > '9') {
                return std::nullopt;
            }
            value = value * 10 + static_cast<std::uint32_t>(text[i] - '0');
        }
        parts.push_back(value);
        pos = dot + 1;
    }
    if (parts.size() > 4) {
        return std::nullopt;
    }
    parts.resize(4, 0);
    return parts;
}

int compare_versions(const std::vector<std::uint32_t>& a, const std::vector<std::uint32_t>& b) {
    if (a < b) {
        return -1;
    }
    return a == b ? 0 : 1;
}

std::optional<std::int64_t> parse_integer(const std::string& text, std::int64_t min,
                                          std::int64_t max) {
    std::size_t pos = 0;
    bool negative = false;
    if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
        negative = text[0] == '-';
        pos = 1;
    }
    int base = 10;
    if (text.size() > pos + 2 && text[pos] == '0' && (text[pos + 1] == 'x' || text[pos + 1] == 'X')) {
        base = 16;
        pos += 2;
    }
    if (pos >= text.size()) {
        return std::nullopt;
    }
    std::int64_t value = 0;
    for (; pos < text.size(); ++pos) {
        auto const c = static_cast<unsigned char>(std::tolower(static_cast<unsigned char>(text[pos])));
        int digit = 0;
        if (std::isdigit(c) != 0) {
            digit = c - '0';
        } else if (base == 16 && c >= 'a' && c <= 'f') {
            digit = c - 'a' + 10;
        } else {
            return std::nullopt;
        }
        if (value > (std::numeric_limits<std::int64_t>::max() - digit) / base) {
            return std::nullopt;
        }
        value = value * base + digit;
    }
    value = negative ? -value : value;
    if (value < min || value > max) {
        return std::nullopt;
    }
    return value;
}

std::optional<bool> parse_boolean(const std::string& text) {
    if (text == "true" || text == "1") {
        return true;
    }
    if (text == "false" || text == "0") {
        return false;
    }
    return std::nullopt;
}

std::optional<comparison> parse_comparison(const std::string& text, bool numeric) {
    // ScalarComparison and StringComparison of the BaseTypes schema; NotEqualTo is accepted too.
    constexpr std::array<std::pair<const char*, comparison>, 9> names{{
        {"EqualTo", comparison::equal_to},
        {"NotEqualTo", comparison::not_equal_to},
        {"LessThan", comparison::less_than},
        {"LessThanOrEqualTo", comparison::less_than_or_equal_to},
        {"GreaterThan", comparison::greater_than},
        {"GreaterThanOrEqualTo", comparison::greater_than_or_equal_to},
        {"Contains", comparison::contains},
        {"BeginsWith", comparison::begins_with},
        {"EndsWith", comparison::ends_with},
    }};
    for (auto const& [name, value] : names) {
        // Real metadata spells some comparisons in lower case ("greaterthan").
        if (!iequals(text, name)) {
            continue;
        }
        bool const ordering = value != comparison::contains && value != comparison::begins_with &&
                              value != comparison::ends_with;
        bool const string_ok = !ordering || value == comparison::equal_to ||
                               value == comparison::not_equal_to;
        if (numeric ? ordering : string_ok) {
            return value;
        }
        return std::nullopt;
    }
    return std::nullopt;
}

bool ordered(comparison c, int three_way) {
    switch (c) {
        case comparison::equal_to: return three_way == 0;
        case comparison::not_equal_to: return three_way != 0;
        case comparison::less_than: return three_way < 0;
        case comparison::less_than_or_equal_to: return three_way <= 0;
        case comparison::greater_than: return three_way > 0;
        case comparison::greater_than_or_equal_to: return three_way >= 0;
        default: return false;
    }
}

std::optional<std::int64_t> parse_date_time(const std::string& s) {
    // YYYY-MM-DD[Thh:mm:ss[.f...]][Z|(+|-)hh:mm]; without a zone the time is read as UTC.
    auto const y = digits(s, 0, 4);
    auto const mo = digits(s, 5, 2);
    auto const d = digits(s, 8, 2);
    if (!y || !mo || !d || s.size() < 10 || s[4] != '-' || s[7] != '-' || *mo < 1 || *mo > 12 ||
        *d < 1 || *d > 31) {
        return std::nullopt;
    }
    std::int64_t seconds = days_from_civil(*y, static_cast<unsigned>(*mo), static_cast<unsigned>(*d)) * 86400;
    std::int64_t ticks = 0;
    std::size_t pos = 10;
    if (pos < s.size() && s[pos] == 'T') {
        auto const h = digits(s, 11, 2);
        auto const mi = digits(s, 14, 2);
        auto const se = digits(s, 17, 2);
        if (!h || !mi || !se || s.size() < 19 || s[13] != ':' || s[16] != ':' || *h > 23 ||
            *mi > 59 || *se > 60) {
            return std::nullopt;
        }
        seconds += *h * 3600 + *mi * 60 + *se;
        pos = 19;
        if (pos < s.size() && s[pos] == '.') {
            std::int64_t scale = 1000000;  // 100-ns ticks per 0.1 s
            for (++pos; pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos])) != 0; ++pos) {
                ticks += (s[pos] - '0') * scale;
                scale /= 10;
            }
        }
    }
    if (pos < s.size() && s[pos] == 'Z') {
        ++pos;
    } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
        auto const oh = digits(s, pos + 1, 2);
        auto const om = digits(s, pos + 4, 2);
        if (!oh || !om || s.size() < pos + 6 || s[pos + 3] != ':') {
            return std::nullopt;
        }
        std::int64_t const offset = *oh * 3600 + *om * 60;
        seconds += s[pos] == '+' ? -offset : offset;
        pos += 6;
    }
    if (pos != s.size()) {
        return std::nullopt;
    }
    // FILETIME epoch (1601-01-01) is 11644473600 s before the Unix epoch.
    return (seconds + 11644473600LL) * 10000000LL + ticks;
}

}  // namespace wsuslab::protocol::detail
