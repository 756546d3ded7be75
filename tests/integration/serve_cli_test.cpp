// `wsuslab serve` as a user runs it: a child process on 127.0.0.1:0 that prints its URL first,
// answers /healthz, exits 0 on SIGTERM, and a second instance on a taken port fails with one
// clear line and exit code 1.
#include <array>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <future>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "raw_client.hpp"

extern char** environ;

namespace wsuslab::test {
namespace {

using std::chrono::seconds;

/// A child process with its stdout and stderr on pipes. Killed and reaped in the destructor.
class child_process {
public:
    explicit child_process(std::vector<std::string> args) {
        int out[2] = {-1, -1};
        int err[2] = {-1, -1};
        if (::pipe(out) != 0 || ::pipe(err) != 0) {
            ADD_FAILURE() << "pipe failed";
            return;
        }
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, out[1], 1);
        posix_spawn_file_actions_adddup2(&actions, err[1], 2);
        posix_spawn_file_actions_addclose(&actions, out[0]);
        posix_spawn_file_actions_addclose(&actions, err[0]);
        std::vector<char*> argv;
        for (auto& a : args) {
            argv.push_back(a.data());
        }
        argv.push_back(nullptr);
        if (posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ) != 0) {
            ADD_FAILURE() << "cannot start " << args[0];
            pid_ = -1;
        }
        posix_spawn_file_actions_destroy(&actions);
        ::close(out[1]);
        ::close(err[1]);
        out_ = out[0];
        err_ = err[0];
    }

    ~child_process() {
        if (pid_ > 0 && !status_) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        ::close(out_);
        ::close(err_);
    }
    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;

    /// The first line on stdout (without '\n'), or "" if none came within `timeout`.
    std::string read_stdout_line(seconds timeout) {
        auto const deadline = std::chrono::steady_clock::now() + timeout;
        std::string line;
        char c = 0;
        while (std::chrono::steady_clock::now() < deadline) {
            pollfd p{out_, POLLIN, 0};
            auto const left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (::poll(&p, 1, static_cast<int>(std::max<long long>(left.count(), 0))) <= 0) {
                break;
            }
            if (::read(out_, &c, 1) != 1) {
                break;
            }
            if (c == '\n') {
                return line;
            }
            line.push_back(c);
        }
        return "";
    }

    /// Everything the child writes to stderr until it closes it.
    std::string read_all_stderr() {
        std::string all;
        std::array<char, 4096> buf{};
        ssize_t n = 0;
        while ((n = ::read(err_, buf.data(), buf.size())) > 0) {
            all.append(buf.data(), static_cast<std::size_t>(n));
        }
        return all;
    }

    void signal(int sig) { ::kill(pid_, sig); }

    /// The exit code, or -1 if the child did not exit within `timeout` (or died of a signal).
    int wait_exit(seconds timeout) {
        auto waiter = std::async(std::launch::async, [pid = pid_] {
            int status = 0;
            while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
            }
            return status;
        });
        if (waiter.wait_for(timeout) != std::future_status::ready) {
            ::kill(pid_, SIGKILL);
            waiter.wait();
            status_ = -1;
            return -1;
        }
        int const status = waiter.get();
        status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        return *status_;
    }

private:
    pid_t pid_ = -1;
    int out_ = -1;
    int err_ = -1;
    std::optional<int> status_;
};

std::uint16_t port_of(const std::string& url) {
    auto const colon = url.rfind(':');
    return static_cast<std::uint16_t>(std::stoi(url.substr(colon + 1)));
}

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
