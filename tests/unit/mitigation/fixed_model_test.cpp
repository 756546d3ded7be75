// The fixed model: one row per revision by a documented precedence, every anomaly reported
// (docs/models.md, "fixed model").

#include <optional>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <wsuslab/mitigation/get_sync_info.hpp>

#include "model_test_catalogs.hpp"

namespace wsuslab::mitigation {
namespace {

using protocol::deployment_action;
using test::catalog_builder;
using test::ids;
using test::must_succeed;
using test::request;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

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
    resolved_anomaly resolve() {
        sync_result const r =
            must_succeed(make_fixed_model()->get_sync_info(b.build(), request({}, {}, groups_ab)));
        EXPECT_THAT(ids(r.new_updates), ElementsAre(9));
        EXPECT_EQ(r.resolved.size(), 1U);
        if (r.resolved.size() != 1 || r.new_updates.size() != 1) {
            return {};
        }
        EXPECT_EQ(r.new_updates[0].deploy->id, r.resolved[0].kept_deployment_id);
        return r.resolved[0];
    }
};

TEST(FixedModelTest, BlockOverridesEverything) {
    two_rows t;
    t.b.group("A", all_computers_group).group("B", "A");  // B is deeper, yet A blocks
    t.a().action = deployment_action::block;
    t.bee().deadline = "2008-07-01";
    resolved_anomaly const a = t.resolve();
    EXPECT_EQ(a.kept_deployment_id, 1001);
    EXPECT_EQ(a.rule, "Block overrides every other deployment");
}

TEST(FixedModelTest, DeeperGroupHasPriority) {
    two_rows t;
    t.b.group("A", all_computers_group).group("B", "A");
    t.a().action = deployment_action::install;
    t.bee().action = deployment_action::uninstall;
    resolved_anomaly const a = t.resolve();
    EXPECT_EQ(a.kept_deployment_id, 1002);
    EXPECT_EQ(a.rule, "deeper target group has priority");
}

TEST(FixedModelTest, InstallOverridesUninstall) {
    two_rows t;
    t.a().action = deployment_action::uninstall;
    t.a().deadline = "2008-06-01";
    resolved_anomaly const a = t.resolve();
    EXPECT_EQ(a.kept_deployment_id, 1002);
    EXPECT_EQ(a.rule, "Install overrides OptionalInstall, Uninstall and the other actions");
}

TEST(FixedModelTest, RequiredInstallOverridesOptionalInstall) {
    two_rows t;
    t.a().action = deployment_action::optional_install;
    EXPECT_EQ(t.resolve().kept_deployment_id, 1002);
}

TEST(FixedModelTest, ADeadlineOverridesNone) {
    two_rows t;
    t.bee().deadline = "2009-01-01";
    resolved_anomaly const a = t.resolve();
    EXPECT_EQ(a.kept_deployment_id, 1002);
    EXPECT_EQ(a.rule, "earliest deadline");
}

TEST(FixedModelTest, EarlierDeadlineOverridesLater) {
    two_rows t;
    t.a().deadline = "2008-08-01T00:00:00Z";
    t.bee().deadline = "2008-07-01T00:00:00Z";
    EXPECT_EQ(t.resolve().kept_deployment_id, 1002);
}

TEST(FixedModelTest, LatestLastChangeTimeWhenTheDocumentedRulesTie) {
    two_rows t;
    t.a().last_change_time = "2008-06-12";
    resolved_anomaly const a = t.resolve();
    EXPECT_EQ(a.kept_deployment_id, 1001);
    EXPECT_EQ(a.rule, "latest LastChangeTime");
}

TEST(FixedModelTest, FirstGroupNameThenLowestDeploymentId) {
    two_rows t;
    t.a().target_group = "Z";  // same fields, groups Z and B
    sync_result r =
        must_succeed(make_fixed_model()->get_sync_info(t.b.build(), request({}, {}, {"Z", "B"})));
    ASSERT_EQ(r.resolved.size(), 1U);
    EXPECT_EQ(r.resolved[0].kept_deployment_id, 1002);
    EXPECT_EQ(r.resolved[0].rule, "first target-group name");

    catalog_builder same;  // the 8862 shape: two identical rows for one group
    same.add(8862);
    same.deploy(8862);
    same.deploy(8862);
    r = must_succeed(make_fixed_model()->get_sync_info(same.build(), request()));
    ASSERT_EQ(r.resolved.size(), 1U);
    EXPECT_EQ(r.resolved[0].kept_deployment_id, 1001);
    EXPECT_EQ(r.resolved[0].rule, "lowest deployment ID");
}

TEST(FixedModelTest, ReportsTheRowsGroupsAndRuleAsOneLogLine) {
    catalog_builder b;
    b.add(100, update_type::detectoid);
    b.add(8862);
    b.prereq(8862, {100});
    b.deploy(8862, all_computers_group, deployment_action::install, "2008-06-10");
    b.deploy(8862, "Office 2003", deployment_action::install, "2008-06-12");
    catalog const c = b.build();
    auto const m = make_fixed_model();
    auto const req = request({100}, {}, {all_computers_group, "Office 2003"});
    sync_result const r = must_succeed(m->get_sync_info(c, req));
    ASSERT_THAT(ids(r.new_updates), ElementsAre(8862));
    ASSERT_EQ(r.resolved.size(), 1U);
    resolved_anomaly const& a = r.resolved[0];
    EXPECT_EQ(a.table, "deploymentTable");
    EXPECT_EQ(a.revision_id, 8862);
    EXPECT_THAT(a.deployment_ids, ElementsAre(1001, 1002));
    EXPECT_THAT(a.groups, ElementsAre("All Computers", "Office 2003"));
    EXPECT_EQ(a.kept_deployment_id, 1002);
    EXPECT_EQ(
        a.to_string(),
        "GetSyncInfo: revision 8862 has 2 deployment rows for the client's groups "
        "(deploymentTable: "
        "deployments 1001, 1002; groups 'All Computers', 'Office 2003'); kept deployment 1002 "
        "(rule: deeper target group has priority)");
    // Before the detectoid is reported, the revision is not in the table and nothing is resolved.
    EXPECT_THAT(
        must_succeed(m->get_sync_info(c, request({}, {}, {all_computers_group, "Office 2003"})))
            .resolved,
        IsEmpty());
}

TEST(FixedModelTest, TreatsTheCachedListsAsSetsAndReportsRepeats) {
    catalog_builder b;
    b.add(10, update_type::detectoid);
    b.add(20);
    b.prereq(20, {10});
    b.deploy(20);
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
}  // namespace wsuslab::mitigation
