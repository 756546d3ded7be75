// Record, then replay: the simulated agent gets the same answers from a replay of a recording as
// it got from the live mock WSUS it was recorded from, over real HTTP on 127.0.0.1:0.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <wsuslab/server/exchange_store.hpp>

#include "replay_support.hpp"

namespace wsuslab::replay_test {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

std::vector<std::int32_t> received_ids(const client::sync_outcome& o) {
    std::vector<std::int32_t> ids;
    for (auto const& r : o.rounds) {
        ids.insert(ids.end(), r.new_update_ids.begin(), r.new_update_ids.end());
    }
    return ids;
}

// Everything the client saw must be the same, byte for byte, apart from the server's URL.
void expect_same_experience(const client::sync_outcome& live, const std::string& live_url,
                            const client::sync_outcome& replayed, const std::string& replay_url) {
    SCOPED_TRACE("replayed at " + replay_url + ", recorded live at " + live_url);
    EXPECT_EQ(replayed.verdict, live.verdict);
    EXPECT_EQ(replayed.hresult, live.hresult);
    ASSERT_EQ(replayed.fault.has_value(), live.fault.has_value());
    if (live.fault) {
        EXPECT_EQ(replayed.fault->fault.error, live.fault->fault.error);
        EXPECT_EQ(replayed.fault->fault.id, live.fault->fault.id);  // the recorded GUID comes back
        EXPECT_EQ(replayed.fault->http_status, live.fault->http_status);
    }
    EXPECT_EQ(received_ids(replayed), received_ids(live));
    EXPECT_EQ(replayed.needed_revision_ids, live.needed_revision_ids);
    EXPECT_EQ(log_without_url(replayed, replay_url), log_without_url(live, live_url));
    ASSERT_EQ(replayed.exchanges.size(), live.exchanges.size());
    for (std::size_t i = 0; i < live.exchanges.size(); ++i) {
        EXPECT_EQ(replayed.exchanges[i].http_status, live.exchanges[i].http_status)
            << "exchange " << i;
        EXPECT_EQ(replayed.exchanges[i].response_body, live.exchanges[i].response_body)
            << "exchange " << i;
    }
}

class ReplayRoundTripTest : public ::testing::TestWithParam<mitigation::model_kind> {};

TEST_P(ReplayRoundTripTest, RecordThenReplayGivesTheClientsTheSameAnswers) {
    const recording_plan plan{
        "roundtrip", GetParam(), {"office2003-workstation", "plain-workstation"}};
    const std::string dir = fresh_dir("rec");
    std::vector<client::sync_outcome> live;
    std::string live_url;
    {
        auto wsus = wsus_under_test::live(plan.model, dir);
        live_url = wsus->url();
        for (auto const& c : plan.clients) {
            live.push_back(run_client(live_url, c));
        }
        std::size_t exchanges = 0;
        for (auto const& o : live) {
            exchanges += o.exchanges.size();
        }
        EXPECT_EQ(wsus->recorded(), exchanges);
    }
    if (plan.model == mitigation::model_kind::legacy) {
        EXPECT_EQ(live[0].hresult, 0x8024400EU);  // the 954960 failure is part of the recording
    }

    auto replay = wsus_under_test::replaying(dir);
    for (std::size_t i = 0; i < plan.clients.size(); ++i) {
        SCOPED_TRACE(plan.clients[i]);
        expect_same_experience(live[i], live_url, run_client(replay->url(), plan.clients[i]),
                               replay->url());
    }
}

INSTANTIATE_TEST_SUITE_P(Models, ReplayRoundTripTest,
                         ::testing::Values(mitigation::model_kind::legacy,
                                           mitigation::model_kind::fixed),
                         [](const auto& param_info) {
                             return std::string(mitigation::model_name(param_info.param));
                         });

TEST(ReplayRefusalTest, AClientTheRecordingNeverSawGetsAFaultNamingTheNearestExchange) {
    const std::string dir = fresh_dir("rec");
    {
        auto wsus = wsus_under_test::live(mitigation::model_kind::fixed, dir);
        run_client(wsus->url(), "plain-workstation");
    }
    auto replay = wsus_under_test::replaying(dir);
    const auto o = run_client(replay->url(), "server-2003");
    ASSERT_EQ(o.verdict, client::sync_verdict::failed) << o.error;
    ASSERT_TRUE(o.fault.has_value());
    // GetConfig carries no identity and is answered; the client's identity is where it differs.
    EXPECT_EQ(o.fault->op, protocol::operation::get_authorization_cookie);
    EXPECT_EQ(o.fault->http_status, 500);
    EXPECT_EQ(o.fault->fault.code, protocol::fault_code::client);
    EXPECT_EQ(o.fault->fault.error, "InvalidParameters");
    EXPECT_THAT(
        o.fault->fault.message,
        StartsWith(
            "no recorded exchange matches: nearest 0002-plain-workstation-GetAuthorizationCookie "
            "differs in clientId: recorded \"" +
            profile("plain-workstation").client_id + "\", request \"" +
            profile("server-2003").client_id + "\""));
    EXPECT_EQ(o.fault->fault.faultstring, o.fault->fault.message);
}

TEST(ReplayRefusalTest, ASecondRunOfTheSameClientIsRefusedOnceTheRecordingIsUsedUp) {
    const std::string dir = fresh_dir("rec");
    {
        auto wsus = wsus_under_test::live(mitigation::model_kind::fixed, dir);
        run_client(wsus->url(), "plain-workstation");
    }
    auto replay = wsus_under_test::replaying(dir);
    EXPECT_EQ(run_client(replay->url(), "plain-workstation").verdict, client::sync_verdict::synced);
    const auto again = run_client(replay->url(), "plain-workstation");
    ASSERT_TRUE(again.fault.has_value());
    EXPECT_THAT(again.fault->fault.message, HasSubstr("differs in order: already replayed"));
}

}  // namespace
}  // namespace wsuslab::replay_test
