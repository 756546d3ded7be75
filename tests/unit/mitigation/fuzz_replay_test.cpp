// Replays fixtures/fuzz/fuzz_scenario/ through the very function the libFuzzer target runs
// (tests/fuzz/scenario_input.hpp; docs/testing.md "Fuzzing"): minimised crashers and hand-made
// tricky inputs, each with its exact outcome.

#include <gtest/gtest.h>

#include "fuzz_replay.hpp"
#include "scenario_input.hpp"

namespace wsuslab::mitigation::test {
namespace {

TEST(FuzzReplayTest, ScenarioInputsGiveTheirOutcome) {
    // A one-update scenario (docs/scenario-format.md), whole, cut, and with an edited attribute.
    wsuslab::test::replay_fuzz_regressions(
        "fuzz_scenario", fuzz::run_scenario_input,
        {
            {"minimal.xml", "loaded"},
            {"truncated-in-an-attribute.xml",
             "refused: fuzz.xml:5: malformed XML: Error parsing element attribute"},
            {"update-revision-id-overflow.xml",
             "refused: fuzz.xml:5: <Update> attribute RevisionID: expected an integer from 1 to "
             "2147483647, got '99999999999999999999'"},
        });
}

}  // namespace
}  // namespace wsuslab::mitigation::test
