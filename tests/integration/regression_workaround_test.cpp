// The data-repair workaround over real HTTP: `wsuslab diagnose --apply-workaround` writes a
// repaired scenario; the legacy (unpatched) model then serves every profile, Office 2003 included.

#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <wsuslab/client/validate.hpp>

#include "cli_support.hpp"
#include "regression_support.hpp"

namespace wsuslab::regression {
namespace {

using mitigation::model_kind;

// The scenario `diagnose --apply-workaround` writes, loaded back.
std::shared_ptr<const mitigation::scenario> repaired_scenario() {
    SCOPED_TRACE("wsuslab diagnose --apply-workaround on kb954960.xml");
    auto const out = temp_dir("workaround") + "/kb954960-repaired.xml";
    EXPECT_EQ(test::run_wsuslab({"diagnose", "--scenario", test::fixture_path("scenarios/kb954960.xml"),
                                 "--apply-workaround", out})
                  .code,
              0);
    auto loaded = mitigation::load_scenario_file(out);
    if (!std::holds_alternative<mitigation::scenario>(loaded)) {
        ADD_FAILURE() << std::get<mitigation::scenario_error>(loaded).to_string();
        return nullptr;
    }
    return std::make_shared<const mitigation::scenario>(std::get<mitigation::scenario>(std::move(loaded)));
}

// The legacy (unpatched) model serving `data`.
server::service_options legacy_on(std::shared_ptr<const mitigation::scenario> data) {
    auto options = lab_server::with_model(model_kind::legacy);
    options.scenario = std::move(data);
    return options;
}

TEST(RegressionWorkaroundTest, ApplyWorkaroundMakesTheLegacyModelSync) {
    auto const repaired = repaired_scenario();
    ASSERT_NE(repaired, nullptr);
    // The repaired data still names the legacy model: no code fix, only data.
    lab_server lab(legacy_on(repaired));

    for (auto const* name : {"office2003-workstation", "plain-workstation", "server-2003"}) {
        SCOPED_TRACE(name);
        auto o = agent_options(lab.url(), *repaired->find_profile(name));
        auto const outcome = sync(o);
        EXPECT_EQ(outcome.verdict, client::sync_verdict::synced) << outcome.error;
        auto const ids = received_ids(outcome);
        EXPECT_EQ(std::set<std::int32_t>(ids.begin(), ids.end()).size(), ids.size());
        // Declining Office 2003 SP1 removed every row of revision 8862: nobody is offered it.
        EXPECT_EQ(std::count(ids.begin(), ids.end(), 8862), 0);
        EXPECT_TRUE(mitigation::check_run(client::to_checked_exchanges(outcome.exchanges)).empty());
    }
    EXPECT_TRUE(lab.service().last_fault_ids().empty());
}

// The workaround removes the bad data but not the bug: validate sees the Office 2003 path work
// and has no evidence of the fix (docs/validation-guide.md).
TEST(RegressionWorkaroundTest, ValidateCallsTheRepairedLegacyServerNotAffected) {
    auto const repaired = repaired_scenario();
    ASSERT_NE(repaired, nullptr);
    lab_server lab(legacy_on(repaired));
    client::validation_options vo;
    vo.server_url = lab.url();
    vo.probes = std::get<std::vector<mitigation::client_profile>>(client::probe_profiles(*repaired));
    vo.client.report_events = false;
    vo.duplicate_revision = 8862;
    auto const r = client::run_validation(vo, [] { return std::make_unique<client::http_transport>(); });
    EXPECT_EQ(r.verdict, client::validation_verdict::not_affected) << r.reason;
    EXPECT_THAT(r.reason, ::testing::HasSubstr("revision 8862 (--duplicate-revision) was not delivered"));
    EXPECT_EQ(r.exit_code(), 3) << client::format_validation_text(r);
}

TEST(RegressionWorkaroundTest, TheUnrepairedScenarioStillFailsOnTheSameServerBuild) {
    // Control: the same legacy model on the shipped data fails for Office 2003 only.
    lab_server lab(lab_server::with_model(model_kind::legacy));
    EXPECT_EQ(sync(lab.url(), "office2003-workstation").hresult, 0x8024400EU);
    EXPECT_EQ(sync(lab.url(), "plain-workstation").verdict, client::sync_verdict::synced);
}

}  // namespace
}  // namespace wsuslab::regression
