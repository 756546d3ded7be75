// Diagnosis of the lab scenario, WSUS decline/approve semantics and the verified workaround.
#include <algorithm>
#include <optional>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <wsuslab/mitigation/diagnosis.hpp>
#include <wsuslab/mitigation/scenario_loader.hpp>

#include "fixtures.hpp"
#include "scenarios.hpp"

namespace wsuslab::mitigation {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const scenario& lab() { return *test::shipped_kb954960(); }

std::vector<std::int32_t> row_ids(const std::vector<deployment_row>& rows) {
    std::vector<std::int32_t> ids;
    for (auto const& r : rows) {
        ids.push_back(r.deployment_id);
    }
    return ids;
}

std::vector<std::int32_t> rows_of(const scenario& s, std::int32_t revision_id) {
    std::vector<std::int32_t> ids;
    for (auto const& d : s.deployments) {
        if (d.revision_id == revision_id) {
            ids.push_back(d.deployment_id);
        }
    }
    return ids;
}

// A copy of the scenario's first deployment row as row `deployment_id` of (revision, group),
// appended to `s`; returned for further changes.
deployment_row& add_row(scenario& s, std::int32_t deployment_id, std::int32_t revision_id, const std::string& group) {
    deployment_row row = s.deployments.front();
    row.deployment_id = deployment_id;
    row.revision_id = revision_id;
    row.target_group = group;
    s.deployments.push_back(row);
    return s.deployments.back();
}

TEST(DiagnosisTest, FindsExactlyTheStrayPairOfRevision8862AndTheOfficeWorkstation) {
    auto const d = diagnose(lab());
    ASSERT_EQ(d.duplicates.size(), 1U);
    auto const& dup = d.duplicates.front();
    EXPECT_EQ(dup.revision_id, 8862);
    EXPECT_EQ(dup.title, "Office 2003 Service Pack 1");
    EXPECT_EQ(dup.target_group, "Workstations");
    EXPECT_THAT(row_ids(dup.rows), ElementsAre(31044, 20417));
    EXPECT_FALSE(dup.rows[0].stray.has_value());
    EXPECT_EQ(dup.rows[1].stray, std::optional<stray_origin>(stray_origin::revision_migration));
    EXPECT_THAT(dup.group_sets,
                ElementsAre(std::vector<std::string>{"All Computers", "Workstations"}));
    EXPECT_THAT(dup.profiles_hit, ElementsAre("office2003-workstation", "plain-workstation"));
    EXPECT_THAT(dup.profiles_exposed, ElementsAre("office2003-workstation", "plain-workstation"));
    EXPECT_THAT(dup.profiles_failing, ElementsAre("office2003-workstation"));
    ASSERT_EQ(d.profiles.size(), 3U);
    for (auto const& v : d.profiles) {
        EXPECT_EQ(v.legacy_ok, v.profile != "office2003-workstation") << v.profile;
        EXPECT_EQ(v.effective_model, "legacy");
    }
    EXPECT_TRUE(d.anomalies_found());
    EXPECT_TRUE(d.legacy_fails());
}

TEST(DiagnosisTest, ListsOrdinaryMultiGroupApprovalsAsResolvedByPrecedence) {
    auto const d = diagnose(lab());
    ASSERT_EQ(d.merges.size(), 2U);
    EXPECT_EQ(d.merges[0].revision_id, 8710);
    EXPECT_THAT(row_ids(d.merges[0].rows), ElementsAre(30121, 30125));
    EXPECT_EQ(d.merges[0].kept_deployment_id, 30125);
    EXPECT_EQ(d.merges[0].rule, "Block overrides every other deployment");
    EXPECT_THAT(d.merges[0].profiles, ElementsAre("server-2003"));
    EXPECT_EQ(d.merges[1].revision_id, 8713);
    EXPECT_EQ(d.merges[1].kept_deployment_id, 30124);
    EXPECT_EQ(d.merges[1].rule, "deeper target group has priority");
    EXPECT_THAT(d.merges[1].profiles, ElementsAre("office2003-workstation", "plain-workstation"));
}

TEST(DiagnosisTest, PlansApproveThenDeclineAndChecksIt) {
    auto const d = diagnose(lab());
    ASSERT_EQ(d.workaround.size(), 2U);
    EXPECT_EQ(d.workaround[0].to_string(),
              "approve \"Office 2003 Service Pack 1\" (revision 8862) for All Computers: adds "
              "deployment row 31045");
    EXPECT_EQ(d.workaround[1].to_string(),
              "decline \"Office 2003 Service Pack 1\": removes every deployment row of all its "
              "revisions (rows 31044, 20417, 31045)");
    EXPECT_TRUE(d.workaround_verified);
    diagnosis_options decline_only;
    decline_only.kind = workaround_kind::decline;
    auto const d2 = diagnose(lab(), decline_only);
    ASSERT_EQ(d2.workaround.size(), 1U);
    EXPECT_EQ(d2.workaround[0].to_string(),
              "decline \"Office 2003 Service Pack 1\": removes every deployment row of all its "
              "revisions (rows 31044, 20417)");
    EXPECT_TRUE(d2.workaround_verified);
}

TEST(DiagnosisTest, AppliedWorkaroundMakesTheLegacyModelSucceedForEveryProfile) {
    scenario repaired = lab();
    auto const steps = apply_workaround(repaired);
    EXPECT_EQ(steps.size(), 2U);
    EXPECT_TRUE(rows_of(repaired, 8862).empty());
    EXPECT_TRUE(repaired.find_revision(8862)->declined);
    EXPECT_EQ(repaired.deployments.size(), lab().deployments.size() - 2);
    // The written file says the same thing.
    auto reloaded = load_scenario_text(write_scenario(repaired), "repaired.xml");
    ASSERT_TRUE(std::holds_alternative<scenario>(reloaded));
    auto const after = diagnose(std::get<scenario>(reloaded));
    EXPECT_TRUE(after.duplicates.empty());
    for (auto const& v : after.profiles) {
        EXPECT_TRUE(v.legacy_ok) << v.profile;
        EXPECT_GT(v.updates_received, 0U) << v.profile;
    }
    EXPECT_TRUE(after.workaround.empty());
}

TEST(DiagnosisTest, DeclineRemovesRowsOfAllRevisionsOfTheUpdate) {
    scenario s = lab();
    // Give the older revision 8861 a stale row of its own, as WSUS "stale approvals" allow.
    add_row(s, 19000, 8861, "Servers");
    auto const step = decline_update(s, s.find_revision(8862)->update_id);
    EXPECT_THAT(step.rows_removed, ElementsAre(31044, 20417, 19000));
    EXPECT_TRUE(rows_of(s, 8861).empty());
    EXPECT_TRUE(rows_of(s, 8862).empty());
    EXPECT_TRUE(s.find_revision(8861)->declined);
    EXPECT_TRUE(step.also_declined.empty());
}

TEST(DiagnosisTest, DecliningABundleDeclinesItsChildren) {
    scenario s = lab();
    // Revision 8601 (Windows XP SP3) bundles 8602; give the child a row to see it go.
    add_row(s, 19001, 8602, "Workstations");
    ASSERT_FALSE(rows_of(s, 8601).empty());
    auto const step = decline_update(s, s.find_revision(8601)->update_id);
    EXPECT_TRUE(rows_of(s, 8601).empty());
    EXPECT_TRUE(rows_of(s, 8602).empty());
    EXPECT_TRUE(s.find_revision(8602)->declined);
    EXPECT_THAT(step.also_declined,
                ElementsAre("Windows XP Service Pack 3 (KB936929) - x86 package"));
    EXPECT_THAT(step.to_string(), HasSubstr("also declines the bundled update(s) \"Windows XP "
                                            "Service Pack 3 (KB936929) - x86 package\""));
    // Declining the child does not touch the parent.
    scenario t = lab();
    decline_update(t, t.find_revision(8602)->update_id);
    EXPECT_FALSE(rows_of(t, 8601).empty());
}

TEST(DiagnosisTest, ApproveReplacesTheRowOfTheSameRevisionAndGroup) {
    scenario s = lab();
    auto const step = approve_update(s, s.find_revision(8862)->update_id, "Workstations",
                                     protocol::deployment_action::install, "2008-07-01");
    EXPECT_EQ(step.revision_id, 8862) << "the latest revision is approved";
    // The console replaces the pair's approval: the stray row goes with the ordinary one.
    EXPECT_THAT(step.rows_removed, ElementsAre(31044, 20417));
    EXPECT_THAT(step.rows_added, ElementsAre(31045));
    EXPECT_THAT(rows_of(s, 8862), ElementsAre(31045));
    EXPECT_EQ(s.deployments.back().last_change_time, "2008-07-01");
    EXPECT_FALSE(s.find_revision(8862)->declined) << "approving undeclines";
}

TEST(DiagnosisTest, CleanScenarioNeedsNothing) {
    scenario s = lab();
    s.deployments.erase(std::remove_if(s.deployments.begin(), s.deployments.end(),
                                       [](const deployment_row& d) { return d.deployment_id == 20417; }),
                        s.deployments.end());
    auto const d = diagnose(s);
    EXPECT_FALSE(d.anomalies_found());
    EXPECT_FALSE(d.legacy_fails());
    EXPECT_TRUE(d.workaround.empty());
    EXPECT_TRUE(d.workaround_verified);
    EXPECT_THAT(diagnosis_report(s, d), HasSubstr("Workaround: none needed.\n"));
}

TEST(DiagnosisTest, FindsAStrayRowOnAnyRevision) {
    scenario s = lab();
    // A second row for the pair (8751, Servers) of a Windows Server 2003 update.
    add_row(s, 19002, 8751, "Servers").stray = stray_origin::unknown;
    auto const d = diagnose(s);
    ASSERT_EQ(d.duplicates.size(), 2U);
    auto const& dup = d.duplicates[0];
    EXPECT_EQ(dup.revision_id, 8751);
    EXPECT_THAT(dup.profiles_hit, ElementsAre("server-2003"));
    EXPECT_THAT(dup.profiles_failing, ElementsAre("server-2003"));
}

TEST(DiagnosisTest, AnApprovalForASecondGroupIsNoAnomaly) {
    scenario s = lab();
    // 8751 is approved for Servers; approving it for All Computers too is everyday work.
    add_row(s, 19002, 8751, "All Computers");
    auto const d = diagnose(s);
    ASSERT_EQ(d.duplicates.size(), 1U);
    EXPECT_EQ(d.duplicates[0].revision_id, 8862);
    EXPECT_TRUE(std::any_of(d.merges.begin(), d.merges.end(),
                            [](const precedence_merge& m) { return m.revision_id == 8751; }));
    for (auto const& v : d.profiles) {
        EXPECT_EQ(v.legacy_ok, v.profile != "office2003-workstation") << v.profile;
    }
}

TEST(DiagnosisTest, AStrayRowInAGroupThatLosesThePrecedenceIsNotExposed) {
    scenario s = lab();
    // Two rows for (8713, All Computers): workstations get the Workstations row, servers the pair.
    deployment_row extra = *std::find_if(s.deployments.begin(), s.deployments.end(),
                                         [](const deployment_row& r) { return r.deployment_id == 30123; });
    extra.deployment_id = 19003;
    extra.stray = stray_origin::auto_decline;
    s.deployments.push_back(extra);
    auto const d = diagnose(s);
    ASSERT_EQ(d.duplicates.size(), 2U);
    auto const& dup = d.duplicates[0];
    EXPECT_EQ(dup.revision_id, 8713);
    EXPECT_THAT(dup.profiles_hit,
                ElementsAre("office2003-workstation", "plain-workstation", "server-2003"));
    EXPECT_THAT(dup.profiles_exposed, ElementsAre("server-2003"));
    EXPECT_THAT(dup.profiles_failing, ElementsAre("server-2003"));
}

TEST(DiagnosisTest, ProfileGroupsFollowTheServersTargeting) {
    scenario s = lab();
    client_profile const& office = *s.find_profile("office2003-workstation");
    EXPECT_THAT(profile_groups(s, office), ElementsAre("All Computers", "Workstations"));
    s.server.client_side_targeting = false;
    s.assignments.clear();
    EXPECT_THAT(profile_groups(s, office), ElementsAre("All Computers"));
    s.assignments.push_back({"WS-OFFICE-01", "Servers"});
    EXPECT_THAT(profile_groups(s, office), ElementsAre("All Computers", "Servers"))
        << "assignments match the first DNS label, case-insensitively";
}

TEST(DiagnosisTest, ReportSaysWhatFailsAndWhy) {
    auto const d = diagnose(lab());
    std::string const text = diagnosis_report(lab(), d);
    EXPECT_THAT(text, HasSubstr("  revision 8862 \"Office 2003 Service Pack 1\""));
    EXPECT_THAT(text, HasSubstr("), target group 'Workstations'\n"));
    EXPECT_THAT(text, HasSubstr("  Install  LastChangeTime 2004-08-31  stray (Origin "
                                "RevisionMigration)  (line "));
    EXPECT_THAT(text, HasSubstr("    profiles whose legacy sync fails on it: office2003-workstation\n"));
    EXPECT_THAT(text, HasSubstr("  revision 8713 \"Windows Malicious Software Removal Tool - June "
                                "2008 (KB890830)\" for {All Computers, Workstations}: rows 30123 "
                                "'All Computers' 30124 'Workstations'; sends row 30124 (deeper "
                                "target group has priority)\n"));
    EXPECT_THAT(text, HasSubstr("  office2003-workstation  {All Computers, Workstations}  FAILS in "
                                "round 5: deploymentTable: Item has already been added. Key in "
                                "dictionary: '8862'  Key being added: '8862'\n"));
    EXPECT_THAT(text, HasSubstr("Result: 1 (revision, target group) pair(s) with stray rows; the "
                                "legacy model fails for 1 of 3 profile(s).\n"));
}

}  // namespace
}  // namespace wsuslab::mitigation
