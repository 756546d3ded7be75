#pragma once
/// A child process for tests that run the built CLI (`wsuslab serve` and friends): stdout and
/// stderr on pipes, bounded waits, killed and reaped in the destructor.
///
/// Usage:
///     child_process serve{{WSUSLAB_CLI_PATH, "serve", "--listen", "127.0.0.1:0"}};
///     std::string url = serve.read_stdout_line(std::chrono::seconds(60));
///     serve.signal(SIGTERM);
///     EXPECT_EQ(serve.wait_exit(std::chrono::seconds(60)), 0);

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <future>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace wsuslab::test {

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
    std::string read_stdout_line(std::chrono::seconds timeout) {
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
    int wait_exit(std::chrono::seconds timeout) {
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

/// The port of "http://127.0.0.1:PORT".
inline std::uint16_t port_of(const std::string& url) {
    auto const colon = url.rfind(':');
    return static_cast<std::uint16_t>(std::stoi(url.substr(colon + 1)));
}

}  // namespace wsuslab::test
