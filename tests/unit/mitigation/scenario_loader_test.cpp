// Scenario loading: what a scenario holds after loading, and the exact "file:line: problem"
// message for every kind of bad input.
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include <wsuslab/mitigation/content.hpp>
#include <wsuslab/mitigation/scenario_loader.hpp>
#include <wsuslab/protocol/core_fragment.hpp>

#include "fixtures.hpp"
#include "scenarios.hpp"

namespace wsuslab::mitigation {
namespace {

// Line numbers below count from this text: line 1 is <Scenario>.
constexpr const char* small_head =
    "<Scenario Name=\"small\">\n"                                                        // 1
    "  <Server Name=\"W\" ProductVersion=\"3.1.6001.65\" ProtocolVersion=\"3.1\" "
    "ConfigLastChange=\"2008-06-11T00:00:00Z\" ClientSideTargeting=\"true\" />\n"        // 2
    "  <Updates>\n"                                                                      // 3
    "    <Update RevisionID=\"1\" UpdateID=\"aaaaaaaa-0000-0000-0000-000000000001\" "
    "RevisionNumber=\"100\" Type=\"Category\" Title=\"Office 2003\">\n"                  // 4
    "      <ApplicabilityRules><IsInstalled><True /></IsInstalled></ApplicabilityRules>\n"  // 5
    "    </Update>\n"                                                                    // 6
    "    <Update RevisionID=\"2\" UpdateID=\"aaaaaaaa-0000-0000-0000-000000000002\" "
    "RevisionNumber=\"101\" Type=\"Software\" Title=\"Parent\" KB=\"1\">\n"              // 7
    "      <Prerequisites><AtLeastOne IsCategory=\"true\"><UpdateIdentity "
    "UpdateID=\"AAAAAAAA-0000-0000-0000-000000000001\" /></AtLeastOne></Prerequisites>\n"  // 8
    "      <BundledUpdates><Revision RevisionID=\"3\" /></BundledUpdates>\n"              // 9
    "    </Update>\n"                                                                    // 10
    "    <Update RevisionID=\"3\" UpdateID=\"aaaaaaaa-0000-0000-0000-000000000003\" "
    "RevisionNumber=\"101\" Type=\"Software\" Title=\"Child\">\n"                        // 11
    "      <Files><File Name=\"child.exe\" Size=\"5000\" /></Files>\n"                    // 12
    "    </Update>\n"                                                                    // 13
    "  </Updates>\n"                                                                     // 14
    "  <TargetGroups><TargetGroup Name=\"Workstations\" Parent=\"All Computers\" "
    "Model=\"fixed\" /></TargetGroups>\n";                                               // 15
constexpr const char* small_tail =
    "  <Deployments>\n"                                                                  // 16
    "    <Deployment ID=\"10\" RevisionID=\"2\" TargetGroup=\"Workstations\" "
    "Action=\"Install\" LastChangeTime=\"2008-06-10\" />\n"                             // 17
    "    <Deployment ID=\"11\" RevisionID=\"2\" TargetGroup=\"All Computers\" "
    "Action=\"Install\" LastChangeTime=\"2004-08-31\" />\n"                             // 18
    "  </Deployments>\n"                                                                 // 19
    "  <ClientProfiles>\n"                                                               // 20
    "    <ClientProfile Name=\"ws\" ClientID=\"BBBBBBBB-0000-0000-0000-000000000001\" "
    "DnsName=\"ws.example\">\n"                                                          // 21
    "      <TargetGroup Name=\"Workstations\" />\n"                                      // 22
    "      <OperatingSystem Major=\"5\" Minor=\"1\" Build=\"2600\" ServicePackMajor=\"3\" />\n"  // 23
    "      <Registry><Key Path=\"HKEY_LOCAL_MACHINE\\SOFTWARE\\X\"><Value Name=\"V\" "
    "Data=\"1\" /></Key></Registry>\n"                                                   // 24
    "      <Files><File Path=\"C:\\a.exe\" Version=\"1.2.3.4\" /></Files>\n"              // 25
    "    </ClientProfile>\n"                                                             // 26
    "  </ClientProfiles>\n"                                                              // 27
    "</Scenario>\n";

std::string small() { return std::string(small_head) + small_tail; }

/// `small()` with the first occurrence of `from` replaced by `to`.
std::string small_with(const std::string& from, const std::string& to) {
    SCOPED_TRACE("small() with '" + from + "' replaced");
    std::string s = small();
    auto const at = s.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) {
        s.replace(at, from.size(), to);
    }
    return s;
}

std::string load_error(const std::string& text, const std::string& name = "small.xml") {
    auto r = load_scenario_text(text, name);
    if (auto* e = std::get_if<scenario_error>(&r)) {
        return e->to_string();
    }
    return "(loaded)";
}

scenario load_ok(const std::string& text) { return test::scenario_or_failure(load_scenario_text(text, "small.xml")); }

TEST(ScenarioLoaderTest, LoadsEverySection) {
    scenario const s = load_ok(small());
    EXPECT_EQ(s.name, "small");
    EXPECT_TRUE(s.server.client_side_targeting);
    EXPECT_TRUE(s.server.registration_required) << "default";
    EXPECT_EQ(s.server.page_size, 200U);
    ASSERT_EQ(s.revisions.size(), 3U);
    revision const& parent = s.revisions[1];
    EXPECT_EQ(parent.line, 7U);
    ASSERT_EQ(parent.prerequisites.size(), 1U);
    EXPECT_EQ(parent.prerequisites[0].update_ids[0], "aaaaaaaa-0000-0000-0000-000000000001")
        << "GUIDs are lower-cased";
    EXPECT_TRUE(parent.prerequisites[0].is_category);
    EXPECT_EQ(parent.bundled_revisions, (std::vector<std::vector<std::int32_t>>{{3}}));
    EXPECT_EQ(parent.kb_article, std::optional<std::string>("1"));
    ASSERT_EQ(s.target_groups.size(), 2U);
    EXPECT_EQ(s.target_groups[0].name, "All Computers") << "added when not declared";
    EXPECT_EQ(s.target_groups[1].model, std::optional<std::string>("fixed"));
    ASSERT_EQ(s.deployments.size(), 2U) << "two rows for one revision are kept";
    EXPECT_EQ(s.deployments[1].line, 18U);
    EXPECT_EQ(s.deployments[1].last_change_time, "2004-08-31");
    ASSERT_EQ(s.profiles.size(), 1U);
    client_profile const& p = s.profiles[0];
    EXPECT_EQ(p.client_id, "bbbbbbbb-0000-0000-0000-000000000001");
    EXPECT_EQ(p.machine.sp_major, 3);
    EXPECT_EQ(p.computer.os_service_pack_major_number, 3);
    EXPECT_EQ(p.computer.dns_name, std::optional<std::string>("ws.example"));
    EXPECT_EQ(p.machine.registry.at("HKEY_LOCAL_MACHINE\\SOFTWARE\\X").at("V"), "1");
    EXPECT_EQ(p.machine.files.at("C:\\a.exe"), "1.2.3.4");
}

TEST(ScenarioLoaderTest, GeneratesFragmentsAndDigests) {
    scenario const s = load_ok(small());
    revision const& parent = s.revisions[1];
    auto core = protocol::parse_core_fragment(parent.core_xml);
    ASSERT_TRUE(std::holds_alternative<protocol::core_fragment>(core));
    auto const& f = std::get<protocol::core_fragment>(core);
    EXPECT_EQ(f.identity.update_id, parent.update_id);
    EXPECT_EQ(f.identity.revision_number, 101);
    ASSERT_EQ(f.bundled_updates.size(), 1U);
    EXPECT_EQ(f.bundled_updates[0][0].update_id, "aaaaaaaa-0000-0000-0000-000000000003");
    EXPECT_EQ(f.bundled_updates[0][0].revision_number, 101);
    EXPECT_EQ(s.revisions[2].core_xml.find("ExplicitlyDeployable=\"false\"") != std::string::npos,
              true)
        << "a bundle member is not deployable on its own";
    content_file const& file = s.revisions[2].files[0];
    EXPECT_EQ(file.sha1_hex, sha1_hex(content_bytes(file)));
    EXPECT_NE(s.revisions[2].extended_xml.find("FileName=\"child.exe\" Size=\"5000\""),
              std::string::npos);
    EXPECT_EQ(s.revisions[2].localized_xml,
              "<LocalizedProperties><Language>en</Language><Title>Child</Title>"
              "</LocalizedProperties>");
}

TEST(ScenarioLoaderTest, ErrorsInTheXmlItself) {
    EXPECT_EQ(load_error("<Scenario>\n  <Updates>\n</Scenario>\n"),
              "small.xml:3: malformed XML: Start-end tags mismatch");
    EXPECT_EQ(load_error("<Other />"), "small.xml:1: the root element must be <Scenario>");
    EXPECT_EQ(load_error(small_with("  <Updates>\n", "  <Extras />\n  <Updates>\n")),
              "small.xml:3: unknown element <Extras> in <Scenario>");
    EXPECT_EQ(load_error(small_with("Title=\"Child\"", "Title=\"Child\" Colour=\"red\"")),
              "small.xml:11: unknown attribute 'Colour' on <Update>");
    EXPECT_EQ(load_error(small_with("Type=\"Software\" Title=\"Child\"", "Type=\"Patch\" Title=\"Child\"")),
              "small.xml:11: <Update> attribute Type: unknown value 'Patch' (expected Software, "
              "Detectoid, Category or Driver)");
    EXPECT_EQ(load_error(small_with("RevisionID=\"3\" UpdateID", "RevisionID=\"x\" UpdateID")),
              "small.xml:11: <Update> attribute RevisionID: expected an integer from 1 to "
              "2147483647, got 'x'");
    EXPECT_EQ(load_error(small_with("Action=\"Install\"", "Action=\"Installl\"")),
              "small.xml:17: <Deployment> attribute Action: unknown value 'Installl'");
    EXPECT_EQ(load_error(small_with("LastChangeTime=\"2008-06-10\"", "LastChangeTime=\"June\"")),
              "small.xml:17: <Deployment> attribute LastChangeTime: expected YYYY-MM-DD, got 'June'");
    EXPECT_EQ(load_error(small_with("Model=\"fixed\"", "Model=\"quick\"")),
              "small.xml:15: <TargetGroup> attribute Model: unknown value 'quick' (expected legacy "
              "or fixed)");
    EXPECT_EQ(load_error(small_with(" Type=\"Category\"", "")),
              "small.xml:4: <Update> is missing attribute 'Type'");
}

TEST(ScenarioLoaderTest, ErrorsInReferences) {
    EXPECT_EQ(load_error(small_with("RevisionID=\"2\" TargetGroup", "RevisionID=\"9999\" TargetGroup"),
                         "kb954960.xml"),
              "kb954960.xml:17: deployment names unknown revision 9999");
    EXPECT_EQ(load_error(small_with("TargetGroup=\"Workstations\"", "TargetGroup=\"Laptops\"")),
              "small.xml:17: deployment names unknown target group 'Laptops'");
    EXPECT_EQ(load_error(small_with("Parent=\"All Computers\"", "Parent=\"Desktops\"")),
              "small.xml:15: target group 'Workstations' names unknown parent 'Desktops'");
    EXPECT_EQ(load_error(small_with("<TargetGroup Name=\"Workstations\" />",
                                    "<TargetGroup Name=\"Laptops\" />")),
              "small.xml:22: profile 'ws' names unknown target group 'Laptops'");
    EXPECT_EQ(load_error(small_with("UpdateID=\"AAAAAAAA-0000-0000-0000-000000000001\"",
                                    "UpdateID=\"aaaaaaaa-0000-0000-0000-0000000000ff\"")),
              "small.xml:8: prerequisite names unknown UpdateID aaaaaaaa-0000-0000-0000-0000000000ff");
    EXPECT_EQ(load_error(small_with("<Revision RevisionID=\"3\" />", "<Revision RevisionID=\"4\" />")),
              "small.xml:9: bundle names unknown revision 4");
    EXPECT_EQ(load_error(small_with("<True />", "<b.RegSz Subkey=\"x\" />")),
              "small.xml:5: bad applicability rule: b.RegSz: missing Key");
}

TEST(ScenarioLoaderTest, ErrorsForDuplicates) {
    EXPECT_EQ(load_error(small_with("RevisionID=\"3\" UpdateID", "RevisionID=\"2\" UpdateID")),
              "small.xml:11: duplicate RevisionID 2 (also on line 7)");
    EXPECT_EQ(load_error(small_with("000000000003\" RevisionNumber=\"101\"",
                                    "000000000002\" RevisionNumber=\"101\"")),
              "small.xml:11: duplicate revision: UpdateID aaaaaaaa-0000-0000-0000-000000000002 "
              "RevisionNumber 101 is already RevisionID 2 (line 7)");
    EXPECT_EQ(load_error(small_with("  </ClientProfiles>",
                                    "    <ClientProfile Name=\"ws\" ClientID=\"bbbbbbbb-0000-0000-0000-"
                                    "000000000002\" DnsName=\"b\" />\n  </ClientProfiles>")),
              "small.xml:27: duplicate profile name 'ws' (also on line 21)");
    EXPECT_EQ(load_error(small_with("<TargetGroups>", "<TargetGroups><TargetGroup Name=\"Workstations\" />")),
              "small.xml:15: duplicate target group 'Workstations' (also on line 15)");
}

TEST(ScenarioLoaderTest, PrerequisiteCycleNamesTheUpdates) {
    // The category now requires the parent, which requires the category.
    std::string const text = small_with(
        "<ApplicabilityRules><IsInstalled><True />",
        "<Prerequisites><UpdateIdentity UpdateID=\"aaaaaaaa-0000-0000-0000-000000000002\" />"
        "</Prerequisites><ApplicabilityRules><IsInstalled><True />");
    EXPECT_EQ(load_error(text),
              "small.xml:4: prerequisite cycle: 'Office 2003' (revision 1) -> 'Parent' (revision 2) "
              "-> 'Office 2003' (revision 1)");
}

TEST(ScenarioLoaderTest, BundleCycleAndSelfBundle) {
    EXPECT_EQ(load_error(small_with("<Files><File Name=\"child.exe\" Size=\"5000\" /></Files>",
                                    "<BundledUpdates><Revision RevisionID=\"2\" /></BundledUpdates>")),
              "small.xml:7: bundle cycle: 2 -> 3 -> 2");
    EXPECT_EQ(load_error(small_with("<Revision RevisionID=\"3\" />", "<Revision RevisionID=\"2\" />")),
              "small.xml:9: revision 2 bundles itself");
}

TEST(ScenarioLoaderTest, OneRevisionApprovedForTwoGroupsIsOrdinary) {
    scenario const s = load_ok(small());
    ASSERT_EQ(s.deployments.size(), 2U);
    EXPECT_FALSE(s.deployments[0].stray.has_value());
    EXPECT_FALSE(s.deployments[1].stray.has_value());
}

constexpr const char* stray_row =
    "    <StrayDeployment ID=\"12\" RevisionID=\"2\" TargetGroup=\"Workstations\" "
    "Action=\"Install\" LastChangeTime=\"2004-08-31\" Origin=\"RevisionMigration\" />\n"
    "  </Deployments>";

TEST(ScenarioLoaderTest, StrayDeploymentRepeatsThePairOfAnOrdinaryRow) {
    scenario const s = load_ok(small_with("  </Deployments>", stray_row));
    ASSERT_EQ(s.deployments.size(), 3U);
    deployment_row const& stray = s.deployments[2];
    EXPECT_EQ(stray.deployment_id, 12);
    EXPECT_EQ(stray.target_group, "Workstations");
    EXPECT_EQ(stray.stray, std::optional<stray_origin>(stray_origin::revision_migration));
    EXPECT_EQ(stray.line, 19U);
    // Without Origin the origin is unknown; the writer gives back what was read.
    scenario const plain = load_ok(small_with("  </Deployments>",
                                              "    <StrayDeployment ID=\"12\" RevisionID=\"2\" "
                                              "TargetGroup=\"Workstations\" Action=\"Block\" "
                                              "LastChangeTime=\"2004-08-31\" />\n  </Deployments>"));
    EXPECT_EQ(plain.deployments[2].stray, std::optional<stray_origin>(stray_origin::unknown));
    for (scenario const* x : {&s, &plain}) {
        std::string const written = write_scenario(*x);
        EXPECT_NE(written.find("<StrayDeployment ID=\"12\""), std::string::npos) << written;
        EXPECT_EQ(load_ok(written), *x);
    }
}

TEST(ScenarioLoaderTest, StrayDeploymentErrors) {
    EXPECT_EQ(load_error(small_with("  </Deployments>",
                                    "    <StrayDeployment ID=\"12\" RevisionID=\"3\" "
                                    "TargetGroup=\"Workstations\" Action=\"Install\" "
                                    "LastChangeTime=\"2004-08-31\" />\n  </Deployments>")),
              "small.xml:19: <StrayDeployment> 12 repeats no <Deployment>: no ordinary row has "
              "the pair (RevisionID 3, TargetGroup 'Workstations'); a stray row must duplicate "
              "the pair of an existing <Deployment>");
    std::string bad_origin = small_with("  </Deployments>", stray_row);
    bad_origin.replace(bad_origin.find("RevisionMigration"), 17, "Gremlins");
    EXPECT_EQ(load_error(bad_origin),
              "small.xml:19: <StrayDeployment> attribute Origin: unknown value 'Gremlins' "
              "(expected RevisionMigration, AutoDecline or Unknown)");
    EXPECT_EQ(load_error(small_with("<Deployment ID=\"10\"", "<Deployment Origin=\"Unknown\" ID=\"10\"")),
              "small.xml:17: unknown attribute 'Origin' on <Deployment>");
    EXPECT_EQ(load_error(small_with("  </Deployments>", "    <Approval />\n  </Deployments>")),
              "small.xml:19: unknown element <Approval> in <Deployments>");
}

TEST(ScenarioLoaderTest, TwoOrdinaryRowsForOnePairAreRejected) {
    EXPECT_EQ(load_error(small_with("RevisionID=\"2\" TargetGroup=\"All Computers\"",
                                    "RevisionID=\"2\" TargetGroup=\"Workstations\"")),
              "small.xml:18: deployment 11 repeats the (RevisionID 2, TargetGroup "
              "'Workstations') pair of deployment 10 (line 17): the WSUS console keeps one "
              "approval per revision and target group, so it cannot create this; write a row "
              "left by a server defect as <StrayDeployment> (docs/scenario-format.md §6.2)");
}

TEST(ScenarioLoaderTest, MissingFileNamesIt) {
    auto r = load_scenario_file("/nonexistent/dir/none.xml");
    ASSERT_TRUE(std::holds_alternative<scenario_error>(r));
    EXPECT_EQ(std::get<scenario_error>(r).to_string(),
              "none.xml: cannot open /nonexistent/dir/none.xml");
}

TEST(ScenarioLoaderTest, WriteThenLoadGivesTheSameScenario) {
    scenario const s = load_ok(small());
    std::string const written = write_scenario(s);
    scenario const again = load_ok(written);
    EXPECT_EQ(again, s);
    EXPECT_EQ(write_scenario(again), written) << "the writer is deterministic";
}

TEST(ScenarioLoaderTest, LabScenarioRoundTrips) {
    auto r = load_scenario_file(test::fixture_path("scenarios/kb954960.xml"));
    ASSERT_TRUE(std::holds_alternative<scenario>(r)) << std::get<scenario_error>(r).to_string();
    scenario const& s = std::get<scenario>(r);
    auto again = load_scenario_text(write_scenario(s), "written.xml");
    ASSERT_TRUE(std::holds_alternative<scenario>(again))
        << std::get<scenario_error>(again).to_string();
    EXPECT_EQ(std::get<scenario>(again), s);
}

TEST(ScenarioLoaderTest, EqualityNoticesEveryKindOfChange) {
    scenario const s = load_ok(small());
    scenario t = s;
    t.deployments[0].line = 999;
    t.source_path = "elsewhere";
    EXPECT_EQ(t, s) << "lines and paths are not content";
    t = s;
    t.deployments.pop_back();
    EXPECT_NE(t, s);
    t = s;
    t.profiles[0].machine.files.clear();
    EXPECT_NE(t, s);
    t = s;
    t.profiles[0].computer.bios_release_date = "2008-01-01";
    EXPECT_NE(t, s);
    t = s;
    t.revisions[0].declined = true;
    EXPECT_NE(t, s);
}

}  // namespace
}  // namespace wsuslab::mitigation
