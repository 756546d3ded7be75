#pragma once
/// Windows Update applicability rules as the simulated agent knows them: the public WSUS schemas
/// (LogicalApplicabilityRules, BaseApplicabilityRules, MsiApplicabilityRules) plus the CBS and
/// product-release rules real WSUS metadata carries. Rules travel inside the Core fragment
/// (`<ApplicabilityRules><IsInstalled>...`) with the prefixes `b.` (base) and `m.` (MSI), as
/// MS-WUSP §3.1.1.1 describes; the SDP document prefixes (`bar:`, `lar:`, `msiar:`, `cbsar:`)
/// are accepted too. Every rule, its attributes and how the lab evaluates it against a
/// machine_state: docs/applicability-rules.md.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <wsuslab/protocol/machine_state.hpp>

namespace wsuslab::protocol {

/// A parsed rule tree. Evaluate with `evaluate_rule`; print with `to_string` for diagnostics.
class rule;
using rule_ptr = std::shared_ptr<const rule>;

struct applicability_rules {
    rule_ptr is_installed;    ///< null: not installed unless the client cache says so
    rule_ptr is_installable;  ///< null: installable
    rule_ptr is_superseded;   ///< null: not superseded
    rule_ptr metadata;        ///< the <Metadata> element (MSI patch, CBS package, driver data)
    /// Parse-time remarks in the agent's reading (e.g. an unknown section that was skipped).
    std::vector<std::string> notes;
};

struct rule_error {
    std::string problem;  ///< names the element and the problem, e.g. "b.RegSz: missing Key"
};

/// What the parser does with a rule element it does not know, or a known rule whose attributes
/// it cannot read. `reject` (scenario files): an error, so a typo never becomes a rule nobody
/// evaluates. `keep` (what an agent receives from a server): the element is kept verbatim and
/// evaluates to an error, as an agent's evaluator reports WU_E_EE_UNKNOWN_EXPRESSION.
enum class unknown_rules { reject, keep };

struct rule_parse_options {
    unknown_rules unknown = unknown_rules::reject;
};

/// Parses the <ApplicabilityRules> element text (or a whole Core fragment containing one).
/// Text without an <ApplicabilityRules> element yields empty (all-null) rules. Malformed XML,
/// more than one rule in a section and nesting deeper than `max_rule_depth` are errors in both
/// modes. A section holding no rule (the schema allows it) is null.
std::variant<applicability_rules, rule_error> parse_applicability(std::string_view xml,
                                                                 rule_parse_options options = {});

inline constexpr std::size_t max_rule_depth = 32;

/// The canonical Core-fragment text of parsed rules: `<ApplicabilityRules><IsInstalled>...`,
/// sections in the order IsInstalled, IsInstallable, IsSuperseded, Metadata; elements and
/// attributes in source order; empty elements written `<X a="v" />`. Empty rules give "".
/// parse_applicability(write_applicability(r)) gives r back.
std::string write_applicability(const applicability_rules& rules);

/// One-line text of a rule for diagnostics, e.g. `And(b.RegKeyExists(Key=..., Subkey=...), True)`.
std::string to_string(const rule_ptr& r);

/// A rule's value. `error` is the agent's "could not evaluate" (an unknown or malformed rule,
/// missing metadata): it is neither true nor false.
enum class rule_value { is_false, is_true, error };

struct rule_evaluation {
    rule_value value = rule_value::is_false;
    /// One line per rule that evaluated to an error or read a fact the profile does not hold.
    std::vector<std::string> notes;
};

/// Evaluates one rule. `metadata` is the <Metadata> element of the same update (needed by the
/// CBS and MSI-patch rules that take their target from it).
rule_evaluation evaluate_rule(const rule_ptr& r, const machine_state& m,
                              const rule_ptr& metadata = nullptr);

/// Evaluates one rule; a null rule evaluates to `if_null`, an error to false.
bool evaluate(const rule_ptr& r, const machine_state& m, bool if_null);

/// The applicability states a client assigns to an update after evaluating its rules.
enum class applicability_state { installed, needed, not_applicable };

struct applicability_evaluation {
    applicability_state state = applicability_state::not_applicable;
    rule_value is_installed = rule_value::is_false;
    rule_value is_installable = rule_value::is_true;
    rule_value is_superseded = rule_value::is_false;
    std::vector<std::string> notes;  ///< e.g. "IsInstallable: unknown rule 'x.Foo' ..."
};

/// installed when IsInstalled is true; needed when IsInstalled is false, IsSuperseded is false
/// and IsInstallable is true (CSAPI Update schema); otherwise not applicable. A section that
/// evaluates to an error is neither true nor false, so such an update is never installed or
/// needed (docs/applicability-rules.md §5).
applicability_evaluation evaluate_applicability(const applicability_rules& rules,
                                                const machine_state& m);

/// evaluate_applicability(rules, m).state.
applicability_state evaluate_state(const applicability_rules& rules, const machine_state& m);

}  // namespace wsuslab::protocol
