#pragma once
/// Diagnosis of a scenario's deployment data and the data-repair workaround of KB954960
/// (docs/models.md §3, docs/kb954960-lab.md):
///  - every anomaly: a (revision, target group) pair with more than one deployment row, which
///    the console cannot create (stray rows); whose groups hold it, for whom it wins the
///    precedence, and whom the legacy model actually fails on it;
///  - the ordinary approvals of one revision for several groups of a client, listed as resolved
///    by precedence (not a defect);
///  - which client profiles the legacy model fails for (the in-process simulated client loop);
///  - the workaround: decline the update (WSUS semantics: all deployment rows of ALL its
///    revisions go, and declining a bundle declines the updates it bundles), optionally scripted
///    as approve-then-decline, as the published (expta) workaround was.
/// Pure functions on values; thread-safe. Nothing here touches files.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <wsuslab/mitigation/get_sync_info.hpp>
#include <wsuslab/mitigation/scenario.hpp>

namespace wsuslab::mitigation {

/// The groups a profile's computer is in, as the server assigns them: "All Computers" first;
/// then the groups <Computers> assigns to its DNS name (full or first label) or client ID, and,
/// with client-side targeting on, the profile's requested groups; in declaration order.
std::vector<std::string> profile_groups(const scenario& s, const client_profile& p);

/// One anomaly: the rows of one (revision, target group) pair, more than one.
struct duplicate_deployment {
    std::int32_t revision_id = 0;
    std::string update_id;
    std::string title;
    std::string target_group;          ///< the group of the pair
    std::vector<deployment_row> rows;  ///< the pair's rows, file order (stray rows flagged)
    std::vector<std::vector<std::string>> group_sets;  ///< every group set that holds the group
    std::vector<std::string> profiles_hit;             ///< profiles whose group set holds the group
    /// Profiles for whose group set the pair wins the precedence among the revision's rows: the
    /// legacy model fails for them as soon as they reach the revision (docs/models.md §3.2).
    std::vector<std::string> profiles_exposed;
    /// Profiles whose legacy sync actually fails on this revision (they reach it: its
    /// prerequisites are met on their machine).
    std::vector<std::string> profiles_failing;
};

/// An ordinary approval of one revision for several groups of one group set: the precedence
/// keeps one row (docs/models.md §4.1). Not a defect; both models answer it identically.
struct precedence_merge {
    std::int32_t revision_id = 0;
    std::string title;
    std::vector<std::string> group_set;
    std::vector<deployment_row> rows;  ///< the group set's rows of the revision, file order
    std::int32_t kept_deployment_id = 0;
    std::string rule;                   ///< the rule that beat the runner-up
    std::vector<std::string> profiles;  ///< profiles with this group set
};

struct profile_verdict {
    std::string profile;
    std::vector<std::string> groups;
    std::string effective_model;  ///< what the server would run: group override or default
    bool legacy_ok = true;
    std::optional<duplicate_key_error> failure;
    std::size_t failed_round = 0;
    std::size_t rounds = 0;
    std::size_t updates_received = 0;
    bool exceeded_max_rounds = false;
};

enum class workaround_kind { decline, approve_then_decline };

/// One administrator operation of the workaround, as the console would perform it.
struct workaround_step {
    std::string operation;  ///< "approve" or "decline"
    std::string update_id;
    std::string title;
    std::int32_t revision_id = 0;            ///< approve: the revision approved (the latest)
    std::string target_group;                ///< approve: the group ("All Computers")
    std::vector<std::int32_t> rows_added;    ///< deployment IDs
    std::vector<std::int32_t> rows_removed;  ///< deployment IDs
    std::vector<std::string> also_declined;  ///< decline: bundled updates declined with it
    std::string to_string() const;           ///< one line for the report
};

struct diagnosis {
    std::vector<duplicate_deployment> duplicates;  ///< the anomalies, by revision ID
    std::vector<precedence_merge> merges;          ///< by revision ID, then group set
    std::vector<profile_verdict> profiles;
    workaround_kind kind = workaround_kind::approve_then_decline;
    std::vector<workaround_step> workaround;  ///< the plan (empty when nothing to repair)
    /// Whether the plan, applied to a copy, leaves no anomaly and lets every profile sync
    /// against the legacy model.
    bool workaround_verified = false;

    bool anomalies_found() const { return !duplicates.empty(); }
    bool legacy_fails() const;
};

struct diagnosis_options {
    workaround_kind kind = workaround_kind::approve_then_decline;
    /// LastChangeTime of the approval rows the approve step creates (YYYY-MM-DD); empty = the
    /// latest LastChangeTime in the scenario.
    std::string date;
    legacy_options legacy;
};

diagnosis diagnose(const scenario& s, const diagnosis_options& options = {});

/// WSUS "approve": sets the approval of the update's latest revision for `group` (one row per
/// (revision, group): an existing row for that pair is replaced). Returns the step.
workaround_step approve_update(scenario& s, const std::string& update_id, const std::string& group,
                               protocol::deployment_action action, const std::string& date);

/// WSUS "decline": deletes every deployment row of every revision of the update, marks its
/// revisions declined, and declines the updates its revisions bundle (recursively).
workaround_step decline_update(scenario& s, const std::string& update_id);

/// Finds the updates with an anomaly in `s`, applies the workaround to each (approve for
/// "All Computers" then decline, or decline only) and returns the steps performed.
std::vector<workaround_step> apply_workaround(scenario& s, const diagnosis_options& options = {});

/// The human report (several lines, ends with a newline).
std::string diagnosis_report(const scenario& s, const diagnosis& d);

}  // namespace wsuslab::mitigation
