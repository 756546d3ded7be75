#pragma once
/// The documented subset of the Windows Update applicability-rule vocabulary that wsuslab
/// evaluates (docs/scenario-format.md), and the simulated machine state the rules test.
/// Rules travel inside the Core fragment (`<ApplicabilityRules><IsInstalled>...`), with the
/// BaseApplicabilityRules elements prefixed `b.` as MS-WUSP §3.1.1.1 describes.

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace wsuslab::protocol {

/// A simulated Windows machine: what the rules can observe.
struct machine_state {
    /// Registry values by "HKEY_LOCAL_MACHINE\\Sub\\Key" (case-insensitive) then value name
    /// ("" for the default value). Keys present with no values are recorded with an empty map.
    std::map<std::string, std::map<std::string, std::string>> registry;
    /// File versions by full path (case-insensitive), e.g. "C:\\...\\WINWORD.EXE" -> "11.0.8169.0".
    std::map<std::string, std::string> files;
    std::int32_t os_major = 5, os_minor = 1, os_build = 2600;
    std::int32_t sp_major = 2, sp_minor = 0;
    std::int32_t product_type = 1;  ///< 1 workstation, 2 domain controller, 3 server
    std::string processor_architecture = "x86";
    std::string language = "en";
};
bool operator==(const machine_state& a, const machine_state& b);
inline bool operator!=(const machine_state& a, const machine_state& b) { return !(a == b); }

/// A parsed rule tree. Evaluate with `evaluate`; print with `to_string` for diagnostics.
class rule;
using rule_ptr = std::shared_ptr<const rule>;

struct applicability_rules {
    rule_ptr is_installed;    ///< null: not installed unless the client cache says so
    rule_ptr is_installable;  ///< null: installable
    rule_ptr is_superseded;   ///< null: not superseded
};

struct rule_error {
    std::string problem;  ///< names the element and the problem, e.g. "b.RegSz: missing Key"
};

/// Parses the <ApplicabilityRules> element text (or a whole Core fragment containing one).
/// Unknown elements are an error, so a scenario cannot silently use rules nobody evaluates.
/// Text without an <ApplicabilityRules> element yields empty (all-null) rules. Limits: rules
/// nest at most `max_rule_depth` levels (the evaluator recurses). Supported vocabulary, with
/// the attributes each rule takes, is documented in docs/scenario-format.md:
///   And, Or, Not, True, False (also with a `lar.` or `lar:` prefix);
///   b.RegKeyExists, b.RegValueExists, b.RegSz, b.RegDword, b.RegSzToVersion,
///   b.FileExists, b.FileVersion, b.WindowsVersion, b.WindowsLanguage, b.Processor.
/// Metadata children of <ApplicabilityRules> (driver metadata) are skipped.
std::variant<applicability_rules, rule_error> parse_applicability(std::string_view xml);

inline constexpr std::size_t max_rule_depth = 32;

/// The canonical Core-fragment text of parsed rules: `<ApplicabilityRules><IsInstalled>...`,
/// elements and attributes in source order, empty elements written `<X a="v" />`. Empty rules
/// (all null) give "". parse_applicability(write_applicability(r)) gives r back.
std::string write_applicability(const applicability_rules& rules);

/// One-line text of a rule for diagnostics, e.g. `And(b.RegKeyExists(Key=..., Subkey=...), True)`.
std::string to_string(const rule_ptr& r);

/// Evaluates one rule; a null rule evaluates to `if_null`.
bool evaluate(const rule_ptr& r, const machine_state& m, bool if_null);

/// The applicability states a client assigns to an update after evaluating its rules.
enum class applicability_state { installed, needed, not_applicable };
applicability_state evaluate_state(const applicability_rules& rules, const machine_state& m);

}  // namespace wsuslab::protocol
