#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <wsuslab/protocol/codec.hpp>
#include <wsuslab/server/exchange_store.hpp>

#include "exchange_test_support.hpp"

namespace wsuslab::server {
namespace {

using namespace wsuslab::test::exchange;

constexpr const char* fixed_fault_id = "0c0ffee0-0000-4000-8000-000000000001";

class ExchangeReplayerTest : public ::testing::Test {
protected:
    // Records the scripts of `names` one after another (client i gets salt i).
    void record(const std::vector<std::string>& names, replay_options options = {}) {
        SCOPED_TRACE("recording " + std::to_string(names.size()) + " client script(s)");
        recording_info info;
        info.source = "recorded by ExchangeReplayerTest";
        auto rec = exchange_recorder::open(dir_.str(), info).value();
        for (std::size_t i = 0; i < names.size(); ++i) {
            scripts_.push_back(make_script(names[i], static_cast<int>(i),
                                           "127.0.0.1:" + std::to_string(50001 + i)));
            for (auto const& [req, resp] : scripts_.back().steps) {
                ASSERT_TRUE(rec->record(req, resp).ok());
            }
        }
        options.fault_id = [] { return std::string(fixed_fault_id); };
        auto loaded = exchange_replayer::load(dir_.str(), options);
        ASSERT_TRUE(loaded.ok()) << loaded.error().message();
        replayer_ = std::move(loaded.value());
    }

    // Answers `request` and expects exactly the recorded response of script `s`, step `i`.
    void expect_replayed(const http_request& request, std::size_t s, std::size_t i) {
        SCOPED_TRACE("script " + std::to_string(s) + ", step " + std::to_string(i) + ": " + request.target);
        auto outcome = replayer_->answer(request);
        auto* m = std::get_if<replay_match>(&outcome);
        ASSERT_NE(m, nullptr) << std::get<replay_mismatch>(outcome).message();
        const auto& expected = scripts_[s].steps[i].second;
        EXPECT_EQ(m->response.status, expected.status);
        EXPECT_EQ(m->response.headers, expected.headers);
        EXPECT_EQ(m->response.body, expected.body);
    }

    void replay_steps(std::size_t s, std::size_t from, std::size_t to) {
        for (std::size_t i = from; i < to; ++i) {
            expect_replayed(scripts_[s].steps[i].first, s, i);
        }
    }

    replay_mismatch expect_mismatch(const http_request& request) {
        SCOPED_TRACE("expecting no recorded answer for " + request.method + " " + request.target);
        auto outcome = replayer_->answer(request);
        EXPECT_TRUE(std::holds_alternative<replay_mismatch>(outcome))
            << std::get<replay_match>(outcome).name;
        return std::holds_alternative<replay_mismatch>(outcome) ? std::get<replay_mismatch>(outcome)
                                                                : replay_mismatch{};
    }

