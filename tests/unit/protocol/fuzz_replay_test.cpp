// Replays fixtures/fuzz/fuzz_request/, fuzz_response/ and fuzz_core_rules/ through the very
// functions the libFuzzer targets run (tests/fuzz/<name>_input.hpp; docs/testing.md "Fuzzing"):
// minimised crashers and hand-made tricky inputs, each with its exact outcome.

#include <gtest/gtest.h>

#include "core_rules_input.hpp"
#include "fuzz_replay.hpp"
#include "request_input.hpp"
#include "response_input.hpp"

namespace wsuslab::protocol::test {
namespace {

TEST(FuzzReplayTest, RequestInputsGiveTheirOutcome) {
    // fixtures/soap/valid/SyncUpdates/request-1.xml, cut or edited; the first byte picks the
    // SOAPAction (12: none, 0: GetAuthorizationCookie's).
    wsuslab::test::replay_fuzz_regressions(
        "fuzz_request", fuzz::run_request_input,
        {
            {"syncupdates-truncated.xml",
             "refused (Client): XML not well-formed: Start-end tags mismatch at byte 413"},
            {"syncupdates-under-other-action.xml",
             "refused (Client): SOAPAction \"http://www.microsoft.com/SoftwareDistribution/Server/"
             "SimpleAuthWebService/GetAuthorizationCookie\" does not match Body element SyncUpdates"},
            {"syncupdates-revision-id-overflow.xml",
             "refused (Client): invalid int value at parameters.InstalledNonLeafUpdateIDs[0]"},
        });
}

TEST(FuzzReplayTest, ResponseInputsGiveTheirOutcome) {
    // "<parse_response for the operation of the first byte> | <parse_fault>" (response_input.hpp).
    wsuslab::test::replay_fuzz_regressions(
        "fuzz_response", fuzz::run_response_input,
        {
            {"getconfig-truncated.xml",
             "refused: XML not well-formed: Error parsing start element tag at byte 610 | "
             "refused: XML not well-formed: Error parsing start element tag at byte 610"},
            {"getconfig-read-as-syncupdates.xml",
             "refused: Body element GetConfigResponse is not SyncUpdatesResponse | "
             "refused: SOAP Body holds no Fault"},
            // The legacy server's answer of the advisory (fixtures/exchanges/kb954960-legacy).
            {"syncupdates-internalservererror.xml",
             "fault: Server InternalServerError | fault: Server InternalServerError"},
        });
}

TEST(FuzzReplayTest, CoreRulesInputsGiveTheirOutcome) {
    // fixtures/interop/core/reg-dword.xml, cut or edited.
    wsuslab::test::replay_fuzz_regressions(
        "fuzz_core_rules", fuzz::run_core_rules_input,
        {
            {"reg-dword-truncated.xml",
             "refused: malformed Core fragment at byte 203: Error parsing element attribute"},
            {"revision-number-overflow.xml",
             "refused: UpdateIdentity: RevisionNumber '2147483648' is not a number"},
            {"and-nested-200-deep.xml",
             "refused: ApplicabilityRules: rules nested deeper than 32 levels"},
        });
}

}  // namespace
}  // namespace wsuslab::protocol::test
