// The shipped recordings in fixtures/exchanges: every one loads, says where it came from, and
// replays its own requests byte for byte; the hand-made duplicate exchanges keep their duplicates.
#include <algorithm>
#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <wsuslab/protocol/codec.hpp>
#include <wsuslab/server/exchange_store.hpp>

#include "exchange_test_support.hpp"
#include "fixtures.hpp"

namespace wsuslab::server {
namespace {

namespace fs = std::filesystem;
using ::testing::StartsWith;

const std::string handmade = "exchanges/handmade-duplicates";

std::vector<std::string> shipped_recordings() {
    std::vector<std::string> out;
    for (auto const& e :
         fs::directory_iterator(fs::path(wsuslab::test::fixtures_dir()) / "exchanges")) {
        if (e.is_directory()) {
            out.push_back(e.path().filename().string());
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::unique_ptr<exchange_replayer> load_fixture(const std::string& relative) {
    SCOPED_TRACE(relative);
    auto r = exchange_replayer::load(wsuslab::test::fixture_path(relative));
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message());
    return r.ok() ? std::move(r.value()) : nullptr;
}

TEST(ExchangeFixturesTest, HandMadeDuplicatesLoadAndSayWhyTheyExist) {
    auto replayer = load_fixture(handmade);
    ASSERT_NE(replayer, nullptr);
    ASSERT_EQ(replayer->exchanges().size(), 3U);
    EXPECT_EQ(replayer->exchanges()[0].name, "0001-dup-request-ids-SyncUpdates");
    EXPECT_EQ(replayer->exchanges()[1].name, "0002-dup-new-updates-SyncUpdates");
    EXPECT_EQ(replayer->exchanges()[2].name, "0003-two-revisions-one-update-SyncUpdates");
    for (auto const& e : replayer->exchanges()) {
        EXPECT_THAT(e.meta.source, StartsWith("hand-made: ")) << e.name;
    }
}

TEST(ExchangeFixturesTest, HandMadeDuplicatesReplayByteIdentically) {
    auto replayer = load_fixture(handmade);
    ASSERT_NE(replayer, nullptr);
    const auto exchanges = replayer->exchanges();
    // Replay in reverse: each hand-made exchange is its own client, so order between them is free.
    for (auto it = exchanges.rbegin(); it != exchanges.rend(); ++it) {
        const auto response = replayer->respond(it->request);
        EXPECT_EQ(response.status, it->meta.http_status) << it->name;
        EXPECT_EQ(response.body,
                  wsuslab::test::read_fixture(handmade + "/" + it->name + "/response.xml"))
            << it->name;
        EXPECT_EQ(response.headers, it->response.headers) << it->name;
    }
    EXPECT_EQ(replayer->unconsumed(), 0U);
}

TEST(ExchangeFixturesTest, RequestSideDuplicateIsInBothListsAndStillMatchesAsSets) {
    auto replayer = load_fixture(handmade);
    ASSERT_NE(replayer, nullptr);
    const auto& e = replayer->exchanges()[0];
    auto parsed = protocol::parse_request(e.request.body, e.request.header("SOAPAction"));
    ASSERT_TRUE(parsed.ok()) << parsed.error().description;
    const auto& params = *std::get<protocol::sync_updates_request>(parsed.value().body).parameters;
    const auto& installed = *params.installed_non_leaf_update_ids;
    const auto& other = *params.other_cached_update_ids;
    EXPECT_NE(std::find(installed.begin(), installed.end(), 8851), installed.end());
    EXPECT_NE(std::find(other.begin(), other.end(), 8851), other.end());

    // The same content with the lists reordered and a cookie never seen still gets the recording.
    using namespace wsuslab::test::exchange;
    auto request = sync_updates(base64("some-other-cookie"), {8855, 8851}, {8871, 8870, 8851});
    request.headers = e.request.headers;
    const auto response = replayer->respond(request);
    EXPECT_EQ(response.status, 500);
    EXPECT_EQ(response.body, wsuslab::test::read_fixture(
                                 handmade + "/0001-dup-request-ids-SyncUpdates/response.xml"));
}

TEST(ExchangeFixturesTest, ResponseSideDuplicatesArePresentInTheRecordedResponses) {
    auto replayer = load_fixture(handmade);
    ASSERT_NE(replayer, nullptr);
    auto updates = [&](std::size_t i) {
        SCOPED_TRACE("NewUpdates of exchange " + std::to_string(i));
        auto reply = protocol::parse_response(protocol::operation::sync_updates,
                                              replayer->exchanges()[i].response.body);
        EXPECT_TRUE(reply.ok());
        const auto& r = std::get<protocol::response>(reply.value());
        return *std::get<protocol::sync_updates_response>(r).result->new_updates;
    };
    const auto twice = updates(1);
    ASSERT_EQ(twice.size(), 2U);
    EXPECT_EQ(twice[0].id, 8862);
    EXPECT_EQ(twice[1].id, 8862);
    const auto two_revisions = updates(2);
    ASSERT_EQ(two_revisions.size(), 2U);
    EXPECT_EQ(two_revisions[0].id, 8862);
    EXPECT_EQ(two_revisions[1].id, 8863);
    EXPECT_THAT(*two_revisions[0].xml,
                ::testing::HasSubstr(
                    "UpdateID=\"3f0b5c6e-2003-4a51-9d2e-0ff1ce2003a1\" RevisionNumber=\"204\""));
    EXPECT_THAT(*two_revisions[1].xml,
                ::testing::HasSubstr(
                    "UpdateID=\"3f0b5c6e-2003-4a51-9d2e-0ff1ce2003a1\" RevisionNumber=\"205\""));
}

TEST(ExchangeFixturesTest, EveryShippedRecordingReplaysItselfByteForByte) {
    const auto recordings = shipped_recordings();
    EXPECT_NE(std::find(recordings.begin(), recordings.end(), "handmade-duplicates"),
              recordings.end());
    for (auto const& name : recordings) {
        SCOPED_TRACE(name);
        auto replayer = load_fixture("exchanges/" + name);
        ASSERT_NE(replayer, nullptr);
        for (auto const& e : replayer->exchanges()) {
            EXPECT_FALSE(e.meta.source.empty()) << e.name;
            auto outcome = replayer->answer(e.request);
            auto* m = std::get_if<replay_match>(&outcome);
            ASSERT_NE(m, nullptr) << std::get<replay_mismatch>(outcome).message();
            EXPECT_EQ(m->response.body, e.response.body) << e.name;
            EXPECT_EQ(m->response.status, e.response.status) << e.name;
        }
        EXPECT_EQ(replayer->unconsumed(), 0U);
    }
}

}  // namespace
}  // namespace wsuslab::server
