// HTTPS with the fixture certificate (fixtures/tls): a verified round trip with keep-alive,
// plain HTTP on the TLS port, and clear startup errors for bad certificate or key files.
#include <atomic>
#include <chrono>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <wsuslab/server/server.hpp>

#include "fixtures.hpp"
#include "raw_client.hpp"
#include "test_server.hpp"

namespace wsuslab::test {
namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using server::http_request;
using server::http_response;

server::server_config tls_config() {
    auto c = test_server::test_config();
    c.tls_cert_file = fixture_path("tls/server-cert.pem");
    c.tls_key_file = fixture_path("tls/server-key.pem");
    return c;
}

TEST(TlsTest, VerifiedRoundTripWithKeepAlive) {
    std::atomic<bool> saw_tls{false};
    test_server server{[&saw_tls](const http_request& req) {
                           saw_tls = req.tls;
                           return echo_handler(req);
                       },
                       tls_config()};
    EXPECT_EQ(server.url(), "https://127.0.0.1:" + std::to_string(server.port()));

    net::io_context ioc;
    ssl::context ctx{ssl::context::tls_client};
    // The fixture certificate is its own CA: trusting it makes the verification real.
    ctx.load_verify_file(fixture_path("tls/server-cert.pem"));
    ctx.set_verify_mode(ssl::verify_peer);
    beast::ssl_stream<beast::tcp_stream> stream{ioc, ctx};
    stream.set_verify_callback(ssl::host_name_verification("127.0.0.1"));
    beast::get_lowest_layer(stream).connect(
        net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), server.port()));
    stream.handshake(ssl::stream_base::client);

    for (int i = 0; i < 2; ++i) {
        http::request<http::string_body> req{http::verb::post, "/tls", 11};
        req.set(http::field::host, "127.0.0.1");
        req.body() = "secure " + std::to_string(i);
        req.prepare_payload();
        http::write(stream, req);
        beast::flat_buffer buffer;
        http::response<http::string_body> res;
        http::read(stream, buffer, res);
        EXPECT_EQ(res.result_int(), 200U);
        EXPECT_EQ(res.body(), "POST /tls\nsecure " + std::to_string(i));
        EXPECT_TRUE(res.keep_alive());
    }
    EXPECT_TRUE(saw_tls.load());
    beast::error_code ignored;
    stream.shutdown(ignored);
    EXPECT_EQ(server.stats().requests, 2U);
    EXPECT_EQ(server.stats().accepted_connections, 1U);
}

TEST(TlsTest, PlainHttpOnTheTlsPortIsClosedAndTlsStillWorks) {
    test_server server{echo_handler, tls_config()};
    raw_client plain{server.port()};
    ASSERT_TRUE(plain.send(make_request("GET", "/")));
    EXPECT_TRUE(plain.wait_closed());
    EXPECT_TRUE(server.wait_idle());
    EXPECT_EQ(server.stats().requests, 0U);

    net::io_context ioc;
    ssl::context ctx{ssl::context::tls_client};
    ctx.load_verify_file(fixture_path("tls/server-cert.pem"));
    ctx.set_verify_mode(ssl::verify_peer);
    beast::ssl_stream<beast::tcp_stream> stream{ioc, ctx};
    beast::get_lowest_layer(stream).connect(
        net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), server.port()));
    stream.handshake(ssl::stream_base::client);
    http::request<http::empty_body> req{http::verb::head, "/h", 11};
    req.set(http::field::host, "127.0.0.1");
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response_parser<http::empty_body> parser;
    parser.skip(true);  // a HEAD response has no body whatever its Content-Length says
    http::read(stream, buffer, parser);
    EXPECT_EQ(parser.get().result_int(), 200U);
    EXPECT_EQ(parser.get()[http::field::content_length], "8");
}

TEST(TlsTest, MissingCertificateFileIsAStartupError) {
    auto config = tls_config();
    config.tls_cert_file = "/nonexistent/cert.pem";
    EXPECT_EQ(server::http_server::start(config, echo_handler).error,
              "cannot read TLS certificate file '/nonexistent/cert.pem': No such file or "
              "directory");
}

TEST(TlsTest, NonPemCertificateIsAStartupError) {
    auto config = tls_config();
    config.tls_cert_file = fixture_path("tls/README.md");
    EXPECT_EQ(server::http_server::start(config, echo_handler).error,
              "cannot load TLS certificate '" + config.tls_cert_file +
                    "' (PEM expected): no start line");
}

TEST(TlsTest, KeyNotMatchingCertificateIsAStartupError) {
    auto config = tls_config();
    config.tls_key_file = fixture_path("tls/other-key.pem");
    EXPECT_EQ(server::http_server::start(config, echo_handler).error,
              "TLS private key '" + config.tls_key_file + "' does not match certificate '" +
                  config.tls_cert_file + "'");
}

}  // namespace
}  // namespace wsuslab::test
