#pragma once
/// The server side of SyncUpdates (docs/protocol-notes.md §7) as two interchangeable models:
///  - legacy: our reconstruction of WSUS 3.0 SP1 before KB954960; its per-request tables keyed by
///    revision ID have .NET Hashtable.Add semantics, so a duplicate key fails the whole request
///    (docs/kb954960-lab.md §5.3);
///  - fixed: our model of the KB954960 fix; merges duplicate rows by a documented precedence and
///    reports every anomaly it resolved.
/// Both are pure functions of (catalog, request); they are thread-safe and never throw on data.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <wsuslab/mitigation/catalog.hpp>
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

/// One duplicate the fixed model met and resolved.
struct resolved_anomaly {
    std::string table;  ///< "deploymentTable" or "stateTable"
    std::int32_t revision_id = 0;
    std::vector<std::int32_t> deployment_ids;  ///< the rows that collided (deploymentTable)
    std::vector<std::string> groups;
    std::int32_t kept_deployment_id = 0;
    std::string rule;  ///< the precedence rule that decided, e.g. "latest LastChangeTime"
    std::string to_string() const;  ///< one log line
};

struct sync_result {
    std::vector<protocol::update_info> new_updates;
    protocol::id_list out_of_scope;
    std::vector<protocol::update_info> changed_updates;
    bool truncated = false;
    std::string new_watermark;
    std::vector<resolved_anomaly> resolved;
};

/// The legacy model's failure: what .NET's Hashtable.Add threw.
struct duplicate_key_error {
    std::string table;  ///< "deploymentTable" or "stateTable"
    std::int32_t key_in_dictionary = 0;
    std::int32_t key_being_added = 0;
    /// "Item has already been added. Key in dictionary: '8862'  Key being added: '8862'"
    std::string message() const;
    /// The GetSyncInfo stack frames of docs/history.md §3.4, one "at ..." line each.
    std::vector<std::string> stack_frames() const;
};

using sync_outcome = std::variant<sync_result, duplicate_key_error>;

enum class model_kind { legacy, fixed };
std::string_view model_name(model_kind k);  // "legacy", "fixed"

class get_sync_info_model {
public:
    virtual ~get_sync_info_model() = default;
    virtual model_kind kind() const = 0;
    virtual sync_outcome get_sync_info(const catalog& c, const sync_request& r) const = 0;
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
