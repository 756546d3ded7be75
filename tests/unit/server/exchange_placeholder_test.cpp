// Replaying a sanitized recording: identity fields holding placeholders match any live value,
// placeholder cookies bind the client like recorded ones, the placeholder base URL becomes the
// replaying server's, and the proxy's meta.json keys round-trip.
#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <wsuslab/server/exchange_store.hpp>

#include "../../../simulator/server/src/exchange_placeholders.hpp"
#include "exchange_test_support.hpp"

namespace wsuslab::server {
namespace {

using namespace wsuslab::test::exchange;
using ::testing::HasSubstr;

const std::string placeholder_id = "00000000-0000-0000-0000-000000000001";
const std::string placeholder_dns = "computer-0001.sanitized.invalid";
const std::string cookie_1 = "wsuslabSanitizedCookie000001";
const std::string cookie_2 = "wsuslabSanitizedCookie000002";

class ExchangePlaceholderTest : public ::testing::Test {
protected:
    void record(const std::vector<std::pair<http_request, http_response>>& steps) {
        SCOPED_TRACE("recording and loading " + std::to_string(steps.size()) + " exchange(s)");
        recording_info info;
        info.source = "hand-made: a sanitized proxy recording";
        auto rec = exchange_recorder::open(dir_.str(), info).value();
        for (auto const& [q, r] : steps) {
            ASSERT_TRUE(rec->record(q, r).ok());
        }
        auto loaded = exchange_replayer::load(dir_.str());
        ASSERT_TRUE(loaded.ok()) << loaded.error().message();
        replayer_ = std::move(loaded.value());
    }

    std::string replayed(const http_request& q) {
        auto outcome = replayer_->answer(q);
        if (auto const* m = std::get_if<replay_mismatch>(&outcome)) {
            ADD_FAILURE() << m->message();
            return {};
        }
        return std::get<replay_match>(outcome).name;
    }

    std::vector<std::pair<http_request, http_response>> sanitized_session() const {
        return {{get_config(), get_config_response()},
                {get_authorization_cookie(placeholder_id, placeholder_dns), get_authorization_cookie_response(cookie_1)},
                {get_cookie(cookie_1, "2008-06-14T02:59:50Z"), get_cookie_response(cookie_2)},
                {sync_updates(cookie_2, {}, {}), sync_updates_response(cookie_2, {8851})}};
    }

