// The 954960 failure end to end through wsus_service: the SOAP fault exactly in shape (HTTP 500
// and 200 variants) and the SoftwareDistribution.log lines with the same GUID; the fixed model
// and per-group model overrides answering the same request.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "service_fixture.hpp"

namespace wsuslab::server::test {
namespace {

using ::testing::HasSubstr;

constexpr const char* sync_action =
    "\"http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/SyncUpdates\"";

struct legacy_run {
    int status = 0;
    protocol::soap_fault fault;
    std::string content_type;
    std::vector<std::string> log;
    std::vector<std::string> fault_ids;
};

legacy_run run_office_client(int fault_status) {
    SCOPED_TRACE("the Office 2003 client on legacy, faults with HTTP " + std::to_string(fault_status));
    temp_dir dir;
    service_options o = logged_options(dir, log_level::warning);
    o.fault_status = fault_status;
    service_harness h(o);
    legacy_run run;
    if (!h.ok()) {
        return run;
    }
    const protocol::cookie c = h.registered_cookie(office_client_id, office_dns, "Workstations");
    const http_response http = h.post(service_harness::sync_request(c, all_non_leaf(*kb954960())));
    run.status = http.status;
    run.content_type = std::string(http.header("Content-Type").value_or(""));
    auto parsed = protocol::parse_fault(http.body);
    EXPECT_TRUE(parsed.ok()) << http.body;
    if (parsed) {
        run.fault = parsed.value();
    }
    h.svc().flush();
    run.log = lines_of(read_text(o.log_path));
    run.fault_ids = h.svc().last_fault_ids();
    return run;
}

TEST(ServiceFaultTest, LegacyModelAnswersThe954960FaultWithStatus500) {
    const legacy_run run = run_office_client(500);
    EXPECT_EQ(run.status, 500);
    EXPECT_EQ(run.content_type, "text/xml; charset=utf-8");
    EXPECT_EQ(run.fault.code, protocol::fault_code::server);
    EXPECT_EQ(run.fault.faultstring, "Fault occurred");
    EXPECT_EQ(run.fault.faultactor, std::optional<std::string>("http://wsusebc/ClientWebService/client.asmx"));
    EXPECT_EQ(run.fault.error, std::optional<std::string>("InternalServerError"));
    EXPECT_EQ(run.fault.message, "");
    EXPECT_TRUE(is_guid_v4(run.fault.id)) << run.fault.id;
    EXPECT_EQ(run.fault.method, sync_action);
    ASSERT_EQ(run.fault_ids.size(), 1U);
    EXPECT_EQ(run.fault_ids.back(), run.fault.id);
}

TEST(ServiceFaultTest, FaultStatusOptionSends200WithTheSameFault) {
    const legacy_run run = run_office_client(200);
    EXPECT_EQ(run.status, 200);
    EXPECT_EQ(run.fault.code, protocol::fault_code::server);
    EXPECT_EQ(run.fault.faultstring, "Fault occurred");
    EXPECT_EQ(run.fault.error, std::optional<std::string>("InternalServerError"));
    EXPECT_EQ(run.fault.method, sync_action);
}

TEST(ServiceFaultTest, ServerLogHoldsTheExceptionStackAndThrowExceptionWithTheFaultGuid) {
    const legacy_run run = run_office_client(500);
    const std::string ts = "2008-06-14 02:59:57,642 UTC ";
    const std::vector<std::string> expected = {
        ts + "Error w3wp.12 ClientImplementation.SyncUpdates System.ArgumentException: Item has already been "
             "added. Key in dictionary: '8862'  Key being added: '8862'",
        "at System.Collections.Hashtable.Insert(Object key, Object nvalue, Boolean add)",
        "at System.Collections.Hashtable.Add(Object key, Object value)",
        "at Microsoft.UpdateServices.Internal.ClientImplementation.GetSyncInfo(DataAccess dataAccess, Hashtable "
        "stateTable, Hashtable deploymentTable, Boolean haveGroupsChanged, Boolean doChunking)",
        "at Microsoft.UpdateServices.Internal.ClientImplementation.SoftwareSync(DataAccess dataAccess, "
        "UnencryptedCookieData cookieData, Int32[] installedNonLeafUpdateIds, Int32[] leafUpdateIds, Boolean "
        "haveGroupsChanged, Boolean expressQuery)",
        "at Microsoft.UpdateServices.Internal.ClientImplementation.SyncUpdates(Cookie cookie, SyncUpdateParameters "
        "parameters)",
        "at Microsoft.UpdateServices.Internal.ClientImplementation.SyncUpdates(Cookie cookie, SyncUpdateParameters "
        "parameters)",
        "at Microsoft.UpdateServices.Internal.Client.SyncUpdates(Cookie cookie, SyncUpdateParameters parameters)",
        ts + "Warning w3wp.12 SoapUtilities.CreateException ThrowException: actor = "
             "http://wsusebc/ClientWebService/client.asmx, ID=" + run.fault.id +
             ", ErrorCode=InternalServerError, Message=, Client=?",
    };
    // At level warning the log holds exactly the failure block (no Info lines).
    EXPECT_EQ(run.log, expected);
}

TEST(ServiceFaultTest, InfoLevelAddsOneLinePerRequestAfterTheFailureBlock) {
    temp_dir dir;
    service_options o = logged_options(dir, log_level::info);
    service_harness h(o);
    ASSERT_TRUE(h.ok());
    const protocol::cookie c = h.registered_cookie(office_client_id, office_dns, "Workstations");
    h.post(service_harness::sync_request(c, all_non_leaf(*kb954960())));
    h.svc().flush();
    const auto log = lines_of(read_text(o.log_path));
    ASSERT_GE(log.size(), 6U);
    EXPECT_THAT(log.front(), HasSubstr(" UTC Info w3wp.12 WebService.Start wsuslab mock WSUS started: scenario "
                                       "kb954960, model legacy, server identity "));
    EXPECT_EQ(log.back(), "2008-06-14 02:59:57,642 UTC Info w3wp.12 ClientImplementation.SyncUpdates POST "
                          "/ClientWebService/client.asmx from 127.0.0.1:50000: 500, client=" +
                              std::string(office_client_id));
    // GetAuthorizationCookie, GetConfig, GetCookie, RegisterComputer each wrote one Info line.
    EXPECT_EQ(log[1], "2008-06-14 02:59:57,642 UTC Info w3wp.12 SimpleAuthImplementation.GetAuthorizationCookie POST "
                      "/SimpleAuthWebService/SimpleAuth.asmx from 127.0.0.1:50000: 200, client=" +
                          std::string(office_client_id));
    EXPECT_THAT(log[2], HasSubstr(" UTC Info w3wp.12 ClientImplementation.GetConfig POST /ClientWebService/client.asmx"));
}

TEST(ServiceFaultTest, ClientsWithoutTheOfficeDetectoidSyncNormallyAgainstTheLegacyModel) {
    service_harness h;
    ASSERT_TRUE(h.ok());
    const protocol::cookie c = h.registered_cookie(plain_client_id, plain_dns, "Workstations");
    auto resp = h.call<protocol::sync_updates_response>(service_harness::sync_request(c, {}));
    ASSERT_TRUE(resp.result);
    ASSERT_TRUE(resp.result->new_updates);
    EXPECT_FALSE(resp.result->new_updates->empty());
    EXPECT_TRUE(resp.result->new_cookie);
    EXPECT_TRUE(h.svc().last_fault_ids().empty());
}

TEST(ServiceFaultTest, FixedModelAnswersAndLogsTheResolvedDuplicate) {
    temp_dir dir;
    service_options o = logged_options(dir, log_level::warning, mitigation::model_kind::fixed);
    service_harness h(o);
    ASSERT_TRUE(h.ok());
    const protocol::cookie c = h.registered_cookie(office_client_id, office_dns, "Workstations");
    auto resp = h.call<protocol::sync_updates_response>(service_harness::sync_request(c, all_non_leaf(*kb954960())));
    ASSERT_TRUE(resp.result && resp.result->new_updates);
    bool has_8862 = false;
    for (auto const& u : *resp.result->new_updates) {
        if (u.id == 8862) {
            has_8862 = true;
            ASSERT_TRUE(u.deploy);
            EXPECT_EQ(u.deploy->id, 31044);
        }
    }
    EXPECT_TRUE(has_8862 || resp.result->truncated);
    h.svc().flush();
    const auto log = lines_of(read_text(o.log_path));
    ASSERT_EQ(log.size(), 1U);
    EXPECT_EQ(log[0], "2008-06-14 02:59:57,642 UTC Warning w3wp.12 ClientImplementation.GetSyncInfo GetSyncInfo: "
                      "revision 8862 has 2 deployment rows for target group 'Workstations' (deploymentTable: "
                      "deployments 31044, 20417); kept deployment 31044 (rule: latest LastChangeTime)");
    EXPECT_THAT(h.svc().metrics_text(), HasSubstr("wsuslab_duplicates_resolved_total 1\n"));
}

TEST(ServiceFaultTest, GroupModelOverrideWinsOverTheServerDefault) {
    auto scenario = kb954960_with([](mitigation::scenario& s) {
        for (auto& g : s.target_groups) {
            if (g.name == "Workstations") {
                g.model = "fixed";
            }
        }
    });
    service_harness h({}, scenario);
    ASSERT_TRUE(h.ok());
    const protocol::cookie c = h.registered_cookie(office_client_id, office_dns, "Workstations");
    const http_response http = h.post(service_harness::sync_request(c, all_non_leaf(*scenario)));
    EXPECT_EQ(http.status, 200) << http.body;
}

TEST(ServiceFaultTest, EveryRetryFailsTheSameWayWithAFreshGuid) {
    service_harness h;
    ASSERT_TRUE(h.ok());
    const protocol::cookie c = h.registered_cookie(office_client_id, office_dns, "Workstations");
    auto first = h.fault(service_harness::sync_request(c, all_non_leaf(*kb954960())));
    h.advance(std::chrono::hours(5));
    auto second = h.fault(service_harness::sync_request(c, all_non_leaf(*kb954960())));
    EXPECT_EQ(first.second.error, second.second.error);
    EXPECT_NE(first.second.id, second.second.id);
    EXPECT_THAT(h.svc().metrics_text(), HasSubstr("wsuslab_duplicates_met_total 2\n"));
    EXPECT_THAT(h.svc().metrics_text(), HasSubstr("wsuslab_faults_total{error_code=\"InternalServerError\"} 2\n"));
}

}  // namespace
}  // namespace wsuslab::server::test
