#include <gtest/gtest.h>

#include <wsuslab/client/wu_log.hpp>

namespace wsuslab::client {
namespace {

TEST(WuLogTest, FormatsTabSeparatedFields) {
    log_line const l{"2008-06-13", "19:59:56:617", 0x788, 0xee4, "PT", "WARNING: SOAP Fault: 0x000190"};
    EXPECT_EQ(format_log_line(l), "2008-06-13\t19:59:56:617\t788\tee4\tPT\tWARNING: SOAP Fault: 0x000190");
}

TEST(WuLogTest, ParsesTheAdvisoryCopyWithSpaces) {
    auto r = parse_log_line(
        "2008-06-13 19:59:56:617 788 ee4 PT WARNING: SyncUpdates failure, error = 0x8024400E, soap client "
        "error = 7, soap error code = 400, HTTP status code = 200");
    ASSERT_TRUE(std::holds_alternative<log_line>(r));
    auto const& l = std::get<log_line>(r);
    EXPECT_EQ(l.date, "2008-06-13");
    EXPECT_EQ(l.time, "19:59:56:617");
    EXPECT_EQ(l.pid, 0x788u);
    EXPECT_EQ(l.tid, 0xee4u);
    EXPECT_EQ(l.component, "PT");
    EXPECT_EQ(l.text,
              "WARNING: SyncUpdates failure, error = 0x8024400E, soap client error = 7, soap error code = "
              "400, HTTP status code = 200");
}

TEST(WuLogTest, ParsesMixedWhitespaceRunsAndKeepsTheTextVerbatim) {
    auto r = parse_log_line("2008-06-13\t19:59:53:383\t 788\tee4\tPT\t  + ServiceId = {X},  Server URL = u\r");
    ASSERT_TRUE(std::holds_alternative<log_line>(r));
    EXPECT_EQ(std::get<log_line>(r).text, "+ ServiceId = {X},  Server URL = u");
    EXPECT_EQ(std::get<log_line>(r).pid, 0x788u);
}

TEST(WuLogTest, RoundTripsEveryFormattedLine) {
    log_line const l{"2011-01-02", "03:04:05:006", 0x1f4, 0x1a38, "Agent", "* WARNING: Exit code = 0x8024000F"};
    auto r = parse_log_line(format_log_line(l));
    ASSERT_TRUE(std::holds_alternative<log_line>(r));
    EXPECT_EQ(std::get<log_line>(r), l);
}

TEST(WuLogTest, AcceptsAnEmptyText) {
    auto r = parse_log_line("2008-06-13 19:59:53:383 788 ee4 AU");
    ASSERT_TRUE(std::holds_alternative<log_line>(r));
    EXPECT_EQ(std::get<log_line>(r).text, "");
}

TEST(WuLogTest, RejectsBadFieldsWithAClearProblem) {
    auto problem = [](std::string_view line) {
        auto r = parse_log_line(line);
        return std::holds_alternative<log_parse_error>(r) ? std::get<log_parse_error>(r).problem : "parsed";
    };
    EXPECT_EQ(problem("2008-6-13 19:59:53:383 788 ee4 PT x"), "bad date '2008-6-13': expected YYYY-MM-DD");
    EXPECT_EQ(problem("2008-06-13 19:59:53.383 788 ee4 PT x"), "bad time '19:59:53.383': expected HH:MM:SS:mmm");
    EXPECT_EQ(problem("2008-06-13 19:59:53:383 78g ee4 PT x"), "bad PID '78g': expected hex digits");
    EXPECT_EQ(problem("2008-06-13 19:59:53:383 788 0xee4 PT x"), "bad TID '0xee4': expected hex digits");
    EXPECT_EQ(problem("2008-06-13 19:59:53:383 788 ee4"), "missing component");
    EXPECT_EQ(problem(""), "bad date '': expected YYYY-MM-DD");
}

TEST(WuLogTest, ParsesAFileSkippingBlankLinesAndNamingTheBadLine) {
    auto ok = parse_log("2008-06-13 19:59:53:383 788 ee4 PT a\n\n2008-06-13\t19:59:53:384\t788\tee4\tPT\tb\r\n");
    ASSERT_TRUE(std::holds_alternative<std::vector<log_line>>(ok));
    ASSERT_EQ(std::get<std::vector<log_line>>(ok).size(), 2u);
    EXPECT_EQ(std::get<std::vector<log_line>>(ok)[1].text, "b");
    auto bad = parse_log("2008-06-13 19:59:53:383 788 ee4 PT a\n  \nnot a log line\n");
    ASSERT_TRUE(std::holds_alternative<log_parse_error>(bad));
    EXPECT_EQ(std::get<log_parse_error>(bad).line_number, 3u);
    EXPECT_EQ(std::get<log_parse_error>(bad).problem, "bad date 'not': expected YYYY-MM-DD");
}

TEST(WuLogTest, IdentityIsDeterministicPerSeedAndWindowsShaped) {
    auto const a = make_log_identity(42);
    auto const b = make_log_identity(42);
    auto const c = make_log_identity(43);
    EXPECT_EQ(a.pid, b.pid);
    EXPECT_EQ(a.agent_tid, b.agent_tid);
    EXPECT_TRUE(a.pid != c.pid || a.agent_tid != c.agent_tid);
    for (auto id : {a.pid, a.agent_tid, a.au_tid, a.report_tid}) {
        EXPECT_EQ(id % 4, 0u);
        EXPECT_GE(id, 0x100u);
        EXPECT_LE(id, 0x1ffcu);
    }
    EXPECT_NE(a.agent_tid, a.au_tid);
}

TEST(WuLogTest, WriterStampsLocalTimeFromTheClock) {
    simulated_clock clock{*parse_iso8601("2008-06-14T02:59:53.383Z")};
    wu_log log(clock, -7 * 60, log_identity{});
    log.pt("+++++++++++ PT: Synchronizing server updates +++++++++++");
    clock.advance(std::chrono::milliseconds(3234));
    log.au("# WARNING: Failed to find updates with error code 8024400e");
    EXPECT_EQ(log.text(),
              "2008-06-13\t19:59:53:383\t788\tee4\tPT\t+++++++++++ PT: Synchronizing server updates +++++++++++\n"
              "2008-06-13\t19:59:56:617\t788\t14e8\tAU\t# WARNING: Failed to find updates with error code 8024400e\n");
}

}  // namespace
}  // namespace wsuslab::client
