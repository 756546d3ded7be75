// The legacy GetSyncInfo model: WSUS 3.0 SP1 before KB954960, as the lab reconstructs it
// (docs/models.md §3). Its per-request tables are .NET Hashtables filled with Add. The server's
// row query resolves the winning (revision, target group) pair by precedence and joins back to
// the deployment rows on that pair, so a stray second row of the winning pair comes back twice
// and the second Add throws ArgumentException, failing the whole request.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <variant>
#include <vector>

#include <wsuslab/mitigation/get_sync_info.hpp>

#include "get_sync_info_detail.hpp"

namespace wsuslab::mitigation {

std::string duplicate_key_error::message() const {
    // The .NET resource Argument_AddingDuplicate__, with its two spaces
    // (docs/kb954960-lab.md §5.5).
    return "Item has already been added. Key in dictionary: '" + std::to_string(key_in_dictionary) +
           "'  Key being added: '" + std::to_string(key_being_added) + "'";
}

std::vector<std::string> duplicate_key_error::stack_frames() const {
    std::vector<std::string> frames{
        "at System.Collections.Hashtable.Insert(Object key, Object nvalue, Boolean add)",
        "at System.Collections.Hashtable.Add(Object key, Object value)",
    };
    if (operation == protocol::operation::refresh_cache) {
        // Invented by the lab: no public stack of a RefreshCache failure exists (docs/models.md
        // §3.4). The two frames name the operation as WSUS's other frames name theirs.
        frames.emplace_back(
            "at Microsoft.UpdateServices.Internal.ClientImplementation.RefreshCache(Cookie cookie, "
            "UpdateIdentity[] globalIDs)");
        frames.emplace_back(
            "at Microsoft.UpdateServices.Internal.Client.RefreshCache(Cookie cookie, "
            "UpdateIdentity[] globalIDs)");
        return frames;
    }
    // stateTable is a parameter of GetSyncInfo, so SoftwareSync (its caller) fills it: a
    // duplicate there throws one frame higher (Inference; docs/models.md).
    if (table != "stateTable") {
        frames.emplace_back(
            "at Microsoft.UpdateServices.Internal.ClientImplementation.GetSyncInfo(DataAccess "
            "dataAccess, "
            "Hashtable stateTable, Hashtable deploymentTable, Boolean haveGroupsChanged, Boolean "
            "doChunking)");
    }
    frames.emplace_back(
        "at Microsoft.UpdateServices.Internal.ClientImplementation.SoftwareSync(DataAccess "
        "dataAccess, "
        "UnencryptedCookieData cookieData, Int32[] installedNonLeafUpdateIds, Int32[] "
        "leafUpdateIds, "
        "Boolean haveGroupsChanged, Boolean expressQuery)");
    frames.emplace_back(
        "at Microsoft.UpdateServices.Internal.ClientImplementation.SyncUpdates(Cookie cookie, "
        "SyncUpdateParameters parameters)");
    frames.emplace_back(
        "at Microsoft.UpdateServices.Internal.ClientImplementation.SyncUpdates(Cookie cookie, "
        "SyncUpdateParameters parameters)");
    frames.emplace_back(
        "at Microsoft.UpdateServices.Internal.Client.SyncUpdates(Cookie cookie, "
        "SyncUpdateParameters "
        "parameters)");
    return frames;
}

namespace {

class legacy_tables final : public detail::table_policy {
public:
    explicit legacy_tables(legacy_options o) : options_(o) {}

    std::optional<duplicate_key_error> build_state_table(
        const std::vector<const protocol::id_list*>& lists,
        std::vector<resolved_anomaly>& /*resolved*/) const override {
        if (!options_.state_table_uses_add) {
            return std::nullopt;  // table[key] = value: a repeated ID silently overwrites
        }
        std::unordered_set<std::int32_t> keys;
        for (const protocol::id_list* ids : lists) {
            for (std::int32_t const id : *ids) {
                if (!keys.insert(id).second) {
                    return duplicate_key_error{"stateTable", id, id};
                }
            }
        }
        return std::nullopt;
    }

    std::optional<duplicate_key_error> anomaly_reached(
        const catalog& /*c*/, std::int32_t revision_id, const std::vector<std::int32_t>& /*rows*/,
        const row_choice& /*choice*/, protocol::operation op,
        std::vector<resolved_anomaly>& /*resolved*/) const override {
        // The winning pair's rows come back twice: deploymentTable.Add(revisionId, row) for the
        // second one throws.
        duplicate_key_error e{"deploymentTable", revision_id, revision_id};
        e.operation = op;
        return e;
    }

private:
    legacy_options options_;
};

class legacy_model final : public get_sync_info_model {
public:
    explicit legacy_model(legacy_options o) : tables_(o) {}
    model_kind kind() const override { return model_kind::legacy; }
    sync_outcome get_sync_info(const catalog& c, const sync_request& r) const override {
        return detail::run_get_sync_info(c, r, tables_);
    }
    refresh_outcome refresh_cache(const catalog& c, const refresh_request& r) const override {
        return detail::run_refresh_cache(c, r, tables_);
    }

private:
    legacy_tables tables_;
};

}  // namespace

std::unique_ptr<get_sync_info_model> make_legacy_model(legacy_options options) {
    return std::make_unique<legacy_model>(options);
}

}  // namespace wsuslab::mitigation
