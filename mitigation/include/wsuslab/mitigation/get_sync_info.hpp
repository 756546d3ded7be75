#pragma once
/// The server side of SyncUpdates and RefreshCache (docs/models.md) as two interchangeable
/// models:
///  - legacy: WSUS 3.0 SP1 before KB954960, as the lab reconstructs it: the server's row query
///    returns the rows of the winning (revision, target group) pair, and a stray second row of
///    that pair makes deploymentTable.Add (a .NET Hashtable) throw and fail the whole request;
///  - fixed: the reference model of KB954960; keeps the best row and reports the anomaly.
/// Both reduce a revision's rows by one shared precedence (row_precedence.hpp), so their answers
/// are identical whenever no anomaly is reached. Pure functions of (catalog, request); they are
/// thread-safe and never throw on data.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <wsuslab/mitigation/catalog.hpp>
#include <wsuslab/protocol/messages.hpp>
#include <wsuslab/protocol/operations.hpp>
#include <wsuslab/protocol/types.hpp>

namespace wsuslab::mitigation {

struct sync_request {
    std::vector<std::string> groups;  ///< the client's target groups, "All Computers" included
    protocol::id_list installed_non_leaf;
    protocol::id_list other_cached;
    protocol::id_list cached_driver_ids;
    bool skip_software_sync = false;
    std::string watermark;  ///< max Deployment LastChangeTime already sent ("" = none)
    std::size_t page_size = 200;
    /// Client protocol >= 1.8 receives AutoSelect/AutoDownload/SupersedenceBehavior/FlagBitmask.
    bool client_supports_1_8_fields = false;
};

/// One anomaly the fixed model met and resolved: a stray row in the winning (revision, group)
/// pair (deploymentTable), or an ID repeated in the client's cached lists (stateTable).
struct resolved_anomaly {
    std::string table;  ///< "deploymentTable" or "stateTable"
    protocol::operation operation = protocol::operation::sync_updates;  ///< or refresh_cache
    std::int32_t revision_id = 0;
    std::string target_group;                  ///< deploymentTable: the group of the pair
    std::vector<std::int32_t> deployment_ids;  ///< deploymentTable: the pair's rows, file order
    std::int32_t kept_deployment_id = 0;
    std::string rule;  ///< the rule that beat the best twin, e.g. "latest LastChangeTime"
    std::string to_string() const;  ///< one log line
};

struct sync_result {
    std::vector<protocol::update_info> new_updates;
    protocol::id_list out_of_scope;
    std::vector<protocol::update_info> changed_updates;
    bool truncated = false;
    std::string new_watermark;
    std::vector<resolved_anomaly> resolved;  ///< anomalies only (always empty for legacy)
    /// Revisions whose rows for the client's groups were reduced to one by precedence without
    /// an anomaly (ordinary approvals for several groups). Counted the same by both models.
    std::size_t precedence_merges = 0;
};

/// The legacy model's failure: what .NET's Hashtable.Add threw.
struct duplicate_key_error {
    std::string table;  ///< "deploymentTable" or "stateTable"
    std::int32_t key_in_dictionary = 0;
    std::int32_t key_being_added = 0;
    /// The operation that filled the table: SyncUpdates (also SyncPrinterCatalog) or
    /// RefreshCache (a lab decision, docs/models.md §3.4).
    protocol::operation operation = protocol::operation::sync_updates;
    /// "Item has already been added. Key in dictionary: '8862'  Key being added: '8862'"
    std::string message() const;
    /// The stack frames of the advisory for SyncUpdates (one "at ..." line each); the lab's
    /// frames for RefreshCache.
    std::vector<std::string> stack_frames() const;
};

using sync_outcome = std::variant<sync_result, duplicate_key_error>;

/// RefreshCache (MS-WUSP §3.1.5.8): map the client's cached identities to this server's
/// revisions that have a deployment row for the client's groups.
struct refresh_request {
    std::vector<std::string> groups;  ///< the client's target groups, "All Computers" included
    std::vector<protocol::update_identity> identities;  ///< UpdateID matched case-insensitively
    bool client_supports_1_8_fields = false;
};

struct refresh_result {
    /// One entry per identity that maps (request order): the exact revision when it has a row
    /// for the groups, else the highest-numbered revision of the update that has one.
    std::vector<protocol::refresh_cache_result> results;
    std::vector<resolved_anomaly> resolved;  ///< fixed only
};

using refresh_outcome = std::variant<refresh_result, duplicate_key_error>;

enum class model_kind { legacy, fixed };
std::string_view model_name(model_kind k);  // "legacy", "fixed"

class get_sync_info_model {
public:
    virtual ~get_sync_info_model() = default;
    virtual model_kind kind() const = 0;
    virtual sync_outcome get_sync_info(const catalog& c, const sync_request& r) const = 0;
    /// The same row reduction and deployment-table policy as get_sync_info, applied to the
    /// revision each identity maps to (docs/models.md §6).
    virtual refresh_outcome refresh_cache(const catalog& c, const refresh_request& r) const = 0;
};

struct legacy_options {
    /// Whether the state table (built from the client's lists) also uses Add. Unknown in history;
    /// off by default (docs/kb954960-lab.md §5.3, hypothesis D).
    bool state_table_uses_add = false;
};

std::unique_ptr<get_sync_info_model> make_legacy_model(legacy_options options = {});
std::unique_ptr<get_sync_info_model> make_fixed_model();
std::unique_ptr<get_sync_info_model> make_model(model_kind k);

}  // namespace wsuslab::mitigation
