// cookie_codec (HMAC-SHA256 cookies, strict base64, GUIDs) and the cookie faults of the service:
// InvalidCookie, CookieExpired, ServerChanged, ConfigChanged, RegistrationRequired,
// InvalidAuthorizationCookie.

#include <cstdint>
#include <limits>

#include <gtest/gtest.h>

#include <wsuslab/server/cookie_codec.hpp>

#include "service_fixture.hpp"

namespace wsuslab::server::test {
namespace {

cookie_payload sample_payload() {
    cookie_payload p;
    p.client_id = office_client_id;
    p.dns_name = office_dns;
    p.groups = {"All Computers", "Workstations"};
    p.server_identity = "0f8fad5b-d9cb-469f-a165-70867728950e";
    p.config_last_change = "2008-06-11T17:42:05.000Z";
    p.protocol_version = "1.6";
    p.issued_ms = advisory_ms;
    p.expires_ms = advisory_ms + 1000;
    p.watermark = "2008-06-10";
    p.registered = true;
    return p;
}

TEST(CookieCodecTest, SealThenOpenGivesThePayloadBack) {
    const cookie_codec codec(std::string(32, 'k'));
    const auto opened = codec.open(codec.seal(sample_payload()));
    ASSERT_TRUE(std::holds_alternative<cookie_payload>(opened));
    EXPECT_EQ(std::get<cookie_payload>(opened), sample_payload());
}

TEST(CookieCodecTest, TamperedByteFailsTheSignature) {
    const cookie_codec codec(std::string(32, 'k'));
    auto raw = *base64_decode(codec.seal(sample_payload()));
    raw[10] = static_cast<char>(raw[10] ^ 0x01);
    const auto opened = codec.open(base64_encode(raw));
    ASSERT_TRUE(std::holds_alternative<cookie_open_error>(opened));
    EXPECT_EQ(std::get<cookie_open_error>(opened), cookie_open_error::bad_signature);
}

TEST(CookieCodecTest, AnotherServersKeyFailsTheSignature) {
    const cookie_codec mine = cookie_codec::with_random_key();
    const cookie_codec theirs = cookie_codec::with_random_key();
    const auto opened = mine.open(theirs.seal(sample_payload()));
    ASSERT_TRUE(std::holds_alternative<cookie_open_error>(opened));
    EXPECT_EQ(cookie_open_error_name(std::get<cookie_open_error>(opened)), "bad signature");
}

TEST(CookieCodecTest, RejectsTextThatIsNotBase64OrTooShort) {
    const cookie_codec codec(std::string(32, 'k'));
    EXPECT_EQ(std::get<cookie_open_error>(codec.open("not base64!")), cookie_open_error::not_base64);
    EXPECT_EQ(std::get<cookie_open_error>(codec.open("AAAA")), cookie_open_error::too_short);
}

// The times are read back with range checks (a digit loop once overflowed on a signed payload
// whose time did not fit: fixtures/fuzz/fuzz_cookie/, replayed by fuzz_replay_test.cpp).
TEST(CookieCodecTest, ExtremeTimesSurviveSealAndOpen) {
    const cookie_codec codec(std::string(32, 'k'));
    cookie_payload p = sample_payload();
    p.issued_ms = std::numeric_limits<std::int64_t>::min();
    p.expires_ms = std::numeric_limits<std::int64_t>::max();
    const auto opened = codec.open(codec.seal(p));
    ASSERT_TRUE(std::holds_alternative<cookie_payload>(opened));
    EXPECT_EQ(std::get<cookie_payload>(opened), p);
}

TEST(CookieCodecTest, Base64IsStrictAndRoundTrips) {
    EXPECT_EQ(base64_encode(""), "");
    EXPECT_EQ(base64_encode("f"), "Zg==");
    EXPECT_EQ(base64_encode("fo"), "Zm8=");
    EXPECT_EQ(base64_encode("foo"), "Zm9v");
    EXPECT_EQ(base64_decode("Zm8="), std::optional<std::string>("fo"));
    EXPECT_EQ(base64_decode("Zm8"), std::nullopt);
    EXPECT_EQ(base64_decode("Zm=8"), std::nullopt);
    EXPECT_EQ(base64_decode("Zm 8"), std::nullopt);
    const std::string all = [] {
        std::string s;
        for (int i = 0; i < 256; ++i) {
            s.push_back(static_cast<char>(i));
        }
        return s;
    }();
    EXPECT_EQ(base64_decode(base64_encode(all)), std::optional<std::string>(all));
}

TEST(CookieCodecTest, RandomGuidIsVersion4LowerCase) {
    const std::string a = random_guid();
    EXPECT_TRUE(is_guid_v4(a)) << a;
    EXPECT_FALSE(is_guid_v4("C0A7445F-B989-43FA-AC20-11F8CA65FA8C"));
    EXPECT_NE(a, random_guid());
}

class CookieFaultTest : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_TRUE(h.ok()); }

