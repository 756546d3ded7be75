// The sanitizer of `wsuslab proxy`: every site value learned from an exchange is replaced by a
// placeholder, the same value always by the same placeholder, and the report counts them.
#include <utility>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <wsuslab/protocol/codec.hpp>

#include "../../../simulator/server/src/proxy_sanitizer.hpp"
#include "exchange_test_support.hpp"

namespace wsuslab::server::detail {
namespace {

using namespace wsuslab::test::exchange;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string cookie_a = base64("auth-cookie-of-pc1");
const std::string cookie_b = base64("session-cookie-of-pc1");
const std::string client_a = "5C7F4F80-3896-4D10-8A38-469286000001";
const std::string client_b = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

sanitizer make_sanitizer() {
    sanitizer_config c;
    c.upstream_host = "wsus01.corp.example";
    c.upstream_port = 8530;
    c.upstream_addresses = {"10.1.2.3"};
    return sanitizer(c);
}

http_request auth_request(const std::string& id, const std::string& dns) {
    auto r = get_authorization_cookie(id, dns, "10.9.8.7:50123");
    r.headers[0].second = "wsusproxy.corp.example:8530";
    return r;
}

// Everything an exchange carries, in one text, for "is it still there?" checks.
// One exchange as `s` leaves it.
std::pair<http_request, http_response> sanitized(sanitizer& s, http_request q, http_response r) {
    s.sanitize(q, r);
    return {std::move(q), std::move(r)};
}

std::string all_text(const http_request& q, const http_response& r) {
    std::string out = q.target + "\n" + q.remote_address + "\n" + q.body + "\n" + r.body + "\n";
    for (auto const& [k, v] : q.headers) {
        out += k + ": " + v + "\n";
    }
    for (auto const& [k, v] : r.headers) {
        out += k + ": " + v + "\n";
    }
    return out;
}

http_response config_with_site_urls() {
    return soap_response(
        client_ns, "GetConfig",
        "<GetConfigResult><LastChange>2008-06-01T00:00:00Z</LastChange>"
        "<IsRegistrationRequired>true</IsRegistrationRequired><AuthInfo><AuthPlugInInfo>"
        "<PlugInID>SimpleTargeting</PlugInID><ServiceUrl>http://WSUS01.corp.example:8530/SimpleAuthWebService/"
        "SimpleAuth.asmx</ServiceUrl></AuthPlugInInfo></AuthInfo><Properties><ConfigurationProperty>"
        "<Name>PackageServerShare</Name><Value>\\\\WSUS01\\UpdateServicesPackages</Value>"
        "</ConfigurationProperty><ConfigurationProperty><Name>Note</Name><Value>see "
        "http://www.microsoft.com/SoftwareDistribution, http://intranet.corp.example/wsus and "
        "http://www.example.org/public</Value></ConfigurationProperty></Properties></GetConfigResult>");
}

TEST(ProxySanitizerTest, NoSiteValueSurvivesAnExchange) {
    auto s = make_sanitizer();
    auto q = auth_request(client_a, "PC-Finance-01.corp.example");
    auto r = get_authorization_cookie_response(cookie_a);
    r.headers.emplace_back("Set-Cookie", "ASP.NET_SessionId=abc123");
    s.sanitize(q, r);
    auto g = get_config("10.9.8.7:50123");
    auto c = config_with_site_urls();
    s.sanitize(g, c);
    const std::string all = all_text(q, r) + all_text(g, c);
    for (std::string secret : {"wsus01", "WSUS01", "corp.example", "10.1.2.3", "10.9.8.7", ":8530", "50123",
                               "pc-finance-01", "PC-Finance-01", "wsusproxy", "abc123"}) {
        EXPECT_THAT(all, Not(HasSubstr(secret))) << secret;
    }
    EXPECT_THAT(all, Not(HasSubstr(client_a)));
    EXPECT_THAT(all, Not(HasSubstr(cookie_a)));
}

TEST(ProxySanitizerTest, IdentitiesBecomeRecognisablePlaceholdersTheCodecAccepts) {
    auto s = make_sanitizer();
    auto q = auth_request(client_a, "PC-Finance-01.corp.example");
    auto r = get_authorization_cookie_response(cookie_a);
    s.sanitize(q, r);
    EXPECT_THAT(q.body, HasSubstr("<clientId>00000000-0000-0000-0000-000000000001</clientId>"));
    EXPECT_THAT(q.body, HasSubstr("<dnsName>computer-0001.sanitized.invalid</dnsName>"));
    EXPECT_THAT(r.body, HasSubstr("<CookieData>wsuslabSanitizedCookie000001</CookieData>"));
    EXPECT_EQ(q.header("Host").value_or(""), "wsus.sanitized.invalid");
    EXPECT_EQ(q.remote_address, "198.51.100.2:1");  // 10.1.2.3 (the upstream) was the first address
    EXPECT_TRUE(protocol::parse_request(q.body, q.header("SOAPAction")).ok());
    EXPECT_TRUE(protocol::parse_response(protocol::operation::get_authorization_cookie, r.body).ok());
}

TEST(ProxySanitizerTest, TheSameValueGetsTheSamePlaceholderEverywhere) {
    auto s = make_sanitizer();
    sanitized(s, auth_request(client_a, "pc-finance-01.corp.example"), get_authorization_cookie_response(cookie_a));
    auto const [q2, r2] =
        sanitized(s, get_cookie(cookie_a, "2008-06-14T02:59:50Z", "10.9.8.7:50123"), get_cookie_response(cookie_b));
    auto const [q3, r3] =
        sanitized(s, sync_updates(cookie_b, {}, {}, false, "10.9.8.7:50999"), sync_updates_response(cookie_a, {8851}));
    auto const [q4, r4] =
        sanitized(s, auth_request(client_b, "PC-HR-0002.corp.example"), get_authorization_cookie_response(cookie_b));

    EXPECT_THAT(q2.body, HasSubstr("<CookieData>wsuslabSanitizedCookie000001</CookieData>"));
    EXPECT_THAT(r2.body, HasSubstr("<EncryptedData>wsuslabSanitizedCookie000002</EncryptedData>"));
    EXPECT_THAT(q3.body, HasSubstr("<EncryptedData>wsuslabSanitizedCookie000002</EncryptedData>"));
    EXPECT_THAT(r3.body, HasSubstr("<EncryptedData>wsuslabSanitizedCookie000001</EncryptedData>"));
    EXPECT_THAT(q4.body, HasSubstr("<clientId>00000000-0000-0000-0000-000000000002</clientId>"));
    EXPECT_THAT(q4.body, HasSubstr("<dnsName>computer-0002.sanitized.invalid</dnsName>"));
    // The same peer address, a new connection: the same IP placeholder, the next connection number.
    EXPECT_EQ(q2.remote_address, "198.51.100.2:1");
    EXPECT_EQ(q3.remote_address, "198.51.100.2:2");
}

TEST(ProxySanitizerTest, SiteUrlsBecomeTheLabUrlAndPublicOnesStay) {
    auto s = make_sanitizer();
    auto g = get_config();
    auto c = config_with_site_urls();
    s.sanitize(g, c);
    EXPECT_THAT(c.body, HasSubstr("<ServiceUrl>http://wsus.sanitized.invalid/SimpleAuthWebService/SimpleAuth.asmx"));
    EXPECT_THAT(c.body, HasSubstr("<Value>\\\\host-0001\\UpdateServicesPackages</Value>"));
    EXPECT_THAT(c.body, HasSubstr("http://www.microsoft.com/SoftwareDistribution,"));
    EXPECT_THAT(c.body, HasSubstr("http://wsus.sanitized.invalid/wsus and"));  // in the site's domain
    EXPECT_THAT(c.body, HasSubstr("http://www.example.org/public<"));         // someone else's site
}

TEST(ProxySanitizerTest, AnExplicitLabUrlIsUsedAsIs) {
    sanitizer_config cfg;
    cfg.upstream_host = "wsus01.corp.example";
    cfg.upstream_port = 8530;
    cfg.lab_url = "http://wsuslab-test:8530/";
    sanitizer s(cfg);
    auto g = get_config();
    auto c = config_with_site_urls();
    s.sanitize(g, c);
    EXPECT_THAT(c.body, HasSubstr("<ServiceUrl>http://wsuslab-test:8530/SimpleAuthWebService/SimpleAuth.asmx"));
    EXPECT_EQ(g.header("Host").value_or(""), "wsuslab-test:8530");
}

TEST(ProxySanitizerTest, ANameInsideALongerWordIsLeftAlone) {
    auto s = make_sanitizer();
    auto q = auth_request(client_a, "ws-office-01.corp.example");
    auto r = soap_response(auth_ns, "GetAuthorizationCookie",
                           "<GetAuthorizationCookieResult><PlugInId>ws-office-012 ws-office-01 "
                           "xws-office-01</PlugInId><CookieData>" + cookie_a +
                               "</CookieData></GetAuthorizationCookieResult>");
    s.sanitize(q, r);
    EXPECT_THAT(r.body, HasSubstr("<PlugInId>ws-office-012 computer-0001 xws-office-01</PlugInId>"));
}

TEST(ProxySanitizerTest, AnUpstreamNamedLikeTheLabHostDoesNotBreakTheLabUrl) {
    sanitizer_config cfg;
    cfg.upstream_host = "wsus.corp.example";
    cfg.upstream_port = 8530;
    sanitizer s(cfg);
    auto g = get_config();
    auto c = soap_response(client_ns, "GetConfig",
                           "<GetConfigResult><LastChange>2008-06-01T00:00:00Z</LastChange>"
                           "<IsRegistrationRequired>false</IsRegistrationRequired><Properties><ConfigurationProperty>"
                           "<Name>x</Name><Value>http://wsus.corp.example:8530/Content/a.cab on wsus</Value>"
                           "</ConfigurationProperty></Properties></GetConfigResult>");
    s.sanitize(g, c);
    EXPECT_THAT(c.body, HasSubstr("<Value>http://wsus.sanitized.invalid/Content/a.cab on host-0001</Value>"));
}

TEST(ProxySanitizerTest, ASanitizedExchangeSanitizedAgainIsUnchanged) {
    auto first = make_sanitizer();
    auto q = auth_request(client_a, "pc-finance-01.corp.example");
    auto r = get_authorization_cookie_response(cookie_a);
    first.sanitize(q, r);
    const auto q_once = q;
    const auto r_once = r;
    sanitizer second(sanitizer_config{});
    q.remote_address.clear();
    second.sanitize(q, r);
    EXPECT_EQ(q.body, q_once.body);
    EXPECT_EQ(r.body, r_once.body);
    EXPECT_EQ(q.headers, q_once.headers);
}

TEST(ProxySanitizerTest, CredentialHeadersAreReplaced) {
    auto s = make_sanitizer();
    auto q = get_config();
    q.headers.emplace_back("Authorization", "Negotiate YIIGHgYGKwYBBQUCoIIGEjCC");
    q.headers.emplace_back("Cookie", "ASP.NET_SessionId=secret");
    auto r = get_config_response();
    s.sanitize(q, r);
    EXPECT_EQ(q.header("Authorization").value_or(""), "sanitized");
    EXPECT_EQ(q.header("Cookie").value_or(""), "sanitized");
    EXPECT_EQ(s.count(secret_kind::credential).replaced, 2U);
}

TEST(ProxySanitizerTest, ReportCountsEachKindWithoutTheValues) {
    auto s = make_sanitizer();
    sanitized(s, auth_request(client_a, "pc-finance-01.corp.example"), get_authorization_cookie_response(cookie_a));
    sanitized(s, get_cookie(cookie_a, "2008-06-14T02:59:50Z", "10.9.8.7:50123"), get_cookie_response(cookie_b));
    EXPECT_EQ(s.count(secret_kind::cookie).distinct, 2U);
    EXPECT_EQ(s.count(secret_kind::cookie).replaced, 3U);
    EXPECT_EQ(s.count(secret_kind::client_id).distinct, 1U);
    EXPECT_EQ(s.count(secret_kind::client_id).replaced, 1U);
    // Hosts: the upstream and the Host of the first request (never seen alone, only as host:port);
    // addresses: the upstream's, the peer's and 127.0.0.1 of the second request's Host.
    const std::string report = s.report(2);
    EXPECT_EQ(report,
              "# wsuslab proxy: sanitize report\n"
              "# What was replaced in this recording, by kind: how many distinct values and how many\n"
              "# occurrences. The values themselves are never written (docs/proxy.md).\n"
              "exchanges: 2\n"
              "lab-url: http://wsus.sanitized.invalid\n"
              "\n"
              "kind                distinct  replaced  placeholder\n"
              "cookie                     2         3  wsuslabSanitizedCookieNNNNNN\n"
              "client-id                  1         1  00000000-0000-0000-0000-NNNNNNNNNNNN\n"
              "computer-name              1         1  computer-NNNN[.sanitized.invalid]\n"
              "user-name                  0         0  user-NNNN\n"
              "host-name                  2         0  host-NNNN[.sanitized.invalid]\n"
              "domain                     1         0  domain-NNNN.sanitized.invalid\n"
              "ip-address                 3         1  198.51.100.N, 203.0.113.N, 2001:db8::N\n"
              "host:port                  3         2  the lab URL's host[:port]\n"
              "peer-address               1         2  <ip placeholder>:<connection number>\n"
              "url                        0         0  the lab URL\n"
              "credential-header          0         0  sanitized\n");
    EXPECT_THAT(report, Not(HasSubstr("corp.example")));
}

TEST(ProxyTextTest, UrlsAreFoundWithTheirAuthorityAndHost) {
    const auto urls = find_urls("a https://[fe80::1]:8531/x b HTTP://user@Wsus01:8530?q xhttp://no http:// "
                                "&lt;Url&gt;http://10.0.0.5/Content/a.cab&lt;/Url&gt;");
    ASSERT_EQ(urls.size(), 3U);
    EXPECT_EQ(urls[0].prefix, "https://[fe80::1]:8531");
    EXPECT_EQ(urls[0].host, "fe80::1");
    EXPECT_EQ(urls[1].authority, "user@Wsus01:8530");
    EXPECT_EQ(urls[1].host, "Wsus01");
    EXPECT_EQ(urls[2].prefix, "http://10.0.0.5");
}

TEST(ProxyTextTest, AddressesAndUncHosts) {
    EXPECT_TRUE(is_ipv4("10.0.0.5"));
    EXPECT_FALSE(is_ipv4("10.0.0.256"));
    EXPECT_FALSE(is_ipv4("2.0.0.0.1"));
    EXPECT_FALSE(is_ipv4("10.0.0"));
    EXPECT_TRUE(is_ipv6("fe80::1"));
    EXPECT_FALSE(is_ipv6("wsus01:8530"));
    EXPECT_TRUE(is_documentation_address("192.0.2.1"));
    EXPECT_TRUE(is_documentation_address("2001:db8::7"));
    EXPECT_FALSE(is_documentation_address("10.0.0.5"));
    EXPECT_TRUE(is_public_host("download.windowsupdate.com"));
    EXPECT_FALSE(is_public_host("notmicrosoft.com"));
    const auto hosts = find_unc_hosts("\\\\WSUS01\\share and \\\\10.0.0.5\\x but not \\\\end");
    ASSERT_EQ(hosts.size(), 2U);
    EXPECT_EQ(hosts[0], "WSUS01");
    EXPECT_EQ(hosts[1], "10.0.0.5");
}

TEST(ProxyTextTest, OnePassReplacementPrefersTheLongestMatchAndNeverRescans) {
    const std::vector<replacement_rule> rules = {
        {"pc1.corp.example", "computer-0001.sanitized.invalid", boundary::word, true},
        {"corp.example", "domain-0001.sanitized.invalid", boundary::word, true},
        {"computer-0001", "loop", boundary::word, true},
        {"10.0.0.5", "198.51.100.1", boundary::ip, true},
    };
    std::size_t count = 0;
    const auto out = replace_all_rules("PC1.corp.example x.corp.example 10.0.0.50 10.0.0.5.", rules,
                                       [&count](std::size_t) { ++count; });
    EXPECT_EQ(out, "computer-0001.sanitized.invalid x.domain-0001.sanitized.invalid 10.0.0.50 198.51.100.1.");
    EXPECT_EQ(count, 3U);
}

}  // namespace
}  // namespace wsuslab::server::detail