    temp_dir dir_;
    std::unique_ptr<exchange_replayer> replayer_;
};

TEST_F(ExchangePlaceholderTest, PlaceholderIdentityMatchesTheLiveClientsIdentity) {
    record(sanitized_session());
    EXPECT_EQ(replayed(get_config()), "0001-computer-0001-GetConfig");
    EXPECT_EQ(replayed(get_authorization_cookie("e5e5fdfe-9549-4960-5fb7-015913adb325", "ws-office-01.wsuslab.example")),
              "0002-computer-0001-GetAuthorizationCookie");
    EXPECT_EQ(replayed(get_cookie(cookie_1, "2008-06-14T03:00:00Z")), "0003-computer-0001-GetCookie");
    EXPECT_EQ(replayed(sync_updates(cookie_2, {}, {})), "0004-computer-0001-SyncUpdates");
}

TEST_F(ExchangePlaceholderTest, APlaceholderCookieStandsForAnyCookieTheClientPresents) {
    record(sanitized_session());
    replayed(get_config());
    replayed(get_authorization_cookie("e5e5fdfe-9549-4960-5fb7-015913adb325", "ws-office-01.wsuslab.example"));
    // A real agent that kept a cookie from the real server presents that one, not the placeholder.
    EXPECT_EQ(replayed(get_cookie(base64("a live cookie"), "2008-06-14T03:00:00Z")), "0003-computer-0001-GetCookie");
}

TEST_F(ExchangePlaceholderTest, FieldsThatAreNotPlaceholdersAreStillCompared) {
    record(sanitized_session());
    replayed(get_config());
    replayed(get_authorization_cookie("e5e5fdfe-9549-4960-5fb7-015913adb325", "ws-office-01.wsuslab.example"));
    replayed(get_cookie(cookie_1, "2008-06-14T03:00:00Z"));
    auto outcome = replayer_->answer(sync_updates(cookie_2, {8851}, {}));
    ASSERT_TRUE(std::holds_alternative<replay_mismatch>(outcome));
    EXPECT_EQ(std::get<replay_mismatch>(outcome).message(),
              "no recorded exchange matches: nearest 0004-computer-0001-SyncUpdates differs in "
              "parameters.InstalledNonLeafUpdateIDs: missing {}, extra {8851}");
}

TEST_F(ExchangePlaceholderTest, ARecordedRealIdentityStillHasToMatch) {
    record({{get_config(), get_config_response()},
            {get_authorization_cookie("e5e5fdfe-9549-4960-5fb7-015913adb325", "ws-office-01.wsuslab.example"),
             get_authorization_cookie_response(cookie_1)}});
    replayed(get_config());
    auto outcome = replayer_->answer(get_authorization_cookie(placeholder_id, "ws-office-01.wsuslab.example"));
    ASSERT_TRUE(std::holds_alternative<replay_mismatch>(outcome));
    EXPECT_EQ(std::get<replay_mismatch>(outcome).message(),
              "no recorded exchange matches: nearest 0002-ws-office-01-GetAuthorizationCookie differs in clientId: "
              "recorded \"e5e5fdfe-9549-4960-5fb7-015913adb325\", request \"" + placeholder_id + "\"");
}

TEST_F(ExchangePlaceholderTest, InterleavedClientsWithPlaceholderIdentitiesKeepTheSequenceOfTheirConnection) {
    const std::string a = "10.0.0.1:1000";
    const std::string b = "10.0.0.2:2000";
    record({{get_config(a), get_config_response()},
            {get_authorization_cookie(placeholder_id, placeholder_dns, a), get_authorization_cookie_response(cookie_1)},
            {sync_updates(cookie_1, {}, {}, false, a), sync_updates_response(cookie_1, {8851})},
            {get_config(b), get_config_response()},
            {get_authorization_cookie("00000000-0000-0000-0000-000000000002", "computer-0002.sanitized.invalid", b),
             get_authorization_cookie_response(cookie_2)},
            {sync_updates(cookie_2, {8851}, {}, false, b), sync_updates_response(cookie_2, {8862})}});
    // Both GetConfigs first, then the second client identifies itself first: its connection says
    // which sequence it follows, although its identity matches either.
    EXPECT_EQ(replayed(get_config("127.0.0.1:5001")), "0001-computer-0001-GetConfig");
    EXPECT_EQ(replayed(get_config("127.0.0.1:5002")), "0004-computer-0002-GetConfig");
    EXPECT_EQ(replayed(get_authorization_cookie("c4930c08-9549-4960-f99f-9e78f0138966", "ws-plain-01.wsuslab.example",
                                                "127.0.0.1:5002")),
              "0005-computer-0002-GetAuthorizationCookie");
    EXPECT_EQ(replayed(sync_updates(cookie_2, {8851}, {}, false, "127.0.0.1:5002")), "0006-computer-0002-SyncUpdates");
    EXPECT_EQ(replayed(get_authorization_cookie("e5e5fdfe-9549-4960-5fb7-015913adb325", "ws-office-01.wsuslab.example",
                                                "127.0.0.1:5001")),
              "0002-computer-0001-GetAuthorizationCookie");
    EXPECT_EQ(replayed(sync_updates(cookie_1, {}, {}, false, "127.0.0.1:5001")), "0003-computer-0001-SyncUpdates");
}

TEST_F(ExchangePlaceholderTest, ThePlaceholderBaseUrlBecomesTheReplayingServersUrl) {
    auto config = get_config_response();
    config.body.replace(config.body.find("SimpleAuthWebService/SimpleAuth.asmx"), 0,
                        std::string(placeholder_base_url) + "/");
    config.headers.emplace_back("Location", std::string(placeholder_base_url) + "/x");
    record({{get_config(), config}, {get_config("127.0.0.1:50001"), config}});
    auto plain = get_config();
    plain.headers[0].second = "127.0.0.1:41234";
    auto outcome = replayer_->answer(plain);
    ASSERT_TRUE(std::holds_alternative<replay_match>(outcome));
    auto const& r = std::get<replay_match>(outcome).response;
    EXPECT_THAT(r.body, HasSubstr("<ServiceUrl>http://127.0.0.1:41234/SimpleAuthWebService/SimpleAuth.asmx<"));
    EXPECT_EQ(r.header("Location").value_or(""), "http://127.0.0.1:41234/x");
    auto secure = get_config("127.0.0.1:50001");
    secure.headers[0].second = "wsus.lab:8531";
    secure.tls = true;
    outcome = replayer_->answer(secure);
    ASSERT_TRUE(std::holds_alternative<replay_match>(outcome));
    EXPECT_THAT(std::get<replay_match>(outcome).response.body, HasSubstr("<ServiceUrl>https://wsus.lab:8531/Simple"));
}

TEST(ExchangePlaceholderRecognitionTest, OnlyThePlaceholderShapesAreRecognised) {
    using detail::is_identity_placeholder;
    EXPECT_TRUE(is_identity_placeholder("00000000-0000-0000-0000-000000000001"));
    EXPECT_TRUE(is_identity_placeholder("computer-0001.sanitized.invalid"));
    EXPECT_TRUE(is_identity_placeholder("computer-0012"));
    EXPECT_TRUE(is_identity_placeholder("user-0003"));
    EXPECT_TRUE(is_identity_placeholder("host-0002.sanitized.invalid"));
    EXPECT_FALSE(is_identity_placeholder("00000000-0000-0000-0000-000000000000"));  // the nil GUID
    EXPECT_FALSE(is_identity_placeholder("e5e5fdfe-9549-4960-5fb7-015913adb325"));
    EXPECT_FALSE(is_identity_placeholder("computer-01"));
    EXPECT_FALSE(is_identity_placeholder("computer-0001.corp.example"));
    EXPECT_EQ(detail::cookie_placeholder(7), "wsuslabSanitizedCookie000007");
    EXPECT_EQ(detail::cookie_placeholder(1234567), "wsuslabSanitizedCookie0001234567");
    EXPECT_EQ(detail::cookie_placeholder(7).size() % 4, 0U);
}

TEST(ExchangeMetaUpstreamTest, ProxyKeysRoundTripAndBadValuesAreNamed) {
    temp_dir dir;
    recorded_exchange e;
    e.name = "0001-computer-0001-GetConfig";
    e.meta.sequence = 1;
    e.meta.client = "computer-0001";
    e.meta.operation = "GetConfig";
    e.meta.source = "recorded from a real server through wsuslab proxy, sanitized";
    e.meta.upstream = upstream_meta{"wsuslab proxy", true, "Microsoft-IIS/10.0", "4.0.30319", "3.2"};
    e.request = get_config();
    e.response = get_config_response();
    ASSERT_TRUE(write_exchange(dir.str(), e).ok());
    auto back = read_exchange((dir.path() / e.name).string());
    ASSERT_TRUE(back.ok()) << back.error().message();
    EXPECT_EQ(back.value().meta.upstream.recorded_via, "wsuslab proxy");
    EXPECT_TRUE(back.value().meta.upstream.sanitized);
    EXPECT_EQ(back.value().meta.upstream.server, "Microsoft-IIS/10.0");
    EXPECT_EQ(back.value().meta.upstream.aspnet_version, "4.0.30319");
    EXPECT_EQ(back.value().meta.upstream.protocol_version, "3.2");

    const auto meta = dir.path() / e.name / "meta.json";
    std::ofstream(meta, std::ios::trunc) << R"({"sequence": 1, "client": "c", "operation": "GetConfig",
        "http_status": 200, "source": "x", "sanitized": "yes"})";
    auto bad = read_exchange((dir.path() / e.name).string());
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().message(), meta.string() + ": field \"sanitized\" must be true or false");
    std::ofstream(meta, std::ios::trunc) << R"({"sequence": 1, "client": "c", "operation": "GetConfig",
        "http_status": 200, "source": "x", "upstream": {"server": 10}})";
    bad = read_exchange((dir.path() / e.name).string());
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().message(), meta.string() + ": field \"upstream.server\" must be a string");
}

}  // namespace
}  // namespace wsuslab::server
