#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <wsuslab/server/exchange_store.hpp>

#include "exchange_test_support.hpp"

namespace wsuslab::server {
namespace {

namespace fs = std::filesystem;
using namespace wsuslab::test::exchange;
using ::testing::ElementsAre;

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

std::vector<std::string> folders(const fs::path& dir) {
    std::vector<std::string> out;
    for (auto const& e : fs::directory_iterator(dir)) {
        if (e.is_directory()) {
            out.push_back(e.path().filename().string());
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

recording_info test_info() {
    recording_info info;
    info.scenario = "kb954960";
    info.model = "legacy";
    info.source =
        "recorded from wsuslab serve --scenario fixtures/scenarios/kb954960.xml --model legacy";
    info.clock = [] { return std::string("2008-06-14T02:59:57Z"); };
    return info;
}

std::unique_ptr<exchange_recorder> open_recorder(const temp_dir& dir) {
    SCOPED_TRACE("opening a recorder in " + dir.str());
    auto r = exchange_recorder::open(dir.str(), test_info());
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message());
    return std::move(r.value());
}

TEST(ExchangeRecorderTest, WritesOneFolderPerExchangeWithAllFiles) {
    temp_dir dir;
    auto rec = open_recorder(dir);
    const auto script = make_script("pc1", 0, "127.0.0.1:50001");
    for (auto const& [req, resp] : script.steps) {
        ASSERT_TRUE(rec->record(req, resp).ok());
    }
    EXPECT_EQ(rec->recorded(), 6U);
    EXPECT_THAT(
        folders(dir.path()),
        ElementsAre("0001-pc1-GetConfig", "0002-pc1-GetAuthorizationCookie", "0003-pc1-GetCookie",
                    "0004-pc1-SyncUpdates", "0005-pc1-SyncUpdates", "0006-pc1-SyncUpdates"));
    const fs::path first = dir.path() / "0004-pc1-SyncUpdates";
    EXPECT_EQ(slurp(first / "request.xml"), script.steps[3].first.body);
    EXPECT_EQ(slurp(first / "response.xml"), script.steps[3].second.body);
    EXPECT_EQ(
        slurp(first / "request.http-headers"),
        "POST /ClientWebService/client.asmx HTTP/1.1\n"
        "Host: 127.0.0.1:8530\n"
        "Content-Type: text/xml; charset=utf-8\n"
        "SOAPAction: "
        "\"http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/SyncUpdates\"\n");
    EXPECT_EQ(slurp(first / "response.http-headers"),
              "HTTP/1.1 200 OK\nContent-Type: text/xml; charset=utf-8\nCache-Control: private\n");

    const auto meta = nlohmann::json::parse(slurp(first / "meta.json"));
    EXPECT_EQ(meta["sequence"], 4);
    EXPECT_EQ(meta["client"], "pc1");
    EXPECT_EQ(meta["client_id"], "5c7f4f80-3896-4d10-8a38-469286000000");
    EXPECT_EQ(meta["dns_name"], "pc1.wsuslab.test");
    EXPECT_EQ(meta["service"], "ClientWebService");
    EXPECT_EQ(meta["path"], "/ClientWebService/client.asmx");
    EXPECT_EQ(meta["operation"], "SyncUpdates");
    EXPECT_EQ(
        meta["soap_action"],
        "\"http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/SyncUpdates\"");
    EXPECT_EQ(meta["http_status"], 200);
    EXPECT_EQ(meta["recorded_at"], "2008-06-14T02:59:57Z");
    EXPECT_EQ(meta["model"], "legacy");
    EXPECT_EQ(meta["scenario"], "kb954960");
    EXPECT_EQ(
        meta["source"],
        "recorded from wsuslab serve --scenario fixtures/scenarios/kb954960.xml --model legacy");

    const auto index = nlohmann::json::parse(slurp(dir.path() / "index.json"));
    ASSERT_EQ(index["exchanges"].size(), 6U);
    EXPECT_EQ(index["exchanges"][3]["name"], "0004-pc1-SyncUpdates");
    EXPECT_EQ(index["exchanges"][3]["client"], "pc1");
}

TEST(ExchangeRecorderTest, RoundTripsThroughReadExchange) {
    temp_dir dir;
    auto rec = open_recorder(dir);
    auto const script = make_script("pc1", 0, "127.0.0.1:50001");
    auto fault = script.steps[4].second;
    fault.status = 500;
    fault.close = true;
    ASSERT_TRUE(rec->record(script.steps[4].first, fault).ok());
    auto e = read_exchange((dir.path() / "0001-anonymous-SyncUpdates").string());
    ASSERT_TRUE(e.ok()) << e.error().message();
    EXPECT_EQ(e.value().name, "0001-anonymous-SyncUpdates");
    EXPECT_EQ(e.value().request.method, "POST");
    EXPECT_EQ(e.value().request.target, "/ClientWebService/client.asmx");
    EXPECT_EQ(e.value().request.headers, script.steps[4].first.headers);
    EXPECT_EQ(e.value().request.body, script.steps[4].first.body);
    EXPECT_EQ(e.value().response.status, 500);
    EXPECT_TRUE(e.value().response.close);
    EXPECT_EQ(e.value().response.body, fault.body);
    EXPECT_EQ(e.value().meta.remote_address, "127.0.0.1:50001");
}

TEST(ExchangeRecorderTest, NamesAnonymousExchangesOnceTheConnectionIdentifiesItself) {
    temp_dir dir;
    auto rec = open_recorder(dir);
    ASSERT_TRUE(rec->record(get_config("10.0.0.1:4000"), get_config_response()).ok());
    ASSERT_TRUE(rec->record(get_config("10.0.0.2:4000"), get_config_response()).ok());
    EXPECT_THAT(folders(dir.path()),
                ElementsAre("0001-anonymous-GetConfig", "0002-anonymous-GetConfig"));
    auto r = rec->record(
        get_authorization_cookie("abc", "office2003-workstation.contoso.test", "10.0.0.2:4000"),
        get_authorization_cookie_response(base64("a")));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.value(), "0003-office2003-workstation-GetAuthorizationCookie");
    EXPECT_THAT(folders(dir.path()),
                ElementsAre("0001-anonymous-GetConfig", "0002-office2003-workstation-GetConfig",
                            "0003-office2003-workstation-GetAuthorizationCookie"));
    const auto meta = nlohmann::json::parse(
        slurp(dir.path() / "0002-office2003-workstation-GetConfig" / "meta.json"));
    EXPECT_EQ(meta["client"], "office2003-workstation");
    EXPECT_EQ(meta["dns_name"], "office2003-workstation.contoso.test");
    EXPECT_TRUE(
        read_exchange((dir.path() / "0002-office2003-workstation-GetConfig").string()).ok());
}

TEST(ExchangeRecorderTest, FollowsAClientByTheCookiesItWasHandedOnAnyConnection) {
    temp_dir dir;
    auto rec = open_recorder(dir);
    const auto script = make_script("pc7", 0, "127.0.0.1:50001");
    ASSERT_TRUE(
        rec->record(script.steps[1].first, script.steps[1].second).ok());  // GetAuthorizationCookie
    auto get_cookie_req = script.steps[2].first;
    get_cookie_req.remote_address = "127.0.0.1:50002";
    EXPECT_EQ(rec->record(get_cookie_req, script.steps[2].second).value(), "0002-pc7-GetCookie");
    auto sync = script.steps[3].first;
    sync.remote_address = "127.0.0.1:50003";
    EXPECT_EQ(rec->record(sync, script.steps[3].second).value(), "0003-pc7-SyncUpdates");
}

TEST(ExchangeRecorderTest, CallerKeyAndClientNamerOverrideTheDefaultName) {
    temp_dir dir;
    auto info = test_info();
    info.client_namer = [](std::string_view, std::string_view dns) {
        return "Profile " + std::string(dns);
    };
    auto rec = exchange_recorder::open(dir.str(), info).value();
    EXPECT_EQ(rec->record(get_authorization_cookie("abc", "PC1.test"),
                          get_authorization_cookie_response(base64("a")))
                  .value(),
              "0001-profile-pc1-test-GetAuthorizationCookie");
    exchange_annotations notes;
    notes.client_key = "office2003";
    notes.model = "fixed";
    EXPECT_EQ(rec->record(get_config(), get_config_response(), notes).value(),
              "0002-office2003-GetConfig");
    const auto meta =
        nlohmann::json::parse(slurp(dir.path() / "0002-office2003-GetConfig" / "meta.json"));
    EXPECT_EQ(meta["model"], "fixed");
}

TEST(ExchangeRecorderTest, ContinuesAfterTheHighestExistingNumber) {
    temp_dir dir;
    {
        auto rec = open_recorder(dir);
        ASSERT_TRUE(rec->record(get_config(), get_config_response()).ok());
        ASSERT_TRUE(rec->record(get_config(), get_config_response()).ok());
    }
    auto rec = open_recorder(dir);
    EXPECT_EQ(rec->record(get_config("10.0.0.9:1"), get_config_response()).value(),
              "0003-anonymous-GetConfig");
    const auto index = nlohmann::json::parse(slurp(dir.path() / "index.json"));
    EXPECT_EQ(index["exchanges"].size(), 3U);
}

TEST(ExchangeRecorderTest, RecordsARequestTheCodecRejectsAsInvalid) {
    temp_dir dir;
    auto rec = open_recorder(dir);
    auto bad = get_config();
    bad.body = "<soap:Envelope";
    http_response fault;
    fault.status = 500;
    fault.headers = {{"Content-Type", "text/xml; charset=utf-8"}};
    fault.body = "<fault/>";
    EXPECT_EQ(rec->record(bad, fault).value(), "0001-anonymous-GetConfig");
    auto e = read_exchange((dir.path() / "0001-anonymous-GetConfig").string());
    ASSERT_TRUE(e.ok()) << e.error().message();
    EXPECT_FALSE(e.value().meta.request_parses);
    EXPECT_EQ(e.value().request.body, "<soap:Envelope");
}

TEST(ExchangeRecorderTest, ConcurrentRecordingLosesNothing) {
    temp_dir dir;
    auto rec = open_recorder(dir);
    constexpr int threads = 4;
    constexpr int per_thread = 25;
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&rec, t] {
            const auto script =
                make_script("pc" + std::to_string(t), t, "127.0.0.1:" + std::to_string(50000 + t));
            for (int i = 0; i < per_thread; ++i) {
                auto const& step = script.steps[static_cast<std::size_t>(i) % script.steps.size()];
                EXPECT_TRUE(rec->record(step.first, step.second).ok());
            }
        });
    }
    for (auto& th : pool) {
        th.join();
    }
    EXPECT_EQ(rec->recorded(), static_cast<std::size_t>(threads * per_thread));
    const auto names = folders(dir.path());
    ASSERT_EQ(names.size(), static_cast<std::size_t>(threads * per_thread));
    std::set<std::string> numbers;
    for (auto const& n : names) {
        numbers.insert(n.substr(0, 4));
        EXPECT_TRUE(read_exchange((dir.path() / n).string()).ok()) << n;
    }
    EXPECT_EQ(numbers.size(), names.size());
    EXPECT_EQ(*numbers.begin(), "0001");
    EXPECT_EQ(*numbers.rbegin(), "0100");
}

TEST(ExchangeRecorderTest, OpenFailsWithAnErrorNamingThePath) {
    temp_dir dir;
    std::ofstream(dir.path() / "file") << "x";
    const std::string target = (dir.path() / "file" / "rec").string();
    auto r = exchange_recorder::open(target, test_info());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().file, target);
    EXPECT_THAT(r.error().problem, ::testing::StartsWith("cannot create recording folder: "));
}

TEST(ExchangeRecorderTest, RecordingHandlerPassesTheResponseThroughAndRecordsIt) {
    temp_dir dir;
    std::shared_ptr<exchange_recorder> rec = open_recorder(dir);
    auto handler =
        recording_handler([](const http_request&) { return get_config_response(); }, rec);
    const auto response = handler(get_config());
    EXPECT_EQ(response.body, get_config_response().body);
    EXPECT_THAT(folders(dir.path()), ElementsAre("0001-anonymous-GetConfig"));
}

}  // namespace
}  // namespace wsuslab::server
