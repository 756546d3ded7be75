// The rule checker on what real servers send: wsuslab's imitation of their shapes
// (fixtures/interop: 30-update pages, date-only LastChangeTime, no FlagBitmask, omitted NewUpdates,
// the three forms of an empty array, s: and soap: prefixes) always, and the genuine Windows
// Server 2025 answers of ../shared/captures when present. None of them may raise a violation;
// the resending third-party server must.

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <wsuslab/mitigation/rule_checker.hpp>
#include <wsuslab/protocol/codec.hpp>

#include "captures.hpp"
#include "fixtures.hpp"

namespace wsuslab::mitigation {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

rule_options modern_client() {
    rule_options o;
    o.client_protocol_version = "2.90";
    return o;
}

std::string quoted_action(protocol::operation op) { return "\"" + std::string(protocol::soap_action(op)) + "\""; }

// One exchange from message bodies; `request` may be empty (not captured).
checked_exchange exchange_of(std::size_t index, std::size_t round, protocol::operation op,
                             const std::string& request, const std::string& response) {
    SCOPED_TRACE("exchange " + std::to_string(index) + " (" + std::string(protocol::operation_name(op)) + ")");
    checked_exchange e;
    e.index = index;
    e.round = round;
    e.op = op;
    e.soap_action = quoted_action(op);
    e.http_status = 200;
    if (!request.empty()) {
        auto const req = protocol::parse_request(request, e.soap_action);
        EXPECT_TRUE(req.ok()) << protocol::operation_name(op) << " request: " << req.error().description;
        if (req.ok()) {
            if (auto const* s = std::get_if<protocol::sync_updates_request>(&req.value().body)) {
                e.parameters = s->parameters;
            }
        }
    }
    auto reply = protocol::parse_response(op, response);
    if (reply.ok()) {
        e.reply = std::move(reply.value());
    } else {
        e.parse_problem = reply.error().description;
    }
    return e;
}

// A SyncUpdates request of the captured agent's shape declaring `other` cached.
std::string sync_request(const std::vector<std::int32_t>& other) {
    std::string ids;
    for (auto id : other) {
        ids += "<int>" + std::to_string(id) + "</int>";
    }
    return "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><SyncUpdates "
           "xmlns=\"http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService\"><cookie><Expiration>"
           "2099-10-04T16:03:35.9967236Z</Expiration><EncryptedData>AAAA</EncryptedData></cookie><parameters>"
           "<ExpressQuery>false</ExpressQuery>" +
           (ids.empty() ? std::string() : "<OtherCachedUpdateIDs>" + ids + "</OtherCachedUpdateIDs>") +
           "<SkipSoftwareSync>false</SkipSoftwareSync></parameters></SyncUpdates></s:Body></s:Envelope>";
}

std::vector<std::int32_t> range(std::int32_t first, std::int32_t count) {
    std::vector<std::int32_t> out;
    for (std::int32_t i = 0; i < count; ++i) {
        out.push_back(first + i);
    }
    return out;
}

std::vector<std::string> messages(const std::vector<violation>& v) {
    std::vector<std::string> out;
    for (auto const& x : v) {
        out.push_back(x.to_string());
    }
    return out;
}

TEST(RuleCheckerInteropTest, ThirtyUpdatePagesOfACurrentServerAreClean) {
    auto const page = [](int n) { return test::read_fixture("interop/pages/SyncUpdates-" + std::to_string(n) + ".xml"); };
    std::vector<checked_exchange> run{
        exchange_of(5, 1, protocol::operation::sync_updates, sync_request({}), page(1)),
        exchange_of(6, 2, protocol::operation::sync_updates, sync_request(range(91000, 30)), page(2)),
        exchange_of(7, 3, protocol::operation::sync_updates, sync_request(range(91000, 42)), page(3)),
    };
    for (auto const& e : run) {
        ASSERT_TRUE(e.reply.has_value()) << e.parse_problem;
    }
    EXPECT_THAT(messages(check_run(run, modern_client())), IsEmpty());
}

TEST(RuleCheckerInteropTest, EveryFormOfAnEmptyArrayIsAccepted) {
    for (const char* form : {"omitted", "empty-element", "nil"}) {
        SCOPED_TRACE(form);
        auto const request = test::read_fixture(std::string("interop/pages/SyncUpdates-request-") + form + ".xml");
        auto const e = exchange_of(3, 1, protocol::operation::sync_updates, request,
                                   test::read_fixture("interop/pages/SyncUpdates-1.xml"));
        ASSERT_TRUE(e.parameters.has_value());
        auto const& installed = e.parameters->installed_non_leaf_update_ids;
        EXPECT_TRUE(!installed || installed->empty());
        EXPECT_THAT(messages(check_run({e}, modern_client())), IsEmpty());
    }
}

TEST(RuleCheckerInteropTest, TheThirdPartyServerThatResendsItsLeavesIsReported) {
    auto const answer = test::read_fixture("interop/third-party-wsus/SyncUpdates.xml");
    std::vector<checked_exchange> run{
        exchange_of(4, 1, protocol::operation::sync_updates, sync_request({}), answer),
        exchange_of(5, 2, protocol::operation::sync_updates, sync_request({90001, 90002}), answer),
    };
    EXPECT_THAT(messages(check_run(run, modern_client())),
                ElementsAre("SyncUpdates round 2 (exchange 5): [new-not-cached] NewUpdates holds revision 90001, "
                            "which the request declared cached in OtherCachedUpdateIDs (already delivered in round 1)",
                            "SyncUpdates round 2 (exchange 5): [new-not-cached] NewUpdates holds revision 90002, "
                            "which the request declared cached in OtherCachedUpdateIDs (already delivered in round 1)"));
}

TEST(RuleCheckerInteropTest, TheThirdPartyHandshakeAnswersAreClean) {
    auto const file = [](const std::string& n) { return test::read_fixture("interop/third-party-wsus/" + n + ".xml"); };
    std::vector<checked_exchange> run{
        exchange_of(1, 0, protocol::operation::get_config, "", file("GetConfig")),
        exchange_of(2, 0, protocol::operation::get_authorization_cookie, "", file("GetAuthorizationCookie")),
        exchange_of(3, 0, protocol::operation::get_cookie, "", file("GetCookie")),
        exchange_of(4, 0, protocol::operation::register_computer, "", file("RegisterComputer")),
        exchange_of(5, 0, protocol::operation::get_extended_update_info, "", file("GetExtendedUpdateInfo")),
        exchange_of(6, 0, protocol::operation::report_event_batch, "", file("ReportEventBatch")),
    };
    for (auto const& e : run) {
        EXPECT_TRUE(e.reply.has_value()) << protocol::operation_name(e.op) << ": " << e.parse_problem;
    }
    EXPECT_THAT(messages(check_run(run, modern_client())), IsEmpty());
}

TEST(RuleCheckerInteropTest, TheGenuineWindowsServer2025AnswersAreClean) {
    if (!test::captures_present()) {
        GTEST_SKIP() << test::captures_missing_message();
    }
    auto const c = [](const std::string& n) { return test::capture("wsusrs-native-" + n); };
    using protocol::operation;
    std::vector<checked_exchange> run{
        exchange_of(1, 0, operation::get_config, c("scan-01-GetConfig.req.xml"), c("scan-01-GetConfig.resp.xml")),
        exchange_of(2, 0, operation::get_authorization_cookie, c("scan-02-SimpleAuth-GetAuthorizationCookie.req.xml"),
                    c("scan-02-SimpleAuth-GetAuthorizationCookie.resp.xml")),
        exchange_of(3, 0, operation::get_cookie, c("scan-03-GetCookie.req.xml"), c("scan-03-GetCookie.resp.xml")),
        exchange_of(4, 0, operation::register_computer, c("scan-04-RegisterComputer.req.xml"),
                    c("scan-04-RegisterComputer.resp.xml")),
        exchange_of(5, 0, operation::start_category_scan, c("scan-05-StartCategoryScan.req.xml"),
                    c("scan-05-StartCategoryScan.resp.xml")),
        exchange_of(6, 1, operation::sync_updates, c("scan-06-SyncUpdates-first.req.xml"),
                    c("scan-06-SyncUpdates-first.resp.xml")),
        exchange_of(7, 2, operation::sync_updates, c("scan-07-SyncUpdates-second.req.xml"),
                    c("scan-07-SyncUpdates-second.resp.xml")),
        exchange_of(8, 3, operation::sync_updates, c("scan-08-SyncUpdates-third-leaf.req.xml"),
                    c("scan-08-SyncUpdates-third-leaf.resp.xml")),
        exchange_of(9, 4, operation::sync_updates, "", c("scan-09-SyncUpdates-driver-empty.resp.xml")),
        exchange_of(10, 0, operation::get_extended_update_info, c("scan-10-GetExtendedUpdateInfo.req.xml"),
                    c("scan-10-GetExtendedUpdateInfo.resp.xml")),
        exchange_of(11, 0, operation::get_extended_update_info, c("flow-15-GetExtendedUpdateInfo-FileLocations.req.xml"),
                    c("flow-15-GetExtendedUpdateInfo-FileLocations.resp.xml")),
        exchange_of(12, 0, operation::report_event_batch, c("flow-18-ReportEventBatch-2events.req.xml"),
                    c("flow-18-ReportEventBatch.resp.xml")),
    };
    for (auto const& e : run) {
        EXPECT_TRUE(e.reply.has_value()) << protocol::operation_name(e.op) << ": " << e.parse_problem;
    }
    EXPECT_THAT(messages(check_run(run, modern_client())), IsEmpty());
}

}  // namespace
}  // namespace wsuslab::mitigation
