// `wsuslab sync` and `wsuslab validate` against servers wsuslab did not write, over real HTTP on
// 127.0.0.1:0: the third-party shapes of fixtures/interop (an Anonymous plug-in, the same two leaf
// updates with Truncated=false in every answer, 30-update pages, xpress), both agents, and the
// genuine Windows Server 2025 answers of ../shared/captures when they are present.

#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include <wsuslab/client/http_transport.hpp>
#include <wsuslab/client/validate.hpp>

#include "cli_support.hpp"
#include "interop_server.hpp"
#include "regression_support.hpp"

namespace wsuslab::regression {
namespace {

using test::run_wsuslab;

using ::testing::HasSubstr;
using ::testing::Not;

// --- the third-party server of the owner's measurement --------------------------------------

TEST(InteropSyncTest, SyncExitsZeroAgainstAnAnonymousLeafOnlyServerInFewRounds) {
    test::interop_server server{test::third_party_script()};
    auto const r = run_wsuslab({"sync", "--skip-selfupdate", "--server", server.url(), "--profile", "plain-workstation"});
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_THAT(r.out, HasSubstr("verdict: synced\n"));
    EXPECT_LT(server.count("SyncUpdates"), 5);
    EXPECT_EQ(server.count("GetAuthorizationCookie"), 0);
}

TEST(InteropSyncTest, UntilEmptyReportsTheResentRevisionsAndStillExitsZero) {
    test::interop_server server{test::third_party_script()};
    auto const r = run_wsuslab({"sync", "--skip-selfupdate", "--server", server.url(), "--profile", "plain-workstation", "--rounds",
                            "until-empty"});
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_LT(server.count("SyncUpdates"), 5);
    EXPECT_THAT(r.out, HasSubstr("  warning: SyncUpdates round 2: the server resent revision 90001, which the request "
                                 "declared cached in OtherCachedUpdateIDs (duplicate revision ID, MS-WUSP §3.1.5.7)\n"));
}

TEST(InteropSyncTest, ModernAgentReadsXpressAnswers) {
    auto script = test::third_party_script();
    script.xpress = true;
    test::interop_server server{script};
    auto const r = run_wsuslab({"sync", "--server", server.url(), "--profile", "plain-workstation", "--agent", "modern",
                            "--json"});
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    auto const doc = nlohmann::json::parse(r.out);
    EXPECT_EQ(doc["agent"], "modern");
    EXPECT_EQ(doc["auth_plug_in"], "Anonymous");
    EXPECT_EQ(doc["verdict"], "synced");
}

TEST(InteropSyncTest, SelfUpdateCheckIsTheDefaultAgainstAServerWithoutTheTree) {
    test::interop_server server{test::third_party_script()};
    auto const r = run_wsuslab({"sync", "--server", server.url(), "--profile", "plain-workstation"});
    EXPECT_EQ(r.code, 1) << r.out << r.err;
    EXPECT_THAT(r.out, HasSubstr("verdict: failed 0x80244019 (WU_E_PT_HTTP_STATUS_NOT_FOUND): SelfUpdate: "));
    EXPECT_THAT(r.out, HasSubstr("--skip-selfupdate skips the check"));
    EXPECT_EQ(server.count("GetConfig"), 0);
    auto const both = run_wsuslab({"sync", "--server", server.url(), "--profile", "plain-workstation",
                               "--selfupdate-check", "--skip-selfupdate"});
    EXPECT_EQ(both.code, 2);
    auto const bad = run_wsuslab({"sync", "--server", server.url(), "--profile", "plain-workstation", "--agent", "nt4"});
    EXPECT_EQ(bad.code, 2);
    EXPECT_THAT(bad.err, HasSubstr("--agent 'nt4' is not 2008 or modern"));
}

TEST(InteropValidateTest, TheThirdPartyServerIsNeverCalledPatched) {
    test::interop_server server{test::third_party_script()};
    auto const r = run_wsuslab({"validate", "--server", server.url(), "--json"});
    auto const doc = nlohmann::json::parse(r.out);
    EXPECT_EQ(doc["verdict"], "INCONCLUSIVE") << r.out;
    EXPECT_EQ(r.code, 2);
    EXPECT_THAT(doc["reason"].get<std::string>(),
                HasSubstr("office2003-workstation synced, but the server offered it no Office 2003 revision"));
    // Each probe asked once more than a spec agent (until-empty) and got the same leaves again.
    std::size_t resent = 0;
    for (auto const& v : doc["violations"]) {
        resent += v["rule"] == "new-not-cached" ? 1 : 0;
    }
    EXPECT_EQ(resent, 6U);
    EXPECT_TRUE(doc["probes"][0]["evidence"]["office_revisions"].empty());
}

// --- 30-update pages --------------------------------------------------------------------------

test::interop_script paged_script() {
    auto s = test::third_party_script();
    s.answers["SyncUpdates"] = {test::read_fixture("interop/pages/SyncUpdates-1.xml"),
                                test::read_fixture("interop/pages/SyncUpdates-2.xml"),
                                test::read_fixture("interop/pages/SyncUpdates-3.xml")};
    return s;
}

class InteropPagesTest : public ::testing::TestWithParam<client::agent_kind> {};

TEST_P(InteropPagesTest, BothAgentsFollowTruncatedPages) {
    test::interop_server server{paged_script()};
    auto o = agent_options(server.url(), profile("plain-workstation"));
    o.agent = GetParam();
    auto const out = sync(o);
    ASSERT_EQ(out.verdict, client::sync_verdict::synced) << out.error;
    // Page 1 says Truncated=true, page 2 holds the last 12 leaves with Truncated=false: two
    // software rounds; the driver pass gets the empty page 3.
    EXPECT_EQ(server.count("SyncUpdates"), 3);
    EXPECT_EQ(out.cache.revisions.size(), 42U);
    EXPECT_TRUE(out.warnings.empty()) << out.warnings.front();
    mitigation::rule_options rules;
    rules.client_protocol_version = client::effective_protocol_version(o);
    std::vector<std::string> found;
    for (auto const& v : mitigation::check_run(client::to_checked_exchanges(out.exchanges), rules)) {
        found.push_back(v.to_string());
    }
    if (GetParam() == client::agent_kind::modern) {
        EXPECT_TRUE(found.empty()) << found.front();
    } else {
        // The pages carry AutoSelect & co., which MS-WUSP reserves for clients >= 1.8: three fields
        // of 42 updates.
        EXPECT_EQ(found.size(), 3U * 42U);
        EXPECT_THAT(found, ::testing::Each(HasSubstr("[deployment-client-1-8-fields]")));
    }
}

std::string agent_test_name(const ::testing::TestParamInfo<client::agent_kind>& p) {
    return p.param == client::agent_kind::modern ? "Modern" : "Wua2008";
}

INSTANTIATE_TEST_SUITE_P(Agents, InteropPagesTest,
                         ::testing::Values(client::agent_kind::wua_2008, client::agent_kind::modern), agent_test_name);

// --- our own server with the modern agent -----------------------------------------------------

TEST(InteropValidateTest, TheModernAgentGetsTheSameVerdictsFromTheLabServer) {
    lab_server legacy(lab_server::with_model(mitigation::model_kind::legacy));
    auto const affected = run_wsuslab({"validate", "--server", legacy.url(), "--agent", "modern"});
    EXPECT_EQ(affected.code, 1) << affected.out;
    EXPECT_THAT(affected.out, HasSubstr("verdict: AFFECTED BY KB954960\n"));
    EXPECT_THAT(affected.out, HasSubstr("0x80244007)"));  // the modern agent's HRESULT for a fault
    lab_server fixed(lab_server::with_model(mitigation::model_kind::fixed));
    auto const patched = run_wsuslab({"validate", "--server", fixed.url(), "--agent", "modern"});
    EXPECT_EQ(patched.code, 0) << patched.out;
    EXPECT_THAT(patched.out, HasSubstr("verdict: PATCHED\n"));
}

TEST(InteropValidateTest, NamedDuplicateRevisionIsEvidenceOfTheFix) {
    lab_server fixed(lab_server::with_model(mitigation::model_kind::fixed));
    auto const r = run_wsuslab({"validate", "--server", fixed.url(), "--no-server-metrics", "--duplicate-revision", "8862"});
    EXPECT_EQ(r.code, 0) << r.out;
    EXPECT_THAT(r.out, HasSubstr("reason: office2003-workstation received revision 8862, named by "
                                 "--duplicate-revision as carrying duplicate deployment rows, and synced"));
    auto const without = run_wsuslab({"validate", "--server", fixed.url(), "--no-server-metrics"});
    EXPECT_EQ(without.code, 3) << without.out;
    EXPECT_THAT(without.out, HasSubstr("verdict: NOT AFFECTED\n"));
}

// --- the genuine captures -----------------------------------------------------------------------

test::interop_script captured_script() {
    auto const c = [](const std::string& n) { return test::capture("wsusrs-native-" + n); };
    test::interop_script s;
    s.answers["GetConfig"] = {c("scan-01-GetConfig.resp.xml")};
    s.answers["GetAuthorizationCookie"] = {c("scan-02-SimpleAuth-GetAuthorizationCookie.resp.xml")};
    s.answers["GetCookie"] = {c("scan-03-GetCookie.resp.xml")};
    s.answers["RegisterComputer"] = {c("scan-04-RegisterComputer.resp.xml")};
    s.answers["StartCategoryScan"] = {c("scan-05-StartCategoryScan.resp.xml")};
    s.answers["SyncUpdates"] = {c("scan-06-SyncUpdates-first.resp.xml"), c("scan-07-SyncUpdates-second.resp.xml"),
                                c("scan-08-SyncUpdates-third-leaf.resp.xml")};
    s.answers["SyncUpdates-driver"] = {c("scan-09-SyncUpdates-driver-empty.resp.xml")};
    s.answers["GetExtendedUpdateInfo"] = {c("scan-10-GetExtendedUpdateInfo.resp.xml")};
    s.answers["ReportEventBatch"] = {c("flow-18-ReportEventBatch.resp.xml")};
    s.xpress = true;  // the captured answers went out xpress-encoded
    return s;
}

// The category of the captured scan (captures scan-05).
constexpr const char* captured_category = "dd78b8a1-0b20-45c1-add6-4da72e9364cf";

class CapturesTest : public ::testing::TestWithParam<client::agent_kind> {
protected:
    void SetUp() override {
        if (!test::captures_present()) {
            GTEST_SKIP() << test::captures_missing_message();
        }
    }
};

TEST_P(CapturesTest, BothAgentsFinishTheDetectionOnTheGenuineAnswers) {
    test::interop_server server{captured_script()};
    auto o = agent_options(server.url(), profile("plain-workstation"));
    o.agent = GetParam();
    if (GetParam() == client::agent_kind::modern) {
        o.scan_categories = {captured_category};
    }
    client::http_transport net;
    client::simulated_clock clock{*client::parse_iso8601("2026-10-04T15:03:36Z")};
    auto const out = client::run_sync(o, net, clock);
    ASSERT_EQ(out.verdict, client::sync_verdict::synced) << out.error;
    // Three software rounds as the captured agent made (non-leaf, non-leaf, leaf with
    // Truncated=false), and no driver pass (DriverSyncNotNeeded=true).
    EXPECT_EQ(server.count("SyncUpdates"), 3);
    EXPECT_EQ(out.cache.revisions.count(72571), 1U);
    EXPECT_EQ(server.count("StartCategoryScan"), GetParam() == client::agent_kind::modern ? 1 : 0);
}

INSTANTIATE_TEST_SUITE_P(Agents, CapturesTest,
                         ::testing::Values(client::agent_kind::wua_2008, client::agent_kind::modern), agent_test_name);

// The local names of the children of an operation's <parameters> (or of the wrapper itself).
std::vector<std::string> element_names(const std::string& body, const char* child) {
    SCOPED_TRACE(std::string("children of ") + (child != nullptr ? child : "the operation wrapper"));
    pugi::xml_document doc;
    EXPECT_TRUE(doc.load_string(body.c_str()));
    auto node = doc.first_child().first_child().first_child();
    if (child != nullptr) {
        node = node.child(child);
    }
    std::vector<std::string> out;
    for (auto const& c : node.children()) {
        std::string const name = c.name();
        out.push_back(name.substr(name.find(':') + 1));
    }
    return out;
}

TEST(CapturesModernTest, TheModernAgentAsksAsTheCapturedAgentDid) {
    if (!test::captures_present()) {
        GTEST_SKIP() << test::captures_missing_message();
    }
    test::interop_server server{captured_script()};
    auto o = agent_options(server.url(), profile("plain-workstation"));
    o.agent = client::agent_kind::modern;
    o.scan_categories = {captured_category};
    client::http_transport net;
    client::simulated_clock clock{*client::parse_iso8601("2026-10-04T15:03:36Z")};
    ASSERT_EQ(client::run_sync(o, net, clock).verdict, client::sync_verdict::synced);
    std::map<std::string, std::string> first;
    for (auto const& r : server.requests()) {
        first.emplace(r.operation, r.body);
    }
    auto const c = [](const std::string& n) { return test::capture("wsusrs-native-" + n); };
    EXPECT_EQ(first["GetConfig"], c("scan-01-GetConfig.req.xml"));
    EXPECT_EQ(element_names(first["GetCookie"], nullptr), element_names(c("scan-03-GetCookie.req.xml"), nullptr));
    EXPECT_EQ(element_names(first["GetCookie"], "oldCookie"), element_names(c("scan-03-GetCookie.req.xml"), "oldCookie"));
    EXPECT_EQ(element_names(first["SyncUpdates"], "parameters"),
              element_names(c("scan-06-SyncUpdates-first.req.xml"), "parameters"));
    EXPECT_EQ(first["StartCategoryScan"], c("scan-05-StartCategoryScan.req.xml"));
}


}  // namespace
}  // namespace wsuslab::regression
