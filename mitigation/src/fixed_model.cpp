// The fixed GetSyncInfo model: our model of the KB954960 fix (docs/kb954960-lab.md §5.5). It
// reduces the rows of one revision to one by a documented precedence (docs/models.md), treats the
// client's cache lists as sets, reports every anomaly it resolved and never fails on data.

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

// A row as the precedence rules see it: the row and its group's depth in the hierarchy.
struct candidate {
    const deployment_row* row;
    int depth;
};

// Lower is stronger. "Install actions override uninstall actions. Required installs override
// optional installs" (WSUS deployment guide, Conflict Resolution); the rest is wsuslab's order.
int action_rank(deployment_action a) {
    switch (a) {
        case deployment_action::block:
            return 0;
        case deployment_action::install:
            return 1;
        case deployment_action::optional_install:
            return 2;
        case deployment_action::uninstall:
            return 3;
        case deployment_action::pre_deployment_check:
            return 4;
        case deployment_action::evaluate:
            return 5;
        case deployment_action::bundle:
            return 6;
    }
    return 7;
}

int sign(bool a_wins, bool b_wins) {
    return a_wins ? -1 : (b_wins ? 1 : 0);
}

// Each rule compares two rows: < 0 when a is preferred, > 0 when b is, 0 when it cannot decide.
struct precedence_rule {
    const char* name;
    int (*compare)(const candidate& a, const candidate& b);
};

int by_block(const candidate& a, const candidate& b) {
    return sign(a.row->action == deployment_action::block,
                b.row->action == deployment_action::block);
}

int by_group_priority(const candidate& a, const candidate& b) {
    return sign(a.depth > b.depth, b.depth > a.depth);
}

int by_action(const candidate& a, const candidate& b) {
    int const ra = action_rank(a.row->action);
    int const rb = action_rank(b.row->action);
    return sign(ra < rb, rb < ra);
}

int by_deadline(const candidate& a, const candidate& b) {
    auto const& da = a.row->deadline;
    auto const& db = b.row->deadline;
    if (da.has_value() != db.has_value()) {
        return da.has_value() ? -1 : 1;  // a deadline overrides none
    }
    return da ? sign(*da < *db, *db < *da) : 0;
}

int by_change_time(const candidate& a, const candidate& b) {
    auto const& ta = a.row->last_change_time;
    auto const& tb = b.row->last_change_time;
    return sign(ta > tb, tb > ta);
}

int by_group_name(const candidate& a, const candidate& b) {
    auto const& ga = a.row->target_group;
    auto const& gb = b.row->target_group;
    return sign(ga < gb, gb < ga);
}

int by_deployment_id(const candidate& a, const candidate& b) {
    auto const ia = a.row->deployment_id;
    auto const ib = b.row->deployment_id;
    return sign(ia < ib, ib < ia);
}

// The precedence, strongest rule first (docs/models.md lists the source of each).
constexpr precedence_rule rules[] = {
    {"Block overrides every other deployment", by_block},
    {"deeper target group has priority", by_group_priority},
    {"Install overrides OptionalInstall, Uninstall and the other actions", by_action},
    {"earliest deadline", by_deadline},
    {"latest LastChangeTime", by_change_time},
    {"first target-group name", by_group_name},
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
        std::vector<candidate> rivals;
        for (std::int32_t const i : rows) {
            auto const row = static_cast<std::size_t>(i);
            rivals.push_back({&c.deployments()[row], c.group_depth(c.row_group(row))});
        }
        auto const better = [](const candidate& x, const candidate& y) {
            for (auto const& rule : rules) {
                int const d = rule.compare(x, y);
                if (d != 0) {
                    return d < 0;
                }
            }
            return false;
        };
        // The kept row is the best; the reported rule is the one that beat the runner-up.
        std::vector<std::size_t> order(rivals.size());
        for (std::size_t i = 0; i < order.size(); ++i) {
            order[i] = i;
        }
        std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
            return better(rivals[x], rivals[y]);
        });
        const char* decided = "identical rows, first in file order";
        for (auto const& rule : rules) {
            if (rule.compare(rivals[order[0]], rivals[order[1]]) != 0) {
                decided = rule.name;
                break;
            }
        }
        resolved_anomaly a;
        a.table = "deploymentTable";
        a.revision_id = revision_id;
        for (auto const& r : rivals) {
            a.deployment_ids.push_back(r.row->deployment_id);
            a.groups.push_back(r.row->target_group);
        }
        a.kept_deployment_id = rivals[order[0]].row->deployment_id;
        a.rule = decided;
        resolved.push_back(std::move(a));
        return rows[order[0]];
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
               " appears more than once in the client's cached lists (stateTable); counted once "
               "(rule: " +
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

std::unique_ptr<get_sync_info_model> make_fixed_model() {
    return std::make_unique<fixed_model>();
}

}  // namespace wsuslab::mitigation
