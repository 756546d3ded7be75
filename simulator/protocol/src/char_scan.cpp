#include "char_scan.hpp"

#include <array>
#include <cstdint>
#include <cstdio>
#include <string>

#include <wsuslab/protocol/utf8.hpp>

namespace wsuslab::protocol::detail {
namespace {

enum class mode { markup, cdata, comment, pi };

std::string code_point_text(std::uint32_t cp) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(cp));
    return buf;
}

parse_error char_error(std::size_t offset, std::string description) {
    return parse_error{parse_status::invalid_character_reference, offset, std::move(description),
                       {}};
}

// Parses "&#...;" at `at` (which points at '&'); returns an error when it is malformed or names a
// character XML does not allow, and stores the reference length in `len`.
std::optional<parse_error> check_reference(std::string_view s, std::size_t at, std::size_t& len) {
    std::size_t i = at + 2;
    const bool hex = i < s.size() && s[i] == 'x';
    if (hex) {
        ++i;
    }
    const std::size_t digits_start = i;
    std::uint32_t value = 0;
    bool too_big = false;
    for (; i < s.size(); ++i) {
        const char c = s[i];
        std::uint32_t d = 0;
        if (c >= '0' && c <= '9') {
            d = static_cast<std::uint32_t>(c - '0');
        } else if (hex && c >= 'a' && c <= 'f') {
            d = static_cast<std::uint32_t>(c - 'a' + 10);
        } else if (hex && c >= 'A' && c <= 'F') {
            d = static_cast<std::uint32_t>(c - 'A' + 10);
        } else {
            break;
        }
        value = value * (hex ? 16u : 10u) + d;
        if (value > 0x10FFFF) {
            too_big = true;
            value = 0x110000;  // saturate: keeps the arithmetic from wrapping
        }
    }
    if (i == digits_start || i >= s.size() || s[i] != ';') {
        return char_error(at, "malformed character reference at byte " + std::to_string(at));
    }
    len = i + 1 - at;
    if (too_big) {
        return char_error(at, "character reference beyond U+10FFFF at byte " +
                                  std::to_string(at));
    }
    if (!is_xml_char(value)) {
        return char_error(at, "character reference to " + code_point_text(value) + " at byte " +
                                  std::to_string(at) + " is not allowed in XML");
    }
    return std::nullopt;
}

// Bytes the markup mode passes over without a look: not a control character (TAB, LF and CR
// are allowed), not '<' or '&', not 0xEF (the lead byte of U+FFFE and U+FFFF).
constexpr std::array<bool, 256> quiet_in_markup = [] {
    std::array<bool, 256> quiet{};
    for (int b = 0; b < 256; ++b) {
        quiet[static_cast<std::size_t>(b)] =
            (b >= 0x20 || b == 0x9 || b == 0xA || b == 0xD) && b != '<' && b != '&' && b != 0xEF;
    }
    return quiet;
}();

bool starts_with(std::string_view s, std::size_t at, std::string_view prefix) {
    return s.compare(at, prefix.size(), prefix) == 0;
}

}  // namespace

std::optional<parse_error> scan_characters(std::string_view s) {
    mode m = mode::markup;
    std::size_t i = 0;
    while (i < s.size()) {
        // Most of a body is markup and text without '<' or '&': skip it with one table look-up a
        // byte (the client read every answer through here; docs/performance.md).
        if (m == mode::markup) {
            while (i < s.size() && quiet_in_markup[static_cast<std::uint8_t>(s[i])]) {
                ++i;
            }
            if (i == s.size()) {
                break;
            }
        }
        const auto b = static_cast<std::uint8_t>(s[i]);
        if (b < 0x20 && b != 0x9 && b != 0xA && b != 0xD) {
            return char_error(i, "character " + code_point_text(b) + " at byte " +
                                     std::to_string(i) + " is not allowed in XML");
        }
        // U+FFFE and U+FFFF are EF BF BE / EF BF BF; the input is already valid UTF-8.
        if (b == 0xEF && i + 2 < s.size() && static_cast<std::uint8_t>(s[i + 1]) == 0xBF &&
            (static_cast<std::uint8_t>(s[i + 2]) & 0xFE) == 0xBE) {
            const std::uint32_t cp = static_cast<std::uint8_t>(s[i + 2]) == 0xBE ? 0xFFFE : 0xFFFF;
            return char_error(i, "character " + code_point_text(cp) + " at byte " +
                                     std::to_string(i) + " is not allowed in XML");
        }
        switch (m) {
            case mode::markup:
                if (b == '<') {
                    if (starts_with(s, i, "<![CDATA[")) {
                        m = mode::cdata;
                        i += 9;
                        continue;
                    }
                    if (starts_with(s, i, "<!--")) {
                        m = mode::comment;
                        i += 4;
                        continue;
                    }
                    if (starts_with(s, i, "<?")) {
                        m = mode::pi;
                        i += 2;
                        continue;
                    }
                } else if (b == '&' && starts_with(s, i, "&#")) {
                    std::size_t len = 0;
                    if (auto e = check_reference(s, i, len)) {
                        return e;
                    }
                    i += len;
                    continue;
                }
                break;
            case mode::cdata:
                if (b == ']' && starts_with(s, i, "]]>")) {
                    m = mode::markup;
                    i += 3;
                    continue;
                }
                break;
            case mode::comment:
                if (b == '-' && starts_with(s, i, "-->")) {
                    m = mode::markup;
                    i += 3;
                    continue;
                }
                break;
            case mode::pi:
                if (b == '?' && starts_with(s, i, "?>")) {
                    m = mode::markup;
                    i += 2;
                    continue;
                }
                break;
        }
        ++i;
    }
    return std::nullopt;
}

}  // namespace wsuslab::protocol::detail
