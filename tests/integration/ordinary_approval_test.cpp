// The owner's acceptance case (docs/models.md §3): the shipped lab plus one ordinary approval of
// Windows XP SP3 (8601, already approved for Workstations) for All Computers. The file loads
// unchanged; the only anomaly is still revision 8862's stray pair; against `wsuslab serve
// --model legacy` and in-process, the new row breaks nobody: the plain workstation and the server
// sync, the Office 2003 workstation fails on 8862 alone (its story); and once the workaround
// removes the stray pair, every profile syncs against the legacy model.

#include <chrono>
#include <cstdint>
#include <fstream>
#include <string>
#include <variant>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <wsuslab/mitigation/catalog.hpp>
#include <wsuslab/mitigation/diagnosis.hpp>
#include <wsuslab/mitigation/simulated_sync.hpp>

#include "child_process.hpp"
#include "cli_support.hpp"
#include "regression_support.hpp"
#include "scenarios.hpp"

namespace wsuslab::regression {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* extra_row =
    R"(<Deployment ID="39001" RevisionID="8601" TargetGroup="All Computers" Action="Install" IsAssigned="true" LastChangeTime="2008-05-21" />)";
constexpr std::uint32_t soap_server_hresult = 0x8024400EU;

// kb954960.xml with the extra row as the last deployment, written to a fresh file.
std::string write_acceptance_scenario(const std::string& dir) {
    SCOPED_TRACE("kb954960.xml with the extra row, written into " + dir);
    std::string text = test::read_fixture("scenarios/kb954960.xml");
    auto const at = text.find("  </Deployments>");
    EXPECT_NE(at, std::string::npos);
    text.insert(at, std::string("    ") + extra_row + "\n");
    std::string const path = dir + "/kb954960-plus-39001.xml";
    std::ofstream(path, std::ios::binary) << text;
    return path;
}

mitigation::scenario load(const std::string& path) { return test::load_scenario_or_failure(path); }

// Every profile of `s` against `wsuslab serve --scenario FILE --model legacy` (a child process);
// returns the server log.
std::string sync_against_served_legacy(const std::string& file, const mitigation::scenario& s,
                                       bool office_fails) {
    std::string const log = temp_dir("served") + "/SoftwareDistribution.log";
    test::child_process serve{{WSUSLAB_CLI_PATH, "serve", "--listen", "127.0.0.1:0", "--scenario", file,
                               "--model", "legacy", "--log", log, "--threads", "1"}};
    std::string const url = serve.read_stdout_line(std::chrono::seconds(60));
    EXPECT_THAT(url, ::testing::StartsWith("http://127.0.0.1:"));
    if (url.empty()) {
        return "";
    }
    for (auto const& p : s.profiles) {
        SCOPED_TRACE(p.name);
        auto const outcome = sync(agent_options(url, p));
        if (office_fails && p.name == "office2003-workstation") {
            EXPECT_EQ(outcome.hresult, soap_server_hresult);
            continue;
        }
        EXPECT_EQ(outcome.verdict, client::sync_verdict::synced) << outcome.error;
        EXPECT_GT(received_ids(outcome).size(), 10U);
    }
    serve.signal(SIGTERM);
    EXPECT_EQ(serve.wait_exit(std::chrono::seconds(60)), 0);
    return read_file(log);
}

TEST(OrdinaryApprovalTest, TheLabPlusAnAllComputersApprovalOf8601LoadsUnchanged) {
    std::string const path = write_acceptance_scenario(temp_dir("scenario"));
    mitigation::scenario const s = load(path);
    ASSERT_EQ(s.deployments.size(), kb954960()->deployments.size() + 1);
    mitigation::deployment_row const& row = s.deployments.back();
    EXPECT_EQ(row.deployment_id, 39001);
    EXPECT_FALSE(row.stray.has_value());
}

TEST(OrdinaryApprovalTest, DiagnoseNamesOnlyRevision8862) {
    std::string const path = write_acceptance_scenario(temp_dir("scenario"));
    auto const r = test::run_wsuslab({"diagnose", "--scenario", path, "--json"});
    EXPECT_EQ(r.code, 1);
    auto const j = nlohmann::json::parse(r.out);
    ASSERT_EQ(j["duplicates"].size(), 1U);
    EXPECT_EQ(j["duplicates"][0]["revision_id"], 8862);
    EXPECT_EQ(j["duplicates"][0]["profiles_failing"], nlohmann::json::array({"office2003-workstation"}));
    for (auto const& p : j["profiles"]) {
        if (!p["failure"].is_null()) {
            EXPECT_EQ(p["failure"]["key"], 8862) << p["name"];
        }
    }
    // 8601 is an ordinary approval for two groups: resolved by precedence, not a defect.
    bool listed = false;
    for (auto const& m : j["resolved_by_precedence"]) {
        listed = listed || (m["revision_id"] == 8601 && m["kept_deployment_id"] == 30101);
    }
    EXPECT_TRUE(listed) << j["resolved_by_precedence"].dump();
    auto const text = test::run_wsuslab({"diagnose", "--scenario", path}).out;
    auto const strays = text.substr(0, text.find("Approvals for several"));
    EXPECT_THAT(strays, HasSubstr("revision 8862 "));
    EXPECT_THAT(strays, Not(HasSubstr("revision 8601")));
}

TEST(OrdinaryApprovalTest, InProcessTheNewRowBreaksNoProfileOnTheLegacyModel) {
    std::string const path = write_acceptance_scenario(temp_dir("scenario"));
    mitigation::scenario const s = load(path);
    mitigation::catalog const c(s);
    auto const legacy = mitigation::make_legacy_model();
    for (auto const& p : s.profiles) {
        SCOPED_TRACE(p.name);
        mitigation::simulated_sync_options o;
        o.groups = mitigation::profile_groups(s, p);
        auto const r = mitigation::run_simulated_sync(*legacy, c, o, mitigation::installed_on(p.machine));
        if (p.name == "office2003-workstation") {
            ASSERT_TRUE(r.failure.has_value());
            EXPECT_EQ(r.failure->key_being_added, 8862) << "never 8601";
        } else {
            EXPECT_TRUE(r.ok()) << (r.failure ? r.failure->message() : "round cap");
        }
    }
}

TEST(OrdinaryApprovalTest, ServedByTheLegacyModelTheNewRowBreaksNoProfile) {
    std::string const path = write_acceptance_scenario(temp_dir("scenario"));
    std::string const log = sync_against_served_legacy(path, load(path), true);
    EXPECT_THAT(log, HasSubstr("Key being added: '8862'"));
    EXPECT_THAT(log, Not(HasSubstr("Key being added: '8601'")));
}

TEST(OrdinaryApprovalTest, WithoutTheStrayPairEveryProfileSyncsAgainstServedLegacy) {
    std::string const dir = temp_dir("scenario");
    std::string const path = write_acceptance_scenario(dir);
    std::string const repaired = dir + "/repaired.xml";
    ASSERT_EQ(test::run_wsuslab({"diagnose", "--scenario", path, "--apply-workaround", repaired}).code, 0);
    mitigation::scenario const s = load(repaired);
    ASSERT_NE(s.find_revision(8601), nullptr);
    std::string const log = sync_against_served_legacy(repaired, s, false);
    EXPECT_THAT(log, Not(HasSubstr("ArgumentException")));
}

}  // namespace
}  // namespace wsuslab::regression