    temp_dir dir_;
    std::vector<client_script> scripts_;
    std::unique_ptr<exchange_replayer> replayer_;
};

TEST_F(ExchangeReplayerTest, ReplaysEveryExchangeOfAClientByteForByte) {
    record({"pc1"});
    replay_steps(0, 0, 6);
    EXPECT_EQ(replayer_->unconsumed(), 0U);
}

TEST_F(ExchangeReplayerTest, ReplayMatchNamesTheFolder) {
    record({"pc1"});
    auto outcome = replayer_->answer(scripts_[0].steps[0].first);
    ASSERT_TRUE(std::holds_alternative<replay_match>(outcome));
    EXPECT_EQ(std::get<replay_match>(outcome).name, "0001-pc1-GetConfig");
}

TEST_F(ExchangeReplayerTest, ReorderedAndRepeatedIdsMatch) {
    record({"pc1"});
    const auto& s = scripts_[0];
    replay_steps(0, 0, 5);
    expect_replayed(sync_updates(s.cookie(3), {8851, 8851}, {8862, 8855, 8862}), 0, 5);
}

TEST_F(ExchangeReplayerTest, DifferentCookiesTimestampsAndSpellingMatch) {
    record({"pc1"});
    const auto& s = scripts_[0];
    replay_steps(0, 0, 2);
    expect_replayed(get_cookie(base64("another-auth"), "2024-01-01T00:00:00.1234567Z"), 0, 2);
    auto round1 =
        sync_updates(base64("live-cookie-1"), {}, {}, false, "127.0.0.1:1", "2031-01-01T00:00:00");
    // Another spelling of the same content: nil lists and a prefixed wrapper.
    round1.body = envelope(
        "<c:SyncUpdates xmlns:c=\"" + client_ns + "\">" +
        "<c:cookie><c:Expiration>2031-01-01T00:00:00</c:Expiration><c:EncryptedData>" +
        base64("live-cookie-1") + "</c:EncryptedData></c:cookie>" +
        "<c:parameters><c:ExpressQuery>0</c:ExpressQuery>"
        "<c:InstalledNonLeafUpdateIDs xsi:nil=\"1\" /><c:OtherCachedUpdateIDs xsi:nil=\"1\" />"
        "<c:SkipSoftwareSync>false</c:SkipSoftwareSync></c:parameters></c:SyncUpdates>");
    expect_replayed(round1, 0, 3);
    expect_replayed(sync_updates(base64("live-cookie-2"), {8851}, {8855}), 0, 4);
    EXPECT_EQ(s.steps.size(), 6U);
}

TEST_F(ExchangeReplayerTest, ServicePathIsCaseInsensitive) {
    record({"pc1"});
    auto request = scripts_[0].steps[0].first;
    request.target = "/clientwebservice/CLIENT.ASMX";
    expect_replayed(request, 0, 0);
}

TEST_F(ExchangeReplayerTest, InterleavedClientsEachFollowTheirOwnSequence) {
    record({"pc1", "pc2"});
    // Both clients send identical SyncUpdates parameters in rounds 1 and 2; only the cookies the
    // replayer handed out tell them apart, and round 2 answers differ (8862 vs 8863).
    const std::pair<std::size_t, std::size_t> order[] = {{0, 0}, {1, 0}, {1, 1}, {0, 1},
                                                         {0, 2}, {1, 2}, {1, 3}, {0, 3},
                                                         {0, 4}, {1, 4}, {1, 5}, {0, 5}};
    for (auto const& [client, step] : order) {
        SCOPED_TRACE("client " + std::to_string(client) + " step " + std::to_string(step));
        expect_replayed(scripts_[client].steps[step].first, client, step);
    }
    EXPECT_EQ(replayer_->unconsumed(), 0U);
}

TEST_F(ExchangeReplayerTest, GetConfigWithoutIdentityTakesAnUnboundSequence) {
    record({"pc1", "pc2"});
    replay_steps(1, 0, 6);  // pc2 alone: its GetConfig is answered from pc1's copy
    EXPECT_EQ(replayer_->unconsumed(), 6U);
    replay_steps(0, 0, 6);  // pc1 then gets pc2's GetConfig and its own sequence
    EXPECT_EQ(replayer_->unconsumed(), 0U);
}

TEST_F(ExchangeReplayerTest, MismatchFaultNamesTheNearestExchangeAndTheDifference) {
    record({"pc1"});
    const auto& s = scripts_[0];
    replay_steps(0, 0, 4);
    const auto request = sync_updates(s.cookie(2), {}, {8855});
    const auto m = expect_mismatch(request);
    EXPECT_EQ(m.nearest, "0005-pc1-SyncUpdates");
    EXPECT_EQ(m.difference, "parameters.InstalledNonLeafUpdateIDs: missing {8851}, extra {}");
    const std::string message =
        "no recorded exchange matches: nearest 0005-pc1-SyncUpdates differs in "
        "parameters.InstalledNonLeafUpdateIDs: missing {8851}, extra {}";
    EXPECT_EQ(m.message(), message);

    const auto response = replayer_->respond(request);
    EXPECT_EQ(response.status, 500);
    EXPECT_EQ(response.header("Content-Type").value_or(""), "text/xml; charset=utf-8");
    auto fault = protocol::parse_fault(response.body);
    ASSERT_TRUE(fault.ok()) << fault.error().description;
    EXPECT_EQ(fault.value().code, protocol::fault_code::client);
    EXPECT_EQ(fault.value().faultstring, message);
    EXPECT_EQ(fault.value().error, "InvalidParameters");
    EXPECT_EQ(fault.value().message, message);
    EXPECT_EQ(fault.value().id, fixed_fault_id);
    EXPECT_EQ(
        fault.value().method,
        "\"http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/SyncUpdates\"");
    // The mismatch consumed nothing: the right request still gets its answer.
    expect_replayed(s.steps[4].first, 0, 4);
}

TEST_F(ExchangeReplayerTest, MismatchListsEveryDifferingField) {
    record({"pc1"});
    const auto& s = scripts_[0];
    replay_steps(0, 0, 4);
    const auto m = expect_mismatch(sync_updates(s.cookie(2), {9000, 8851, 10001}, {8855}, true));
    EXPECT_EQ(m.message(),
              "no recorded exchange matches: nearest 0005-pc1-SyncUpdates differs in "
              "parameters.InstalledNonLeafUpdateIDs: missing {}, extra {9000, 10001}; "
              "parameters.SkipSoftwareSync: recorded \"false\", request \"true\"");
}

TEST_F(ExchangeReplayerTest, OutOfOrderRequestIsRefused) {
    record({"pc1"});
    const auto& s = scripts_[0];
    replay_steps(0, 0, 4);
    const auto m = expect_mismatch(s.steps[5].first);
    EXPECT_EQ(m.message(),
              "no recorded exchange matches: nearest 0006-pc1-SyncUpdates differs in order: client "
              "pc1 is at "
              "0005-pc1-SyncUpdates");
}

TEST_F(ExchangeReplayerTest, RepeatedRequestIsAlreadyReplayed) {
    record({"pc1"});
    replay_steps(0, 0, 6);
    const auto m = expect_mismatch(scripts_[0].steps[5].first);
    EXPECT_EQ(m.message(),
              "no recorded exchange matches: nearest 0006-pc1-SyncUpdates differs in order: "
              "already replayed");
}

// replay_options::repeat: once nothing unanswered matches, an answered exchange that matches by
// content answers again, for the same client or another one; content still has to match.
TEST_F(ExchangeReplayerTest, WithRepeatAnAnsweredExchangeAnswersAgain) {
    replay_options options;
    options.repeat = true;
    record({"pc1"}, options);
    replay_steps(0, 0, 6);
    expect_replayed(scripts_[0].steps[5].first, 0, 5);
    expect_replayed(scripts_[0].steps[5].first, 0, 5);
    const client_script other = make_script("pc2", 1, "127.0.0.1:50099");
    expect_replayed(other.steps[3].first, 0, 3);  // another client, first SyncUpdates: same content
    const client_script salted = make_script("pc9", 9, "127.0.0.1:50098");
    const auto m = expect_mismatch(salted.steps[5].first);
    EXPECT_EQ(m.message(),
              "no recorded exchange matches: nearest 0005-pc1-SyncUpdates differs in "
              "parameters.OtherCachedUpdateIDs: missing {}, extra {8871}");
}

TEST_F(ExchangeReplayerTest, ARequestOfAnotherClientsSequenceIsRefused) {
    record({"pc1", "pc2"});
    replay_steps(0, 0, 5);
    // pc1 asks what only pc2 asks in its round 3 (update 8863).
    const auto m = expect_mismatch(sync_updates(scripts_[0].cookie(3), {8851}, {8855, 8863}));
    EXPECT_EQ(m.message(),
              "no recorded exchange matches: nearest 0012-pc2-SyncUpdates differs in order: it "
              "belongs to client "
              "pc2, but the request's cookie belongs to another client");
}

TEST_F(ExchangeReplayerTest, WrongPathIsADifference) {
    record({"pc1"});
    auto request = scripts_[0].steps[0].first;
    request.target = "/ClientWebService/other.asmx";
    EXPECT_EQ(expect_mismatch(request).message(),
              "no recorded exchange matches: nearest 0001-pc1-GetConfig differs in path: recorded "
              "\"/ClientWebService/client.asmx\", request \"/ClientWebService/other.asmx\"");
}

TEST_F(ExchangeReplayerTest, OperationNeverRecorded) {
    record({"pc1"});
    const auto request = soap_request(client_path, client_ns, "SyncPrinterCatalog",
                                      cookie_xml("cookie", scripts_[0].cookie(1)) +
                                          int_list("installedNonLeafUpdateIDs", {}) +
                                          int_list("printerUpdateIDs", {}));
    const auto m = expect_mismatch(request);
    EXPECT_EQ(m.nearest, "");
    EXPECT_EQ(m.message(), "no recorded exchange matches: no recorded SyncPrinterCatalog exchange");
}

TEST_F(ExchangeReplayerTest, UnparseableRequestSaysWhy) {
    record({"pc1"});
    auto request = scripts_[0].steps[0].first;
    request.body =
        "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>";
    const auto expected = protocol::parse_request(request.body, request.header("SOAPAction"));
    ASSERT_FALSE(expected.ok());
    const auto m = expect_mismatch(request);
    EXPECT_EQ(m.message(), "no recorded exchange matches: request does not parse: " +
                               expected.error().description);
    EXPECT_EQ(m.fault.status, 500);
}

TEST_F(ExchangeReplayerTest, ResetStartsOver) {
    record({"pc1"});
    replay_steps(0, 0, 6);
    replayer_->reset();
    EXPECT_EQ(replayer_->unconsumed(), 6U);
    replay_steps(0, 0, 6);
}

TEST_F(ExchangeReplayerTest, ConcurrentClientsAllGetTheirOwnAnswers) {
    record({"pc0", "pc1", "pc2", "pc3"});
    std::vector<std::thread> pool;
    for (std::size_t c = 0; c < 4; ++c) {
        pool.emplace_back([this, c] {
            for (std::size_t i = 0; i < scripts_[c].steps.size(); ++i) {
                const auto response = replayer_->respond(scripts_[c].steps[i].first);
                EXPECT_EQ(response.body, scripts_[c].steps[i].second.body)
                    << "client " << c << " step " << i;
            }
        });
    }
    for (auto& t : pool) {
        t.join();
    }
    EXPECT_EQ(replayer_->unconsumed(), 0U);
}

TEST_F(ExchangeReplayerTest, NonSoapExchangesMatchByMethodPathQueryAndRange) {
    recording_info info;
    info.source = "recorded by ExchangeReplayerTest";
    auto rec = exchange_recorder::open(dir_.str(), info).value();
    http_request get;
    get.method = "GET";
    get.target = "/Content/8862.cab";
    get.headers = {{"Host", "wsusebc"}, {"Range", "bytes=0-3"}};
    http_response part;
    part.status = 206;
    part.headers = {{"Content-Type", "application/octet-stream"},
                    {"Content-Range", "bytes 0-3/10"}};
    part.body = std::string("MS\0F", 4);
    ASSERT_EQ(rec->record(get, part).value(), "0001-anonymous-GET");
    replayer_ = exchange_replayer::load(dir_.str()).value();
    auto other = get;
    other.headers[1].second = "bytes=4-9";
    const auto refused = replayer_->respond(other);
    EXPECT_EQ(refused.status, 404);
    EXPECT_EQ(refused.body,
              "no recorded exchange matches: nearest 0001-anonymous-GET differs in Range: recorded "
              "\"bytes=0-3\", "
              "request \"bytes=4-9\"\n");
    const auto answered = replayer_->respond(get);
    EXPECT_EQ(answered.status, 206);
    EXPECT_EQ(answered.body, part.body);
}

TEST_F(ExchangeReplayerTest, ReplayHandlerAnswersFromTheRecording) {
    record({"pc1"});
    auto handler = replay_handler(std::shared_ptr<exchange_replayer>(std::move(replayer_)));
    EXPECT_EQ(handler(scripts_[0].steps[0].first).body, scripts_[0].steps[0].second.body);
}

}  // namespace
}  // namespace wsuslab::server
