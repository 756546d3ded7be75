#pragma once
/// A WSUS server's state as data (docs/scenario-format.md): update revisions, target groups,
/// deployment rows (kept as rows: ordinary approvals, one per revision and group, and the stray
/// rows that repeat a pair), computer assignments and simulated client profiles. Loaded from
/// fixtures/scenarios/*.xml.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <wsuslab/protocol/applicability.hpp>
#include <wsuslab/protocol/messages.hpp>
#include <wsuslab/protocol/types.hpp>

namespace wsuslab::mitigation {

enum class update_type { software, detectoid, category, driver };

/// One OR-clause of a prerequisite (MS-WUSP Prerequisite table): any one UpdateID satisfies it.
struct prerequisite_clause {
    std::vector<std::string> update_ids;
    bool is_category = false;
};

/// A content file a revision declares; served under /Content and listed by GetExtendedUpdateInfo.
struct content_file {
    std::string name;
    std::uint64_t size = 0;
    std::string sha1_hex;  ///< of the deterministic bytes the server generates for this file
};

struct revision {
    std::int32_t revision_id = 0;
    std::string update_id;  ///< GUID, shared by all revisions of an update
    std::int32_t revision_number = 0;
    update_type type = update_type::software;
    std::string title;
    std::string product;
    std::string classification;
    std::optional<std::string> kb_article;
    std::vector<prerequisite_clause> prerequisites;            ///< AND of clauses
    std::vector<std::vector<std::int32_t>> bundled_revisions;  ///< AND of OR clauses (revision IDs)
    std::string applicability_xml;  ///< the <ApplicabilityRules> element, Core form (b. prefixes)
    std::string core_xml;           ///< generated Core fragment sent in UpdateInfo/Xml
    std::string extended_xml;       ///< generated Extended fragment
    std::string localized_xml;      ///< generated LocalizedProperties fragment (en)
    std::vector<content_file> files;
    /// Console state, informational (the models read deployment rows only): an expired update
    /// is auto-declined by WSUS, yet stray deployment rows may survive (our inference,
    /// docs/kb954960-lab.md §5.2).
    bool declined = false;
    bool expired = false;
    std::size_t line = 0;  ///< where it was declared in the scenario file
};

/// Where a stray deployment row came from, as a scenario declares it (docs/scenario-format.md
/// §6.2). The values name the lab's hypotheses, not facts (docs/models.md §3.1).
enum class stray_origin {
    unknown,             ///< Origin absent
    revision_migration,  ///< left by the approval migration to a new revision of an update
    auto_decline,        ///< left by the automatic decline of an expired update
};

/// One approval: (RevisionID, TargetGroup) plus the action and its dates. The WSUS console keeps
/// one row per (revision, group); a second row for the same pair is a *stray* row, which only a
/// defect of the server's own bookkeeping can leave behind (docs/models.md §3.1).
struct deployment_row {
    std::int32_t deployment_id = 0;
    std::int32_t revision_id = 0;
    std::string target_group;
    protocol::deployment_action action = protocol::deployment_action::install;
    std::optional<std::string> deadline;
    bool is_assigned = true;
    std::string last_change_time;  ///< YYYY-MM-DD
    std::optional<std::string> download_priority;
    /// Set for a row declared as <StrayDeployment>: it repeats the (RevisionID, TargetGroup) pair
    /// of an ordinary row. nullopt for an ordinary <Deployment>.
    std::optional<stray_origin> stray;
    std::size_t line = 0;
};

struct target_group {
    std::string name;
    std::optional<std::string> parent;
    /// Optional per-group GetSyncInfo model ("legacy" or "fixed"); overrides --model.
    std::optional<std::string> model;
};

/// Server-side targeting: a computer (by DNS name or client ID) placed in a group.
struct computer_assignment {
    std::string computer;
    std::string target_group;
};

/// A simulated client: its groups and the machine state its applicability rules test.
struct client_profile {
    std::string name;
    std::string description;
    std::vector<std::string> target_groups;  ///< requested group (client-side targeting)
    std::string client_id;                   ///< SusClientId GUID
    std::string dns_name;
    protocol::machine_state machine;
    protocol::computer_info computer;
    std::size_t line = 0;
};

struct server_info {
    std::string name = "WSUS";
    std::string product_version = "3.1.6001.65";  ///< the lab's value for unpatched WSUS 3.0 SP1
    std::string protocol_version = "3.1";        ///< GetConfig ProtocolVersion
    std::string config_last_change;              ///< GetConfig LastChange
    bool registration_required = true;
    bool client_side_targeting = false;
    std::size_t page_size = 200;  ///< NewUpdates per SyncUpdates response (WSUS 3.x)
    std::string default_model = "legacy";
};

struct scenario {
    std::string name;
    std::string description;
    std::string source_path;
    server_info server;
    std::vector<revision> revisions;
    std::vector<target_group> target_groups;
    std::vector<deployment_row> deployments;
    std::vector<computer_assignment> assignments;
    std::vector<client_profile> profiles;

    const revision* find_revision(std::int32_t revision_id) const;
    const client_profile* find_profile(const std::string& name) const;
};

// Equality compares content only: `line` and `scenario::source_path` are ignored, so that
// load_scenario_text(write_scenario(s)) == s holds.
bool operator==(const content_file& a, const content_file& b);
bool operator==(const prerequisite_clause& a, const prerequisite_clause& b);
bool operator==(const revision& a, const revision& b);
bool operator==(const deployment_row& a, const deployment_row& b);
bool operator==(const target_group& a, const target_group& b);
bool operator==(const computer_assignment& a, const computer_assignment& b);
bool operator==(const client_profile& a, const client_profile& b);
bool operator==(const server_info& a, const server_info& b);
bool operator==(const scenario& a, const scenario& b);
inline bool operator!=(const scenario& a, const scenario& b) {
    return !(a == b);
}
std::string_view update_type_name(update_type t);    // "Software", "Detectoid", ...
std::string_view stray_origin_name(stray_origin o);  // "Unknown", "RevisionMigration", ...
std::optional<stray_origin> stray_origin_from_name(std::string_view name);

/// "All Computers": every computer is in it, whatever else it is in.
inline constexpr const char* all_computers_group = "All Computers";

}  // namespace wsuslab::mitigation