    protocol::soap_fault sync_fault(const protocol::cookie& c) {
        return h.fault(service_harness::sync_request(c, {})).second;
    }

    service_harness h;
};

TEST_F(CookieFaultTest, TamperedCookieIsInvalidCookie) {
    protocol::cookie c = h.registered_cookie(plain_client_id, plain_dns);
    auto raw = *base64_decode(*c.encrypted_data);
    raw[12] = static_cast<char>(raw[12] ^ 0x20);
    c.encrypted_data = base64_encode(raw);
    const auto f = sync_fault(c);
    EXPECT_EQ(f.error, std::optional<std::string>("InvalidCookie"));
    EXPECT_EQ(f.code, protocol::fault_code::client);
    EXPECT_EQ(f.faultactor, std::optional<std::string>("http://wsusebc/ClientWebService/client.asmx"));
}

TEST_F(CookieFaultTest, UndecodableAndMissingCookiesAreInvalidCookie) {
    protocol::cookie c;
    c.expiration = "2008-06-20T00:00:00Z";
    c.encrypted_data = base64_encode("sixteen garbage bytes, validly base64-encoded, but no cookie of ours");
    EXPECT_EQ(sync_fault(c).error, std::optional<std::string>("InvalidCookie"));
    protocol::sync_updates_request r = service_harness::sync_request(c, {});
    r.cookie_.reset();
    EXPECT_EQ(h.fault(r).second.error, std::optional<std::string>("InvalidCookie"));
}

TEST_F(CookieFaultTest, AuthorizationCookieIsNotACookie) {
    const protocol::authorization_cookie ac = h.auth(plain_client_id, plain_dns);
    protocol::cookie c;
    c.expiration = "2008-06-20T00:00:00Z";
    c.encrypted_data = ac.cookie_data;
    EXPECT_EQ(sync_fault(c).error, std::optional<std::string>("InvalidCookie"));
}

TEST_F(CookieFaultTest, ExpiredCookieIsCookieExpired) {
    const protocol::cookie c = h.registered_cookie(plain_client_id, plain_dns);
    EXPECT_EQ(c.expiration, "2008-06-19T02:59:57.642Z");
    h.advance(std::chrono::hours(5 * 24));
    EXPECT_EQ(sync_fault(c).error, std::optional<std::string>("CookieExpired"));
}

TEST_F(CookieFaultTest, RotatedIdentityIsServerChanged) {
    const protocol::cookie c = h.registered_cookie(plain_client_id, plain_dns);
    const std::string before = h.svc().server_identity();
    h.svc().rotate_identity();
    EXPECT_NE(h.svc().server_identity(), before);
    EXPECT_EQ(sync_fault(c).error, std::optional<std::string>("ServerChanged"));
}

TEST_F(CookieFaultTest, BumpedConfigurationIsConfigChanged) {
    const protocol::cookie c = h.registered_cookie(plain_client_id, plain_dns);
    const std::string before = h.svc().config_last_change();
    EXPECT_EQ(before, "2008-06-11T17:42:05.000Z");
    h.svc().bump_config();
    EXPECT_EQ(h.svc().config_last_change(), "2008-06-14T02:59:57.642Z");
    EXPECT_EQ(sync_fault(c).error, std::optional<std::string>("ConfigChanged"));
}

TEST_F(CookieFaultTest, UnregisteredClientGetsRegistrationRequiredUntilItRegisters) {
    const protocol::cookie c = h.cookie(plain_client_id, plain_dns);
    EXPECT_EQ(sync_fault(c).error, std::optional<std::string>("RegistrationRequired"));
    h.register_computer(c, plain_dns);
    const http_response http = h.post(service_harness::sync_request(c, {}));
    EXPECT_EQ(http.status, 200) << http.body;
}

