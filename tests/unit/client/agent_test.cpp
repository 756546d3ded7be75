// The agent's call sequence and classification against a scripted server (gMock transport).
#include <algorithm>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <wsuslab/client/agent.hpp>
#include <wsuslab/client/hresult.hpp>

#include "fake_wsus.hpp"

namespace wsuslab::client {
namespace {

using protocol::operation;
using testing::fake_wsus;
using testing::mock_transport;
using ::testing::_;
using ::testing::ElementsAre;
using ::testing::NiceMock;
using ::testing::UnorderedElementsAre;

time_point start_time() { return *parse_iso8601("2008-06-14T02:59:53.383Z"); }

mitigation::client_profile office_profile() {
    mitigation::client_profile p;
    p.name = "office";
    p.client_id = "e5e5fdfe-9549-4960-5fb7-015913adb325";
    p.dns_name = "ws-office-01.wsuslab.example";
    p.target_groups = {"Workstations"};
    p.machine.registry[testing::office_key] = {};
    p.computer.dns_name = p.dns_name;
    return p;
}

sync_options options_for(mitigation::client_profile profile) {
    sync_options o;
    o.server_url = "http://wsus.test:8530/";
    o.profile = std::move(profile);
    return o;
}

std::vector<std::int32_t> sorted(std::optional<protocol::id_list> ids) {
    auto v = ids.value_or(protocol::id_list{});
    std::sort(v.begin(), v.end());
    return v;
}

class AgentTest : public ::testing::Test {
protected:
    void SetUp() override { server.attach(net); }
    NiceMock<mock_transport> net;
    fake_wsus server;
    simulated_clock clock{start_time()};
};

TEST_F(AgentTest, RunsTheSpecCallSequenceOnAFreshClient) {
    auto const out = run_sync(options_for(office_profile()), net, clock);
    ASSERT_EQ(out.verdict, sync_verdict::synced) << out.error;
    EXPECT_EQ(out.exit_code(), 0);
    // Two software rounds (the second brings only leaves with Truncated=false: MS-WUSP §3.1.5.7
    // ends the pass there), then the driver pass.
    EXPECT_THAT(server.calls,
                ElementsAre(operation::get_config, operation::get_authorization_cookie, operation::get_cookie,
                            operation::register_computer, operation::sync_updates, operation::sync_updates,
                            operation::sync_updates, operation::get_extended_update_info,
                            operation::report_event_batch));
}

TEST_F(AgentTest, UntilEmptyAsksOnceMoreAfterTheLeafRound) {
    auto o = options_for(office_profile());
    o.rounds = round_rule::until_empty;
    auto const out = run_sync(o, net, clock);
    ASSERT_EQ(out.verdict, sync_verdict::synced) << out.error;
    ASSERT_EQ(server.sync_params.size(), 4u);
    EXPECT_THAT(sorted(server.sync_params[2].other_cached_update_ids), ElementsAre(12, 20, 21, 22));
    EXPECT_FALSE(server.sync_params[2].skip_software_sync);
    EXPECT_TRUE(server.sync_params[3].skip_software_sync);
    EXPECT_TRUE(out.warnings.empty()) << out.warnings.front();
}

TEST_F(AgentTest, PostsToTheDerivedEndpointsWithBareSoapActions) {
    EXPECT_CALL(net, post("http://wsus.test:8530/ClientWebService/client.asmx",
                          "http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/GetConfig", _));
    EXPECT_CALL(net, post("http://wsus.test:8530/SimpleAuthWebService/SimpleAuth.asmx",
                          "http://www.microsoft.com/SoftwareDistribution/Server/SimpleAuthWebService/GetAuthorizationCookie", _));
    EXPECT_CALL(net, post("http://wsus.test:8530/ReportingWebService/ReportingWebService.asmx",
                          "http://www.microsoft.com/SoftwareDistribution/ReportEventBatch", _));
    EXPECT_CALL(net, post("http://wsus.test:8530/ClientWebService/client.asmx", ::testing::Ne(std::string(
                          "http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/GetConfig")), _))
        .Times(::testing::AtLeast(1));
    run_sync(options_for(office_profile()), net, clock);
}

TEST_F(AgentTest, ClassifiesEachLayerIntoTheThreeLists) {
    auto const out = run_sync(options_for(office_profile()), net, clock);
    ASSERT_EQ(out.verdict, sync_verdict::synced) << out.error;
    ASSERT_EQ(server.sync_params.size(), 3u);
    // Round 1: a fresh client sends nothing.
    EXPECT_FALSE(server.sync_params[0].installed_non_leaf_update_ids);
    EXPECT_FALSE(server.sync_params[0].other_cached_update_ids);
    // Round 2: the category and the Office detectoid are installed non-leaf; 12 is other.
    EXPECT_THAT(sorted(server.sync_params[1].installed_non_leaf_update_ids), ElementsAre(10, 11));
    EXPECT_THAT(sorted(server.sync_params[1].other_cached_update_ids), ElementsAre(12));
    // Round 3 is the driver pass: the leaves of round 2 ended the software pass.
    EXPECT_TRUE(server.sync_params[2].skip_software_sync);
    EXPECT_TRUE(server.sync_params[2].system_spec.has_value());
    EXPECT_FALSE(server.sync_params[2].other_cached_update_ids);
}

TEST_F(AgentTest, CountsNeededInstalledAndNotApplicable) {
    auto const out = run_sync(options_for(office_profile()), net, clock);
    ASSERT_EQ(out.verdict, sync_verdict::synced) << out.error;
    EXPECT_THAT(out.needed_revision_ids, ElementsAre(20, 22));
    EXPECT_EQ(out.needed, 2u);
    EXPECT_EQ(out.installed, 1u);
    EXPECT_EQ(out.not_applicable, 1u);
    EXPECT_EQ(out.cache.revisions.at(20).title, "Security Update for Office (KB1)");
    EXPECT_EQ(out.cache.revisions.at(11).kind, update_kind::detectoid);
    EXPECT_EQ(out.cache.revisions.at(10).state, protocol::applicability_state::installed);
}

TEST_F(AgentTest, WithoutTheDetectoidTheSecondLayerNeverArrives) {
    auto profile = office_profile();
    profile.machine.registry.clear();
    auto const out = run_sync(options_for(profile), net, clock);
    ASSERT_EQ(out.verdict, sync_verdict::synced) << out.error;
    EXPECT_EQ(out.cache.revisions.count(20), 0u);
    EXPECT_EQ(out.cache.revisions.at(11).state, protocol::applicability_state::needed);
    EXPECT_THAT(sorted(server.sync_params[1].installed_non_leaf_update_ids), ElementsAre(10));
    EXPECT_THAT(out.needed_revision_ids, ElementsAre(22));
}

TEST_F(AgentTest, BatchesGetExtendedUpdateInfoByMaxExtendedUpdatesPerRequest) {
    server.max_extended = "1";
    auto const out = run_sync(options_for(office_profile()), net, clock);
    ASSERT_EQ(out.verdict, sync_verdict::synced) << out.error;
    ASSERT_EQ(server.extended_requests.size(), 2u);
    EXPECT_THAT(*server.extended_requests[0].revision_ids, ElementsAre(20));
    EXPECT_THAT(*server.extended_requests[1].revision_ids, ElementsAre(22));
    EXPECT_THAT(*server.extended_requests[0].info_types, ElementsAre("Extended", "LocalizedProperties"));
    EXPECT_THAT(*server.extended_requests[0].locales, ElementsAre("en"));
}

TEST_F(AgentTest, SkipsTheDriverPassWhenTheServerSaysDriverSyncNotNeeded) {
    server.driver_sync_not_needed = "true";
    auto const out = run_sync(options_for(office_profile()), net, clock);
    ASSERT_EQ(out.verdict, sync_verdict::synced) << out.error;
    EXPECT_EQ(server.sync_params.size(), 2u);
    EXPECT_TRUE(std::none_of(server.sync_params.begin(), server.sync_params.end(),
                             [](const auto& p) { return p.skip_software_sync; }));
}

TEST_F(AgentTest, SkipsRegisterComputerWhenNotRequired) {
    server.registration_required = false;
    auto const out = run_sync(options_for(office_profile()), net, clock);
    ASSERT_EQ(out.verdict, sync_verdict::synced) << out.error;
    EXPECT_EQ(std::count(server.calls.begin(), server.calls.end(), operation::register_computer), 0);
}

TEST_F(AgentTest, RecordsEveryRoundWithListSizes) {
    auto const out = run_sync(options_for(office_profile()), net, clock);
    ASSERT_EQ(out.rounds.size(), 3u);
    EXPECT_EQ(out.rounds[0].new_updates, 3u);
    EXPECT_THAT(out.rounds[0].new_update_ids, UnorderedElementsAre(10, 11, 12));
    EXPECT_EQ(out.rounds[1].installed_non_leaf, 2u);
    EXPECT_EQ(out.rounds[1].other_cached, 1u);
    EXPECT_EQ(out.rounds[1].new_updates, 3u);
    EXPECT_TRUE(out.rounds[2].driver_pass);
    EXPECT_EQ(out.attempts.at(0).rounds, 3);
}

TEST_F(AgentTest, ReportsDetectionStartedAndFinished) {
    auto const out = run_sync(options_for(office_profile()), net, clock);
    ASSERT_EQ(server.reports.size(), 1u);
    auto const& batch = *server.reports[0].event_batch;
    ASSERT_EQ(batch.size(), 2u);
    EXPECT_EQ(batch[0].basic->event_id, 141);
    EXPECT_EQ(batch[1].basic->event_id, 147);
    EXPECT_EQ(batch[1].basic->win32_hresult, 0);
    EXPECT_EQ(batch[1].extended->replacement_strings->at(0), "2");
    EXPECT_EQ(batch[1].basic->target_id_sid, "e5e5fdfe-9549-4960-5fb7-015913adb325");
    EXPECT_TRUE(out.attempts[0].events_reported);
}

TEST_F(AgentTest, DownloadChecksEveryFileWithHeadGetAndSha1) {
    auto o = options_for(office_profile());
    o.download = true;
    EXPECT_CALL(net, head("http://wsus.test/Content/20"));
    EXPECT_CALL(net, get("http://wsus.test/Content/20"));
    auto const out = run_sync(o, net, clock);
    ASSERT_EQ(out.verdict, sync_verdict::synced) << out.error;
    ASSERT_EQ(out.downloads.size(), 1u);
    EXPECT_EQ(out.downloads[0].revision_id, 20);
    EXPECT_TRUE(out.downloads[0].verified);
    EXPECT_EQ(out.downloads[0].bytes, 11u);
    EXPECT_NE(std::find(server.calls.begin(), server.calls.end(), operation::get_file_locations),
              server.calls.end());
}

TEST_F(AgentTest, DownloadReportsADigestMismatch) {
    auto o = options_for(office_profile());
    o.download = true;
    ON_CALL(net, get(_)).WillByDefault([](const std::string&) { return http_reply{200, {}, "tampered"}; });
    auto const out = run_sync(o, net, clock);
    ASSERT_EQ(out.downloads.size(), 1u);
    EXPECT_FALSE(out.downloads[0].verified);
    EXPECT_EQ(out.downloads[0].error,
              "SHA-1 of the content does not match FileDigest " + fake_wsus::sha1_base64("KB1 payload"));
}

TEST_F(AgentTest, ConnectionRefusedIsAConnectionError) {
    ON_CALL(net, post(_, _, _)).WillByDefault([](const std::string&, const std::string&, const std::string&) {
        return transport_error{transport_error_kind::connect_failed, hr::soapclient_connect,
                               "connect to wsus.test:8530: Connection refused"};
    });
    auto const out = run_sync(options_for(office_profile()), net, clock);
    EXPECT_EQ(out.verdict, sync_verdict::connection_error);
    EXPECT_EQ(out.exit_code(), 2);
    EXPECT_EQ(out.hresult, 0x80244004u);
    EXPECT_EQ(out.error, "GetConfig: connect to wsus.test:8530: Connection refused");
    ASSERT_EQ(out.exchanges.size(), 1u);
    EXPECT_EQ(out.exchanges[0].http_status, 0);
}

TEST_F(AgentTest, HttpErrorStatusMapsToItsCode) {
    ON_CALL(net, post(_, _, _)).WillByDefault([](const std::string&, const std::string&, const std::string&) {
        return http_reply{404, {}, "not found"};
    });
    auto const out = run_sync(options_for(office_profile()), net, clock);
    EXPECT_EQ(out.verdict, sync_verdict::failed);
    EXPECT_EQ(out.hresult, 0x80244019u);
    EXPECT_EQ(out.error, "GetConfig: HTTP status 404");
}

TEST_F(AgentTest, UnparsableAnswerIsAParseError) {
    ON_CALL(net, post(_, _, _)).WillByDefault([](const std::string&, const std::string&, const std::string&) {
        return http_reply{200, {}, "<html>hello</html>"};
    });
    auto const out = run_sync(options_for(office_profile()), net, clock);
    EXPECT_EQ(out.hresult, 0x8024400Au);
    EXPECT_THAT(out.error, ::testing::StartsWith("GetConfig: cannot parse the response: "));
}

TEST_F(AgentTest, MissingMaxExtendedUpdatesPerRequestIsConfigPropMissing) {
    server.max_extended = "";
    auto out = run_sync(options_for(office_profile()), net, clock);
    EXPECT_EQ(out.hresult, 0x80244029u);
    EXPECT_EQ(out.error, "GetConfig: configuration property MaxExtendedUpdatesPerRequest='' is not a positive integer");
}

TEST_F(AgentTest, InvalidServerUrlIsRejectedBeforeAnyCall) {
    auto o = options_for(office_profile());
    o.server_url = "wsus.test:8530";
    EXPECT_CALL(net, post(_, _, _)).Times(0);
    auto const out = run_sync(o, net, clock);
    EXPECT_EQ(out.verdict, sync_verdict::connection_error);
    EXPECT_EQ(out.hresult, 0x8024043Au);
    EXPECT_EQ(out.error, "invalid server URL 'wsus.test:8530': expected http://host[:port] or https://host[:port]");
}

TEST_F(AgentTest, GeneratesADeterministicClientIdWhenTheProfileHasNone) {
    auto profile = office_profile();
    profile.client_id.clear();
    auto const a = run_sync(options_for(profile), net, clock);
    fake_wsus other;
    NiceMock<mock_transport> net2;
    other.attach(net2);
    auto const b = run_sync(options_for(profile), net2, clock);
    EXPECT_EQ(a.cache.client_id, b.cache.client_id);
    EXPECT_EQ(a.cache.client_id.size(), 36u);
}

}  // namespace
}  // namespace wsuslab::client
