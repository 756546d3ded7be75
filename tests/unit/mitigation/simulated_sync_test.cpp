// The in-process simulated client loop (docs/protocol-notes.md §8.3).

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <wsuslab/mitigation/simulated_sync.hpp>

#include "model_test_catalogs.hpp"

namespace wsuslab::mitigation {
namespace {

using test::catalog_builder;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

installed_predicate installed_ids(std::set<std::int32_t> ids) {
    return [ids](const revision& r) { return ids.count(r.revision_id) != 0; };
}

// Detectoid 10 gates leaf 20; detectoid 11 gates leaf 21 (bundling 22) and driver 30.
catalog small_catalog() {
    catalog_builder b;
    b.add(10, update_type::detectoid);
    b.add(11, update_type::detectoid);
    b.add(20);
    b.add(21);
    b.add(22);
    b.add(30, update_type::driver);
    b.prereq(20, {10}).prereq(21, {11}).prereq(30, {11}).bundle(21, {22});
    b.deploy(20);
    b.deploy(21, all_computers_group, protocol::deployment_action::install, "2008-06-12");
    b.deploy(30);
    return b.build();
}

TEST(SimulatedSyncTest, RoundsUntilEmptyThenOneDriverPass) {
    catalog const c = small_catalog();
    auto const m = make_legacy_model();
    simulated_sync_result const r = run_simulated_sync(*m, c, {}, installed_ids({10, 11}));
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r.rounds, 5U);
    ASSERT_EQ(r.trace.size(), 5U);
    EXPECT_THAT(r.trace[0].new_update_ids, ElementsAre(10, 11));
    EXPECT_THAT(r.trace[1].installed_non_leaf, ElementsAre(10, 11));
    EXPECT_THAT(r.trace[1].new_update_ids, ElementsAre(22));  // bundle members first
    EXPECT_TRUE(r.trace[1].truncated);
    EXPECT_THAT(r.trace[2].new_update_ids, ElementsAre(20, 21));
    EXPECT_FALSE(r.trace[2].truncated);
    EXPECT_THAT(r.trace[3].new_update_ids, IsEmpty());
    EXPECT_FALSE(r.trace[3].driver_pass);
    EXPECT_TRUE(r.trace[4].driver_pass);
    EXPECT_THAT(r.trace[4].new_update_ids, ElementsAre(30));
    EXPECT_EQ(r.trace[4].installed_non_leaf_sent, 2U);
    EXPECT_EQ(r.trace[4].other_cached_sent, 3U);
    EXPECT_THAT(r.installed_non_leaf, ElementsAre(10, 11));
    EXPECT_THAT(r.other_cached, ElementsAre(20, 21, 22));
    EXPECT_THAT(r.cached_drivers, ElementsAre(30));
    EXPECT_THAT(r.cache(), ElementsAre(10, 11, 20, 21, 22, 30));
    EXPECT_EQ(r.updates_received, 6U);
    EXPECT_THAT(r.received_twice, IsEmpty());
    EXPECT_EQ(r.watermark, "2008-06-12");
}

TEST(SimulatedSyncTest, NotInstalledDetectoidsGoToOtherCached) {
    catalog const c = small_catalog();
    simulated_sync_options o;
    o.driver_pass = false;
    simulated_sync_result const r =
        run_simulated_sync(*make_fixed_model(), c, o, installed_ids({10}));
    ASSERT_TRUE(r.ok());
    // Bundle member 22 has no prerequisites of its own, so it is needed even though its parent
    // 21 waits for detectoid 11 (docs/protocol-notes.md §7.1 filters each revision on its own
    // clauses).
    EXPECT_EQ(r.rounds, 4U);
    EXPECT_THAT(r.installed_non_leaf, ElementsAre(10));
    EXPECT_THAT(r.other_cached, ElementsAre(11, 20, 22));
    EXPECT_THAT(r.cached_drivers, IsEmpty());
}

TEST(SimulatedSyncTest, FailureAbortsTheSyncAndNamesTheRound) {
    catalog_builder b = test::behind_a_detectoid(100, 8862);
    b.deploy(8862, "Office 2003");
    b.deploy(8862, "Office 2003").stray = stray_origin::revision_migration;
    catalog const c = b.build();
    simulated_sync_options o;
    o.groups = {all_computers_group, "Office 2003"};
    simulated_sync_result const r =
        run_simulated_sync(*make_legacy_model(), c, o, installed_ids({100}));
    EXPECT_FALSE(r.ok());
    ASSERT_TRUE(r.failure.has_value());
    EXPECT_EQ(r.failure->message(),
              "Item has already been added. Key in dictionary: '8862'  Key being added: '8862'");
    EXPECT_EQ(r.failed_round, 2U);
    EXPECT_EQ(r.rounds, 2U);
    ASSERT_EQ(r.trace.size(), 2U);
    EXPECT_TRUE(r.trace[1].failure.has_value());
    EXPECT_EQ(r.trace[1].installed_non_leaf_sent, 1U);
    EXPECT_THAT(r.installed_non_leaf, ElementsAre(100));  // what round 1 delivered stays cached

    // The same client without Office 2003 converges; the fixed model converges for both.
    EXPECT_TRUE(run_simulated_sync(*make_legacy_model(), c, o, installed_ids({})).ok());
    simulated_sync_result const fixed =
        run_simulated_sync(*make_fixed_model(), c, o, installed_ids({100}));
    ASSERT_TRUE(fixed.ok());
    EXPECT_THAT(fixed.other_cached, ElementsAre(8862));
    // Resolved (and reported) on each request that loads the rows: rounds 2 and 3.
    ASSERT_EQ(fixed.resolved.size(), 2U);
    EXPECT_EQ(fixed.resolved[0].revision_id, 8862);
}

TEST(SimulatedSyncTest, ClearingTheCacheGivesTheSameFailure) {
    catalog_builder b = test::behind_a_detectoid(100, 8862);
    b.deploy(8862);
    catalog const c = b.build();
    simulated_sync_options warm;
    warm.initial_cache = {100};
    auto const m = make_legacy_model();
    simulated_sync_result const w = run_simulated_sync(*m, c, warm, installed_ids({100}));
    simulated_sync_result const cold = run_simulated_sync(*m, c, {}, installed_ids({100}));
    ASSERT_TRUE(w.failure && cold.failure);
    EXPECT_EQ(w.failure->message(), cold.failure->message());
    EXPECT_EQ(w.failed_round, 1U);  // the warm client reports the detectoid at once
    EXPECT_EQ(cold.failed_round, 2U);
}

TEST(SimulatedSyncTest, DifferentialSyncStartsFromTheInitialCacheAndDropsOutOfScope) {
    catalog const c = small_catalog();
    simulated_sync_options o;
    o.initial_cache = {10, 20, 999};
    o.initial_watermark = "2008-06-11";
    o.driver_pass = false;
    o.keep_responses = true;
    simulated_sync_result const r =
        run_simulated_sync(*make_fixed_model(), c, o, installed_ids({10}));
    ASSERT_TRUE(r.ok());
    EXPECT_THAT(r.trace[0].installed_non_leaf, ElementsAre(10));
    EXPECT_THAT(r.trace[0].other_cached, ElementsAre(20, 999));
    EXPECT_THAT(r.trace[0].out_of_scope, ElementsAre(999));
    EXPECT_THAT(r.trace[0].new_update_ids, ElementsAre(11));
    ASSERT_TRUE(r.trace[0].response.has_value());
    EXPECT_EQ(r.trace[0].response->new_watermark, "2008-06-11");
    EXPECT_THAT(r.cache(), ElementsAre(10, 11, 20, 22));
}

TEST(SimulatedSyncTest, ChangedUpdatesReachACachedClient) {
    catalog const c = small_catalog();
    simulated_sync_options o;
    o.initial_cache = {10, 11, 20, 21, 22};
    o.initial_watermark = "2008-06-11";
    o.driver_pass = false;
    simulated_sync_result const r =
        run_simulated_sync(*make_legacy_model(), c, o, installed_ids({10, 11}));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.rounds, 1U);
    EXPECT_THAT(r.trace[0].changed_update_ids, ElementsAre(21));
    EXPECT_EQ(r.watermark, "2008-06-12");
}

