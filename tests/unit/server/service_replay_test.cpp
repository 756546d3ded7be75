// Record and replay through wsus_service: --record writes every exchange (not /metrics), and a
// service built with --replay answers the same conversation from the recording.

#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "service_fixture.hpp"

namespace wsuslab::server::test {
namespace {

std::size_t folders_in(const std::string& dir) {
    std::size_t n = 0;
    for (auto const& e : std::filesystem::directory_iterator(dir)) {
        n += e.is_directory() && e.path().filename().string().front() != '.' ? 1 : 0;
    }
    return n;
}

TEST(ServiceReplayTest, RecordsEveryExchangeAndReplaysTheConversation) {
    temp_dir dir;
    service_options rec;
    rec.record_dir = dir.path();
    protocol::soap_fault recorded_fault;
    {
        service_harness h(rec);
        ASSERT_TRUE(h.ok());
        const protocol::cookie c = h.registered_cookie(office_client_id, office_dns, "Workstations");
        recorded_fault = h.fault(service_harness::sync_request(c, all_non_leaf(*kb954960()))).second;
        h.get("/metrics");
        h.get("/healthz");
    }
    // GetAuthorizationCookie, GetConfig, GetCookie, RegisterComputer, SyncUpdates.
    EXPECT_EQ(folders_in(dir.path()), 5U);

    service_options play;
    play.replay_dir = dir.path();
    service_harness h(play);
    ASSERT_TRUE(h.ok());
    const protocol::cookie c = h.registered_cookie(office_client_id, office_dns, "Workstations");
    auto [status, f] = h.fault(service_harness::sync_request(c, all_non_leaf(*kb954960())));
    EXPECT_EQ(status, 500);
    EXPECT_EQ(f.error, std::optional<std::string>("InternalServerError"));
    EXPECT_EQ(f.id, recorded_fault.id);  // the recorded answer, byte for byte
    EXPECT_EQ(h.get("/healthz").status, 200);
    EXPECT_THAT(h.svc().metrics_text(), ::testing::HasSubstr("operation=\"SyncUpdates\",status=\"500\"} 1\n"));
}

// Records one GetConfig exchange into `dir` (a service with only a recorder).
void record_one_exchange(const temp_dir& dir) {
    SCOPED_TRACE("recording one exchange into " + dir.path());
    service_options rec;
    rec.record_dir = dir.path();
    service_harness h(rec);
    ASSERT_TRUE(h.ok());
    h.last_change();
}

TEST(ServiceReplayTest, ReplayWithoutAScenarioNeedsNoScenarioFile) {
    temp_dir dir;
    ASSERT_NO_FATAL_FAILURE(record_one_exchange(dir));
    service_options play;
    play.replay_dir = dir.path();
    play.scenario.reset();
    play.scenario_path.clear();
    auto created = wsus_service::create(play);
    ASSERT_TRUE(std::holds_alternative<std::unique_ptr<wsus_service>>(created)) << std::get<std::string>(created);
}

TEST(ServiceReplayTest, ARequestWithoutSoapActionIsRefusedBeforeTheRecordingIsAsked) {
    temp_dir dir;
    ASSERT_NO_FATAL_FAILURE(record_one_exchange(dir));
    service_options play;
    play.replay_dir = dir.path();
    service_harness h(play);
    ASSERT_TRUE(h.ok());
    http_request req;
    req.method = "POST";
    req.target = "/ClientWebService/client.asmx";
    req.headers = {{"Content-Type", "text/xml; charset=utf-8"}};
    req.body = protocol::serialize_request(protocol::get_config_request{std::string("1.6")});
    expect_missing_soap_action_fault(h.svc().handle(req));
    // With its header the same request is still answered from the recording.
    EXPECT_EQ(h.call<protocol::get_config_response>(protocol::get_config_request{std::string("1.6")})
                  .result.value_or(protocol::config{})
                  .last_change,
              "2008-06-11T17:42:05.000Z");
}

}  // namespace
}  // namespace wsuslab::server::test
