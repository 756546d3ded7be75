#pragma once
/// The Core metadata fragment of an update revision (MS-WUSP §3.1.1.1;
/// docs/protocol-notes.md §6.2): the text a server sends in SyncUpdates UpdateInfo/Xml and the
/// simulated client reads back.
///
///   <UpdateIdentity UpdateID=".." RevisionNumber=".." /><Properties UpdateType="Software" />
///   <Relationships><Prerequisites>..</Prerequisites><BundledUpdates>..</BundledUpdates>
///   </Relationships><ApplicabilityRules>..</ApplicabilityRules>
///
/// (one line in reality: no whitespace between the sibling elements). The fragment is several
/// top-level siblings, not a well-formed document. write_core_fragment and parse_core_fragment
/// round-trip: parse(write(f)) == f. Pure functions, thread-safe.

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <wsuslab/protocol/applicability.hpp>
#include <wsuslab/protocol/types.hpp>

namespace wsuslab::protocol {

/// One OR-clause of prerequisites (UpdateIDs). A clause of one non-category UpdateID is written
/// as a bare <UpdateIdentity UpdateID=".." /> (as real metadata does), others as
/// <AtLeastOne [IsCategory="true"]>.
struct core_prerequisite_clause {
    std::vector<std::string> update_ids;
    bool is_category = false;
    bool operator==(const core_prerequisite_clause& o) const {
        return update_ids == o.update_ids && is_category == o.is_category;
    }
};

struct core_fragment {
    update_identity identity;
    std::string update_type = "Software";  ///< Software, Detectoid, Category or Driver
    // The only Properties attributes the Core fragment keeps (MS-WUSP §3.1.1.1).
    std::optional<std::string> explicitly_deployable;
    std::optional<std::string> auto_select_on_web_sites;
    std::optional<std::string> os_upgrade;
    std::optional<std::string> eula_id;
    std::vector<core_prerequisite_clause> prerequisites;      ///< AND of clauses
    std::vector<std::vector<update_identity>> bundled_updates;  ///< AND of OR clauses
    /// Canonical <ApplicabilityRules> text (write_applicability), or "" for none.
    std::string applicability_xml;

    bool operator==(const core_fragment& o) const;
    bool operator!=(const core_fragment& o) const { return !(*this == o); }
};

/// The fragment text. `applicability_xml` is inserted verbatim (callers pass the canonical form).
std::string write_core_fragment(const core_fragment& f);

struct core_fragment_error {
    std::string problem;  ///< e.g. "UpdateIdentity: missing RevisionNumber"
};

/// Parses a Core fragment. Accepts what real servers send too: BundledUpdates/UpdateIdentity
/// without AtLeastOne (each its own clause). The rules are read with parse_applicability in
/// `unknown_rules::keep` mode (as an agent reads them: a rule it does not know evaluates to an
/// error, docs/applicability-rules.md §5) and kept in canonical text; unknown top-level elements,
/// malformed XML and a missing UpdateIdentity are errors.
std::variant<core_fragment, core_fragment_error> parse_core_fragment(std::string_view xml);

/// Parses the fragment and its rules in one step (what the simulated client needs).
struct parsed_core {
    core_fragment fragment;
    applicability_rules rules;
};
std::variant<parsed_core, core_fragment_error> parse_core_with_rules(std::string_view xml);

}  // namespace wsuslab::protocol
