// The Beast transport against the in-process test server (127.0.0.1:0): SOAP headers, keep-alive,
// HEAD, errors with their WU_E_PT codes, an HTTP proxy (absolute URI and CONNECT), and HTTPS with
// a certificate generated for the test.
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <future>
#include <mutex>
#include <thread>

#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <wsuslab/client/http_transport.hpp>

#include "test_server.hpp"

namespace wsuslab::client {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using wsuslab::server::http_request;
using wsuslab::server::http_response;
using wsuslab::test::test_server;

// Requests the handler saw, for assertions (handlers run on server threads).
struct request_log {
    std::mutex mutex;
    std::vector<http_request> requests;
    void add(const http_request& r) {
        std::lock_guard<std::mutex> lock(mutex);
        requests.push_back(r);
    }
    http_request at(std::size_t i) {
        std::lock_guard<std::mutex> lock(mutex);
        return requests.at(i);
    }
};

http_response text(std::string body) {
    http_response r;
    r.set_header("Content-Type", "text/xml; charset=utf-8");
    r.body = std::move(body);
    return r;
}

TEST(HttpTransportTest, PostsSoapWithTheQuotedActionAndContentType) {
    request_log seen;
    test_server server{[&](const http_request& r) {
        seen.add(r);
        return text("<answer/>");
    }};
    http_transport t;
    auto const r = t.post(server.url() + "/ClientWebService/client.asmx",
                          "http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/GetConfig",
                          "<Envelope/>");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r.reply().status, 200);
    EXPECT_EQ(r.reply().body, "<answer/>");
    EXPECT_EQ(r.reply().header("content-type"), "text/xml; charset=utf-8");
    auto const req = seen.at(0);
    EXPECT_EQ(req.method, "POST");
    EXPECT_EQ(req.target, "/ClientWebService/client.asmx");
    EXPECT_EQ(req.body, "<Envelope/>");
    EXPECT_EQ(req.header("SOAPAction"),
              "\"http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/GetConfig\"");
    EXPECT_EQ(req.header("Content-Type"), "text/xml; charset=utf-8");
    EXPECT_EQ(req.header("Host"), "127.0.0.1:" + std::to_string(server.port()));
    EXPECT_EQ(req.header("User-Agent"), "Windows-Update-Agent");
}

TEST(HttpTransportTest, ReusesOneConnectionWhileTheServerKeepsItAlive) {
    test_server server{[](const http_request&) { return text("ok"); }};
    http_transport t;
    for (int i = 0; i < 3; ++i) {
        auto const r = t.post(server.url() + "/x", "a", "b");
        ASSERT_TRUE(r.ok()) << r.error().message;
    }
    EXPECT_EQ(t.connections_opened(), 1u);
    EXPECT_EQ(server.stats().accepted_connections, 1u);
}

TEST(HttpTransportTest, OpensANewConnectionAfterTheServerClosedOne) {
    test_server server{[](const http_request&) {
        auto r = text("bye");
        r.close = true;
        return r;
    }};
    http_transport t;
    ASSERT_TRUE(t.post(server.url() + "/x", "a", "b").ok());
    ASSERT_TRUE(t.post(server.url() + "/x", "a", "b").ok());
    EXPECT_EQ(t.connections_opened(), 2u);
}

TEST(HttpTransportTest, KeepAliveOffUsesAConnectionPerRequest) {
    test_server server{[](const http_request&) { return text("ok"); }};
    http_transport_options o;
    o.keep_alive = false;
    http_transport t{o};
    ASSERT_TRUE(t.get(server.url() + "/a").ok());
    ASSERT_TRUE(t.get(server.url() + "/b").ok());
    EXPECT_EQ(t.connections_opened(), 2u);
}

