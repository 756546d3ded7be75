// Fault recovery of docs/protocol-notes.md §8.4, path by path, against the scripted server.
#include <algorithm>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <wsuslab/client/agent.hpp>
#include <wsuslab/client/hresult.hpp>

#include "fake_wsus.hpp"

namespace wsuslab::client {
namespace {

using protocol::error_code;
using protocol::operation;
using testing::fake_wsus;
using testing::mock_transport;
using ::testing::_;
using ::testing::ElementsAre;
using ::testing::NiceMock;

using testing::office_options;

std::vector<std::int32_t> sorted(std::optional<protocol::id_list> ids) {
    auto v = ids.value_or(protocol::id_list{});
    std::sort(v.begin(), v.end());
    return v;
}

// The operations after the first SyncUpdates call (the handshake of a fresh client is always
// GetConfig, GetAuthorizationCookie, GetCookie, RegisterComputer).
std::vector<operation> after_first_sync(const std::vector<operation>& calls) {
    auto const first = std::find(calls.begin(), calls.end(), operation::sync_updates);
    return std::vector<operation>(first + 1, calls.end());
}

class RecoveryTest : public ::testing::Test {
protected:
    void SetUp() override { server.attach(net); }

    // One run against a server that answers `code` to every `op`, with `max_recoveries` allowed.
    sync_outcome run_against_endless_fault(operation op, error_code code, int max_recoveries) {
        server.faults_forever[op] = code;
        auto o = office_options();
        o.max_recoveries = max_recoveries;
        return run_sync(o, net, clock);
    }

