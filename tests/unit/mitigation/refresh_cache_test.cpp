// RefreshCache and SyncUpdates give one answer (docs/models.md §6): for every revision a client
// received with a deployment row of its own, RefreshCache maps the revision's identity to the
// same revision and the same wire Deployment, on both models, for every profile of the lab. The
// legacy model's RefreshCache fails on the anomaly exactly as its SyncUpdates does.

#include <map>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <wsuslab/mitigation/catalog.hpp>
#include <wsuslab/mitigation/diagnosis.hpp>
#include <wsuslab/mitigation/get_sync_info.hpp>
#include <wsuslab/mitigation/scenario_loader.hpp>
#include <wsuslab/mitigation/simulated_sync.hpp>

#include "fixtures.hpp"
#include "scenarios.hpp"

namespace wsuslab::mitigation {
namespace {

const scenario& lab() { return *test::shipped_kb954960(); }

std::string describe(const protocol::deployment& d) {
    std::ostringstream s;
    s << d.id << ' ' << protocol::deployment_action_name(d.action) << ' '
      << d.deadline.value_or("-") << ' ' << d.is_assigned << ' ' << d.last_change_time << ' '
      << d.download_priority.value_or("-") << ' ' << d.auto_select.value_or("-") << ' '
      << d.flag_bitmask.value_or("-");
    return s.str();
}

// Every revision the client received with a row of its own (deployment ID != 0), by revision ID.
std::map<std::int32_t, std::string> received_with_rows(const simulated_sync_result& r) {
    std::map<std::int32_t, std::string> out;
    for (auto const& round : r.trace) {
        if (!round.response) {
            continue;
        }
        for (auto const* list : {&round.response->new_updates, &round.response->changed_updates}) {
            for (auto const& u : *list) {
                if (u.deploy && u.deploy->id != 0) {
                    out[u.id] = describe(*u.deploy);
                }
            }
        }
    }
    return out;
}

refresh_request refresh_of(const catalog& c, const std::vector<std::string>& groups,
                           const std::map<std::int32_t, std::string>& revisions) {
    refresh_request r;
    r.groups = groups;
    r.client_supports_1_8_fields = true;
    for (auto const& [id, text] : revisions) {
        const revision* rev = c.find(id);
        r.identities.push_back({rev->update_id, rev->revision_number});
    }
    return r;
}

TEST(RefreshCacheTest, AnswersAsSyncUpdatesForEveryProfileOnBothModels) {
    catalog const c(lab());
    std::size_t compared = 0;
    for (model_kind const kind : {model_kind::legacy, model_kind::fixed}) {
        auto const model = make_model(kind);
        for (auto const& p : lab().profiles) {
            SCOPED_TRACE(std::string(model_name(kind)) + " " + p.name);
            simulated_sync_options o;
            o.groups = profile_groups(lab(), p);
            o.client_supports_1_8_fields = true;
            o.keep_responses = true;
            auto const synced = run_simulated_sync(*model, c, o, installed_on(p.machine));
            auto const sent = received_with_rows(synced);
            if (sent.empty()) {
                // Only the legacy Office workstation fails before any revision with a row of its
                // own arrives (the detectoid layers come first).
                EXPECT_TRUE(kind == model_kind::legacy && p.name == "office2003-workstation");
                continue;
            }
            auto const out = model->refresh_cache(c, refresh_of(c, o.groups, sent));
            ASSERT_TRUE(std::holds_alternative<refresh_result>(out));
            auto const& results = std::get<refresh_result>(out).results;
            ASSERT_EQ(results.size(), sent.size());
            for (auto const& item : results) {
                ASSERT_EQ(sent.count(item.revision_id), 1U) << item.revision_id;
                EXPECT_EQ(describe(*item.deploy), sent.at(item.revision_id)) << item.revision_id;
                EXPECT_EQ(item.is_leaf,
                          c.is_leaf(static_cast<std::size_t>(c.position(item.revision_id))));
                ++compared;
            }
        }
    }
    EXPECT_GT(compared, 60U);
}

TEST(RefreshCacheTest, MultiGroupApprovalsGiveTheSameRowOnBothPaths) {
    catalog const c(lab());
    std::vector<std::string> const workstation{all_computers_group, "Workstations"};
    std::vector<std::string> const server{all_computers_group, "Servers"};
    auto const refresh = [&](const std::vector<std::string>& groups, std::int32_t id) {
        auto const out = make_legacy_model()->refresh_cache(c, refresh_of(c, groups, {{id, ""}}));
        auto const& results = std::get<refresh_result>(out).results;
        return results.size() == 1 ? describe(*results[0].deploy) : std::string("(none)");
    };
    EXPECT_EQ(refresh(workstation, 8713), "30124 Install 2008-06-24T03:00:00Z 1 2008-06-12 - 0 0");
    EXPECT_EQ(refresh(server, 8713), "30123 Install 2008-06-17T03:00:00Z 1 2008-06-10 - 0 0");
    EXPECT_EQ(refresh(server, 8710), "30125 PreDeploymentCheck - 1 2008-04-09 - 0 0");
}

TEST(RefreshCacheTest, LegacyRefreshOfTheStrayPairFailsLikeItsSync) {
    catalog const c(lab());
    client_profile const& office = *lab().find_profile("office2003-workstation");
    std::vector<std::string> const groups = profile_groups(lab(), office);
    auto const legacy = make_legacy_model();
    simulated_sync_options o;
    o.groups = groups;
    auto const synced = run_simulated_sync(*legacy, c, o, installed_on(office.machine));
    ASSERT_TRUE(synced.failure.has_value());
    auto const out = legacy->refresh_cache(c, refresh_of(c, groups, {{8862, ""}}));
    ASSERT_TRUE(std::holds_alternative<duplicate_key_error>(out));
    EXPECT_EQ(std::get<duplicate_key_error>(out).message(), synced.failure->message());
    // The fixed model maps it to the row its SyncUpdates sends, and reports the anomaly.
    auto const fixed = make_fixed_model()->refresh_cache(c, refresh_of(c, groups, {{8862, ""}}));
    auto const& res = std::get<refresh_result>(fixed);
    ASSERT_EQ(res.results.size(), 1U);
    EXPECT_EQ(res.results[0].deploy->id, 31044);
    ASSERT_EQ(res.resolved.size(), 1U);
    EXPECT_EQ(res.resolved[0].to_string(),
              "RefreshCache: revision 8862 has 2 deployment rows for target group 'Workstations' "
              "(deploymentTable: deployments 31044, 20417); kept deployment 31044 (rule: latest "
              "LastChangeTime)");
}

TEST(RefreshCacheTest, MapsAnUnknownRevisionNumberToTheNewestRevisionWithARow) {
    catalog const c(lab());
    const revision* r8711 = c.find(8711);
    ASSERT_NE(r8711, nullptr);
    refresh_request r;
    r.groups = {all_computers_group, "Workstations"};
    // 8711 has no row; 8712 (RevisionNumber 101) has one. An unknown number maps there too.
    r.identities = {{r8711->update_id, r8711->revision_number},
                    {r8711->update_id, 999},
                    {"00000000-0000-0000-0000-000000000000", 1}};
    auto const out = make_fixed_model()->refresh_cache(c, r);
    auto const& results = std::get<refresh_result>(out).results;
    ASSERT_EQ(results.size(), 2U);
    EXPECT_EQ(results[0].revision_id, 8712);
    EXPECT_EQ(results[1].revision_id, 8712);
    EXPECT_EQ(results[1].global_id->revision_number, 999);
}

}  // namespace
}  // namespace wsuslab::mitigation
