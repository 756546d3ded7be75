// http_session over beast::test::stream: every request shape and every framing error, delivered
// 1, 2, 3, 7 and 1024 bytes per read ("readgrind"), plus a fail_count matrix.
#include <stdexcept>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "session_test_support.hpp"
#include "test_server.hpp"

namespace wsuslab::server::detail::testing {
namespace {

using ::testing::HasSubstr;
using wsuslab::test::echo_handler;

std::string ok_response(const std::string& body) {
    return "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
}

std::string reject_response(const std::string& status_line, const std::string& body) {
    return "HTTP/1.1 " + status_line + "\r\nContent-Type: text/plain; charset=utf-8\r\n" +
           "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" +
           body;
}

class SessionReadSizeTest : public ::testing::TestWithParam<std::size_t> {
protected:
    session_run run(std::string_view input, const server_config& config = small_limits(),
                    request_handler handler = echo_handler) {
        SCOPED_TRACE("read size " + std::to_string(GetParam()) + ", input of " + std::to_string(input.size()) + " bytes");
        auto r = run_session(input, GetParam(), config, std::move(handler));
        EXPECT_TRUE(r.ran_to_completion) << "the session did not finish";
        EXPECT_EQ(r.stats.live_sessions, 0U);
        return r;
    }
};

TEST_P(SessionReadSizeTest, AnswersGetExactly) {
    auto r = run("GET /x HTTP/1.1\r\nHost: a\r\n\r\n");
    EXPECT_EQ(r.output, ok_response("GET /x\n"));
    EXPECT_EQ(r.stats.requests, 1U);
    EXPECT_EQ(r.stats.framing_rejects, 0U);
}

TEST_P(SessionReadSizeTest, AnswersPipelinedRequestsInOrder) {
    auto r = run("GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n");
    EXPECT_EQ(r.output, ok_response("GET /1\n") + ok_response("GET /2\n"));
    EXPECT_EQ(r.stats.requests, 2U);
}

TEST_P(SessionReadSizeTest, EchoesContentLengthBody) {
    auto r = run("POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello");
    EXPECT_EQ(r.output, ok_response("POST /p\nhello"));
}

TEST_P(SessionReadSizeTest, DecodesChunkedBody) {
    auto r = run("POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
    EXPECT_EQ(r.output, ok_response("POST /c\nabcde"));
}

TEST_P(SessionReadSizeTest, AnswersExpectContinueBeforeReadingBody) {
    auto r = run("POST /e HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok");
    EXPECT_EQ(r.output, "HTTP/1.1 100 Continue\r\n\r\n" + ok_response("POST /e\nok"));
}

TEST_P(SessionReadSizeTest, RejectsOversizedContentLengthWith413BeforeContinue) {
    auto r = run("POST /big HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 65\r\n\r\n");
    EXPECT_EQ(r.output, reject_response("413 Payload Too Large",
                                        "request body too large: the limit is 64 bytes\n"));
    EXPECT_EQ(r.stats.framing_rejects, 1U);
    EXPECT_EQ(r.stats.requests, 0U);
}

TEST_P(SessionReadSizeTest, RejectsChunkedBodyOverLimitWith413) {
    std::string const chunk(40, 'x');
    auto r = run("POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n28\r\n" + chunk +
                 "\r\n28\r\n" + chunk + "\r\n0\r\n\r\n");
    EXPECT_EQ(r.output, reject_response("413 Payload Too Large",
                                        "request body too large: the limit is 64 bytes\n"));
}

TEST_P(SessionReadSizeTest, RejectsHeaderOverLimitWith431) {
    auto r = run("GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + std::string(2000, 'b') + "\r\n\r\n");
    EXPECT_EQ(r.output, reject_response("431 Request Header Fields Too Large",
                                        "request header too large: the limit is 1024 bytes\n"));
    EXPECT_EQ(r.stats.framing_rejects, 1U);
}

TEST_P(SessionReadSizeTest, RejectsTruncatedBodyWith400PartialMessage) {
    auto r = run("POST /t HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc");
    EXPECT_EQ(r.output,
              reject_response("400 Bad Request",
                              "bad request: partial message (the client closed its side before "
                              "the request was complete)\n"));
}

TEST_P(SessionReadSizeTest, RejectsTruncatedHeaderWith400PartialMessage) {
    auto r = run("GET / HTTP/1.1\r\nHost: a\r\n");
    EXPECT_THAT(r.output, HasSubstr("HTTP/1.1 400 Bad Request\r\n"));
    EXPECT_THAT(r.output, HasSubstr("bad request: partial message"));
}

TEST_P(SessionReadSizeTest, RejectsBareLineFeedWith400) {
    auto r = run("GET / HTTP/1.1\nHost: a\n\n");
    EXPECT_EQ(r.output, reject_response("400 Bad Request",
                                        "bad request: bare LF line ending (lines must end with "
                                        "CRLF)\n"));
}

TEST_P(SessionReadSizeTest, RejectsBadContentLengthWith400) {
    auto r = run("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: abc\r\n\r\n");
    EXPECT_EQ(r.output, reject_response("400 Bad Request", "bad request: bad Content-Length\n"));
}

TEST_P(SessionReadSizeTest, RejectsTwoDifferentContentLengthsWith400) {
    auto r = run("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab");
    EXPECT_EQ(r.output, reject_response("400 Bad Request", "bad request: bad Content-Length\n"));
}

TEST_P(SessionReadSizeTest, RejectsContentLengthWithChunkedWith400) {
    auto r = run("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n"
                 "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
    EXPECT_EQ(r.output,
              reject_response("400 Bad Request", "bad request: bad Transfer-Encoding\n"));
}

TEST_P(SessionReadSizeTest, RejectsBadMethodWith400) {
    auto r = run("PO(ST / HTTP/1.1\r\nHost: a\r\n\r\n");
    EXPECT_EQ(r.output, reject_response("400 Bad Request", "bad request: bad method\n"));
}

TEST_P(SessionReadSizeTest, DoesNotReadPastAFramingError) {
    auto r = run("PO(ST / HTTP/1.1\r\n\r\nGET /never HTTP/1.1\r\nHost: a\r\n\r\n");
    EXPECT_EQ(r.output, reject_response("400 Bad Request", "bad request: bad method\n"));
    EXPECT_EQ(r.stats.requests, 0U);
}

TEST_P(SessionReadSizeTest, SendsOnlyHeadersForHead) {
    auto r = run("HEAD /h HTTP/1.1\r\nHost: a\r\n\r\nGET /g HTTP/1.1\r\nHost: a\r\n\r\n");
    EXPECT_EQ(r.output, "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n"
                        "Content-Length: 8\r\n\r\n" +
                            ok_response("GET /g\n"));
}

TEST_P(SessionReadSizeTest, SendsOnlyHeadersWhenHandlerSaysHeadOnly) {
    auto r = run("GET /h HTTP/1.1\r\nHost: a\r\n\r\n", small_limits(), [](const http_request&) {
        http_response res;
        res.body = "12345";
        res.head_only = true;
        return res;
    });
    EXPECT_EQ(r.output, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");
}

TEST_P(SessionReadSizeTest, ClosesQuietlyOnEmptyConnection) {
    auto r = run("");
    EXPECT_EQ(r.output, "");
    EXPECT_EQ(r.stats.framing_rejects, 0U);
}

TEST_P(SessionReadSizeTest, HonoursConnectionCloseFromClient) {
    auto r = run("GET /1 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
                 "GET /2 HTTP/1.1\r\nHost: a\r\n\r\n");
    EXPECT_EQ(r.output, "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n"
                        "Content-Length: 7\r\nConnection: close\r\n\r\nGET /1\n");
    EXPECT_EQ(r.stats.requests, 1U);
}

TEST_P(SessionReadSizeTest, ClosesHttp10WithoutKeepAlive) {
    auto r = run("GET /1 HTTP/1.0\r\n\r\nGET /2 HTTP/1.0\r\n\r\n");
    EXPECT_EQ(r.output, "HTTP/1.0 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n"
                        "Content-Length: 7\r\n\r\nGET /1\n");
}

TEST_P(SessionReadSizeTest, TurnsHandlerExceptionInto500AndKeepsConnection) {
    auto r = run("GET /boom HTTP/1.1\r\nHost: a\r\n\r\nGET /boom HTTP/1.1\r\nHost: a\r\n\r\n",
                 small_limits(), [](const http_request&) -> http_response {
                     throw std::runtime_error("handler bug");
                 });
    std::string const one =
        "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Length: 50\r\n\r\ninternal server error: the request handler failed\n";
    EXPECT_EQ(r.output, one + one);
    EXPECT_EQ(r.stats.handler_errors, 2U);
}

TEST_P(SessionReadSizeTest, ClosesWhenHandlerAsksTo) {
    auto r = run("GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n",
                 small_limits(), [](const http_request&) {
                     http_response res;
                     res.body = "x";
                     res.close = true;
                     return res;
                 });
    EXPECT_EQ(r.output, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx");
}

TEST_P(SessionReadSizeTest, KeepsFramingHeadersUnderSessionControl) {
    auto r = run("GET / HTTP/1.1\r\nHost: a\r\n\r\n", small_limits(), [](const http_request&) {
        http_response res;
        res.set_header("Content-Length", "999");
        res.set_header("Transfer-Encoding", "chunked");
        res.set_header("X-Injected", "a\r\nSet-Cookie: evil");
        res.set_header("Bad Name", "v");
        res.set_header("X-Fine", "yes");
        res.body = "ab";
        return res;
    });
    EXPECT_EQ(r.output, "HTTP/1.1 200 OK\r\nX-Fine: yes\r\nContent-Length: 2\r\n\r\nab");
}

TEST_P(SessionReadSizeTest, PassesRequestFieldsToHandler) {
    http_request seen;
    auto r = run("POST /svc?x=1 HTTP/1.1\r\nHost: a\r\nSOAPAction: \"urn:x\"\r\n"
                 "Content-Length: 3\r\n\r\nabc",
                 small_limits(), [&seen](const http_request& req) {
                     seen = req;
                     return http_response{};
                 });
    EXPECT_EQ(seen.method, "POST");
    EXPECT_EQ(seen.target, "/svc?x=1");
    EXPECT_EQ(seen.version, 11U);
    EXPECT_EQ(seen.header("soapaction"), "\"urn:x\"");
    EXPECT_EQ(seen.body, "abc");
    EXPECT_EQ(seen.remote_address, "test");
    EXPECT_FALSE(seen.tls);
}

INSTANTIATE_TEST_SUITE_P(ReadSizes, SessionReadSizeTest,
                         ::testing::Values(std::size_t{1}, std::size_t{2}, std::size_t{3},
                                           std::size_t{7}, std::size_t{1024}));

TEST(SessionTest, AnswersInFlightRequestWithConnectionCloseWhenStopping) {
    server_state* state_ptr = nullptr;
    auto state = std::make_shared<server_state>(small_limits(), [&state_ptr](const http_request& r) {
        // Stop arrives while the handler runs: the response must close the connection.
        state_ptr->stopping.store(true);
        return echo_handler(r);
    });
    state_ptr = state.get();
    auto r = run_session("GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n", 1024,
                         state);
    EXPECT_EQ(r.output, "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n"
                        "Content-Length: 7\r\nConnection: close\r\n\r\nGET /1\n");
    EXPECT_EQ(r.stats.requests, 1U);
}

TEST(SessionTest, SurvivesAFailureAtEveryOperation) {
    std::string const input =
        "POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhiGET /b HTTP/1.1\r\nHost: a\r\n\r\n";
    std::string const expected = ok_response("POST /a\nhi") + ok_response("GET /b\n");
    int n = 0;
    for (; n < 200; ++n) {
        boost::beast::test::fail_count fc(static_cast<std::size_t>(n));
        auto r = run_session(input, 3, small_limits(), echo_handler, &fc);
        ASSERT_TRUE(r.ran_to_completion) << "failure injected at operation " << n;
        ASSERT_EQ(r.stats.live_sessions, 0U);
        if (r.output == expected) {
            break;
        }
        // A failed operation ends the connection: what was written is a prefix of the answer.
        EXPECT_EQ(expected.compare(0, r.output.size(), r.output), 0) << "at operation " << n;
    }
    EXPECT_GT(n, 0) << "no failure was injected";
    EXPECT_LT(n, 200);
}

}  // namespace
}  // namespace wsuslab::server::detail::testing
