// Graceful stop: an in-flight response arrives complete with Connection: close, idle
// connections close at once, new connections are refused, and a stuck connection is closed
// when the grace period runs out.
#include <chrono>
#include <future>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <wsuslab/server/server.hpp>

#include "raw_client.hpp"
#include "test_server.hpp"

namespace wsuslab::test {
namespace {

using server::http_request;
using server::http_response;

bool connection_refused(std::uint16_t port) {
    try {
        raw_client probe{port};
        // Accepted by someone: the port must not be ours any more; report not refused.
        return false;
    } catch (const std::runtime_error&) {
        return true;
    }
}

TEST(ShutdownTest, DeliversInFlightResponseCompleteAndRefusesNewConnections) {
    std::promise<void> entered;
    std::promise<void> release;
    auto released = release.get_future().share();
    std::string const big(1024 * 1024, 'r');
    test_server server{[&](const http_request& req) {
        if (req.target == "/slow") {
            entered.set_value();
            released.wait();
            http_response res;
            res.body = big;
            return res;
        }
        return echo_handler(req);
    }};
    std::uint16_t const port = server.port();

    raw_client idle{port};
    ASSERT_EQ(idle.request(make_request("GET", "/warm-up")).status, 200);
    raw_client busy{port};
    ASSERT_TRUE(busy.send(make_request("GET", "/slow")));
    entered.get_future().wait();

    auto stopping = std::async(std::launch::async,
                               [&server] { return server.stop(std::chrono::seconds(30)); });
    // The idle keep-alive connection is closed at once, while the handler is still running.
    EXPECT_TRUE(idle.wait_closed(std::chrono::seconds(20)));
    release.set_value();

    auto reply = busy.read_response(std::chrono::seconds(20));
    ASSERT_TRUE(reply.complete);
    EXPECT_EQ(reply.status, 200);
    EXPECT_EQ(reply.body.size(), big.size());
    EXPECT_EQ(reply.body, big);
    EXPECT_EQ(reply.header("Connection"), "close");
    EXPECT_TRUE(busy.wait_closed(std::chrono::seconds(20)));

    auto report = stopping.get();
    EXPECT_TRUE(report.graceful);
    EXPECT_EQ(report.force_closed, 0U);
    EXPECT_EQ(server.stats().live_sessions, 0U);
    EXPECT_TRUE(connection_refused(port));
}

TEST(ShutdownTest, ForceClosesAConnectionStillBusyAfterTheGracePeriod) {
    std::promise<void> entered;
    std::promise<void> grace_over;
    auto grace_over_future = grace_over.get_future().share();
    auto config = test_server::test_config();
    // stop() logs when the grace period runs out: that is when the handler may return.
    config.log = [&grace_over](server::transport_log_level, std::string_view line) {
        if (line.rfind("stop: grace period over", 0) == 0) {
            grace_over.set_value();
        }
    };
    test_server server{[&](const http_request& req) {
                           entered.set_value();
                           grace_over_future.wait();
                           return echo_handler(req);
                       },
                       config};
    raw_client busy{server.port()};
    ASSERT_TRUE(busy.send(make_request("GET", "/stuck")));
    entered.get_future().wait();
    auto report = server.stop(std::chrono::milliseconds(100));
    EXPECT_FALSE(report.graceful);
    EXPECT_EQ(report.force_closed, 1U);
    EXPECT_TRUE(busy.wait_closed(std::chrono::seconds(20)));
    EXPECT_EQ(server.stats().live_sessions, 0U);
}

TEST(ShutdownTest, StopIsIdempotentAndQuickWhenIdle) {
    test_server server{echo_handler};
    auto first = server.stop();
    auto second = server.stop();
    EXPECT_TRUE(first.graceful);
    EXPECT_TRUE(second.graceful);
    EXPECT_EQ(server.stats().live_sessions, 0U);
}

TEST(ShutdownTest, ClosesAConnectionAcceptedButSilent) {
    test_server server{echo_handler};
    raw_client silent{server.port()};
    auto const deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (server.stats().live_sessions == 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::yield();
    }
    auto report = server.stop(std::chrono::seconds(30));
    EXPECT_TRUE(report.graceful);
    EXPECT_TRUE(silent.wait_closed(std::chrono::seconds(20)));
}

}  // namespace
}  // namespace wsuslab::test
