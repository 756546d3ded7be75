// The legacy model (docs/models.md §3): one shared precedence reduces a revision's rows for the
// client's groups; only a stray second row of the winning (revision, group) pair fails the
// request, with .NET Hashtable.Add semantics. Ordinary multi-group approvals sync.

#include <string>
#include <variant>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <wsuslab/mitigation/get_sync_info.hpp>

#include "model_test_catalogs.hpp"

namespace wsuslab::mitigation::test {
namespace {

const std::vector<std::string> office_groups{all_computers_group, "Office 2003"};
const std::vector<std::string> groups_ab{all_computers_group, "A", "B"};

// Revision 8862 sits behind the "Office 2003 installed" detectoid 100. It is approved for All
// Computers and for "Office 2003" (an ordinary two-group approval), and the "Office 2003" pair,
// which wins the precedence (deeper group), has a stray second row.
catalog office_catalog() {
    catalog_builder b;
    b.add(100, update_type::detectoid);
    b.add(101, update_type::detectoid);  // some other product, ungated
    b.add(8862);
    b.add(300);
    b.prereq(8862, {100}).prereq(300, {101});
    b.deploy(8862, all_computers_group);
    b.deploy(8862, "Office 2003", deployment_action::install, "2008-06-11");
    b.deploy(8862, "Office 2003", deployment_action::install, "2004-08-31").stray =
        stray_origin::revision_migration;
    b.deploy(300);
    return b.build();
}

duplicate_key_error must_fail(const sync_outcome& o) {
    if (auto const* e = std::get_if<duplicate_key_error>(&o)) {
        return *e;
    }
    ADD_FAILURE() << "expected the request to fail";
    return {};
}

TEST(LegacyModelTest, FailsOnceTheStrayRowOfTheWinningPairIsReachable) {
    catalog const c = office_catalog();
    auto const m = make_legacy_model();
    duplicate_key_error const e =
        must_fail(m->get_sync_info(c, request({100}, {101}, office_groups)));
    EXPECT_EQ(e.table, "deploymentTable");
    EXPECT_EQ(e.key_in_dictionary, 8862);
    EXPECT_EQ(e.key_being_added, 8862);
    EXPECT_EQ(e.operation, protocol::operation::sync_updates);
    EXPECT_EQ(e.message(),
              "Item has already been added. Key in dictionary: '8862'  Key being added: '8862'");
}

TEST(LegacyModelTest, AnUpdateApprovedForTwoGroupsSyncs) {
    catalog_builder b;
    b.add(9);
    b.deploy(9, "A", deployment_action::install, "2008-06-10").deadline = "2008-07-01";
    b.deploy(9, "B", deployment_action::install, "2008-06-12");
    sync_result const r =
        must_succeed(make_legacy_model()->get_sync_info(b.build(), request({}, {}, groups_ab)));
    ASSERT_THAT(ids(r.new_updates), ElementsAre(9));
    // Same depth, same action: the row with a deadline wins.
    EXPECT_EQ(r.new_updates[0].deploy->id, 1001);
    EXPECT_EQ(r.precedence_merges, 1U);
    EXPECT_THAT(r.resolved, IsEmpty());
}

TEST(LegacyModelTest, AllComputersAndAChildGroupSyncWithTheChildsRow) {
    catalog_builder b;
    b.group("Workstations", all_computers_group);
    b.add(8713);
    b.deploy(8713, all_computers_group).deadline = "2008-06-17T03:00:00Z";
    b.deploy(8713, "Workstations").deadline = "2008-06-24T03:00:00Z";
    sync_result const r = must_succeed(make_legacy_model()->get_sync_info(
        b.build(), request({}, {}, {all_computers_group, "Workstations"})));
    ASSERT_EQ(r.new_updates.size(), 1U);
    EXPECT_EQ(r.new_updates[0].deploy->id,
              1002);  // the deeper group wins over the earlier deadline
    EXPECT_EQ(r.new_updates[0].deploy->deadline,
              std::optional<std::string>("2008-06-24T03:00:00Z"));
}

TEST(LegacyModelTest, EarlierDeadlineWinsBetweenGroupsOfOneDepth) {
    catalog_builder b;
    b.add(9);
    b.deploy(9, "A").deadline = "2008-07-15T00:00:00Z";
    b.deploy(9, "B").deadline = "2008-07-01T00:00:00Z";
    sync_result const r =
        must_succeed(make_legacy_model()->get_sync_info(b.build(), request({}, {}, groups_ab)));
    ASSERT_EQ(r.new_updates.size(), 1U);
    EXPECT_EQ(r.new_updates[0].deploy->id, 1002);
}

TEST(LegacyModelTest, BlockInOneGroupOverridesAnApprovalInAnotherAndSyncs) {
    catalog_builder b;
    b.group("Servers", all_computers_group);
    b.add(8710);
    b.deploy(8710, all_computers_group);
    b.deploy(8710, "Servers", deployment_action::block);
    sync_result const r = must_succeed(make_legacy_model()->get_sync_info(
        b.build(), request({}, {}, {all_computers_group, "Servers"})));
    ASSERT_EQ(r.new_updates.size(), 1U);
    EXPECT_EQ(r.new_updates[0].deploy->id, 1002);
    EXPECT_EQ(r.new_updates[0].deploy->action, deployment_action::pre_deployment_check);
}

TEST(LegacyModelTest, StrayRowInAGroupThatLosesThePrecedenceIsNeverReached) {
    catalog_builder b;
    b.group("Workstations", all_computers_group);
    b.add(8862);
    b.deploy(8862, all_computers_group);
    b.deploy(8862, all_computers_group).stray = stray_origin::revision_migration;
    b.deploy(8862, "Workstations");
    catalog const c = b.build();
    auto const m = make_legacy_model();
    sync_result const r =
        must_succeed(m->get_sync_info(c, request({}, {}, {all_computers_group, "Workstations"})));
    ASSERT_EQ(r.new_updates.size(), 1U);
    EXPECT_EQ(r.new_updates[0].deploy->id, 1003);
    EXPECT_EQ(r.precedence_merges, 1U);
    // A client only in All Computers gets the pair itself, and fails.
    EXPECT_EQ(must_fail(m->get_sync_info(c, request())).key_being_added, 8862);
}

TEST(LegacyModelTest, StrayBlockRowThatWinsFailsToo) {
    catalog_builder b;
    b.group("Workstations", all_computers_group);
    b.add(7);
    b.deploy(7, all_computers_group);
    b.deploy(7, "Workstations");
    b.deploy(7, all_computers_group, deployment_action::block).stray = stray_origin::unknown;
    EXPECT_EQ(must_fail(make_legacy_model()->get_sync_info(
                            b.build(), request({}, {}, {all_computers_group, "Workstations"})))
                  .key_being_added,
              7);
}

TEST(LegacyModelTest, BlockInAnotherGroupHidesTheStrayPair) {
    catalog_builder b;
    b.group("Servers", all_computers_group);
    b.add(7);
    b.deploy(7, all_computers_group);
    b.deploy(7, all_computers_group).stray = stray_origin::unknown;
    b.deploy(7, "Servers", deployment_action::block);
    sync_result const r = must_succeed(make_legacy_model()->get_sync_info(
        b.build(), request({}, {}, {all_computers_group, "Servers"})));
    ASSERT_EQ(r.new_updates.size(), 1U);
    EXPECT_EQ(r.new_updates[0].deploy->id, 1003);
}

TEST(LegacyModelTest, StackFramesAreThoseOfTheAdvisory) {
    duplicate_key_error const e{"deploymentTable", 8862, 8862};
    EXPECT_THAT(
        e.stack_frames(),
        ElementsAre(
            "at System.Collections.Hashtable.Insert(Object key, Object nvalue, Boolean add)",
            "at System.Collections.Hashtable.Add(Object key, Object value)",
            "at Microsoft.UpdateServices.Internal.ClientImplementation.GetSyncInfo(DataAccess "
            "dataAccess, "
            "Hashtable stateTable, Hashtable deploymentTable, Boolean haveGroupsChanged, Boolean "
            "doChunking)",
            "at Microsoft.UpdateServices.Internal.ClientImplementation.SoftwareSync(DataAccess "
            "dataAccess, "
            "UnencryptedCookieData cookieData, Int32[] installedNonLeafUpdateIds, Int32[] "
            "leafUpdateIds, "
            "Boolean haveGroupsChanged, Boolean expressQuery)",
            "at Microsoft.UpdateServices.Internal.ClientImplementation.SyncUpdates(Cookie cookie, "
            "SyncUpdateParameters parameters)",
            "at Microsoft.UpdateServices.Internal.ClientImplementation.SyncUpdates(Cookie cookie, "
            "SyncUpdateParameters parameters)",
            "at Microsoft.UpdateServices.Internal.Client.SyncUpdates(Cookie cookie, "
            "SyncUpdateParameters "
            "parameters)"));
}

TEST(LegacyModelTest, ClientsWithoutTheDetectoidNeverReachTheDuplicate) {
    catalog const c = office_catalog();
    auto const m = make_legacy_model();
    sync_result r = must_succeed(m->get_sync_info(c, request({}, {}, office_groups)));
    EXPECT_THAT(ids(r.new_updates), ElementsAre(100, 101));
    // Detectoid 100 evaluated as not installed; the other product's layer still arrives.
    r = must_succeed(m->get_sync_info(c, request({101}, {100}, office_groups)));
    EXPECT_THAT(ids(r.new_updates), ElementsAre(300));
}

TEST(LegacyModelTest, ClearingTheClientCacheDoesNotHelp) {
    catalog const c = office_catalog();
    auto const m = make_legacy_model();
    for (auto const& req :
         {request({100}, {}, office_groups), request({100}, {101, 300, 8862}, office_groups)}) {
        EXPECT_EQ(must_fail(m->get_sync_info(c, req)).key_being_added, 8862);
    }
}

TEST(LegacyModelTest, RowsOfGroupsTheClientIsNotInDoNotCollide) {
    catalog const c = office_catalog();
    auto const m = make_legacy_model();
    sync_result const r = must_succeed(m->get_sync_info(c, request({100, 101})));
    EXPECT_THAT(ids(r.new_updates), ElementsAre(300, 8862));
}

TEST(LegacyModelTest, ReportsTheLowestRevisionIdThatReachesTheAnomaly) {
    catalog_builder b;
    b.add(7);
    b.add(5);
    b.add(3);
    b.deploy(7);
    b.deploy(7);
    b.deploy(5, "A");
    b.deploy(5, "A");
    b.deploy(3, "A");
    b.deploy(3, "B");  // an ordinary two-group approval with a lower ID: no failure
    duplicate_key_error const e = must_fail(make_legacy_model()->get_sync_info(
        b.build(), request({}, {}, {"A", "B", all_computers_group})));
    EXPECT_EQ(e.message(),
              "Item has already been added. Key in dictionary: '5'  Key being added: '5'");
}

TEST(LegacyModelTest, AnomalyOfTheOtherPassTypeDoesNotFailThisPass) {
    catalog_builder b;
    b.add(60, update_type::driver);
    b.add(61);
    b.deploy(60);
    b.deploy(60, "Drivers");
    b.deploy(60, "Drivers");
    b.deploy(61);
    catalog const c = b.build();
    auto const m = make_legacy_model();
    auto req = request({}, {}, {all_computers_group, "Drivers"});
    EXPECT_THAT(ids(must_succeed(m->get_sync_info(c, req)).new_updates), ElementsAre(61));
    req.skip_software_sync = true;
    EXPECT_EQ(must_fail(m->get_sync_info(c, req)).key_being_added, 60);
}

TEST(LegacyModelTest, RefreshCacheFailsOnTheSameAnomalyWithItsOwnFrames) {
    catalog const c = office_catalog();
    auto const m = make_legacy_model();
    refresh_request r;
    r.groups = office_groups;
    r.identities = {{"u300", 1}};
    auto const ok = m->refresh_cache(c, r);
    ASSERT_TRUE(std::holds_alternative<refresh_result>(ok));
    EXPECT_EQ(std::get<refresh_result>(ok).results.size(), 1U);
    r.identities.push_back({"U8862", 1});  // UpdateIDs match case-insensitively
    auto const failed = m->refresh_cache(c, r);
    ASSERT_TRUE(std::holds_alternative<duplicate_key_error>(failed));
    duplicate_key_error const& e = std::get<duplicate_key_error>(failed);
    EXPECT_EQ(e.operation, protocol::operation::refresh_cache);
    EXPECT_EQ(e.message(),
              "Item has already been added. Key in dictionary: '8862'  Key being added: '8862'");
    EXPECT_THAT(
        e.stack_frames(),
        ElementsAre(
            "at System.Collections.Hashtable.Insert(Object key, Object nvalue, Boolean add)",
            "at System.Collections.Hashtable.Add(Object key, Object value)",
            "at Microsoft.UpdateServices.Internal.ClientImplementation.RefreshCache(Cookie "
            "cookie, UpdateIdentity[] globalIDs)",
            "at Microsoft.UpdateServices.Internal.Client.RefreshCache(Cookie cookie, "
            "UpdateIdentity[] globalIDs)"));
}

TEST(LegacyModelTest, StateTableOverwritesRepeatedIdsByDefault) {
    catalog const c = office_catalog();
    sync_result const r =
        must_succeed(make_legacy_model()->get_sync_info(c, request({101}, {101, 100, 100})));
    EXPECT_THAT(ids(r.new_updates), ElementsAre(300));
    EXPECT_THAT(r.resolved, IsEmpty());
}

TEST(LegacyModelTest, StateTableWithAddFailsOnAnIdInBothLists) {
    catalog const c = office_catalog();
    auto const m = make_legacy_model(legacy_options{true});
    duplicate_key_error const e = must_fail(m->get_sync_info(c, request({101}, {100, 101})));
    EXPECT_EQ(e.table, "stateTable");
    EXPECT_EQ(e.message(),
              "Item has already been added. Key in dictionary: '101'  Key being added: '101'");
    // SoftwareSync fills the state table before it calls GetSyncInfo.
    auto const frames = e.stack_frames();
    ASSERT_EQ(frames.size(), 6U);
    EXPECT_EQ(frames[1], "at System.Collections.Hashtable.Add(Object key, Object value)");
    EXPECT_THAT(frames[2],
                ::testing::StartsWith(
                    "at Microsoft.UpdateServices.Internal.ClientImplementation.SoftwareSync("));
    // Distinct IDs pass.
    EXPECT_THAT(ids(must_succeed(m->get_sync_info(c, request({101}, {100}))).new_updates),
                ElementsAre(300));
}

TEST(LegacyModelTest, StateTableWithAddChecksTheDriverCacheInTheDriverPass) {
    catalog const c = office_catalog();
    auto req = request();
    req.skip_software_sync = true;
    req.cached_driver_ids = {9, 9};
    EXPECT_EQ(
        must_fail(make_legacy_model(legacy_options{true})->get_sync_info(c, req)).key_in_dictionary,
        9);
}

TEST(LegacyModelTest, KindAndName) {
    EXPECT_EQ(make_legacy_model()->kind(), model_kind::legacy);
    EXPECT_EQ(make_model(model_kind::legacy)->kind(), model_kind::legacy);
    EXPECT_EQ(model_name(model_kind::legacy), "legacy");
    EXPECT_EQ(model_name(model_kind::fixed), "fixed");
}

}  // namespace
}  // namespace wsuslab::mitigation::test
