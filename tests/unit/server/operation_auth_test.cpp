// The authorization operations and the cookie checks called directly (operation_bench.hpp): no
// HTTP, no envelope, exact outcomes.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "operation_bench.hpp"

namespace wsuslab::server::test {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

TEST(OperationAuthTest, GetConfigAnswersTheScenarioConfiguration) {
    operation_bench bench;
    detail::soap_call call = bench.call(protocol::operation::get_config);
    const auto resp = operation_bench::response_of<protocol::get_config_response>(
        detail::get_config(bench.ctx(), call, protocol::get_config_request{std::string("1.6")}));
    ASSERT_TRUE(resp.result && resp.result->properties);
    EXPECT_EQ(resp.result->last_change, "2008-06-11T17:42:05.000Z");
    EXPECT_TRUE(resp.result->is_registration_required);
    EXPECT_THAT(*resp.result->properties,
                ElementsAre(Pair("MaxExtendedUpdatesPerRequest", "50"),
                            Pair("PackageServerShare", "\\\\wsusebc\\UpdateServicesPackages"),
                            Pair("ProtocolVersion", "3.1"), Pair("IsInventoryRequired", "0"),
                            Pair("ClientReportingLevel", "2")));
    EXPECT_THAT(call.notes.detail, ElementsAre("protocolVersion=1.6"));
}

TEST(OperationAuthTest, GetAuthorizationCookieRejectsABadClientIdWithAnInternalServerError) {
    operation_bench bench;
    protocol::get_authorization_cookie_request r;
    r.client_id = std::string("not a client id!");
    r.dns_name = std::string(office_dns);
    detail::soap_call call = bench.call(protocol::operation::get_authorization_cookie);
    const detail::app_fault f =
        operation_bench::app_fault_of(detail::get_authorization_cookie(bench.ctx(), call, r));
    EXPECT_EQ(f.code, protocol::error_code::internal_server_error);
    EXPECT_EQ(f.message, "");
    ASSERT_EQ(f.prelude.size(), 1U);
    expect_line(f.prelude[0], log_severity::error, "SimpleAuthImplementation.GetAuthorizationCookie",
                "invalid clientId: must be 1-255 characters of a-z, 0-9 and '-'");
    EXPECT_EQ(call.notes.client_id, "");
}

TEST(OperationAuthTest, GetCookieCarriesTheGroupsOfTheAuthorizationCookie) {
    operation_bench bench;
    const protocol::cookie c = bench.cookie(office_client_id, office_dns, "Workstations");
    const cookie_payload p = bench.payload_of(c);
    EXPECT_EQ(p.kind, cookie_kind::client);
    EXPECT_EQ(p.client_id, office_client_id);
    EXPECT_THAT(p.groups, ElementsAre("All Computers", "Workstations"));
    EXPECT_EQ(p.server_identity, bench_identity);
    EXPECT_EQ(p.config_last_change, "2008-06-11T17:42:05.000Z");
    EXPECT_EQ(p.protocol_version, "1.6");
    EXPECT_EQ(p.issued_ms, advisory_ms);
    EXPECT_EQ(p.expires_ms, advisory_ms + std::int64_t{5} * 24 * 3600 * 1000);
    EXPECT_EQ(c.expiration, "2008-06-19T02:59:57.642Z");
    EXPECT_FALSE(p.registered);
}

TEST(OperationAuthTest, RegisterComputerThenGetCookieCarriesTheRegistration) {
    operation_bench bench;
    const protocol::cookie first = bench.cookie(office_client_id, office_dns, "Workstations");
    EXPECT_FALSE(bench.state().is_registered(office_client_id));
    operation_bench::response_of<protocol::register_computer_response>(bench.register_computer(first, office_dns));
    EXPECT_TRUE(bench.state().is_registered(office_client_id));
    EXPECT_THAT(bench.metrics_text(), ::testing::HasSubstr("wsuslab_registered_computers 1\n"));
    // A later cookie of the same client says it is registered.
    const protocol::cookie second = bench.cookie(office_client_id, office_dns, "Workstations");
    EXPECT_TRUE(bench.payload_of(second).registered);
}

TEST(OperationAuthTest, RegisterComputerWithoutComputerInfoIsInvalidParameters) {
    operation_bench bench;
    protocol::register_computer_request r;
    r.cookie_ = bench.cookie(office_client_id, office_dns);
    detail::soap_call call = bench.call(protocol::operation::register_computer);
    expect_app_fault(detail::register_computer(bench.ctx(), call, r),
                     protocol::error_code::invalid_parameters, "computerInfo");
    EXPECT_EQ(call.notes.client_id, office_client_id);
}

// Each way a cookie fails, as SyncUpdates (every check) sees it.
struct cookie_case {
    const char* name;
    protocol::error_code expected;
    const char* detail;  ///< the verbose fact, "" when none
};

class OperationCookieTest : public ::testing::TestWithParam<cookie_case> {};

protocol::cookie cookie_for(operation_bench& bench, std::string_view name) {
    if (name == "absent") {
        return protocol::cookie{};
    }
    if (name == "not base64") {
        protocol::cookie c;
        c.encrypted_data = std::string("this is not base64!");
        return c;
    }
    if (name == "tampered") {
        protocol::cookie c = bench.registered_cookie(office_client_id, office_dns);
        std::string& data = *c.encrypted_data;
        data[data.size() / 2] = data[data.size() / 2] == 'A' ? 'B' : 'A';
        return c;
    }
    cookie_payload p = bench.payload_of(bench.registered_cookie(office_client_id, office_dns));
    if (name == "other identity") {
        p.server_identity = "00000000-0000-4000-8000-000000000000";
    } else if (name == "expired") {
        p.expires_ms = advisory_ms;
    } else if (name == "old configuration") {
        p.config_last_change = "2008-01-01T00:00:00.000Z";
    } else if (name == "unregistered") {
        p.client_id = plain_client_id;
        p.registered = false;
    } else if (name == "authorization") {
        p.kind = cookie_kind::authorization;
    }
    protocol::cookie c;
    c.encrypted_data = bench.codec().seal(p);
    return c;
}

TEST_P(OperationCookieTest, SyncUpdatesAnswersTheCookieFault) {
    const cookie_case& k = GetParam();
    SCOPED_TRACE(k.name);
    operation_bench bench;
    const protocol::sync_updates_request r = service_harness::sync_request(cookie_for(bench, k.name), {});
    detail::soap_call call = bench.call(protocol::operation::sync_updates);
    expect_app_fault(detail::sync_updates(bench.ctx(), call, r), k.expected, "");
    if (std::string_view(k.detail).empty()) {
        EXPECT_TRUE(call.notes.detail.empty());
    } else {
        EXPECT_THAT(call.notes.detail, ElementsAre(k.detail));
    }
}

INSTANTIATE_TEST_SUITE_P(
    EveryCheck, OperationCookieTest,
    ::testing::Values(
        cookie_case{"absent", protocol::error_code::invalid_cookie, "cookie=absent"},
        cookie_case{"not base64", protocol::error_code::invalid_cookie, "cookie=not base64"},
        cookie_case{"tampered", protocol::error_code::invalid_cookie, "cookie=bad signature"},
        cookie_case{"authorization", protocol::error_code::invalid_cookie,
                    "cookie=authorization cookie where a cookie was expected"},
        cookie_case{"other identity", protocol::error_code::server_changed,
                    "cookie=issued by server identity 00000000-0000-4000-8000-000000000000"},
        cookie_case{"expired", protocol::error_code::cookie_expired, "cookie=expired at 2008-06-14T02:59:57.642Z"},
        cookie_case{"old configuration", protocol::error_code::config_changed,
                    "cookie=issued under configuration 2008-01-01T00:00:00.000Z"},
        cookie_case{"unregistered", protocol::error_code::registration_required, ""}),
    [](const ::testing::TestParamInfo<cookie_case>& param_info) {
        std::string name;
        bool upper = true;
        for (const char ch : std::string_view(param_info.param.name)) {
            if (ch == ' ') {
                upper = true;
                continue;
            }
            name += upper && ch >= 'a' && ch <= 'z' ? static_cast<char>(ch - 'a' + 'A') : ch;
            upper = false;
        }
        return name;
    });

TEST(OperationAuthTest, GetFileLocationsChecksOnlyTheCookiesOwnValidity) {
    // GetFileLocations runs no ConfigChanged check: a cookie of an older configuration passes.
    operation_bench bench;
    cookie_payload p = bench.payload_of(bench.registered_cookie(office_client_id, office_dns));
    p.config_last_change = "2008-01-01T00:00:00.000Z";
    protocol::get_file_locations_request r;
    r.cookie_ = protocol::cookie{};
    r.cookie_->encrypted_data = bench.codec().seal(p);
    r.file_digests = protocol::string_list{};
    detail::soap_call call = bench.call(protocol::operation::get_file_locations);
    const auto resp = operation_bench::response_of<protocol::get_file_locations_response>(
        detail::get_file_locations(bench.ctx(), call, r));
    ASSERT_TRUE(resp.result && resp.result->new_cookie);
    EXPECT_EQ(bench.payload_of(*resp.result->new_cookie).config_last_change, "2008-06-11T17:42:05.000Z");
    EXPECT_THAT(call.notes.detail, ElementsAre("located=0/0"));
}

}  // namespace
}  // namespace wsuslab::server::test
