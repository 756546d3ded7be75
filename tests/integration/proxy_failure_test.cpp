// `wsuslab proxy` when the upstream fails: down (connection refused), slow (a tiny request
// deadline; the upstream handler is released by the test, nothing sleeps) or answering bytes that
// are not HTTP. The client gets a 502 or 504 naming the problem, the proxy logs it and keeps
// serving, and nothing is recorded.
#include <atomic>
#include <future>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "proxy_support.hpp"

namespace wsuslab::proxy_test {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

const std::string get_config_body =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?><soap:Envelope "
    "xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body><GetConfig "
    "xmlns=\"http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService\"><protocolVersion>1.6"
    "</protocolVersion></GetConfig></soap:Body></soap:Envelope>";
const std::string get_config_action = "http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/GetConfig";

client::http_reply post(const std::string& url) {
    client::http_transport net;
    auto r = net.post(url, get_config_action, get_config_body);
    if (!r) {
        ADD_FAILURE() << r.error().message;
        return {};
    }
    return r.reply();
}

client::http_transport_options tiny_deadlines() {
    client::http_transport_options t;
    t.connect_timeout = std::chrono::milliseconds(500);
    t.request_timeout = std::chrono::milliseconds(200);
    return t;
}

// A port nothing listens on: bound, then closed.
std::uint16_t closed_port() {
    net::io_context ioc;
    tcp::acceptor a(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
    const auto port = a.local_endpoint().port();
    a.close();
    return port;
}

// Accepts connections on 127.0.0.1:0 and answers each with bytes that are not HTTP, then closes.
class garbage_server {
public:
    garbage_server() : acceptor_(ioc_, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)) {
        accept();
        thread_ = std::thread([this] { ioc_.run(); });
    }
    ~garbage_server() {
        ioc_.stop();
        thread_.join();
    }
    garbage_server(const garbage_server&) = delete;
    garbage_server& operator=(const garbage_server&) = delete;

    std::string url() const { return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()); }
    int served() const { return served_.load(); }

private:
    void accept() {
        acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
            if (ec) {
                return;
            }
            auto s = std::make_shared<tcp::socket>(std::move(socket));
            auto buf = std::make_shared<std::array<char, 4096>>();
            // Read what the proxy sends (one read is enough to know a request came), then answer.
            s->async_read_some(net::buffer(*buf), [this, s, buf](boost::system::error_code, std::size_t) {
                net::async_write(*s, net::buffer(reply_), [this, s](boost::system::error_code, std::size_t) {
                    ++served_;
                    boost::system::error_code ignored;
                    s->shutdown(tcp::socket::shutdown_both, ignored);
                    s->close(ignored);
                });
            });
            accept();
        });
    }

    const std::string reply_ = "this is not HTTP\r\n\r\n";
    net::io_context ioc_;
    tcp::acceptor acceptor_;
    std::thread thread_;
    std::atomic<int> served_{0};
};

TEST(ProxyFailureTest, UpstreamDownIs502AndTheProxyKeepsServing) {
    const std::string dir = fresh_dir("rec");
    const std::string upstream = "http://127.0.0.1:" + std::to_string(closed_port());
    server::proxy_options o;
    o.record_dir = dir;
    proxy_under_test proxy(upstream, o, tiny_deadlines());
    for (int i = 0; i < 2; ++i) {
        const auto r = post(proxy.url() + "/ClientWebService/client.asmx");
        EXPECT_EQ(r.status, 502);
        EXPECT_EQ(r.body, "wsuslab proxy: upstream " + upstream + " cannot be reached: connect to " +
                              upstream.substr(7) + ": Connection refused\n");
    }
    EXPECT_EQ(proxy.stats().upstream_failures, 2U);
    EXPECT_EQ(proxy.log().size(), 2U);
    EXPECT_EQ(proxy.log()[0], "502: upstream " + upstream + " cannot be reached: connect to " + upstream.substr(7) +
                                  ": Connection refused");
    EXPECT_EQ(proxy.stats().recorded, 0U);
}

TEST(ProxyFailureTest, SlowUpstreamIs504AndOtherRequestsStillPass) {
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    // Declared before the guard: the guard releases the blocked handler before the server stops.
    test::test_server upstream([released](const server::http_request& r) {
        if (r.target == "/ClientWebService/slow") {
            released.wait();
        }
        server::http_response out;
        out.set_header("Content-Type", "text/plain");
        out.body = "answered " + r.target;
        return out;
    });
    struct release_on_exit {
        std::promise<void>& p;
        ~release_on_exit() { p.set_value(); }
    } guard{release};

    proxy_under_test proxy(upstream.url(), {}, tiny_deadlines());
    const auto slow = post(proxy.url() + "/ClientWebService/slow");
    EXPECT_EQ(slow.status, 504);
    EXPECT_EQ(slow.body, "wsuslab proxy: upstream " + upstream.url() + " did not answer in time: no complete answer from " +
                             upstream.url().substr(7) + " within 200 ms\n");
    const auto fast = post(proxy.url() + "/ClientWebService/fast");
    EXPECT_EQ(fast.status, 200);
    EXPECT_EQ(fast.body, "answered /ClientWebService/fast");
    EXPECT_EQ(proxy.stats().upstream_failures, 1U);
    EXPECT_EQ(proxy.stats().forwarded, 1U);
}

TEST(ProxyFailureTest, AnUpstreamAnsweringGarbageIs502EveryTime) {
    garbage_server upstream;
    proxy_under_test proxy(upstream.url(), {}, tiny_deadlines());
    for (int i = 0; i < 3; ++i) {
        const auto r = post(proxy.url() + "/ClientWebService/client.asmx");
        EXPECT_EQ(r.status, 502);
        EXPECT_EQ(r.body, "wsuslab proxy: upstream " + upstream.url() +
                              " did not answer with a usable HTTP response: exchange with " + upstream.url().substr(7) +
                              ": bad version\n");
    }
    EXPECT_EQ(upstream.served(), 3);
    EXPECT_EQ(proxy.stats().upstream_failures, 3U);
}

TEST(ProxyFailureTest, AnAnswerAboveTheLimitIs502) {
    test::test_server upstream([](const server::http_request&) {
        server::http_response out;
        out.set_header("Content-Type", "application/octet-stream");
        out.body.assign(2048, 'x');
        return out;
    });
    auto t = tiny_deadlines();
    t.max_response_bytes = 1024;
    proxy_under_test proxy(upstream.url(), {}, t);
    const auto r = post(proxy.url() + "/Content/big.cab");
    EXPECT_EQ(r.status, 502);
    EXPECT_EQ(r.body, "wsuslab proxy: upstream " + upstream.url() + " answered more than the proxy accepts: response from " +
                          upstream.url().substr(7) + " is larger than 1024 bytes\n");
}

}  // namespace
}  // namespace wsuslab::proxy_test
