// ASCII case, white space, XML escaping, GUIDs and base64 (text.hpp); the calendar and dateTime
// forms are in text_date_time.cpp.
#include <wsuslab/protocol/text.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <iterator>

#include <openssl/evp.h>

#include <wsuslab/protocol/utf8.hpp>

namespace wsuslab::protocol {

int hex_digit_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

char ascii_lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

namespace {

char ascii_upper(char c) {
    return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

bool same_letter(char a, char b) { return ascii_lower(a) == ascii_lower(b); }

bool is_hex_digit(char c) { return hex_digit_value(c) >= 0; }

bool in_base64_alphabet(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/';
}

bool is_xml_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

}  // namespace

std::string lower_copy(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), ascii_lower);
    return out;
}

std::string upper_copy(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), ascii_upper);
    return out;
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), same_letter);
}

bool istarts_with(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

bool iends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && iequals(s.substr(s.size() - suffix.size()), suffix);
}

std::size_t ifind(std::string_view haystack, std::string_view needle, std::size_t from) {
    if (from > haystack.size()) {
        return std::string_view::npos;
    }
    auto const start = haystack.begin() + static_cast<std::ptrdiff_t>(from);
    auto const it = std::search(start, haystack.end(), needle.begin(), needle.end(), same_letter);
    return it == haystack.end() && !needle.empty()
               ? std::string_view::npos
               : static_cast<std::size_t>(it - haystack.begin());
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_xml_space(s.front())) {
        s.remove_prefix(1);
    }
    while (!s.empty() && is_xml_space(s.back())) {
        s.remove_suffix(1);
    }
    return s;
}

std::string printable(std::string_view text, std::size_t max) {
    std::string out;
    const bool cut = text.size() > max;
    for (const char ch : text.substr(0, max)) {
        const auto c = static_cast<unsigned char>(ch);
        if (c >= 0x20 && c < 0x7F) {
            out += ch;
        } else {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02X", static_cast<unsigned>(c));
            out += buf;
        }
    }
    if (cut) {
        out += "...";
    }
    return out;
}

namespace {

// Bytes the escaper copies as they are in either context: printable ASCII but & < > and ".
constexpr std::array<bool, 256> plain_bytes = [] {
    std::array<bool, 256> plain{};
    for (int c = 0x20; c < 0x80; ++c) {
        plain[static_cast<std::size_t>(c)] = c != '&' && c != '<' && c != '>' && c != '"';
    }
    return plain;
}();

// The entity for a byte of the ASCII range that needs one in `where`, else empty.
std::string_view ascii_entity(unsigned char c, bool attribute) {
    switch (c) {
        case '&': return "&amp;";
        case '<': return "&lt;";
        case '>': return "&gt;";
        case '\r': return "&#13;";
        case '"': return attribute ? "&quot;" : "";
        case '\t': return attribute ? "&#9;" : "";
        case '\n': return attribute ? "&#10;" : "";
        default: return "";
    }
}

}  // namespace

// One pass, appending runs of plain ASCII at once: the Core fragments of a SyncUpdates page are
// tens of kilobytes, and escaping them byte by byte after a sanitizing copy was a third of the
// server's time (docs/performance.md). Same output as escaping sanitize_xml_text(text).
void append_xml_escaped(std::string& out, std::string_view text, xml_context where) {
    static constexpr std::string_view replacement = "\xEF\xBF\xBD";
    bool const attribute = where == xml_context::attribute;
    out.reserve(out.size() + text.size() + text.size() / 8);
    std::size_t run = 0;  // start of the plain run not yet appended
    std::size_t i = 0;
    while (i < text.size()) {
        auto const c = static_cast<unsigned char>(text[i]);
        if (plain_bytes[c]) {
            ++i;
            continue;
        }
        out.append(text.data() + run, i - run);
        std::size_t len = 1;
        if (std::string_view const entity = ascii_entity(c, attribute); !entity.empty()) {
            out += entity;
        } else if (c == '"' || c == '\t' || c == '\n') {
            out += static_cast<char>(c);
        } else if (c < 0x80) {
            out += replacement;  // a control character XML 1.0 cannot carry
        } else {
            char32_t cp = 0;
            len = decode_utf8(text, i, cp);
            if (len == 0) {
                out += replacement;  // an invalid byte is replaced on its own
                len = 1;
            } else if (!is_xml_char(cp)) {
                out += replacement;  // a valid sequence XML cannot carry is replaced whole
            } else {
                out.append(text.data() + i, len);
            }
        }
        i += len;
        run = i;
    }
    out.append(text.data() + run, i - run);
}