    NiceMock<mock_transport> net;
    fake_wsus server;
    simulated_clock clock{*parse_iso8601("2008-06-14T02:59:53.383Z")};
};

class CookieInvalidatedTest : public RecoveryTest, public ::testing::WithParamInterface<error_code> {};

TEST_P(CookieInvalidatedTest, RunsANewHandshakeAndRefreshCacheThenRetries) {
    server.sync_fault_at = {{2, GetParam()}};
    server.offset_after_fault = 1000;  // the new server identity numbers revisions differently
    auto const out = run_sync(office_options(), net, clock);
    ASSERT_EQ(out.verdict, sync_verdict::synced) << out.error;
    EXPECT_EQ(out.attempts.at(0).recoveries, 1);
    auto const tail = after_first_sync(server.calls);
    ASSERT_GE(tail.size(), 7u);
    EXPECT_THAT(std::vector<operation>(tail.begin(), tail.begin() + 7),
                ElementsAre(operation::sync_updates, operation::get_config,
                            operation::get_authorization_cookie, operation::get_cookie,
                            operation::register_computer, operation::refresh_cache,
                            operation::sync_updates));
    // The cookie was discarded: no oldCookie in the new GetCookie.
    ASSERT_EQ(server.cookie_requests.size(), 2u);
    EXPECT_FALSE(server.cookie_requests[1].old_cookie);
    // RefreshCache named every cached revision by UpdateID + RevisionNumber ...
    ASSERT_EQ(server.refresh_requests.size(), 1u);
    EXPECT_EQ(server.refresh_requests[0].global_ids->size(), 3u);
    // ... and the retried SyncUpdates carries the server's new revision IDs.
    EXPECT_THAT(sorted(server.sync_params[2].installed_non_leaf_update_ids), ElementsAre(1010, 1011));
    EXPECT_THAT(sorted(server.sync_params[2].other_cached_update_ids), ElementsAre(1012));
    EXPECT_EQ(out.cache.revisions.count(1020), 1u);
}

INSTANTIATE_TEST_SUITE_P(InvalidCookieAndServerChanged, CookieInvalidatedTest,
                         ::testing::Values(error_code::invalid_cookie, error_code::server_changed));

TEST_F(RecoveryTest, ConfigChangedRunsGetConfigAndANewCookieWithTheOldOne) {
    server.sync_fault_at = {{2, error_code::config_changed}};
    auto const out = run_sync(office_options(), net, clock);
    ASSERT_EQ(out.verdict, sync_verdict::synced) << out.error;
    auto const tail = after_first_sync(server.calls);
    EXPECT_THAT(std::vector<operation>(tail.begin(), tail.begin() + 5),
                ElementsAre(operation::sync_updates, operation::get_config,
                            operation::get_authorization_cookie, operation::get_cookie,
                            operation::sync_updates));
    ASSERT_EQ(server.cookie_requests.size(), 2u);
    ASSERT_TRUE(server.cookie_requests[1].old_cookie);
    EXPECT_EQ(server.cookie_requests[1].old_cookie->encrypted_data, fake_wsus::cookie_data(2));  // round 1's NewCookie
    EXPECT_EQ(std::count(server.calls.begin(), server.calls.end(), operation::refresh_cache), 0);
}

TEST_F(RecoveryTest, CookieExpiredRenewsTheCookieWithoutGetConfig) {
    server.sync_fault_at = {{2, error_code::cookie_expired}};
    auto const out = run_sync(office_options(), net, clock);
    ASSERT_EQ(out.verdict, sync_verdict::synced) << out.error;
    auto const tail = after_first_sync(server.calls);
    EXPECT_THAT(std::vector<operation>(tail.begin(), tail.begin() + 4),
                ElementsAre(operation::sync_updates, operation::get_authorization_cookie,
                            operation::get_cookie, operation::sync_updates));
    ASSERT_TRUE(server.cookie_requests.at(1).old_cookie);
    EXPECT_EQ(std::count(server.calls.begin(), server.calls.end(), operation::get_config), 1);
}

TEST_F(RecoveryTest, RegistrationRequiredRegistersAndRetries) {
    server.sync_fault_at = {{1, error_code::registration_required}};
    auto const out = run_sync(office_options(), net, clock);
    ASSERT_EQ(out.verdict, sync_verdict::synced) << out.error;
    EXPECT_THAT(std::vector<operation>(server.calls.begin(), server.calls.begin() + 7),
                ElementsAre(operation::get_config, operation::get_authorization_cookie,
                            operation::get_cookie, operation::register_computer,
                            operation::sync_updates, operation::register_computer,
                            operation::sync_updates));
}

TEST_F(RecoveryTest, ConfigChangedOnGetCookieFetchesTheConfigAgain) {
    server.faults[operation::get_cookie] = {error_code::config_changed};
    auto const out = run_sync(office_options(), net, clock);
    ASSERT_EQ(out.verdict, sync_verdict::synced) << out.error;
    EXPECT_THAT(std::vector<operation>(server.calls.begin(), server.calls.begin() + 6),
                ElementsAre(operation::get_config, operation::get_authorization_cookie,
                            operation::get_cookie, operation::get_config,
                            operation::get_authorization_cookie, operation::get_cookie));
}

TEST_F(RecoveryTest, InternalServerErrorFailsTheDetectionAndSchedulesTheNextInFiveHours) {
    server.sync_fault_at = {{2, error_code::internal_server_error}};
    auto const out = run_sync(office_options(), net, clock);
    EXPECT_EQ(out.verdict, sync_verdict::failed);
    EXPECT_EQ(out.exit_code(), 1);
    EXPECT_EQ(out.hresult, 0x8024400Eu);
    ASSERT_TRUE(out.fault);
    EXPECT_EQ(out.fault->fault.error, "InternalServerError");
    EXPECT_EQ(out.fault->fault.id, server.fault_ids.at(0));
    EXPECT_EQ(out.fault->http_status, 500);
    EXPECT_EQ(out.error, "SyncUpdates: SOAP fault Server InternalServerError");
    // No retry inside the detection, no recovery; nothing after the fault but the report.
    EXPECT_EQ(out.attempts.at(0).recoveries, 0);
    EXPECT_THAT(after_first_sync(server.calls), ElementsAre(operation::sync_updates, operation::report_event_batch));
    auto const& failed = server.reports.at(0).event_batch->at(1);
    EXPECT_EQ(failed.basic->event_id, 148);
    EXPECT_EQ(failed.basic->win32_hresult, -2145107954);
    EXPECT_EQ(failed.extended->replacement_strings->at(0), "0x8024400e");
    // The next detection is due 5 hours after the fault arrived (simulated time).
    auto const faulted = std::find_if(out.exchanges.rbegin(), out.exchanges.rend(), [](const exchange& e) {
        return e.op == operation::sync_updates;
    });
    ASSERT_TRUE(out.next_detection);
    EXPECT_EQ(*out.next_detection - (faulted->sent_at + std::chrono::milliseconds(170)),
              std::chrono::hours(5));
}

TEST_F(RecoveryTest, ServerBusyFailsLikeInternalServerError) {
    server.sync_fault_at = {{1, error_code::server_busy}};
    auto const out = run_sync(office_options(), net, clock);
    EXPECT_EQ(out.verdict, sync_verdict::failed);
    EXPECT_EQ(out.hresult, 0x8024400Eu);
    EXPECT_EQ(out.fault->fault.error, "ServerBusy");
    EXPECT_EQ(out.attempts.at(0).recoveries, 0);
}

TEST_F(RecoveryTest, RetriesReplayLaterDetectionsThatKeepFailing) {
    server.faults_forever[operation::sync_updates] = error_code::internal_server_error;
    auto o = office_options();
    o.retries = 2;
    auto const out = run_sync(o, net, clock);
    ASSERT_EQ(out.attempts.size(), 3u);
    for (auto const& a : out.attempts) {
        EXPECT_EQ(a.verdict, sync_verdict::failed);
        EXPECT_EQ(a.hresult, 0x8024400Eu);
    }
    // Each replay starts when the previous one scheduled it: 5 hours after its failure.
    EXPECT_EQ(out.attempts[1].started, *out.attempts[0].next_detection);
    EXPECT_EQ(out.attempts[2].started, *out.attempts[1].next_detection);
    EXPECT_EQ(out.attempts[1].number, 2);
    // Three distinct faults, one per detection; the outcome carries the last one.
    ASSERT_EQ(server.fault_ids.size(), 3u);
    EXPECT_EQ(out.fault->fault.id, server.fault_ids[2]);
    EXPECT_EQ(out.attempts[0].fault->fault.id, server.fault_ids[0]);
    EXPECT_EQ(out.verdict, sync_verdict::failed);
}

TEST_F(RecoveryTest, ARetryThatSucceedsEndsTheReplays) {
    server.sync_fault_at = {{2, error_code::internal_server_error}};
    auto o = office_options();
    o.retries = 3;
    auto const out = run_sync(o, net, clock);
    ASSERT_EQ(out.attempts.size(), 2u);
    EXPECT_EQ(out.attempts[0].verdict, sync_verdict::failed);
    EXPECT_EQ(out.attempts[1].verdict, sync_verdict::synced);
    EXPECT_EQ(out.verdict, sync_verdict::synced);
    EXPECT_FALSE(out.fault);
    EXPECT_EQ(out.hresult, 0u);
    // The second detection reuses config and cookie: it starts with SyncUpdates.
    auto const second = std::find_if(out.exchanges.begin(), out.exchanges.end(),
                                     [](const exchange& e) { return e.attempt == 2; });
    ASSERT_NE(second, out.exchanges.end());
    EXPECT_EQ(second->op, operation::sync_updates);
    // After a good detection the next one is due in 17.6-22 hours.
    auto const gap = *out.next_detection - out.attempts[1].finished;
    EXPECT_GE(gap, std::chrono::hours(17));
    EXPECT_LE(gap, std::chrono::hours(22));
}

TEST_F(RecoveryTest, InvalidCookieForeverGivesUpAfterTheRecoveryCap) {
    auto const out = run_against_endless_fault(operation::sync_updates, error_code::invalid_cookie, 3);
    EXPECT_EQ(out.verdict, sync_verdict::failed);
    EXPECT_EQ(out.hresult, 0x80244015u);
    EXPECT_EQ(out.error,
              "gave up after 3 fault recoveries: the server still answers InvalidCookie to SyncUpdates");
    EXPECT_EQ(out.attempts.at(0).recoveries, 3);
    EXPECT_EQ(std::count(server.calls.begin(), server.calls.end(), operation::sync_updates), 4);
    EXPECT_EQ(std::count(server.calls.begin(), server.calls.end(), operation::get_config), 4);
}

TEST_F(RecoveryTest, ConfigChangedForeverOnGetCookieGivesUpToo) {
    auto const out = run_against_endless_fault(operation::get_cookie, error_code::config_changed, 2);
    EXPECT_EQ(out.verdict, sync_verdict::failed);
    EXPECT_EQ(out.hresult, 0x8024400Du);
    EXPECT_EQ(out.error,
              "gave up after 2 fault recoveries: the server still answers ConfigChanged to GetCookie");
    EXPECT_EQ(std::count(server.calls.begin(), server.calls.end(), operation::get_cookie), 3);
    EXPECT_EQ(std::count(server.calls.begin(), server.calls.end(), operation::sync_updates), 0);
}

TEST_F(RecoveryTest, RoundTripCapFailsWithExceededMaxServerTrips) {
    server.endless = true;
    auto o = office_options();
    o.max_rounds = 5;
    auto const out = run_sync(o, net, clock);
    EXPECT_EQ(out.verdict, sync_verdict::failed);
    EXPECT_EQ(out.hresult, 0x80244010u);
    EXPECT_EQ(out.error, "SyncUpdates: more than 5 round trips to the server in one detection");
    EXPECT_EQ(server.sync_calls, 5);
}

TEST_F(RecoveryTest, NonRecoverableClientFaultMapsTo8024400D) {
    server.sync_fault_at = {{1, error_code::invalid_parameters}};
    auto const out = run_sync(office_options(), net, clock);
    EXPECT_EQ(out.hresult, 0x8024400Du);
    EXPECT_EQ(out.fault->fault.code, protocol::fault_code::client);
    EXPECT_EQ(out.attempts.at(0).recoveries, 0);
}

TEST_F(RecoveryTest, VersionMismatchFaultMapsTo8024400B) {
    ON_CALL(net, post(_, ::testing::EndsWith("/GetConfig"), _))
        .WillByDefault([](const std::string&, const std::string&, const std::string&) {
            protocol::soap_fault f;
            f.code = protocol::fault_code::version_mismatch;
            f.faultstring = "Possible SOAP version mismatch";
            return http_reply{500, {}, protocol::serialize_fault(f)};
        });
    auto const out = run_sync(office_options(), net, clock);
    EXPECT_EQ(out.hresult, 0x8024400Bu);
    EXPECT_EQ(out.error, "GetConfig: SOAP fault VersionMismatch");
}

TEST_F(RecoveryTest, AtlStrictModeRejectsAFaultSentWithHttp200) {
    server.fault_status = 200;
    server.sync_fault_at = {{2, error_code::internal_server_error}};
    auto o = office_options();
    o.atl_strict_faults = true;
    auto const out = run_sync(o, net, clock);
    EXPECT_EQ(out.hresult, 0x8024400Au);
    EXPECT_EQ(out.error, "SyncUpdates: a SOAP fault arrived with HTTP 200; the ATL client looks for faults "
                         "only in HTTP 500 answers");
    EXPECT_FALSE(out.fault);
}

TEST_F(RecoveryTest, DefaultModeTakesAFaultWithHttp200AndKeepsTheStatus) {
    server.fault_status = 200;
    server.sync_fault_at = {{2, error_code::internal_server_error}};
    auto const out = run_sync(office_options(), net, clock);
    EXPECT_EQ(out.hresult, 0x8024400Eu);
    EXPECT_EQ(out.fault->http_status, 200);
}

TEST_F(RecoveryTest, TimeoutOnSyncUpdatesIsAConnectionErrorWithItsCode) {
    ON_CALL(net, post(_, ::testing::EndsWith("/SyncUpdates"), _))
        .WillByDefault([](const std::string&, const std::string&, const std::string&) {
            return transport_error{transport_error_kind::timed_out, hr::soapclient_read,
                                   "no complete answer from wsus.test:8530 within 30000 ms"};
        });
    auto const out = run_sync(office_options(), net, clock);
    EXPECT_EQ(out.verdict, sync_verdict::connection_error);
    EXPECT_EQ(out.hresult, 0x80244009u);
    EXPECT_EQ(out.error, "SyncUpdates: no complete answer from wsus.test:8530 within 30000 ms");
}

}  // namespace
}  // namespace wsuslab::client
