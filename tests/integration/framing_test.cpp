// Bad framing over real sockets: each case gets its exact status and plain-text reason, the
// connection is closed, the reject is counted once, and the server still serves afterwards.
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <wsuslab/server/server.hpp>

#include "raw_client.hpp"
#include "test_server.hpp"

namespace wsuslab::test {
namespace {

server::server_config limited_config() {
    auto c = test_server::test_config();
    c.body_limit = 1024;
    return c;
}

void expect_still_serves(const test_server& server) {
    SCOPED_TRACE("GET /after on a new connection to port " + std::to_string(server.port()));
    raw_client client{server.port()};
    auto reply = client.request(make_request("GET", "/after"));
    ASSERT_TRUE(reply.complete);
    EXPECT_EQ(reply.status, 200);
    EXPECT_EQ(reply.body, "GET /after\n");
}

struct framing_case {
    const char* name;
    std::string bytes;
    bool half_close;
    int status;
    std::string body;
};

std::vector<framing_case> framing_cases() {
    return {
        {"BadContentLength", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: abc\r\n\r\n", false,
         400, "bad request: bad Content-Length\n"},
        {"ContentLengthAndChunked",
         "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
         false, 400, "bad request: bad Transfer-Encoding\n"},
        {"BareLineFeed", "GET / HTTP/1.1\nHost: a\n\n", false, 400,
         "bad request: bare LF line ending (lines must end with CRLF)\n"},
        {"BadMethod", "PO(ST / HTTP/1.1\r\nHost: a\r\n\r\n", false, 400,
         "bad request: bad method\n"},
        {"TruncatedBodyThenHalfClose",
         "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nabc", true, 400,
         "bad request: partial message (the client closed its side before the request was "
         "complete)\n"},
        {"HeaderOverLimit",
         "GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + std::string(10 * 1024, 'h') + "\r\n\r\n", false,
         431, "request header too large: the limit is 8192 bytes\n"},
        {"ContentLengthOverLimit", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5000\r\n\r\n",
         false, 413, "request body too large: the limit is 1024 bytes\n"},
        {"ChunkedOverLimit",
         "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n" +
             std::string(0x800, 'c') + "\r\n0\r\n\r\n",
         false, 413, "request body too large: the limit is 1024 bytes\n"},
    };
}

class FramingTest : public ::testing::TestWithParam<framing_case> {};

TEST_P(FramingTest, RejectsWithClearErrorClosesAndStillServes) {
    auto const& c = GetParam();
    test_server server{echo_handler, limited_config()};
    raw_client client{server.port()};
    ASSERT_TRUE(client.send(c.bytes));
    if (c.half_close) {
        client.shutdown_write();
    }
    auto reply = client.read_response();
    ASSERT_TRUE(reply.complete);
    EXPECT_EQ(reply.status, c.status);
    EXPECT_EQ(reply.body, c.body);
    EXPECT_EQ(reply.header("Content-Type"), "text/plain; charset=utf-8");
    EXPECT_EQ(reply.header("Connection"), "close");
    EXPECT_TRUE(client.wait_closed());
    EXPECT_TRUE(server.wait_idle());
    EXPECT_EQ(server.stats().framing_rejects, 1U);
    EXPECT_EQ(server.stats().requests, 0U);
    expect_still_serves(server);
}

INSTANTIATE_TEST_SUITE_P(Cases, FramingTest, ::testing::ValuesIn(framing_cases()),
                         [](const ::testing::TestParamInfo<framing_case>& p) {
                             return std::string(p.param.name);
                         });

TEST(FramingUploadTest, ClientStillUploadingReads413) {
    test_server server{echo_handler, limited_config()};
    raw_client client{server.port()};
    // Announces 8 MiB and keeps sending; the 413 must arrive instead of a connection reset.
    auto reply = client.upload_until_response(
        "POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 8388608\r\n\r\n",
        std::string(16 * 1024, 'u'), 8 * 1024 * 1024);
    ASSERT_TRUE(reply.complete);
    EXPECT_EQ(reply.status, 413);
    EXPECT_EQ(reply.body, "request body too large: the limit is 1024 bytes\n");
    EXPECT_EQ(reply.header("Connection"), "close");
    EXPECT_TRUE(client.wait_closed());
    expect_still_serves(server);
}

TEST(FramingUploadTest, ChunkedUploadOverLimitReads413) {
    test_server server{echo_handler, limited_config()};
    raw_client client{server.port()};
    auto reply = client.upload_until_response(
        "POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n",
        "400\r\n" + std::string(0x400, 'c') + "\r\n", 4 * 1024 * 1024);
    ASSERT_TRUE(reply.complete);
    EXPECT_EQ(reply.status, 413);
    EXPECT_TRUE(client.wait_closed());
    expect_still_serves(server);
}

TEST(FramingUploadTest, ExpectContinueWithOversizedLengthGets413NotContinue) {
    test_server server{echo_handler, limited_config()};
    raw_client client{server.port()};
    auto reply = client.request(
        "POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2048\r\n\r\n");
    ASSERT_TRUE(reply.complete);
    EXPECT_EQ(reply.status, 413);
}

TEST(FramingUploadTest, ExpectContinueInvitesTheBody) {
    test_server server{echo_handler, limited_config()};
    raw_client client{server.port()};
    auto interim = client.request(
        "POST /c HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
    ASSERT_TRUE(interim.complete);
    EXPECT_EQ(interim.status, 100);
    auto reply = client.request("body");
    ASSERT_TRUE(reply.complete);
    EXPECT_EQ(reply.status, 200);
    EXPECT_EQ(reply.body, "POST /c\nbody");
}

TEST(TimeoutTest, SlowlorisIsClosedAtTheHeaderTimeout) {
    auto config = test_server::test_config();
    config.header_timeout = std::chrono::milliseconds(300);
    test_server server{echo_handler, config};
    raw_client client{server.port()};
    // One byte every 50 ms never completes the header; the server must cut the connection.
    std::string const endless = "GET / HTTP/1.1\r\nHost: a\r\nX-Slow: " + std::string(4000, 's');
    EXPECT_TRUE(client.trickle_until_closed(endless, std::chrono::milliseconds(50),
                                            std::chrono::seconds(20)));
    EXPECT_EQ(client.pending(), "");  // silent close: no response
    EXPECT_TRUE(server.wait_idle());
    EXPECT_EQ(server.stats().timeouts, 1U);
    expect_still_serves(server);
}

TEST(TimeoutTest, StalledBodyIsClosedAtTheBodyTimeout) {
    auto config = test_server::test_config();
    config.body_timeout = std::chrono::milliseconds(200);
    test_server server{echo_handler, config};
    raw_client client{server.port()};
    ASSERT_TRUE(client.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc"));
    EXPECT_TRUE(client.wait_closed(std::chrono::seconds(20)));
    EXPECT_EQ(client.pending(), "");
    EXPECT_TRUE(server.wait_idle());
    EXPECT_EQ(server.stats().timeouts, 1U);
}

TEST(TimeoutTest, IdleKeepAliveConnectionIsClosed) {
    auto config = test_server::test_config();
    config.idle_timeout = std::chrono::milliseconds(200);
    test_server server{echo_handler, config};
    raw_client client{server.port()};
    auto reply = client.request(make_request("GET", "/"));
    ASSERT_EQ(reply.status, 200);
    EXPECT_TRUE(client.wait_closed(std::chrono::seconds(20)));
    EXPECT_TRUE(server.wait_idle());
}

TEST(TimeoutTest, SilentConnectionIsClosedAtTheHeaderTimeout) {
    auto config = test_server::test_config();
    config.header_timeout = std::chrono::milliseconds(200);
    test_server server{echo_handler, config};
    raw_client client{server.port()};
    EXPECT_TRUE(client.wait_closed(std::chrono::seconds(20)));
    EXPECT_TRUE(server.wait_idle());
    EXPECT_EQ(server.stats().timeouts, 1U);
}

}  // namespace
}  // namespace wsuslab::test
