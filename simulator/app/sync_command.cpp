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
#include <vector>

#include <wsuslab/client/agent.hpp>
#include <wsuslab/client/client_cache.hpp>
#include <wsuslab/client/http_transport.hpp>
#include <wsuslab/client/report.hpp>
#include <wsuslab/client/url.hpp>
#include <wsuslab/mitigation/scenario_loader.hpp>

#include "commands.hpp"

namespace wsuslab::app {

namespace {

/// The advisory's client moment (kb954960.md §2.1): 2008-06-13 19:59:53.383 PDT.
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
    std::string proxy;
    std::string ca_file;
    bool insecure = false;
    double timeout_seconds = 30;
    std::uint64_t seed = 954960;
    std::string start;
    std::string utc_offset = "-07:00";
    int max_rounds = 50;
    int max_recoveries = 3;
    std::string protocol_version;
    bool atl_strict = false;
    bool no_report = false;
    std::string agent = "2008";
    std::string rounds = "spec";
    bool selfupdate_check = false;
    bool skip_selfupdate = false;
    std::vector<std::string> scan_categories;
};

int usage_error(const std::string& message) {
    std::cerr << "wsuslab sync: " << message << "\n";
    return 2;
}

// A profile FILE is a scenario-format document holding exactly one <ClientProfile>; anything
// else is a profile name looked up in --scenario.
std::variant<mitigation::client_profile, std::string> resolve_profile(const sync_args& a) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(a.profile, ec)) {
        auto loaded = mitigation::load_scenario_file(a.profile);
        if (auto const* err = std::get_if<mitigation::scenario_error>(&loaded)) {
            return "cannot load profile file: " + err->to_string();
        }
        auto const& s = std::get<mitigation::scenario>(loaded);
        if (s.profiles.size() != 1) {
            return "profile file " + a.profile + " holds " + std::to_string(s.profiles.size()) +
                   " <ClientProfile> elements; it must hold exactly one";
        }
        return s.profiles.front();
    }
    auto loaded = mitigation::load_scenario_file(a.scenario);
    if (auto const* err = std::get_if<mitigation::scenario_error>(&loaded)) {
        return "cannot load scenario: " + err->to_string();
    }
    auto const& s = std::get<mitigation::scenario>(loaded);
    if (auto const* p = s.find_profile(a.profile)) {
        return *p;
    }
    std::string names;
    for (auto const& p : s.profiles) {
        names += (names.empty() ? "" : ", ") + p.name;
    }
    return "no profile '" + a.profile + "' in " + a.scenario + " (profiles: " +
           (names.empty() ? std::string("none") : names) + "); pass a name or a profile file";
}

// --agent, --rounds, --protocol-version, the SelfUpdate flags and --scan-category into `o`; the
// usage error otherwise.
std::optional<std::string> agent_options(const sync_args& a, client::sync_options& o) {
    auto const agent = client::agent_kind_from_name(a.agent);
    if (!agent) {
        return "--agent '" + a.agent + "' is not 2008 or modern";
    }
    auto const rounds = client::round_rule_from_name(a.rounds);
    if (!rounds) {
        return "--rounds '" + a.rounds + "' is not spec or until-empty";
    }
    if (!a.scan_categories.empty() && *agent != client::agent_kind::modern) {
        return std::string("--scan-category needs --agent modern (StartCategoryScan is a WSUS 3.0 SP2 feature)");
    }
    o.agent = *agent;
    o.rounds = *rounds;
    o.protocol_version = a.protocol_version;
    o.selfupdate = a.selfupdate_check ? client::selfupdate_mode::check : client::selfupdate_mode::skip;
    o.scan_categories = a.scan_categories;
    return std::nullopt;
}

// Simulated time starts where the cache scheduled the next detection, so consecutive runs
// continue one timeline; a fresh client starts at the advisory's moment.
std::variant<client::time_point, std::string> start_time(const sync_args& a) {
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
    auto const start = start_text == "now" ? std::optional<client::time_point>(client::system_clock{}.now())
                                           : client::parse_iso8601(start_text);
    if (!start) {
        return "--start '" + start_text + "' is not 'now' or an ISO 8601 time such as " + default_start;
    }
    return *start;
}

