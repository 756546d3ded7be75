// `wsuslab serve` as a user runs it: a child process on 127.0.0.1:0 that prints its URL first,
// answers /healthz, exits 0 on SIGTERM, and a second instance on a taken port fails with one
// clear line and exit code 1.
#include <chrono>
#include <csignal>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "child_process.hpp"
#include "raw_client.hpp"

namespace wsuslab::test {
namespace {

using std::chrono::seconds;

TEST(ServeCliTest, PrintsUrlServesHealthzAndExitsZeroOnSigterm) {
    child_process serve{{WSUSLAB_CLI_PATH, "serve", "--listen", "127.0.0.1:0", "--threads", "2"}};
    std::string const url = serve.read_stdout_line(seconds(60));
    ASSERT_THAT(url, ::testing::MatchesRegex("http://127\\.0\\.0\\.1:[0-9]+"));
    std::uint16_t const port = port_of(url);

    raw_client client{port};
    auto health = client.request(make_request("GET", "/healthz"));
    ASSERT_TRUE(health.complete);
    EXPECT_EQ(health.status, 200);
    EXPECT_EQ(health.body, "ok\n");

    // A second instance on the same port: one clear line, exit code 1.
    child_process second{{WSUSLAB_CLI_PATH, "serve", "--listen", "127.0.0.1:" + std::to_string(port)}};
    EXPECT_EQ(second.wait_exit(seconds(60)), 1);
    EXPECT_EQ(second.read_all_stderr(), "wsuslab serve: cannot listen on 127.0.0.1:" +
                                            std::to_string(port) + ": Address already in use\n");
    EXPECT_EQ(second.read_stdout_line(seconds(1)), "");

    // The first one is still serving on the same keep-alive connection.
    EXPECT_EQ(client.request(make_request("GET", "/healthz")).status, 200);

    serve.signal(SIGTERM);
    EXPECT_EQ(serve.wait_exit(seconds(60)), 0);
    EXPECT_THAT(serve.read_all_stderr(), ::testing::HasSubstr("wsuslab serve: SIGTERM: stopping"));
}

TEST(ServeCliTest, MetricsIncludeTransportCounters) {
    child_process serve{{WSUSLAB_CLI_PATH, "serve", "--listen", "127.0.0.1:0", "--threads", "1"}};
    std::string const url = serve.read_stdout_line(seconds(60));
    ASSERT_FALSE(url.empty());
    raw_client client{port_of(url)};
    auto metrics = client.request(make_request("GET", "/metrics"));
    EXPECT_EQ(metrics.status, 200);
    EXPECT_THAT(metrics.body, ::testing::HasSubstr("\nwsuslab_http_live_sessions 1\n"));
    EXPECT_THAT(metrics.body, ::testing::HasSubstr("\nwsuslab_http_connections_accepted_total 1\n"));
    serve.signal(SIGINT);
    EXPECT_EQ(serve.wait_exit(seconds(60)), 0);
}

TEST(ServeCliTest, UnreadableTlsCertificateIsAStartupError) {
    child_process serve{{WSUSLAB_CLI_PATH, "serve", "--listen", "127.0.0.1:0", "--tls-cert",
                         "/nonexistent/cert.pem", "--tls-key", "/nonexistent/key.pem"}};
    EXPECT_EQ(serve.wait_exit(seconds(60)), 1);
    EXPECT_EQ(serve.read_all_stderr(),
              "wsuslab serve: cannot read TLS certificate file '/nonexistent/cert.pem': No such "
              "file or directory\n");
}

TEST(ServeCliTest, BadDurationIsAUsageError) {
    child_process serve{{WSUSLAB_CLI_PATH, "serve", "--listen", "127.0.0.1:0", "--idle-timeout",
                         "soon"}};
    EXPECT_EQ(serve.wait_exit(seconds(60)), 2);
    EXPECT_EQ(serve.read_all_stderr(),
              "wsuslab serve: --idle-timeout 'soon' is not a positive duration (e.g. 500ms, 30s, "
              "2m)\n");
}

}  // namespace
}  // namespace wsuslab::test
