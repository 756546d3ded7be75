// service_time: the server's dateTime and version helpers over the text module
// (wsuslab/protocol/text.hpp), with the forms real agents send and the malformed ones refused.

#include <gtest/gtest.h>

#include "service_time.hpp"

namespace wsuslab::server::detail {
namespace {

constexpr std::int64_t advisory_ms = 1213412397642;  // 2008-06-14T02:59:57.642Z

TEST(ServiceTimeTest, ParsesTheDateTimeFormsAgentsSend) {
    EXPECT_EQ(parse_datetime_ms("2008-06-14T02:59:57.642Z"), advisory_ms);
    EXPECT_EQ(parse_datetime_ms("2008-06-14T02:59:57.6429999"), advisory_ms);
    EXPECT_EQ(parse_datetime_ms("2008-06-14T04:59:57.642+02:00"), advisory_ms);
    EXPECT_EQ(parse_datetime_ms("2008-06-14T02:59:57.6"), advisory_ms - 42);
    EXPECT_EQ(parse_datetime_ms("2008-06-14"), advisory_ms - (2 * 3600 + 59 * 60 + 57) * 1000 - 642);
    EXPECT_EQ(parse_datetime_ms("1969-12-31T23:59:59.999Z"), -1);
}

TEST(ServiceTimeTest, RefusesMalformedDateTimes) {
    for (const char* bad : {"", "2008-06-14T", "2008-06-14T02:59", "2008-06-14T02:59:57.", "2008-06-14 02:59:57",
                            "2008-02-30", "2008-06-14T24:00:00", "2008-06-14T02:59:60", "2008-06-14T02:59:57+15:00",
                            "2008-06-14T02:59:57+0200", "2008-06-14T02:59:57z", "0000-01-01"}) {
        SCOPED_TRACE(bad);
        EXPECT_EQ(parse_datetime_ms(bad), std::nullopt);
    }
}

TEST(ServiceTimeTest, FormatsTheLogTimestamp) {
    EXPECT_EQ(format_log_timestamp(advisory_ms), "2008-06-14 02:59:57,642 UTC");
    EXPECT_EQ(format_log_timestamp(-1), "1969-12-31 23:59:59,999 UTC");
}

TEST(ServiceTimeTest, ParsesProtocolVersions) {
    EXPECT_EQ(parse_version("1.8"), std::make_pair(1, 8));
    EXPECT_EQ(parse_version("3.20"), std::make_pair(3, 20));
    EXPECT_EQ(parse_version("1234.5678"), std::make_pair(1234, 5678));
    for (const char* bad : {"", "1", "1.", ".8", "1.8.0", "12345.1", "1.12345", "-1.8", "1.+8", " 1.8"}) {
        SCOPED_TRACE(bad);
        EXPECT_EQ(parse_version(bad), std::nullopt);
    }
    EXPECT_TRUE(version_at_least("3.2", 3, 2));
    EXPECT_TRUE(version_at_least("4.0", 3, 2));
    EXPECT_FALSE(version_at_least("3.1", 3, 2));
    EXPECT_FALSE(version_at_least("x", 0, 0));
}

}  // namespace
}  // namespace wsuslab::server::detail
