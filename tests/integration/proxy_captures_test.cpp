// A recording built from the genuine answers of a Windows Server 2025 WSUS (../shared/captures,
// third-party data outside the repository; skipped when absent): a scripted upstream answers each
// operation with the captured body and headers, the 2008 agent syncs through `wsuslab proxy`, and
// the sanitized recording replays to the same verdict, carrying the server's product facts.
#include <mutex>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <wsuslab/protocol/operations.hpp>

#include "captures.hpp"
#include "proxy_support.hpp"

namespace wsuslab::proxy_test {
namespace {

using ::testing::IsEmpty;

// Answers every operation with the captured response (SyncUpdates rounds in capture order, then
// the empty driver answer), with the captured response headers (Content-Length dropped).
class genuine_upstream {
public:
    explicit genuine_upstream(std::filesystem::path dir)
        : dir_(std::move(dir)), http_([this](const server::http_request& r) { return answer(r); }) {}
    std::string url() const { return http_.url(); }

private:
    std::string file(const std::string& name) const { return read_text(dir_ / name); }

    server::http_response answer(const server::http_request& r) {
        const auto action = r.header("SOAPAction");
        const auto op = action ? protocol::operation_from_action(*action) : std::nullopt;
        const std::string name = op ? std::string(protocol::operation_name(*op)) : std::string();
        std::string body;
        std::string headers = "wsusrs-native-scan-01-GetConfig.resp.headers";
        std::lock_guard<std::mutex> lock(mu_);
        if (name == "GetConfig") {
            body = "wsusrs-native-scan-01-GetConfig.resp.xml";
        } else if (name == "GetAuthorizationCookie") {
            body = "wsusrs-native-scan-02-SimpleAuth-GetAuthorizationCookie.resp.xml";
            headers = "wsusrs-native-scan-02-SimpleAuth-GetAuthorizationCookie.resp.headers";
        } else if (name == "GetCookie") {
            body = "wsusrs-native-scan-03-GetCookie.resp.xml";
        } else if (name == "RegisterComputer") {
            body = "wsusrs-native-scan-04-RegisterComputer.resp.xml";
        } else if (name == "StartCategoryScan") {
            body = "wsusrs-native-scan-05-StartCategoryScan.resp.xml";
        } else if (name == "SyncUpdates") {
            const char* rounds[] = {"wsusrs-native-scan-06-SyncUpdates-first.resp.xml",
                                    "wsusrs-native-scan-07-SyncUpdates-second.resp.xml",
                                    "wsusrs-native-scan-08-SyncUpdates-third-leaf.resp.xml",
                                    "wsusrs-native-scan-09-SyncUpdates-driver-empty.resp.xml"};
            body = rounds[std::min<std::size_t>(sync_calls_++, 3)];
        } else if (name == "GetExtendedUpdateInfo") {
            body = extended_calls_++ == 0 ? "wsusrs-native-scan-10-GetExtendedUpdateInfo.resp.xml"
                                          : "wsusrs-native-flow-15-GetExtendedUpdateInfo-FileLocations.resp.xml";
        } else if (name == "ReportEventBatch") {
            body = "wsusrs-native-flow-18-ReportEventBatch.resp.xml";
            headers = "wsusrs-native-flow-18-ReportEventBatch.resp.headers";
        } else {
            server::http_response nf;
            nf.status = 404;
            return nf;
        }
        server::http_response out;
        for (auto const& line : lines(file(headers))) {
            const auto colon = line.find(':');
            if (colon == std::string::npos || line.rfind("HTTP/", 0) == 0) {
                continue;
            }
            const std::string key = line.substr(0, colon);
            if (key != "Content-Length") {
                out.headers.emplace_back(key, line.substr(colon + 2));
            }
        }
        out.body = file(body);
        return out;
    }

    static std::vector<std::string> lines(const std::string& text) {
        std::vector<std::string> out;
        std::size_t at = 0;
        while (at < text.size()) {
            auto nl = text.find('\n', at);
            std::string line = text.substr(at, nl == std::string::npos ? std::string::npos : nl - at);
            if (!line.empty() && line.back() == '\r') {
                line.pop_back();
            }
            if (!line.empty()) {
                out.push_back(line);
            }
            at = nl == std::string::npos ? text.size() : nl + 1;
        }
        return out;
    }

    std::filesystem::path dir_;
    std::mutex mu_;
    std::size_t sync_calls_ = 0;
    std::size_t extended_calls_ = 0;
    test::test_server http_;
};

TEST(ProxyCapturesTest, ARecordingOfTheGenuineServer2025AnswersReplaysToThe2008Agent) {
    const auto captures = test::captures_dir();
    if (!captures) {
        GTEST_SKIP() << test::captures_missing_message();
    }
    const std::string dir = fresh_dir("rec");
    client::sync_outcome direct;
    client::sync_outcome proxied;
    {
        genuine_upstream reference(*captures);
        genuine_upstream upstream(*captures);
        auto proxy = proxy_under_test::recording(upstream.url(), dir);
        direct = run_client(reference.url(), "plain-workstation");
        proxied = run_client(proxy->url(), "plain-workstation");
        EXPECT_THAT(proxy->log(), IsEmpty());
    }
    EXPECT_EQ(proxied.verdict, direct.verdict) << proxied.error;
    EXPECT_EQ(proxied.hresult, direct.hresult);
    EXPECT_EQ(proxied.exchanges.size(), direct.exchanges.size());

    auto replay = replay_test::wsus_under_test::replaying(dir);
    const auto replayed = run_client(replay->url(), "plain-workstation");
    EXPECT_EQ(replayed.verdict, proxied.verdict) << replayed.error;
    EXPECT_EQ(replayed.hresult, proxied.hresult);
    EXPECT_EQ(replayed.needed_revision_ids, proxied.needed_revision_ids);
    ASSERT_EQ(replayed.exchanges.size(), proxied.exchanges.size());
    for (std::size_t i = 0; i < proxied.exchanges.size(); ++i) {
        EXPECT_EQ(replayed.exchanges[i].http_status, proxied.exchanges[i].http_status) << i;
    }

    auto loaded = server::exchange_replayer::load(dir);
    ASSERT_TRUE(loaded.ok()) << loaded.error().message();
    auto const& meta = loaded.value()->exchanges().back().meta;
    EXPECT_EQ(meta.upstream.server, "Microsoft-IIS/10.0");
    EXPECT_EQ(meta.upstream.aspnet_version, "4.0.30319");
    EXPECT_EQ(meta.upstream.protocol_version, "3.2");
    const auto& p = replay_test::profile("plain-workstation");
    std::vector<std::string> secrets = {"127.0.0.1", "REDACTED2", p.client_id, p.dns_name};
    const auto cookies = cookies_seen({proxied});
    secrets.insert(secrets.end(), cookies.begin(), cookies.end());
    EXPECT_THAT(leaks(dir, secrets), IsEmpty());
}

}  // namespace
}  // namespace wsuslab::proxy_test
