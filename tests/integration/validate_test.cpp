// `wsuslab validate` end to end: the library against in-process servers over real HTTP, and the
// subcommand itself run in-process (exit codes, --json, --junit).

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include <wsuslab/client/validate.hpp>
#include <wsuslab/protocol/codec.hpp>

#include "cli_support.hpp"
#include "regression_support.hpp"

namespace wsuslab::regression {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using mitigation::model_kind;

client::validation_report validate(const std::string& url, mitigation::rule_options rules = {}) {
    client::validation_options o;
    o.server_url = url;
    auto probes = client::probe_profiles(*kb954960());
    o.probes = std::get<std::vector<mitigation::client_profile>>(probes);
    o.client.report_events = false;
    o.rules = rules;
    return client::run_validation(o, [] { return std::make_unique<client::http_transport>(); });
}

// A handler wrapper that breaks MS-WUSP on purpose: every SyncUpdates answer with new updates
// carries its first UpdateInfo twice.
lab_server::handler_wrapper duplicate_first_new_update() {
    return [](server::request_handler inner) -> server::request_handler {
        return [inner = std::move(inner)](const server::http_request& req) {
            auto res = inner(req);
            auto const action = req.header("SOAPAction");
            if (res.status != 200 || !action || action->find("/SyncUpdates") == std::string_view::npos) {
                return res;
            }
            auto parsed = protocol::parse_response(protocol::operation::sync_updates, res.body);
            if (!parsed || !std::holds_alternative<protocol::response>(parsed.value())) {
                return res;
            }
            auto r = std::get<protocol::sync_updates_response>(std::get<protocol::response>(parsed.value()));
            if (!r.result || !r.result->new_updates || r.result->new_updates->empty()) {
                return res;
            }
            r.result->new_updates->push_back(r.result->new_updates->front());
            res.body = protocol::serialize_response(protocol::response{r});
            return res;
        };
    };
}

TEST(ValidateTest, PatchedAgainstTheFixedModel) {
    lab_server lab(lab_server::with_model(model_kind::fixed));
    auto const r = validate(lab.url());
    EXPECT_EQ(r.verdict, client::validation_verdict::patched) << r.reason;
    EXPECT_EQ(r.violation_count(), 0U) << client::format_validation_text(r);
    EXPECT_EQ(r.exit_code(), 0);
    ASSERT_EQ(r.probes.size(), 3U);
    for (auto const& p : r.probes) {
        EXPECT_EQ(p.outcome.verdict, client::sync_verdict::synced) << p.profile << ": " << p.summary();
    }
    // The evidence is the server's own count of resolved duplicate rows (/metrics).
    EXPECT_EQ(r.reason, "the server reports resolving 4 duplicate deployment rows while answering "
                        "office2003-workstation (wsuslab_duplicates_resolved_total on /metrics), and "
                        "office2003-workstation synced; plain-workstation and server-2003 sync too");
    ASSERT_TRUE(r.probes[0].evidence.has_value());
    EXPECT_TRUE(r.probes[0].evidence->exercised());
}

TEST(ValidateTest, AffectedAgainstTheLegacyModel) {
    lab_server lab(lab_server::with_model(model_kind::legacy));
    auto const r = validate(lab.url());
    EXPECT_EQ(r.verdict, client::validation_verdict::affected) << r.reason;
    EXPECT_EQ(r.violation_count(), 0U) << client::format_validation_text(r);
    EXPECT_EQ(r.exit_code(), 1);
    ASSERT_TRUE(r.probes[0].outcome.fault.has_value());
    auto const id = r.probes[0].outcome.fault->fault.id;
    EXPECT_EQ(r.reason, "office2003-workstation gets the KB954960 fault (InternalServerError on SyncUpdates, "
                        "fault ID " + id + ") while plain-workstation and server-2003 sync");
    EXPECT_EQ(lab.service().last_fault_ids(), std::vector<std::string>{id});
}

TEST(ValidateTest, ReportsAnInjectedDuplicateRevision) {
    lab_server lab(lab_server::with_model(model_kind::fixed), duplicate_first_new_update());
    auto const r = validate(lab.url());
    // The agent tolerates the duplicate, so the KB954960 question still has its answer...
    EXPECT_EQ(r.verdict, client::validation_verdict::patched) << r.reason;
    // ...but the server broke MS-WUSP, and that is reported with exit code 1.
    EXPECT_EQ(r.exit_code(), 1);
    ASSERT_GT(r.violation_count(), 0U);
    for (auto const& p : r.probes) {
        ASSERT_FALSE(p.violations.empty()) << p.profile;
        for (auto const& v : p.violations) {
            EXPECT_EQ(v.rule, "unique-revision-id") << v.to_string();
            EXPECT_THAT(v.message, ::testing::MatchesRegex("revision [0-9]+ appears 2 times in NewUpdates"));
            EXPECT_EQ(v.op, protocol::operation::sync_updates);
            EXPECT_GE(v.round, 1U);
        }
    }
    auto const text = client::format_validation_text(r);
    EXPECT_THAT(text, HasSubstr("[unique-revision-id] revision "));
    EXPECT_THAT(text, HasSubstr("verdict: PATCHED\n"));
}

TEST(ValidateTest, InconclusiveWhenNothingListens) {
    std::string url;
    {
        test::test_server gone{test::echo_handler};
        url = gone.url();
    }
    auto const r = validate(url);
    EXPECT_EQ(r.verdict, client::validation_verdict::inconclusive);
    EXPECT_EQ(r.exit_code(), 2);
    EXPECT_THAT(r.reason, StartsWith("cannot complete the office2003-workstation probe: connection error: "));
    ASSERT_EQ(r.probes.size(), 3U);
    EXPECT_FALSE(r.probes[1].ran);
    EXPECT_FALSE(r.probes[2].ran);
}

TEST(ValidateTest, InconclusiveWhenTheServerAnswersSomethingElse) {
    test::test_server echo{test::echo_handler};
    auto const r = validate(echo.url());
    EXPECT_EQ(r.verdict, client::validation_verdict::inconclusive) << r.reason;
    EXPECT_EQ(r.exit_code(), 2);
    EXPECT_THAT(r.reason, HasSubstr("not the KB954960 signature"));
    // The garbage answers are protocol violations too.
    EXPECT_GT(r.violation_count(), 0U);
}

// --- the subcommand ------------------------------------------------------------------------------

TEST(ValidateCommandTest, LegacyServerExitsOneAndWritesJunit) {
    lab_server lab(lab_server::with_model(model_kind::legacy));
    auto const junit = temp_dir("junit") + "/validate.xml";
    auto const r = test::run_wsuslab({"validate", "--server", lab.url(), "--junit", junit});
    EXPECT_EQ(r.code, 1) << r.out;
    EXPECT_THAT(r.out, HasSubstr("verdict: AFFECTED BY KB954960\n"));
    EXPECT_THAT(r.out, HasSubstr("  protocol rules: 22 checked, 0 violations\n"));

    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_file(junit.c_str())) << junit;
    auto const suite = doc.child("testsuite");
    EXPECT_EQ(suite.attribute("tests").as_int(), 3 + static_cast<int>(mitigation::all_rules().size()));
    EXPECT_EQ(suite.attribute("failures").as_int(), 1);
    EXPECT_EQ(suite.attribute("errors").as_int(), 0);
    auto const office = suite.find_child_by_attribute("testcase", "name", "office2003-workstation");
    EXPECT_THAT(office.child("failure").attribute("message").value(),
                HasSubstr("SyncUpdates fault InternalServerError"));
    EXPECT_THAT(office.child("failure").child_value(), HasSubstr("PT WARNING: ErrorCode:InternalServerError(5)"));
    EXPECT_FALSE(suite.find_child_by_attribute("testcase", "name", "unique-revision-id").child("failure"));
}