TEST(SimulatedSyncTest, StopsAtTheRoundCap) {
    catalog_builder b = test::behind_five_detectoids();
    simulated_sync_options o;
    o.page_size = 1;
    o.max_rounds = 3;
    simulated_sync_result const r =
        run_simulated_sync(*make_fixed_model(), b.build(), o, installed_ids({}));
    EXPECT_FALSE(r.ok());
    EXPECT_TRUE(r.exceeded_max_rounds);
    EXPECT_FALSE(r.failure.has_value());
    EXPECT_EQ(r.rounds, 3U);
    EXPECT_THAT(r.other_cached, ElementsAre(1, 2, 3));
}

TEST(SimulatedSyncTest, InstalledOnEvaluatesApplicabilityRules) {
    catalog_builder b;
    b.add(100, update_type::detectoid).applicability_xml =
        "<ApplicabilityRules><IsInstalled><b.RegKeyExists Key=\"HKEY_LOCAL_MACHINE\" "
        "Subkey=\"SOFTWARE\\Microsoft\\Office\\11.0\" /></IsInstalled></ApplicabilityRules>";
    b.add(101, update_type::detectoid).applicability_xml =
        "<ApplicabilityRules><Bogus /></ApplicabilityRules>";
    catalog const c = b.build();
    protocol::machine_state office;
    office.registry["HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Office\\11.0"] = {};
    installed_predicate const with = installed_on(office);
    installed_predicate const without = installed_on(protocol::machine_state{});
    EXPECT_TRUE(with(*c.find(100)));
    EXPECT_TRUE(with(*c.find(100)));  // memoized answer
    EXPECT_FALSE(without(*c.find(100)));
    EXPECT_FALSE(with(*c.find(101)));  // rules that do not parse: not installed
}

}  // namespace
}  // namespace wsuslab::mitigation
