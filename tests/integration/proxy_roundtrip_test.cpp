// `wsuslab proxy` in front of the mock WSUS, each model: the simulated agent reaches the same
// verdict through the proxy as against the upstream, the sanitized recording replays to the same
// verdict (the legacy fault with its ID and status included), and it holds no upstream address,
// computer name, client ID or cookie.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "proxy_support.hpp"

namespace wsuslab::proxy_test {
namespace {

using ::testing::IsEmpty;

const std::vector<std::string> profiles = {"office2003-workstation", "plain-workstation", "server-2003"};

std::vector<std::int32_t> received_ids(const client::sync_outcome& o) {
    std::vector<std::int32_t> ids;
    for (auto const& r : o.rounds) {
        ids.insert(ids.end(), r.new_update_ids.begin(), r.new_update_ids.end());
    }
    return ids;
}

// Whether two runs must show the same fault ID: two live servers draw different fault GUIDs, a
// replay gives back the recorded one.
enum class fault_id { may_differ, same };

// Same verdict, same updates, the same fault (its ID too with fault_id::same).
void expect_same_verdict(const client::sync_outcome& expected, const client::sync_outcome& got, fault_id id) {
    SCOPED_TRACE(id == fault_id::same ? "a replay of the recording against the proxied run"
                                      : "the proxied run against the direct one");
    EXPECT_EQ(got.verdict, expected.verdict) << got.error;
    EXPECT_EQ(got.hresult, expected.hresult);
    EXPECT_EQ(received_ids(got), received_ids(expected));
    EXPECT_EQ(got.needed_revision_ids, expected.needed_revision_ids);
    EXPECT_EQ(got.exchanges.size(), expected.exchanges.size());
    ASSERT_EQ(got.fault.has_value(), expected.fault.has_value());
    if (expected.fault) {
        EXPECT_EQ(got.fault->op, expected.fault->op);
        EXPECT_EQ(got.fault->fault.error, expected.fault->fault.error);
        EXPECT_EQ(got.fault->http_status, expected.fault->http_status);
        if (id == fault_id::same) {
            EXPECT_EQ(got.fault->fault.id, expected.fault->fault.id);
        }
    }
}

class ProxyRoundTripTest : public ::testing::TestWithParam<mitigation::model_kind> {};

TEST_P(ProxyRoundTripTest, ThroughTheProxyAndFromItsRecordingEveryProfileGetsTheSameVerdict) {
    const std::string dir = fresh_dir("rec");
    std::vector<client::sync_outcome> direct;
    std::vector<client::sync_outcome> proxied;
    std::vector<std::string> secrets = {"127.0.0.1"};
    {
        live_upstream reference(GetParam());
        live_upstream upstream(GetParam());
        auto proxy = proxy_under_test::recording(upstream.url(), dir);
        secrets.push_back(":" + std::to_string(upstream.port()));
        secrets.push_back(":" + std::to_string(proxy->port()));
        for (auto const& p : profiles) {
            SCOPED_TRACE(p);
            direct.push_back(run_client(reference.url(), p));
            proxied.push_back(run_client(proxy->url(), p));
            expect_same_verdict(direct.back(), proxied.back(), fault_id::may_differ);
        }
        EXPECT_THAT(proxy->log(), IsEmpty());
        EXPECT_EQ(proxy->stats().not_recorded, 0U);
    }
    if (GetParam() == mitigation::model_kind::legacy) {
        ASSERT_TRUE(proxied[0].fault.has_value());
        EXPECT_EQ(proxied[0].fault->fault.error, "InternalServerError");
        EXPECT_EQ(proxied[0].fault->http_status, 500);
        EXPECT_EQ(proxied[0].hresult, 0x8024400EU);
    }

    auto replay = replay_test::wsus_under_test::replaying(dir);
    for (std::size_t i = 0; i < profiles.size(); ++i) {
        SCOPED_TRACE(profiles[i]);
        expect_same_verdict(proxied[i], run_client(replay->url(), profiles[i]), fault_id::same);
    }

    for (auto const& p : profiles) {
        auto const& prof = replay_test::profile(p);
        secrets.push_back(prof.client_id);
        secrets.push_back(prof.dns_name);
        secrets.push_back(prof.dns_name.substr(0, prof.dns_name.find('.')));
    }
    const auto cookies = cookies_seen(proxied);
    secrets.insert(secrets.end(), cookies.begin(), cookies.end());
    EXPECT_THAT(leaks(dir, secrets), IsEmpty());

    const std::string report = read_text(std::filesystem::path(dir) / "sanitize-report.txt");
    EXPECT_EQ(report_counts(report, "client-id").first, profiles.size());
    EXPECT_EQ(report_counts(report, "computer-name").first, profiles.size());
    EXPECT_EQ(report_counts(report, "cookie").first, cookies.size());
    EXPECT_GE(report_counts(report, "cookie").second, cookies.size());
    std::size_t exchanges = 0;
    for (auto const& o : proxied) {
        exchanges += o.exchanges.size();
    }
    EXPECT_THAT(report, ::testing::HasSubstr("\nexchanges: " + std::to_string(exchanges) + "\n"));
}

INSTANTIATE_TEST_SUITE_P(Models, ProxyRoundTripTest,
                         ::testing::Values(mitigation::model_kind::legacy, mitigation::model_kind::fixed),
                         [](const auto& param_info) { return std::string(mitigation::model_name(param_info.param)); });

TEST(ProxyRecordingTest, AnUnsanitizedRecordingReplaysAsARecordingOfServeDoes) {
    const std::string dir = fresh_dir("rec");
    client::sync_outcome proxied;
    {
        live_upstream upstream(mitigation::model_kind::legacy);
        server::proxy_options o;
        o.record_dir = dir;
        o.sanitize = false;
        proxy_under_test proxy(upstream.url(), o);
        proxied = run_client(proxy.url(), "office2003-workstation");
    }
    EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(dir) / "0002-ws-office-01-GetAuthorizationCookie"));
    auto replay = replay_test::wsus_under_test::replaying(dir);
    expect_same_verdict(proxied, run_client(replay->url(), "office2003-workstation"), fault_id::same);
}

}  // namespace
}  // namespace wsuslab::proxy_test
