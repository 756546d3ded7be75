// The request limits' defaults have one definition (server_config.hpp, the body limit from the
// codec's limits.hpp): server_config, `wsuslab serve` and `wsuslab proxy` use it, --help included.
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <wsuslab/protocol/limits.hpp>
#include <wsuslab/server/server_config.hpp>

#include "cli_support.hpp"
#include "request_limits.hpp"

namespace wsuslab::test {
namespace {

using ::testing::HasSubstr;

TEST(RequestLimitsTest, TheTransportAndTheCodecShareTheBodyLimit) {
    server::server_config const config;
    EXPECT_EQ(config.body_limit, protocol::limits{}.max_body_bytes);
    EXPECT_EQ(config.body_limit, 4U * 1024 * 1024);
    EXPECT_EQ(config.header_limit, 8U * 1024);
    EXPECT_EQ(config.max_connections, 256U);
}

TEST(RequestLimitsTest, ServeAndProxyOptionsStartFromTheConfigDefaults) {
    app::request_limit_args const args;
    server::server_config applied;
    applied.body_limit = 1;
    applied.header_limit = 1;
    applied.max_connections = 1;
    app::apply_request_limits(args, applied);
    server::server_config const defaults;
    EXPECT_EQ(applied.body_limit, defaults.body_limit);
    EXPECT_EQ(applied.header_limit, defaults.header_limit);
    EXPECT_EQ(applied.max_connections, defaults.max_connections);
}

TEST(RequestLimitsTest, AHeaderLimitAbove4GiBIsHeldAtTheLargest32BitValue) {
    app::request_limit_args args;
    args.max_header = 1ULL << 33;
    server::server_config config;
    app::apply_request_limits(args, config);
    EXPECT_EQ(config.header_limit, 4294967295U);
}

TEST(RequestLimitsTest, SizesAreWrittenAsHelpShowsThem) {
    EXPECT_EQ(app::size_text(4 * 1024 * 1024), "4 MiB");
    EXPECT_EQ(app::size_text(8 * 1024), "8 KiB");
    EXPECT_EQ(app::size_text(1536), "1536 bytes");
    EXPECT_EQ(app::size_text(0), "0 bytes");
}

TEST(RequestLimitsTest, ServeAndProxyHelpNameTheDefaults) {
    for (const char* command : {"serve", "proxy"}) {
        SCOPED_TRACE(command);
        auto const r = run_wsuslab({command, "--help"});
        EXPECT_EQ(r.code, 0);
        EXPECT_THAT(r.out, HasSubstr("request body limit in bytes (413 above; default 4 MiB as ASP.NET's "
                                     "maxRequestLength; 4M, 64K ok)"));
        EXPECT_THAT(r.out, HasSubstr("request header limit in bytes (431 above; default 8 KiB)"));
        EXPECT_THAT(r.out, HasSubstr("connections open at once (503 above)"));
    }
}

}  // namespace
}  // namespace wsuslab::test
