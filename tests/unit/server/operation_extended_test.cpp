// GetExtendedUpdateInfo, GetFileLocations and ReportEventBatch called directly
// (operation_bench.hpp): no HTTP, no envelope.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <wsuslab/mitigation/content.hpp>

#include "operation_bench.hpp"

namespace wsuslab::server::test {
namespace {

using ::testing::ElementsAre;

TEST(OperationExtendedTest, GetExtendedUpdateInfoServesInScopeRevisionsAndNamesTheOthers) {
    operation_bench bench;
    const auto* rev = kb954960()->find_revision(8862);
    ASSERT_TRUE(rev && !rev->files.empty());
    protocol::get_extended_update_info_request r;
    r.cookie_ = bench.registered_cookie(office_client_id, office_dns, "Workstations");
    r.revision_ids = protocol::id_list{8862, 8603, 8862, 424242};
    r.info_types = protocol::string_list{"Core"};
    detail::soap_call call = bench.call(protocol::operation::get_extended_update_info);
    const auto resp = operation_bench::response_of<protocol::get_extended_update_info_response>(
        detail::get_extended_update_info(bench.ctx(), call, r));
    ASSERT_TRUE(resp.result && resp.result->updates && resp.result->file_locations);
    ASSERT_EQ(resp.result->updates->size(), 1U);
    EXPECT_EQ(resp.result->updates->front().id, 8862);
    EXPECT_EQ(resp.result->updates->front().xml, std::optional<std::string>(rev->core_xml));
    EXPECT_THAT(resp.result->out_of_scope_revision_ids.value_or(protocol::id_list{}), ElementsAre(8603, 424242));
    ASSERT_EQ(resp.result->file_locations->size(), 1U);
    const std::string digest = mitigation::sha1_hex_to_base64(mitigation::content_sha1_hex(rev->files.front()));
    EXPECT_EQ(resp.result->file_locations->front().file_digest, std::optional<std::string>(digest));
    EXPECT_THAT(call.notes.detail, ElementsAre("served=1, outOfScope=2"));
}

TEST(OperationExtendedTest, GetExtendedUpdateInfoAsksForLocalesWithLocalizedProperties) {
    operation_bench bench;
    protocol::get_extended_update_info_request r;
    r.cookie_ = bench.registered_cookie(office_client_id, office_dns);
    r.revision_ids = protocol::id_list{8862};
    r.info_types = protocol::string_list{"LocalizedProperties"};
    detail::soap_call call = bench.call(protocol::operation::get_extended_update_info);
    expect_app_fault(detail::get_extended_update_info(bench.ctx(), call, r),
                     protocol::error_code::invalid_parameters, "locales");
}

TEST(OperationExtendedTest, GetExtendedUpdateInfo2RefusesMoreThanMaxExtendedUpdatesPerRequest) {
    operation_bench bench;
    protocol::get_extended_update_info2_request r;
    r.cookie_ = bench.registered_cookie(office_client_id, office_dns);
    r.update_ids = std::vector<protocol::update_identity>(51, protocol::update_identity{"x", 1});
    r.info_types = protocol::string_list{"Core"};
    detail::soap_call call = bench.call(protocol::operation::get_extended_update_info2);
    expect_app_fault(detail::get_extended_update_info2(bench.ctx(), call, r),
                     protocol::error_code::invalid_parameters, "updateIDs");
}

TEST(OperationExtendedTest, GetFileLocationsRejectsADigestThatIsNotTwentyBytes) {
    operation_bench bench;
    protocol::get_file_locations_request r;
    r.cookie_ = bench.registered_cookie(office_client_id, office_dns);
    r.file_digests = protocol::string_list{base64_encode("nineteen bytes only")};
    detail::soap_call call = bench.call(protocol::operation::get_file_locations);
    expect_app_fault(detail::get_file_locations(bench.ctx(), call, r),
                     protocol::error_code::invalid_parameters, "fileDigests");
}

TEST(OperationExtendedTest, ReportEventBatchKeepsAndCountsTheEvents) {
    operation_bench bench;
    protocol::report_event_batch_request r;
    r.cookie_ = bench.registered_cookie(office_client_id, office_dns);
    r.event_batch = std::vector<protocol::reporting_event>(3);
    detail::soap_call call = bench.call(protocol::operation::report_event_batch);
    const auto resp = operation_bench::response_of<protocol::report_event_batch_response>(
        detail::report_event_batch(bench.ctx(), call, r));
    EXPECT_TRUE(resp.result);
    EXPECT_EQ(bench.state().events_total(), 3U);
    EXPECT_THAT(bench.metrics_text(), ::testing::HasSubstr("wsuslab_events_received_total 3\n"));
    EXPECT_THAT(call.notes.detail, ElementsAre("events=3"));
}

}  // namespace
}  // namespace wsuslab::server::test
