#pragma once
// fuzz_core_rules's work on one input (fuzz_check.hpp), also replayed by
// tests/unit/protocol/fuzz_replay_test.cpp: bytes -> Core metadata fragment + applicability rules
// (what the simulated agent does with SyncUpdates UpdateInfo/Xml) -> evaluation against one fixed
// machine.
// Invariants: the fragment round-trips (parse(write(f)) == f, core_fragment.hpp); the canonical
// rule text parses back to itself; evaluation is deterministic.
// Outcome: "refused: <problem>" or "evaluated: installed|needed|not applicable".
#include <cstdio>
#include <string>
#include <string_view>
#include <variant>

#include <wsuslab/protocol/applicability.hpp>
#include <wsuslab/protocol/core_fragment.hpp>
#include <wsuslab/protocol/machine_state.hpp>

#include "fuzz_check.hpp"

namespace wsuslab::fuzz {

/// A machine with a few facts of every kind, so that rules have something to compare against.
inline protocol::machine_state core_rules_machine() {
    protocol::machine_state m;
    const std::string office = "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Office\\11.0\\Common";
    m.registry[office]["InstallRoot"] = "C:\\Program Files\\Microsoft Office\\OFFICE11\\";
    m.registry[office]["Version"] = "0x2";
    m.registry_types[office]["Version"] = "REG_DWORD";
    m.files["C:\\Program Files\\Microsoft Office\\OFFICE11\\WINWORD.EXE"] = "11.0.8169.0";
    protocol::file_facts facts;
    facts.size = 12345678;
    facts.created = "2008-06-11T00:00:00Z";
    facts.language = 1033;
    m.file_details["C:\\Program Files\\Microsoft Office\\OFFICE11\\WINWORD.EXE"] = facts;
    protocol::msi_product office_msi;
    office_msi.version = "11.0.8173.0";
    office_msi.language = 1033;
    office_msi.features = {"WORDFiles"};
    office_msi.patches = {"{AAAAAAAA-0000-0000-0000-000000000001}"};
    m.msi_products["{90110409-6000-11D3-8CFE-0150048383C9}"] = office_msi;
    m.cbs_packages["Package_for_KB954960~31bf3856ad364e35~x86~~6.0.1.0"] = "Installed";
    m.product_releases["Office"] = "11.0";
    m.system_metrics[4096] = 1;
    m.memory_mb = 2048;
    m.licenses["Kernel-ProductInfo"] = 48;
    m.mui_languages = {"fr-FR"};
    m.wmi.push_back({});
    m.wmi.back().query = "SELECT * FROM Win32_OperatingSystem";
    return m;
}

inline std::string_view applicability_state_text(protocol::applicability_state s) {
    switch (s) {
        case protocol::applicability_state::installed: return "installed";
        case protocol::applicability_state::needed: return "needed";
        case protocol::applicability_state::not_applicable: return "not applicable";
    }
    return "?";
}

inline std::string run_core_rules_input(std::string_view xml) {
    static const protocol::machine_state machine = core_rules_machine();

    auto parsed = protocol::parse_core_with_rules(xml);
    if (const auto* e = std::get_if<protocol::core_fragment_error>(&parsed)) {
        WSUSLAB_FUZZ_CHECK(!e->problem.empty());
        return "refused: " + e->problem;
    }
    const auto& core = std::get<protocol::parsed_core>(parsed);

    const std::string written = protocol::write_core_fragment(core.fragment);
    auto again = protocol::parse_core_fragment(written);
    if (const auto* e = std::get_if<protocol::core_fragment_error>(&again)) {
        std::fprintf(stderr, "core re-parse failed: %s\n%s\n", e->problem.c_str(), written.c_str());
    }
    WSUSLAB_FUZZ_CHECK(std::holds_alternative<protocol::core_fragment>(again));
    WSUSLAB_FUZZ_CHECK(std::get<protocol::core_fragment>(again) == core.fragment);

    const std::string rules_text = protocol::write_applicability(core.rules);
    protocol::rule_parse_options keep;
    keep.unknown = protocol::unknown_rules::keep;
    auto rules_again = protocol::parse_applicability(rules_text, keep);
    if (const auto* e = std::get_if<protocol::rule_error>(&rules_again)) {
        std::fprintf(stderr, "rules re-parse failed: %s\n%s\n", e->problem.c_str(),
                     rules_text.c_str());
    }
    WSUSLAB_FUZZ_CHECK(std::holds_alternative<protocol::applicability_rules>(rules_again));
    WSUSLAB_FUZZ_CHECK(protocol::write_applicability(
                           std::get<protocol::applicability_rules>(rules_again)) == rules_text);

    const auto first = protocol::evaluate_applicability(core.rules, machine);
    const auto second = protocol::evaluate_applicability(core.rules, machine);
    WSUSLAB_FUZZ_CHECK(first.state == second.state);
    WSUSLAB_FUZZ_CHECK(first.notes == second.notes);
    (void)protocol::to_string(core.rules.is_installed);
    return "evaluated: " + std::string(applicability_state_text(first.state));
}

}  // namespace wsuslab::fuzz
