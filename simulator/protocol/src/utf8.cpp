#include <wsuslab/protocol/utf8.hpp>

#include <cstdint>

namespace wsuslab::protocol {
namespace {

// Decodes one sequence at `i`; returns its length, or 0 when it is not valid strict UTF-8.
std::size_t decode(std::string_view s, std::size_t i, char32_t& cp) {
    auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(s[k]); };
    const std::uint8_t b0 = byte(i);
    if (b0 < 0x80) {
        cp = b0;
        return 1;
    }
    std::size_t len = 0;
    std::uint8_t lo = 0x80;
    std::uint8_t hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        len = 2;
        cp = b0 & 0x1Fu;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        len = 3;
        cp = b0 & 0x0Fu;
        // E0 needs A0.. to avoid overlongs; ED stops at 9F to exclude surrogates.
        if (b0 == 0xE0) {
            lo = 0xA0;
        } else if (b0 == 0xED) {
            hi = 0x9F;
        }
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        len = 4;
        cp = b0 & 0x07u;
        // F0 needs 90.. to avoid overlongs; F4 stops at 8F to stay at or below U+10FFFF.
        if (b0 == 0xF0) {
            lo = 0x90;
        } else if (b0 == 0xF4) {
            hi = 0x8F;
        }
    } else {
        return 0;  // continuation byte as lead, C0/C1 overlong lead, or F5..FF
    }
    if (s.size() - i < len) {
        return 0;
    }
    for (std::size_t k = 1; k < len; ++k) {
        const std::uint8_t b = byte(i + k);
        const std::uint8_t min = k == 1 ? lo : std::uint8_t{0x80};
        const std::uint8_t max = k == 1 ? hi : std::uint8_t{0xBF};
        if (b < min || b > max) {
            return 0;
        }
        cp = (cp << 6) | (b & 0x3Fu);
    }
    return len;
}

}  // namespace

std::optional<std::size_t> find_invalid_utf8(std::string_view bytes) {
    std::size_t i = 0;
    while (i < bytes.size()) {
        // ASCII fast path: most of a SOAP body is markup.
        if (static_cast<std::uint8_t>(bytes[i]) < 0x80) {
            ++i;
            continue;
        }
        char32_t cp = 0;
        const std::size_t len = decode(bytes, i, cp);
        if (len == 0) {
            return i;
        }
        i += len;
    }
    return std::nullopt;
}

bool is_xml_char(char32_t cp) {
    return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
           (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

std::size_t decode_utf8(std::string_view text, std::size_t i, char32_t& cp) { return decode(text, i, cp); }

std::string sanitize_xml_text(std::string_view text) {
    static constexpr std::string_view replacement = "\xEF\xBF\xBD";
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        char32_t cp = 0;
        const std::size_t len = decode(text, i, cp);
        if (len == 0) {
            out += replacement;
            ++i;
            continue;
        }
        if (is_xml_char(cp)) {
            out.append(text.substr(i, len));
        } else {
            out += replacement;
        }
        i += len;
    }
    return out;
}

}  // namespace wsuslab::protocol
