// Bytes -> Core metadata fragment + applicability rules (what the simulated agent does with
// SyncUpdates UpdateInfo/Xml) -> evaluation against one fixed machine.
// Invariants: the fragment round-trips (parse(write(f)) == f, core_fragment.hpp); the canonical
// rule text parses back to itself; evaluation is deterministic.
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include <wsuslab/protocol/applicability.hpp>
#include <wsuslab/protocol/core_fragment.hpp>
#include <wsuslab/protocol/machine_state.hpp>

#include "fuzz_check.hpp"

namespace proto = wsuslab::protocol;

namespace {

// A machine with a few facts of every kind, so that rules have something to compare against.
proto::machine_state fixed_machine() {
    proto::machine_state m;
    const std::string office = "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Office\\11.0\\Common";
    m.registry[office]["InstallRoot"] = "C:\\Program Files\\Microsoft Office\\OFFICE11\\";
    m.registry[office]["Version"] = "0x2";
    m.registry_types[office]["Version"] = "REG_DWORD";
    m.files["C:\\Program Files\\Microsoft Office\\OFFICE11\\WINWORD.EXE"] = "11.0.8169.0";
    proto::file_facts facts;
    facts.size = 12345678;
    facts.created = "2008-06-11T00:00:00Z";
    facts.language = 1033;
    m.file_details["C:\\Program Files\\Microsoft Office\\OFFICE11\\WINWORD.EXE"] = facts;
    proto::msi_product office_msi;
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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const proto::machine_state machine = fixed_machine();
    const auto xml = wsuslab::fuzz::as_text(data, size);

    auto parsed = proto::parse_core_with_rules(xml);
    if (const auto* e = std::get_if<proto::core_fragment_error>(&parsed)) {
        WSUSLAB_FUZZ_CHECK(!e->problem.empty());
        return 0;
    }
    const auto& core = std::get<proto::parsed_core>(parsed);

    const std::string written = proto::write_core_fragment(core.fragment);
    auto again = proto::parse_core_fragment(written);
    if (const auto* e = std::get_if<proto::core_fragment_error>(&again)) {
        std::fprintf(stderr, "core re-parse failed: %s\n%s\n", e->problem.c_str(), written.c_str());
    }
    WSUSLAB_FUZZ_CHECK(std::holds_alternative<proto::core_fragment>(again));
    WSUSLAB_FUZZ_CHECK(std::get<proto::core_fragment>(again) == core.fragment);

    const std::string rules_text = proto::write_applicability(core.rules);
    proto::rule_parse_options keep;
    keep.unknown = proto::unknown_rules::keep;
    auto rules_again = proto::parse_applicability(rules_text, keep);
    if (const auto* e = std::get_if<proto::rule_error>(&rules_again)) {
        std::fprintf(stderr, "rules re-parse failed: %s\n%s\n", e->problem.c_str(),
                     rules_text.c_str());
    }
    WSUSLAB_FUZZ_CHECK(std::holds_alternative<proto::applicability_rules>(rules_again));
    WSUSLAB_FUZZ_CHECK(proto::write_applicability(std::get<proto::applicability_rules>(rules_again)) ==
                       rules_text);

    const auto first = proto::evaluate_applicability(core.rules, machine);
    const auto second = proto::evaluate_applicability(core.rules, machine);
    WSUSLAB_FUZZ_CHECK(first.state == second.state);
    WSUSLAB_FUZZ_CHECK(first.notes == second.notes);
    (void)proto::to_string(core.rules.is_installed);
    return 0;
}
