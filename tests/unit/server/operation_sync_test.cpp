// The sync operations called directly (operation_bench.hpp): SyncUpdates through the legacy and
// the fixed model, RefreshCache, StartCategoryScan, and dispatch; no HTTP, no envelope.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "operation_bench.hpp"

namespace wsuslab::server::test {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// The Office 2003 workstation of the advisory: every detectoid installed, so 8862 is reached.
detail::op_outcome office_sync(operation_bench& bench, detail::soap_call& call) {
    const protocol::cookie c = bench.registered_cookie(office_client_id, office_dns, "Workstations");
    return detail::sync_updates(bench.ctx(), call, service_harness::sync_request(c, all_non_leaf(*kb954960())));
}

TEST(OperationSyncTest, LegacySyncUpdatesIsAnInternalServerErrorWithTheArgumentExceptionNaming8862) {
    operation_bench bench(mitigation::model_kind::legacy);
    detail::soap_call call = bench.call(protocol::operation::sync_updates);
    const detail::app_fault f = operation_bench::app_fault_of(office_sync(bench, call));
    EXPECT_EQ(f.code, protocol::error_code::internal_server_error);
    EXPECT_EQ(f.message, "");
    ASSERT_EQ(f.prelude.size(), 1U);
    expect_line(f.prelude[0], log_severity::error, "ClientImplementation.SyncUpdates",
                "System.ArgumentException: Item has already been added. Key in dictionary: '8862'  Key being added: "
                "'8862'");
    // The .NET stack from Hashtable.Insert up to Client.SyncUpdates (service_fault_test.cpp has every frame).
    ASSERT_EQ(f.prelude[0].continuation.size(), 7U);
    EXPECT_EQ(f.prelude[0].continuation.front(),
              "at System.Collections.Hashtable.Insert(Object key, Object nvalue, Boolean add)");
    EXPECT_EQ(f.prelude[0].continuation.back(),
              "at Microsoft.UpdateServices.Internal.Client.SyncUpdates(Cookie cookie, SyncUpdateParameters "
              "parameters)");
    EXPECT_EQ(call.notes.client_id, office_client_id);
    EXPECT_EQ(call.notes.model, "legacy");
    EXPECT_THAT(call.notes.detail, Contains("duplicate=8862 in deploymentTable"));
    EXPECT_TRUE(call.extra_log.empty());
    EXPECT_THAT(bench.metrics_text(), HasSubstr("wsuslab_duplicates_met_total 1\n"));
}

std::vector<std::int32_t> ids_of(const std::vector<protocol::update_info>& updates) {
    std::vector<std::int32_t> ids;
    for (auto const& u : updates) {
        ids.push_back(u.id);
    }
    return ids;
}

TEST(OperationSyncTest, FixedSyncUpdatesLogsTheResolvedDuplicateAndLaterServesTheWinningRow) {
    operation_bench bench(mitigation::model_kind::fixed);
    detail::soap_call call = bench.call(protocol::operation::sync_updates);
    auto resp = operation_bench::response_of<protocol::sync_updates_response>(office_sync(bench, call));
    ASSERT_TRUE(resp.result && resp.result->new_updates && resp.result->new_cookie);
    // The first round holds what the leaves need first; the model met the anomaly already.
    EXPECT_THAT(ids_of(*resp.result->new_updates), ElementsAre(8602, 8802));
    EXPECT_TRUE(resp.result->truncated);
    EXPECT_EQ(call.notes.model, "fixed");
    ASSERT_EQ(call.extra_log.size(), 1U);
    expect_line(call.extra_log[0], log_severity::warning, "ClientImplementation.GetSyncInfo",
                "GetSyncInfo: revision 8862 has 2 deployment rows for target group 'Workstations' (deploymentTable: "
                "deployments 31044, 20417); kept deployment 31044 (rule: latest LastChangeTime)");
    EXPECT_THAT(bench.metrics_text(), HasSubstr("wsuslab_duplicates_resolved_total 1\n"));
    const cookie_payload next = bench.payload_of(*resp.result->new_cookie);
    EXPECT_FALSE(next.watermark.empty());
    EXPECT_THAT(next.groups, ElementsAre("All Computers", "Workstations"));

    // Later rounds, with what the client holds so far, reach 8862 with the row the precedence kept.
    protocol::id_list cached = ids_of(*resp.result->new_updates);
    std::optional<protocol::deployment> deploy_8862;
    for (int round = 2; round <= 10 && resp.result && resp.result->truncated && !deploy_8862; ++round) {
        SCOPED_TRACE("round " + std::to_string(round));
        detail::soap_call next_call = bench.call(protocol::operation::sync_updates);
        const auto r = service_harness::sync_request(resp.result->new_cookie.value_or(protocol::cookie{}),
                                                     all_non_leaf(*kb954960()), cached);
        resp = operation_bench::response_of<protocol::sync_updates_response>(
            detail::sync_updates(bench.ctx(), next_call, r));
        ASSERT_TRUE(resp.result && resp.result->new_updates);
        for (auto const& u : *resp.result->new_updates) {
            cached.push_back(u.id);
            if (u.id == 8862) {
                deploy_8862 = u.deploy;
            }
        }
    }
    ASSERT_TRUE(deploy_8862);
    EXPECT_EQ(deploy_8862->id, 31044);
}

TEST(OperationSyncTest, AGroupOverrideDecidesTheModel) {
    auto scenario = kb954960_with([](mitigation::scenario& s) {
        for (auto& g : s.target_groups) {
            if (g.name == "Workstations") {
                g.model = "fixed";
            }
        }
    });
    operation_bench bench(mitigation::model_kind::legacy, scenario);
    detail::soap_call call = bench.call(protocol::operation::sync_updates);
    const protocol::cookie c = bench.registered_cookie(office_client_id, office_dns, "Workstations");
    const auto outcome =
        detail::sync_updates(bench.ctx(), call, service_harness::sync_request(c, all_non_leaf(*scenario)));
    EXPECT_TRUE(std::holds_alternative<protocol::response>(outcome));
    EXPECT_EQ(call.notes.model, "fixed");
    EXPECT_THAT(call.notes.detail, Contains("model=fixed (group Workstations)"));
}

TEST(OperationSyncTest, SyncUpdatesWithoutParametersIsInvalidParameters) {
    operation_bench bench;
    protocol::sync_updates_request r;
    r.cookie_ = bench.registered_cookie(office_client_id, office_dns);
    detail::soap_call call = bench.call(protocol::operation::sync_updates);
    expect_app_fault(detail::sync_updates(bench.ctx(), call, r),
                     protocol::error_code::invalid_parameters, "parameters");
}

TEST(OperationSyncTest, RefreshCacheMapsTheIdentityDeployedToTheClientsGroups) {
    operation_bench bench;
    const auto* r8601 = kb954960()->find_revision(8601);
    ASSERT_NE(r8601, nullptr);
    protocol::refresh_cache_request r;
    r.cookie_ = bench.registered_cookie(plain_client_id, plain_dns, "Workstations");
    r.global_ids = std::vector<protocol::update_identity>{{r8601->update_id, r8601->revision_number},
                                                          {"00000000-0000-0000-0000-000000000000", 1}};
    detail::soap_call call = bench.call(protocol::operation::refresh_cache);
    const auto resp = operation_bench::response_of<protocol::refresh_cache_response>(
        detail::refresh_cache(bench.ctx(), call, r));
    ASSERT_TRUE(resp.result);
    ASSERT_EQ(resp.result->size(), 1U);
    EXPECT_EQ(resp.result->front().revision_id, 8601);
    ASSERT_TRUE(resp.result->front().deploy);
    EXPECT_EQ(resp.result->front().deploy->id, 30101);
    EXPECT_THAT(call.notes.detail, ElementsAre("mapped=1/2"));
}

TEST(OperationSyncTest, StartCategoryScanIsAPlainFaultOnAProtocol31Server) {
    operation_bench bench;
    protocol::start_category_scan_request r;
    r.requested_categories = std::vector<protocol::category_relationship>{};
    detail::soap_call call = bench.call(protocol::operation::start_category_scan);
    const detail::op_outcome outcome = detail::start_category_scan(bench.ctx(), call, r);
    const auto* f = std::get_if<detail::plain_fault>(&outcome);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->code, protocol::fault_code::client);
    EXPECT_EQ(f->faultstring, "StartCategoryScan is not offered by a server of protocol version 3.1 (it needs 3.2)");
}

TEST(OperationSyncTest, DispatchRunsTheHandlerOfTheRequestType) {
    operation_bench bench;
    detail::soap_call call = bench.call(protocol::operation::get_config);
    const detail::op_outcome outcome =
        detail::dispatch(bench.ctx(), call, protocol::request(protocol::get_config_request{std::string("1.8")}));
    const auto resp = operation_bench::response_of<protocol::get_config_response>(outcome);
    ASSERT_TRUE(resp.result);
    EXPECT_EQ(resp.result->last_change, "2008-06-11T17:42:05.000Z");
    EXPECT_THAT(call.notes.detail, ElementsAre("protocolVersion=1.8"));
}

}  // namespace
}  // namespace wsuslab::server::test
