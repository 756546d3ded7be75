// The shipped recordings in fixtures/exchanges/kb954960-*: they are what the current service and
// agent produce (a fresh recording matches them exchange for exchange), and a client replayed
// against them has the experience it has against the live service.
//
// Regenerating them (after a deliberate change of the service or the agent), from the source root:
//   WSUSLAB_REGENERATE_EXCHANGES=$PWD/fixtures/exchanges
//       <build>/tests/integration/integration_tests --gtest_filter='*ReplayRecordingsTest*'
// (one command line)
// rewrites fixtures/exchanges/kb954960-legacy and kb954960-fixed and then checks them.

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <wsuslab/server/exchange_store.hpp>

#include "replay_support.hpp"

namespace wsuslab::replay_test {
namespace {

namespace fs = std::filesystem;

std::string shipped_dir(const recording_plan& p) {
    return (fs::path(test::fixtures_dir()) / "exchanges" / p.folder).string();
}

class ReplayRecordingsTest : public ::testing::TestWithParam<recording_plan> {};

TEST_P(ReplayRecordingsTest, ShippedRecordingMatchesAFreshRecording) {
    const recording_plan& plan = GetParam();
    std::string fresh;
    if (const char* target = std::getenv("WSUSLAB_REGENERATE_EXCHANGES");
        target != nullptr && *target != '\0') {
        fresh = (fs::path(target) / plan.folder).string();
        fs::remove_all(fresh);
    } else {
        fresh = fresh_dir(plan.folder);
    }
    record_plan(plan, fresh);

    auto shipped = server::exchange_replayer::load(shipped_dir(plan));
    ASSERT_TRUE(shipped.ok()) << shipped.error().message()
                              << "\nregenerate with: " << regenerate_command;
    auto now = server::exchange_replayer::load(fresh);
    ASSERT_TRUE(now.ok()) << now.error().message();
    ASSERT_EQ(now.value()->exchanges().size(), shipped.value()->exchanges().size())
        << "regenerate with: " << regenerate_command;
    // Each fresh request must be answered by the shipped exchange of the same name, with the same
    // response apart from per-run cookies and fault IDs.
    for (auto const& e : now.value()->exchanges()) {
        SCOPED_TRACE(e.name);
        auto outcome = shipped.value()->answer(e.request);
        auto* m = std::get_if<server::replay_match>(&outcome);
        ASSERT_NE(m, nullptr) << std::get<server::replay_mismatch>(outcome).message()
                              << "\nregenerate with: " << regenerate_command;
        EXPECT_EQ(m->name, e.name);
        EXPECT_EQ(m->response.status, e.response.status);
        EXPECT_EQ(mask_per_run(m->response.body), mask_per_run(e.response.body));
    }
    EXPECT_EQ(shipped.value()->unconsumed(), 0U);
}

TEST_P(ReplayRecordingsTest, ClientsGetFromTheRecordingWhatTheyGetFromTheLiveService) {
    const recording_plan& plan = GetParam();
    auto live = wsus_under_test::live(plan.model);
    auto replay = wsus_under_test::replaying(shipped_dir(plan));
    for (auto const& c : plan.clients) {
        SCOPED_TRACE(c);
        const auto expected = run_client(live->url(), c);
        const auto got = run_client(replay->url(), c);
        EXPECT_EQ(got.verdict, expected.verdict) << got.error;
        EXPECT_EQ(got.hresult, expected.hresult);
        EXPECT_EQ(got.needed_revision_ids, expected.needed_revision_ids);
        EXPECT_EQ(comparable_log(got, replay->url()), comparable_log(expected, live->url()));
        const bool fails =
            plan.model == mitigation::model_kind::legacy && c == "office2003-workstation";
        EXPECT_EQ(got.hresult, fails ? 0x8024400EU : 0U);
        if (fails) {
            ASSERT_TRUE(got.fault.has_value());
            EXPECT_EQ(got.fault->fault.error, "InternalServerError");
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Shipped, ReplayRecordingsTest, ::testing::ValuesIn(shipped_plans()),
                         [](const auto& param_info) {
                             std::string name = param_info.param.folder;
                             name.erase(std::remove(name.begin(), name.end(), '-'), name.end());
                             return name;
                         });

}  // namespace
}  // namespace wsuslab::replay_test
