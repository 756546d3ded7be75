// metrics_registry's exposition text, and /metrics after real traffic through wsus_service.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <wsuslab/server/metrics.hpp>

#include "service_fixture.hpp"

namespace wsuslab::server::test {
namespace {

using ::testing::HasSubstr;

TEST(MetricsRegistryTest, TextHasEveryFamilyWithHelpAndType) {
    metrics_registry m;
    m.record_request("SyncUpdates", 500, 0.003);
    m.record_request("SyncUpdates", 200, 0.2);
    m.record_fault("InternalServerError");
    m.record_duplicates_met();
    m.record_duplicates_resolved(3);
    m.record_client("a");
    m.record_client("a");
    m.record_client("b");
    m.record_events(7);
    m.set_registered(2);
    const std::string t = m.text();
    EXPECT_THAT(t, HasSubstr("# HELP wsuslab_requests_total HTTP requests answered, by operation and status.\n"
                             "# TYPE wsuslab_requests_total counter\n"
                             "wsuslab_requests_total{operation=\"SyncUpdates\",status=\"200\"} 1\n"
                             "wsuslab_requests_total{operation=\"SyncUpdates\",status=\"500\"} 1\n"));
    EXPECT_THAT(t, HasSubstr("# TYPE wsuslab_request_duration_seconds histogram\n"));
    EXPECT_THAT(t, HasSubstr("wsuslab_request_duration_seconds_bucket{operation=\"SyncUpdates\",le=\"0.0025\"} 0\n"
                             "wsuslab_request_duration_seconds_bucket{operation=\"SyncUpdates\",le=\"0.005\"} 1\n"));
    EXPECT_THAT(t, HasSubstr("wsuslab_request_duration_seconds_bucket{operation=\"SyncUpdates\",le=\"0.25\"} 2\n"));
    EXPECT_THAT(t, HasSubstr("wsuslab_request_duration_seconds_bucket{operation=\"SyncUpdates\",le=\"+Inf\"} 2\n"
                             "wsuslab_request_duration_seconds_sum{operation=\"SyncUpdates\"} 0.203\n"
                             "wsuslab_request_duration_seconds_count{operation=\"SyncUpdates\"} 2\n"));
    EXPECT_THAT(t, HasSubstr("wsuslab_faults_total{error_code=\"InternalServerError\"} 1\n"));
    EXPECT_THAT(t, HasSubstr("wsuslab_duplicates_met_total 1\n"));
    EXPECT_THAT(t, HasSubstr("wsuslab_duplicates_resolved_total 3\n"));
    EXPECT_THAT(t, HasSubstr("# TYPE wsuslab_clients_seen gauge\nwsuslab_clients_seen 2\n"));
    EXPECT_THAT(t, HasSubstr("wsuslab_registered_computers 2\n"));
    EXPECT_THAT(t, HasSubstr("wsuslab_events_received_total 7\n"));
    EXPECT_EQ(m.requests("SyncUpdates"), 2U);
    EXPECT_EQ(m.faults("InternalServerError"), 1U);
}

TEST(MetricsRegistryTest, LabelValuesAreEscaped) {
    metrics_registry m;
    m.record_fault("a\"b\\c\nd");
    EXPECT_THAT(m.text(), HasSubstr("wsuslab_faults_total{error_code=\"a\\\"b\\\\c\\nd\"} 1\n"));
}

TEST(MetricsEndpointTest, CountsRequestsFaultsAndClientsOfRealTraffic) {
    service_harness h;
    ASSERT_TRUE(h.ok());
    const protocol::cookie office = h.registered_cookie(office_client_id, office_dns, "Workstations");
    h.post(service_harness::sync_request(office, all_non_leaf(*kb954960())));
    const protocol::cookie plain = h.registered_cookie(plain_client_id, plain_dns, "Workstations");
    h.post(service_harness::sync_request(plain, {}));
    h.get("/nowhere");

    const http_response r = h.get("/metrics");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("Content-Type"), std::optional<std::string_view>("text/plain; version=0.0.4; charset=utf-8"));
    EXPECT_THAT(r.body, HasSubstr("wsuslab_requests_total{operation=\"SyncUpdates\",status=\"500\"} 1\n"));
    EXPECT_THAT(r.body, HasSubstr("wsuslab_requests_total{operation=\"SyncUpdates\",status=\"200\"} 1\n"));
    EXPECT_THAT(r.body, HasSubstr("wsuslab_requests_total{operation=\"GetCookie\",status=\"200\"} 2\n"));
    EXPECT_THAT(r.body, HasSubstr("wsuslab_requests_total{operation=\"NotFound\",status=\"404\"} 1\n"));
    EXPECT_THAT(r.body, HasSubstr("wsuslab_request_duration_seconds_count{operation=\"SyncUpdates\"} 2\n"));
    EXPECT_THAT(r.body, HasSubstr("wsuslab_faults_total{error_code=\"InternalServerError\"} 1\n"));
    EXPECT_THAT(r.body, HasSubstr("wsuslab_duplicates_met_total 1\n"));
    EXPECT_THAT(r.body, HasSubstr("wsuslab_clients_seen 2\n"));
    EXPECT_THAT(r.body, HasSubstr("wsuslab_registered_computers 2\n"));
    EXPECT_EQ(r.body.find("operation=\"Metrics\""), std::string::npos);  // counted after it answered
    EXPECT_THAT(h.svc().metrics_text(), HasSubstr("wsuslab_requests_total{operation=\"Metrics\",status=\"200\"} 1\n"));
}

}  // namespace
}  // namespace wsuslab::server::test
