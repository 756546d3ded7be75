// The agents against servers wsuslab did not write: the third-party shapes of fixtures/interop
// served over real HTTP (Anonymous plug-in, leaf-only pages with Truncated=false, xpress), the
// authorization plug-in choices, servers that resend revisions, and the modern agent's requests.
#include <algorithm>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <pugixml.hpp>

#include <wsuslab/client/agent.hpp>
#include <wsuslab/client/http_transport.hpp>
#include <wsuslab/client/validate.hpp>
#include <wsuslab/protocol/codec.hpp>

#include "fake_wsus.hpp"
#include "interop_server.hpp"

namespace wsuslab::client {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::NiceMock;

mitigation::client_profile plain_profile() {
    mitigation::client_profile p;
    p.name = "plain";
    p.client_id = "c4930c08-9549-4960-f99f-9e78f0138966";
    p.dns_name = "ws-plain-01.wsuslab.example";
    p.computer.dns_name = p.dns_name;
    p.computer.client_version_major_number = 7;
    p.computer.client_version_build_number = 6000;
    p.computer.client_version_qfe_number = 374;
    return p;
}

sync_options options_for(const std::string& url, agent_kind agent = agent_kind::wua_2008) {
    sync_options o;
    o.server_url = url;
    o.profile = plain_profile();
    o.agent = agent;
    return o;
}

sync_outcome run(const sync_options& o) {
    http_transport net;
    simulated_clock clock{*parse_iso8601("2026-10-04T15:03:36Z")};
    return run_sync(o, net, clock);
}

std::vector<std::string> tagged(const std::vector<log_line>& log) {
    std::vector<std::string> out;
    for (auto const& l : log) {
        out.push_back(l.tagged());
    }
    return out;
}

// The local names of an element's children, in order.
std::vector<std::string> children(const pugi::xml_node& n) {
    std::vector<std::string> out;
    for (auto const& c : n.children()) {
        std::string name = c.name();
        out.push_back(name.substr(name.find(':') + 1));
    }
    return out;
}

pugi::xml_node wrapper(pugi::xml_document& doc, const std::string& body) {
    SCOPED_TRACE("the operation wrapper of a captured request body");
    EXPECT_TRUE(doc.load_string(body.c_str())) << body;
    return doc.first_child().first_child().first_child();  // Envelope / Body / <Op>
}

TEST(AgentInteropTest, AnonymousPlugInNeedsNoSimpleAuthCall) {
    test::interop_server server{test::third_party_script()};
    auto const out = run(options_for(server.url()));
    ASSERT_EQ(out.verdict, sync_verdict::synced) << out.error;
    EXPECT_EQ(out.auth_plug_in, "Anonymous");
    EXPECT_EQ(server.count("GetAuthorizationCookie"), 0);
    auto const requests = server.requests();
    auto const cookie = std::find_if(requests.begin(), requests.end(),
                                     [](const test::interop_request& r) { return r.operation == "GetCookie"; });
    ASSERT_NE(cookie, requests.end());
    // One authorization cookie naming the plug-in, without data (docs/client.md §2).
    EXPECT_THAT(cookie->body, HasSubstr("<authCookies><AuthorizationCookie><PlugInId>Anonymous</PlugInId>"
                                        "</AuthorizationCookie></authCookies>"));
    EXPECT_THAT(tagged(out.log), Contains("PT Initializing anonymous authorization cookie, clientId = "
                                          "c4930c08-9549-4960-f99f-9e78f0138966"));
}

TEST(AgentInteropTest, LeafOnlyPagesWithTruncatedFalseEndThePassAfterOneRound) {
    test::interop_server server{test::third_party_script()};
    auto const out = run(options_for(server.url()));
    ASSERT_EQ(out.verdict, sync_verdict::synced) << out.error;
    // One software round (MS-WUSP §3.1.5.7), then the driver pass.
    EXPECT_EQ(server.count("SyncUpdates"), 2);
    ASSERT_EQ(out.rounds.size(), 2U);
    EXPECT_FALSE(out.rounds[0].driver_pass);
    EXPECT_TRUE(out.rounds[1].driver_pass);
    EXPECT_THAT(out.needed_revision_ids, ElementsAre(90001, 90002));
    EXPECT_EQ(out.cache.revisions.at(90001).title, "Interop Update One");
}

TEST(AgentInteropTest, UntilEmptyReportsTheResentRevisionsAndStops) {
    test::interop_server server{test::third_party_script()};
    auto o = options_for(server.url());
    o.rounds = round_rule::until_empty;
    auto const out = run(o);
    ASSERT_EQ(out.verdict, sync_verdict::synced) << out.error;
    EXPECT_EQ(server.count("SyncUpdates"), 3);
    EXPECT_THAT(out.rounds[1].resent_ids, ElementsAre(90001, 90002));
    auto const lines = tagged(out.log);
    EXPECT_THAT(lines, Contains("PT WARNING: SyncUpdates round 2: the server resent revision 90001, which the "
                                "request declared cached in OtherCachedUpdateIDs (duplicate revision ID, "
                                "MS-WUSP §3.1.5.7)"));
    EXPECT_THAT(lines, Contains("PT WARNING: SyncUpdates round 2 brought no revision the client did not have; "
                                "the software pass ends here"));
    // The rule checker reports the same server behaviour.
    std::vector<std::string> resent;
    for (auto const& v : mitigation::check_run(to_checked_exchanges(out.exchanges))) {
        if (v.rule == "new-not-cached") {
            resent.push_back(v.message);
        }
    }
    EXPECT_THAT(resent, ElementsAre("NewUpdates holds revision 90001, which the request declared cached in "
                                    "OtherCachedUpdateIDs (already delivered in round 1)",
                                    "NewUpdates holds revision 90002, which the request declared cached in "
                                    "OtherCachedUpdateIDs (already delivered in round 1)"));
}

TEST(AgentInteropTest, SeveralPlugInsUseSimpleTargetingAndIgnoreTheRest) {
    test::interop_server server{test::third_party_script("GetConfig-several-plug-ins.xml")};
    auto const out = run(options_for(server.url()));
    ASSERT_EQ(out.verdict, sync_verdict::synced) << out.error;
    EXPECT_EQ(out.auth_plug_in, "SimpleTargeting");
    EXPECT_EQ(server.count("GetAuthorizationCookie"), 1);
    auto const lines = tagged(out.log);
    EXPECT_THAT(lines, Contains("PT WARNING: Ignoring authorization plug-in PidValidator: not supported by this agent"));
    EXPECT_THAT(lines, Contains("PT WARNING: Ignoring authorization plug-in Anonymous: not supported by this agent"));
}

TEST(AgentInteropTest, EmptyAuthInfoIsNoAuthPluginsRequested) {
    test::interop_server server{test::third_party_script("GetConfig-no-plug-ins.xml")};
    auto const out = run(options_for(server.url()));
    EXPECT_EQ(out.verdict, sync_verdict::failed);
    EXPECT_EQ(out.hresult, 0x80244027U);
    EXPECT_EQ(out.error, "GetConfig: AuthInfo lists no authorization plug-in");
}

TEST(AgentInteropTest, OnlyUnknownPlugInsIsNoAuthCookiesCreated) {
    test::interop_server server{test::third_party_script("GetConfig-unknown-plug-in.xml")};
    auto const out = run(options_for(server.url()));
    EXPECT_EQ(out.hresult, 0x80244028U);
    EXPECT_EQ(out.error, "GetConfig: AuthInfo offers no authorization plug-in this agent supports "
                         "(SimpleTargeting with a ServiceUrl, or Anonymous): PidValidator");
    EXPECT_EQ(server.count("GetCookie"), 0);
}

TEST(AgentInteropTest, ModernAgentSendsTheCapturedHeadersAndReadsXpressAnswers) {
    auto script = test::third_party_script();
    script.xpress = true;
    test::interop_server server{script};
    auto const out = run(options_for(server.url(), agent_kind::modern));
    ASSERT_EQ(out.verdict, sync_verdict::synced) << out.error;
    for (auto const& x : out.exchanges) {
        if (x.op) {
            EXPECT_EQ(x.content_encoding, "xpress") << protocol::operation_name(*x.op);
        }
    }
    auto const requests = server.requests();
    ASSERT_FALSE(requests.empty());
    auto header = [&](const std::string& name) {
        for (auto const& [k, v] : requests[0].headers) {
            if (k == name) {
                return v;
            }
        }
        return std::string("(absent)");
    };
    EXPECT_EQ(header("Accept-Encoding"), "xpress");
    EXPECT_EQ(header("User-Agent"), "Windows-Update-Agent/1507.2601.30012.0 Client-Protocol/2.90");
    EXPECT_EQ(header("Cache-Control"), "no-cache");
    EXPECT_EQ(header("Pragma"), "no-cache");
    EXPECT_EQ(requests[0].target, "/ClientWebService/client.asmx");
}

TEST(AgentInteropTest, ModernAgentRequestsHaveTheCapturedShapes) {
    test::interop_server server{test::third_party_script()};
    auto const out = run(options_for(server.url(), agent_kind::modern));
    ASSERT_EQ(out.verdict, sync_verdict::synced) << out.error;
    auto const requests = server.requests();
    // GetConfig is byte for byte what the captured agent sent (captures scan-01).
    EXPECT_EQ(requests[0].body,
              "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><GetConfig "
              "xmlns=\"http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService\"><protocolVersion>"
              "2.90</protocolVersion></GetConfig></s:Body></s:Envelope>");
    std::map<std::string, std::string> first;
    for (auto const& r : requests) {
        first.emplace(r.operation, r.body);
    }
    pugi::xml_document cookie_doc;
    auto const cookie = wrapper(cookie_doc, first["GetCookie"]);
    EXPECT_THAT(children(cookie), ElementsAre("authCookies", "oldCookie", "lastChange", "currentTime", "protocolVersion"));
    EXPECT_THAT(children(cookie.child("oldCookie")), ElementsAre("Expiration"));
    EXPECT_EQ(std::string(cookie.child("oldCookie").child_value("Expiration")), "2026-10-04T15:03:36Z");
    EXPECT_EQ(std::string(cookie.child_value("currentTime")), "2026-10-04T15:03:36Z");
    pugi::xml_document sync_doc;
    auto const params = wrapper(sync_doc, first["SyncUpdates"]).child("parameters");
    EXPECT_THAT(children(params), ElementsAre("ExpressQuery", "SkipSoftwareSync", "NeedTwoGroupOutOfScopeUpdates",
                                              "AlsoPerformRegularSync", "ComputerSpec", "ProductsParameters"));
    EXPECT_THAT(children(params.child("ProductsParameters")),
                ElementsAre("SyncCurrentVersionOnly", "DeviceAttributes", "CallerAttributes", "Products"));
    pugi::xml_document ext_doc;
    auto const ext = wrapper(ext_doc, first["GetExtendedUpdateInfo"]);
    EXPECT_THAT(children(ext), ElementsAre("cookie", "revisionIDs", "infoTypes", "locales", "deviceAttributes",
                                           "GeoId", "callerAttributes"));
}

TEST(AgentInteropTest, ModernRequestsParseAsTheProtocolLibraryReadsThem) {
    test::interop_server server{test::third_party_script()};
    ASSERT_EQ(run(options_for(server.url(), agent_kind::modern)).verdict, sync_verdict::synced);
    for (auto const& r : server.requests()) {
        std::string action;
        for (auto const& [k, v] : r.headers) {
            action = k == "SOAPAction" ? v : action;
        }
        auto const parsed = protocol::parse_request(r.body, action);
        EXPECT_TRUE(parsed.ok()) << r.operation << ": " << parsed.error().description;
    }
}

TEST(AgentInteropTest, SelfUpdateCheckFailsTheDetectionWhenTheTreeIsMissing) {
    test::interop_server server{test::third_party_script()};
    auto o = options_for(server.url());
    o.selfupdate = selfupdate_mode::check;
    auto const out = run(o);
    EXPECT_EQ(out.verdict, sync_verdict::failed);
    EXPECT_EQ(out.hresult, 0x80244019U);
    EXPECT_EQ(out.error, "SelfUpdate: " + server.url() + "/selfupdate/wuident.cab answered HTTP 404 (no SelfUpdate "
                         "tree: a 2008 agent does not scan; --skip-selfupdate skips the check)");
    EXPECT_EQ(server.count("GetConfig"), 0);
    std::vector<std::string> const block{
        "Setup Checking for agent SelfUpdate",
        "Setup Client version: Core: 7.0.6000.374 Aux: 7.0.6000.374",
        "Misc WARNING: DownloadFileInternal failed for " + server.url() + "/selfupdate/wuident.cab: error 0x80244019",
        "Setup FATAL: DownloadCabFileFromServer failed, err = 0x80244019",
        "Setup FATAL: SelfUpdate check failed, err = 0x80244019",
        "Agent   * WARNING: Skipping scan, self-update check returned 0x80244019",
        "Agent * WARNING: Exit code = 0x80244019",
    };
    auto const lines = tagged(out.log);
    EXPECT_NE(std::search(lines.begin(), lines.end(), block.begin(), block.end()), lines.end());
}

TEST(AgentInteropTest, SelfUpdateCheckPassesWhenTheTreeIsServed) {
    auto script = test::third_party_script();
    script.selfupdate_cab = "MSCF (a stand-in for wuident.cab)";
    test::interop_server server{script};
    auto o = options_for(server.url());
    o.selfupdate = selfupdate_mode::check;
    auto const out = run(o);
    ASSERT_EQ(out.verdict, sync_verdict::synced) << out.error;
    auto const requests = server.requests();
    ASSERT_GE(requests.size(), 3U);
    EXPECT_EQ(requests[0].method, "HEAD");
    EXPECT_EQ(requests[1].method, "GET");
    EXPECT_EQ(requests[1].target, "/selfupdate/wuident.cab");
    EXPECT_EQ(requests[2].operation, "GetConfig");
    EXPECT_THAT(tagged(out.log), Contains("Setup SelfUpdate check completed.  SelfUpdate is NOT required."));
}

TEST(AgentInteropTest, TheModernAgentHasNoSelfUpdateCheck) {
    test::interop_server server{test::third_party_script()};
    auto o = options_for(server.url(), agent_kind::modern);
    o.selfupdate = selfupdate_mode::check;
    ASSERT_EQ(run(o).verdict, sync_verdict::synced);
    EXPECT_EQ(server.requests().front().operation, "GetConfig");
}

// --- scripted servers that resend (gMock transport) --------------------------------------------

class ResendingServerTest : public ::testing::Test {
protected:
    void SetUp() override { server.attach(net); }
    sync_outcome run_fake(round_rule rule = round_rule::spec) {
        sync_options o;
        o.server_url = "http://wsus.test:8530";
        o.profile = plain_profile();
        o.profile.machine.registry[testing::office_key] = {};
        o.rounds = rule;
        return run_sync(o, net, clock);
    }
    NiceMock<testing::mock_transport> net;
    testing::fake_wsus server;
    simulated_clock clock{*parse_iso8601("2008-06-14T02:59:53.383Z")};
};

TEST_F(ResendingServerTest, TruncatedTrueWithOnlyCachedRevisionsEndsThePassInsteadOfLooping) {
    server.ignore_cached = true;
    server.always_truncated = true;
    auto const out = run_fake();
    ASSERT_EQ(out.verdict, sync_verdict::synced) << out.error;
    EXPECT_EQ(server.sync_calls, 4);  // 3 software rounds, the driver pass; never 0x80244010
    EXPECT_THAT(tagged(out.log), Contains("PT WARNING: SyncUpdates round 3 brought no revision the client did not "
                                          "have although Truncated=true; the software pass ends here"));
    EXPECT_THAT(out.rounds[1].resent_ids, ElementsAre(10, 11, 12));
}

TEST_F(ResendingServerTest, ARevisionTwiceInOneAnswerIsWarnedAbout) {
    server.repeat_updates = true;
    auto const out = run_fake();
    ASSERT_EQ(out.verdict, sync_verdict::synced) << out.error;
    EXPECT_THAT(out.rounds[0].repeated_ids, ElementsAre(10, 11, 12));
    EXPECT_THAT(out.warnings, Contains("SyncUpdates round 1: revision 10 appears 2 times in NewUpdates (duplicate "
                                       "revision ID, MS-WUSP §3.1.5.7)"));
}

TEST_F(ResendingServerTest, UntilEmptyStopsAtTheFirstRoundWithNothingNew) {
    server.ignore_cached = true;
    auto const out = run_fake(round_rule::until_empty);
    ASSERT_EQ(out.verdict, sync_verdict::synced) << out.error;
    EXPECT_EQ(server.sync_calls, 4);
    EXPECT_THAT(out.rounds[2].resent_ids, ElementsAre(10, 11, 12, 20, 21, 22));
}

// --- xpress answers a transport may deliver -----------------------------------------------------

TEST(AgentXpressTest, AnUndecodableXpressBodyIsAParseError) {
    NiceMock<testing::mock_transport> net;
    ON_CALL(net, post_with_headers(::testing::_, ::testing::_, ::testing::_, ::testing::_))
        .WillByDefault([](const std::string&, const std::string&, const std::string&, const http_headers&) {
            return http_reply{200, {{"Content-Encoding", "xpress"}}, "\x05\x00\x00"};
        });
    simulated_clock clock{*parse_iso8601("2026-10-04T15:03:36Z")};
    auto const out = run_sync(options_for("http://wsus.test:8530", agent_kind::modern), net, clock);
    EXPECT_EQ(out.hresult, 0x8024400AU);
    EXPECT_EQ(out.error, "GetConfig: cannot decode the xpress body: block 1 at byte 0: the 8-byte block header "
                         "is cut off");
}

TEST(AgentXpressTest, AnEncodingTheAgentDidNotAskForIsRefused) {
    NiceMock<testing::mock_transport> net;
    ON_CALL(net, post(::testing::_, ::testing::_, ::testing::_))
        .WillByDefault([](const std::string&, const std::string&, const std::string&) {
            return http_reply{200, {{"Content-Encoding", "gzip"}}, "\x1f\x8b"};
        });
    simulated_clock clock{*parse_iso8601("2008-06-14T02:59:53.383Z")};
    auto const out = run_sync(options_for("http://wsus.test:8530"), net, clock);
    EXPECT_EQ(out.hresult, 0x8024400AU);
    EXPECT_EQ(out.error, "GetConfig: the answer has Content-Encoding 'gzip', which the agent did not ask for");
}

}  // namespace
}  // namespace wsuslab::client
