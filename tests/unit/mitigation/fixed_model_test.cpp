// The fixed model (docs/models.md §4): the shared precedence keeps one row per revision; a stray
// twin of the kept row's pair is the anomaly, resolved and reported; ordinary multi-group
// approvals are merged without a report.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <wsuslab/mitigation/get_sync_info.hpp>
#include <wsuslab/mitigation/row_precedence.hpp>

#include "model_test_catalogs.hpp"

namespace wsuslab::mitigation::test {
namespace {

const std::vector<std::string> groups_ab{all_computers_group, "A", "B"};

// Revision 9 with one row for group A and one for group B, shaped by the test.
struct two_rows {
    catalog_builder b;
    two_rows() {
        b.add(9);
        b.deploy(9, "A");
        b.deploy(9, "B");
    }
    deployment_row& a() { return b.rows()[0]; }
    deployment_row& bee() { return b.rows()[1]; }
    // The kept deployment ID, checked against the shared precedence's rule name.
    std::int32_t kept(std::string_view rule) {
        SCOPED_TRACE(std::string(rule));
        catalog const c = b.build();
        sync_result const r =
            must_succeed(make_fixed_model()->get_sync_info(c, request({}, {}, groups_ab)));
        EXPECT_THAT(ids(r.new_updates), ElementsAre(9));
        EXPECT_THAT(r.resolved, IsEmpty());  // an ordinary two-group approval is no anomaly
        EXPECT_EQ(r.precedence_merges, 1U);
        EXPECT_EQ(choose_row(c, {0, 1}).rule, rule);
        return r.new_updates.size() == 1 ? r.new_updates[0].deploy->id : 0;
    }
};

TEST(FixedModelTest, BlockOverridesEverything) {
    two_rows t;
    t.b.group("A", all_computers_group).group("B", "A");  // B is deeper, yet A blocks
    t.a().action = deployment_action::block;
    t.bee().deadline = "2008-07-01";
    EXPECT_EQ(t.kept("Block overrides every other deployment"), 1001);
}

TEST(FixedModelTest, DeeperGroupHasPriority) {
    two_rows t;
    t.b.group("A", all_computers_group).group("B", "A");
    t.a().action = deployment_action::install;
    t.bee().action = deployment_action::uninstall;
    EXPECT_EQ(t.kept("deeper target group has priority"), 1002);
}

TEST(FixedModelTest, InstallOverridesUninstall) {
    two_rows t;
    t.a().action = deployment_action::uninstall;
    t.a().deadline = "2008-06-01";
    EXPECT_EQ(t.kept("Install overrides OptionalInstall, Uninstall and the other actions"), 1002);
}

TEST(FixedModelTest, RequiredInstallOverridesOptionalInstall) {
    two_rows t;
    t.a().action = deployment_action::optional_install;
    EXPECT_EQ(t.kept("Install overrides OptionalInstall, Uninstall and the other actions"), 1002);
}

TEST(FixedModelTest, ADeadlineOverridesNone) {
    two_rows t;
    t.bee().deadline = "2009-01-01";
    EXPECT_EQ(t.kept("earliest deadline"), 1002);
}

TEST(FixedModelTest, EarlierDeadlineOverridesLater) {
    two_rows t;
    t.a().deadline = "2008-08-01T00:00:00Z";
    t.bee().deadline = "2008-07-01T00:00:00Z";
    EXPECT_EQ(t.kept("earliest deadline"), 1002);
}

TEST(FixedModelTest, LatestLastChangeTimeWhenTheDocumentedRulesTie) {
    two_rows t;
    t.a().last_change_time = "2008-06-12";
    EXPECT_EQ(t.kept("latest LastChangeTime"), 1001);
}

TEST(FixedModelTest, FirstGroupNameThenLowestDeploymentId) {
    two_rows t;
    t.a().target_group = "Z";  // same fields, groups Z and B
    sync_result const r =
        must_succeed(make_fixed_model()->get_sync_info(t.b.build(), request({}, {}, {"Z", "B"})));
    ASSERT_EQ(r.new_updates.size(), 1U);
    EXPECT_EQ(r.new_updates[0].deploy->id, 1002);
    EXPECT_EQ(choose_row(t.b.build(), {0, 1}).rule, "first target-group name");

    catalog_builder same;  // identical rows but the ID: the shape of a stray copy
    same.add(8862);
    same.deploy(8862);
    same.deploy(8862);
    EXPECT_EQ(choose_row(same.build(), {0, 1}).rule, "lowest deployment ID");
    same.rows()[1].deployment_id = 1001;
    row_choice const c = choose_row(same.build(), {0, 1});
    EXPECT_EQ(c.kept, 0U);
    EXPECT_EQ(c.rule, identical_rows_rule);
}

// Revision 8862 behind detectoid 100: approved for All Computers and for "Office 2003"; the
// "Office 2003" pair (deeper, so it wins) has a stray copy from 2004.
catalog office_catalog() {
    catalog_builder b;
    b.group("Office 2003", all_computers_group);
    b.add(100, update_type::detectoid);
    b.add(8862);
    b.prereq(8862, {100});
    b.deploy(8862, all_computers_group, deployment_action::install, "2008-06-10");
    b.deploy(8862, "Office 2003", deployment_action::install, "2004-08-31").stray =
        stray_origin::revision_migration;
    b.deploy(8862, "Office 2003", deployment_action::install, "2008-06-12");
    return b.build();
}

TEST(FixedModelTest, ReportsTheAnomalyItResolvedAsOneLogLine) {
    catalog const c = office_catalog();
    auto const m = make_fixed_model();
    auto const req = request({100}, {}, {all_computers_group, "Office 2003"});
    sync_result const r = must_succeed(m->get_sync_info(c, req));
    ASSERT_THAT(ids(r.new_updates), ElementsAre(8862));
    EXPECT_EQ(r.new_updates[0].deploy->id, 1003);
    EXPECT_EQ(r.precedence_merges,
              0U);  // the reduction that met the anomaly is not an ordinary merge
    ASSERT_EQ(r.resolved.size(), 1U);
    resolved_anomaly const& a = r.resolved[0];
    EXPECT_EQ(a.table, "deploymentTable");
    EXPECT_EQ(a.revision_id, 8862);
    EXPECT_EQ(a.target_group, "Office 2003");
    EXPECT_THAT(a.deployment_ids, ElementsAre(1002, 1003));
    EXPECT_EQ(a.kept_deployment_id, 1003);
    EXPECT_EQ(a.to_string(),
              "GetSyncInfo: revision 8862 has 2 deployment rows for target group 'Office 2003' "
              "(deploymentTable: deployments 1002, 1003); kept deployment 1003 (rule: latest "
              "LastChangeTime)");
    // Before the detectoid is reported, the revision is not in the table and nothing is resolved.
    EXPECT_THAT(
        must_succeed(m->get_sync_info(c, request({}, {}, {all_computers_group, "Office 2003"})))
            .resolved,
        IsEmpty());
    // A client only in All Computers never meets the stray pair.
    sync_result const plain = must_succeed(m->get_sync_info(c, request({100})));
    EXPECT_THAT(plain.resolved, IsEmpty());
    EXPECT_EQ(plain.new_updates[0].deploy->id, 1001);
}

TEST(FixedModelTest, AnswersLikeTheLegacyModelUpToTheAnomaly) {
    catalog const c = office_catalog();
    auto const req = request({}, {}, {all_computers_group, "Office 2003"});
    sync_result const f = must_succeed(make_fixed_model()->get_sync_info(c, req));
    sync_result const l = must_succeed(make_legacy_model()->get_sync_info(c, req));
    EXPECT_EQ(ids(f.new_updates), ids(l.new_updates));
    EXPECT_EQ(f.new_watermark, l.new_watermark);
}

TEST(FixedModelTest, RefreshCacheResolvesTheAnomalyToo) {
    catalog const c = office_catalog();
    refresh_request r;
    r.groups = {all_computers_group, "Office 2003"};
    r.identities = {{"u8862", 1}, {"u100", 1}};  // 100 has no row of its own: not mapped
    auto const out = make_fixed_model()->refresh_cache(c, r);
    ASSERT_TRUE(std::holds_alternative<refresh_result>(out));
    auto const& res = std::get<refresh_result>(out);
    ASSERT_EQ(res.results.size(), 1U);
    EXPECT_EQ(res.results[0].revision_id, 8862);
    EXPECT_EQ(res.results[0].deploy->id, 1003);
    ASSERT_EQ(res.resolved.size(), 1U);
    EXPECT_EQ(
        res.resolved[0].to_string().rfind("RefreshCache: revision 8862 has 2 deployment rows", 0),
        0U);
}

TEST(FixedModelTest, TreatsTheCachedListsAsSetsAndReportsRepeats) {
    catalog_builder b = behind_a_detectoid(10, 20);
    sync_result const r = must_succeed(
        make_fixed_model()->get_sync_info(b.build(), request({10}, {10, 20, 20, 20, 30})));
    EXPECT_THAT(r.new_updates, IsEmpty());
    EXPECT_THAT(r.out_of_scope, ElementsAre(30));
    ASSERT_EQ(r.resolved.size(), 2U);
    EXPECT_EQ(r.resolved[0].table, "stateTable");
    EXPECT_EQ(r.resolved[0].revision_id, 10);
    EXPECT_EQ(r.resolved[1].revision_id, 20);
    EXPECT_EQ(r.resolved[1].to_string(),
              "GetSyncInfo: revision 20 appears more than once in the client's cached lists "
              "(stateTable); "
              "counted once (rule: cached lists are sets)");
}

TEST(FixedModelTest, KindIsFixed) {
    EXPECT_EQ(make_fixed_model()->kind(), model_kind::fixed);
    EXPECT_EQ(make_model(model_kind::fixed)->kind(), model_kind::fixed);
}

}  // namespace
}  // namespace wsuslab::mitigation::test
