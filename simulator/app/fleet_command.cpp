// `wsuslab fleet`: many simulated clients of mixed profiles against one WSUS at once, with a live
// progress line on a terminal and a summary of who failed and why (--json, --junit); `wsuslab
// fleet merge` adds up the JSON results of shards. Exit code: 0 every client synced, 1 some
// failed, 2 usage error or server unreachable. See docs/fleet.md and docs/scale-out.md.

#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include <unistd.h>

#include <wsuslab/client/fleet.hpp>
#include <wsuslab/client/url.hpp>
#include <wsuslab/mitigation/scenario_loader.hpp>

#include "client_options.hpp"
#include "commands.hpp"
#include "embedded_scenario.hpp"

namespace wsuslab::app {

namespace {

struct fleet_args {
    std::string server;
    std::size_t clients = 1000;
    std::string scenario;  // empty: the embedded kb954960 lab scenario
    std::string mix;
    agent_args agent;
    std::uint64_t seed = 954960;
    std::string shard = "0/1";
    std::size_t concurrency = 0;
    unsigned threads = 0;
    double rate = 0;
    int retries = 0;
    transport_args transport;
    bool no_report = false;
    bool no_progress = false;
    std::string json;
    std::string junit;
};

struct merge_args {
    std::vector<std::string> files;
    std::string json;
    std::string junit;
};

int usage_error(const std::string& message) {
    std::cerr << "wsuslab fleet: " << message << "\n";
    return 2;
}

std::variant<mitigation::scenario, std::string> load_scenario(const fleet_args& a) {
    auto loaded = a.scenario.empty() ? mitigation::load_scenario_text(embedded_kb954960_scenario(), "kb954960.xml")
                                     : mitigation::load_scenario_file(a.scenario);
    if (auto const* err = std::get_if<mitigation::scenario_error>(&loaded)) {
        return "cannot load scenario: " + err->to_string();
    }
    return std::get<mitigation::scenario>(std::move(loaded));
}

// "office2003-workstation=30,plain-workstation=60,./my-profile.xml=10"; a bare name weighs 1;
// empty: every profile of the scenario, equally.
std::variant<std::vector<client::fleet_member>, std::string> parse_mix(const std::string& text,
                                                                      const mitigation::scenario& s,
                                                                      const std::string& label) {
    std::vector<client::fleet_member> mix;
    if (text.empty()) {
        for (auto const& p : s.profiles) {
            mix.push_back({p, 1});
        }
        if (mix.empty()) {
            return label + " has no client profile; pass --mix with profile files";
        }
        return mix;
    }
    std::stringstream items(text);
    std::string item;
    while (std::getline(items, item, ',')) {
        auto const eq = item.rfind('=');
        std::string const name = item.substr(0, eq);
        unsigned weight = 1;
        if (eq != std::string::npos) {
            std::string const w = item.substr(eq + 1);
            if (w.empty() || w.size() > 6 || w.find_first_not_of("0123456789") != std::string::npos || std::stoul(w) == 0) {
                return "--mix: weight '" + w + "' of '" + name + "' is not a positive integer";
            }
            weight = static_cast<unsigned>(std::stoul(w));
        }
        auto profile = resolve_profile(name, s, label);
        if (auto const* err = std::get_if<std::string>(&profile)) {
            return "--mix: " + *err;
        }
        mix.push_back({std::get<mitigation::client_profile>(std::move(profile)), weight});
    }
    if (mix.empty()) {
        return std::string("--mix names no profile");
    }
    return mix;
}

// Writes `text` to `path` ("-" = stdout); false when the file cannot be written.
bool write_output(const std::string& path, const std::string& text) {
    if (path == "-") {
        std::cout << text;
        return true;
    }
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    return static_cast<bool>(out);
}

// The summary on stdout (unless --json -), then the files; 2 when one cannot be written.
int report(const client::fleet_result& r, const std::string& json, const std::string& junit) {
    if (json != "-") {
        std::cout << client::format_fleet_summary(r);
    }
    if (!json.empty() && !write_output(json, client::format_fleet_json(r))) {
        std::cerr << "wsuslab fleet: cannot write the JSON result to '" << json << "'\n";
        return 2;
    }
    if (!junit.empty() && !write_output(junit, client::write_junit(client::fleet_junit(
                                                   r, client::junit_timestamp_now(), junit_host_name())))) {
        std::cerr << "wsuslab fleet: cannot write the JUnit report to '" << junit << "'\n";
        return 2;
    }
    return r.exit_code();
}

std::optional<std::string> check_args(const fleet_args& a) {
    if (!client::parse_url(a.server)) {
        return "--server '" + a.server + "' is not an http:// or https:// URL";
    }
    client::sync_options probe;
    if (auto err = apply_agent_args(a.agent, probe)) {
        return err;
    }
    if (!client::parse_shard(a.shard)) {
        return "--shard '" + a.shard + "' is not I/N with 0 <= I < N (e.g. 0/4)";
    }
    if (!(a.rate >= 0) || a.rate > 1e7) {
        return std::string("--rate must be between 0 (as fast as possible) and 10000000 clients per second");
    }
    if (auto const problem = check_transport_args(a.transport); !problem.empty()) {
        return problem;
    }
    return std::nullopt;
}

int run_fleet_command(const fleet_args& a) {
    if (auto problem = check_args(a)) {
        return usage_error(*problem);
    }
    auto loaded = load_scenario(a);
    if (auto const* err = std::get_if<std::string>(&loaded)) {
        return usage_error(*err);
    }
    auto const& scenario = std::get<mitigation::scenario>(loaded);
    auto mix = parse_mix(a.mix, scenario, a.scenario.empty() ? std::string("the embedded kb954960 scenario") : a.scenario);
    if (auto const* err = std::get_if<std::string>(&mix)) {
        return usage_error(*err);
    }

    client::fleet_options o;
    o.server_url = client::trim_trailing_slash(a.server);
    o.mix = std::get<std::vector<client::fleet_member>>(std::move(mix));
    o.clients = a.clients;
    o.seed = a.seed;
    o.shard = *client::parse_shard(a.shard);
    o.concurrency = a.concurrency;
    o.threads = a.threads;
    o.rate = a.rate;
    apply_agent_args(a.agent, o.agent);  // checked in check_args
    o.agent.retries = a.retries;
    o.agent.report_events = !a.no_report;
    o.transport = make_transport_options(a.transport);
    bool const live = client::progress_wanted(isatty(STDERR_FILENO) == 1, a.no_progress);
    if (live) {
        o.on_progress = [](const client::fleet_progress& p) {
            std::cerr << "\r" << client::format_progress_line(p) << "\x1b[K" << std::flush;
        };
    }
    auto result = client::run_fleet(o);
    if (live) {
        std::cerr << "\r\x1b[K" << std::flush;
    }
    if (auto const* err = std::get_if<std::string>(&result)) {
        return usage_error(*err);
    }
    auto const& r = std::get<client::fleet_result>(result);
    if (r.aborted) {
        std::cerr << "wsuslab fleet: " << *r.aborted << "\n";
    }
    return report(r, a.json, a.junit);
}

int run_merge(const merge_args& a) {
    client::fleet_result total;
    for (auto const& file : a.files) {
        std::ifstream in(file, std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        if (!in) {
            return usage_error("merge: cannot read '" + file + "'");
        }
        auto parsed = client::parse_fleet_json(text.str());
        if (auto const* err = std::get_if<std::string>(&parsed)) {
            return usage_error("merge: " + file + ": " + *err);
        }
        if (auto err = client::merge_into(total, std::get<client::fleet_result>(parsed))) {
            return usage_error("merge: " + file + ": " + *err);
        }
    }
    return report(total, a.json, a.junit);
}

void add_run_options(CLI::App& sub, fleet_args& a) {
    sub.add_option("--server", a.server, "WSUS base URL, e.g. http://wsus:8530 (required unless merging)");
    sub.add_option("--clients", a.clients, "Clients in the whole fleet (all shards)")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000'000}))
        ->capture_default_str();
    sub.add_option("--scenario", a.scenario, "Scenario file the profiles come from (default: the embedded kb954960 lab)");
    sub.add_option("--mix", a.mix,
                   "Profiles and weights, e.g. office2003-workstation=30,plain-workstation=60,server-2003=10 "
                   "(names in --scenario or profile files; default: every profile of the scenario, equally)");
    add_agent_options(sub, a.agent);
    sub.add_option("--seed", a.seed, "Seed of the fleet: client IDs, DNS names, agent seeds")->capture_default_str();
    sub.add_option("--shard", a.shard, "Run the I-th of N disjoint slices of the fleet (I/N, 0-based)")
        ->capture_default_str();
    sub.add_option("--concurrency", a.concurrency, "Clients in flight at once (default: min(256, 32 x cores))");
    sub.add_option("--threads", a.threads, "Event-loop threads (default: one per core)");
    sub.add_option("--rate", a.rate, "New clients per second (default: as fast as the concurrency allows)");
    add_retries_option(sub, a.retries);
    add_transport_options(sub, a.transport);
    sub.add_flag("--no-report", a.no_report, "Do not send ReportEventBatch");
    sub.add_flag("--no-progress", a.no_progress, "No live progress line even on a terminal");
    sub.add_option("--json", a.json, "Write the result as one JSON object to FILE ('-': stdout instead of the summary)");
    sub.add_option("--junit", a.junit, "Write a JUnit XML report (one testcase per profile) to FILE");
}

}  // namespace

command add_fleet_command(CLI::App& app) {
    auto args = std::make_shared<fleet_args>();
    auto merge = std::make_shared<merge_args>();
    command c;
    c.sub = app.add_subcommand("fleet", "Run many simulated clients of mixed profiles against one WSUS server "
                                        "(exit 0 all synced, 1 some failed, 2 usage error or server unreachable)");
    c.sub->require_subcommand(0, 1);
    add_run_options(*c.sub, *args);
    auto* m = c.sub->add_subcommand("merge", "Add up the --json results of several shards");
    m->add_option("files", merge->files, "JSON results of `wsuslab fleet --json`")->required()->check(CLI::ExistingFile);
    m->add_option("--json", merge->json, "Write the merged JSON object to FILE ('-': stdout)");
    m->add_option("--junit", merge->junit, "Write the merged JUnit XML report to FILE");
    c.run = [args, merge, m] {
        if (m->parsed()) {
            return run_merge(*merge);
        }
        if (args->server.empty()) {
            return usage_error("--server is required");
        }
        return run_fleet_command(*args);
    };
    return c;
}

}  // namespace wsuslab::app
