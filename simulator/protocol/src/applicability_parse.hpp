#pragma once
// Internal: reading the typed operands of one catalogued rule element.

#include <optional>
#include <string>

#include <pugixml.hpp>

#include "applicability_catalog.hpp"

namespace wsuslab::protocol::detail {

/// Fills the typed fields of `r` (kind already set) from the element's attributes and, for the
/// MSI feature/component rules, its Feature/Component/Product children. Returns the problem,
/// e.g. "missing Key" or "Data 'one' is not a DWORD", or nullopt. Attribute names are checked
/// by the caller.
std::optional<std::string> read_operands(pugi::xml_node node, const rule_spec& spec, rule& r);

/// The CSIDL folders the lab resolves (docs/applicability-rules.md §3.2).
bool known_csidl(std::int64_t csidl);

}  // namespace wsuslab::protocol::detail
