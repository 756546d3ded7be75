#pragma once
// Internal: the evaluators of applicability rules against a machine_state, split by family
// (applicability_eval.cpp: logical rules and the entry points; applicability_eval_base.cpp:
// registry, files and system; applicability_eval_package.cpp: MSI, CBS, product releases).

#include <string>
#include <vector>

#include "applicability_rule.hpp"

namespace wsuslab::protocol::detail {

struct eval_context {
    const machine_state& m;
    const rule* metadata;             ///< the update's <Metadata> element, or null
    std::vector<std::string>& notes;  ///< why a rule was an error or read a missing fact
    std::string loop_key;             ///< the subkey b.RegKeyLoop is visiting (HKEY_LOOP_TARGET)
};

inline rule_value from_bool(bool b) { return b ? rule_value::is_true : rule_value::is_false; }

/// An error with a note naming the rule and the reason.
rule_value fail(eval_context& ctx, const rule& r, const std::string& why);

rule_value eval_rule(const rule& r, eval_context& ctx);
rule_value eval_registry(const rule& r, eval_context& ctx);
rule_value eval_file(const rule& r, eval_context& ctx);
rule_value eval_system(const rule& r, eval_context& ctx);
rule_value eval_package(const rule& r, eval_context& ctx);

/// The full key a registry reference names ("HKEY_LOCAL_MACHINE\\SOFTWARE\\..."), with the
/// WOW64 redirection of RegType32 on a 64-bit machine and HKEY_LOOP_TARGET resolved; nullopt
/// for HKEY_LOOP_TARGET outside a loop.
std::optional<std::string> full_key(const registry_ref& reg, const eval_context& ctx);
/// The recorded data of a registry value, or null.
const std::string* find_value(const machine_state& m, const std::string& key,
                              const std::string& value);
/// Three-way comparison of two texts: as integers when both are, as versions when both are,
/// else case-insensitively as strings.
int compare_texts(const std::string& have, const std::string& want);
/// String comparisons of RegSz / DeviceAttribute (case-insensitive), ordered ones via
/// compare_texts.
bool compare_strings(comparison c, const std::string& have, const std::string& want);

}  // namespace wsuslab::protocol::detail
