#pragma once
// The lookups the service needs beyond the models' catalog: revisions by (UpdateID, number),
// IsLeaf, deployment rows per group, the set of revisions deployed to a group set (with their
// prerequisite and bundle closure), content files by URL path and by digest, categories.
// Built once from the scenario; immutable and shared between threads afterwards.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <wsuslab/mitigation/scenario.hpp>
#include <wsuslab/protocol/types.hpp>

namespace wsuslab::server::detail {

struct content_entry {
    const mitigation::revision* rev = nullptr;
    const mitigation::content_file* file = nullptr;
    std::string sha1_hex;    ///< upper case, 40 characters
    std::string digest_b64;  ///< base64 of the 20 SHA-1 bytes (FileDigest)
    std::string url_path;    ///< "/Content/<last 2 hex>/<SHA1HEX>.<ext>"
};

class scenario_index {
public:
    explicit scenario_index(const mitigation::scenario& s);

    const mitigation::revision* revision(std::int32_t id) const;
    /// The revision with this UpdateID (case-insensitive) and number; nullptr when unknown.
    const mitigation::revision* revision_of(std::string_view update_id, std::int32_t number) const;
    /// Every revision of an update, lowest number first (empty when unknown).
    const std::vector<const mitigation::revision*>& revisions_of(std::string_view update_id) const;
    /// The highest-numbered revision of an update; nullptr when unknown.
    const mitigation::revision* latest_of(std::string_view update_id) const;
    /// No revision has a prerequisite naming this revision's UpdateID.
    bool is_leaf(const mitigation::revision& r) const;

    /// Rows of one revision whose group is in `groups` (case-insensitive), in file order.
    std::vector<const mitigation::deployment_row*> rows_for(std::int32_t revision_id,
                                                            const std::vector<std::string>& groups) const;
    /// Revision IDs with a row for `groups`, closed over prerequisite (latest revision of each
    /// named update) and bundle edges.
    std::set<std::int32_t> in_scope(const std::vector<std::string>& groups) const;

    /// By lower-cased URL path ("/content/ab/...ab.cab").
    const content_entry* content_by_path(std::string_view path) const;
    /// By the raw 20 digest bytes.
    const content_entry* content_by_digest(std::string_view raw) const;
    std::vector<const content_entry*> content_of(std::int32_t revision_id) const;

    /// Category revisions by lower-cased UpdateID.
    const mitigation::revision* category(std::string_view update_id) const;
    /// Whether a category revision is an update classification (else a product or family):
    /// its classification field or its metadata says CategoryType="UpdateClassification".
    static bool is_classification(const mitigation::revision& r);

private:
    const mitigation::scenario& s_;
    std::map<std::int32_t, const mitigation::revision*> by_id_;
    std::map<std::string, std::vector<const mitigation::revision*>> by_update_;  // sorted by number
    std::set<std::string> prerequisite_updates_;                                 // lower-cased
    std::vector<content_entry> content_;
    std::map<std::string, std::size_t> content_by_path_;
    std::map<std::string, std::size_t> content_by_digest_;
    std::map<std::string, const mitigation::revision*> categories_;
};

/// The wire Deployment of a row. Block is sent as PreDeploymentCheck (docs/protocol-notes.md §4.6);
/// the four 1.8 fields are "0" for clients >= 1.8 and absent otherwise.
protocol::deployment to_wire_deployment(const mitigation::deployment_row& row, bool client_1_8);

/// One row out of several for the same revision (RefreshCache only; SyncUpdates leaves this to
/// the model): Block first (MS-WUSP), then the latest LastChangeTime, ties to the group name that
/// sorts first.
const mitigation::deployment_row* reduce_rows(const std::vector<const mitigation::deployment_row*>& rows);

}  // namespace wsuslab::server::detail
