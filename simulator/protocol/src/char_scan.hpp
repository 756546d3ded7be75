#pragma once
// Internal: the character checks pugixml does not make (docs/limits-and-faults.md §3.2, §3.3).

#include <optional>
#include <string_view>

#include <wsuslab/protocol/codec.hpp>

namespace wsuslab::protocol::detail {

/// Scans valid, NUL-free UTF-8 for characters XML 1.0 forbids: raw control characters and
/// U+FFFE/U+FFFF anywhere, and character references (&#0;, &#x1;, malformed or out of range)
/// outside CDATA sections, comments and processing instructions. pugixml would otherwise expand
/// &#0; into a NUL that silently truncates the text.
std::optional<parse_error> scan_characters(std::string_view bytes);

}  // namespace wsuslab::protocol::detail
