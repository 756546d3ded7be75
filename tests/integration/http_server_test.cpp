// The HTTP transport over real loopback sockets: keep-alive, HEAD, limits, concurrency, the
// connection cap, counters. Framing errors live in framing_test.cpp, stop in shutdown_test.cpp.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <wsuslab/server/server.hpp>

#include "raw_client.hpp"
#include "test_server.hpp"

namespace wsuslab::test {
namespace {

using ::testing::HasSubstr;
using server::http_request;
using server::http_response;

TEST(HttpServerTest, ServesSeveralRequestsOnOneKeepAliveConnection) {
    test_server server{echo_handler};
    raw_client client{server.port()};
    for (int i = 0; i < 3; ++i) {
        std::string const body = "request " + std::to_string(i);
        auto reply = client.request(make_request("POST", "/echo", {}, body));
        ASSERT_TRUE(reply.complete) << "request " << i;
        EXPECT_EQ(reply.status, 200);
        EXPECT_EQ(reply.body, "POST /echo\n" + body);
        EXPECT_EQ(reply.header("Content-Length"), std::to_string(reply.body.size()));
        EXPECT_EQ(reply.header("Connection"), std::nullopt);
    }
    EXPECT_FALSE(client.peer_closed());
    EXPECT_EQ(server.stats().requests, 3U);
    EXPECT_EQ(server.stats().accepted_connections, 1U);
}

}  // namespace
}  // namespace wsuslab::test
