#pragma once
// Internal: the catalogue of rule elements the simulated agent knows. One row per element name
// (without prefix): its family (which prefixes may name it), its kind, the attributes the schema
// gives it and the ones it requires. Sources per rule: docs/applicability-rules.md.

#include <array>
#include <string>
#include <string_view>

#include "applicability_rule.hpp"

namespace wsuslab::protocol::detail {

/// Which prefixes an element may carry: logical "", "lar." / "lar:"; base "b.", "bar:";
/// MSI "m.", "msiar:", "mar:"; CBS and product-release "", "cbsar:", "upd:"; driver "d.", "drv:".
enum class rule_family { logical, base, msi, unprefixed, driver };

struct rule_spec {
    const char* name;  ///< without prefix
    rule_family family;
    rule_kind kind;
    bool prepend_reg_sz;                  ///< the ...PrependRegSz form of a file rule
    bool any_attributes;                  ///< no public attribute list: accept what is written
    std::array<const char*, 11> allowed;  ///< nullptr-terminated
    std::array<const char*, 4> required;  ///< nullptr-terminated
};

/// The catalogue row for an element name as written ("b.RegSz", "lar:And", "CbsPackageInstalled"),
/// or nullptr when the name or its prefix is unknown (also for a known name under another
/// family's prefix, e.g. "m.RegSz").
const rule_spec* find_rule_spec(std::string_view written_name);

/// Whether `name` is one of the spec's attributes.
bool allows_attribute(const rule_spec& spec, std::string_view name);

}  // namespace wsuslab::protocol::detail
