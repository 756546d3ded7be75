// server_log: the SoftwareDistribution.log line format, level filtering and block writes.

#include <gtest/gtest.h>

#include <wsuslab/server/server_log.hpp>

#include "service_fixture.hpp"

namespace wsuslab::server::test {
namespace {

clock_function fixed_clock(std::int64_t ms) {
    return [ms] { return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms)); };
}

TEST(ServerLogTest, FormatsTheWsus30Line) {
    const log_line line{log_severity::warning, "SoapUtilities.CreateException", "ThrowException: actor = x", {}};
    EXPECT_EQ(format_log_line(line, advisory_ms, 12),
              "2008-06-14 02:59:57,642 UTC Warning w3wp.12 SoapUtilities.CreateException ThrowException: actor = x");
    const log_line with_stack{log_severity::error, "A.B", "System.Exception: boom", {"at X.Y()", "at X.Z()"}};
    EXPECT_EQ(format_log_line(with_stack, 0, 7),
              "1970-01-01 00:00:00,000 UTC Error w3wp.7 A.B System.Exception: boom\nat X.Y()\nat X.Z()");
}

TEST(ServerLogTest, LevelNamesParseCaseInsensitively) {
    EXPECT_EQ(log_level_from_name("Verbose"), std::optional<log_level>(log_level::verbose));
    EXPECT_EQ(log_level_from_name("error"), std::optional<log_level>(log_level::error));
    EXPECT_EQ(log_level_from_name("debug"), std::nullopt);
    EXPECT_EQ(log_level_name(log_level::warning), "warning");
}

TEST(ServerLogTest, WritesOnlyLinesAtOrAboveTheLevelAndFlushes) {
    temp_dir dir;
    server_log log(dir.file("sd.log"), log_level::warning, 12, fixed_clock(advisory_ms));
    ASSERT_EQ(log.open(), std::nullopt);
    log.write({log_line{log_severity::info, "A.Info", "skipped", {}},
               log_line{log_severity::error, "A.Error", "kept", {"at Frame()"}},
               log_line{log_severity::warning, "A.Warning", "kept too", {}}});
    log.flush();
    EXPECT_EQ(read_text(dir.file("sd.log")),
              "2008-06-14 02:59:57,642 UTC Error w3wp.12 A.Error kept\n"
              "at Frame()\n"
              "2008-06-14 02:59:57,642 UTC Warning w3wp.12 A.Warning kept too\n");
    EXPECT_EQ(log.lines_written(), 2U);
}

TEST(ServerLogTest, AppendsToAnExistingFile) {
    temp_dir dir;
    {
        server_log first(dir.file("sd.log"), log_level::info, 12, fixed_clock(0));
        ASSERT_EQ(first.open(), std::nullopt);
        first.write(log_line{log_severity::info, "A.B", "one", {}});
    }
    server_log second(dir.file("sd.log"), log_level::info, 12, fixed_clock(0));
    ASSERT_EQ(second.open(), std::nullopt);
    second.write(log_line{log_severity::info, "A.B", "two", {}});
    second.flush();
    EXPECT_EQ(lines_of(read_text(dir.file("sd.log"))).size(), 2U);
}

TEST(ServerLogTest, ErrorLevelDropsWarnings) {
    server_log log("", log_level::error, 12, fixed_clock(0));
    EXPECT_TRUE(log.enabled(log_severity::error));
    EXPECT_FALSE(log.enabled(log_severity::warning));
    EXPECT_FALSE(log.enabled(log_severity::info));
    log.write(log_line{log_severity::warning, "A.B", "dropped", {}});
    EXPECT_EQ(log.lines_written(), 0U);
}

TEST(ServerLogTest, VerboseRequestLinesCarryTheDetail) {
    temp_dir dir;
    service_options o;
    o.log_path = dir.file("sd.log");
    o.level = log_level::verbose;
    service_harness h(o);
    ASSERT_TRUE(h.ok());
    const protocol::cookie c = h.registered_cookie(plain_client_id, plain_dns, "Workstations");
    h.post(service_harness::sync_request(c, {}));
    h.svc().flush();
    const auto lines = lines_of(read_text(o.log_path));
    ASSERT_FALSE(lines.empty());
    const std::string& last = lines.back();
    EXPECT_NE(last.find("ClientImplementation.SyncUpdates POST /ClientWebService/client.asmx from 127.0.0.1:50000: "
                        "200, client=" + std::string(plain_client_id) +
                        ", groups=All Computers;Workstations, model=legacy, installedNonLeaf=0, otherCached=0, new="),
              std::string::npos)
        << last;
}

}  // namespace
}  // namespace wsuslab::server::test
