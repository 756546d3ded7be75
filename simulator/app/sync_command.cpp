// `wsuslab sync`: one simulated Windows Update Agent detection (and --retries replays) against a
// WSUS server, with the client cache in --state, a WindowsUpdate.log in --log, and a summary or
// --json on stdout. Exit code: 0 synced, 1 sync failed, 2 usage, connection or local error.
// See docs/client.md.

#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <variant>

#include <wsuslab/client/agent.hpp>
#include <wsuslab/client/client_cache.hpp>
#include <wsuslab/client/http_transport.hpp>
#include <wsuslab/client/report.hpp>
#include <wsuslab/client/url.hpp>
#include <wsuslab/mitigation/scenario_loader.hpp>

#include "client_options.hpp"
#include "commands.hpp"

namespace wsuslab::app {

namespace {

/// The advisory's client moment (docs/history.md §3.1): 2008-06-13 19:59:53.383 local time,
/// taken as PDT, UTC-7 (our inference, docs/history.md §3.6).
constexpr const char* default_start = "2008-06-14T02:59:53.383Z";

struct sync_args {
    std::string server;
    std::string profile;
    std::string scenario = std::string(WSUSLAB_FIXTURES_DIR) + "/scenarios/kb954960.xml";
    std::string state;
    bool reset = false;
    std::string log;
    bool json = false;
    int retries = 0;
    bool download = false;
    transport_args transport;
    std::uint64_t seed = 954960;
    std::string start;
    std::string utc_offset = "-07:00";
    int max_rounds = 50;
    int max_recoveries = 3;
    agent_args agent;
    bool atl_strict = false;
    bool no_report = false;
};

int usage_error(const std::string& message) {
    std::cerr << "wsuslab sync: " << message << "\n";
    return 2;
}

// A profile FILE needs no scenario; a profile name is looked up in --scenario.
std::variant<mitigation::client_profile, std::string> resolve_profile(const sync_args& a) {
    if (is_profile_file(a.profile)) {
        return app::resolve_profile(a.profile, mitigation::scenario{}, a.scenario);
    }
    auto loaded = mitigation::load_scenario_file(a.scenario);
    if (auto const* err = std::get_if<mitigation::scenario_error>(&loaded)) {
        return "cannot load scenario: " + err->to_string();
    }
    return app::resolve_profile(a.profile, std::get<mitigation::scenario>(loaded), a.scenario);
}

int run_sync_command(const sync_args& a) {
    if (!client::parse_url(a.server)) {
        return usage_error("--server '" + a.server + "' is not an http:// or https:// URL");
    }
    if (auto const problem = check_transport_args(a.transport); !problem.empty()) {
        return usage_error(problem);
    }
    auto const offset = client::parse_utc_offset(a.utc_offset);
    if (!offset) {
        return usage_error("--utc-offset '" + a.utc_offset + "' is not +hh:mm, -hh:mm or Z");
    }
    client::sync_options options;
    if (auto err = apply_agent_args(a.agent, options)) {
        return usage_error(*err);
    }
    auto profile = resolve_profile(a);
    if (auto const* err = std::get_if<std::string>(&profile)) {
        return usage_error(*err);
    }

    // Simulated time starts where the cache scheduled the next detection, so consecutive runs
    // continue one timeline; a fresh client starts at the advisory's moment.
    std::string start_text = a.start;
    if (start_text.empty() && !a.state.empty() && !a.reset) {
        auto cached = client::load_cache(a.state);
        if (auto const* c = std::get_if<client::client_cache>(&cached); c != nullptr && c->next_detection) {
            start_text = client::format_iso8601(*c->next_detection);
        }
    }
    if (start_text.empty()) {
        start_text = default_start;
    }
    std::optional<client::time_point> start;
    if (start_text == "now") {
        start = client::system_clock{}.now();
    } else {
        start = client::parse_iso8601(start_text);
    }
    if (!start) {
        return usage_error("--start '" + start_text + "' is not 'now' or an ISO 8601 time such as " + default_start);
    }

    options.server_url = a.server;
    options.profile = std::get<mitigation::client_profile>(std::move(profile));
    if (!a.state.empty()) {
        options.state_dir = a.state;
    }
    options.reset_state = a.reset;
    options.retries = a.retries;
    options.download = a.download;
    options.report_events = !a.no_report;
    options.atl_strict_faults = a.atl_strict;
    options.max_rounds = a.max_rounds;
    options.max_recoveries = a.max_recoveries;
    options.utc_offset_minutes = *offset;
    options.seed = a.seed;

    client::http_transport net{make_transport_options(a.transport)};
    client::simulated_clock clock{*start};

    client::sync_outcome const out = client::run_sync(options, net, clock);

    int code = out.exit_code();
    if (!a.log.empty() && !out.log.empty()) {
        std::ofstream file(a.log, std::ios::binary | std::ios::app);
        for (auto const& line : out.log) {
            file << client::format_log_line(line) << "\n";
        }
        file.flush();
        if (!file) {
            std::cerr << "wsuslab sync: cannot write log file " << a.log << "\n";
            code = 2;
        }
    }
    client::report_context const ctx{client::trim_trailing_slash(a.server), options.profile.name, a.log};
    std::cout << (a.json ? client::format_json(out, ctx) : client::format_summary(out, ctx));
    return code;
}

}  // namespace

command add_sync_command(CLI::App& app) {
    auto args = std::make_shared<sync_args>();
    command c;
    c.sub = app.add_subcommand("sync", "Run a simulated Windows Update Agent (2008 or modern) against a WSUS server");
    auto* sub = c.sub;
    sub->add_option("--server", args->server, "WSUS base URL, e.g. http://wsus:8530")->required();
    sub->add_option("--profile", args->profile,
                    "Client profile: a name in --scenario, or a scenario-format file holding one <ClientProfile>")
        ->required();
    sub->add_option("--scenario", args->scenario, "Scenario file to look the profile up in")->capture_default_str();
    sub->add_option("--state", args->state, "Directory of the client cache (differential sync on later runs)");
    sub->add_flag("--reset", args->reset, "Delete the cache in --state before running");
    sub->add_option("--log", args->log, "Append WindowsUpdate.log lines (2008 agent format) to this file");
    sub->add_flag("--json", args->json, "Print the machine-readable result instead of the summary");
    add_retries_option(*sub, args->retries);
    sub->add_flag("--download", args->download, "GetFileLocations, then HEAD + GET + SHA-1 check of each file");
    add_transport_options(*sub, args->transport);
    sub->add_option("--seed", args->seed, "Seed for PID/TID, event IDs and the detection schedule")->capture_default_str();
    sub->add_option("--start", args->start,
                    "Simulated start time (ISO 8601 UTC or 'now'); default: the cache's next detection, "
                    "else 2008-06-14T02:59:53.383Z");
    sub->add_option("--utc-offset", args->utc_offset, "Client local time offset for the log")->capture_default_str();
    sub->add_option("--max-rounds", args->max_rounds, "SyncUpdates round trips allowed per detection")
        ->check(CLI::Range(1, 100000))
        ->capture_default_str();
    sub->add_option("--max-recoveries", args->max_recoveries, "Fault recoveries allowed per detection")
        ->check(CLI::Range(0, 1000))
        ->capture_default_str();
    add_agent_options(*sub, args->agent);
    sub->add_flag("--atl-strict", args->atl_strict, "Look for SOAP faults only in HTTP 500 answers (ATL client)");
    sub->add_flag("--no-report", args->no_report, "Do not send ReportEventBatch");
    c.run = [args] { return run_sync_command(*args); };
    return c;
}

}  // namespace wsuslab::app
