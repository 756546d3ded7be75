#pragma once
/// Options the client commands share (`wsuslab sync`, `wsuslab fleet`): the transport options
/// (--proxy, --ca-file, --insecure, --timeout), the agent options (--agent, --rounds,
/// --protocol-version, the SelfUpdate check, --scan-category), --retries, and how a profile
/// argument (a name in the scenario, or a scenario-format file holding one <ClientProfile>)
/// becomes a profile.

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <CLI/CLI.hpp>

#include <wsuslab/client/agent.hpp>
#include <wsuslab/client/http_transport.hpp>
#include <wsuslab/mitigation/scenario.hpp>

namespace wsuslab::app {

struct transport_args {
    std::string proxy;
    std::string ca_file;
    bool insecure = false;
    double timeout_seconds = 30;
};

/// Registers --proxy, --ca-file, --insecure and --timeout on `sub`.
void add_transport_options(CLI::App& sub, transport_args& args);

/// A problem with the values ("--proxy 'x' is not an http:// URL"); "" when they are fine.
std::string check_transport_args(const transport_args& args);

/// The transport options the values ask for (connect deadline: min(10 s, --timeout)).
client::http_transport_options make_transport_options(const transport_args& args);

struct agent_args {
    std::string agent = "2008";
    std::string rounds = "spec";
    std::string protocol_version;  ///< "" = the agent's own
    bool selfupdate_check = false;
    bool skip_selfupdate = false;
    std::vector<std::string> scan_categories;
};

/// Registers --agent, --rounds, --protocol-version, --selfupdate-check / --skip-selfupdate and
/// --scan-category on `sub`.
void add_agent_options(CLI::App& sub, agent_args& args);

/// Puts the values into `o`; the usage error naming the bad value otherwise.
std::optional<std::string> apply_agent_args(const agent_args& args, client::sync_options& o);

/// Registers --retries N (0..100) on `sub`.
void add_retries_option(CLI::App& sub, int& retries);

/// A profile FILE is a scenario-format document holding exactly one <ClientProfile>; anything
/// else is a profile name looked up in `scenario` (`scenario_label` names it in errors).
std::variant<mitigation::client_profile, std::string> resolve_profile(const std::string& name_or_file,
                                                                      const mitigation::scenario& scenario,
                                                                      const std::string& scenario_label);

/// Whether `name_or_file` names an existing file (and so is not looked up by name).
bool is_profile_file(const std::string& name_or_file);

/// The JUnit hostname attribute (fleet, validate): this machine's name, "localhost" when it
/// cannot be read.
std::string junit_host_name();

}  // namespace wsuslab::app
