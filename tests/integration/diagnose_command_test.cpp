// `wsuslab diagnose` in-process: exit codes, the text and JSON reports, --apply-workaround.
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <wsuslab/mitigation/scenario_loader.hpp>

#include "cli_support.hpp"
#include "commands.hpp"
#include "fixtures.hpp"

namespace wsuslab::app {
namespace {

using test::cli_result;
using test::run_wsuslab;

using ::testing::HasSubstr;

/// A fresh path under the build's temporary directory; removed by the destructor.
struct temp_file {
    std::string path;
    explicit temp_file(const std::string& name)
        : path(::testing::TempDir() + "wsuslab-diagnose-" + name) {
        std::remove(path.c_str());
    }
    ~temp_file() { std::remove(path.c_str()); }
    temp_file(const temp_file&) = delete;
    temp_file& operator=(const temp_file&) = delete;
};

TEST(DiagnoseCommandTest, LabScenarioExitsOneAndNamesTheCulprit) {
    auto const r = run_wsuslab({"diagnose", "--scenario", test::fixture_path("scenarios/kb954960.xml")});
    EXPECT_EQ(r.code, 1);
    EXPECT_THAT(r.out, HasSubstr("revision 8862 \"Office 2003 Service Pack 1\""));
    EXPECT_THAT(r.out, HasSubstr("row 31044  group 'Workstations'  Install  LastChangeTime 2008-06-11"));
    EXPECT_THAT(r.out, HasSubstr("row 20417  group 'Workstations'  Install  LastChangeTime 2004-08-31  "
                                 "stray (Origin RevisionMigration)"));
    EXPECT_THAT(r.out, HasSubstr("office2003-workstation  {All Computers, Workstations}  FAILS"));
}

TEST(DiagnoseCommandTest, JsonReport) {
    auto const r =
        run_wsuslab({"diagnose", "--scenario", test::fixture_path("scenarios/kb954960.xml"), "--json"});
    EXPECT_EQ(r.code, 1);
    auto const j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["exit_code"], 1);
    ASSERT_EQ(j["duplicates"].size(), 1U);
    EXPECT_EQ(j["duplicates"][0]["revision_id"], 8862);
    EXPECT_EQ(j["duplicates"][0]["target_group"], "Workstations");
    EXPECT_EQ(j["duplicates"][0]["rows"][0]["deployment_id"], 31044);
    EXPECT_EQ(j["duplicates"][0]["rows"][0]["stray"], false);
    EXPECT_EQ(j["duplicates"][0]["rows"][1]["deployment_id"], 20417);
    EXPECT_EQ(j["duplicates"][0]["rows"][1]["origin"], "RevisionMigration");
    ASSERT_EQ(j["resolved_by_precedence"].size(), 2U);
    EXPECT_EQ(j["resolved_by_precedence"][1]["revision_id"], 8713);
    EXPECT_EQ(j["resolved_by_precedence"][1]["kept_deployment_id"], 30124);
    EXPECT_EQ(j["duplicates"][0]["profiles_failing"], nlohmann::json::array({"office2003-workstation"}));
    EXPECT_EQ(j["profiles"][0]["failure"]["key"], 8862);
    EXPECT_EQ(j["workaround"]["kind"], "approve-then-decline");
    EXPECT_EQ(j["workaround"]["steps"].size(), 2U);
    EXPECT_EQ(j["workaround"]["verified_on_copy"], true);
}

TEST(DiagnoseCommandTest, ApplyWorkaroundWritesAVerifiedScenario) {
    temp_file out("repaired.xml");
    auto const r = run_wsuslab({"diagnose", "--scenario", test::fixture_path("scenarios/kb954960.xml"),
                        "--apply-workaround", out.path});
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_THAT(r.out, HasSubstr("Applied the workaround and wrote " + out.path));
    EXPECT_THAT(r.out, HasSubstr("  office2003-workstation  ok ("));
    EXPECT_THAT(r.out, HasSubstr("Verified: no stray deployment rows remain and every profile "
                                 "syncs against the legacy model.\n"));
    auto loaded = mitigation::load_scenario_file(out.path);
    ASSERT_TRUE(std::holds_alternative<mitigation::scenario>(loaded));
    auto const& s = std::get<mitigation::scenario>(loaded);
    for (auto const& d : s.deployments) {
        EXPECT_NE(d.revision_id, 8862);
        EXPECT_NE(d.revision_id, 8861);
    }
    // The repaired file diagnoses clean.
    auto const again = run_wsuslab({"diagnose", "--scenario", out.path});
    EXPECT_EQ(again.code, 0);
    EXPECT_THAT(again.out, HasSubstr("Workaround: none needed.\n"));
}

TEST(DiagnoseCommandTest, DeclineOnlyWorkaround) {
    temp_file out("declined.xml");
    auto const r = run_wsuslab({"diagnose", "--scenario", test::fixture_path("scenarios/kb954960.xml"),
                        "--apply-workaround", out.path, "--workaround", "decline", "--json"});
    EXPECT_EQ(r.code, 0);
    auto const j = nlohmann::json::parse(r.out);
    ASSERT_EQ(j["applied"]["steps"].size(), 1U);
    EXPECT_EQ(j["applied"]["steps"][0]["operation"], "decline");
    EXPECT_EQ(j["applied"]["steps"][0]["rows_removed"], nlohmann::json::array({31044, 20417}));
    EXPECT_EQ(j["applied"]["verified"], true);
}

TEST(DiagnoseCommandTest, UsageAndLoadErrorsExitTwo) {
    EXPECT_EQ(run_wsuslab({"diagnose"}).code, 2);
    auto const missing = run_wsuslab({"diagnose", "--scenario", "/nonexistent/none.xml"});
    EXPECT_EQ(missing.code, 2);
    EXPECT_EQ(missing.err, "wsuslab diagnose: none.xml: cannot open /nonexistent/none.xml\n");
    temp_file bad("bad.xml");
    std::ofstream(bad.path) << "<Scenario>\n  <Deployments>\n    <Deployment ID=\"1\" RevisionID=\"9999\" "
                               "TargetGroup=\"All Computers\" Action=\"Install\" "
                               "LastChangeTime=\"2008-06-10\" />\n  </Deployments>\n</Scenario>\n";
    auto const broken = run_wsuslab({"diagnose", "--scenario", bad.path});
    EXPECT_EQ(broken.code, 2);
    EXPECT_EQ(broken.err, "wsuslab diagnose: wsuslab-diagnose-bad.xml:3: deployment names unknown "
                          "revision 9999\n");
    std::string const lab = test::fixture_path("scenarios/kb954960.xml");
    EXPECT_EQ(run_wsuslab({"diagnose", "--scenario", lab, "--apply-workaround", lab}).code, 2);
    EXPECT_EQ(run_wsuslab({"diagnose", "--scenario", lab, "--workaround", "delete"}).code, 2);
    EXPECT_EQ(run_wsuslab({"diagnose", "--scenario", lab, "--date", "June"}).code, 2);
}

}  // namespace
}  // namespace wsuslab::app
