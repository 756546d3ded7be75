// Every MS-WUSP operation of wsus_service computed from the kb954960 scenario: GetConfig,
// targeting through GetAuthorizationCookie, StartCategoryScan, SyncUpdates paging and cookies,
// RefreshCache, GetExtendedUpdateInfo(2), GetFileLocations, ReportEventBatch, parameter faults.

#include <algorithm>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <wsuslab/mitigation/content.hpp>
#include <wsuslab/server/cookie_codec.hpp>

#include "service_fixture.hpp"

namespace wsuslab::server::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;


class OperationsTest : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_TRUE(h.ok()); }
    service_harness h;
};

TEST_F(OperationsTest, GetConfigAnswersTheScenarioConfiguration) {
    auto resp = h.call<protocol::get_config_response>(protocol::get_config_request{std::string("1.6")});
    ASSERT_TRUE(resp.result);
    const protocol::config& c = *resp.result;
    EXPECT_EQ(c.last_change, "2008-06-11T17:42:05.000Z");
    EXPECT_TRUE(c.is_registration_required);
    ASSERT_TRUE(c.auth_info);
    ASSERT_EQ(c.auth_info->size(), 1U);
    EXPECT_EQ(c.auth_info->front().plug_in_id, std::optional<std::string>("SimpleTargeting"));
    EXPECT_EQ(c.auth_info->front().service_url, std::optional<std::string>("SimpleAuthWebService/SimpleAuth.asmx"));
    EXPECT_EQ(c.auth_info->front().parameter, std::nullopt);
    ASSERT_TRUE(c.properties);
    EXPECT_THAT(*c.properties, ElementsAre(Pair("MaxExtendedUpdatesPerRequest", "50"),
                                           Pair("PackageServerShare", "\\\\wsusebc\\UpdateServicesPackages"),
                                           Pair("ProtocolVersion", "3.1"), Pair("IsInventoryRequired", "0"),
                                           Pair("ClientReportingLevel", "2")));
}

TEST_F(OperationsTest, GetConfigOfAPre30ServerSendsOnlyMaxExtendedUpdatesPerRequest) {
    service_harness old({}, kb954960_with([](mitigation::scenario& s) { s.server.protocol_version = "1.0"; }));
    ASSERT_TRUE(old.ok());
    auto resp = old.call<protocol::get_config_response>(protocol::get_config_request{});
    ASSERT_TRUE(resp.result && resp.result->properties);
    EXPECT_THAT(*resp.result->properties, ElementsAre(Pair("MaxExtendedUpdatesPerRequest", "50")));
}

TEST_F(OperationsTest, GetConfigRejectsAMalformedProtocolVersion) {
    auto [status, f] = h.fault(protocol::get_config_request{std::string("one.eight")});
    EXPECT_EQ(status, 500);
    EXPECT_EQ(f.error, std::optional<std::string>("InvalidParameters"));
    EXPECT_EQ(f.message, "protocolVersion");
}

// The groups a cookie carries, read back with the codec's format through a GetCookie round trip.
class TargetingTest : public OperationsTest {
protected:
    std::vector<std::string> groups_for(const std::string& id, const std::string& dns, const std::string& group,
                                        service_harness& server) {
        // Targeting shows in which rows apply: the Servers-only revision 8603 is in scope for Servers.
        const protocol::cookie c = server.registered_cookie(id, dns, group);
        protocol::get_extended_update_info_request r;
        r.cookie_ = c;
        r.revision_ids = protocol::id_list{8603, 8601};
        r.info_types = protocol::string_list{"Core"};
        auto resp = server.call<protocol::get_extended_update_info_response>(r);
        std::vector<std::string> in_scope;
        if (resp.result && resp.result->updates) {
            for (auto const& u : *resp.result->updates) {
                in_scope.push_back(std::to_string(u.id));
            }
        }
        return in_scope;
    }
};

TEST_F(TargetingTest, ClientSideTargetingPutsTheComputerInTheRequestedGroup) {
    EXPECT_THAT(groups_for("0a0a0a0a-0000-4000-8000-000000000001", "lab-pc.example", "Servers", h), ElementsAre("8603"));
    EXPECT_THAT(groups_for("0a0a0a0a-0000-4000-8000-000000000002", "lab-pc2.example", "workstations", h),
                ElementsAre("8601"));
}

