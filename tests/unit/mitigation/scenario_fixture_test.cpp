// The shipped lab scenario fixtures/scenarios/kb954960.xml: its shape and the failure it holds.
#include <algorithm>
#include <set>

#include <gtest/gtest.h>

#include <wsuslab/mitigation/catalog.hpp>
#include <wsuslab/mitigation/get_sync_info.hpp>
#include <wsuslab/mitigation/scenario_loader.hpp>
#include <wsuslab/mitigation/simulated_sync.hpp>

#include "fixtures.hpp"
#include "scenarios.hpp"

namespace wsuslab::mitigation {
namespace {

scenario load_lab() { return test::load_scenario_or_failure(test::fixture_path("scenarios/kb954960.xml")); }

std::vector<std::string> groups_of(const client_profile& p) {
    std::vector<std::string> groups{all_computers_group};
    groups.insert(groups.end(), p.target_groups.begin(), p.target_groups.end());
    return groups;
}

simulated_sync_result sync_profile(const scenario& s, const client_profile& p, model_kind k) {
    catalog const c(s);
    auto const model = make_model(k);
    simulated_sync_options options;
    options.groups = groups_of(p);
    return run_simulated_sync(*model, c, options, installed_on(p.machine));
}

TEST(ScenarioFixtureTest, LoadsWithTheLabShape) {
    scenario const s = load_lab();
    EXPECT_EQ(s.name, "kb954960");
    EXPECT_EQ(s.server.product_version, "3.1.6001.65");
    EXPECT_TRUE(s.server.client_side_targeting);
    EXPECT_TRUE(s.server.registration_required);
    EXPECT_GE(s.revisions.size(), 40U);
    EXPECT_LE(s.revisions.size(), 80U);
    ASSERT_NE(s.find_revision(8862), nullptr);
    EXPECT_EQ(s.find_revision(8862)->title, "Office 2003 Service Pack 1");
    EXPECT_TRUE(s.find_revision(8862)->expired);
    EXPECT_TRUE(s.find_revision(8862)->declined);
    auto const rows = std::count_if(s.deployments.begin(), s.deployments.end(),
                                    [](const deployment_row& d) { return d.revision_id == 8862; });
    EXPECT_EQ(rows, 2);
    for (const char* name : {"office2003-workstation", "plain-workstation", "server-2003"}) {
        EXPECT_NE(s.find_profile(name), nullptr) << name;
    }
    bool has_bundle = std::any_of(s.revisions.begin(), s.revisions.end(),
                                  [](const revision& r) { return !r.bundled_revisions.empty(); });
    EXPECT_TRUE(has_bundle);
}

TEST(ScenarioFixtureTest, LegacyModelFailsOnlyTheOfficeWorkstationOnRevision8862) {
    scenario const s = load_lab();
    for (auto const& p : s.profiles) {
        auto const result = sync_profile(s, p, model_kind::legacy);
        if (p.name == "office2003-workstation") {
            ASSERT_TRUE(result.failure.has_value()) << p.name;
            EXPECT_EQ(result.failure->key_being_added, 8862);
            EXPECT_EQ(result.failure->table, "deploymentTable");
            EXPECT_GT(result.failed_round, 1U) << "8862 must only be reachable on a later round";
        } else {
            EXPECT_TRUE(result.ok()) << p.name;
        }
    }
}

TEST(ScenarioFixtureTest, FixedModelSyncsEveryProfile) {
    scenario const s = load_lab();
    for (auto const& p : s.profiles) {
        auto const result = sync_profile(s, p, model_kind::fixed);
        EXPECT_TRUE(result.ok()) << p.name;
        EXPECT_TRUE(result.received_twice.empty()) << p.name;
    }
}

}  // namespace
}  // namespace wsuslab::mitigation