int run_sync_command(const sync_args& a) {
    if (!client::parse_url(a.server)) {
        return usage_error("--server '" + a.server + "' is not an http:// or https:// URL");
    }
    if (!a.proxy.empty()) {
        auto const p = client::parse_url(a.proxy);
        if (!p || p->scheme != "http") {
            return usage_error("--proxy '" + a.proxy + "' is not an http:// URL");
        }
    }
    auto const offset = client::parse_utc_offset(a.utc_offset);
    if (!offset) {
        return usage_error("--utc-offset '" + a.utc_offset + "' is not +hh:mm, -hh:mm or Z");
    }
    if (!(a.timeout_seconds > 0) || a.timeout_seconds > 3600) {
        return usage_error("--timeout must be between 0 and 3600 seconds");
    }
    client::sync_options options;
    if (auto err = agent_options(a, options)) {
        return usage_error(*err);
    }
    auto profile = resolve_profile(a);
    if (auto const* err = std::get_if<std::string>(&profile)) {
        return usage_error(*err);
    }

    auto const start = start_time(a);
    if (auto const* err = std::get_if<std::string>(&start)) {
        return usage_error(*err);
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

    client::http_transport_options transport;
    if (!a.proxy.empty()) {
        transport.proxy_url = a.proxy;
    }
    if (!a.ca_file.empty()) {
        transport.ca_file = a.ca_file;
    }
    transport.insecure = a.insecure;
    transport.request_timeout = std::chrono::milliseconds(static_cast<std::int64_t>(a.timeout_seconds * 1000));
    transport.connect_timeout = std::min(transport.connect_timeout, transport.request_timeout);
    client::http_transport net{transport};
    client::simulated_clock clock{std::get<client::time_point>(start)};

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
    sub->add_option("--retries", args->retries, "Replay N later detections after a failure (5 h apart, simulated)")
        ->check(CLI::Range(0, 100));
    sub->add_flag("--download", args->download, "GetFileLocations, then HEAD + GET + SHA-1 check of each file");
    sub->add_option("--proxy", args->proxy, "HTTP proxy URL (absolute URIs for http, CONNECT for https)");
    sub->add_option("--ca-file", args->ca_file, "PEM file of CAs trusted for https");
    sub->add_flag("--insecure", args->insecure, "Do not verify the server certificate");
    sub->add_option("--timeout", args->timeout_seconds, "Seconds allowed per request")->capture_default_str();
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
    sub->add_option("--agent", args->agent,
                    "Agent: 2008 (WUA 7.x, the 2008 log and HRESULTs) or modern (Windows 11 request shapes, "
                    "Accept-Encoding: xpress)")
        ->capture_default_str();
    sub->add_option("--rounds", args->rounds,
                    "When the software pass ends: spec (MS-WUSP: Truncated, or a new non-leaf update) or "
                    "until-empty (until a round brings nothing new)")
        ->capture_default_str();
    auto* check = sub->add_flag("--selfupdate-check", args->selfupdate_check,
                                "2008 agent: HEAD + GET <server>/selfupdate/wuident.cab before the scan and fail "
                                "as a real agent does when it is missing (off by default: wsuslab serve has no "
                                "SelfUpdate tree yet)");
    sub->add_flag("--skip-selfupdate", args->skip_selfupdate, "Skip the SelfUpdate check (the default)")
        ->excludes(check);
    sub->add_option("--scan-category", args->scan_categories,
                    "Modern agent: a category scan (StartCategoryScan + FilterCategoryIds) of this category GUID; "
                    "repeatable");
    sub->add_option("--protocol-version", args->protocol_version,
                    "Client protocolVersion (default: 1.6 for --agent 2008, 2.90 for modern)");
    sub->add_flag("--atl-strict", args->atl_strict, "Look for SOAP faults only in HTTP 500 answers (ATL client)");
    sub->add_flag("--no-report", args->no_report, "Do not send ReportEventBatch");
    c.run = [args] { return run_sync_command(*args); };
    return c;
}

}  // namespace wsuslab::app