TEST(HttpTransportTest, HeadGivesTheHeadersWithoutTheBody) {
    test_server server{[](const http_request& r) {
        auto res = text("0123456789");
        res.head_only = r.method == "HEAD";
        return res;
    }};
    http_transport t;
    auto const h = t.head(server.url() + "/Content/ab/file.cab");
    ASSERT_TRUE(h.ok()) << h.error().message;
    EXPECT_EQ(h.reply().status, 200);
    EXPECT_EQ(h.reply().body, "");
    EXPECT_EQ(h.reply().header("Content-Length"), "10");
    auto const g = t.get(server.url() + "/Content/ab/file.cab");
    ASSERT_TRUE(g.ok());
    EXPECT_EQ(g.reply().body, "0123456789");
    EXPECT_EQ(t.connections_opened(), 1u);
}

TEST(HttpTransportTest, ReturnsErrorStatusesAsReplies) {
    test_server server{[](const http_request&) {
        http_response r;
        r.status = 503;
        r.body = "busy";
        return r;
    }};
    http_transport t;
    auto const r = t.get(server.url() + "/");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.reply().status, 503);
}

TEST(HttpTransportTest, ConnectionRefusedIsSoapClientConnect) {
    std::uint16_t port = 0;
    {
        net::io_context ioc;
        tcp::acceptor a(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
        port = a.local_endpoint().port();
    }  // closed again: nothing listens there now
    http_transport t;
    auto const r = t.post("http://127.0.0.1:" + std::to_string(port) + "/x", "a", "b");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, transport_error_kind::connect_failed);
    EXPECT_EQ(r.error().hresult, 0x80244004u);
    EXPECT_EQ(r.error().message, "connect to 127.0.0.1:" + std::to_string(port) + ": Connection refused");
}

TEST(HttpTransportTest, AnUnresolvableNameIsWinhttpNameNotResolved) {
    http_transport t;
    auto const r = t.get("http://wsuslab-no-such-host.invalid:8530/");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, transport_error_kind::name_not_resolved);
    EXPECT_EQ(r.error().hresult, 0x8024402Cu);
    EXPECT_EQ(r.error().message.rfind("cannot resolve wsuslab-no-such-host.invalid: ", 0), 0u) << r.error().message;
}

TEST(HttpTransportTest, AnInvalidUrlIsRejectedWithoutConnecting) {
    http_transport t;
    auto const r = t.get("wsus:8530/x");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().hresult, 0x8024043Au);
    EXPECT_EQ(r.error().message, "invalid URL 'wsus:8530/x'");
    EXPECT_EQ(t.connections_opened(), 0u);
}

TEST(HttpTransportTest, ASlowAnswerTimesOutWithSoapClientRead) {
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    test_server server{[released](const http_request&) {
        // Holds the answer until the test has seen the client give up (bounded, no sleep).
        released.wait_for(std::chrono::seconds(10));
        return text("late");
    }};
    http_transport_options o;
    o.request_timeout = std::chrono::milliseconds(200);
    http_transport t{o};
    auto const r = t.post(server.url() + "/x", "a", "b");
    release.set_value();
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, transport_error_kind::timed_out);
    EXPECT_EQ(r.error().hresult, 0x80244009u);
    EXPECT_EQ(r.error().message, "no complete answer from 127.0.0.1:" + std::to_string(server.port()) +
                                     " within 200 ms");
}

TEST(HttpTransportTest, ATooLargeAnswerIsRefused) {
    test_server server{[](const http_request&) { return text(std::string(4096, 'x')); }};
    http_transport_options o;
    o.max_response_bytes = 1024;
    http_transport t{o};
    auto const r = t.get(server.url() + "/");
    ASSERT_FALSE(r.ok()) << r.reply().body.size() << " " << ::testing::PrintToString(r.reply().headers);
    EXPECT_EQ(r.error().kind, transport_error_kind::response_too_large);
}

TEST(HttpTransportTest, SendsAbsoluteUriRequestsThroughAnHttpProxy) {
    request_log seen;
    test_server proxy{[&](const http_request& r) {
        seen.add(r);
        return text("via proxy");
    }};
    http_transport_options o;
    o.proxy_url = proxy.url();
    http_transport t{o};
    auto const r = t.post("http://wsus.example:8530/ClientWebService/client.asmx", "a", "b");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r.reply().body, "via proxy");
    auto const req = seen.at(0);
    EXPECT_EQ(req.target, "http://wsus.example:8530/ClientWebService/client.asmx");
    EXPECT_EQ(req.header("Host"), "wsus.example:8530");
}

