// The fleet summary's JSON and JUnit against their documented shapes (docs/fleet.md), the
// progress decision and line, and the CLI: exit codes, no progress off a terminal, merge.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <wsuslab/client/fleet.hpp>

#include "regression_support.hpp"

namespace wsuslab::client {
namespace {

using ::testing::HasSubstr;
using mitigation::model_kind;
using nlohmann::json;
using regression::lab_server;

// A hand-made result: two profiles, one failing on legacy.
fleet_result sample_result() {
    fleet_result r;
    r.server_url = "http://wsus:8530";
    r.seed = 954960;
    r.shards = {{"0/2", 10}};
    r.clients = 10;
    r.synced = 7;
    r.failed = 3;
    r.seconds = 2.5;
    r.requests = 120;
    r.connections = 10;
    r.requests_by_operation = {{"GetConfig", 10}, {"SyncUpdates", 110}};
    r.by_profile["office2003-workstation"] = {3, 0, 3, {{"0x8024400E", 3}}};
    r.by_profile["plain-workstation"] = {7, 7, 0, {}};
    r.by_error["0x8024400E"] = {3, "SyncUpdates: SOAP fault Server InternalServerError"};
    r.by_soap_error["InternalServerError"] = {3, "SyncUpdates", "7c1e1a36-6b3f-4d52-9c0e-1f0e5e2b0a11"};
    r.latency.record(900);
    r.latency.record(1500);
    return r;
}

TEST(FleetReportTest, JsonHasTheDocumentedShape) {
    json const j = json::parse(format_fleet_json(sample_result()));
    EXPECT_EQ(j.at("format"), "wsuslab-fleet/1");
    EXPECT_EQ(j.at("clients"), 10);
    EXPECT_EQ(j.at("synced"), 7);
    EXPECT_EQ(j.at("failed"), 3);
    EXPECT_EQ(j.at("seconds"), 2.5);
    EXPECT_EQ(j.at("requests"), 120);
    EXPECT_EQ(j.at("requests_per_second"), 48.0);
    EXPECT_EQ(j.at("clients_per_second"), 4.0);
    EXPECT_EQ(j.at("by_profile"), json::parse(R"({
        "office2003-workstation": {"clients": 3, "synced": 0, "failed": 3, "by_error": {"0x8024400E": 3}},
        "plain-workstation": {"clients": 7, "synced": 7, "failed": 0, "by_error": {}}})"));
    EXPECT_EQ(j.at("by_error"), json::parse(R"({"0x8024400E": 3})"));
    EXPECT_EQ(j.at("error_examples").at("0x8024400E"), "SyncUpdates: SOAP fault Server InternalServerError");
    EXPECT_EQ(j.at("by_soap_error"), json::parse(R"({"InternalServerError": {"count": 3, "operation": "SyncUpdates",
        "example_fault_id": "7c1e1a36-6b3f-4d52-9c0e-1f0e5e2b0a11"}})"));
    EXPECT_EQ(j.at("requests_by_operation"), json::parse(R"({"GetConfig": 10, "SyncUpdates": 110})"));
    EXPECT_EQ(j.at("shards"), json::parse(R"({"0/2": 10})"));
    EXPECT_TRUE(j.at("aborted").is_null());
    // 900 µs and 1500 µs: p50 is the upper bound of 900's bucket, max that of 1500's.
    EXPECT_NEAR(j.at("latency_us").at("p50").get<double>(), 900, 900 * 0.045);
    EXPECT_NEAR(j.at("latency_us").at("max").get<double>(), 1500, 1500 * 0.045);
    EXPECT_EQ(j.at("latency_histogram").at("buckets").size(), 2u);
}

TEST(FleetReportTest, JsonReadsBackToTheSameResult) {
    fleet_result const r = sample_result();
    auto parsed = parse_fleet_json(format_fleet_json(r));
    ASSERT_TRUE(std::holds_alternative<fleet_result>(parsed)) << std::get<std::string>(parsed);
    auto const& back = std::get<fleet_result>(parsed);
    EXPECT_EQ(format_fleet_json(back), format_fleet_json(r));
    EXPECT_EQ(std::get<std::string>(parse_fleet_json("[1]")), "not a JSON object");
    EXPECT_EQ(std::get<std::string>(parse_fleet_json(R"({"format": "wsuslab-fleet/1"})")), "$.server: missing");
    json broken = json::parse(format_fleet_json(r));
    broken["by_profile"]["plain-workstation"]["synced"] = "seven";
    EXPECT_EQ(std::get<std::string>(parse_fleet_json(broken.dump())),
              "$.by_profile.plain-workstation.synced: wrong type (string)");
}

TEST(FleetReportTest, JunitHasOneTestcasePerProfile) {
    std::string const xml = write_junit(fleet_junit(sample_result(), "2008-06-14T02:59:57", "lab"));
    EXPECT_THAT(xml, HasSubstr(R"(<testsuite name="wsuslab fleet" timestamp="2008-06-14T02:59:57" hostname="lab" tests="2" failures="1" errors="0")"));
    EXPECT_THAT(xml, HasSubstr(R"(<testcase name="office2003-workstation" classname="wsuslab.fleet")"));
    EXPECT_THAT(xml, HasSubstr(R"(<failure message="3 of 3 office2003-workstation clients did not sync, most with 0x8024400E" type="wsuslab.FleetFailure">)"));
    EXPECT_THAT(xml, HasSubstr(R"(<testcase name="plain-workstation" classname="wsuslab.fleet" time="1.750"/>)"));
}

TEST(FleetReportTest, SummaryNamesFailuresAndExamples) {
    std::string const s = format_fleet_summary(sample_result());
    EXPECT_THAT(s, HasSubstr("wsuslab fleet: 10 clients against http://wsus:8530 (seed 954960, shard 0/2)\n"));
    EXPECT_THAT(s, HasSubstr("  wall 2.50 s, 4 clients/s, 120 requests (48/s), 10 connections\n"));
    EXPECT_THAT(s, HasSubstr("    0x8024400E WU_E_PT_SOAP_SERVER: 3 clients; e.g. SyncUpdates: SOAP fault Server InternalServerError\n"));
    EXPECT_THAT(s, HasSubstr("    InternalServerError: 3 clients (SyncUpdates); e.g. fault ID 7c1e1a36-6b3f-4d52-9c0e-1f0e5e2b0a11\n"));
    EXPECT_THAT(s, HasSubstr("  verdict: some clients failed\n"));
}

TEST(FleetReportTest, ProgressOnlyOnATerminal) {
    EXPECT_TRUE(progress_wanted(true, false));
    EXPECT_FALSE(progress_wanted(false, false));
    EXPECT_FALSE(progress_wanted(true, true));
    EXPECT_FALSE(progress_wanted(false, true));
    fleet_progress p;
    p.total = 10000;
    p.done = 4000;
    p.failed = 1300;
    p.in_flight = 64;
    p.requests = 42000;
    p.seconds = 2;
    p.p50_us = 1900;
    p.p99_us = 7400;
    EXPECT_EQ(format_progress_line(p), "4000/10000 done, 1300 failed, 64 in flight | 21000 req/s | p50 1.9 ms p99 7.4 ms | ETA 3 s");
}

// Runs the CLI binary with stdout and stderr in files (so neither is a terminal).
struct cli_run {
    int code = 0;
    std::string out;
    std::string err;
};

cli_run run_cli_binary(const std::string& args) {
    std::string const dir = regression::temp_dir("cli");
    std::string const cmd = std::string(WSUSLAB_CLI_PATH) + " " + args + " >" + dir + "/out 2>" + dir + "/err";
    int const status = std::system(cmd.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, regression::read_file(dir + "/out"),
            regression::read_file(dir + "/err")};
}

TEST(FleetReportTest, CliOffATerminalPrintsNoProgressAndExitsOneOnFailures) {
    lab_server lab(lab_server::with_model(model_kind::legacy));
    std::string const dir = regression::temp_dir("files");
    auto const r = run_cli_binary("fleet --skip-selfupdate --server " + lab.url() + " --clients 30 --concurrency 8 --json " + dir +
                                  "/a.json --junit " + dir + "/a.xml");
    EXPECT_EQ(r.code, 1) << r.err;
    EXPECT_EQ(r.err, "");  // no progress line, no escape sequences
    EXPECT_THAT(r.out, HasSubstr("  synced 20, failed 10\n"));
    json const j = json::parse(regression::read_file(dir + "/a.json"));
    EXPECT_EQ(j.at("by_error"), json::parse(R"({"0x8024400E": 10})"));
    EXPECT_THAT(regression::read_file(dir + "/a.xml"), HasSubstr("tests=\"3\" failures=\"1\""));
}

TEST(FleetReportTest, CliMergesShardFiles) {
    lab_server lab(lab_server::with_model(model_kind::fixed));
    std::string const dir = regression::temp_dir("files");
    for (int i = 0; i < 2; ++i) {
        auto const r = run_cli_binary("fleet --skip-selfupdate --server " + lab.url() + " --clients 20 --shard " + std::to_string(i) +
                                      "/2 --json " + dir + "/s" + std::to_string(i) + ".json");
        ASSERT_EQ(r.code, 0) << r.err;
    }
    auto const m = run_cli_binary("fleet merge " + dir + "/s0.json " + dir + "/s1.json --json -");
    ASSERT_EQ(m.code, 0) << m.err;
    json const j = json::parse(m.out);
    EXPECT_EQ(j.at("clients"), 20);
    EXPECT_EQ(j.at("synced"), 20);
    EXPECT_EQ(j.at("shards"), json::parse(R"({"0/2": 10, "1/2": 10})"));
    auto const twice = run_cli_binary("fleet merge " + dir + "/s0.json " + dir + "/s0.json");
    EXPECT_EQ(twice.code, 2);
    EXPECT_EQ(twice.err, "wsuslab fleet: merge: " + dir + "/s0.json: shard 0/2 appears twice\n");
}

TEST(FleetReportTest, CliUsageErrorsExitTwo) {
    auto const agent = run_cli_binary("fleet --server http://127.0.0.1:1 --agent 2003");
    EXPECT_EQ(agent.code, 2);
    EXPECT_EQ(agent.err, "wsuslab fleet: --agent '2003' is not 2008 or modern\n");
    auto const mix = run_cli_binary("fleet --server http://127.0.0.1:1 --mix laptop=3");
    EXPECT_EQ(mix.code, 2);
    EXPECT_EQ(mix.err, "wsuslab fleet: --mix: no profile 'laptop' in the embedded kb954960 scenario (profiles: "
                       "office2003-workstation, plain-workstation, server-2003); pass a name or a profile file\n");
    auto const shard = run_cli_binary("fleet --server http://127.0.0.1:1 --shard 2/2");
    EXPECT_EQ(shard.err, "wsuslab fleet: --shard '2/2' is not I/N with 0 <= I < N (e.g. 0/4)\n");
    auto const down = run_cli_binary("fleet --skip-selfupdate --server http://127.0.0.1:1 --clients 50");
    EXPECT_EQ(down.code, 2);
    EXPECT_THAT(down.err, HasSubstr("wsuslab fleet: server unreachable: GetConfig: connect to 127.0.0.1:1: "));
}

TEST(FleetReportTest, ServeRefusesAnUnusableCookieKeyFile) {
    std::string const dir = regression::temp_dir("key");
    auto const missing = run_cli_binary("serve --listen 127.0.0.1:0 --cookie-key-file " + dir + "/none");
    EXPECT_EQ(missing.code, 1);
    EXPECT_EQ(missing.err, "wsuslab serve: cannot read cookie key file '" + dir + "/none'\n");
    std::ofstream(dir + "/short") << "abc\n";
    auto const shorter = run_cli_binary("serve --listen 127.0.0.1:0 --cookie-key-file " + dir + "/short");
    EXPECT_EQ(shorter.code, 1);
    EXPECT_EQ(shorter.err, "wsuslab serve: cookie key file '" + dir +
                               "/short' holds 3 characters; it needs at least 32 (e.g. openssl rand -hex 32)\n");
}

}  // namespace
}  // namespace wsuslab::client
