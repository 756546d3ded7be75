// The simulated agent over real HTTP against the mock WSUS (wsus_service on 127.0.0.1:0): the
// KB954960 failure and its log lines, the fixed model, the unaffected profiles, and recovery from
// server-side identity and configuration changes.
#include <algorithm>

#include <gtest/gtest.h>

#include <wsuslab/client/agent.hpp>
#include <wsuslab/client/http_transport.hpp>

#include "regression_support.hpp"

namespace wsuslab::client {
namespace {

using mitigation::model_kind;
using regression::lab_server;

std::vector<std::string> nine_lines(const std::string& url, int http_status, const std::string& fault_id) {
    return {
        "PT +++++++++++ PT: Synchronizing server updates +++++++++++",
        "PT + ServiceId = {3DA21691-E39D-4DA6-8A4B-B43877BCB1B7}, Server URL = " + url +
            "/ClientWebService/client.asmx",
        "PT WARNING: SyncUpdates failure, error = 0x8024400E, soap client error = 7, soap error code = 400, "
        "HTTP status code = " + std::to_string(http_status),
        "PT WARNING: SOAP Fault: 0x000190",
        "PT WARNING: faultstring:Fault occurred",
        "PT WARNING: ErrorCode:InternalServerError(5)",
        "PT WARNING: Message:(null)",
        "PT WARNING: Method:\"http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/SyncUpdates\"",
        "PT WARNING: ID:" + fault_id,
    };
}

bool contains_block(const std::vector<std::string>& lines, const std::vector<std::string>& block) {
    return std::search(lines.begin(), lines.end(), block.begin(), block.end()) != lines.end();
}

TEST(SyncTest, Office2003FailsOnLegacyWithTheNinePtLinesAndTheServerFaultId) {
    lab_server server(lab_server::with_model(model_kind::legacy));
    auto const out = regression::sync(server.url(), "office2003-workstation");
    ASSERT_EQ(out.verdict, sync_verdict::failed) << out.error;
    EXPECT_EQ(out.exit_code(), 1);
    EXPECT_EQ(out.hresult, 0x8024400Eu);
    ASSERT_TRUE(out.fault);
    auto const ids = server.service().last_fault_ids();
    ASSERT_EQ(ids.size(), 1u);
    EXPECT_EQ(out.fault->fault.id, ids[0]);
    EXPECT_EQ(out.fault->http_status, 500);
    auto const lines = regression::tagged_log(out);
    EXPECT_TRUE(contains_block(lines, nine_lines(server.url(), 500, ids[0]))) << ::testing::PrintToString(lines);
    // The fault comes on a later round, after the Office 2003 detectoid was reported installed.
    EXPECT_GT(out.attempts.at(0).rounds, 1);
    EXPECT_TRUE(out.rounds.back().faulted);
    EXPECT_EQ(out.rounds.back().installed_non_leaf, 14u);  // the lab's non-leaf chain up to Office 2003 SP1
}

TEST(SyncTest, FaultStatus200PrintsTheAdvisoryStatus) {
    auto options = lab_server::with_model(model_kind::legacy);
    options.fault_status = 200;
    lab_server server(options);
    auto const out = regression::sync(server.url(), "office2003-workstation");
    auto const ids = server.service().last_fault_ids();
    ASSERT_EQ(ids.size(), 1u);
    EXPECT_TRUE(contains_block(regression::tagged_log(out), nine_lines(server.url(), 200, ids[0])));
}

TEST(SyncTest, Office2003SyncsOnFixed) {
    lab_server server(lab_server::with_model(model_kind::fixed));
    auto const out = regression::sync(server.url(), "office2003-workstation");
    ASSERT_EQ(out.verdict, sync_verdict::synced) << out.error;
    EXPECT_EQ(out.needed, 16u);  // the lab scenario's needed updates for this profile
    EXPECT_TRUE(server.service().last_fault_ids().empty());
    EXPECT_FALSE(out.rounds.back().faulted);
}

class UnaffectedProfileTest : public ::testing::TestWithParam<std::tuple<std::string, model_kind>> {};

TEST_P(UnaffectedProfileTest, Syncs) {
    lab_server server(lab_server::with_model(std::get<1>(GetParam())));
    auto const out = regression::sync(server.url(), std::get<0>(GetParam()));
    ASSERT_EQ(out.verdict, sync_verdict::synced) << out.error;
    EXPECT_EQ(out.exit_code(), 0);
    // The lab scenario's needed updates, the same on both models.
    EXPECT_EQ(out.needed, std::get<0>(GetParam()) == "plain-workstation" ? 9u : 6u);
    EXPECT_TRUE(server.service().last_fault_ids().empty());
}

INSTANTIATE_TEST_SUITE_P(BothModels, UnaffectedProfileTest,
                         ::testing::Combine(::testing::Values("plain-workstation", "server-2003"),
                                            ::testing::Values(model_kind::legacy, model_kind::fixed)),
                         [](const auto& param_info) {
                             std::string name = std::get<0>(param_info.param) + "_" +
                                                std::string(mitigation::model_name(std::get<1>(param_info.param)));
                             name.erase(std::remove_if(name.begin(), name.end(),
                                                       [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }),
                                        name.end());
                             return name;
                         });

class SecondRunTest : public ::testing::Test {
protected:
    sync_outcome run() {
        auto o = regression::agent_options(server.url(), regression::profile("office2003-workstation"));
        o.report_events = true;
        http_transport net;
        return run_sync(o, net, clock, cache);
    }
    lab_server server{lab_server::with_model(model_kind::fixed)};
    client_cache cache;
    simulated_clock clock{regression::advisory_time()};
};

TEST_F(SecondRunTest, IsADifferentialSyncWithTheCachedCookie) {
    ASSERT_EQ(run().verdict, sync_verdict::synced);
    clock.advance(std::chrono::hours(22));
    auto const out = run();
    ASSERT_EQ(out.verdict, sync_verdict::synced) << out.error;
    ASSERT_FALSE(out.exchanges.empty());
    EXPECT_EQ(out.exchanges.front().op, protocol::operation::sync_updates);
    EXPECT_EQ(out.rounds.at(0).installed_non_leaf, 18u);  // the whole cache of the first run
    EXPECT_EQ(out.rounds.at(0).new_updates, 0u);
}

TEST_F(SecondRunTest, RecoversFromServerChangedWithRefreshCache) {
    auto const first = run();
    ASSERT_EQ(first.verdict, sync_verdict::synced);
    server.service().rotate_identity();
    auto const out = run();
    ASSERT_EQ(out.verdict, sync_verdict::synced) << out.error;
    EXPECT_EQ(out.attempts.at(0).recoveries, 1);
    auto has = [&](protocol::operation op) {
        return std::any_of(out.exchanges.begin(), out.exchanges.end(),
                           [op](const exchange& e) { return e.op == op; });
    };
    EXPECT_TRUE(has(protocol::operation::refresh_cache));
    EXPECT_TRUE(has(protocol::operation::get_config));
    EXPECT_EQ(out.needed, first.needed);
}

TEST_F(SecondRunTest, RecoversFromConfigChanged) {
    ASSERT_EQ(run().verdict, sync_verdict::synced);
    server.service().bump_config();
    auto const out = run();
    ASSERT_EQ(out.verdict, sync_verdict::synced) << out.error;
    EXPECT_EQ(out.attempts.at(0).recoveries, 1);
    EXPECT_EQ(out.cache.config->last_change, server.service().config_last_change());
}

}  // namespace
}  // namespace wsuslab::client