TEST(HttpTransportTest, RejectsAProxyUrlThatIsNotHttp) {
    http_transport_options o;
    o.proxy_url = "socks5://127.0.0.1:1080";
    http_transport t{o};
    auto const r = t.get("http://wsus:8530/");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message, "invalid proxy URL 'socks5://127.0.0.1:1080': expected http://host:port");
}

// ---- HTTPS --------------------------------------------------------------------------------------

// A self-signed certificate for 127.0.0.1 (CN and IP SAN), EC P-256, written once per process.
struct test_certificate {
    std::string cert_file;
    std::string key_file;
};

const test_certificate& certificate() {
    static const test_certificate files = [] {
        namespace fs = std::filesystem;
        fs::path const dir = fs::path(::testing::TempDir()) / ("wsuslab-tls-" + std::to_string(::getpid()));
        fs::create_directories(dir);
        test_certificate f{(dir / "cert.pem").string(), (dir / "key.pem").string()};
        EVP_PKEY* key = EVP_EC_gen("P-256");
        X509* x = X509_new();
        X509_set_version(x, 2);
        ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
        X509_gmtime_adj(X509_getm_notBefore(x), -3600);
        X509_gmtime_adj(X509_getm_notAfter(x), 3600L * 24 * 30);
        X509_set_pubkey(x, key);
        X509_NAME* name = X509_get_subject_name(x);
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("127.0.0.1"),
                                   -1, -1, 0);
        X509_set_issuer_name(x, name);
        X509V3_CTX ctx;
        X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
        X509_EXTENSION* san = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, "IP:127.0.0.1");
        X509_add_ext(x, san, -1);
        X509_EXTENSION_free(san);
        X509_sign(x, key, EVP_sha256());
        FILE* c = std::fopen(f.cert_file.c_str(), "w");
        PEM_write_X509(c, x);
        std::fclose(c);
        FILE* k = std::fopen(f.key_file.c_str(), "w");
        PEM_write_PrivateKey(k, key, nullptr, nullptr, 0, nullptr, nullptr);
        std::fclose(k);
        X509_free(x);
        EVP_PKEY_free(key);
        return f;
    }();
    return files;
}

server::server_config tls_config() {
    auto c = test_server::test_config();
    c.tls_cert_file = certificate().cert_file;
    c.tls_key_file = certificate().key_file;
    return c;
}

TEST(HttpsTransportTest, VerifiesTheServerWithTheGivenCaFile) {
    test_server server{[](const http_request& r) { return text(r.tls ? "secure" : "plain"); }, tls_config()};
    http_transport_options o;
    o.ca_file = certificate().cert_file;
    http_transport t{o};
    auto const url = "https://127.0.0.1:" + std::to_string(server.port()) + "/ClientWebService/client.asmx";
    auto const r = t.post(url, "a", "b");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r.reply().body, "secure");
    ASSERT_TRUE(t.post(url, "a", "b").ok());
    EXPECT_EQ(t.connections_opened(), 1u);
}

TEST(HttpsTransportTest, AnUntrustedCertificateIsATlsFailure) {
    test_server server{[](const http_request&) { return text("secure"); }, tls_config()};
    http_transport t;  // system CAs only
    auto const r = t.get("https://127.0.0.1:" + std::to_string(server.port()) + "/");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, transport_error_kind::tls_failed);
    EXPECT_EQ(r.error().hresult, 0x80244005u);
    EXPECT_NE(r.error().message.find("certificate verify failed"), std::string::npos) << r.error().message;
}

TEST(HttpsTransportTest, InsecureSkipsVerification) {
    test_server server{[](const http_request&) { return text("secure"); }, tls_config()};
    http_transport_options o;
    o.insecure = true;
    http_transport t{o};
    auto const r = t.get("https://127.0.0.1:" + std::to_string(server.port()) + "/");
    ASSERT_TRUE(r.ok()) << r.error().message;
}

