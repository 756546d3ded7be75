// Replay in the regression suite: `validate` against the shipped recordings of fixtures/exchanges
// reaches the verdict it reaches against the computed server, and the hand-made duplicate-ID
// exchanges are replayed, judged by the rule checker with a clear verdict, and survived by the
// agent when a live session serves them.

#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <wsuslab/client/validate.hpp>
#include <wsuslab/protocol/codec.hpp>
#include <wsuslab/server/exchange_store.hpp>

#include "regression_support.hpp"

namespace wsuslab::regression {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using mitigation::model_kind;

constexpr const char* handmade = "exchanges/handmade-duplicates";

std::string exchange_dir(const std::string& name) {
    return test::fixture_path(std::string(handmade) + "/" + name);
}

// --- validate against the shipped recordings ------------------------------------------------

// The recordings hold office2003-workstation and plain-workstation, run with the agent defaults
// (events reported, the MS-WUSP end of the software pass), so validate runs exactly those two
// probes with those options. A recording reports no resolved duplicates on /metrics, so revision
// 8862 is named as the evidence.
client::validation_report validate_two(const std::string& url) {
    client::validation_options o;
    o.server_url = url;
    o.probes = {profile("office2003-workstation"), profile("plain-workstation")};
    o.rounds = client::round_rule::spec;
    o.duplicate_revision = 8862;
    return client::run_validation(o, [] { return std::make_unique<client::http_transport>(); });
}

struct recording_case {
    const char* folder;
    model_kind model;
    client::validation_verdict verdict;
};

void PrintTo(const recording_case& c, std::ostream* os) { *os << c.folder; }

class RegressionReplayTest : public ::testing::TestWithParam<recording_case> {};

TEST_P(RegressionReplayTest, ValidateGivesTheSameVerdictAsAgainstTheComputedServer) {
    auto const dir = fs::path(test::fixtures_dir()) / "exchanges" / GetParam().folder;
    ASSERT_TRUE(fs::is_directory(dir)) << dir << " is not shipped";
    server::service_options replay;
    replay.replay_dir = dir.string();
    lab_server replayed(replay);
    lab_server computed(lab_server::with_model(GetParam().model));

    auto const from_recording = validate_two(replayed.url());
    auto const from_service = validate_two(computed.url());
    EXPECT_EQ(from_recording.verdict, GetParam().verdict) << from_recording.reason << "\n"
                                                          << client::format_validation_text(from_recording);
    EXPECT_EQ(from_service.verdict, GetParam().verdict) << from_service.reason;
    EXPECT_EQ(from_recording.violation_count(), 0U) << client::format_validation_text(from_recording);
    ASSERT_EQ(from_recording.probes.size(), from_service.probes.size());
    for (std::size_t i = 0; i < from_service.probes.size(); ++i) {
        auto const& a = from_recording.probes[i].outcome;
        auto const& b = from_service.probes[i].outcome;
        EXPECT_EQ(a.verdict, b.verdict) << from_service.probes[i].profile;
        EXPECT_EQ(a.hresult, b.hresult) << from_service.probes[i].profile;
        EXPECT_EQ(a.needed_revision_ids, b.needed_revision_ids) << from_service.probes[i].profile;
    }
}

INSTANTIATE_TEST_SUITE_P(
    Shipped, RegressionReplayTest,
    ::testing::Values(recording_case{"kb954960-legacy", model_kind::legacy, client::validation_verdict::affected},
                      recording_case{"kb954960-fixed", model_kind::fixed, client::validation_verdict::patched}),
    [](const ::testing::TestParamInfo<recording_case>& p) {
        return p.param.model == model_kind::legacy ? std::string("Legacy") : std::string("Fixed");
    });

// --- the hand-made duplicate-ID exchanges ------------------------------------------------------

server::recorded_exchange load_handmade(const std::string& name) {
    auto r = server::read_exchange(exchange_dir(name));
    if (!r) {
        ADD_FAILURE() << r.error().message();
        return {};
    }
    return r.value();
}

// A recorded exchange as rule-checker input.
mitigation::checked_exchange as_checked(const server::recorded_exchange& e) {
    mitigation::checked_exchange c;
    c.index = 1;
    c.round = 1;
    c.op = protocol::operation::sync_updates;
    c.soap_action = e.meta.soap_action;
    c.http_status = e.response.status;
    auto const req = protocol::parse_request(e.request.body, e.meta.soap_action);
    if (req) {
        c.parameters = std::get<protocol::sync_updates_request>(req.value().body).parameters;
    }
    auto reply = protocol::parse_response(c.op, e.response.body);
    if (reply) {
        c.reply = reply.value();
    } else {
        c.parse_problem = reply.error().description;
    }
    return c;
}

std::vector<std::string> verdicts(const server::recorded_exchange& e) {
    std::vector<std::string> out;
    for (auto const& v : mitigation::check_run({as_checked(e)})) {
        out.push_back(v.to_string());
    }
    return out;
}

TEST(RegressionHandmadeTest, ReplayAnswersEachHandmadeRequestByteForByte) {
    auto loaded = server::exchange_replayer::load(test::fixture_path(handmade));
    ASSERT_TRUE(loaded) << loaded.error().message();
    auto& replayer = *loaded.value();
    ASSERT_EQ(replayer.exchanges().size(), 3U);
    for (auto const& e : std::vector<server::recorded_exchange>(replayer.exchanges())) {
        SCOPED_TRACE(e.name);
        auto const answer = replayer.respond(e.request);
        EXPECT_EQ(answer.status, e.response.status);
        EXPECT_EQ(answer.body, e.response.body);
    }
    EXPECT_EQ(replayer.unconsumed(), 0U);
}

TEST(RegressionHandmadeTest, RuleCheckerGivesAClearVerdictOnEachHandmadeExchange) {
    // A duplicate in the request is the client's business; the server's fault is well formed.
    EXPECT_THAT(verdicts(load_handmade("0001-dup-request-ids-SyncUpdates")), ::testing::IsEmpty());
    EXPECT_THAT(verdicts(load_handmade("0002-dup-new-updates-SyncUpdates")),
                ElementsAre("SyncUpdates round 1 (exchange 1): [unique-revision-id] revision 8862 appears 2 "
                            "times in NewUpdates"));
    EXPECT_THAT(verdicts(load_handmade("0003-two-revisions-one-update-SyncUpdates")),
                ElementsAre("SyncUpdates round 1 (exchange 1): [one-revision-per-update] NewUpdates holds 2 "
                            "revisions of UpdateID 3f0b5c6e-2003-4a51-9d2e-0ff1ce2003a1: 8862 (RevisionNumber "
                            "204), 8863 (RevisionNumber 205)"));
}

// Serves the computed (fixed) server, but the first SyncUpdates answer of the session carries the
// hand-made exchange instead: its NewUpdates spliced into the live answer (so the live cookie
// stays valid), or, for a recorded fault, the recorded answer as it is.
lab_server::handler_wrapper splice_first_sync(server::recorded_exchange e) {
    return [e = std::move(e)](server::request_handler inner) -> server::request_handler {
        auto done = std::make_shared<std::atomic<bool>>(false);
        return [inner = std::move(inner), e, done](const server::http_request& req) {
            auto res = inner(req);
            auto const action = req.header("SOAPAction");
            if (!action || action->find("/SyncUpdates") == std::string_view::npos || done->exchange(true)) {
                return res;
            }
            if (e.response.status != 200) {
                return e.response;
            }
            auto live = protocol::parse_response(protocol::operation::sync_updates, res.body);
            auto made = protocol::parse_response(protocol::operation::sync_updates, e.response.body);
            if (!live || !made) {
                ADD_FAILURE() << "cannot splice: " << (live ? made.error().description : live.error().description);
                return res;
            }
            auto r = std::get<protocol::sync_updates_response>(std::get<protocol::response>(live.value()));
            auto const& extra = std::get<protocol::sync_updates_response>(std::get<protocol::response>(made.value()));
            if (!r.result->new_updates) {
                r.result->new_updates.emplace();
            }
            r.result->new_updates->insert(r.result->new_updates->end(), extra.result->new_updates->begin(),
                                          extra.result->new_updates->end());
            res.body = protocol::serialize_response(protocol::response{r});
            return res;
        };
    };
}

TEST(RegressionHandmadeTest, AgentSurvivesARecordedFaultOnTheFirstRound) {
    auto const e = load_handmade("0001-dup-request-ids-SyncUpdates");
    lab_server lab(lab_server::with_model(model_kind::fixed), splice_first_sync(e));
    auto const o = sync(lab.url(), "plain-workstation");
    EXPECT_EQ(o.verdict, client::sync_verdict::failed);
    EXPECT_EQ(o.hresult, 0x8024400EU);
    ASSERT_TRUE(o.fault.has_value());
    EXPECT_EQ(o.fault->fault.id, "5d0c8a1e-7f3b-4c2a-9e61-954960000001");
    EXPECT_EQ(o.rounds.size(), 1U);
    EXPECT_TRUE(mitigation::check_run(client::to_checked_exchanges(o.exchanges)).empty());
}

TEST(RegressionHandmadeTest, AgentSurvivesDuplicateNewUpdatesAndValidateNamesThem) {
    auto const e = load_handmade("0002-dup-new-updates-SyncUpdates");
    lab_server lab(lab_server::with_model(model_kind::fixed), splice_first_sync(e));
    auto const o = sync(lab.url(), "plain-workstation");
    EXPECT_EQ(o.verdict, client::sync_verdict::synced) << o.error;
    std::vector<std::string> found;
    for (auto const& v : mitigation::check_run(client::to_checked_exchanges(o.exchanges))) {
        found.push_back(v.rule + ": " + v.message);
    }
    EXPECT_THAT(found, ::testing::Contains("unique-revision-id: revision 8862 appears 2 times in NewUpdates"));
    for (auto const& f : found) {
        EXPECT_THAT(f, ::testing::HasSubstr("8862")) << "only the spliced revision is at fault";
    }
}

TEST(RegressionHandmadeTest, AgentSurvivesTwoRevisionsOfOneUpdate) {
    auto const e = load_handmade("0003-two-revisions-one-update-SyncUpdates");
    lab_server lab(lab_server::with_model(model_kind::fixed), splice_first_sync(e));
    auto const o = sync(lab.url(), "plain-workstation");
    EXPECT_EQ(o.verdict, client::sync_verdict::synced) << o.error;
    std::vector<std::string> rules;
    for (auto const& v : mitigation::check_run(client::to_checked_exchanges(o.exchanges))) {
        rules.push_back(v.rule);
    }
    EXPECT_THAT(rules, ::testing::Contains("one-revision-per-update"));
}

}  // namespace
}  // namespace wsuslab::regression