TEST_F(TargetingTest, UnknownRequestedGroupLeavesOnlyAllComputers) {
    EXPECT_TRUE(groups_for("0a0a0a0a-0000-4000-8000-000000000003", "lab-pc3.example", "No Such Group", h).empty());
}

TEST_F(TargetingTest, ServerSideAssignmentByDnsNameAppliesWithoutARequest) {
    EXPECT_THAT(groups_for(server_client_id, server_dns, "", h), ElementsAre("8603"));
    EXPECT_THAT(groups_for("0a0a0a0a-0000-4000-8000-000000000004", "srv-file-01", "", h), ElementsAre("8603"));
}

TEST_F(TargetingTest, RequestedGroupIsIgnoredWhenClientSideTargetingIsOff) {
    service_harness sst({}, kb954960_with([](mitigation::scenario& s) { s.server.client_side_targeting = false; }));
    ASSERT_TRUE(sst.ok());
    EXPECT_TRUE(groups_for("0a0a0a0a-0000-4000-8000-000000000005", "lab-pc5.example", "Servers", sst).empty());
}

TEST_F(OperationsTest, GetAuthorizationCookieRejectsABadClientIdWithInternalServerError) {
    protocol::get_authorization_cookie_request r;
    r.client_id = "not a client id!";
    r.dns_name = "pc.example";
    auto [status, f] = h.fault(r);
    EXPECT_EQ(status, 500);
    EXPECT_EQ(f.error, std::optional<std::string>("InternalServerError"));
    EXPECT_EQ(f.faultactor, std::optional<std::string>("http://wsusebc/SimpleAuthWebService/SimpleAuth.asmx"));
    r.client_id = "0a0a0a0a-0000-4000-8000-000000000009";
    r.dns_name = "bad..name";
    EXPECT_EQ(h.fault(r).second.error, std::optional<std::string>("InternalServerError"));
}

TEST_F(OperationsTest, StartCategoryScanIsNotOfferedByAProtocol31Server) {
    // A 3.0 SP1 server has no such web method: ASMX does not recognize the SOAPAction.
    protocol::start_category_scan_request r;
    r.requested_categories = std::vector<protocol::category_relationship>{};
    auto [status, f] = h.fault(r);
    EXPECT_EQ(status, 500);
    EXPECT_EQ(f.code, protocol::fault_code::client);
    EXPECT_EQ(f.faultstring,
              "Server did not recognize the value of HTTP Header SOAPAction: "
              "http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/StartCategoryScan.");
    EXPECT_EQ(f.error, std::nullopt);
    EXPECT_THAT(h.svc().metrics_text(), HasSubstr("wsuslab_requests_total{operation=\"Unknown\",status=\"500\"} 1\n"));
}

TEST_F(OperationsTest, StartCategoryScanFollowsTheAlgorithmOnA32Server) {
    auto scenario = kb954960_with([](mitigation::scenario& s) {
        s.server.protocol_version = "3.2";
        for (auto& r : s.revisions) {
            if (r.title == "Security Updates") {
                r.classification = "UpdateClassification";
            }
        }
    });
    service_harness sp2({}, scenario);
    ASSERT_TRUE(sp2.ok());
    const std::string office2003 = "f2e61df8-9549-4960-c9d4-a91c9ab38b30";
    const std::string security = "56409a77-9549-4960-a23d-08a95212ff35";  // unknown: wrong digits
    const std::string windows_xp = "1fcb43cb-9549-4960-1053-c977c419ab3b";
    std::string security_updates;
    for (auto const& r : scenario->revisions) {
        if (r.title == "Security Updates") {
            security_updates = r.update_id;
        }
    }
    protocol::start_category_scan_request r;
    r.requested_categories = std::vector<protocol::category_relationship>{
        {0, office2003}, {1, windows_xp}, {1, security_updates}, {2, security}, {2, office2003}};
    auto resp = sp2.call<protocol::start_category_scan_response>(r);
    ASSERT_TRUE(resp.preferred_category_ids && resp.requested_category_ids_in_error);
    EXPECT_THAT(*resp.preferred_category_ids, ElementsAre(office2003, windows_xp));
    EXPECT_THAT(*resp.requested_category_ids_in_error, ElementsAre(security));

    // A group of two products cannot be expressed: no preference at all.
    r.requested_categories = std::vector<protocol::category_relationship>{{0, office2003}, {0, windows_xp}};
    resp = sp2.call<protocol::start_category_scan_response>(r);
    ASSERT_TRUE(resp.preferred_category_ids);
    EXPECT_TRUE(resp.preferred_category_ids->empty());

    r.requested_categories.reset();
    EXPECT_EQ(sp2.fault(r).second.message, "requestedCategories");
}

