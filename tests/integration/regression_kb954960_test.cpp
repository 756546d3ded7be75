// The KB954960 regression suite over real HTTP: the simulated 2008 agent against the in-process
// mock WSUS with the legacy (WSUS 3.0 SP1) and fixed (KB954960) GetSyncInfo models.

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <wsuslab/client/validate.hpp>
#include <wsuslab/mitigation/catalog.hpp>
#include <wsuslab/mitigation/rule_checker.hpp>
#include <wsuslab/mitigation/simulated_sync.hpp>

#include "regression_support.hpp"

namespace wsuslab::regression {
namespace {

using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using mitigation::model_kind;

constexpr const char* office = "office2003-workstation";
constexpr const char* plain = "plain-workstation";
constexpr const char* server_2003 = "server-2003";
constexpr const char* sync_action =
    "\"http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/SyncUpdates\"";

// Index of the first occurrence of `block` as consecutive lines of `lines`, or npos.
std::size_t find_block(const std::vector<std::string>& lines, const std::vector<std::string>& block) {
    auto const it = std::search(lines.begin(), lines.end(), block.begin(), block.end());
    return it == lines.end() ? std::string::npos : static_cast<std::size_t>(it - lines.begin());
}

// The nine PT lines of Security Advisory 954960 (docs/history.md §3.1) for this server and fault.
std::vector<std::string> advisory_lines(const std::string& url, int http_status, const std::string& id) {
    return {"PT +++++++++++ PT: Synchronizing server updates +++++++++++",
            "PT + ServiceId = {3DA21691-E39D-4DA6-8A4B-B43877BCB1B7}, Server URL = " + url +
                "/ClientWebService/client.asmx",
            "PT WARNING: SyncUpdates failure, error = 0x8024400E, soap client error = 7, soap error "
            "code = 400, HTTP status code = " +
                std::to_string(http_status),
            "PT WARNING: SOAP Fault: 0x000190",
            "PT WARNING: faultstring:Fault occurred",
            "PT WARNING: ErrorCode:InternalServerError(5)",
            "PT WARNING: Message:(null)",
            std::string("PT WARNING: Method:") + sync_action,
            "PT WARNING: ID:" + id};
}

// `run` names the sync checked.
void expect_kb954960_failure(const std::string& run, const client::sync_outcome& o, int http_status) {
    SCOPED_TRACE(run + ": expecting the KB954960 failure with HTTP " + std::to_string(http_status));
    ASSERT_EQ(o.verdict, client::sync_verdict::failed) << o.error;
    EXPECT_EQ(o.hresult, 0x8024400EU);
    ASSERT_TRUE(o.fault.has_value());
    EXPECT_EQ(o.fault->op, protocol::operation::sync_updates);
    EXPECT_EQ(o.fault->fault.code, protocol::fault_code::server);
    EXPECT_EQ(o.fault->fault.error, "InternalServerError");
    EXPECT_EQ(o.fault->fault.faultstring, "Fault occurred");
    EXPECT_EQ(o.fault->fault.message, "");
    EXPECT_EQ(o.fault->fault.method, sync_action);
    EXPECT_EQ(o.fault->http_status, http_status);
    EXPECT_TRUE(mitigation::is_guid(o.fault->fault.id)) << o.fault->fault.id;
}

TEST(RegressionTest, Office2003FailsOnLegacyWithTheAdvisoryLogLinesAndOneFaultId) {
    lab_server lab(lab_server::with_model(model_kind::legacy));
    auto const o = sync(lab.url(), office);
    expect_kb954960_failure("office2003-workstation", o, 500);
    ASSERT_TRUE(o.fault.has_value());
    std::string const id = o.fault->fault.id;

    auto const lines = tagged_log(o);
    auto const at = find_block(lines, advisory_lines(lab.url(), 500, id));
    ASSERT_NE(at, std::string::npos) << ::testing::PrintToString(lines);
    // The lines that follow in the same scan (docs/history.md §3.3).
    EXPECT_NE(find_block(lines, {"PT WARNING: PTError: 0x8024400e",
                                 "Agent WARNING: Failed to synchronize, error = 0x8024400E"}),
              std::string::npos);
    EXPECT_THAT(lines, ::testing::Contains("Agent WARNING: WU client failed Searching for update with error 0x8024400e"));
    // The fault happens on a later round, after the Office 2003 detectoid was reported installed.
    ASSERT_FALSE(o.rounds.empty());
    EXPECT_GT(o.rounds.size(), 1U);
    EXPECT_TRUE(o.rounds.back().faulted);

    // One GUID in the SOAP detail, the server log and the client log.
    ASSERT_FALSE(o.exchanges.empty());
    auto const& last = o.exchanges.back();
    EXPECT_EQ(last.op, protocol::operation::sync_updates);
    EXPECT_EQ(last.http_status, 500);
    EXPECT_THAT(last.response_body, HasSubstr("<ID>" + id + "</ID>"));
    auto const server_log = lab.log_text();
    EXPECT_THAT(server_log, HasSubstr("Error w3wp.12 ClientImplementation.SyncUpdates System.ArgumentException: "
                                      "Item has already been added. Key in dictionary: '8862'  Key being added: '8862'"));
    EXPECT_THAT(server_log, HasSubstr("at System.Collections.Hashtable.Add(Object key, Object value)"));
    EXPECT_THAT(server_log, HasSubstr("SoapUtilities.CreateException ThrowException: actor = " + lab.url() +
                                      "/ClientWebService/client.asmx, ID=" + id +
                                      ", ErrorCode=InternalServerError, Message=, Client="));
    auto const ids = lab.service().last_fault_ids();
    EXPECT_EQ(std::count(ids.begin(), ids.end(), id), 1);
    EXPECT_EQ(ids.size(), 1U);
}

TEST(RegressionTest, FaultStatus200GivesTheAdvisoryLineByteForByte) {
    auto options = lab_server::with_model(model_kind::legacy);
    options.fault_status = 200;
    lab_server lab(options);
    auto const o = sync(lab.url(), office);
    expect_kb954960_failure("office2003-workstation, faults with HTTP 200", o, 200);
    ASSERT_TRUE(o.fault.has_value());
    EXPECT_NE(find_block(tagged_log(o), advisory_lines(lab.url(), 200, o.fault->fault.id)), std::string::npos);
    // The rule checker flags the 200 unless told the server is configured for it.
    auto const checked = client::to_checked_exchanges(o.exchanges);
    auto const v = mitigation::check_run(checked);
    ASSERT_EQ(v.size(), 1U);
    EXPECT_EQ(v[0].rule, "fault-http-status");
    mitigation::rule_options quirk;
    quirk.fault_status_200_configured = true;
    EXPECT_TRUE(mitigation::check_run(checked, quirk).empty());
}

// What the fixed model must deliver to a profile: the in-process simulated client driving the
// same model directly (no SOAP) is the oracle.
mitigation::simulated_sync_result oracle(const mitigation::client_profile& p) {
    static mitigation::catalog const cat(*kb954960());
    auto const model = mitigation::make_model(model_kind::fixed);
    mitigation::simulated_sync_options so;
    so.groups = {mitigation::all_computers_group};
    so.groups.insert(so.groups.end(), p.target_groups.begin(), p.target_groups.end());
    so.page_size = kb954960()->server.page_size;
    return mitigation::run_simulated_sync(*model, cat, so, mitigation::installed_on(p.machine));
}

TEST(RegressionTest, Office2003SyncsOnFixedWithEveryApprovedApplicableUpdateOnce) {
    lab_server lab(lab_server::with_model(model_kind::fixed));
    auto const o = sync(lab.url(), office);
    ASSERT_EQ(o.verdict, client::sync_verdict::synced) << o.error;
    EXPECT_EQ(o.hresult, 0U);

    auto const ids = received_ids(o);
    std::map<std::int32_t, int> times;
    for (auto id : ids) {
        ++times[id];
    }
    for (auto const& [id, n] : times) {
        EXPECT_EQ(n, 1) << "revision " << id << " offered " << n << " times";
    }
    // Revision 8862 (Office 2003 SP1, the two deployment rows) arrives exactly once.
    EXPECT_EQ(times[8862], 1);

    auto const expected = oracle(profile(office));
    ASSERT_TRUE(expected.ok());
    std::set<std::int32_t> const got(ids.begin(), ids.end());
    auto const want = expected.cache();
    EXPECT_THAT(std::vector<std::int32_t>(got.begin(), got.end()), ElementsAreArray(want));

    // Independently of the oracle: every approved revision whose prerequisites the client reports
    // installed was offered.
    auto const& s = *kb954960();
    std::set<std::string> installed_updates;
    for (auto const& [id, rev] : o.cache.revisions) {
        if (rev.state == protocol::applicability_state::installed) {
            installed_updates.insert(rev.update_id);
        }
    }
    std::set<std::string> groups{mitigation::all_computers_group, "Workstations"};
    for (auto const& row : s.deployments) {
        auto const* rev = s.find_revision(row.revision_id);
        ASSERT_NE(rev, nullptr);
        if (groups.count(row.target_group) == 0 || row.action == protocol::deployment_action::block) {
            continue;
        }
        bool const reachable = std::all_of(rev->prerequisites.begin(), rev->prerequisites.end(), [&](auto const& clause) {
            return std::any_of(clause.update_ids.begin(), clause.update_ids.end(),
                               [&](const std::string& u) { return installed_updates.count(u) != 0; });
        });
        if (reachable) {
            EXPECT_EQ(got.count(row.revision_id), 1U) << "approved revision " << row.revision_id << " not offered";
        }
    }
    EXPECT_FALSE(o.needed_revision_ids.empty());
    EXPECT_TRUE(mitigation::check_run(client::to_checked_exchanges(o.exchanges)).empty());
}

class BothModelsTest : public ::testing::TestWithParam<model_kind> {};

TEST_P(BothModelsTest, WorkstationWithoutOfficeSyncs) {
    lab_server lab(lab_server::with_model(GetParam()));
    auto const o = sync(lab.url(), plain);
    ASSERT_EQ(o.verdict, client::sync_verdict::synced) << o.error;
    auto const ids = received_ids(o);
    EXPECT_EQ(std::set<std::int32_t>(ids.begin(), ids.end()).size(), ids.size());
    EXPECT_EQ(std::count(ids.begin(), ids.end(), 8862), 0);  // never reaches Office 2003 SP1
    auto const want = oracle(profile(plain)).cache();
    std::set<std::int32_t> const got(ids.begin(), ids.end());
    EXPECT_THAT(std::vector<std::int32_t>(got.begin(), got.end()), ElementsAreArray(want));
    EXPECT_TRUE(lab.service().last_fault_ids().empty());
    EXPECT_TRUE(mitigation::check_run(client::to_checked_exchanges(o.exchanges)).empty());
}

TEST_P(BothModelsTest, ServerProfileSyncs) {
    lab_server lab(lab_server::with_model(GetParam()));
    auto const o = sync(lab.url(), server_2003);
    ASSERT_EQ(o.verdict, client::sync_verdict::synced) << o.error;
    auto const want = oracle(profile(server_2003)).cache();
    auto const ids = received_ids(o);
    std::set<std::int32_t> const got(ids.begin(), ids.end());
    EXPECT_EQ(got.size(), ids.size());
    EXPECT_THAT(std::vector<std::int32_t>(got.begin(), got.end()), ElementsAreArray(want));
    EXPECT_TRUE(lab.service().last_fault_ids().empty());
}

INSTANTIATE_TEST_SUITE_P(Models, BothModelsTest, ::testing::Values(model_kind::legacy, model_kind::fixed),
                         [](const ::testing::TestParamInfo<model_kind>& p) {
                             return p.param == model_kind::legacy ? "Legacy" : "Fixed";
                         });

TEST(RegressionTest, ClearingTheClientCacheDoesNotHelpOnLegacy) {
    lab_server lab(lab_server::with_model(model_kind::legacy));
    auto options = agent_options(lab.url(), profile(office));
    options.state_dir = temp_dir("client");

    auto const first = sync(options);
    expect_kb954960_failure("first sync", first, 500);
    // Again with the cache the first run left (a differential sync).
    auto const second = sync(options);
    expect_kb954960_failure("second sync, with the cache the first left", second, 500);
    // And after deleting the SoftwareDistribution cache (--reset).
    options.reset_state = true;
    auto const third = sync(options);
    expect_kb954960_failure("third sync, after --reset", third, 500);

    ASSERT_TRUE(first.fault && second.fault && third.fault);
    std::set<std::string> const ids{first.fault->fault.id, second.fault->fault.id, third.fault->fault.id};
    EXPECT_EQ(ids.size(), 3U) << "every fault instance has its own ID";
    EXPECT_EQ(lab.service().last_fault_ids().size(), 3U);
}

TEST(RegressionTest, RetriesFiveHoursLaterFailTheSameWay) {
    lab_server lab(lab_server::with_model(model_kind::legacy));
    auto options = agent_options(lab.url(), profile(office));
    options.retries = 2;
    auto const o = sync(options);
    ASSERT_EQ(o.attempts.size(), 3U);
    for (std::size_t i = 0; i < o.attempts.size(); ++i) {
        EXPECT_EQ(o.attempts[i].verdict, client::sync_verdict::failed);
        EXPECT_EQ(o.attempts[i].hresult, 0x8024400EU);
        if (i > 0) {
            EXPECT_EQ(o.attempts[i].started - o.attempts[i - 1].started >= std::chrono::hours(5), true);
        }
    }
}

}  // namespace
}  // namespace wsuslab::regression
