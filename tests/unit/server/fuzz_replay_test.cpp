// Replays fixtures/fuzz/fuzz_cookie/ and fixtures/fuzz/fuzz_exchange/ through the very functions
// the libFuzzer targets run (tests/fuzz/cookie_input.hpp, exchange_input.hpp; docs/testing.md
// "Fuzzing"): minimised crashers and hand-made tricky inputs, each with its exact outcome.

#include <gtest/gtest.h>

#include "cookie_input.hpp"
#include "exchange_input.hpp"
#include "fuzz_replay.hpp"

namespace wsuslab::server::test {
namespace {

TEST(FuzzReplayTest, CookieInputsGiveTheirOutcome) {
    // The first byte 1 signs the rest with the target's key (cookie_input.hpp), so the payload
    // decoder is reached: the times are decimal std::int64_t text, nothing wider, no '+'.
    wsuslab::test::replay_fuzz_regressions(
        "fuzz_cookie", fuzz::run_cookie_input,
        {
            // libFuzzer's first find: "-9323372036854775807" overflowed the digit loop (UBSan).
            {"crash-i64-overflow.bin", "refused: malformed payload"},
            {"signed-int64-min.bin", "opened"},
            {"signed-int64-max-plus-one.bin", "refused: malformed payload"},
            {"signed-plus-sign.bin", "refused: malformed payload"},
            {"base64-truncated.txt", "refused: not base64"},
        });
}

TEST(FuzzReplayTest, ExchangeInputsGiveTheirOutcome) {
    // A GetConfig recording of fixtures/exchanges/kb954960-legacy with one file edited.
    wsuslab::test::replay_fuzz_regressions(
        "fuzz_exchange", fuzz::run_exchange_input,
        {
            {"getconfig-meta-truncated",
             "refused: rec/0001-office2003-workstation-GetConfig/meta.json: not valid JSON"},
            {"getconfig-status-overflow",
             "refused: rec/0001-office2003-workstation-GetConfig/meta.json: field \"http_status\" "
             "must be an HTTP status code (100-599)"},
            // The reader drops a recorded Content-Length (the session recomputes it), whatever
            // its value.
            {"getconfig-content-length-overflow", "loaded"},
        });
}

}  // namespace
}  // namespace wsuslab::server::test