std::string xml_escape(std::string_view text, xml_context where) {
    std::string out;
    out.reserve(text.size());
    append_xml_escaped(out, text, where);
    return out;
}

std::string make_guid(std::uint64_t hi, std::uint64_t lo) {
    hi = (hi & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;  // version 4
    lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // RFC 4122 variant
    char buf[40];
    std::snprintf(buf, sizeof buf, "%08llx-%04llx-%04llx-%04llx-%012llx",
                  static_cast<unsigned long long>(hi >> 32),
                  static_cast<unsigned long long>((hi >> 16) & 0xFFFFU),
                  static_cast<unsigned long long>(hi & 0xFFFFU),
                  static_cast<unsigned long long>(lo >> 48),
                  static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFULL));
    return buf;
}

std::string make_guid(const std::array<unsigned char, 16>& bytes) {
    std::uint64_t hi = 0;
    std::uint64_t lo = 0;
    for (std::size_t i = 0; i < 8; ++i) {
        hi = (hi << 8) | bytes[i];
        lo = (lo << 8) | bytes[i + 8];
    }
    return make_guid(hi, lo);
}

std::string make_guid(std::mt19937_64& rng) {
    std::uint64_t const hi = rng();
    std::uint64_t const lo = rng();
    return make_guid(hi, lo);
}

bool is_guid(std::string_view text) {
    if (text.size() != 36) {
        return false;
    }
    for (std::size_t i = 0; i < text.size(); ++i) {
        bool const dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? text[i] != '-' : !is_hex_digit(text[i])) {
            return false;
        }
    }
    return true;
}

std::optional<std::string> parse_guid(std::string_view text) {
    if (!is_guid(text)) {
        return std::nullopt;
    }
    return lower_copy(text);
}

std::string base64_encode(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    // EVP_EncodeBlock takes an int length; the bytes are encoded in slices that fit one.
    constexpr std::size_t slice = 3 * (1U << 28);
    std::size_t written = 0;
    for (std::size_t at = 0; at < bytes.size(); at += slice) {
        std::size_t const n = std::min(slice, bytes.size() - at);
        written += static_cast<std::size_t>(EVP_EncodeBlock(
            reinterpret_cast<unsigned char*>(out.data() + written),
            reinterpret_cast<const unsigned char*>(bytes.data() + at), static_cast<int>(n)));
    }
    out.resize(written);
    return out;
}

namespace {

// The `=` count of a strictly shaped base64 text (see base64_decode), or nullopt.
std::optional<std::size_t> base64_padding(std::string_view text) {
    if (text.size() % 4 != 0) {
        return std::nullopt;
    }
    std::size_t padding = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '=' && i + 2 >= text.size()) {
            ++padding;
        } else if (!in_base64_alphabet(text[i]) || padding > 0) {
            return std::nullopt;
        }
    }
    return padding;
}

}  // namespace

std::optional<std::string> base64_decode(std::string_view text) {
    // EVP_DecodeBlock takes `=` anywhere, trims white space and counts padding as zero bytes, so
    // the strict shape is checked first and the padding subtracted afterwards.
    auto const padding = base64_padding(text);
    if (!padding || text.size() > (std::size_t{1} << 30)) {
        return std::nullopt;
    }
    std::string out(text.size() / 4 * 3, '\0');
    int const n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(text.data()),
                                  static_cast<int>(text.size()));
    if (n < 0) {
        return std::nullopt;
    }
    out.resize(static_cast<std::size_t>(n) - *padding);
    return out;
}

bool is_base64_binary(std::string_view text) {
    std::string compact;
    compact.reserve(text.size());
    std::copy_if(text.begin(), text.end(), std::back_inserter(compact),
                 [](char c) { return !is_xml_space(c); });
    return base64_padding(compact).has_value();
}

std::optional<std::string> hex_decode(std::string_view hex) {
    if (hex.size() % 2 != 0) {
        return std::nullopt;
    }
    std::string out;
    out.reserve(hex.size() / 2);
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        int const hi = hex_digit_value(hex[i]);
        int const lo = hex_digit_value(hex[i + 1]);
        if (hi < 0 || lo < 0) {
            return std::nullopt;
        }
        out.push_back(static_cast<char>(hi * 16 + lo));
    }
    return out;
}

}  // namespace wsuslab::protocol
