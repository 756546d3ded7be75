// Value parsing shared by the rule parser and evaluators: versions, integers, booleans and
// comparisons (dates and case-insensitive text: wsuslab/protocol/text.hpp).
#include <algorithm>
#include <array>
#include <cctype>
#include <limits>
#include <string>

#include "applicability_rule.hpp"

namespace wsuslab::protocol::detail {
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

}  // namespace wsuslab::protocol::detail
