// Every rule kind of the public schemas, as a Core fragment in the shape a WSUS server sends
// (fixtures/interop/core, written by us), parsed the way the simulated agent parses it and
// evaluated on a machine where it is true and on one where it is false.
#include <functional>
#include <string>

#include <gtest/gtest.h>

#include <wsuslab/protocol/core_fragment.hpp>

#include "fixtures.hpp"

namespace wsuslab::protocol {
namespace {

using mutate = std::function<void(machine_state&)>;

constexpr const char* widget_key = "HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\\Widget";
constexpr const char* product = "{1B2C3D4E-0000-4A5B-9C8D-00000000C0DE}";

void widget_installed(machine_state& m) {
    m.registry[widget_key]["InstallLocation"] = "C:\\Program Files\\Contoso\\Widget\\";
}

void widget_file(machine_state& m, const std::string& name, const std::string& version,
                 file_facts facts = {}) {
    std::string const path = "C:\\Program Files\\Contoso\\Widget\\" + name;
    m.files[path] = version;
    m.file_details[path] = std::move(facts);
}

struct rule_case {
    const char* fixture;
    mutate make_true;   ///< turns machine_state{} into a machine where IsInstalled is true
    mutate make_false;  ///< a machine where it is false (applied to machine_state{})
};

file_facts sized(std::uint64_t size) {
    file_facts f;
    f.size = size;
    return f;
}

file_facts dated(const char* created, const char* modified) {
    file_facts f;
    f.created = created;
    f.modified = modified;
    return f;
}

const std::vector<rule_case>& cases() {
    static const std::vector<rule_case> all = {
        {"logical", [](machine_state&) {},
         [](machine_state& m) { m.registry["HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\\Blocked"] = {}; }},
        {"reg-key-exists", [](machine_state& m) { m.registry[std::string(widget_key) + "\\3.0\\Setup"] = {}; },
         [](machine_state& m) { m.registry[std::string(widget_key) + "\\2.0"] = {}; }},
        {"reg-value-exists",
         [](machine_state& m) {
             m.registry[std::string(widget_key) + "\\BlockedVersions"]["3.2.1.0"] = "00";
             m.registry_types[std::string(widget_key) + "\\BlockedVersions"]["3.2.1.0"] = "REG_BINARY";
         },
         [](machine_state& m) {
             m.registry[std::string(widget_key) + "\\BlockedVersions"]["3.2.1.0"] = "00";
             m.registry_types[std::string(widget_key) + "\\BlockedVersions"]["3.2.1.0"] = "REG_SZ";
         }},
        {"reg-dword", [](machine_state& m) { m.registry[widget_key]["Channel"] = "0x3"; },
         [](machine_state& m) { m.registry[widget_key]["Channel"] = "1"; }},
        {"reg-sz",
         [](machine_state& m) {
             m.registry["HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion"]["EditionID"] = "ProfessionalN";
         },
         [](machine_state& m) {
             m.registry["HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion"]["EditionID"] = "Enterprise";
         }},
        {"reg-expand-sz", [](machine_state& m) { m.registry[widget_key]["DataPath"] = "%ProgramData%\\Widget"; },
         [](machine_state& m) {
             m.registry[widget_key]["DataPath"] = "%ProgramData%\\Widget";
             m.registry_types[widget_key]["DataPath"] = "REG_SZ";
         }},
        {"reg-sz-to-version",
         [](machine_state& m) {
             m.processor_architecture = "amd64";
             m.registry["HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432Node\\Contoso\\Widget"]["Version"] = "3.1";
         },
         [](machine_state& m) {
             // RegType32 on a 64-bit machine reads the 32-bit view, not the native key.
             m.processor_architecture = "amd64";
             m.registry["HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\\Widget"]["Version"] = "3.1";
         }},
        {"reg-key-loop",
         [](machine_state& m) {
             m.registry["HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\\Plugins\\A"]["Enabled"] = "0";
             m.registry["HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\\Plugins\\B"]["Enabled"] = "1";
         },
         [](machine_state& m) { m.registry["HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\\Plugins\\A"]["Enabled"] = "0"; }},
        {"file-exists",
         [](machine_state& m) {
             m.files["C:\\WINDOWS\\System32\\Drivers\\CONTOSO.SYS"] = "6.1.7601.17514";
             m.file_details["C:\\WINDOWS\\System32\\Drivers\\CONTOSO.SYS"] = sized(65536);
         },
         [](machine_state& m) { m.files["C:\\WINDOWS\\System32\\Drivers\\CONTOSO.SYS"] = "6.1.7601.17514"; }},
        {"file-exists-prepend-reg-sz", [](machine_state& m) { widget_installed(m); widget_file(m, "bin\\widget.exe", ""); },
         [](machine_state& m) { widget_file(m, "bin\\widget.exe", ""); }},
        {"file-version", [](machine_state& m) { widget_file(m, "bin\\widget.exe", "3.2.0.9"); },
         [](machine_state& m) { widget_file(m, "bin\\widget.exe", "3.2.1.0"); }},
        {"file-version-prepend-reg-sz", [](machine_state& m) { widget_installed(m); widget_file(m, "widgetcore.dll", "3.0.0.0"); },
         [](machine_state& m) { widget_installed(m); widget_file(m, "widgetcore.dll", "2.9"); }},
        {"file-created", [](machine_state& m) { m.files["C:\\Windows\\contoso.ini"] = ""; m.file_details["C:\\Windows\\contoso.ini"] = dated("2023-12-31T23:59:59Z", "2025-03-01T07:30:00Z"); },
         [](machine_state& m) { m.files["C:\\Windows\\contoso.ini"] = ""; m.file_details["C:\\Windows\\contoso.ini"] = dated("2024-01-01T00:00:00Z", "2025-03-01T07:30:00Z"); }},
        {"file-created-prepend-reg-sz", [](machine_state& m) { widget_installed(m); widget_file(m, "widget.cfg", "", dated("2020-06-30T12:00:01Z", "2021-01-01T00:00:00Z")); },
         [](machine_state& m) { widget_installed(m); widget_file(m, "widget.cfg", "", dated("2020-06-30T12:00:00Z", "2021-01-01T00:00:00Z")); }},
        {"file-modified", [](machine_state& m) { m.files["C:\\Windows\\contoso.ini"] = ""; m.file_details["C:\\Windows\\contoso.ini"] = dated("2020-01-01", "2025-03-01T07:30:00Z"); },
         [](machine_state& m) { m.files["C:\\Windows\\contoso.ini"] = ""; m.file_details["C:\\Windows\\contoso.ini"] = dated("2020-01-01", "2025-03-01T07:29:59.9Z"); }},
        {"file-modified-prepend-reg-sz", [](machine_state& m) { widget_installed(m); widget_file(m, "widget.cfg", "", dated("2020-01-01", "2025-12-31T23:59:59Z")); },
         [](machine_state& m) { widget_installed(m); widget_file(m, "widget.cfg", "", dated("2020-01-01", "2026-01-01T00:00:00Z")); }},
        {"file-size", [](machine_state& m) { widget_file(m, "bin\\widget.exe", "3.2.1.0", sized(1048577)); },
         [](machine_state& m) { widget_file(m, "bin\\widget.exe", "3.2.1.0", sized(1048576)); }},
        {"file-size-prepend-reg-sz", [](machine_state& m) { widget_installed(m); widget_file(m, "widgetcore.dll", "3.0", sized(204800)); },
         [](machine_state& m) { widget_installed(m); widget_file(m, "widgetcore.dll", "3.0", sized(204801)); }},
        {"windows-version-suites",
         [](machine_state& m) { m.os_major = 10; m.os_minor = 0; m.os_build = 26100; m.product_type = 3; m.suite_mask = 0x0112; },
         [](machine_state& m) { m.os_major = 10; m.os_minor = 0; m.os_build = 26100; m.product_type = 3; m.suite_mask = 0x0100; }},
        {"windows-version-any-suite",
         [](machine_state& m) { m.os_major = 6; m.os_minor = 1; m.sp_major = 1; m.suite_mask = 0x0200; },
         [](machine_state& m) { m.os_major = 6; m.os_minor = 1; m.sp_major = 1; m.suite_mask = 0x0010; }},
        {"windows-language", [](machine_state& m) { m.language = "de-de"; },
         [](machine_state& m) { m.language = "de-DE"; m.mui_installed = true; }},
        {"mui-installed", [](machine_state& m) { m.mui_installed = true; }, [](machine_state&) {}},
        {"mui-language-installed", [](machine_state& m) { m.mui_languages = {"fr-FR", "ja-JP"}; },
         [](machine_state& m) { m.mui_languages = {"fr-FR"}; }},
        {"system-metric", [](machine_state& m) { m.system_metrics[86] = 1; }, [](machine_state&) {}},
        {"processor-arm64", [](machine_state& m) { m.processor_architecture = "arm64"; },
         [](machine_state& m) { m.processor_architecture = "amd64"; }},
        {"processor-arm", [](machine_state& m) { m.processor_architecture = "5"; m.processor_level = 7; },
         [](machine_state& m) { m.processor_architecture = "arm"; }},
        {"number-of-processors", [](machine_state& m) { m.processor_count = 4; }, [](machine_state& m) { m.processor_count = 2; }},
        {"clustered-os", [](machine_state& m) { m.clustered = true; }, [](machine_state&) {}},
        {"cluster-resource-owner",
         [](machine_state& m) { m.clustered = true; m.cluster_resources = {"SQL Server (MSSQLSERVER)"}; },
         [](machine_state& m) { m.clustered = true; m.cluster_resources = {"SQL Server (OTHER)"}; }},
        {"wmi-query",
         [](machine_state& m) { m.wmi.push_back({"ROOT/CIMV2", "select *  from Win32_ComputerSystem where Manufacturer = 'Contoso'", 1}); },
         [](machine_state& m) { m.wmi.push_back({"root\\cimv2", "SELECT * FROM Win32_ComputerSystem WHERE Manufacturer = 'Contoso'", 0}); }},
        {"generic-query", [](machine_state& m) { m.generic_queries.push_back({"Contoso", "Firmware", "Bios", "1.21"}); },
         [](machine_state& m) { m.generic_queries.push_back({"Contoso", "Firmware", "Bios", "1.19"}); }},
        {"platform", [](machine_state&) {}, nullptr},
        {"platform-version", [](machine_state&) {}, [](machine_state& m) { m.os_major = 10; }},
        {"platform-language", [](machine_state&) {}, [](machine_state& m) { m.language = "fr"; }},
        {"memory", [](machine_state& m) { m.memory_mb = 16384; }, [](machine_state& m) { m.memory_mb = 4096; }},
        {"license-dword", [](machine_state& m) { m.licenses["contoso-widget-enabled"] = 1; },
         [](machine_state& m) { m.licenses["Contoso-Widget-Enabled"] = 0; }},
        {"license-value-exists", [](machine_state& m) { m.licenses["Contoso-Widget-Enabled"] = 0; }, [](machine_state&) {}},
        {"msi-product-installed",
         [](machine_state& m) { m.msi_products[product] = msi_product{"3.9.9999", 1033, {}, {}, {}, {}}; },
         [](machine_state& m) { m.msi_products[product] = msi_product{"4.0.0", 1033, {}, {}, {}, {}}; }},
        {"msi-patch-installed-for-product",
         [](machine_state& m) { m.msi_products[product] = msi_product{"3.1", {}, {}, {}, {"{7e1d0a55-0000-4b2c-8d3e-0000000a7c11}"}, {}}; },
         [](machine_state& m) { m.msi_products[product] = msi_product{"3.1", {}, {}, {}, {}, {}}; }},
        {"msi-feature-installed-for-product",
         [](machine_state& m) { m.msi_products[product] = msi_product{"3.1", {}, {"WidgetCore", "WidgetReports"}, {}, {}, {}}; },
         [](machine_state& m) { m.msi_products[product] = msi_product{"3.1", {}, {"WidgetCore"}, {}, {}, {}}; }},
        {"msi-component-installed-for-product",
         [](machine_state& m) { m.msi_products["{2B2C3D4E-0000-4A5B-9C8D-00000000C0DE}"] = msi_product{"1.0", {}, {}, {"{0C0C0C0C-1111-4222-8333-444455556666}"}, {}, {}}; },
         [](machine_state& m) { m.msi_products[product] = msi_product{"1.0", {}, {}, {}, {}, {}}; }},
        {"msi-patch",
         [](machine_state& m) { m.msi_products[product] = msi_product{"3.1", {}, {}, {}, {"{7E1D0A55-0000-4B2C-8D3E-0000000A7C11}"}, {}}; },
         [](machine_state& m) { m.msi_products["{9B2C3D4E-0000-4A5B-9C8D-00000000C0DE}"] = msi_product{"3.1", {}, {}, {}, {"{7E1D0A55-0000-4B2C-8D3E-0000000A7C11}"}, {}}; }},
        {"msi-application", [](machine_state& m) { m.msi_products[product] = msi_product{"3.1", {}, {}, {}, {}, {}}; }, [](machine_state&) {}},
        {"cbs-package-installed-by-identity",
         [](machine_state& m) { m.cbs_packages["Package_for_KB5000001~31bf3856ad364e35~amd64~~10.0.1.2"] = "Installed"; },
         [](machine_state& m) { m.cbs_packages["Package_for_KB5000001~31bf3856ad364e35~amd64~~10.0.1.2"] = "Installable"; }},
        {"cbs-package",
         [](machine_state& m) { m.cbs_packages["package_for_rollupfix~31bf3856ad364e35~amd64~~26100.9999.1.7"] = "Installed"; },
         [](machine_state& m) { m.cbs_packages["Package_for_RollupFix~31bf3856ad364e35~amd64~~26100.9999.1.6"] = "Installed"; }},
        {"product-release-installed", [](machine_state& m) { m.product_releases["Client.OS.RS2.AMD64"] = "10.0.26100.4062"; },
         [](machine_state& m) { m.product_releases["Client.OS.RS2.AMD64"] = "10.0.26100.4060"; }},
        {"product-release-version", [](machine_state& m) { m.product_releases["Microsoft.NetFX.amd64"] = "2400.26100.1.0"; }, [](machine_state&) {}},
        {"device-attribute", [](machine_state& m) { m.device_attributes["OSSkuId"] = "48"; },
         [](machine_state& m) { m.device_attributes["OSSkuId"] = "4"; }},
    };
    return all;
}

applicability_evaluation evaluate_fixture(const std::string& fixture, const mutate& change) {
    SCOPED_TRACE(fixture);
    auto const parsed = parse_core_with_rules(test::read_fixture("interop/core/" + fixture + ".xml"));
    if (auto const* e = std::get_if<core_fragment_error>(&parsed)) {
        ADD_FAILURE() << "bad Core XML: " << e->problem;
        return {};
    }
    machine_state m;
    if (change) {
        change(m);
    }
    return evaluate_applicability(std::get<parsed_core>(parsed).rules, m);
}

TEST(ApplicabilityInteropTest, EveryRuleKindIsTrueAndFalseOnTheRightMachines) {
    for (auto const& c : cases()) {
        SCOPED_TRACE(c.fixture);
        auto const yes = evaluate_fixture(c.fixture, c.make_true);
        EXPECT_EQ(yes.is_installed, rule_value::is_true);
        EXPECT_EQ(yes.state, applicability_state::installed);
        if (c.make_false) {
            auto const no = evaluate_fixture(c.fixture, c.make_false);
            EXPECT_EQ(no.is_installed, rule_value::is_false);
            EXPECT_NE(no.state, applicability_state::installed);
            EXPECT_TRUE(no.notes.empty());
        }
    }
}

TEST(ApplicabilityInteropTest, FixturesRoundTripThroughTheCanonicalWriter) {
    for (auto const& c : cases()) {
        SCOPED_TRACE(c.fixture);
        std::string const text = test::read_fixture("interop/core/" + std::string(c.fixture) + ".xml");
        auto const strict = parse_applicability(text);
        ASSERT_TRUE(std::holds_alternative<applicability_rules>(strict))
            << std::get<rule_error>(strict).problem;
        std::string const canonical = write_applicability(std::get<applicability_rules>(strict));
        EXPECT_NE(text.find(canonical), std::string::npos) << canonical;
    }
}

TEST(ApplicabilityInteropTest, MetadataRulesReadTheirTargetFromMetadata) {
    auto const installable = evaluate_fixture("msi-patch", [](machine_state& m) {
        m.msi_products[product] = msi_product{"3.1", {}, {}, {}, {}, {}};
    });
    EXPECT_EQ(installable.state, applicability_state::needed);
    auto const superseded = evaluate_fixture("msi-patch", [](machine_state& m) {
        m.msi_products[product] = msi_product{"3.1", {}, {}, {}, {"{X}"}, {}};
    });
    EXPECT_EQ(superseded.state, applicability_state::needed);
    auto const cbs_installable = evaluate_fixture("cbs-package", [](machine_state& m) {
        m.cbs_packages["Package_for_RollupFix~31bf3856ad364e35~amd64~~26100.9999.1.7"] = "Installable";
    });
    EXPECT_EQ(cbs_installable.state, applicability_state::needed);
    auto const cbs_absent = evaluate_fixture("cbs-package", nullptr);
    EXPECT_EQ(cbs_absent.state, applicability_state::not_applicable);
    EXPECT_TRUE(cbs_absent.notes.empty());
}

TEST(ApplicabilityInteropTest, RulesTheAgentCannotEvaluateMakeTheUpdateNotApplicable) {
    auto const unknown = evaluate_fixture("unknown-rule", nullptr);
    EXPECT_EQ(unknown.is_installed, rule_value::error);
    EXPECT_EQ(unknown.state, applicability_state::not_applicable);
    ASSERT_EQ(unknown.notes.size(), 1U);
    EXPECT_EQ(unknown.notes[0], "IsInstalled: b.QuantumEntangled: unknown rule element; the agent's "
                                "evaluator reports WU_E_EE_UNKNOWN_EXPRESSION (0x8024E001)");
    auto const driver = evaluate_fixture("driver-rule", nullptr);
    EXPECT_EQ(driver.state, applicability_state::not_applicable);
    ASSERT_EQ(driver.notes.size(), 2U);
    EXPECT_EQ(driver.notes[0], "IsInstalled: d.WindowsDriverInstalled: driver rules are not "
                               "modelled by the lab (no device list)");
    EXPECT_EQ(driver.notes[1], "IsInstallable: d.WindowsDriverInstallable: driver rules are not "
                               "modelled by the lab (no device list)");
}

}  // namespace
}  // namespace wsuslab::protocol
