// The staged algorithm both models share (docs/protocol-notes.md §7.1, §7.3), run against each
// model on catalogues without duplicate rows, where the two must behave identically.

#include <cstdint>
#include <memory>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <wsuslab/mitigation/get_sync_info.hpp>

#include "model_test_catalogs.hpp"

namespace wsuslab::mitigation::test {
namespace {

class SharedAlgorithmTest : public ::testing::TestWithParam<model_kind> {
protected:
    sync_result sync(const catalog& c, const sync_request& r) const {
        return must_succeed(make_model(GetParam())->get_sync_info(c, r));
    }
};

// Detectoid 10 gates leaf 20, which is deployed to All Computers.
catalog gated_leaf() {
    catalog_builder b;
    b.add(10, update_type::detectoid);
    b.add(20);
    b.prereq(20, {10});
    b.deploy(20).deadline = "2008-07-01T00:00:00Z";
    return b.build();
}

TEST_P(SharedAlgorithmTest, FirstCallSendsOnlyRevisionsWithoutPrerequisites) {
    catalog const c = gated_leaf();
    sync_result const r = sync(c, request());
    ASSERT_THAT(ids(r.new_updates), ElementsAre(10));
    auto const& u = r.new_updates[0];
    EXPECT_FALSE(u.is_leaf);
    EXPECT_EQ(u.xml, "<UpdateIdentity UpdateID=\"u10\" RevisionNumber=\"1\" />");
    ASSERT_TRUE(u.deploy.has_value());
    EXPECT_EQ(u.deploy->action, deployment_action::evaluate);
    EXPECT_EQ(u.deploy->id, 0);
    EXPECT_FALSE(u.deploy->is_assigned);
    EXPECT_EQ(u.deploy->last_change_time, "2008-06-10");
    EXPECT_FALSE(r.truncated);
    EXPECT_THAT(r.out_of_scope, IsEmpty());
    EXPECT_THAT(r.changed_updates, IsEmpty());
    EXPECT_EQ(r.new_watermark, "");  // no row entered the table yet
}

TEST_P(SharedAlgorithmTest, InstalledDetectoidUnlocksItsDependants) {
    catalog const c = gated_leaf();
    sync_result const r = sync(c, request({10}));
    ASSERT_THAT(ids(r.new_updates), ElementsAre(20));
    auto const& d = *r.new_updates[0].deploy;
    EXPECT_TRUE(r.new_updates[0].is_leaf);
    EXPECT_EQ(d.id, 1001);
    EXPECT_EQ(d.action, deployment_action::install);
    EXPECT_EQ(d.deadline, "2008-07-01T00:00:00Z");
    EXPECT_TRUE(d.is_assigned);
    EXPECT_EQ(d.last_change_time, "2008-06-10");
    EXPECT_FALSE(d.auto_select.has_value());
    EXPECT_EQ(r.new_watermark, "2008-06-10");
}

TEST_P(SharedAlgorithmTest, NotInstalledDetectoidKeepsDependantsOut) {
    catalog const c = gated_leaf();
    sync_result const r = sync(c, request({}, {10}));
    EXPECT_THAT(r.new_updates, IsEmpty());
    EXPECT_THAT(r.out_of_scope, IsEmpty());
    EXPECT_FALSE(r.truncated);
}

TEST_P(SharedAlgorithmTest, LayersArriveOneStagePerResponseInPriorityOrder) {
    catalog_builder b;
    b.add(1, update_type::category);
    b.add(2, update_type::detectoid);
    b.add(5);
    b.add(6);
    b.add(7);
    b.prereq(2, {1}).prereq(5, {2}).prereq(7, {1}).bundle(5, {6});
    b.deploy(5);
    b.deploy(7);
    catalog const c = b.build();

    sync_result r = sync(c, request());
    EXPECT_THAT(ids(r.new_updates), ElementsAre(1));  // root; bundle member 6 waits
    EXPECT_TRUE(r.truncated);

    r = sync(c, request({1}));
    EXPECT_THAT(ids(r.new_updates), ElementsAre(2));  // non-leaf with prerequisites
    EXPECT_EQ(r.new_updates[0].deploy->action, deployment_action::evaluate);
    EXPECT_TRUE(r.truncated);

    r = sync(c, request({1, 2}));
    ASSERT_THAT(ids(r.new_updates), ElementsAre(6));  // bundle members before other leaves
    EXPECT_EQ(r.new_updates[0].deploy->action, deployment_action::bundle);
    EXPECT_TRUE(r.new_updates[0].deploy->is_assigned);
    EXPECT_TRUE(r.new_updates[0].is_leaf);
    EXPECT_TRUE(r.truncated);

    r = sync(c, request({1, 2}, {6}));
    ASSERT_THAT(ids(r.new_updates), ElementsAre(5, 7));
    EXPECT_EQ(r.new_updates[0].deploy->action, deployment_action::install);
    EXPECT_FALSE(r.truncated);

    r = sync(c, request({1, 2}, {5, 6, 7}));
    EXPECT_THAT(r.new_updates, IsEmpty());
    EXPECT_FALSE(r.truncated);
}

TEST_P(SharedAlgorithmTest, PagesAtTheCapAndTruncatesWhileMoreRemain) {
    catalog const c = behind_five_detectoids().build();
    sync_request req = request();
    req.page_size = 2;
    sync_result r = sync(c, req);
    EXPECT_THAT(ids(r.new_updates), ElementsAre(1, 2));
    EXPECT_TRUE(r.truncated);
    req.other_cached = {1, 2};
    r = sync(c, req);
    EXPECT_THAT(ids(r.new_updates), ElementsAre(3, 4));
    EXPECT_TRUE(r.truncated);
    req.other_cached = {1, 2, 3, 4};
    r = sync(c, req);
    EXPECT_THAT(ids(r.new_updates), ElementsAre(5));
    EXPECT_FALSE(r.truncated);
    req.page_size = 0;  // no paging
    req.other_cached = {};
    EXPECT_THAT(ids(sync(c, req).new_updates), ElementsAre(1, 2, 3, 4, 5));
}

TEST_P(SharedAlgorithmTest, OutOfScopeIsCachedMinusNeededSorted) {
    catalog const c = [] {
        catalog_builder b;
        b.add(10, update_type::detectoid);
        b.add(20);
        b.add(30);  // not deployed, not a dependency
        b.prereq(20, {10});
        b.deploy(20);
        return b.build();
    }();
    sync_result const r = sync(c, request({10}, {999, 30, 20, 30}));
    EXPECT_THAT(r.out_of_scope, ElementsAre(30, 999));
    EXPECT_THAT(r.new_updates, IsEmpty());
    // Without the installed detectoid, its cached dependant leaves the scope too.
    EXPECT_THAT(sync(c, request({}, {10, 20})).out_of_scope, ElementsAre(20));
}

TEST_P(SharedAlgorithmTest, ChangedUpdatesAreCachedRevisionsNewerThanTheWatermark) {
    catalog const c = gated_leaf();
    sync_request req = request({10}, {20});
    req.watermark = "2008-06-09";
    sync_result r = sync(c, req);
    ASSERT_THAT(ids(r.changed_updates), ElementsAre(20));
    EXPECT_EQ(r.changed_updates[0].deploy->id, 1001);
    EXPECT_EQ(r.new_watermark, "2008-06-10");
    req.watermark = "2008-06-10";
    EXPECT_THAT(sync(c, req).changed_updates, IsEmpty());
    req.watermark = "2009-01-01";
    r = sync(c, req);
    EXPECT_THAT(r.changed_updates, IsEmpty());
    EXPECT_EQ(r.new_watermark, "2009-01-01");
}

TEST_P(SharedAlgorithmTest, BlockIsSentAsPreDeploymentCheck) {
    catalog_builder b;
    b.add(40);
    b.deploy(40, all_computers_group, deployment_action::block);
    sync_result const r = sync(b.build(), request());
    ASSERT_THAT(ids(r.new_updates), ElementsAre(40));
    EXPECT_EQ(r.new_updates[0].deploy->action, deployment_action::pre_deployment_check);
}

TEST_P(SharedAlgorithmTest, SendsOnlyTheHighestRevisionOfAnUpdate) {
    catalog_builder b;
    b.add(40, update_type::software, "kb1", 1);
    b.add(41, update_type::software, "kb1", 3);
    b.add(42, update_type::software, "kb1", 2);
    b.deploy(40);
    b.deploy(41);
    b.deploy(42);
    catalog const c = b.build();
    EXPECT_THAT(ids(sync(c, request()).new_updates), ElementsAre(41));
    sync_result const r = sync(c, request({}, {40}));
    EXPECT_THAT(ids(r.new_updates), ElementsAre(41));
    EXPECT_THAT(r.out_of_scope, ElementsAre(40));
}

TEST_P(SharedAlgorithmTest, SendsTheNewerFieldsOnlyToClientsThatSupportThem) {
    catalog const c = gated_leaf();
    sync_request req = request({10});
    req.client_supports_1_8_fields = true;
    auto const d = *sync(c, req).new_updates.at(0).deploy;
    EXPECT_EQ(d.auto_select, "0");
    EXPECT_EQ(d.auto_download, "0");
    EXPECT_EQ(d.supersedence_behavior, "0");
    EXPECT_EQ(d.flag_bitmask, "0");
}

TEST_P(SharedAlgorithmTest, IgnoresRowsOfOtherGroupsAndRepeatedGroupNames) {
    catalog_builder b;
    b.add(50);
    b.add(51);
    b.deploy(50, "Servers");
    b.deploy(51, "Desktops");
    catalog const c = b.build();
    auto const req =
        request({}, {}, {"Desktops", all_computers_group, "Desktops", "Unknown group"});
    sync_result const r = sync(c, req);
    EXPECT_THAT(ids(r.new_updates), ElementsAre(51));
    EXPECT_THAT(r.resolved, IsEmpty());
}

TEST_P(SharedAlgorithmTest, DriverPassSendsOnlyDriversAndUsesTheDriverCache) {
    catalog_builder b;
    b.add(60, update_type::driver);
    b.add(61);
    b.deploy(60);
    b.deploy(61);
    catalog const c = b.build();
    EXPECT_THAT(ids(sync(c, request()).new_updates), ElementsAre(61));
    sync_request req = request({}, {61});
    req.skip_software_sync = true;
    EXPECT_THAT(ids(sync(c, req).new_updates), ElementsAre(60));
    req.cached_driver_ids = {60, 61};
    sync_result const r = sync(c, req);
    EXPECT_THAT(r.new_updates, IsEmpty());
    EXPECT_THAT(r.out_of_scope, ElementsAre(61));
}

TEST_P(SharedAlgorithmTest, ClosureFollowsBundlesAndIgnoresCycles) {
    catalog_builder b;
    b.add(70, update_type::detectoid);
    b.add(71, update_type::detectoid);
    b.add(72);
    b.prereq(70, {71}).prereq(71, {70}).prereq(72, {70});
    b.deploy(72);
    catalog const c = b.build();
    sync_result const r = sync(c, request());
    EXPECT_THAT(r.new_updates, IsEmpty());  // a prerequisite cycle is never satisfied
    EXPECT_FALSE(r.truncated);
}

INSTANTIATE_TEST_SUITE_P(BothModels, SharedAlgorithmTest,
                         ::testing::Values(model_kind::legacy, model_kind::fixed),
                         [](const ::testing::TestParamInfo<model_kind>& param_info) {
                             return param_info.param == model_kind::legacy ? "Legacy" : "Fixed";
                         });

}  // namespace
}  // namespace wsuslab::mitigation::test