TEST_F(OperationsTest, SyncUpdatesPagesAndAdvancesTheCookie) {
    const protocol::cookie c = h.registered_cookie(plain_client_id, plain_dns);
    auto first = h.call<protocol::sync_updates_response>(service_harness::sync_request(c, {}));
    ASSERT_TRUE(first.result && first.result->new_updates && first.result->new_cookie);
    EXPECT_FALSE(first.result->new_updates->empty());
    for (auto const& u : *first.result->new_updates) {
        ASSERT_TRUE(u.deploy);
        // A 1.6 client never receives the 1.8 fields.
        EXPECT_EQ(u.deploy->auto_select, std::nullopt);
        EXPECT_TRUE(u.xml && !u.xml->empty());
    }
    EXPECT_EQ(first.result->driver_sync_not_needed, std::nullopt);
    // The new cookie is valid for the next round.
    protocol::id_list other;
    for (auto const& u : *first.result->new_updates) {
        other.push_back(u.id);
    }
    const http_response next = h.post(service_harness::sync_request(*first.result->new_cookie, {}, other));
    EXPECT_EQ(next.status, 200) << next.body;
}

TEST_F(OperationsTest, SyncUpdatesRequiresParametersAndRejectsSystemSpecInTheSoftwarePass) {
    const protocol::cookie c = h.registered_cookie(plain_client_id, plain_dns);
    protocol::sync_updates_request r = service_harness::sync_request(c, {});
    r.parameters.reset();
    EXPECT_EQ(h.fault(r).second.message, "parameters");
    r = service_harness::sync_request(c, {});
    r.parameters->system_spec = std::vector<protocol::device>{};
    auto f = h.fault(r).second;
    EXPECT_EQ(f.error, std::optional<std::string>("InvalidParameters"));
    EXPECT_EQ(f.message, "parameters.SystemSpec");
}

TEST_F(OperationsTest, FourHundredAndOneInstalledNonLeafIdsAreInvalidParameters) {
    const protocol::cookie c = h.registered_cookie(plain_client_id, plain_dns);
    protocol::id_list ids;
    for (std::int32_t i = 0; i < 401; ++i) {
        ids.push_back(100000 + i);
    }
    auto [status, f] = h.fault(service_harness::sync_request(c, ids));
    EXPECT_EQ(status, 500);
    EXPECT_EQ(f.code, protocol::fault_code::client);
    EXPECT_EQ(f.error, std::optional<std::string>("InvalidParameters"));
    EXPECT_EQ(f.message, "parameters.InstalledNonLeafUpdateIDs");
    ids.pop_back();
    EXPECT_EQ(h.post(service_harness::sync_request(c, ids)).status, 200);
}

TEST_F(OperationsTest, SyncPrinterCatalogAnswersWithANewCookie) {
    const protocol::cookie c = h.registered_cookie(plain_client_id, plain_dns);
    protocol::sync_printer_catalog_request r;
    r.cookie_ = c;
    r.installed_non_leaf_update_ids = protocol::id_list{};
    r.printer_update_ids = protocol::id_list{};
    auto resp = h.call<protocol::sync_printer_catalog_response>(r);
    ASSERT_TRUE(resp.result && resp.result->new_updates);
    EXPECT_TRUE(resp.result->new_updates->empty());  // the scenario has no printer drivers
    EXPECT_TRUE(resp.result->new_cookie);
}

