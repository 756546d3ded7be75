// The fixed GetSyncInfo model: the reference model of KB954960 (kb954960.md §6.3). It reduces the
// rows of one revision to one by a documented precedence (docs/models.md), treats the client's
// cache lists as sets, reports every anomaly it resolved and never fails on data.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <wsuslab/mitigation/get_sync_info.hpp>

#include "get_sync_info_detail.hpp"

namespace wsuslab::mitigation {

namespace {

using protocol::deployment_action;

// Lower is stronger. Install wins over every other approval; dependency-style actions last.
int action_rank(deployment_action a) {
    switch (a) {
        case deployment_action::block: return 0;
        case deployment_action::install: return 1;
        case deployment_action::optional_install: return 2;
        case deployment_action::uninstall: return 3;
        case deployment_action::pre_deployment_check: return 4;
        case deployment_action::evaluate: return 5;
        case deployment_action::bundle: return 6;
    }
    return 7;
}

// Each rule compares two rows: < 0 when a is preferred, > 0 when b is, 0 when it cannot decide.
struct precedence_rule {
    const char* name;
    int (*compare)(const deployment_row& a, const deployment_row& b);
};

int by_block(const deployment_row& a, const deployment_row& b) {
    bool const ba = a.action == deployment_action::block;
    bool const bb = b.action == deployment_action::block;
    return ba == bb ? 0 : (ba ? -1 : 1);
}

int by_action(const deployment_row& a, const deployment_row& b) {
    return action_rank(a.action) - action_rank(b.action);
}

int by_deadline(const deployment_row& a, const deployment_row& b) {
    if (a.deadline.has_value() != b.deadline.has_value()) {
        return a.deadline.has_value() ? -1 : 1;  // a deadline beats none
    }
    if (!a.deadline || *a.deadline == *b.deadline) {
        return 0;
    }
    return *a.deadline < *b.deadline ? -1 : 1;
}

int by_change_time(const deployment_row& a, const deployment_row& b) {
    if (a.last_change_time == b.last_change_time) {
        return 0;
    }
    return a.last_change_time > b.last_change_time ? -1 : 1;
}

int by_group(const deployment_row& a, const deployment_row& b) {
    return a.target_group.compare(b.target_group) < 0 ? -1 : (a.target_group == b.target_group ? 0 : 1);
}

int by_deployment_id(const deployment_row& a, const deployment_row& b) {
    return a.deployment_id == b.deployment_id ? 0 : (a.deployment_id < b.deployment_id ? -1 : 1);
}

constexpr precedence_rule rules[] = {
    {"Block overrides every other deployment", by_block},
    {"action precedence Install > OptionalInstall > Uninstall > PreDeploymentCheck > Evaluate > Bundle",
     by_action},
    {"earliest deadline", by_deadline},
    {"latest LastChangeTime", by_change_time},
    {"first target-group name", by_group},
    {"lowest deployment ID", by_deployment_id},
};

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

    std::variant<std::int32_t, duplicate_key_error> choose_row(
        const catalog& c, std::int32_t revision_id, const std::vector<std::int32_t>& rows,
        std::vector<resolved_anomaly>& resolved) const override {
        if (rows.size() == 1) {
            return rows.front();
        }
        auto const& all = c.deployments();
        auto const row_at = [&](std::int32_t i) -> const deployment_row& {
            return all[static_cast<std::size_t>(i)];
        };
        // Pick the strongest row, remembering which rule first separated it from each rival;
        // the reported rule is the one that beat the runner-up.
        std::vector<std::int32_t> order(rows);
        std::stable_sort(order.begin(), order.end(), [&](std::int32_t x, std::int32_t y) {
            for (auto const& rule : rules) {
                int const d = rule.compare(row_at(x), row_at(y));
                if (d != 0) {
                    return d < 0;
                }
            }
            return false;
        });
        const char* decided = "file order";
        for (auto const& rule : rules) {
            if (rule.compare(row_at(order[0]), row_at(order[1])) != 0) {
                decided = rule.name;
                break;
            }
        }
        resolved_anomaly a;
        a.table = "deploymentTable";
        a.revision_id = revision_id;
        for (std::int32_t const i : rows) {
            a.deployment_ids.push_back(row_at(i).deployment_id);
            a.groups.push_back(row_at(i).target_group);
        }
        a.kept_deployment_id = row_at(order[0]).deployment_id;
        a.rule = decided;
        resolved.push_back(std::move(a));
        return order[0];
    }
};

class fixed_model final : public get_sync_info_model {
public:
    model_kind kind() const override { return model_kind::fixed; }
    sync_outcome get_sync_info(const catalog& c, const sync_request& r) const override {
        return detail::run_get_sync_info(c, r, tables_);
    }

private:
    fixed_tables tables_;
};

std::string join(const std::vector<std::string>& items, const char* quote) {
    std::string s;
    for (std::size_t i = 0; i < items.size(); ++i) {
        s += (i == 0 ? "" : ", ");
        s += quote + items[i] + quote;
    }
    return s;
}

}  // namespace

std::string resolved_anomaly::to_string() const {
    if (table == "stateTable") {
        return "GetSyncInfo: revision " + std::to_string(revision_id) +
               " appears more than once in the client's cached lists (stateTable); counted once (rule: " +
               rule + ")";
    }
    std::vector<std::string> ids;
    for (std::int32_t const id : deployment_ids) {
        ids.push_back(std::to_string(id));
    }
    return "GetSyncInfo: revision " + std::to_string(revision_id) + " has " +
           std::to_string(deployment_ids.size()) + " deployment rows for the client's groups (" +
           table + ": deployments " + join(ids, "") + "; groups " + join(groups, "'") +
           "); kept deployment " + std::to_string(kept_deployment_id) + " (rule: " + rule + ")";
}

std::unique_ptr<get_sync_info_model> make_fixed_model() { return std::make_unique<fixed_model>(); }

}  // namespace wsuslab::mitigation