TEST(HttpsTransportTest, AMissingCaFileIsReportedByName) {
    test_server server{[](const http_request&) { return text("secure"); }, tls_config()};
    http_transport_options o;
    o.ca_file = "/nonexistent/ca.pem";
    http_transport t{o};
    auto const r = t.get("https://127.0.0.1:" + std::to_string(server.port()) + "/");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, transport_error_kind::tls_failed);
    EXPECT_EQ(r.error().message.rfind("cannot load CA file '/nonexistent/ca.pem': ", 0), 0u) << r.error().message;
}

// A one-connection CONNECT proxy: answers `status` to CONNECT and, on 200, relays bytes both ways.
class connect_proxy {
public:
    explicit connect_proxy(int status) : acceptor_(ioc_, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)) {
        thread_ = std::thread([this, status] { run(status); });
    }
    ~connect_proxy() {
        boost::system::error_code ec;
        acceptor_.close(ec);
        thread_.join();
    }
    connect_proxy(const connect_proxy&) = delete;
    connect_proxy& operator=(const connect_proxy&) = delete;
    std::string url() const { return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()); }
    std::string request_line() {
        std::lock_guard<std::mutex> lock(mutex_);
        return line_;
    }

private:
    void run(int status) {
        boost::system::error_code ec;
        tcp::socket client(ioc_);
        acceptor_.accept(client, ec);
        if (ec) {
            return;
        }
        net::streambuf head;
        net::read_until(client, head, "\r\n\r\n", ec);
        std::string const text{net::buffers_begin(head.data()), net::buffers_end(head.data())};
        std::string const first = text.substr(0, text.find("\r\n"));
        {
            std::lock_guard<std::mutex> lock(mutex_);
            line_ = first;
        }
        if (status != 200) {
            std::string const answer = "HTTP/1.1 " + std::to_string(status) + " Proxy Says No\r\nContent-Length: 0\r\n\r\n";
            net::write(client, net::buffer(answer), ec);
            return;
        }
        std::string const target = first.substr(8, first.find(' ', 8) - 8);  // "CONNECT host:port HTTP/1.1"
        tcp::socket upstream(ioc_);
        upstream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"),
                                       static_cast<unsigned short>(std::stoi(target.substr(target.rfind(':') + 1)))),
                         ec);
        net::write(client, net::buffer(std::string("HTTP/1.1 200 Connection established\r\n\r\n")), ec);
        auto pump = [](tcp::socket& from, tcp::socket& to) {
            char buf[8192];
            boost::system::error_code e;
            for (;;) {
                std::size_t const n = from.read_some(net::buffer(buf), e);
                if (e || net::write(to, net::buffer(buf, n), e) == 0 || e) {
                    to.shutdown(tcp::socket::shutdown_send, e);
                    return;
                }
            }
        };
        std::thread back([&] { pump(upstream, client); });
        pump(client, upstream);
        back.join();
    }

    net::io_context ioc_;
    tcp::acceptor acceptor_;
    std::thread thread_;
    std::mutex mutex_;
    std::string line_;
};

TEST(HttpsTransportTest, TunnelsThroughAProxyWithConnect) {
    test_server server{[](const http_request&) { return text("secure via tunnel"); }, tls_config()};
    connect_proxy proxy(200);
    http_transport_options o;
    o.proxy_url = proxy.url();
    o.ca_file = certificate().cert_file;
    http_transport t{o};
    auto const r = t.get("https://127.0.0.1:" + std::to_string(server.port()) + "/");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r.reply().body, "secure via tunnel");
    EXPECT_EQ(proxy.request_line(), "CONNECT 127.0.0.1:" + std::to_string(server.port()) + " HTTP/1.1");
    t.close();
}

TEST(HttpsTransportTest, AProxyThatRefusesConnectMapsItsStatus) {
    connect_proxy proxy(407);
    http_transport_options o;
    o.proxy_url = proxy.url();
    http_transport t{o};
    auto const r = t.get("https://wsus.example:8531/");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, transport_error_kind::proxy_failed);
    EXPECT_EQ(r.error().hresult, 0x8024401Bu);
    EXPECT_EQ(r.error().message, "proxy " + proxy.url().substr(7) + " refused CONNECT wsus.example:8531: HTTP 407");
}

}  // namespace
}  // namespace wsuslab::client
