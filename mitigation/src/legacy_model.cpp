// The legacy GetSyncInfo model: our reconstruction of WSUS 3.0 SP1 before KB954960
// (docs/kb954960-lab.md §5.3). Its per-request tables are .NET Hashtables filled with Add, so a
// second entry with the same revision ID throws ArgumentException and fails the whole request.

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

    std::variant<std::int32_t, duplicate_key_error> choose_row(
        const catalog& /*c*/, std::int32_t revision_id, const std::vector<std::int32_t>& rows,
        std::vector<resolved_anomaly>& /*resolved*/) const override {
        // deploymentTable.Add(revisionId, row) for each row in turn: the second one throws.
        if (rows.size() > 1) {
            return duplicate_key_error{"deploymentTable", revision_id, revision_id};
        }
        return rows.front();
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

private:
    legacy_tables tables_;
};

}  // namespace

std::unique_ptr<get_sync_info_model> make_legacy_model(legacy_options options) {
    return std::make_unique<legacy_model>(options);
}

}  // namespace wsuslab::mitigation