TEST(ValidateCommandTest, FixedServerExitsZeroWithJson) {
    lab_server lab(lab_server::with_model(model_kind::fixed));
    auto const r = test::run_wsuslab({"validate", "--server", lab.url() + "/", "--json"});
    EXPECT_EQ(r.code, 0) << r.out;
    auto const doc = nlohmann::json::parse(r.out);
    EXPECT_EQ(doc["verdict"], "PATCHED");
    EXPECT_EQ(doc["server_url"], lab.url());
    EXPECT_EQ(doc["exit_code"], 0);
    EXPECT_EQ(doc["violations"].size(), 0U);
}

server::server_config tls_config() {
    auto c = test::test_server::test_config();
    c.tls_cert_file = test::fixture_path("tls/server-cert.pem");
    c.tls_key_file = test::fixture_path("tls/server-key.pem");
    return c;
}

TEST(ValidateCommandTest, HttpsServerWithItsCaFile) {
    lab_server lab(lab_server::with_model(model_kind::fixed), {}, tls_config());
    ASSERT_THAT(lab.url(), StartsWith("https://127.0.0.1:"));
    auto const r = test::run_wsuslab({"validate", "--server", lab.url(), "--ca-file", test::fixture_path("tls/server-cert.pem")});
    EXPECT_EQ(r.code, 0) << r.out;
    EXPECT_THAT(r.out, HasSubstr("verdict: PATCHED\n"));
}

TEST(ValidateCommandTest, HttpsServerWithAnUntrustedCertificateIsInconclusive) {
    lab_server lab(lab_server::with_model(model_kind::legacy), {}, tls_config());
    auto const untrusted = test::run_wsuslab({"validate", "--server", lab.url()});
    EXPECT_EQ(untrusted.code, 2) << untrusted.out;
    EXPECT_THAT(untrusted.out, HasSubstr("verdict: INCONCLUSIVE\n"));
    EXPECT_THAT(untrusted.out, HasSubstr("reason: cannot complete the office2003-workstation probe: connection error: "));
    // --insecure skips verification: the legacy server is then recognised.
    auto const insecure = test::run_wsuslab({"validate", "--server", lab.url(), "--insecure"});
    EXPECT_EQ(insecure.code, 1) << insecure.out;
    EXPECT_THAT(insecure.out, HasSubstr("verdict: AFFECTED BY KB954960\n"));
}

TEST(ValidateCommandTest, UsageErrorsExitTwo) {
    EXPECT_EQ(test::run_wsuslab({"validate"}).code, 2);
    EXPECT_EQ(test::run_wsuslab({"validate", "--server", "wsus:8530"}).code, 2);
    EXPECT_EQ(test::run_wsuslab({"validate", "--server", "http://127.0.0.1:1", "--scenario", "/nonexistent.xml"}).code, 2);
}

}  // namespace
}  // namespace wsuslab::regression
