// The machine facts of a <ClientProfile> that the applicability rules read: loading, writing
// back, exact "file:line: problem" errors, and rules of a scenario evaluated on them.
#include <string>

#include <gtest/gtest.h>

#include <wsuslab/mitigation/scenario_loader.hpp>
#include <wsuslab/protocol/applicability.hpp>

#include "scenarios.hpp"

namespace wsuslab::mitigation {
namespace {

// Line 1 is <Scenario>; the facts start on line 5.
std::string with_facts(const std::string& facts) {
    return "<Scenario Name=\"facts\"><Server Name=\"W\" ProductVersion=\"3.1.6001.65\" "
           "ProtocolVersion=\"3.1\" ConfigLastChange=\"2008-06-11T00:00:00Z\" />\n"    // 1
           "  <ClientProfiles>\n"                                                        // 2
           "    <ClientProfile Name=\"w11\" ClientID=\"cccccccc-0000-0000-0000-000000000001\" "
           "DnsName=\"w11.example\">\n"                                                  // 3
           "      <OperatingSystem Major=\"10\" Minor=\"0\" Build=\"26100\" ServicePackMajor=\"0\" "
           "SuiteMask=\"256\" Architecture=\"arm64\" Language=\"en-US\" />\n" +          // 4
           facts +
           "    </ClientProfile>\n"
           "  </ClientProfiles>\n"
           "</Scenario>\n";
}

const std::string all_facts =
    "      <Registry><Key Path=\"HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\"><Value Name=\"Build\" "
    "Data=\"7\" Type=\"REG_DWORD\" /></Key></Registry>\n"
    "      <Files><File Path=\"C:\\Windows\\contoso.ini\" Size=\"42\" Created=\"2024-01-02T03:04:05Z\" "
    "Modified=\"2025-01-02T03:04:05Z\" Language=\"1033\" /></Files>\n"
    "      <Processor Level=\"8\" Revision=\"1\" Count=\"8\" />\n"
    "      <Memory SizeMB=\"16384\" />\n"
    "      <Mui Installed=\"true\"><Language Name=\"fr-FR\" /></Mui>\n"
    "      <SystemMetric Index=\"86\" Value=\"1\" />\n"
    "      <WmiQuery Namespace=\"root\\cimv2\" Query=\"SELECT * FROM Win32_Battery\" Rows=\"1\" />\n"
    "      <License Name=\"Contoso-Enabled\" Value=\"1\" />\n"
    "      <Cluster><Resource Name=\"SQL Server (MSSQLSERVER)\" /></Cluster>\n"
    "      <MsiProduct Code=\"{1B2C3D4E-0000-4A5B-9C8D-00000000C0DE}\" Version=\"3.1.0\" Language=\"1033\">"
    "<Feature Name=\"Core\" /><Component Code=\"{0C0C0C0C-1111-4222-8333-444455556666}\" />"
    "<Patch Code=\"{7E1D0A55-0000-4B2C-8D3E-0000000A7C11}\" Superseded=\"true\" /></MsiProduct>\n"
    "      <CbsPackage Identity=\"Package_for_RollupFix~31bf3856ad364e35~arm64~~26100.1.1.1\" "
    "State=\"Installable\" />\n"
    "      <ProductRelease Name=\"Client.OS.RS2.ARM64\" Version=\"10.0.26100.1\" />\n"
    "      <DeviceAttribute Name=\"OSSkuId\" Value=\"48\" />\n"
    "      <GenericQuery Namespace=\"Contoso\" Type=\"Firmware\" Parameter=\"Bios\" Value=\"1.2\" />\n";

scenario load_ok(const std::string& text) { return test::scenario_or_failure(load_scenario_text(text, "facts.xml")); }

std::string load_error(const std::string& facts) {
    auto r = load_scenario_text(with_facts(facts), "facts.xml");
    if (auto* e = std::get_if<scenario_error>(&r)) {
        return e->to_string();
    }
    return "(loaded)";
}

TEST(ScenarioProfileFactsTest, LoadsEveryFact) {
    scenario const s = load_ok(with_facts(all_facts));
    ASSERT_EQ(s.profiles.size(), 1U);
    protocol::machine_state const& m = s.profiles[0].machine;
    EXPECT_EQ(m.suite_mask, 256);
    EXPECT_EQ(s.profiles[0].computer.suite_mask, 256);
    EXPECT_EQ(m.processor_architecture, "arm64");
    EXPECT_EQ(m.registry_types.at("HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso").at("Build"), "REG_DWORD");
    EXPECT_EQ(m.files.at("C:\\Windows\\contoso.ini"), "");
    EXPECT_EQ(m.file_details.at("C:\\Windows\\contoso.ini").size, 42U);
    EXPECT_EQ(m.processor_level, 8);
    EXPECT_EQ(m.processor_count, 8U);
    EXPECT_EQ(m.memory_mb, 16384U);
    EXPECT_TRUE(m.mui_installed);
    EXPECT_EQ(m.mui_languages, std::vector<std::string>{"fr-FR"});
    EXPECT_EQ(m.system_metrics.at(86), 1);
    ASSERT_EQ(m.wmi.size(), 1U);
    EXPECT_EQ(m.wmi[0].rows, 1U);
    EXPECT_EQ(m.licenses.at("Contoso-Enabled"), 1U);
    EXPECT_TRUE(m.clustered);
    auto const& product = m.msi_products.at("{1B2C3D4E-0000-4A5B-9C8D-00000000C0DE}");
    EXPECT_EQ(product.superseded_patches, product.patches);
    EXPECT_EQ(m.cbs_packages.size(), 1U);
    EXPECT_EQ(m.product_releases.at("Client.OS.RS2.ARM64"), "10.0.26100.1");
    EXPECT_EQ(m.device_attributes.at("OSSkuId"), "48");
    EXPECT_EQ(m.generic_queries.size(), 1U);
}

TEST(ScenarioProfileFactsTest, WriteThenLoadGivesTheSameFacts) {
    scenario const s = load_ok(with_facts(all_facts));
    std::string const written = write_scenario(s);
    scenario const again = load_ok(written);
    EXPECT_EQ(again, s);
    EXPECT_EQ(write_scenario(again), written);
    EXPECT_NE(written.find("<Processor Level=\"8\" Revision=\"1\" Count=\"8\" />"), std::string::npos);
}

TEST(ScenarioProfileFactsTest, ErrorsNameTheLineAndTheProblem) {
    EXPECT_EQ(load_error("      <Memory SizeMB=\"lots\" />\n"),
              "facts.xml:5: <Memory> attribute SizeMB: expected an integer from 0 to "
              "9223372036854775807, got 'lots'");
    EXPECT_EQ(load_error("      <CbsPackage Identity=\"p\" State=\"Staged\" />\n"),
              "facts.xml:5: <CbsPackage> attribute State: unknown value 'Staged' (expected "
              "Installed or Installable)");
    EXPECT_EQ(load_error("      <SystemMetric Index=\"86\" Value=\"1\" />\n"
                         "      <SystemMetric Index=\"86\" Value=\"0\" />\n"),
              "facts.xml:6: duplicate system metric 86");
    EXPECT_EQ(load_error("      <MsiProduct Code=\"{X}\" Version=\"three\" />\n"),
              "facts.xml:5: <MsiProduct> attribute Version: expected a version such as "
              "11.0.8173.0, got 'three'");
    EXPECT_EQ(load_error("      <Registry><Key Path=\"HKEY_LOCAL_MACHINE\\S\"><Value Data=\"1\" "
                         "Type=\"REG_WORD\" /></Key></Registry>\n"),
              "facts.xml:5: <Value> attribute Type: unknown value 'REG_WORD' (expected REG_SZ, "
              "REG_EXPAND_SZ, REG_MULTI_SZ, REG_DWORD, REG_QWORD, REG_BINARY or "
              "REG_FULL_RESOURCE_DESCRIPTOR)");
    EXPECT_EQ(load_error("      <Files><File Path=\"C:\\x\" Created=\"yesterday\" /></Files>\n"),
              "facts.xml:5: <File> attribute Created: expected a dateTime such as "
              "2008-06-11T00:00:00Z, got 'yesterday'");
    EXPECT_EQ(load_error("      <Mui Installed=\"maybe\" />\n"),
              "facts.xml:5: <Mui> attribute Installed: expected true or false, got 'maybe'");
    EXPECT_EQ(load_error("      <Cluster><Node Name=\"n\" /></Cluster>\n"),
              "facts.xml:5: unknown element <Node> in <Cluster>");
    auto r = load_scenario_text(
        with_facts("").replace(with_facts("").find("arm64"), 5, "sparc"), "facts.xml");
    ASSERT_TRUE(std::holds_alternative<scenario_error>(r));
    EXPECT_EQ(std::get<scenario_error>(r).to_string(),
              "facts.xml:4: <OperatingSystem> attribute Architecture: expected x86, arm, ia64, "
              "amd64, x64, arm64 or a number, got 'sparc'");
}

TEST(ScenarioProfileFactsTest, RulesEvaluateOnTheLoadedFacts) {
    protocol::machine_state const m = load_ok(with_facts(all_facts)).profiles[0].machine;
    auto installed = [&m](const std::string& rule) {
        SCOPED_TRACE(rule);
        auto const r = protocol::parse_applicability("<ApplicabilityRules><IsInstalled>" + rule +
                                                     "</IsInstalled></ApplicabilityRules>");
        EXPECT_TRUE(std::holds_alternative<protocol::applicability_rules>(r)) << rule;
        return protocol::evaluate_state(std::get<protocol::applicability_rules>(r), m) ==
               protocol::applicability_state::installed;
    };
    EXPECT_TRUE(installed("<b.Processor Architecture=\"12\" Level=\"8\" Revision=\"1\" />"));
    EXPECT_TRUE(installed("<b.WmiQuery WqlQuery=\"select * from win32_battery\" />"));
    EXPECT_TRUE(installed("<b.RegDword Key=\"HKEY_LOCAL_MACHINE\" Subkey=\"SOFTWARE\\Contoso\" "
                          "Value=\"Build\" Comparison=\"GreaterThan\" Data=\"6\" />"));
    EXPECT_FALSE(installed("<b.RegSz Key=\"HKEY_LOCAL_MACHINE\" Subkey=\"SOFTWARE\\Contoso\" "
                           "Value=\"Build\" Comparison=\"EqualTo\" Data=\"7\" />"))
        << "a REG_DWORD value is not a REG_SZ";
    EXPECT_TRUE(installed("<b.FileSize Csidl=\"36\" Path=\"contoso.ini\" Comparison=\"EqualTo\" Size=\"42\" />"));
    EXPECT_FALSE(installed("<b.WindowsLanguage Language=\"en-US\" />")) << "MUI is installed";
}

}  // namespace
}  // namespace wsuslab::mitigation
