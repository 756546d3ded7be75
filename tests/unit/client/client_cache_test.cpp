// The persistent client cache (JSON) and the differential sync it enables.
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <wsuslab/client/agent.hpp>
#include <wsuslab/client/client_cache.hpp>

#include "fake_wsus.hpp"

namespace wsuslab::client {
namespace {

namespace fs = std::filesystem;
using protocol::operation;
using testing::fake_wsus;
using testing::mock_transport;
using ::testing::ElementsAre;
using ::testing::NiceMock;

// A fresh directory per test, removed afterwards.
class temp_dir {
public:
    temp_dir() {
        auto const* info = ::testing::UnitTest::GetInstance()->current_test_info();
        path_ = fs::path(::testing::TempDir()) /
                ("wsuslab-client-" + std::to_string(::getpid()) + "-" + info->name());
        fs::remove_all(path_);
    }
    ~temp_dir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    std::string str() const { return path_.string(); }
    fs::path file() const { return path_ / std::string(cache_file_name); }

private:
    fs::path path_;
};

client_cache sample_cache() {
    client_cache c;
    c.client_id = "e5e5fdfe-9549-4960-5fb7-015913adb325";
    c.server_url = "http://wsus:8530";
    c.config = cached_config{"2008-06-11T17:42:05Z", true, 50, {141, 147}, "SimpleTargeting",
                             "SimpleAuthWebService/SimpleAuth.asmx", "3.1"};
    c.cookie = protocol::cookie{"2008-06-19T03:00:00Z", std::string("Y29va2ll")};
    c.registered = true;
    cached_revision r;
    r.revision_id = 8107;
    r.update_id = "35bcd20f-9549-4960-940c-77d1a83f8a81";
    r.revision_number = 104;
    r.kind = update_kind::detectoid;
    r.is_leaf = false;
    r.core_xml = "<UpdateIdentity UpdateID=\"35bcd20f-9549-4960-940c-77d1a83f8a81\" RevisionNumber=\"104\" />";
    protocol::deployment d;
    d.id = 30001;
    d.action = protocol::deployment_action::evaluate;
    d.last_change_time = "2008-06-10";
    d.deadline = "2008-06-24T03:00:00Z";
    r.deploy = d;
    r.state = protocol::applicability_state::installed;
    r.title = "Office 2003 installed";
    c.revisions[r.revision_id] = r;
    c.last_detection = parse_iso8601("2008-06-14T02:59:53.383Z");
    c.next_detection = parse_iso8601("2008-06-14T07:59:56.617Z");
    c.last_result = 0x8024400E;
    return c;
}

TEST(ClientCacheTest, RoundTripsThroughJson) {
    auto const c = sample_cache();
    auto parsed = cache_from_json(cache_to_json(c));
    ASSERT_TRUE(std::holds_alternative<client_cache>(parsed)) << std::get<std::string>(parsed);
    auto const& back = std::get<client_cache>(parsed);
    EXPECT_EQ(cache_to_json(back), cache_to_json(c));
    EXPECT_EQ(back.revisions.at(8107).deploy->deadline, "2008-06-24T03:00:00Z");
    EXPECT_EQ(back.revisions.at(8107).kind, update_kind::detectoid);
    EXPECT_EQ(back.last_result, 0x8024400Eu);
}

TEST(ClientCacheTest, NamesTheProblemInABadCache) {
    auto problem = [](const std::string& text) {
        auto r = cache_from_json(text);
        return std::holds_alternative<std::string>(r) ? std::get<std::string>(r) : std::string("parsed");
    };
    EXPECT_EQ(problem("{"), "cache: not valid JSON");
    EXPECT_EQ(problem("[]"), "cache: not a JSON object");
    EXPECT_EQ(problem("{\"format_version\": 2}"), "cache.format_version: 2 is not supported (expected 1)");
    std::string text = cache_to_json(sample_cache());
    auto const at = text.find("\"Detectoid\"");
    ASSERT_NE(at, std::string::npos);
    text.replace(at, 11, "\"Gadget\"");
    EXPECT_EQ(problem(text), "cache.revisions[0].kind: unknown update type 'Gadget'");
    std::string no_id = cache_to_json(sample_cache());
    no_id.replace(no_id.find("\"client_id\""), 11, "\"client_ix\"");
    EXPECT_EQ(problem(no_id), "cache.client_id: missing");
}

TEST(ClientCacheTest, SavesLoadsAndResets) {
    temp_dir dir;
    auto missing = load_cache(dir.str());
    ASSERT_TRUE(std::holds_alternative<client_cache>(missing));
    EXPECT_TRUE(std::get<client_cache>(missing).client_id.empty());
    ASSERT_FALSE(save_cache(dir.str(), sample_cache()));
    auto loaded = load_cache(dir.str());
    ASSERT_TRUE(std::holds_alternative<client_cache>(loaded));
    EXPECT_EQ(std::get<client_cache>(loaded).revisions.size(), 1u);
    EXPECT_FALSE(fs::exists(dir.file().string() + ".tmp"));
    ASSERT_FALSE(reset_cache(dir.str()));
    EXPECT_FALSE(fs::exists(dir.file()));
}

TEST(ClientCacheTest, LoadNamesTheFileOfACorruptCache) {
    temp_dir dir;
    fs::create_directories(dir.str());
    std::ofstream(dir.file()) << "not json";
    auto loaded = load_cache(dir.str());
    ASSERT_TRUE(std::holds_alternative<std::string>(loaded));
    EXPECT_EQ(std::get<std::string>(loaded), dir.file().string() + ": cache: not valid JSON");
}

class DifferentialSyncTest : public ::testing::Test {
protected:
    void SetUp() override { server.attach(net); }
    sync_options options() const {
        sync_options o = testing::office_options();
        o.state_dir = dir.str();
        return o;
    }
    temp_dir dir;
    NiceMock<mock_transport> net;
    fake_wsus server;
    simulated_clock clock{*parse_iso8601("2008-06-14T02:59:53.383Z")};
};

TEST_F(DifferentialSyncTest, SecondRunStartsWithTheCachedListsAndNoHandshake) {
    auto const first = run_sync(options(), net, clock);
    ASSERT_EQ(first.verdict, sync_verdict::synced) << first.error;
    ASSERT_TRUE(fs::exists(dir.file()));
    server.calls.clear();
    server.sync_params.clear();
    clock.advance(std::chrono::hours(22));
    auto const second = run_sync(options(), net, clock);
    ASSERT_EQ(second.verdict, sync_verdict::synced) << second.error;
    ASSERT_FALSE(server.calls.empty());
    EXPECT_EQ(server.calls.front(), operation::sync_updates);
    ASSERT_GE(server.sync_params.size(), 1u);
    auto installed = server.sync_params[0].installed_non_leaf_update_ids.value_or(protocol::id_list{});
    std::sort(installed.begin(), installed.end());
    EXPECT_THAT(installed, ElementsAre(10, 11));
    auto other = server.sync_params[0].other_cached_update_ids.value_or(protocol::id_list{});
    std::sort(other.begin(), other.end());
    EXPECT_THAT(other, ElementsAre(12, 20, 21, 22));
    EXPECT_EQ(second.rounds.at(0).new_updates, 0u);
    EXPECT_EQ(second.needed, 2u);
}

TEST_F(DifferentialSyncTest, ResetStartsFromAnEmptyCache) {
    ASSERT_EQ(run_sync(options(), net, clock).verdict, sync_verdict::synced);
    server.calls.clear();
    auto o = options();
    o.reset_state = true;
    auto const out = run_sync(o, net, clock);
    ASSERT_EQ(out.verdict, sync_verdict::synced) << out.error;
    EXPECT_EQ(server.calls.front(), operation::get_config);
}

TEST_F(DifferentialSyncTest, AnExpiredCookieIsRenewedWithTheOldOne) {
    ASSERT_EQ(run_sync(options(), net, clock).verdict, sync_verdict::synced);
    server.calls.clear();
    clock.advance(std::chrono::hours(24 * 10));  // past the cookie's Expiration
    auto const out = run_sync(options(), net, clock);
    ASSERT_EQ(out.verdict, sync_verdict::synced) << out.error;
    EXPECT_THAT(std::vector<operation>(server.calls.begin(), server.calls.begin() + 3),
                ElementsAre(operation::get_authorization_cookie, operation::get_cookie, operation::sync_updates));
    EXPECT_TRUE(server.cookie_requests.back().old_cookie.has_value());
}

TEST_F(DifferentialSyncTest, ANewServerUrlRefreshesTheCachedRevisionIds) {
    ASSERT_EQ(run_sync(options(), net, clock).verdict, sync_verdict::synced);
    server.calls.clear();
    server.id_offset = 500;
    auto o = options();
    o.server_url = "http://other-wsus.test:8530";
    auto const out = run_sync(o, net, clock);
    ASSERT_EQ(out.verdict, sync_verdict::synced) << out.error;
    EXPECT_THAT(std::vector<operation>(server.calls.begin(), server.calls.begin() + 6),
                ElementsAre(operation::get_config, operation::get_authorization_cookie, operation::get_cookie,
                            operation::register_computer, operation::refresh_cache, operation::sync_updates));
    EXPECT_EQ(out.cache.revisions.count(520), 1u);
    EXPECT_EQ(out.cache.server_url, "http://other-wsus.test:8530");
}

TEST_F(DifferentialSyncTest, ACorruptCacheIsALocalErrorThatNamesTheFix) {
    fs::create_directories(dir.str());
    std::ofstream(dir.file()) << "{\"format_version\": 1}";
    auto const out = run_sync(options(), net, clock);
    EXPECT_EQ(out.verdict, sync_verdict::local_error);
    EXPECT_EQ(out.exit_code(), 2);
    EXPECT_EQ(out.error, dir.file().string() + ": cache.client_id: missing (run with --reset to start from an empty cache)");
    EXPECT_TRUE(server.calls.empty());
}

TEST_F(DifferentialSyncTest, ClearingTheCacheDoesNotChangeAServerSideFailure) {
    server.faults_forever[operation::sync_updates] = protocol::error_code::internal_server_error;
    auto const first = run_sync(options(), net, clock);
    auto o = options();
    o.reset_state = true;
    auto const second = run_sync(o, net, clock);
    EXPECT_EQ(first.hresult, 0x8024400Eu);
    EXPECT_EQ(second.hresult, 0x8024400Eu);
}

}  // namespace
}  // namespace wsuslab::client
