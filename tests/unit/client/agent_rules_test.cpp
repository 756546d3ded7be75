// The agent and rules it cannot evaluate: the update is not applicable, the sync goes on, and
// the agent logs why (docs/applicability-rules.md §5); real-world rules it knows are evaluated.
#include <algorithm>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <wsuslab/client/agent.hpp>

#include "fake_wsus.hpp"

namespace wsuslab::client {
namespace {

using testing::fake_wsus;
using testing::mock_transport;
using ::testing::Contains;
using ::testing::NiceMock;

class AgentRulesTest : public ::testing::Test {
protected:
    void SetUp() override {
        server.catalog.push_back({30, "0a000000-0000-4000-8000-000000000030", "Software", true, {},
                                  "<ApplicabilityRules><IsInstalled><False /></IsInstalled>"
                                  "<IsInstallable><b.FutureRule Level=\"9\" /></IsInstallable>"
                                  "</ApplicabilityRules>",
                                  protocol::deployment_action::install, "Future", ""});
        server.catalog.push_back({31, "0a000000-0000-4000-8000-000000000031", "Software", true, {},
                                  "<ApplicabilityRules><IsInstalled><False /></IsInstalled>"
                                  "<IsInstallable><And><b.Processor Architecture=\"12\" />"
                                  "<b.WindowsVersion Comparison=\"GreaterThanOrEqualTo\" "
                                  "MajorVersion=\"10\" AllSuitesMustBePresent=\"true\" SuiteMask=\"256\" />"
                                  "<Not><b.MuiInstalled /></Not></And></IsInstallable></ApplicabilityRules>",
                                  protocol::deployment_action::install, "ARM64 only", ""});
        server.attach(net);
    }
    NiceMock<mock_transport> net;
    fake_wsus server;
    simulated_clock clock{*parse_iso8601("2026-10-04T15:00:00Z")};
};

mitigation::client_profile arm64_profile() {
    mitigation::client_profile p;
    p.name = "arm64";
    p.client_id = "e5e5fdfe-9549-4960-5fb7-015913adb399";
    p.dns_name = "arm64.wsuslab.example";
    p.machine.os_major = 10;
    p.machine.os_minor = 0;
    p.machine.os_build = 26100;
    p.machine.suite_mask = 0x0100;
    p.machine.processor_architecture = "arm64";
    p.computer.dns_name = p.dns_name;
    return p;
}

TEST_F(AgentRulesTest, AnUnknownRuleMakesTheUpdateNotApplicableWithALogLine) {
    sync_options o;
    o.server_url = "http://wsus.test:8530/";
    o.profile = arm64_profile();
    auto const out = run_sync(o, net, clock);
    ASSERT_EQ(out.verdict, sync_verdict::synced) << out.error;
    EXPECT_THAT(out.warnings,
                Contains("revision 30: applicability: IsInstallable: b.FutureRule: unknown rule "
                         "element; the agent's evaluator reports WU_E_EE_UNKNOWN_EXPRESSION "
                         "(0x8024E001)"));
    EXPECT_TRUE(std::none_of(out.warnings.begin(), out.warnings.end(), [](const std::string& w) {
        return w.find("bad Core XML") != std::string::npos;
    }));
    EXPECT_THAT(out.needed_revision_ids, Contains(31)) << "the ARM64 rules are evaluated";
    EXPECT_THAT(out.needed_revision_ids, ::testing::Not(Contains(30)));
}

TEST_F(AgentRulesTest, TheSameRulesOnAnX64MachineAreFalseWithoutWarnings) {
    sync_options o;
    o.server_url = "http://wsus.test:8530/";
    o.profile = arm64_profile();
    o.profile.machine.processor_architecture = "amd64";
    auto const out = run_sync(o, net, clock);
    ASSERT_EQ(out.verdict, sync_verdict::synced) << out.error;
    EXPECT_THAT(out.needed_revision_ids, ::testing::Not(Contains(31)));
    EXPECT_EQ(std::count_if(out.warnings.begin(), out.warnings.end(),
                            [](const std::string& w) { return w.find("revision 31") != std::string::npos; }),
              0);
}

}  // namespace
}  // namespace wsuslab::client
