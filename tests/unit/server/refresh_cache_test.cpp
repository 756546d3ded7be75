// RefreshCache and SyncUpdates through wsus_service give one answer (docs/models.md §6): the
// same revision and the same Deployment for every revision a client received with a row of its
// own, on both models; the legacy model's RefreshCache fails on the stray pair of 8862 as its
// SyncUpdates does, and the fixed model logs the anomaly it resolved.

#include <algorithm>
#include <map>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "service_fixture.hpp"

namespace wsuslab::server::test {
namespace {

using ::testing::HasSubstr;

std::string describe(const protocol::deployment& d) {
    std::ostringstream s;
    s << d.id << ' ' << protocol::deployment_action_name(d.action) << ' ' << d.deadline.value_or("-")
      << ' ' << d.is_assigned << ' ' << d.last_change_time << ' ' << d.download_priority.value_or("-");
    return s.str();
}

// Every category and detectoid but the Office 2003 ones: the client never reaches 8862.
protocol::id_list non_leaf_without_office() {
    protocol::id_list ids = all_non_leaf(*kb954960());
    ids.erase(std::remove_if(ids.begin(), ids.end(), [](std::int32_t id) { return id >= 8107 && id <= 8109; }),
              ids.end());
    return ids;
}

// Runs SyncUpdates rounds as a client would (received IDs go back as cached) and returns the
// Deployment of every revision that came with a row of its own, by revision ID.
std::map<std::int32_t, std::string> synced_rows(service_harness& h, protocol::cookie c,
                                                const protocol::id_list& installed) {
    std::map<std::int32_t, std::string> rows;
    protocol::id_list cached;
    for (int round = 0; round < 20; ++round) {
        auto resp = h.call<protocol::sync_updates_response>(service_harness::sync_request(c, installed, cached));
        if (!resp.result || !resp.result->new_updates) {
            ADD_FAILURE() << "no SyncInfo in round " << round + 1;
            break;
        }
        for (auto const& u : *resp.result->new_updates) {
            cached.push_back(u.id);
            if (u.deploy && u.deploy->id != 0) {
                rows[u.id] = describe(*u.deploy);
            }
        }
        c = resp.result->new_cookie.value_or(c);
        if (resp.result->new_updates->empty() && !resp.result->truncated) {
            break;
        }
    }
    return rows;
}

protocol::refresh_cache_request refresh_of(const protocol::cookie& c, const std::vector<std::int32_t>& ids) {
    protocol::refresh_cache_request r;
    r.cookie_ = c;
    r.global_ids = std::vector<protocol::update_identity>{};
    for (const std::int32_t id : ids) {
        const auto* rev = kb954960()->find_revision(id);
        r.global_ids->push_back({rev->update_id, rev->revision_number});
    }
    return r;
}

void expect_refresh_matches_sync(mitigation::model_kind kind, const char* client_id, const char* dns,
                                 const char* group, const protocol::id_list& installed) {
    SCOPED_TRACE(std::string(mitigation::model_name(kind)) + " " + dns);
    service_options o;
    o.model = kind;
    service_harness h(o);
    ASSERT_TRUE(h.ok());
    const protocol::cookie c = h.registered_cookie(client_id, dns, group);
    const auto rows = synced_rows(h, c, installed);
    ASSERT_GT(rows.size(), 5U);
    std::vector<std::int32_t> ids;
    for (auto const& [id, text] : rows) {
        ids.push_back(id);
    }
    auto resp = h.call<protocol::refresh_cache_response>(refresh_of(c, ids));
    ASSERT_TRUE(resp.result);
    ASSERT_EQ(resp.result->size(), rows.size());
    for (auto const& item : *resp.result) {
        ASSERT_TRUE(item.deploy);
        ASSERT_EQ(rows.count(item.revision_id), 1U) << item.revision_id;
        EXPECT_EQ(describe(*item.deploy), rows.at(item.revision_id)) << item.revision_id;
    }
}

TEST(RefreshCacheTest, AnswersAsSyncUpdatesOnBothModels) {
    for (auto kind : {mitigation::model_kind::legacy, mitigation::model_kind::fixed}) {
        expect_refresh_matches_sync(kind, plain_client_id, plain_dns, "Workstations", non_leaf_without_office());
        expect_refresh_matches_sync(kind, server_client_id, server_dns, "Servers", non_leaf_without_office());
    }
    // The fixed model also serves the Office workstation 8862 itself.
    expect_refresh_matches_sync(mitigation::model_kind::fixed, office_client_id, office_dns, "Workstations",
                                all_non_leaf(*kb954960()));
}

TEST(RefreshCacheTest, MultiGroupApprovalsMapToTheRowTheClientsGroupsSelect) {
    service_harness h;
    ASSERT_TRUE(h.ok());
    auto ws = h.call<protocol::refresh_cache_response>(
        refresh_of(h.registered_cookie(plain_client_id, plain_dns, "Workstations"), {8713, 8710}));
    auto srv = h.call<protocol::refresh_cache_response>(
        refresh_of(h.registered_cookie(server_client_id, server_dns, "Servers"), {8713, 8710}));
    ASSERT_TRUE(ws.result && srv.result);
    ASSERT_EQ(ws.result->size(), 2U);
    ASSERT_EQ(srv.result->size(), 2U);
    EXPECT_EQ(describe(*(*ws.result)[0].deploy), "30124 Install 2008-06-24T03:00:00Z 1 2008-06-12 -");
    EXPECT_EQ(describe(*(*ws.result)[1].deploy), "30121 Install - 1 2008-04-08 -");
    EXPECT_EQ(describe(*(*srv.result)[0].deploy), "30123 Install 2008-06-17T03:00:00Z 1 2008-06-10 -");
    EXPECT_EQ(describe(*(*srv.result)[1].deploy), "30125 PreDeploymentCheck - 1 2008-04-09 -");
}

TEST(RefreshCacheTest, LegacyRefreshOfTheStrayPairFaultsAsSyncUpdatesDoes) {
    temp_dir dir;
    service_options const o = logged_options(dir, log_level::info);
    service_harness h(o);
    ASSERT_TRUE(h.ok());
    const protocol::cookie c = h.registered_cookie(office_client_id, office_dns, "Workstations");
    auto [sync_status, sync_fault] = h.fault(service_harness::sync_request(c, all_non_leaf(*kb954960())));
    auto [status, f] = h.fault(refresh_of(c, {8862}));
    EXPECT_EQ(status, sync_status);
    EXPECT_EQ(f.error, sync_fault.error);
    EXPECT_EQ(f.error, std::optional<std::string>("InternalServerError"));
    h.svc().flush();
    const std::string log = read_text(o.log_path);
    EXPECT_THAT(log, HasSubstr("Error w3wp.12 ClientImplementation.RefreshCache System.ArgumentException: Item "
                               "has already been added. Key in dictionary: '8862'  Key being added: '8862'"));
    EXPECT_THAT(log, HasSubstr("at Microsoft.UpdateServices.Internal.Client.RefreshCache(Cookie cookie, "
                               "UpdateIdentity[] globalIDs)"));
    EXPECT_THAT(h.svc().metrics_text(), HasSubstr("wsuslab_duplicates_met_total 2\n"));
}

TEST(RefreshCacheTest, FixedRefreshLogsTheAnomalyItResolved) {
    temp_dir dir;
    service_options o = logged_options(dir, log_level::warning, mitigation::model_kind::fixed);
    service_harness h(o);
    ASSERT_TRUE(h.ok());
    const protocol::cookie c = h.registered_cookie(office_client_id, office_dns, "Workstations");
    auto resp = h.call<protocol::refresh_cache_response>(refresh_of(c, {8862}));
    ASSERT_TRUE(resp.result);
    ASSERT_EQ(resp.result->size(), 1U);
    EXPECT_EQ((*resp.result)[0].deploy->id, 31044);
    h.svc().flush();
    const auto log = lines_of(read_text(o.log_path));
    ASSERT_EQ(log.size(), 1U);
    EXPECT_THAT(log[0], HasSubstr(" UTC Warning w3wp.12 ClientImplementation.RefreshCache RefreshCache: revision "
                                  "8862 has 2 deployment rows for target group 'Workstations' (deploymentTable: "
                                  "deployments 31044, 20417); kept deployment 31044 (rule: latest "
                                  "LastChangeTime)"));
}

}  // namespace
}  // namespace wsuslab::server::test