TEST_F(OperationsTest, RefreshCacheMapsIdentitiesDeployedToTheClientsGroups) {
    const protocol::cookie c = h.registered_cookie(plain_client_id, plain_dns, "Workstations");
    const auto* r8601 = kb954960()->find_revision(8601);
    const auto* r8603 = kb954960()->find_revision(8603);
    ASSERT_TRUE(r8601 && r8603);
    protocol::refresh_cache_request r;
    r.cookie_ = c;
    r.global_ids = std::vector<protocol::update_identity>{{r8601->update_id, r8601->revision_number},
                                                          {r8603->update_id, r8603->revision_number},
                                                          {"00000000-0000-0000-0000-000000000000", 1}};
    auto resp = h.call<protocol::refresh_cache_response>(r);
    ASSERT_TRUE(resp.result);
    ASSERT_EQ(resp.result->size(), 1U);  // 8603 is a Servers deployment; the zero GUID is unknown
    const protocol::refresh_cache_result& item = resp.result->front();
    EXPECT_EQ(item.revision_id, 8601);
    ASSERT_TRUE(item.global_id && item.deploy);
    EXPECT_EQ(item.global_id->update_id, r8601->update_id);
    EXPECT_EQ(item.deploy->id, 30101);
    EXPECT_EQ(item.deploy->deadline, std::optional<std::string>("2008-07-01T03:00:00Z"));
    r.global_ids.reset();
    EXPECT_EQ(h.fault(r).second.message, "globalIDs");
}

TEST_F(OperationsTest, GetExtendedUpdateInfoReturnsFragmentsFileLocationsAndOutOfScope) {
    const protocol::cookie c = h.registered_cookie(office_client_id, office_dns, "Workstations");
    const auto* rev = kb954960()->find_revision(8862);
    ASSERT_TRUE(rev && !rev->files.empty());
    protocol::get_extended_update_info_request r;
    r.cookie_ = c;
    r.revision_ids = protocol::id_list{8862, 8603, 424242};
    r.info_types = protocol::string_list{"Extended", "LocalizedProperties"};
    r.locales = protocol::string_list{"en"};
    auto resp = h.call<protocol::get_extended_update_info_response>(r);
    ASSERT_TRUE(resp.result && resp.result->updates && resp.result->file_locations);
    ASSERT_EQ(resp.result->updates->size(), 2U);
    EXPECT_EQ(resp.result->updates->at(0).xml, std::optional<std::string>(rev->extended_xml));
    EXPECT_EQ(resp.result->updates->at(1).xml, std::optional<std::string>(rev->localized_xml));
    EXPECT_THAT(resp.result->out_of_scope_revision_ids.value_or(protocol::id_list{}), ElementsAre(8603, 424242));
    ASSERT_EQ(resp.result->file_locations->size(), 1U);
    const protocol::file_location& loc = resp.result->file_locations->front();
    std::string upper = mitigation::content_sha1_hex(rev->files.front());
    std::transform(upper.begin(), upper.end(), upper.begin(), [](char ch) { return ch >= 'a' && ch <= 'f' ? static_cast<char>(ch - 32) : ch; });
    EXPECT_EQ(loc.url, std::optional<std::string>("http://wsusebc/Content/" + upper.substr(38) + "/" + upper + ".exe"));
    EXPECT_EQ(loc.file_digest, std::optional<std::string>(mitigation::sha1_hex_to_base64(upper)));
}

TEST_F(OperationsTest, GetExtendedUpdateInfoValidatesItsParameters) {
    const protocol::cookie c = h.registered_cookie(plain_client_id, plain_dns);
    protocol::get_extended_update_info_request r;
    r.cookie_ = c;
    r.info_types = protocol::string_list{"Core"};
    r.revision_ids = protocol::id_list(51, 8601);
    EXPECT_EQ(h.fault(r).second.message, "revisionIDs");
    r.revision_ids = protocol::id_list(50, 8601);
    EXPECT_EQ(h.post(r).status, 200);
    r.info_types.reset();
    EXPECT_EQ(h.fault(r).second.message, "infoTypes");
    r.info_types = protocol::string_list{"LocalizedProperties"};
    EXPECT_EQ(h.fault(r).second.message, "locales");
}

