// The fixed GetSyncInfo model: the reference model of KB954960 (docs/models.md §4). It reduces
// the rows of one revision by the shared precedence exactly as the legacy model does, keeps the
// best row when a stray twin of its (revision, group) pair comes back too, reports that anomaly,
// treats the client's cache lists as sets and never fails on data.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <wsuslab/mitigation/get_sync_info.hpp>
#include <wsuslab/mitigation/row_precedence.hpp>

#include "get_sync_info_detail.hpp"

namespace wsuslab::mitigation {

namespace {

class fixed_tables final : public detail::table_policy {
public:
    std::optional<duplicate_key_error> build_state_table(
        const std::vector<const protocol::id_list*>& lists,
        std::vector<resolved_anomaly>& resolved) const override {
        std::vector<std::int32_t> ids;
        for (const protocol::id_list* l : lists) {
            ids.insert(ids.end(), l->begin(), l->end());
        }
        std::sort(ids.begin(), ids.end());
        for (std::size_t i = 1; i < ids.size(); ++i) {
            if (ids[i] == ids[i - 1] && (i == 1 || ids[i - 2] != ids[i])) {
                resolved_anomaly a;
                a.table = "stateTable";
                a.revision_id = ids[i];
                a.rule = "cached lists are sets";
                resolved.push_back(std::move(a));
            }
        }
        return std::nullopt;
    }

    std::optional<duplicate_key_error> anomaly_reached(
        const catalog& c, std::int32_t revision_id, const std::vector<std::int32_t>& rows,
        const row_choice& choice, protocol::operation op,
        std::vector<resolved_anomaly>& resolved) const override {
        const deployment_row& kept = c.deployments()[static_cast<std::size_t>(rows[choice.kept])];
        resolved_anomaly a;
        a.table = "deploymentTable";
        a.operation = op;
        a.revision_id = revision_id;
        a.target_group = kept.target_group;
        // The pair's rows in file order: `rows` is in file order, and so are kept and twins.
        for (std::size_t i = 0; i < rows.size(); ++i) {
            if (i == choice.kept ||
                std::find(choice.twins.begin(), choice.twins.end(), i) != choice.twins.end()) {
                a.deployment_ids.push_back(
                    c.deployments()[static_cast<std::size_t>(rows[i])].deployment_id);
            }
        }
        a.kept_deployment_id = kept.deployment_id;
        a.rule = std::string(choice.twin_rule);
        resolved.push_back(std::move(a));
        return std::nullopt;
    }
};

class fixed_model final : public get_sync_info_model {
public:
    model_kind kind() const override { return model_kind::fixed; }
    sync_outcome get_sync_info(const catalog& c, const sync_request& r) const override {
        return detail::run_get_sync_info(c, r, tables_);
    }
    refresh_outcome refresh_cache(const catalog& c, const refresh_request& r) const override {
        return detail::run_refresh_cache(c, r, tables_);
    }

private:
    fixed_tables tables_;
};

}  // namespace

std::string resolved_anomaly::to_string() const {
    std::string const source =
        operation == protocol::operation::refresh_cache ? "RefreshCache" : "GetSyncInfo";
    if (table == "stateTable") {
        return source + ": revision " + std::to_string(revision_id) +
               " appears more than once in the client's cached lists (stateTable); counted once "
               "(rule: " +
               rule + ")";
    }
    std::string ids;
    for (std::int32_t const id : deployment_ids) {
        ids += (ids.empty() ? "" : ", ") + std::to_string(id);
    }
    return source + ": revision " + std::to_string(revision_id) + " has " +
           std::to_string(deployment_ids.size()) + " deployment rows for target group '" +
           target_group + "' (" + table + ": deployments " + ids + "); kept deployment " +
           std::to_string(kept_deployment_id) + " (rule: " + rule + ")";
}

std::unique_ptr<get_sync_info_model> make_fixed_model() {
    return std::make_unique<fixed_model>();
}

}  // namespace wsuslab::mitigation
