#pragma once
/// Strict UTF-8 (RFC 3629) and XML 1.0 character checks with byte offsets. pugixml validates
/// neither (docs/limits-and-faults.md §3.2), so the envelope reader runs these on the raw bytes
/// first. Pure functions; thread-safe; no allocation except `sanitize_xml_text`.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace wsuslab::protocol {

/// The 0-based offset of the first byte of the first invalid sequence, or nullopt when `bytes` is
/// valid UTF-8. Rejects stray continuation bytes, truncated sequences, overlong forms (C0, C1,
/// E0 80..9F, F0 80..8F), UTF-16 surrogates (ED A0..BF) and code points above U+10FFFF (F4 90..,
/// F5..FF).
std::optional<std::size_t> find_invalid_utf8(std::string_view bytes);

/// Whether `cp` is a Char of XML 1.0 §2.2: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] |
/// [#x10000-#x10FFFF].
bool is_xml_char(char32_t cp);

/// Decodes the strict UTF-8 sequence at `i` into `cp`; returns its length (1 to 4), or 0 when
/// the bytes there are not a valid sequence.
std::size_t decode_utf8(std::string_view text, std::size_t i, char32_t& cp);

/// A copy of `text` in which every invalid UTF-8 sequence and every character XML 1.0 cannot
/// carry is replaced by U+FFFD, so that serializers always emit well-formed documents.
std::string sanitize_xml_text(std::string_view text);

}  // namespace wsuslab::protocol
