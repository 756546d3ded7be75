// `wsuslab proxy` as a user runs it: a child process on 127.0.0.1:0 that prints its URL first,
// `wsuslab sync` through it ends as against the upstream, SIGTERM stops it with exit code 0 and a
// summary, and the recording loads. Usage and startup problems are one line and exit 2 / 1.
#include <csignal>
#include <filesystem>
#include <fstream>
#include <tuple>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "child_process.hpp"
#include "cli_support.hpp"
#include "proxy_support.hpp"

namespace wsuslab::proxy_test {
namespace {

using ::testing::HasSubstr;
using std::chrono::seconds;

TEST(ProxyCliTest, SyncThroughTheProxyEndsAsAgainstTheUpstreamAndTheRecordingLoads) {
    live_upstream upstream(mitigation::model_kind::legacy);
    const std::string dir = fresh_dir("rec");
    test::child_process proxy{{WSUSLAB_CLI_PATH, "proxy", "--listen", "127.0.0.1:0", "--threads", "2", "--upstream",
                               upstream.url(), "--record", dir}};
    const std::string url = proxy.read_stdout_line(seconds(60));
    ASSERT_THAT(url, ::testing::StartsWith("http://127.0.0.1:"));

    const int direct = test::run_wsuslab({"sync", "--skip-selfupdate", "--server", upstream.url(), "--profile", "office2003-workstation"}).code;
    const int proxied = test::run_wsuslab({"sync", "--skip-selfupdate", "--server", url, "--profile", "office2003-workstation"}).code;
    EXPECT_EQ(direct, 1);  // the 954960 failure
    EXPECT_EQ(proxied, direct);
    EXPECT_EQ(test::run_wsuslab({"sync", "--skip-selfupdate", "--server", url, "--profile", "plain-workstation"}).code, 0);

    proxy.signal(SIGTERM);
    EXPECT_EQ(proxy.wait_exit(seconds(60)), 0);
    const std::string err = proxy.read_all_stderr();
    EXPECT_THAT(err, HasSubstr("wsuslab proxy: listening on " + url + " with 2 I/O thread(s), forwarding to " +
                               upstream.url() + ", recording into " + dir + " (sanitized); SIGINT or SIGTERM stops\n"));
    EXPECT_THAT(err, HasSubstr("wsuslab proxy: SIGTERM: stopping (grace 10000 ms)\n"));
    EXPECT_THAT(err, HasSubstr(" upstream failure(s), "));
    EXPECT_THAT(err, HasSubstr(" exchange(s) recorded, 0 not recorded\n"));

    auto loaded = server::exchange_replayer::load(dir);
    ASSERT_TRUE(loaded.ok()) << loaded.error().message();
    EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(dir) / "sanitize-report.txt"));
    EXPECT_EQ(loaded.value()->exchanges().front().meta.upstream.recorded_via, "wsuslab proxy");
}

// The fleet through the proxy ends as against the upstream: same counts, same failures.
TEST(ProxyCliTest, FleetThroughTheProxyEndsAsAgainstTheUpstream) {
    live_upstream upstream(mitigation::model_kind::legacy);
    test::child_process proxy{{WSUSLAB_CLI_PATH, "proxy", "--listen", "127.0.0.1:0", "--threads", "2", "--upstream",
                               upstream.url()}};
    const std::string url = proxy.read_stdout_line(seconds(60));
    ASSERT_THAT(url, ::testing::StartsWith("http://127.0.0.1:"));
    const std::string dir = fresh_dir("fleet");
    const auto fleet = [&](const std::string& server, const std::string& json) {
        return test::run_wsuslab({"fleet", "--skip-selfupdate", "--server", server, "--clients", "12", "--concurrency",
                                  "4", "--json", dir + "/" + json})
            .code;
    };
    EXPECT_EQ(fleet(upstream.url(), "direct.json"), 1);  // the Office 2003 clients fail on legacy
    EXPECT_EQ(fleet(url, "proxied.json"), 1);
    const auto summary = [&](const std::string& json) {
        std::ifstream in(dir + "/" + json);
        const nlohmann::json j = nlohmann::json::parse(in);
        return std::make_tuple(j.at("clients"), j.at("synced"), j.at("failed"), j.at("by_error"), j.at("by_profile"),
                               j.at("requests_by_operation"));
    };
    EXPECT_EQ(summary("proxied.json"), summary("direct.json"));
    proxy.signal(SIGTERM);
    EXPECT_EQ(proxy.wait_exit(seconds(60)), 0);
}

TEST(ProxyCliTest, ABadUpstreamIsAUsageError) {
    test::child_process proxy{{WSUSLAB_CLI_PATH, "proxy", "--upstream", "ftp://wsus01"}};
    EXPECT_EQ(proxy.wait_exit(seconds(60)), 2);
    EXPECT_EQ(proxy.read_all_stderr(), "wsuslab proxy: --upstream 'ftp://wsus01' is not an http:// or https:// URL\n");
}

TEST(ProxyCliTest, ASanitizedRecordingIntoAFolderWithExchangesIsAStartupError) {
    const std::string dir = fresh_dir("rec");
    std::filesystem::create_directories(std::filesystem::path(dir) / "0001-pc-GetConfig");
    test::child_process proxy{{WSUSLAB_CLI_PATH, "proxy", "--listen", "127.0.0.1:0", "--upstream",
                               "http://127.0.0.1:1", "--record", dir}};
    EXPECT_EQ(proxy.wait_exit(seconds(60)), 1);
    EXPECT_EQ(proxy.read_all_stderr(),
              "wsuslab proxy: recording folder " + dir +
                  " already holds exchanges; a sanitized recording starts in an empty folder (the proxy keeps no "
                  "table of replaced values between runs)\n");
}

}  // namespace
}  // namespace wsuslab::proxy_test
