#include <gtest/gtest.h>

#include <wsuslab/client/clock.hpp>
#include <wsuslab/client/hresult.hpp>
#include <wsuslab/client/url.hpp>

namespace wsuslab::client {
namespace {

TEST(UrlTest, ParsesSchemesPortsAndTargets) {
    auto u = parse_url("HTTP://WSUS:8530/ClientWebService/client.asmx?x=1#frag");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->scheme, "http");
    EXPECT_EQ(u->host, "wsus");
    EXPECT_EQ(u->port, 8530);
    EXPECT_EQ(u->target, "/ClientWebService/client.asmx?x=1");
    EXPECT_EQ(parse_url("https://wsus")->port, 443);
    EXPECT_EQ(parse_url("http://wsus")->target, "/");
    auto v6 = parse_url("http://[::1]:8531/a");
    ASSERT_TRUE(v6);
    EXPECT_EQ(v6->host, "::1");
    EXPECT_EQ(v6->authority(), "[::1]:8531");
    EXPECT_EQ(v6->to_string(), "http://[::1]:8531/a");
    EXPECT_EQ(parse_url("http://h:80/x")->to_string(), "http://h/x");
}

TEST(UrlTest, RejectsWhatIsNotAnHttpUrl) {
    for (auto bad : {"wsus:8530", "ftp://wsus/", "http://", "http://:80/", "http://h:0/", "http://h:65536/",
                     "http://h:8x/", "http://user@h/", "http://[::1/", "http://h:/"}) {
        EXPECT_FALSE(parse_url(bad)) << bad;
    }
}

TEST(UrlTest, ResolvesTheAuthServiceUrlAgainstTheServerOrigin) {
    EXPECT_EQ(resolve_url("http://wsus:8530/", "SimpleAuthWebService/SimpleAuth.asmx"),
              "http://wsus:8530/SimpleAuthWebService/SimpleAuth.asmx");
    EXPECT_EQ(resolve_url("http://wsus:8530/ignored/path", "/SimpleAuthWebService/SimpleAuth.asmx"),
              "http://wsus:8530/SimpleAuthWebService/SimpleAuth.asmx");
    EXPECT_EQ(resolve_url("http://wsus:8530", "https://other/SimpleAuth.asmx"), "https://other/SimpleAuth.asmx");
    EXPECT_EQ(trim_trailing_slash("http://h:1//"), "http://h:1");
}

TEST(ClockTest, ParsesDotNetDateTimesLeniently) {
    EXPECT_EQ(format_iso8601(*parse_iso8601("2006-05-26T16:58:01.8749472Z")), "2006-05-26T16:58:01.874Z");
    EXPECT_EQ(format_iso8601(*parse_iso8601("2006-05-23T04:06:32.9843746")), "2006-05-23T04:06:32.984Z");
    EXPECT_EQ(format_iso8601(*parse_iso8601("2008-06-13T19:59:56-07:00")), "2008-06-14T02:59:56.000Z");
    EXPECT_EQ(format_iso8601(*parse_iso8601("2000-02-29 23:59:59+0100")), "2000-02-29T22:59:59.000Z");
    for (auto bad : {"2008-06-13", "2008-13-01T00:00:00Z", "2008-06-13T24:00:00Z", "2008-06-13T00:00:00.Z",
                     "2008-06-13T00:00:00+25:00", "x008-06-13T00:00:00Z"}) {
        EXPECT_FALSE(parse_iso8601(bad)) << bad;
    }
}

TEST(ClockTest, ConvertsToLocalTimeAcrossMidnight) {
    auto const t = *parse_iso8601("2008-06-14T02:59:56.617Z");
    auto const l = to_local(t, -420);
    EXPECT_EQ(l.year, 2008);
    EXPECT_EQ(l.month, 6);
    EXPECT_EQ(l.day, 13);
    EXPECT_EQ(l.hour, 19);
    EXPECT_EQ(l.minute, 59);
    EXPECT_EQ(l.second, 56);
    EXPECT_EQ(l.millisecond, 617);
    EXPECT_EQ(to_local(*parse_iso8601("1969-12-31T23:00:00Z"), 120).day, 1);
    EXPECT_EQ(parse_utc_offset("-07:00"), -420);
    EXPECT_EQ(parse_utc_offset("+0530"), 330);
    EXPECT_EQ(parse_utc_offset("Z"), 0);
    EXPECT_FALSE(parse_utc_offset("7"));
}

TEST(ClockTest, SimulatedClockMovesOnlyWhenAdvanced) {
    simulated_clock c{*parse_iso8601("2008-06-14T02:59:53.383Z")};
    auto const t0 = c.now();
    EXPECT_EQ(c.now(), t0);
    c.advance(std::chrono::hours(5));
    EXPECT_EQ(format_iso8601(c.now()), "2008-06-14T07:59:53.383Z");
}

TEST(HresultTest, MapsFaultCodesAsTheAtlClient) {
    EXPECT_EQ(hresult_of_fault(protocol::fault_code::server), 0x8024400Eu);
    EXPECT_EQ(hresult_of_fault(protocol::fault_code::client), 0x8024400Du);
    EXPECT_EQ(hresult_of_fault(protocol::fault_code::version_mismatch), 0x8024400Bu);
    EXPECT_EQ(hresult_of_fault(protocol::fault_code::must_understand), 0x8024400Cu);
    EXPECT_EQ(soap_error_code(protocol::fault_code::server), 400);
    EXPECT_EQ(soap_error_code(protocol::fault_code::client), 300);
    EXPECT_EQ(soap_error_code(protocol::fault_code::version_mismatch), 100);
}

TEST(HresultTest, MapsHttpStatusesAndTransportErrors) {
    EXPECT_EQ(hresult_of_http_status(200), 0u);
    EXPECT_EQ(hresult_of_http_status(404), 0x80244019u);
    EXPECT_EQ(hresult_of_http_status(407), 0x8024401Bu);
    EXPECT_EQ(hresult_of_http_status(503), 0x80244022u);
    EXPECT_EQ(hresult_of_http_status(418), 0x8024402Bu);
    EXPECT_EQ(hresult_of(transport_error_kind::name_not_resolved), 0x8024402Cu);
    EXPECT_EQ(hresult_of(transport_error_kind::connect_failed), 0x80244004u);
    EXPECT_EQ(hresult_of(transport_error_kind::tls_failed), 0x80244005u);
    EXPECT_EQ(hresult_of(transport_error_kind::timed_out), 0x80244009u);
    EXPECT_EQ(hresult_of(transport_error_kind::invalid_url), 0x8024043Au);
}

TEST(HresultTest, FormatsAndNamesCodes) {
    EXPECT_EQ(format_hresult(0x8024400E), "0x8024400E");
    EXPECT_EQ(format_hresult_lower(0x8024400E), "0x8024400e");
    EXPECT_EQ(hresult_name(0x8024400E), "WU_E_PT_SOAP_SERVER");
    EXPECT_EQ(hresult_name(0x80244010), "WU_E_PT_EXCEEDED_MAX_SERVER_TRIPS");
    EXPECT_EQ(hresult_name(0x12345678), "");
    EXPECT_EQ(hresult_as_int(0x8024400E), -2145107954);
    EXPECT_EQ(hresult_as_int(0x80244019), -2145107943);
    EXPECT_EQ(hresult_as_int(0), 0);
}

}  // namespace
}  // namespace wsuslab::client