TEST_F(OperationsTest, GetExtendedUpdateInfo2IsKeyedByUpdateIdentity) {
    const protocol::cookie c = h.registered_cookie(plain_client_id, plain_dns, "Workstations");
    const auto* rev = kb954960()->find_revision(8601);
    ASSERT_TRUE(rev);
    protocol::get_extended_update_info2_request r;
    r.cookie_ = c;
    r.update_ids = std::vector<protocol::update_identity>{{rev->update_id, rev->revision_number}};
    r.info_types = protocol::string_list{"Core"};
    auto resp = h.call<protocol::get_extended_update_info2_response>(r);
    ASSERT_TRUE(resp.result && resp.result->updates);
    ASSERT_EQ(resp.result->updates->size(), 1U);
    EXPECT_EQ(resp.result->updates->front().id, 8601);
    EXPECT_EQ(resp.result->updates->front().xml, std::optional<std::string>(rev->core_xml));
}

TEST_F(OperationsTest, GetFileLocationsFindsKnownDigestsAndRejectsBadOnes) {
    const protocol::cookie c = h.registered_cookie(office_client_id, office_dns, "Workstations");
    const auto* rev = kb954960()->find_revision(8862);
    ASSERT_TRUE(rev);
    const std::string digest = mitigation::sha1_hex_to_base64(mitigation::content_sha1_hex(rev->files.front()));
    protocol::get_file_locations_request r;
    r.cookie_ = c;
    r.file_digests = protocol::string_list{digest, base64_encode(std::string(20, '\0'))};
    auto resp = h.call<protocol::get_file_locations_response>(r);
    ASSERT_TRUE(resp.result && resp.result->file_locations && resp.result->new_cookie);
    ASSERT_EQ(resp.result->file_locations->size(), 1U);
    EXPECT_EQ(resp.result->file_locations->front().file_digest, std::optional<std::string>(digest));
    EXPECT_THAT(resp.result->file_locations->front().url.value_or(""), HasSubstr("http://wsusebc/Content/"));
    r.file_digests = protocol::string_list{base64_encode("nineteen bytes only")};
    auto f = h.fault(r).second;
    EXPECT_EQ(f.error, std::optional<std::string>("InvalidParameters"));
    EXPECT_EQ(f.message, "fileDigests");
}

TEST_F(OperationsTest, ReportEventBatchStoresAndCountsEvents) {
    const protocol::cookie c = h.registered_cookie(office_client_id, office_dns);
    protocol::report_event_batch_request r;
    r.cookie_ = c;
    r.client_time = "2008-06-13T20:00:00Z";
    protocol::reporting_event e;
    protocol::basic_data b;
    b.target_id_sid = office_client_id;
    b.time_at_target = "2008-06-13T19:59:56Z";
    b.event_instance_id = "e6d82915-627f-418b-a5cc-b9fcd400455b";
    b.event_id = 148;
    b.source_id = 101;
    b.win32_hresult = -2145107954;
    e.basic = b;
    e.extended = protocol::extended_data{};
    e.private_ = protocol::private_data{};
    r.event_batch = std::vector<protocol::reporting_event>{e, e};
    auto resp = h.call<protocol::report_event_batch_response>(r);
    EXPECT_TRUE(resp.result);
    EXPECT_EQ(h.svc().events_received(), 2U);
    EXPECT_THAT(h.svc().metrics_text(), HasSubstr("wsuslab_events_received_total 2\n"));
    // The same operation on the WSDL's address of the Reporting service.
    EXPECT_EQ(h.post(protocol::request(r), std::nullopt, "/ReportingWebService/WebService.asmx").status, 200);
    EXPECT_EQ(h.svc().events_received(), 4U);
    r.event_batch.reset();
    auto f = h.fault(r).second;
    EXPECT_EQ(f.message, "eventBatch");
    EXPECT_EQ(f.faultactor, std::optional<std::string>("http://wsusebc/ReportingWebService/ReportingWebService.asmx"));
}

}  // namespace
}  // namespace wsuslab::server::test
