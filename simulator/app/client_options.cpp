#include "client_options.hpp"

#include <algorithm>
#include <filesystem>

#include <unistd.h>

#include <wsuslab/client/url.hpp>
#include <wsuslab/mitigation/scenario_loader.hpp>

namespace wsuslab::app {

void add_transport_options(CLI::App& sub, transport_args& args) {
    sub.add_option("--proxy", args.proxy, "HTTP proxy URL (absolute URIs for http, CONNECT for https)");
    sub.add_option("--ca-file", args.ca_file, "PEM file of CAs trusted for https");
    sub.add_flag("--insecure", args.insecure, "Do not verify the server certificate");
    sub.add_option("--timeout", args.timeout_seconds, "Seconds allowed per request")->capture_default_str();
}

std::string check_transport_args(const transport_args& args) {
    if (!args.proxy.empty()) {
        auto const p = client::parse_url(args.proxy);
        if (!p || p->scheme != "http") {
            return "--proxy '" + args.proxy + "' is not an http:// URL";
        }
    }
    if (!(args.timeout_seconds > 0) || args.timeout_seconds > 3600) {
        return "--timeout must be between 0 and 3600 seconds";
    }
    return {};
}

void add_agent_options(CLI::App& sub, agent_args& args) {
    sub.add_option("--agent", args.agent,
                   "Agent: 2008 (WUA 7.x, the 2008 log and HRESULTs) or modern (Windows 11 request shapes, "
                   "Accept-Encoding: xpress)")
        ->capture_default_str();
    sub.add_option("--rounds", args.rounds,
                   "When the software pass ends: spec (MS-WUSP: Truncated, or a new non-leaf update) or "
                   "until-empty (until a round brings nothing new)")
        ->capture_default_str();
    // A 2008 agent fetches the SelfUpdate tree before every scan (docs/client.md §2), so the
    // simulated one does too unless told otherwise.
    auto* check = sub.add_flag("--selfupdate-check", args.selfupdate_check,
                               "2008 agent: HEAD + GET <server>/selfupdate/wuident.cab before the scan and fail "
                               "as a real agent does when it is missing (the default; wsuslab serve serves the "
                               "tree with --selfupdate DIR)");
    sub.add_flag("--skip-selfupdate", args.skip_selfupdate,
                 "2008 agent: skip the SelfUpdate check (for a server without a SelfUpdate tree)")
        ->excludes(check);
    sub.add_option("--scan-category", args.scan_categories,
                   "Modern agent: a category scan (StartCategoryScan + FilterCategoryIds) of this category GUID; "
                   "repeatable");
    sub.add_option("--protocol-version", args.protocol_version,
                   "Client protocolVersion (default: 1.6 for --agent 2008, 2.90 for modern)");
}

std::optional<std::string> apply_agent_args(const agent_args& args, client::sync_options& o) {
    auto const agent = client::agent_kind_from_name(args.agent);
    if (!agent) {
        return "--agent '" + args.agent + "' is not 2008 or modern";
    }
    auto const rounds = client::round_rule_from_name(args.rounds);
    if (!rounds) {
        return "--rounds '" + args.rounds + "' is not spec or until-empty";
    }
    if (!args.scan_categories.empty() && *agent != client::agent_kind::modern) {
        return std::string("--scan-category needs --agent modern (StartCategoryScan is a WSUS 3.0 SP2 feature)");
    }
    o.agent = *agent;
    o.rounds = *rounds;
    o.protocol_version = args.protocol_version;
    o.selfupdate = args.skip_selfupdate ? client::selfupdate_mode::skip : client::selfupdate_mode::check;
    o.scan_categories = args.scan_categories;
    return std::nullopt;
}

client::http_transport_options make_transport_options(const transport_args& args) {
    client::http_transport_options t;
    if (!args.proxy.empty()) {
        t.proxy_url = args.proxy;
    }
    if (!args.ca_file.empty()) {
        t.ca_file = args.ca_file;
    }
    t.insecure = args.insecure;
    t.request_timeout = std::chrono::milliseconds(static_cast<std::int64_t>(args.timeout_seconds * 1000));
    t.connect_timeout = std::min(t.connect_timeout, t.request_timeout);
    return t;
}

void add_retries_option(CLI::App& sub, int& retries) {
    sub.add_option("--retries", retries, "Replay N later detections after a failure (5 h apart, simulated)")
        ->check(CLI::Range(0, 100));
}

std::string junit_host_name() {
    char buf[256] = {};
    if (gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') {
        return "localhost";
    }
    return buf;
}

bool is_profile_file(const std::string& name_or_file) {
    std::error_code ec;
    return std::filesystem::is_regular_file(name_or_file, ec);
}

std::variant<mitigation::client_profile, std::string> resolve_profile(const std::string& name_or_file,
                                                                      const mitigation::scenario& scenario,
                                                                      const std::string& scenario_label) {
    if (is_profile_file(name_or_file)) {
        auto loaded = mitigation::load_scenario_file(name_or_file);
        if (auto const* err = std::get_if<mitigation::scenario_error>(&loaded)) {
            return "cannot load profile file: " + err->to_string();
        }
        auto const& s = std::get<mitigation::scenario>(loaded);
        if (s.profiles.size() != 1) {
            return "profile file " + name_or_file + " holds " + std::to_string(s.profiles.size()) +
                   " <ClientProfile> elements; it must hold exactly one";
        }
        return s.profiles.front();
    }
    if (auto const* p = scenario.find_profile(name_or_file)) {
        return *p;
    }
    std::string names;
    for (auto const& p : scenario.profiles) {
        names += (names.empty() ? "" : ", ") + p.name;
    }
    return "no profile '" + name_or_file + "' in " + scenario_label + " (profiles: " +
           (names.empty() ? std::string("none") : names) + "); pass a name or a profile file";
}

}  // namespace wsuslab::app
