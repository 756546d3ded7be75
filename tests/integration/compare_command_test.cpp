// `wsuslab compare` in-process: the side-by-side table, the JSON report, exit codes.
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_support.hpp"
#include "fixtures.hpp"

namespace wsuslab::app {
namespace {

using test::run_wsuslab;

using ::testing::HasSubstr;
using ::testing::Not;

std::string lab() { return test::fixture_path("scenarios/kb954960.xml"); }

TEST(CompareCommandTest, TableShowsTheLegacyFailureAndTheFixedMerge) {
    auto const r = run_wsuslab({"compare", "--scenario", lab()});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("LEGACY (WSUS 3.0 SP1 as modelled)"));
    EXPECT_THAT(r.out, HasSubstr("FIXED (KB954960)"));
    EXPECT_THAT(r.out, HasSubstr("legacy: round "));
    EXPECT_THAT(r.out, HasSubstr(": System.ArgumentException: Item has already been added. Key in "
                                 "dictionary: '8862'  Key being added: '8862'\n"));
    EXPECT_THAT(r.out, HasSubstr("resolved: GetSyncInfo: revision 8862 has 2 deployment rows"));
    EXPECT_THAT(r.out, HasSubstr("plain-workstation"));
}

TEST(CompareCommandTest, JsonReportPerProfile) {
    auto const r = run_wsuslab({"compare", "--scenario", lab(), "--json"});
    ASSERT_EQ(r.code, 0) << r.err;
    auto const j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["page_size"], 200);
    bool saw_failure = false;
    for (auto const& p : j["profiles"]) {
        EXPECT_TRUE(p["fixed"]["ok"].get<bool>()) << p["name"];
        EXPECT_EQ(p["fixed"]["failure"], nullptr);
        if (p["legacy"]["ok"].get<bool>()) {
            // Without the duplicate in reach the two models agree.
            EXPECT_TRUE(p["same_final_cache"].get<bool>()) << p["name"];
            EXPECT_EQ(p["legacy"]["rounds"], p["fixed"]["rounds"]);
            EXPECT_EQ(p["legacy"]["updates_received"], p["fixed"]["updates_received"]);
            continue;
        }
        saw_failure = true;
        auto const& f = p["legacy"]["failure"];
        EXPECT_EQ(f["table"], "deploymentTable");
        EXPECT_EQ(f["key_in_dictionary"], 8862);
        EXPECT_EQ(f["message"], "System.ArgumentException: Item has already been added. Key in "
                                "dictionary: '8862'  Key being added: '8862'");
        EXPECT_EQ(f["stack"].size(), 7U);
        EXPECT_GT(f["round"].get<int>(), 1);  // reached only after the detectoid is reported
        ASSERT_EQ(p["fixed"]["anomalies_resolved"].size(), 1U);
    }
    EXPECT_TRUE(saw_failure);
}

TEST(CompareCommandTest, ProfileFilter) {
    auto const r = run_wsuslab({"compare", "--scenario", lab(), "--profile", "plain-workstation"});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("plain-workstation"));
    EXPECT_THAT(r.out, Not(HasSubstr("office2003-workstation")));
}

TEST(CompareCommandTest, UnknownProfileIsAUsageError) {
    auto const r = run_wsuslab({"compare", "--scenario", lab(), "--profile", "nobody"});
    EXPECT_EQ(r.code, 2);
    EXPECT_THAT(r.err, HasSubstr("wsuslab compare: no profile 'nobody' in "));
    EXPECT_THAT(r.err, HasSubstr("(profiles: office2003-workstation, plain-workstation, server-2003)"));
}

TEST(CompareCommandTest, MissingScenarioFileIsALoadError) {
    auto const r = run_wsuslab({"compare", "--scenario", "/nonexistent/wsuslab-compare.xml"});
    EXPECT_EQ(r.code, 2);
    EXPECT_THAT(r.err, HasSubstr("wsuslab compare: "));
    EXPECT_THAT(r.err, HasSubstr("wsuslab-compare.xml"));
}

TEST(CompareCommandTest, RoundCapIsReported) {
    auto const r = run_wsuslab({"compare", "--scenario", lab(), "--profile", "plain-workstation",
                        "--max-rounds", "1"});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("round cap (1)"));
    EXPECT_THAT(r.out, HasSubstr("WU_E_PT_EXCEEDED_MAX_SERVER_TRIPS"));
}

}  // namespace
}  // namespace wsuslab::app
