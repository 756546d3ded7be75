// `wsuslab validate`: is this server patched for KB954960, and does it follow the protocol?
// Runs the shipped probe profiles with the simulated agent against --server and checks every
// answer with the MS-WUSP rule checker (docs/validation-guide.md).

#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include <wsuslab/client/http_transport.hpp>
#include <wsuslab/client/junit.hpp>
#include <wsuslab/client/url.hpp>
#include <wsuslab/client/validate.hpp>
#include <wsuslab/mitigation/scenario_loader.hpp>

#include "client_options.hpp"
#include "commands.hpp"

namespace wsuslab::app {

namespace {

struct validate_args {
    std::string server;
    /// --proxy, --ca-file, --insecure; the timeouts stay the transport's defaults (no --timeout).
    transport_args transport;
    std::string junit;
    bool json = false;
    std::string scenario = std::string(WSUSLAB_FIXTURES_DIR) + "/scenarios/kb954960.xml";
    bool fault_status_200 = false;
    std::string agent = "2008";
    std::string rounds = "until-empty";
    std::optional<std::int32_t> duplicate_revision;
    bool selfupdate_check = false;
    bool skip_selfupdate = false;
    bool no_server_metrics = false;
};

int usage_error(const std::string& message) {
    std::cerr << "wsuslab validate: " << message << "\n";
    return 2;
}

int run_validate(const validate_args& a) {
    if (!client::parse_url(a.server)) {
        return usage_error("--server '" + a.server + "' is not an http:// or https:// URL");
    }
    if (!a.transport.proxy.empty() && !client::parse_url(a.transport.proxy)) {
        return usage_error("--proxy '" + a.transport.proxy + "' is not an http:// URL");
    }
    auto const agent = client::agent_kind_from_name(a.agent);
    if (!agent) {
        return usage_error("--agent '" + a.agent + "' is not 2008 or modern");
    }
    auto const rounds = client::round_rule_from_name(a.rounds);
    if (!rounds) {
        return usage_error("--rounds '" + a.rounds + "' is not spec or until-empty");
    }
    auto loaded = mitigation::load_scenario_file(a.scenario);
    if (auto const* err = std::get_if<mitigation::scenario_error>(&loaded)) {
        return usage_error("cannot load the probe profiles: " + err->to_string());
    }
    auto probes = client::probe_profiles(std::get<mitigation::scenario>(loaded));
    if (auto const* err = std::get_if<std::string>(&probes)) {
        return usage_error(*err);
    }

    client::validation_options options;
    options.server_url = client::trim_trailing_slash(a.server);
    options.probes = std::get<std::vector<mitigation::client_profile>>(std::move(probes));
    options.rules.fault_status_200_configured = a.fault_status_200;
    // Probes register as computers (the protocol requires it) but leave no reporting events.
    options.client.report_events = false;
    options.client.agent = *agent;
    options.client.selfupdate = a.selfupdate_check ? client::selfupdate_mode::check : client::selfupdate_mode::skip;
    options.rounds = *rounds;
    options.duplicate_revision = a.duplicate_revision;
    options.read_server_metrics = !a.no_server_metrics;
    const client::http_transport_options transport = make_transport_options(a.transport);

    auto const report = client::run_validation(options, [&transport] {
        return std::make_unique<client::http_transport>(transport);
    });

    std::cout << (a.json ? client::format_validation_json(report)
                         : client::format_validation_text(report));
    if (!a.junit.empty()) {
        std::ofstream out(a.junit, std::ios::binary | std::ios::trunc);
        out << client::write_junit(
            client::to_junit(report, client::junit_timestamp_now(), junit_host_name()));
        out.close();
        if (!out) {
            std::cerr << "wsuslab validate: cannot write the JUnit report to '" << a.junit << "'\n";
            return 2;
        }
    }
    return report.exit_code();
}

}  // namespace

command add_validate_command(CLI::App& app) {
    auto args = std::make_shared<validate_args>();
    command c;
    c.sub = app.add_subcommand(
        "validate",
        "Check a WSUS server: is it patched for KB954960, and does it follow MS-WUSP? Exit code 0 "
        "PATCHED without violations, 1 AFFECTED or rule violations, 2 INCONCLUSIVE or usage error, "
        "3 NOT AFFECTED without violations (the Office 2003 path works, nothing proves the fix)");
    c.sub->add_option("--server", args->server, "Server base URL, e.g. http://wsus:8530")->required();
    c.sub->add_option("--ca-file", args->transport.ca_file, "PEM file of trusted CAs for https://")
        ->check(CLI::ExistingFile);
    c.sub->add_flag("--insecure", args->transport.insecure,
                    "Skip TLS certificate and host-name verification (lab use only)");
    c.sub->add_option("--proxy", args->transport.proxy, "HTTP proxy, e.g. http://proxy:3128");
    c.sub->add_option("--junit", args->junit,
                      "Also write a JUnit XML report (a testcase per probe and per rule) to FILE");
    c.sub->add_flag("--json", args->json, "Print the report as JSON instead of text");
    c.sub->add_option("--scenario", args->scenario,
                      "Scenario file whose client profiles are the probes")
        ->capture_default_str()
        ->check(CLI::ExistingFile);
    c.sub->add_flag("--fault-status-200", args->fault_status_200,
                    "The server is configured to answer faults with HTTP 200 (the status the "
                    "advisory's 2008 client line prints); accept that instead of reporting it");
    c.sub->add_option("--agent", args->agent, "Probe agent: 2008 or modern")->capture_default_str();
    c.sub->add_option("--rounds", args->rounds,
                      "When each probe's software pass ends: until-empty (shows servers that withhold or "
                      "resend revisions) or spec")
        ->capture_default_str();
    c.sub->add_option("--duplicate-revision", args->duplicate_revision,
                      "A revision ID known to carry duplicate deployment rows (8862 in the advisory's server log): PATCHED "
                      "when the Office 2003 probe receives it and syncs")
        ->check(CLI::NonNegativeNumber);
    auto* check = c.sub->add_flag("--selfupdate-check", args->selfupdate_check,
                                  "2008 probes check <server>/selfupdate/wuident.cab first (off by default)");
    c.sub->add_flag("--skip-selfupdate", args->skip_selfupdate, "Skip the SelfUpdate check (the default)")
        ->excludes(check);
    c.sub->add_flag("--no-server-metrics", args->no_server_metrics,
                    "Do not read <server>/metrics (wsuslab's own server reports resolved duplicates there)");
    c.run = [args] { return run_validate(*args); };
    return c;
}

}  // namespace wsuslab::app
