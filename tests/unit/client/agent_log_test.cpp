// The WindowsUpdate.log lines the agent writes: the 954960 failure block (the advisory's nine PT
// lines and the lines after them, docs/history.md §3.1, §3.3), exact, and the framing of a good
// detection.
#include <algorithm>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <wsuslab/client/agent.hpp>

#include "fake_wsus.hpp"

namespace wsuslab::client {
namespace {

using protocol::error_code;
using testing::fake_wsus;
using testing::mock_transport;
using ::testing::NiceMock;

// The log lines expected below name the server "wsusebc".
sync_options office_options() { return testing::office_options("http://wsusebc:8530"); }

std::vector<std::string> tagged(const std::vector<log_line>& log) {
    std::vector<std::string> out;
    for (auto const& l : log) {
        out.push_back(l.tagged());
    }
    return out;
}

// The index of `block` as a contiguous run inside `lines`, or -1.
long find_block(const std::vector<std::string>& lines, const std::vector<std::string>& block) {
    auto const it = std::search(lines.begin(), lines.end(), block.begin(), block.end());
    return it == lines.end() ? -1 : static_cast<long>(it - lines.begin());
}

class AgentLogTest : public ::testing::Test {
protected:
    void SetUp() override {
        server.attach(net);
        server.fault_status = 200;  // what the 2008 line prints (docs/kb954960-lab.md §7)
        server.sync_fault_at = {{2, error_code::internal_server_error}};
    }
    NiceMock<mock_transport> net;
    fake_wsus server;
    simulated_clock clock{*parse_iso8601("2008-06-14T02:59:53.383Z")};
};

TEST_F(AgentLogTest, WritesTheNineAdvisoryLinesInOrder) {
    auto const out = run_sync(office_options(), net, clock);
    ASSERT_EQ(server.fault_ids.size(), 1u);
    std::vector<std::string> const expected{
        "PT +++++++++++ PT: Synchronizing server updates +++++++++++",
        "PT + ServiceId = {3DA21691-E39D-4DA6-8A4B-B43877BCB1B7}, Server URL = http://wsusebc:8530/ClientWebService/client.asmx",
        "PT WARNING: SyncUpdates failure, error = 0x8024400E, soap client error = 7, soap error code = 400, HTTP status code = 200",
        "PT WARNING: SOAP Fault: 0x000190",
        "PT WARNING: faultstring:Fault occurred",
        "PT WARNING: ErrorCode:InternalServerError(5)",
        "PT WARNING: Message:(null)",
        "PT WARNING: Method:\"http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/SyncUpdates\"",
        "PT WARNING: ID:" + server.fault_ids[0],
    };
    EXPECT_GE(find_block(tagged(out.log), expected), 0) << ::testing::PrintToString(tagged(out.log));
}

TEST_F(AgentLogTest, FollowsTheFaultWithThePtAgentAndAuFailureLines) {
    auto const out = run_sync(office_options(), net, clock);
    auto const lines = tagged(out.log);
    std::vector<std::string> const expected{
        "PT WARNING: ID:" + server.fault_ids.at(0),
        "PT WARNING: PTError: 0x8024400e",
        "Agent WARNING: Failed to synchronize, error = 0x8024400E",
        "Agent * WARNING: Exit code = 0x8024400E",
        "Agent *********",
        "Agent ** END ** Agent: Finding updates [CallerId = AutomaticUpdates]",
        "Agent *************",
        "Agent WARNING: WU client failed Searching for update with error 0x8024400e",
    };
    long const at = find_block(lines, expected);
    ASSERT_GE(at, 0) << ::testing::PrintToString(lines);
    std::vector<std::string> const au(lines.begin() + at + static_cast<long>(expected.size()),
                                      lines.begin() + at + static_cast<long>(expected.size()) + 7);
    EXPECT_THAT(au, ::testing::ElementsAre(
                        ::testing::StartsWith("AU >>## RESUMED ## AU: Search for updates [CallId = {"),
                        "AU # WARNING: Search callback failed, result = 0x8024400E",
                        "AU # WARNING: Failed to find updates with error code 8024400e",
                        "AU #########", ::testing::StartsWith("AU ## END ## AU: Search for updates [CallId = {"),
                        "AU #############",
                        // 02:59:56.xxx UTC + 5 h = 07:59 UTC = 00:59 PDT on the 14th.
                        ::testing::MatchesRegex("AU AU setting next detection timeout to 2008-06-14 00:59:5[0-9]")));
}

TEST_F(AgentLogTest, FramesTheScanWithAgentAndAuStartLines) {
    auto const out = run_sync(office_options(), net, clock);
    auto const lines = tagged(out.log);
    ASSERT_GE(lines.size(), 10u);
    EXPECT_EQ(lines[0], "AU #############");
    EXPECT_EQ(lines[1], "AU ## START ## AU: Search for updates");
    EXPECT_EQ(lines[2], "AU #########");
    EXPECT_THAT(lines[3], ::testing::MatchesRegex(
                              "AU <<## SUBMITTED ## AU: Search for updates \\[CallId = \\{[0-9A-F-]{36}\\}\\]"));
    EXPECT_EQ(lines[4], "Agent *************");
    EXPECT_EQ(lines[5], "Agent ** START ** Agent: Finding updates [CallerId = AutomaticUpdates]");
    EXPECT_EQ(lines[6], "Agent *********");
    EXPECT_EQ(lines[7], "Agent * Online = Yes; Ignore download priority = No");
    EXPECT_EQ(lines[8],
              "Agent * Criteria = \"IsInstalled=0 and DeploymentAction='Installation' or IsPresent=1 and "
              "DeploymentAction='Uninstallation' or IsInstalled=1 and DeploymentAction='Installation' and "
              "RebootRequired=1 or IsInstalled=0 and DeploymentAction='Uninstallation' and RebootRequired=1\"");
    EXPECT_EQ(lines[9], "Agent * ServiceID = {3DA21691-E39D-4DA6-8A4B-B43877BCB1B7}");
}

TEST_F(AgentLogTest, StampsLinesWithLocalSimulatedTimeAndSeededIds) {
    auto o = office_options();
    o.seed = 7;
    auto const out = run_sync(o, net, clock);
    auto const ids = make_log_identity(7);
    ASSERT_FALSE(out.log.empty());
    char expected[128];
    std::snprintf(expected, sizeof expected, "2008-06-13\t19:59:53:383\t%x\t%x\tAU\t#############", ids.pid,
                  ids.au_tid);
    EXPECT_EQ(format_log_line(out.log[0]), expected);
    auto const pt = std::find_if(out.log.begin(), out.log.end(), [](const log_line& l) { return l.component == "PT"; });
    ASSERT_NE(pt, out.log.end());
    EXPECT_EQ(pt->tid, ids.agent_tid);
    EXPECT_EQ(pt->pid, ids.pid);
}

TEST_F(AgentLogTest, PrintsTheStatusActuallyReceived) {
    server.fault_status = 500;
    auto const out = run_sync(office_options(), net, clock);
    auto const lines = tagged(out.log);
    EXPECT_NE(std::find(lines.begin(), lines.end(),
                        "PT WARNING: SyncUpdates failure, error = 0x8024400E, soap client error = 7, soap error "
                        "code = 400, HTTP status code = 500"),
              lines.end());
}

TEST_F(AgentLogTest, ReportsTheFailedDetectionInTheReportLines) {
    auto const out = run_sync(office_options(), net, clock);
    auto const lines = tagged(out.log);
    auto const event = std::find_if(lines.begin(), lines.end(), [](const std::string& l) {
        return l.find("\t148\t") != std::string::npos;
    });
    ASSERT_NE(event, lines.end());
    EXPECT_THAT(*event, ::testing::MatchesRegex(
                            "Report REPORT EVENT: \\{[0-9A-F-]{36}\\}\t2008-06-13 [0-9:]{12}-0700\t1\t148\t101\t"
                            "\\{00000000-0000-0000-0000-000000000000\\}\t0\t8024400e\tAutomaticUpdates\tFailure\t"
                            "Software Synchronization\tWindows Update Client failed to detect with error 0x8024400e\\."));
    EXPECT_EQ(lines.back(), "Report Reporter successfully uploaded 2 events.");
}

TEST_F(AgentLogTest, AGoodDetectionEndsWithFoundAndDetectedLines) {
    server.sync_fault_at.reset();
    auto const out = run_sync(office_options(), net, clock);
    auto const lines = tagged(out.log);
    std::vector<std::string> const expected{
        "Agent * Found 2 updates and 1 categories in search; evaluated appl. rules of 6 out of 6 deployed entities",
        "Agent *********",
        "Agent ** END ** Agent: Finding updates [CallerId = AutomaticUpdates]",
        "Agent *************",
    };
    EXPECT_GE(find_block(lines, expected), 0) << ::testing::PrintToString(lines);
    EXPECT_NE(std::find(lines.begin(), lines.end(), "AU # 2 updates detected"), lines.end());
    EXPECT_NE(std::find(lines.begin(), lines.end(), "PT +++++++++++ PT: Synchronizing extended update info +++++++++++"),
              lines.end());
    EXPECT_EQ(std::count_if(lines.begin(), lines.end(),
                            [](const std::string& l) { return l.find("WARNING") != std::string::npos; }),
              0);
}

TEST_F(AgentLogTest, TheSameSeedGivesTheSameLog) {
    auto const a = run_sync(office_options(), net, clock);
    fake_wsus other;
    other.fault_status = 200;
    other.sync_fault_at = {{2, error_code::internal_server_error}};
    NiceMock<mock_transport> net2;
    other.attach(net2);
    simulated_clock clock2{*parse_iso8601("2008-06-14T02:59:53.383Z")};
    auto const b = run_sync(office_options(), net2, clock2);
    EXPECT_EQ(a.log, b.log);
}

}  // namespace
}  // namespace wsuslab::client