TEST_F(CookieFaultTest, GetCookieNeedsExactlyOneValidAuthorizationCookie) {
    protocol::get_cookie_request r;
    r.last_change = h.last_change();
    r.current_time = "2008-06-13T19:59:53Z";
    r.protocol_version = "1.6";
    r.auth_cookies = std::vector<protocol::authorization_cookie>{};
    EXPECT_EQ(h.fault(r).second.error, std::optional<std::string>("InvalidAuthorizationCookie"));
    const auto ac = h.auth(plain_client_id, plain_dns);
    r.auth_cookies = std::vector<protocol::authorization_cookie>{ac, ac};
    EXPECT_EQ(h.fault(r).second.error, std::optional<std::string>("InvalidAuthorizationCookie"));
    protocol::authorization_cookie forged = ac;
    forged.cookie_data = base64_encode("forged authorization cookie with no valid signature");
    r.auth_cookies = std::vector<protocol::authorization_cookie>{forged};
    EXPECT_EQ(h.fault(r).second.error, std::optional<std::string>("InvalidAuthorizationCookie"));
    r.auth_cookies = std::vector<protocol::authorization_cookie>{ac};
    EXPECT_EQ(h.post(r).status, 200);
}

TEST_F(CookieFaultTest, GetCookieWithAStaleLastChangeIsConfigChanged) {
    protocol::get_cookie_request r;
    r.auth_cookies = std::vector<protocol::authorization_cookie>{h.auth(plain_client_id, plain_dns)};
    r.last_change = "2008-06-01T00:00:00Z";
    r.current_time = "2008-06-13T19:59:53Z";
    EXPECT_EQ(h.fault(r).second.error, std::optional<std::string>("ConfigChanged"));
    // The same instant in another lenient form is accepted.
    r.last_change = "2008-06-11T17:42:05";
    EXPECT_EQ(h.post(r).status, 200);
}

TEST_F(CookieFaultTest, GetCookieCarriesRegistrationFromTheOldCookie) {
    const protocol::cookie old = h.registered_cookie(plain_client_id, plain_dns);
    h.svc().rotate_identity();
    protocol::get_cookie_request r;
    r.auth_cookies = std::vector<protocol::authorization_cookie>{h.auth(plain_client_id, plain_dns)};
    r.old_cookie = old;
    r.last_change = h.last_change();
    r.current_time = "2008-06-13T19:59:53Z";
    // An old cookie of an earlier identity is ServerChanged.
    EXPECT_EQ(h.fault(r).second.error, std::optional<std::string>("ServerChanged"));
    // A nil EncryptedData (the spec example) is no old cookie at all.
    r.old_cookie->encrypted_data.reset();
    EXPECT_EQ(h.post(r).status, 200);
}

TEST_F(CookieFaultTest, RegisterComputerWhenNotRequiredIsRegistrationNotRequired) {
    service_harness open_server({}, kb954960_with([](mitigation::scenario& s) { s.server.registration_required = false; }));
    ASSERT_TRUE(open_server.ok());
    const protocol::cookie c = open_server.cookie(plain_client_id, plain_dns);
    protocol::register_computer_request r;
    r.cookie_ = c;
    r.info = protocol::computer_info{};
    EXPECT_EQ(open_server.fault(r).second.error, std::optional<std::string>("RegistrationNotRequired"));
    // ... and SyncUpdates needs no registration there.
    EXPECT_EQ(open_server.post(service_harness::sync_request(c, {})).status, 200);
}

TEST_F(CookieFaultTest, CookieFaultsNameTheClientInTheLog) {
    temp_dir dir;
    service_options o = logged_options(dir, log_level::warning);
    service_harness logged(o);
    ASSERT_TRUE(logged.ok());
    const protocol::cookie c = logged.cookie(plain_client_id, plain_dns);
    const auto f = logged.fault(service_harness::sync_request(c, {})).second;
    logged.svc().flush();
    const auto lines = lines_of(read_text(o.log_path));
    ASSERT_EQ(lines.size(), 1U);
    EXPECT_EQ(lines[0], "2008-06-14 02:59:57,642 UTC Warning w3wp.12 SoapUtilities.CreateException ThrowException: "
                        "actor = http://wsusebc/ClientWebService/client.asmx, ID=" + f.id +
                            ", ErrorCode=RegistrationRequired, Message=, Client=" + plain_client_id);
}

}  // namespace
}  // namespace wsuslab::server::test
