// `wsuslab sync` end to end, in-process through run_cli: exit codes, the summary and --json, the
// WindowsUpdate.log file, --state differential runs, --retries, profile files and usage errors.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <wsuslab/client/wu_log.hpp>

#include "cli_support.hpp"
#include "commands.hpp"
#include "regression_support.hpp"

namespace wsuslab::app {
namespace {

using test::cli_result;
using test::run_wsuslab;

using mitigation::model_kind;
using nlohmann::json;
using regression::lab_server;

std::vector<std::string> log_file_lines(const std::string& path) {
    auto parsed = client::parse_log(regression::read_file(path));
    if (auto const* e = std::get_if<client::log_parse_error>(&parsed)) {
        ADD_FAILURE() << path << ":" << e->line_number << ": " << e->problem;
        return {};
    }
    std::vector<std::string> out;
    for (auto const& l : std::get<std::vector<client::log_line>>(parsed)) {
        out.push_back(l.tagged());
    }
    return out;
}

TEST(SyncCliTest, Office2003OnLegacyExitsOneAndWritesTheAdvisoryLines) {
    lab_server server(lab_server::with_model(model_kind::legacy));
    std::string const log = regression::temp_dir("log") + "/WindowsUpdate.log";
    auto const r = run_wsuslab({"sync", "--skip-selfupdate", "--server", server.url(), "--profile", "office2003-workstation", "--log", log});
    EXPECT_EQ(r.code, 1) << r.err;
    auto const ids = server.service().last_fault_ids();
    ASSERT_EQ(ids.size(), 1u);
    EXPECT_NE(r.out.find("fault: SyncUpdates answered Server InternalServerError, fault ID " + ids[0] +
                         ", HTTP status 500"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("verdict: failed 0x8024400E (WU_E_PT_SOAP_SERVER)"), std::string::npos) << r.out;
    auto const lines = log_file_lines(log);
    std::vector<std::string> const block{
        "PT WARNING: ErrorCode:InternalServerError(5)",
        "PT WARNING: Message:(null)",
        "PT WARNING: Method:\"http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/SyncUpdates\"",
        "PT WARNING: ID:" + ids[0],
        "PT WARNING: PTError: 0x8024400e",
        "Agent WARNING: Failed to synchronize, error = 0x8024400E",
    };
    EXPECT_NE(std::search(lines.begin(), lines.end(), block.begin(), block.end()), lines.end());
    // The file uses tabs between the fields.
    EXPECT_NE(regression::read_file(log).find("\tPT\tWARNING: PTError: 0x8024400e\n"), std::string::npos);
}

TEST(SyncCliTest, JsonCarriesRoundsFaultAndStatus) {
    auto options = lab_server::with_model(model_kind::legacy);
    options.fault_status = 200;
    lab_server server(options);
    auto const r = run_wsuslab({"sync", "--skip-selfupdate", "--server", server.url(), "--profile", "office2003-workstation", "--json",
                            "--no-report"});
    ASSERT_EQ(r.code, 1) << r.err;
    json const j = json::parse(r.out);
    EXPECT_EQ(j["verdict"], "failed");
    EXPECT_EQ(j["exit_code"], 1);
    EXPECT_EQ(j["hresult"], "0x8024400E");
    EXPECT_EQ(j["fault"]["error_code"], "InternalServerError");
    EXPECT_EQ(j["fault"]["faultcode"], "Server");
    EXPECT_EQ(j["fault"]["http_status"], 200);
    EXPECT_EQ(j["fault"]["id"], server.service().last_fault_ids().at(0));
    EXPECT_EQ(j["fault"]["method"], "\"http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/SyncUpdates\"");
    ASSERT_GE(j["rounds"].size(), 2u);
    EXPECT_EQ(j["rounds"].back()["faulted"], true);
    EXPECT_EQ(j["rounds"][0]["installed_non_leaf"], 0);
    EXPECT_EQ(j["attempts"].size(), 1u);
    EXPECT_EQ(j["attempts"][0]["fault_id"], j["fault"]["id"]);
}

TEST(SyncCliTest, PlainWorkstationSyncsAndStateMakesTheSecondRunDifferential) {
    lab_server server(lab_server::with_model(model_kind::legacy));
    std::string const state = regression::temp_dir("state");
    auto const first = run_wsuslab({"sync", "--skip-selfupdate", "--server", server.url(), "--profile", "plain-workstation", "--state", state,
                                "--json"});
    ASSERT_EQ(first.code, 0) << first.out << first.err;
    json const a = json::parse(first.out);
    EXPECT_EQ(a["verdict"], "synced");
    EXPECT_GT(a["counts"]["needed"].get<int>(), 0);
    EXPECT_TRUE(std::filesystem::exists(state + "/wsuslab-client-cache.json"));

    auto const second = run_wsuslab({"sync", "--skip-selfupdate", "--server", server.url(), "--profile", "plain-workstation", "--state", state,
                                 "--json"});
    ASSERT_EQ(second.code, 0) << second.out << second.err;
    json const b = json::parse(second.out);
    EXPECT_GT(b["rounds"][0]["installed_non_leaf"].get<int>(), 0);
    EXPECT_EQ(b["rounds"][0]["new_updates"], 0);
    EXPECT_EQ(b["counts"]["needed"], a["counts"]["needed"]);
    // The second detection continues the timeline where the first scheduled it.
    EXPECT_EQ(b["attempts"][0]["started"], a["next_detection"]);

    auto const reset = run_wsuslab({"sync", "--skip-selfupdate", "--server", server.url(), "--profile", "plain-workstation", "--state", state,
                                "--reset", "--json"});
    ASSERT_EQ(reset.code, 0);
    EXPECT_EQ(json::parse(reset.out)["rounds"][0]["installed_non_leaf"], 0);
}

TEST(SyncCliTest, RetriesReplayFailingDetectionsFiveHoursApart) {
    lab_server server(lab_server::with_model(model_kind::legacy));
    auto const r = run_wsuslab({"sync", "--skip-selfupdate", "--server", server.url(), "--profile", "office2003-workstation", "--retries", "2",
                            "--json", "--no-report"});
    ASSERT_EQ(r.code, 1);
    json const j = json::parse(r.out);
    ASSERT_EQ(j["attempts"].size(), 3u);
    auto const ids = server.service().last_fault_ids();
    ASSERT_EQ(ids.size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(j["attempts"][i]["fault_id"], ids[i]);
        EXPECT_EQ(j["attempts"][i]["hresult"], "0x8024400E");
    }
    EXPECT_EQ(j["attempts"][1]["started"], j["attempts"][0]["next_detection"]);
}

TEST(SyncCliTest, AcceptsAProfileFile) {
    lab_server server(lab_server::with_model(model_kind::fixed));
    std::string const file = regression::temp_dir("profile") + "/laptop.xml";
    std::ofstream(file) << R"(<?xml version="1.0" encoding="utf-8"?>
<Scenario Name="laptop" FormatVersion="1">
  <TargetGroups><TargetGroup Name="Workstations" /></TargetGroups>
  <ClientProfiles>
    <ClientProfile Name="laptop-01" ClientID="0badf00d-0000-4000-8000-000000000001" DnsName="laptop-01.wsuslab.example">
      <TargetGroup Name="Workstations" />
      <OperatingSystem Major="5" Minor="1" Build="2600" ServicePackMajor="3" />
    </ClientProfile>
  </ClientProfiles>
</Scenario>
)";
    auto const r = run_wsuslab({"sync", "--skip-selfupdate", "--server", server.url(), "--profile", file, "--json", "--no-report"});
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    json const j = json::parse(r.out);
    EXPECT_EQ(j["profile"], "laptop-01");
    EXPECT_EQ(j["client_id"], "0badf00d-0000-4000-8000-000000000001");
}

TEST(SyncCliTest, UsageErrorsExitTwoWithAClearMessage) {
    auto const bad_url = run_wsuslab({"sync", "--server", "wsus:8530", "--profile", "plain-workstation"});
    EXPECT_EQ(bad_url.code, 2);
    EXPECT_EQ(bad_url.err, "wsuslab sync: --server 'wsus:8530' is not an http:// or https:// URL\n");
    auto const no_profile = run_wsuslab({"sync", "--server", "http://127.0.0.1:1", "--profile", "nobody"});
    EXPECT_EQ(no_profile.code, 2);
    EXPECT_EQ(no_profile.err.rfind("wsuslab sync: no profile 'nobody' in ", 0), 0u) << no_profile.err;
    EXPECT_NE(no_profile.err.find("(profiles: office2003-workstation, plain-workstation, server-2003)"),
              std::string::npos);
    auto const bad_offset = run_wsuslab({"sync", "--server", "http://h", "--profile", "plain-workstation",
                                     "--utc-offset", "PDT"});
    EXPECT_EQ(bad_offset.code, 2);
    EXPECT_EQ(bad_offset.err, "wsuslab sync: --utc-offset 'PDT' is not +hh:mm, -hh:mm or Z\n");
    auto const missing = run_wsuslab({"sync", "--profile", "plain-workstation"});
    EXPECT_EQ(missing.code, 2);
}

TEST(SyncCliTest, AnUnreachableServerIsAConnectionErrorExitTwo) {
    std::uint16_t port = 0;
    {
        lab_server gone(lab_server::with_model(model_kind::fixed));
        port = gone.http().port();
    }
    auto const r = run_wsuslab({"sync", "--skip-selfupdate", "--server", "http://127.0.0.1:" + std::to_string(port), "--profile",
                            "plain-workstation", "--json"});
    EXPECT_EQ(r.code, 2);
    json const j = json::parse(r.out);
    EXPECT_EQ(j["verdict"], "connection-error");
    EXPECT_EQ(j["hresult"], "0x80244004");
    EXPECT_EQ(j["error"], "GetConfig: connect to 127.0.0.1:" + std::to_string(port) + ": Connection refused");
}

}  // namespace
}  // namespace wsuslab::app
