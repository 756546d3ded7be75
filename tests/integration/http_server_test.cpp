// The HTTP transport over real loopback sockets: keep-alive, HEAD, limits, concurrency, the
// connection cap, counters. Framing errors live in framing_test.cpp, stop in shutdown_test.cpp.
#include <algorithm>
#include <atomic>
#include <stdexcept>
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

TEST(HttpServerTest, AnswersPipelinedRequestsInOrder) {
    test_server server{echo_handler};
    raw_client client{server.port()};
    ASSERT_TRUE(client.send(make_request("GET", "/1") + make_request("GET", "/2")));
    EXPECT_EQ(client.read_response().body, "GET /1\n");
    EXPECT_EQ(client.read_response().body, "GET /2\n");
}

TEST(HttpServerTest, HeadSendsHeadersOnly) {
    test_server server{[](const http_request&) {
        http_response res;
        res.set_header("Content-Type", "text/xml; charset=utf-8");
        res.body = "<wsdl/>";
        return res;
    }};
    raw_client client{server.port()};
    auto head = client.request(make_request("HEAD", "/ClientWebService/client.asmx?wsdl"),
                               std::chrono::seconds(5), true);
    ASSERT_TRUE(head.complete);
    EXPECT_EQ(head.status, 200);
    EXPECT_EQ(head.header("Content-Length"), "7");
    EXPECT_EQ(head.body, "");
    // Had a body been sent, it would now be read as the start of the next response.
    auto get = client.request(make_request("GET", "/ClientWebService/client.asmx?wsdl"));
    ASSERT_TRUE(get.complete);
    EXPECT_EQ(get.status, 200);
    EXPECT_EQ(get.body, "<wsdl/>");
}

TEST(HttpServerTest, ClosesAfterConnectionCloseRequest) {
    test_server server{echo_handler};
    raw_client client{server.port()};
    auto reply = client.request(make_request("GET", "/", {"Connection: close"}));
    ASSERT_TRUE(reply.complete);
    EXPECT_EQ(reply.header("Connection"), "close");
    EXPECT_TRUE(client.wait_closed());
}

TEST(HttpServerTest, HandlerExceptionBecomes500AndServerKeepsServing) {
    test_server server{[](const http_request& req) -> http_response {
        if (req.target == "/throw") {
            throw std::runtime_error("boom");
        }
        return echo_handler(req);
    }};
    raw_client client{server.port()};
    auto bad = client.request(make_request("GET", "/throw"));
    EXPECT_EQ(bad.status, 500);
    EXPECT_EQ(bad.body, "internal server error: the request handler failed\n");
    auto good = client.request(make_request("GET", "/fine"));
    EXPECT_EQ(good.status, 200);
    EXPECT_EQ(server.stats().handler_errors, 1U);
}

