// Diagnosis: the anomalies (stray rows of one (revision, group) pair), the ordinary approvals
// resolved by precedence, legacy verdicts per profile, and the plan of the workaround (checked
// on a copy). The WSUS operations and the report are in diagnosis_workaround.cpp.
#include <wsuslab/mitigation/diagnosis.hpp>

#include <algorithm>
#include <map>
#include <set>

#include <wsuslab/mitigation/catalog.hpp>
#include <wsuslab/mitigation/row_precedence.hpp>
#include <wsuslab/mitigation/simulated_sync.hpp>
#include <wsuslab/protocol/text.hpp>

namespace wsuslab::mitigation {
namespace {

bool computer_matches(const std::string& pattern, const client_profile& p) {
    if (protocol::iequals(pattern, p.client_id) || protocol::iequals(pattern, p.dns_name)) {
        return true;
    }
    auto const dot = p.dns_name.find('.');
    return dot != std::string::npos && protocol::iequals(pattern, p.dns_name.substr(0, dot));
}

/// "All Computers" first, then `wanted` in declaration order, then undeclared ones.
std::vector<std::string> ordered_groups(const scenario& s, const std::vector<std::string>& wanted) {
    std::vector<std::string> out{all_computers_group};
    auto add = [&out](const std::string& name) {
        if (std::none_of(out.begin(), out.end(),
                         [&name](const std::string& g) { return protocol::iequals(g, name); })) {
            out.push_back(name);
        }
    };
    for (auto const& g : s.target_groups) {
        if (std::any_of(wanted.begin(), wanted.end(),
                        [&g](const std::string& w) { return protocol::iequals(w, g.name); })) {
            add(g.name);
        }
    }
    for (auto const& w : wanted) {
        add(w);
    }
    return out;
}

int group_depth(const scenario& s, const std::string& name) {
    int depth = name == all_computers_group ? 0 : 1;
    const target_group* g = nullptr;
    for (auto const& x : s.target_groups) {
        g = x.name == name ? &x : g;
    }
    // The loader rejects parent cycles; the bound only guards hand-built scenarios.
    while (g != nullptr && g->parent && *g->parent != all_computers_group &&
           depth <= static_cast<int>(s.target_groups.size())) {
        ++depth;
        const target_group* parent = nullptr;
        for (auto const& x : s.target_groups) {
            parent = x.name == *g->parent ? &x : parent;
        }
        g = parent;
    }
    return depth;
}

std::string effective_model(const scenario& s, const std::vector<std::string>& groups) {
    std::string model = s.server.default_model;
    int best = -1;
    for (auto const& g : s.target_groups) {
        if (g.model && std::find(groups.begin(), groups.end(), g.name) != groups.end() &&
            group_depth(s, g.name) > best) {
            best = group_depth(s, g.name);
            model = *g.model;
        }
    }
    return model;
}

/// Every group set a client of this scenario can have, with the profiles that have it.
std::map<std::vector<std::string>, std::vector<std::string>> group_sets(const scenario& s) {
    std::map<std::vector<std::string>, std::vector<std::string>> sets;
    for (auto const& p : s.profiles) {
        sets[profile_groups(s, p)].push_back(p.name);
    }
    std::map<std::string, std::vector<std::string>> by_computer;
    for (auto const& a : s.assignments) {
        by_computer[a.computer].push_back(a.target_group);
    }
    for (auto const& [computer, groups] : by_computer) {
        sets[ordered_groups(s, groups)];
    }
    for (auto const& g : s.target_groups) {
        sets[ordered_groups(s, {g.name})];
    }
    return sets;
}

/// Every (revision, target group) pair with more than one row: the anomaly, whatever group set
/// holds it (docs/models.md §3.1).
std::vector<duplicate_deployment> find_duplicates(const scenario& s) {
    std::map<std::pair<std::int32_t, std::string>, std::vector<const deployment_row*>> pairs;
    for (auto const& d : s.deployments) {
        pairs[{d.revision_id, d.target_group}].push_back(&d);
    }
    std::vector<duplicate_deployment> out;
    for (auto const& [key, rows] : pairs) {
        if (rows.size() < 2) {
            continue;
        }
        duplicate_deployment d;
        d.revision_id = key.first;
        d.target_group = key.second;
        if (const revision* r = s.find_revision(key.first)) {
            d.update_id = r->update_id;
            d.title = r->title;
        }
        for (auto const* r : rows) {
            d.rows.push_back(*r);
        }
        for (auto const& [groups, profiles] : group_sets(s)) {
            if (std::find(groups.begin(), groups.end(), d.target_group) != groups.end()) {
                d.group_sets.push_back(groups);
                d.profiles_hit.insert(d.profiles_hit.end(), profiles.begin(), profiles.end());
            }
        }
        std::sort(d.profiles_hit.begin(), d.profiles_hit.end());
        out.push_back(std::move(d));
    }
    return out;  // the map's order: by revision ID, then group name
}

/// The precedence over each group set's rows of each revision: marks the anomalies whose pair
/// wins for a set (profiles_exposed) and lists the ordinary multi-group reductions.
std::vector<precedence_merge> apply_precedence(const scenario& s, const catalog& c,
                                               std::vector<duplicate_deployment>& anomalies) {
    std::vector<precedence_merge> merges;
    for (auto const& [groups, profiles] : group_sets(s)) {
        std::map<std::int32_t, std::vector<std::int32_t>> by_revision;  // catalog row indices
        for (std::size_t i = 0; i < c.deployments().size(); ++i) {
            auto const& d = c.deployments()[i];
            if (c.row_position(i) != catalog::npos &&
                std::find(groups.begin(), groups.end(), d.target_group) != groups.end()) {
                by_revision[d.revision_id].push_back(static_cast<std::int32_t>(i));
            }
        }
        for (auto const& [revision_id, rows] : by_revision) {
            if (rows.size() < 2) {
                continue;
            }
            row_choice const choice = choose_row(c, rows);
            auto const kept_index = static_cast<std::size_t>(rows[choice.kept]);
            const deployment_row& kept = c.deployments()[kept_index];
            if (choice.anomaly_reached()) {
                for (auto& a : anomalies) {
                    if (a.revision_id == revision_id && a.target_group == kept.target_group) {
                        a.profiles_exposed.insert(a.profiles_exposed.end(), profiles.begin(),
                                                  profiles.end());
                    }
                }
                continue;
            }
            precedence_merge m;
            m.revision_id = revision_id;
            if (const revision* r = s.find_revision(revision_id)) {
                m.title = r->title;
            }
            m.group_set = groups;
            for (std::int32_t const row : rows) {
                m.rows.push_back(c.deployments()[static_cast<std::size_t>(row)]);
            }
            m.kept_deployment_id = kept.deployment_id;
            m.rule = std::string(choice.rule);
            m.profiles = profiles;
            // One entry per distinct set of rows: a larger group set may hold the same ones.
            auto const same =
                std::find_if(merges.begin(), merges.end(), [&](const precedence_merge& x) {
                    return x.revision_id == m.revision_id && x.rows == m.rows;
                });
            if (same == merges.end()) {
                merges.push_back(std::move(m));
            } else {
                same->profiles.insert(same->profiles.end(), m.profiles.begin(), m.profiles.end());
            }
        }
    }
    for (auto& a : anomalies) {
        std::sort(a.profiles_exposed.begin(), a.profiles_exposed.end());
    }
    std::stable_sort(merges.begin(), merges.end(),
                     [](const precedence_merge& a, const precedence_merge& b) {
                         return a.revision_id < b.revision_id;
                     });
    return merges;
}

std::vector<profile_verdict> legacy_verdicts(const scenario& s, const catalog& c,
                                             const legacy_options& legacy) {
    auto const model = make_legacy_model(legacy);
    std::vector<profile_verdict> out;
    for (auto const& p : s.profiles) {
        profile_verdict v;
        v.profile = p.name;
        v.groups = profile_groups(s, p);
        v.effective_model = effective_model(s, v.groups);
        simulated_sync_options options;
        options.groups = v.groups;
        options.page_size = s.server.page_size;
        auto const r = run_simulated_sync(*model, c, options, installed_on(p.machine));
        v.legacy_ok = r.ok();
        v.failure = r.failure;
        v.failed_round = r.failed_round;
        v.rounds = r.rounds;
        v.updates_received = r.updates_received;
        v.exceeded_max_rounds = r.exceeded_max_rounds;
        out.push_back(std::move(v));
    }
    return out;
}

std::string latest_date(const scenario& s) {
    std::string date = s.server.config_last_change.substr(0, 10);
    for (auto const& d : s.deployments) {
        date = std::max(date, d.last_change_time);
    }
    return date;
}

}  // namespace

std::vector<std::string> profile_groups(const scenario& s, const client_profile& p) {
    std::vector<std::string> wanted;
    for (auto const& a : s.assignments) {
        if (computer_matches(a.computer, p)) {
            wanted.push_back(a.target_group);
        }
    }
    if (s.server.client_side_targeting) {
        wanted.insert(wanted.end(), p.target_groups.begin(), p.target_groups.end());
    }
    return ordered_groups(s, wanted);
}

bool diagnosis::legacy_fails() const {
    return std::any_of(profiles.begin(), profiles.end(),
                       [](const profile_verdict& v) { return !v.legacy_ok; });
}

std::vector<workaround_step> apply_workaround(scenario& s, const diagnosis_options& options) {
    std::vector<std::string> updates;
    for (auto const& d : find_duplicates(s)) {
        if (!d.update_id.empty() &&
            std::find(updates.begin(), updates.end(), d.update_id) == updates.end()) {
            updates.push_back(d.update_id);
        }
    }
    std::string const date = options.date.empty() ? latest_date(s) : options.date;
    std::vector<workaround_step> steps;
    for (auto const& id : updates) {
        if (options.kind == workaround_kind::approve_then_decline) {
            steps.push_back(approve_update(s, id, all_computers_group,
                                           protocol::deployment_action::install, date));
        }
        steps.push_back(decline_update(s, id));
    }
    return steps;
}

diagnosis diagnose(const scenario& s, const diagnosis_options& options) {
    diagnosis d;
    d.kind = options.kind;
    catalog const c(s);
    d.duplicates = find_duplicates(s);
    d.merges = apply_precedence(s, c, d.duplicates);
    d.profiles = legacy_verdicts(s, c, options.legacy);
    for (auto& dup : d.duplicates) {
        for (auto const& v : d.profiles) {
            if (v.failure && v.failure->key_being_added == dup.revision_id) {
                dup.profiles_failing.push_back(v.profile);
            }
        }
    }
    if (d.anomalies_found() || d.legacy_fails()) {
        scenario repaired = s;
        d.workaround = apply_workaround(repaired, options);
        auto const after = legacy_verdicts(repaired, catalog(repaired), options.legacy);
        d.workaround_verified =
            find_duplicates(repaired).empty() &&
            std::all_of(after.begin(), after.end(), [](const profile_verdict& v) { return v.legacy_ok; });
    } else {
        d.workaround_verified = true;
    }
    return d;
}

}  // namespace wsuslab::mitigation
