// proxy_service with a scripted upstream (no sockets): what is forwarded, what the client gets,
// what is recorded and what is not, and the 502/504 answers for upstream failures.
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <wsuslab/server/exchange_store.hpp>
#include <wsuslab/server/proxy.hpp>

#include "exchange_test_support.hpp"

namespace wsuslab::server {
namespace {

using namespace wsuslab::test::exchange;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;

std::string read_text(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

// The fault the legacy model answers, shaped as a real WSUS sends it.
http_response internal_server_error() {
    http_response r;
    r.status = 500;
    r.headers = {{"Content-Type", "text/xml; charset=utf-8"}, {"Server", "Microsoft-IIS/6.0"},
                 {"X-AspNet-Version", "2.0.50727"}, {"Connection", "close"}};
    r.body = envelope(
        "<soap:Fault><faultcode>soap:Server</faultcode><faultstring>Fault occurred</faultstring><detail>"
        "<ErrorCode>InternalServerError</ErrorCode><Message /><ID>7f3c1e42-5b1d-4a8e-9d2a-3c4b5a6d7e8f</ID>"
        "<Method>\"http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/SyncUpdates\"</Method>"
        "</detail></soap:Fault>");
    return r;
}

class ProxyServiceTest : public ::testing::Test {
protected:
    // A proxy whose upstream answers with `answer` and remembers what it was sent.
    std::unique_ptr<proxy_service> make(proxy_options o, std::function<upstream_result(const http_request&)> answer) {
        o.upstream.url = "http://wsus01.corp.example:8530";
        o.upstream.host = "wsus01.corp.example";
        o.upstream.port = 8530;
        o.clock = [] { return std::string("2026-05-01T12:00:00Z"); };
        o.log = [this](std::string_view line) {
            std::lock_guard<std::mutex> lock(mu_);
            log_.emplace_back(line);
        };
        auto created = proxy_service::create(std::move(o), [this, answer](const http_request& r) {
            {
                std::lock_guard<std::mutex> lock(mu_);
                sent_.push_back(r);
            }
            return answer(r);
        });
        if (auto const* err = std::get_if<std::string>(&created)) {
            ADD_FAILURE() << *err;
            return nullptr;
        }
        return std::move(std::get<std::unique_ptr<proxy_service>>(created));
    }

    proxy_options recording(bool sanitize = true) const {
        proxy_options o;
        o.record_dir = dir_.str();
        o.sanitize = sanitize;
        return o;
    }

    std::vector<std::string> folders() const {
        std::vector<std::string> out;
        for (auto const& e : std::filesystem::directory_iterator(dir_.path())) {
            if (e.is_directory()) {
                out.push_back(e.path().filename().string());
            }
        }
        std::sort(out.begin(), out.end());
        return out;
    }

    temp_dir dir_;
    std::mutex mu_;
    std::vector<http_request> sent_;
    std::vector<std::string> log_;
};

TEST_F(ProxyServiceTest, ForwardsWithoutHostHopByHopFieldsOrAcceptEncoding) {
    auto proxy = make({}, [](const http_request&) { return get_config_response(); });
    auto q = get_config();
    q.headers.emplace_back("Accept-Encoding", "xpress");
    q.headers.emplace_back("Connection", "Keep-Alive");
    q.headers.emplace_back("Content-Length", std::to_string(q.body.size()));
    q.headers.emplace_back("User-Agent", "Windows-Update-Agent/10.0.10011.16384 Client-Protocol/2.50");
    proxy->handle(q);
    ASSERT_EQ(sent_.size(), 1U);
    EXPECT_EQ(sent_[0].method, "POST");
    EXPECT_EQ(sent_[0].target, client_path);
    EXPECT_EQ(sent_[0].body, q.body);
    EXPECT_THAT(sent_[0].headers,
                ElementsAre(Pair("Content-Type", "text/xml; charset=utf-8"),
                            Pair("SOAPAction", "\"" + client_ns + "/GetConfig\""),
                            Pair("User-Agent", "Windows-Update-Agent/10.0.10011.16384 Client-Protocol/2.50")));
}

TEST_F(ProxyServiceTest, TheClientGetsTheUpstreamAnswerWithItsConnectionClose) {
    auto proxy = make({}, [](const http_request&) {
        auto r = internal_server_error();
        r.headers.emplace_back("Content-Length", "999");
        r.headers.emplace_back("Keep-Alive", "timeout=5");
        return r;
    });
    const auto expected = internal_server_error();
    const auto got = proxy->handle(sync_updates("c", {}, {}));
    EXPECT_EQ(got.status, 500);
    EXPECT_EQ(got.body, expected.body);
    EXPECT_EQ(got.headers, expected.headers);
    EXPECT_EQ(proxy->stats().forwarded, 1U);
}

TEST_F(ProxyServiceTest, AHeadRequestIsForwardedAsGetAndAnsweredWithHeadersOnly) {
    auto proxy = make({}, [](const http_request& r) {
        http_response out;
        out.headers = {{"Content-Type", "application/octet-stream"}};
        out.body = r.method == "GET" ? "0123456789" : "";
        return out;
    });
    http_request q;
    q.method = "HEAD";
    q.target = "/Content/AB/0123.cab";
    q.headers = {{"Host", "127.0.0.1:8530"}};
    const auto got = proxy->handle(q);
    ASSERT_EQ(sent_.size(), 1U);
    EXPECT_EQ(sent_[0].method, "GET");
    EXPECT_TRUE(got.head_only);
    EXPECT_EQ(got.body, "0123456789");  // the session sends its length, not the bytes
}

TEST_F(ProxyServiceTest, UpstreamFailuresAre502And504NamingTheUpstreamAndTheProblem) {
    auto proxy = make({}, [](const http_request& r) -> upstream_result {
        if (r.target == "/slow") {
            return upstream_failure{upstream_failure_kind::timed_out, "no complete answer from wsus01.corp.example:8530 within 200 ms"};
        }
        if (r.target == "/garbage") {
            return upstream_failure{upstream_failure_kind::bad_response, "exchange with wsus01.corp.example:8530: bad version"};
        }
        return upstream_failure{upstream_failure_kind::unreachable, "connect to wsus01.corp.example:8530: Connection refused"};
    });
    http_request q;
    q.method = "GET";
    for (auto const& [target, status, text] :
         {std::tuple<std::string, int, std::string>{"/slow", 504, "did not answer in time: no complete answer from wsus01.corp.example:8530 within 200 ms"},
          {"/garbage", 502, "did not answer with a usable HTTP response: exchange with wsus01.corp.example:8530: bad version"},
          {"/down", 502, "cannot be reached: connect to wsus01.corp.example:8530: Connection refused"}}) {
        SCOPED_TRACE(target);
        q.target = target;
        const auto got = proxy->handle(q);
        EXPECT_EQ(got.status, status) << target;
        EXPECT_EQ(got.body, "wsuslab proxy: upstream http://wsus01.corp.example:8530 " + text + "\n");
        EXPECT_EQ(got.header("Content-Type").value_or(""), "text/plain; charset=utf-8");
    }
    EXPECT_THAT(log_, ElementsAre("504: upstream http://wsus01.corp.example:8530 did not answer in time: no complete "
                                  "answer from wsus01.corp.example:8530 within 200 ms",
                                  "502: upstream http://wsus01.corp.example:8530 did not answer with a usable HTTP "
                                  "response: exchange with wsus01.corp.example:8530: bad version",
                                  "502: upstream http://wsus01.corp.example:8530 cannot be reached: connect to "
                                  "wsus01.corp.example:8530: Connection refused"));
    EXPECT_EQ(proxy->stats().upstream_failures, 3U);
}

TEST_F(ProxyServiceTest, AnUpstreamFailureIsNotRecorded) {
    auto proxy = make(recording(), [](const http_request&) -> upstream_result {
        return upstream_failure{upstream_failure_kind::unreachable, "connect: refused"};
    });
    EXPECT_EQ(proxy->handle(get_config()).status, 502);
    EXPECT_THAT(folders(), IsEmpty());
}

TEST_F(ProxyServiceTest, AFaultIsRecordedWithItsStatusIdAndWhereItCameFrom) {
    auto proxy = make(recording(), [](const http_request& r) -> upstream_result {
        if (r.header("SOAPAction").value_or("").find("GetConfig") != std::string_view::npos) {
            auto c = soap_response(client_ns, "GetConfig",
                                   "<GetConfigResult><LastChange>2008-06-01T00:00:00Z</LastChange>"
                                   "<IsRegistrationRequired>false</IsRegistrationRequired><Properties>"
                                   "<ConfigurationProperty><Name>ProtocolVersion</Name><Value>3.1</Value>"
                                   "</ConfigurationProperty></Properties></GetConfigResult>");
            c.headers.emplace_back("Server", "Microsoft-IIS/6.0");
            return c;
        }
        return internal_server_error();
    });
    proxy->handle(get_config("10.0.0.9:4000"));
    proxy->handle(sync_updates(base64("session"), {}, {}, false, "10.0.0.9:4000"));
    ASSERT_THAT(folders(), ElementsAre("0001-anonymous-GetConfig", "0002-anonymous-SyncUpdates"));
    const auto fault = read_exchange((dir_.path() / "0002-anonymous-SyncUpdates").string());
    ASSERT_TRUE(fault.ok()) << fault.error().message();
    EXPECT_EQ(fault.value().meta.http_status, 500);
    EXPECT_EQ(fault.value().response.body, internal_server_error().body);  // the fault ID is kept
    EXPECT_TRUE(fault.value().response.close);
    EXPECT_EQ(fault.value().meta.source, "recorded from a real server through wsuslab proxy, sanitized");
    EXPECT_EQ(fault.value().meta.recorded_at, "2026-05-01T12:00:00Z");
    // 127.0.0.1 of the Host header was the first address learned, the peer 10.0.0.9 the second.
    EXPECT_EQ(fault.value().meta.remote_address, "198.51.100.2:1");
    EXPECT_EQ(fault.value().meta.upstream.recorded_via, "wsuslab proxy");
    EXPECT_TRUE(fault.value().meta.upstream.sanitized);
    EXPECT_EQ(fault.value().meta.upstream.server, "Microsoft-IIS/6.0");
    EXPECT_EQ(fault.value().meta.upstream.aspnet_version, "2.0.50727");
    EXPECT_EQ(fault.value().meta.upstream.protocol_version, "3.1");
    const std::string meta = read_text(dir_.path() / "0002-anonymous-SyncUpdates" / "meta.json");
    EXPECT_THAT(meta, HasSubstr("  \"recorded_via\": \"wsuslab proxy\",\n  \"sanitized\": true,\n  \"upstream\": {\n"
                                "    \"server\": \"Microsoft-IIS/6.0\",\n    \"aspnet_version\": \"2.0.50727\",\n"
                                "    \"protocol_version\": \"3.1\"\n  }\n"));
    EXPECT_EQ(proxy->stats().recorded, 2U);
    EXPECT_TRUE(exchange_replayer::load(dir_.str()).ok());
}

TEST_F(ProxyServiceTest, WithoutSanitizingTheSourceNamesTheUpstreamAndValuesStay) {
    auto proxy = make(recording(false), [](const http_request&) { return get_authorization_cookie_response(base64("c1")); });
    proxy->handle(get_authorization_cookie("5c7f4f80-3896-4d10-8a38-469286000001", "pc1.corp.example", "10.0.0.9:4000"));
    const auto e = read_exchange((dir_.path() / "0001-pc1-GetAuthorizationCookie").string());
    ASSERT_TRUE(e.ok()) << e.error().message();
    EXPECT_EQ(e.value().meta.source, "recorded from http://wsus01.corp.example:8530 through wsuslab proxy");
    EXPECT_FALSE(e.value().meta.upstream.sanitized);
    EXPECT_EQ(e.value().meta.dns_name, "pc1.corp.example");
    EXPECT_EQ(e.value().meta.remote_address, "10.0.0.9:4000");
    EXPECT_FALSE(std::filesystem::exists(dir_.path() / "sanitize-report.txt"));
}

TEST_F(ProxyServiceTest, ContentIsPassedThroughAndRecordedOnlyWhenAsked) {
    auto answer = [](const http_request&) {
        http_response r;
        r.headers = {{"Content-Type", "application/octet-stream"}};
        r.body = std::string("MSCF\0\0\x01", 7);
        return r;
    };
    http_request q;
    q.method = "GET";
    q.target = "/Content/AB/0123.cab";
    {
        auto proxy = make(recording(), answer);
        EXPECT_EQ(proxy->handle(q).body, std::string("MSCF\0\0\x01", 7));
        EXPECT_THAT(folders(), IsEmpty());
    }
    auto o = recording();
    o.sanitize = false;
    o.record_content = true;
    auto proxy = make(o, answer);
    proxy->handle(q);
    ASSERT_THAT(folders(), ElementsAre("0001-anonymous-GET"));
    EXPECT_EQ(read_text(dir_.path() / "0001-anonymous-GET" / "response.body"), std::string("MSCF\0\0\x01", 7));
}

TEST_F(ProxyServiceTest, ACompressedAnswerIsPassedOnButNotRecorded) {
    auto proxy = make(recording(), [](const http_request&) {
        auto r = get_config_response();
        r.headers.emplace_back("Content-Encoding", "xpress");
        r.body = "\x0f\x0e compressed";
        return r;
    });
    const auto got = proxy->handle(get_config());
    EXPECT_EQ(got.body, "\x0f\x0e compressed");
    EXPECT_THAT(folders(), IsEmpty());
    EXPECT_THAT(log_, ElementsAre("not recorded: POST /ClientWebService/client.asmx: the upstream answered "
                                  "Content-Encoding: xpress although the proxy asked for a plain body"));
    EXPECT_EQ(proxy->stats().not_recorded, 1U);
}

TEST_F(ProxyServiceTest, AnAnswerThatIsNotTheOperationsResponseIsPassedOnButNotRecorded) {
    auto proxy = make(recording(), [](const http_request&) {
        auto r = get_config_response();
        r.body = "<html>Server Error in '/ClientWebService' Application.</html>";
        return r;
    });
    EXPECT_EQ(proxy->handle(get_config()).body, "<html>Server Error in '/ClientWebService' Application.</html>");
    EXPECT_THAT(folders(), IsEmpty());
    ASSERT_EQ(log_.size(), 1U);
    EXPECT_THAT(log_[0], HasSubstr("not recorded: POST /ClientWebService/client.asmx: the answer is not a GetConfig "
                                   "response or SOAP fault: "));
}

TEST_F(ProxyServiceTest, AnHtmlErrorPageIsRecordedLikeAnyAnswer) {
    auto proxy = make(recording(), [](const http_request&) {
        http_response r;
        r.status = 503;
        r.headers = {{"Content-Type", "text/html"}};
        r.body = "<html>Service Unavailable</html>";
        return r;
    });
    EXPECT_EQ(proxy->handle(get_config()).status, 503);
    EXPECT_THAT(folders(), ElementsAre("0001-anonymous-GetConfig"));
    EXPECT_TRUE(exchange_replayer::load(dir_.str()).ok());
}

TEST_F(ProxyServiceTest, ASanitizedRecordingNeedsAFolderWithoutExchanges) {
    std::filesystem::create_directories(dir_.path() / "0001-pc1-GetConfig");
    auto o = recording();
    o.upstream.url = "http://wsus01:8530";
    auto created = proxy_service::create(o, [](const http_request&) { return get_config_response(); });
    ASSERT_TRUE(std::holds_alternative<std::string>(created));
    EXPECT_EQ(std::get<std::string>(created),
              "recording folder " + dir_.str() +
                  " already holds exchanges; a sanitized recording starts in an empty folder (the proxy keeps "
                  "no table of replaced values between runs)");
}

TEST_F(ProxyServiceTest, AMethodWsusDoesNotUseIsNotForwarded) {
    auto proxy = make({}, [](const http_request&) { return get_config_response(); });
    http_request q;
    q.method = "PROPFIND";
    q.target = "/";
    const auto got = proxy->handle(q);
    EXPECT_EQ(got.status, 501);
    EXPECT_EQ(got.body, "wsuslab proxy: method PROPFIND is not forwarded\n");
    EXPECT_THAT(sent_, IsEmpty());
}

TEST_F(ProxyServiceTest, TheSanitizeReportFollowsEveryExchange) {
    auto proxy = make(recording(), [](const http_request&) { return get_authorization_cookie_response(base64("c1")); });
    EXPECT_THAT(read_text(dir_.path() / "sanitize-report.txt"), HasSubstr("exchanges: 0\n"));
    proxy->handle(get_authorization_cookie("5c7f4f80-3896-4d10-8a38-469286000001", "pc1.corp.example"));
    const std::string report = read_text(dir_.path() / "sanitize-report.txt");
    EXPECT_THAT(report, HasSubstr("exchanges: 1\n"));
    EXPECT_THAT(report, HasSubstr("\ncookie                     1         1  "));
    EXPECT_THAT(report, HasSubstr("\nclient-id                  1         1  "));
}

}  // namespace
}  // namespace wsuslab::server
