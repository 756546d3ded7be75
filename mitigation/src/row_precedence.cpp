// The deployment-row precedence shared by both models, RefreshCache and diagnose
// (docs/models.md §4.1 lists the source of every rule).

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include <wsuslab/mitigation/row_precedence.hpp>

namespace wsuslab::mitigation {

namespace {

using protocol::deployment_action;

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
    std::string_view name;
    int (*compare)(const ranked_row& a, const ranked_row& b);
};

int by_block(const ranked_row& a, const ranked_row& b) {
    return sign(a.row->action == deployment_action::block,
                b.row->action == deployment_action::block);
}

int by_group_priority(const ranked_row& a, const ranked_row& b) {
    return sign(a.group_depth > b.group_depth, b.group_depth > a.group_depth);
}

int by_action(const ranked_row& a, const ranked_row& b) {
    int const ra = action_rank(a.row->action);
    int const rb = action_rank(b.row->action);
    return sign(ra < rb, rb < ra);
}

int by_deadline(const ranked_row& a, const ranked_row& b) {
    auto const& da = a.row->deadline;
    auto const& db = b.row->deadline;
    if (da.has_value() != db.has_value()) {
        return da.has_value() ? -1 : 1;  // a deadline overrides none
    }
    return da ? sign(*da < *db, *db < *da) : 0;
}

int by_change_time(const ranked_row& a, const ranked_row& b) {
    auto const& ta = a.row->last_change_time;
    auto const& tb = b.row->last_change_time;
    return sign(ta > tb, tb > ta);
}

int by_group_name(const ranked_row& a, const ranked_row& b) {
    auto const& ga = a.row->target_group;
    auto const& gb = b.row->target_group;
    return sign(ga < gb, gb < ga);
}

int by_deployment_id(const ranked_row& a, const ranked_row& b) {
    auto const ia = a.row->deployment_id;
    auto const ib = b.row->deployment_id;
    return sign(ia < ib, ib < ia);
}

// The precedence, strongest rule first.
constexpr precedence_rule rules[] = {
    {"Block overrides every other deployment", by_block},
    {"deeper target group has priority", by_group_priority},
    {"Install overrides OptionalInstall, Uninstall and the other actions", by_action},
    {"earliest deadline", by_deadline},
    {"latest LastChangeTime", by_change_time},
    {"first target-group name", by_group_name},
    {"lowest deployment ID", by_deployment_id},
};

// The best of `rows` at the given (non-empty) indices; the earlier one on a tie.
std::size_t best_of(const std::vector<ranked_row>& rows, const std::vector<std::size_t>& indices) {
    std::size_t best = indices.front();
    for (std::size_t const i : indices) {
        if (compare_rows(rows[i], rows[best]) < 0) {
            best = i;
        }
    }
    return best;
}

std::string_view deciding_rule(const ranked_row& winner, const ranked_row& loser) {
    std::string_view rule;
    compare_rows(winner, loser, &rule);
    return rule.empty() ? identical_rows_rule : rule;
}

}  // namespace

int compare_rows(const ranked_row& a, const ranked_row& b, std::string_view* rule) {
    for (auto const& r : rules) {
        int const d = r.compare(a, b);
        if (d != 0) {
            if (rule != nullptr) {
                *rule = r.name;
            }
            return d;
        }
    }
    if (rule != nullptr) {
        *rule = {};
    }
    return 0;
}

row_choice choose_row(const std::vector<ranked_row>& rows) {
    row_choice out;
    if (rows.size() < 2) {
        return out;
    }
    std::vector<std::size_t> all(rows.size());
    for (std::size_t i = 0; i < all.size(); ++i) {
        all[i] = i;
    }
    out.kept = best_of(rows, all);
    std::vector<std::size_t> others;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        if (i == out.kept) {
            continue;
        }
        others.push_back(i);
        // The server's query joins the winning (revision, group) pair back to its rows, so a
        // second row of that pair comes back too (docs/models.md §3.2).
        if (rows[i].row->revision_id == rows[out.kept].row->revision_id &&
            rows[i].row->target_group == rows[out.kept].row->target_group) {
            out.twins.push_back(i);
        }
    }
    out.rule = deciding_rule(rows[out.kept], rows[best_of(rows, others)]);
    if (!out.twins.empty()) {
        out.twin_rule = deciding_rule(rows[out.kept], rows[best_of(rows, out.twins)]);
    }
    return out;
}

row_choice choose_row(const catalog& c, const std::vector<std::int32_t>& rows) {
    std::vector<ranked_row> ranked;
    ranked.reserve(rows.size());
    for (std::int32_t const i : rows) {
        auto const row = static_cast<std::size_t>(i);
        std::int32_t const g = c.row_group(row);
        ranked.push_back({&c.deployments()[row], g == catalog::npos ? 0 : c.group_depth(g)});
    }
    return choose_row(ranked);
}

}  // namespace wsuslab::mitigation
