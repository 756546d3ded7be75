// `wsuslab compare`: run the legacy and the fixed GetSyncInfo model for each client profile of a
// scenario with the in-process simulated client (docs/models.md) and print them side by side:
// rounds, updates received, outcome, the exact failure message and the anomalies resolved.
//
// Exit codes: 0 the comparison ran (whatever the models answered); 2 usage or load error.

#include <cstddef>
#include <cstdint>
#include <iomanip>
#include <iostream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include <wsuslab/mitigation/catalog.hpp>
#include <wsuslab/mitigation/diagnosis.hpp>
#include <wsuslab/mitigation/get_sync_info.hpp>
#include <wsuslab/mitigation/scenario_loader.hpp>
#include <wsuslab/mitigation/simulated_sync.hpp>

#include "commands.hpp"

namespace wsuslab::app {
namespace {

namespace mit = wsuslab::mitigation;

struct compare_args {
    std::string scenario;
    std::vector<std::string> profiles;
    bool json = false;
    std::size_t page_size = 0;  ///< 0: the scenario's
    std::size_t max_rounds = 200;
    bool state_table_add = false;
};

struct model_run {
    mit::simulated_sync_result result;
    std::vector<std::string> anomalies;  ///< distinct log lines, first-seen order
};

struct profile_run {
    const mit::client_profile* profile = nullptr;
    std::vector<std::string> groups;
    model_run legacy;
    model_run fixed;
};

model_run run_model(const mit::get_sync_info_model& m, const mit::catalog& c,
                    const mit::simulated_sync_options& o, const mit::client_profile& p) {
    model_run out;
    out.result = mit::run_simulated_sync(m, c, o, mit::installed_on(p.machine));
    // The fixed model reports an anomaly on every request that loads the rows; list each once.
    std::set<std::string> seen;
    for (auto const& a : out.result.resolved) {
        std::string line = a.to_string();
        if (seen.insert(line).second) {
            out.anomalies.push_back(std::move(line));
        }
    }
    return out;
}

std::string outcome(const mit::simulated_sync_result& r) {
    if (r.failure) {
        return "FAILED in round " + std::to_string(r.failed_round);
    }
    if (r.exceeded_max_rounds) {
        return "round cap (" + std::to_string(r.rounds) + ")";
    }
    return "ok";
}

std::string join(const std::vector<std::string>& items) {
    std::string s;
    for (auto const& i : items) {
        s += (s.empty() ? "" : ", ") + i;
    }
    return s;
}

nlohmann::json model_json(const model_run& m) {
    auto const& r = m.result;
    nlohmann::json j = {{"ok", r.ok()},
                        {"outcome", outcome(r)},
                        {"rounds", r.rounds},
                        {"updates_received", r.updates_received},
                        {"exceeded_max_rounds", r.exceeded_max_rounds},
                        {"anomalies_resolved", m.anomalies},
                        {"final_cache",
                         {{"installed_non_leaf", r.installed_non_leaf.size()},
                          {"other_cached", r.other_cached.size()},
                          {"cached_drivers", r.cached_drivers.size()}}}};
    j["failure"] = nullptr;
    if (r.failure) {
        j["failure"] = {{"round", r.failed_round},
                        {"table", r.failure->table},
                        {"key_in_dictionary", r.failure->key_in_dictionary},
                        {"key_being_added", r.failure->key_being_added},
                        {"message", "System.ArgumentException: " + r.failure->message()},
                        {"stack", r.failure->stack_frames()}};
    }
    return j;
}

void print_json(const mit::scenario& s, std::size_t page, const std::vector<profile_run>& runs) {
    nlohmann::json out = {{"scenario", s.name}, {"file", s.source_path}, {"page_size", page}};
    out["profiles"] = nlohmann::json::array();
    for (auto const& r : runs) {
        out["profiles"].push_back(
            {{"name", r.profile->name},
             {"groups", r.groups},
             {"legacy", model_json(r.legacy)},
             {"fixed", model_json(r.fixed)},
             {"same_final_cache", r.legacy.result.cache() == r.fixed.result.cache()}});
    }
    std::cout << out.dump(2) << "\n";
}

void print_text(const mit::scenario& s, std::size_t page, const std::vector<profile_run>& runs) {
    std::cout << "Scenario " << s.name << " (" << s.source_path << "): " << s.revisions.size()
              << " revisions, " << s.deployments.size() << " deployment rows, page size " << page
              << "\n\n";
    std::size_t width = 7;
    for (auto const& r : runs) {
        width = std::max(width, r.profile->name.size());
    }
    auto const row = [&](const std::string& name, const std::string& lo, const std::string& lr,
                         const std::string& lu, const std::string& fo, const std::string& fr,
                         const std::string& fu, const std::string& fa) {
        std::cout << std::left << std::setw(static_cast<int>(width) + 2) << name << std::setw(20)
                  << lo << std::setw(8) << lr << std::setw(9) << lu << "| " << std::setw(20) << fo
                  << std::setw(8) << fr << std::setw(9) << fu << fa << "\n";
    };
    std::cout << std::left << std::setw(static_cast<int>(width) + 2) << "" << std::setw(37)
              << "LEGACY (WSUS 3.0 SP1 as modelled)"
              << "| FIXED (KB954960)\n";
    row("PROFILE", "OUTCOME", "ROUNDS", "UPDATES", "OUTCOME", "ROUNDS", "UPDATES", "ANOMALIES");
    for (auto const& r : runs) {
        auto const& l = r.legacy.result;
        auto const& f = r.fixed.result;
        row(r.profile->name, outcome(l), std::to_string(l.rounds),
            std::to_string(l.updates_received), outcome(f), std::to_string(f.rounds),
            std::to_string(f.updates_received), std::to_string(r.fixed.anomalies.size()));
    }
    for (auto const& r : runs) {
        std::cout << "\n" << r.profile->name << " (groups: " << join(r.groups) << ")\n";
        for (auto const* m : {&r.legacy, &r.fixed}) {
            char const* name = m == &r.legacy ? "legacy" : "fixed";
            auto const& res = m->result;
            if (res.failure) {
                std::cout << "  " << name << ": round " << res.failed_round
                          << ": System.ArgumentException: " << res.failure->message() << "\n";
            } else if (res.exceeded_max_rounds) {
                std::cout << "  " << name << ": stopped at the round cap of " << res.rounds
                          << " SyncUpdates calls (WU_E_PT_EXCEEDED_MAX_SERVER_TRIPS)\n";
            } else {
                std::cout << "  " << name << ": converged; cache " << res.installed_non_leaf.size()
                          << " installed non-leaf, " << res.other_cached.size() << " other, "
                          << res.cached_drivers.size() << " drivers\n";
            }
            for (auto const& a : m->anomalies) {
                std::cout << "    resolved: " << a << "\n";
            }
        }
        if (r.legacy.result.ok() && r.fixed.result.ok() &&
            r.legacy.result.cache() != r.fixed.result.cache()) {
            std::cout << "  note: the final client caches differ\n";
        }
    }
}

int run_compare(const compare_args& args) {
    auto loaded = mit::load_scenario_file(args.scenario);
    if (auto const* e = std::get_if<mit::scenario_error>(&loaded)) {
        std::cerr << "wsuslab compare: " << e->to_string() << "\n";
        return 2;
    }
    auto const& s = std::get<mit::scenario>(loaded);
    std::vector<const mit::client_profile*> chosen;
    for (auto const& name : args.profiles) {
        const mit::client_profile* p = s.find_profile(name);
        if (p == nullptr) {
            std::string known;
            for (auto const& q : s.profiles) {
                known += (known.empty() ? "" : ", ") + q.name;
            }
            std::cerr << "wsuslab compare: no profile '" << name << "' in " << args.scenario
                      << " (profiles: " << (known.empty() ? "none" : known) << ")\n";
            return 2;
        }
        chosen.push_back(p);
    }
    if (args.profiles.empty()) {
        for (auto const& p : s.profiles) {
            chosen.push_back(&p);
        }
    }
    if (chosen.empty()) {
        std::cerr << "wsuslab compare: " << args.scenario << " declares no client profiles\n";
        return 2;
    }
    mit::catalog const c(s);
    auto const legacy = mit::make_legacy_model(mit::legacy_options{args.state_table_add});
    auto const fixed = mit::make_fixed_model();
    std::size_t const page = args.page_size != 0 ? args.page_size : s.server.page_size;
    std::vector<profile_run> runs;
    for (const mit::client_profile* p : chosen) {
        profile_run r;
        r.profile = p;
        r.groups = mit::profile_groups(s, *p);
        mit::simulated_sync_options o;
        o.groups = r.groups;
        o.page_size = page;
        o.max_rounds = args.max_rounds;
        r.legacy = run_model(*legacy, c, o, *p);
        r.fixed = run_model(*fixed, c, o, *p);
        runs.push_back(std::move(r));
    }
    if (args.json) {
        print_json(s, page, runs);
    } else {
        print_text(s, page, runs);
    }
    return 0;
}

}  // namespace

command add_compare_command(CLI::App& app) {
    auto args = std::make_shared<compare_args>();
    command c;
    c.sub = app.add_subcommand(
        "compare",
        "Run the lab's two GetSyncInfo models, legacy (unpatched WSUS 3.0 SP1) and fixed "
        "(KB954960), for each client profile of a scenario with the simulated client loop, side by "
        "side");
    c.sub->add_option("--scenario", args->scenario, "Scenario file (docs/scenario-format.md)")
        ->required();
    c.sub->add_option("--profile", args->profiles, "Only this client profile (repeatable)");
    c.sub->add_flag("--json", args->json, "Print a JSON report instead of the table");
    c.sub
        ->add_option("--page-size", args->page_size,
                     "NewUpdates per SyncUpdates response; default: the scenario's (200)")
        ->check(CLI::Range(std::size_t{1}, std::size_t{100000}));
    c.sub
        ->add_option("--max-rounds", args->max_rounds,
                     "SyncUpdates calls before the client gives up (default 200)")
        ->check(CLI::Range(std::size_t{1}, std::size_t{100000}));
    c.sub->add_flag(
        "--legacy-state-table-add", args->state_table_add,
        "Let the legacy model's state table use Add too (hypothesis D, docs/kb954960-lab.md §5.2)");
    c.run = [args] { return run_compare(*args); };
    return c;
}

}  // namespace wsuslab::app
