#pragma once
/// Options the client commands share (`wsuslab sync`, `wsuslab fleet`): the transport options
/// (--proxy, --ca-file, --insecure, --timeout), --retries, and how a profile argument (a name in
/// the scenario, or a scenario-format file holding one <ClientProfile>) becomes a profile.

#include <string>
#include <variant>

#include <CLI/CLI.hpp>

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

/// Registers --retries N (0..100) on `sub`.
void add_retries_option(CLI::App& sub, int& retries);

/// A profile FILE is a scenario-format document holding exactly one <ClientProfile>; anything
/// else is a profile name looked up in `scenario` (`scenario_label` names it in errors).
std::variant<mitigation::client_profile, std::string> resolve_profile(const std::string& name_or_file,
                                                                      const mitigation::scenario& scenario,
                                                                      const std::string& scenario_label);

/// Whether `name_or_file` names an existing file (and so is not looked up by name).
bool is_profile_file(const std::string& name_or_file);

}  // namespace wsuslab::app