TEST(HttpServerTest, ServesHundredConcurrentClients) {
    test_server server{echo_handler};
    constexpr int clients = 100;
    constexpr int requests_each = 3;
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    threads.reserve(clients);
    for (int c = 0; c < clients; ++c) {
        threads.emplace_back([&, c] {
            raw_client client{server.port()};
            for (int i = 0; i < requests_each; ++i) {
                std::string const body = std::to_string(c) + "/" + std::to_string(i);
                auto reply = client.request(make_request("POST", "/c", {}, body),
                                            std::chrono::seconds(30));
                if (reply.complete && reply.status == 200 && reply.body == "POST /c\n" + body) {
                    ++ok;
                }
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    EXPECT_EQ(ok.load(), clients * requests_each);
    EXPECT_EQ(server.stats().requests, static_cast<std::uint64_t>(clients * requests_each));
    EXPECT_EQ(server.stats().accepted_connections, static_cast<std::uint64_t>(clients));
}

TEST(HttpServerTest, AnswersBusyAtTheConnectionCap) {
    auto config = test_server::test_config();
    config.max_connections = 2;
    test_server server{echo_handler, config};
    std::vector<raw_client> open;
    for (int i = 0; i < 2; ++i) {
        open.emplace_back(server.port());
        // A completed request proves the server has accepted (and counts) this connection.
        ASSERT_EQ(open.back().request(make_request("GET", "/")).status, 200);
    }
    raw_client third{server.port()};
    auto busy = third.request(make_request("GET", "/"));
    ASSERT_TRUE(busy.complete);
    EXPECT_EQ(busy.status, 503);
    EXPECT_EQ(busy.body, "server busy: the limit of 2 open connections is reached\n");
    EXPECT_EQ(busy.header("Connection"), "close");
    EXPECT_TRUE(third.wait_closed());
    EXPECT_EQ(server.stats().capacity_rejects, 1U);
    open.clear();
    ASSERT_TRUE(server.wait_idle());
    raw_client again{server.port()};
    EXPECT_EQ(again.request(make_request("GET", "/")).status, 200);
}

TEST(HttpServerStartTest, PortInUseIsAnErrorValue) {
    test_server first{echo_handler};
    auto config = test_server::test_config();
    config.listen = "127.0.0.1:" + std::to_string(first.port());
    auto second = server::http_server::start(config, echo_handler);
    EXPECT_FALSE(second);
    EXPECT_EQ(second.error, "cannot listen on 127.0.0.1:" + std::to_string(first.port()) +
                                ": Address already in use");
    // The first server is unaffected.
    raw_client client{first.port()};
    EXPECT_EQ(client.request(make_request("GET", "/")).status, 200);
}

TEST(HttpServerStartTest, RejectsBadListenAddress) {
    auto config = test_server::test_config();
    config.listen = "127.0.0.1";
    auto started = server::http_server::start(config, echo_handler);
    EXPECT_FALSE(started);
    EXPECT_EQ(started.error,
              "invalid listen address '127.0.0.1': missing ':PORT' (expected ADDR:PORT, e.g. "
              "127.0.0.1:8530 or [::1]:8530)");
    config.listen = "wsus.example:8530";
    EXPECT_THAT(server::http_server::start(config, echo_handler).error,
                HasSubstr("'wsus.example' is not a numeric IP address"));
    config.listen = "127.0.0.1:70000";
    EXPECT_THAT(server::http_server::start(config, echo_handler).error,
                HasSubstr("the port must be a number from 0 to 65535"));
}

TEST(HttpServerStartTest, RejectsMissingHandlerAndHalfTlsConfig) {
    EXPECT_EQ(server::http_server::start(test_server::test_config(), nullptr).error,
              "no request handler");
    auto config = test_server::test_config();
    config.tls_cert_file = "cert.pem";
    EXPECT_EQ(server::http_server::start(config, echo_handler).error,
              "TLS needs both a certificate file and a key file");
}

TEST(HttpServerStartTest, ReportsUrlAndResolvedThreads) {
    auto config = test_server::test_config();
    config.threads = 0;
    test_server server{echo_handler, config};
    EXPECT_EQ(server.url(), "http://127.0.0.1:" + std::to_string(server.port()));
    EXPECT_EQ(server.server().local_endpoint(), "127.0.0.1:" + std::to_string(server.port()));
    // 0 means one thread per hardware thread, at least one.
    EXPECT_EQ(server.server().config().threads, std::max(1U, std::thread::hardware_concurrency()));
    EXPECT_FALSE(server.server().tls());
}

TEST(ListenAddressTest, ParsesIpv4Ipv6AndLocalhost) {
    auto a = server::parse_listen_address("0.0.0.0:8530");
    ASSERT_TRUE(a);
    EXPECT_EQ(a.address.host, "0.0.0.0");
    EXPECT_EQ(a.address.port, 8530);
    auto b = server::parse_listen_address("[::1]:0");
    ASSERT_TRUE(b);
    EXPECT_EQ(b.address.host, "::1");
    EXPECT_EQ(b.address.port, 0);
    auto c = server::parse_listen_address("localhost:80");
    ASSERT_TRUE(c);
    EXPECT_EQ(c.address.host, "127.0.0.1");
    EXPECT_FALSE(server::parse_listen_address("::1:80"));
    EXPECT_FALSE(server::parse_listen_address(":80"));
    EXPECT_FALSE(server::parse_listen_address("1.2.3.4:"));
}

}  // namespace
}  // namespace wsuslab::test
