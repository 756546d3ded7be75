// `wsuslab validate` without a network: the verdict rules, the exit codes, turning the agent's
// exchange records into rule-checker input, and the text/JSON/JUnit reports.

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include <wsuslab/client/validate.hpp>
#include <wsuslab/protocol/codec.hpp>

namespace wsuslab::client {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr const char* fault_id = "c0a7445f-b989-43fa-ac20-11f8ca65fa8c";

probe_result synced_probe(const std::string& name, bool office = false) {
    probe_result p;
    p.profile = name;
    p.office_2003 = office;
    p.outcome.verdict = sync_verdict::synced;
    p.outcome.rounds.resize(4);
    for (std::int32_t id = 1; id <= 17; ++id) {
        p.outcome.cache.revisions[id].revision_id = id;
    }
    return p;
}

probe_result faulted_probe(const std::string& name, bool office, protocol::operation op,
                           const std::string& error, std::uint32_t hresult = 0x8024400E) {
    probe_result p;
    p.profile = name;
    p.office_2003 = office;
    p.outcome.verdict = sync_verdict::failed;
    p.outcome.hresult = hresult;
    p.outcome.error = "SOAP fault " + error;
    fault_details f;
    f.op = op;
    f.fault = protocol::make_fault(*protocol::error_code_from_name(error), "", fault_id,
                                   "\"" + std::string(protocol::soap_action(op)) + "\"");
    f.http_status = 500;
    f.hresult = hresult;
    p.outcome.fault = f;
    return p;
}

probe_result unreachable_probe(const std::string& name, bool office = false) {
    probe_result p;
    p.profile = name;
    p.office_2003 = office;
    p.outcome.verdict = sync_verdict::connection_error;
    p.outcome.hresult = 0x80244004;
    p.outcome.error = "connect to 127.0.0.1:1: Connection refused";
    return p;
}

std::vector<probe_result> affected_probes() {
    return {faulted_probe("office2003-workstation", true, protocol::operation::sync_updates,
                          "InternalServerError"),
            synced_probe("plain-workstation"), synced_probe("server-2003")};
}

// Every probe synced; the Office 2003 probe saw `e`.
std::vector<probe_result> synced_probes(office_evidence e) {
    auto office = synced_probe("office2003-workstation", true);
    office.evidence = std::move(e);
    return {office, synced_probe("plain-workstation"), synced_probe("server-2003")};
}

office_evidence exercised() {
    office_evidence e;
    e.office_revisions = {8107, 8108, 8862};
    e.reported_installed = {8107};
    return e;
}

// decide_verdict(probes) must answer `verdict` with exactly `reason`.
void expect_verdict(const std::vector<probe_result>& probes, validation_verdict verdict, const std::string& reason) {
    SCOPED_TRACE("expecting " + std::string(validation_verdict_name(verdict)) + " from " +
                 std::to_string(probes.size()) + " probe(s)");
    auto const [got, why] = decide_verdict(probes);
    EXPECT_EQ(got, verdict);
    EXPECT_EQ(why, reason);
}

TEST(ValidateVerdictTest, PatchedWhenTheOfficeProbeReceivesTheNamedDuplicate) {
    auto e = exercised();
    e.duplicate_revision = 8862;
    e.duplicate_revision_received = true;
    expect_verdict(synced_probes(e), validation_verdict::patched,
                   "office2003-workstation received revision 8862, named by --duplicate-revision as carrying "
                   "duplicate deployment rows, and synced; plain-workstation and server-2003 sync too");
}

TEST(ValidateVerdictTest, PatchedWhenTheServerReportsResolvedDuplicates) {
    auto e = exercised();
    e.resolved_before = 4;
    e.resolved_after = 5;
    expect_verdict(synced_probes(e), validation_verdict::patched,
                   "the server reports resolving 1 duplicate deployment row while answering "
                   "office2003-workstation (wsuslab_duplicates_resolved_total on /metrics), and "
                   "office2003-workstation synced; plain-workstation and server-2003 sync too");
}

TEST(ValidateVerdictTest, NotAffectedWhenTheOfficePathRanWithoutEvidence) {
    auto e = exercised();
    e.resolved_before = 0;
    e.resolved_after = 0;
    expect_verdict(synced_probes(e), validation_verdict::not_affected,
                   "office2003-workstation reported 1 Office 2003 revision installed and synced without the "
                   "KB954960 fault, but nothing shows the server is patched (it may simply hold no duplicate "
                   "deployment rows); plain-workstation and server-2003 sync too");
}

TEST(ValidateVerdictTest, NotAffectedNamesTheDuplicateThatWasNotDelivered) {
    auto e = exercised();
    e.duplicate_revision = 8862;
    auto const [verdict, reason] = decide_verdict(synced_probes(e));
    EXPECT_EQ(verdict, validation_verdict::not_affected);
    EXPECT_THAT(reason, HasSubstr("; revision 8862 (--duplicate-revision) was not delivered;"));
}

TEST(ValidateVerdictTest, InconclusiveWhenTheServerOffersNoOfficeContent) {
    expect_verdict(synced_probes(office_evidence{}), validation_verdict::inconclusive,
                   "office2003-workstation synced, but the server offered it no Office 2003 revision (none of "
                   "the 17 revisions received looks at Office 2003's registry key or folder), so the KB954960 "
                   "code path was not exercised");
}

TEST(ValidateVerdictTest, InconclusiveWhenNoOfficeRevisionWasReportedInstalled) {
    auto e = exercised();
    e.reported_installed.clear();
    expect_verdict(synced_probes(e), validation_verdict::inconclusive,
                   "office2003-workstation received 3 Office 2003 revisions but reported none installed, so "
                   "the server never computed the Office 2003 layer where KB954960 fails");
}

TEST(ValidateVerdictTest, NeverPatchedWithoutEvidence) {
    // Every probe synced and nothing else is known: the old rule said PATCHED.
    auto probes = synced_probes(office_evidence{});
    probes[0].evidence.reset();
    EXPECT_EQ(decide_verdict(probes).first, validation_verdict::inconclusive);
    auto e = exercised();
    e.duplicate_revision = 8862;  // named, but not received
    e.resolved_before = 3;        // metrics unreadable after the probe
    EXPECT_EQ(decide_verdict(synced_probes(e)).first, validation_verdict::not_affected);
}

TEST(ValidateVerdictTest, AffectedOnTheKb954960Signature) {
    expect_verdict(affected_probes(), validation_verdict::affected,
                   std::string("office2003-workstation gets the KB954960 fault (InternalServerError on "
                               "SyncUpdates, fault ID ") +
                       fault_id + ") while plain-workstation and server-2003 sync");
}

TEST(ValidateVerdictTest, InconclusiveWhenOtherProbesFailToo) {
    auto probes = affected_probes();
    probes[2] = faulted_probe("server-2003", false, protocol::operation::sync_updates, "InternalServerError");
    expect_verdict(probes, validation_verdict::inconclusive,
                   std::string("office2003-workstation gets InternalServerError on SyncUpdates, but "
                               "other probes fail too: server-2003: SyncUpdates fault "
                               "InternalServerError (fault ID ") +
                       fault_id + ", HTTP 500, 0x8024400E)");
}

TEST(ValidateVerdictTest, InconclusiveOnADifferentFault) {
    auto probes = affected_probes();
    probes[0] = faulted_probe("office2003-workstation", true, protocol::operation::get_cookie,
                              "InvalidAuthorizationCookie", 0x8024400D);
    expect_verdict(probes, validation_verdict::inconclusive,
                   std::string("office2003-workstation failed with GetCookie fault "
                               "InvalidAuthorizationCookie (fault ID ") +
                       fault_id +
                       ", HTTP 500, 0x8024400D), not the KB954960 signature (InternalServerError "
                       "on SyncUpdates)");
}

TEST(ValidateVerdictTest, InconclusiveWhenTheServerCannotBeReached) {
    probe_result skipped;
    skipped.profile = "plain-workstation";
    skipped.ran = false;
    expect_verdict({unreachable_probe("office2003-workstation", true), skipped}, validation_verdict::inconclusive,
                   "cannot complete the office2003-workstation probe: connection error: connect to "
                   "127.0.0.1:1: Connection refused");
    EXPECT_EQ(skipped.summary(), "not run (an earlier probe could not reach the server)");
}

TEST(ValidateVerdictTest, InconclusiveWhenOfficeSyncsButAnotherProbeFails) {
    auto probes = affected_probes();
    probes[0] = synced_probe("office2003-workstation", true);
    probes[1] = faulted_probe("plain-workstation", false, protocol::operation::sync_updates, "ServerBusy");
    auto const [verdict, reason] = decide_verdict(probes);
    EXPECT_EQ(verdict, validation_verdict::inconclusive);
    EXPECT_THAT(reason, HasSubstr("office2003-workstation syncs, but other probes fail: plain-workstation: "
                                  "SyncUpdates fault ServerBusy"));
}

TEST(ValidateVerdictTest, InconclusiveWithoutAnOfficeProbe) {
    expect_verdict({synced_probe("plain-workstation")}, validation_verdict::inconclusive,
                   "no Office 2003 probe was run");
    EXPECT_EQ(decide_verdict({}).first, validation_verdict::inconclusive);
}

TEST(ValidateVerdictTest, ExitCodes) {
    validation_report r;
    r.verdict = validation_verdict::patched;
    r.probes = {synced_probe("office2003-workstation", true)};
    EXPECT_EQ(r.exit_code(), 0);
    r.probes[0].violations.push_back({"unique-revision-id", 7, 2, protocol::operation::sync_updates,
                                      "revision 8862 appears 2 times in NewUpdates"});
    EXPECT_EQ(r.exit_code(), 1);
    r.verdict = validation_verdict::affected;
    EXPECT_EQ(r.exit_code(), 1);
    r.verdict = validation_verdict::inconclusive;
    EXPECT_EQ(r.exit_code(), 2);
    r.verdict = validation_verdict::not_affected;
    EXPECT_EQ(r.exit_code(), 1);
    r.probes[0].violations.clear();
    EXPECT_EQ(r.exit_code(), 3);
    EXPECT_EQ(validation_verdict_name(validation_verdict::affected), "AFFECTED BY KB954960");
    EXPECT_EQ(validation_verdict_name(validation_verdict::not_affected), "NOT AFFECTED");
}

// --- exchange records -> checker input ----------------------------------------------------------

exchange soap_exchange(int attempt, protocol::operation op, const protocol::request& req,
                       int status, std::string response_body) {
    exchange x;
    x.attempt = attempt;
    x.op = op;
    x.method = "POST";
    x.url = "http://127.0.0.1:8530/ClientWebService/client.asmx";
    x.soap_action = std::string(protocol::soap_action(op));
    x.request_body = protocol::serialize_request(req);
    x.http_status = status;
    x.response_body = std::move(response_body);
    return x;
}

exchange sync_round(int attempt, protocol::id_list installed, std::vector<std::int32_t> new_ids) {
    protocol::sync_updates_request req;
    req.cookie_ = protocol::cookie{"2008-06-20T00:00:00Z", "AAAA"};
    protocol::sync_update_parameters p;
    p.installed_non_leaf_update_ids = std::move(installed);
    req.parameters = p;
    protocol::sync_info info;
    info.new_updates.emplace();
    for (auto id : new_ids) {
        protocol::update_info u;
        u.id = id;
        u.xml = "<UpdateIdentity UpdateID=\"00000000-0000-4000-8000-00000000000" + std::to_string(id % 10) +
                "\" RevisionNumber=\"1\" />";
        protocol::deployment d;
        d.last_change_time = "2008-06-10";
        u.deploy = d;
        info.new_updates->push_back(u);
    }
    info.new_cookie = protocol::cookie{"2008-06-20T00:00:00Z", "AAAA"};
    return soap_exchange(attempt, protocol::operation::sync_updates, req, 200,
                         protocol::serialize_response(protocol::sync_updates_response{info}));
}

TEST(ValidateExchangesTest, NumbersRoundsPerAttemptAndSkipsNonSoapTraffic) {
    std::vector<exchange> xs;
    xs.push_back(soap_exchange(1, protocol::operation::get_config, protocol::get_config_request{"1.6"}, 200,
                               protocol::serialize_response(protocol::get_config_response{})));
    xs.push_back(sync_round(1, {}, {1}));
    xs.push_back(sync_round(1, {1}, {2}));
    exchange content;
    content.method = "GET";
    content.http_status = 200;
    xs.push_back(content);
    exchange broken = sync_round(2, {}, {});
    broken.http_status = 0;
    broken.error = transport_error{transport_error_kind::receive_failed, 0x80244009, "reset"};
    xs.push_back(broken);
    xs.push_back(sync_round(2, {}, {3}));

    auto const checked = to_checked_exchanges(xs);
    ASSERT_EQ(checked.size(), 4U);
    EXPECT_EQ(checked[0].op, protocol::operation::get_config);
    EXPECT_EQ(checked[0].round, 0U);
    EXPECT_EQ(checked[1].index, 2U);
    EXPECT_EQ(checked[1].round, 1U);
    EXPECT_EQ(checked[2].round, 2U);
    ASSERT_TRUE(checked[2].parameters.has_value());
    EXPECT_THAT(*checked[2].parameters->installed_non_leaf_update_ids, ElementsAre(1));
    EXPECT_EQ(checked[3].index, 6U);
    EXPECT_EQ(checked[3].round, 1U);
    EXPECT_EQ(checked[3].soap_action,
              "\"http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/SyncUpdates\"");
    for (auto const& c : checked) {
        EXPECT_TRUE(c.reply.has_value()) << c.parse_problem;
    }
    EXPECT_TRUE(mitigation::check_run(checked).empty());
}

TEST(ValidateExchangesTest, KeepsTheParseProblemOfABadAnswer) {
    auto x = sync_round(1, {}, {1});
    x.response_body = "<html>oops</html>";
    auto const checked = to_checked_exchanges({x});
    ASSERT_EQ(checked.size(), 1U);
    EXPECT_FALSE(checked[0].reply.has_value());
    EXPECT_FALSE(checked[0].parse_problem.empty());
    auto const v = mitigation::check_run(checked);
    ASSERT_EQ(v.size(), 1U);
    EXPECT_EQ(v[0].rule, "response-parseable");
}

TEST(ValidateExchangesTest, MissingRequiredElementIsAParseViolation) {
    auto x = sync_round(1, {}, {1});
    auto const at = x.response_body.find("<LastChangeTime>2008-06-10</LastChangeTime>");
    ASSERT_NE(at, std::string::npos);
    x.response_body.erase(at, std::string("<LastChangeTime>2008-06-10</LastChangeTime>").size());
    auto const v = mitigation::check_run(to_checked_exchanges({x}));
    ASSERT_EQ(v.size(), 1U);
    EXPECT_EQ(v[0].rule, "response-parseable");
    EXPECT_THAT(v[0].message, HasSubstr("LastChangeTime"));
}

TEST(ValidateExchangesTest, CheckerSeesADuplicatedRevision) {
    auto const checked = to_checked_exchanges({sync_round(1, {}, {8862, 8862})});
    auto const v = mitigation::check_run(checked);
    ASSERT_EQ(v.size(), 1U);
    EXPECT_EQ(v[0].to_string(),
              "SyncUpdates round 1 (exchange 1): [unique-revision-id] revision 8862 appears 2 times in NewUpdates");
}

// --- evidence ---------------------------------------------------------------------------------------

cached_revision revision(std::int32_t id, const std::string& update_id, const std::string& rules,
                         const std::string& prerequisite = "") {
    cached_revision r;
    r.revision_id = id;
    r.update_id = update_id;
    r.is_leaf = !prerequisite.empty();
    r.core_xml = "<UpdateIdentity UpdateID=\"" + update_id + "\" RevisionNumber=\"100\" />"
                 "<Properties UpdateType=\"" + std::string(prerequisite.empty() ? "Detectoid" : "Software") + "\" />";
    if (!prerequisite.empty()) {
        r.core_xml += "<Relationships><Prerequisites><UpdateIdentity UpdateID=\"" + prerequisite +
                      "\" /></Prerequisites></Relationships>";
    }
    r.core_xml += "<ApplicabilityRules><IsInstalled>" + rules + "</IsInstalled></ApplicabilityRules>";
    return r;
}

TEST(ValidateEvidenceTest, FindsOfficeRevisionsAndTheOnesReportedInstalled) {
    constexpr const char* detectoid = "35bcd20f-9549-4960-940c-77d1a83f8a81";
    sync_outcome o;
    o.cache.revisions[8107] = revision(
        8107, detectoid,
        "<b.RegKeyExists Key=\"HKEY_LOCAL_MACHINE\" Subkey=\"SOFTWARE\\Microsoft\\Office\\11.0\\Common\\InstallRoot\" />");
    o.cache.revisions[8109] = revision(8109, "c86a0fa3-9549-4960-c1f7-f2e646a9ddd1",
                                       "<b.FileVersion Csidl=\"38\" Path=\"\\Microsoft Office\\OFFICE11\\WINWORD.EXE\" "
                                       "Comparison=\"GreaterThanOrEqualTo\" Version=\"11.0.8169.0\" />");
    o.cache.revisions[8862] = revision(8862, "459295ba-9549-4960-ae66-c34d579679f8", "<False />",
                                       "35BCD20F-9549-4960-940C-77D1A83F8A81");
    o.cache.revisions[8101] = revision(8101, "33de7b29-9549-4960-4e88-5ea8b4b9f086", "<True />");
    o.exchanges.push_back(sync_round(1, {}, {8107, 8109, 8101}));
    o.exchanges.push_back(sync_round(1, {8101, 8107}, {8862}));
    auto const e = gather_office_evidence(o, 8862);
    EXPECT_THAT(e.office_revisions, ElementsAre(8107, 8109, 8862));
    EXPECT_THAT(e.reported_installed, ElementsAre(8107));
    EXPECT_TRUE(e.exercised());
    EXPECT_TRUE(e.duplicate_revision_received);
    EXPECT_EQ(e.summary(), "3 Office 2003 revisions received (8107, 8109, 8862), 1 reported installed (8107); "
                           "revision 8862 received; server metrics: not available");
    EXPECT_FALSE(gather_office_evidence(o, 9999).duplicate_revision_received);
}

TEST(ValidateEvidenceTest, ReadsTheResolvedDuplicatesCounter) {
    EXPECT_EQ(parse_duplicates_resolved("# HELP x\nwsuslab_duplicates_met_total 2\n"
                                        "wsuslab_duplicates_resolved_total 17\nwsuslab_clients_seen 3\n"),
              17U);
    EXPECT_EQ(parse_duplicates_resolved("<html>404</html>"), std::nullopt);
    EXPECT_EQ(parse_duplicates_resolved("wsuslab_duplicates_resolved_total -1\n"), std::nullopt);
    office_evidence e;
    e.resolved_before = 5;
    e.resolved_after = 4;  // a restarted server: no evidence either way
    EXPECT_EQ(e.duplicates_resolved(), std::nullopt);
}

// --- reports ---------------------------------------------------------------------------------------

validation_report affected_report() {
    validation_report r;
    r.server_url = "http://127.0.0.1:8530";
    r.probes = affected_probes();
    r.probes[1].violations.push_back({"unique-revision-id", 7, 2, protocol::operation::sync_updates,
                                      "revision 8862 appears 2 times in NewUpdates"});
    std::tie(r.verdict, r.reason) = decide_verdict(r.probes);
    return r;
}

TEST(ValidateReportTest, TextReport) {
    auto const text = format_validation_text(affected_report());
    EXPECT_EQ(text, std::string("wsuslab validate http://127.0.0.1:8530\n"
                                "  probe office2003-workstation (Office 2003): SyncUpdates fault "
                                "InternalServerError (fault ID ") +
                        fault_id +
                        ", HTTP 500, 0x8024400E)\n"
                        "  probe plain-workstation: synced (4 SyncUpdates rounds, 17 updates received)\n"
                        "  probe server-2003: synced (4 SyncUpdates rounds, 17 updates received)\n"
                        "  protocol rules: 22 checked, 1 violation\n"
                        "    plain-workstation: SyncUpdates round 2 (exchange 7): [unique-revision-id] "
                        "revision 8862 appears 2 times in NewUpdates\n"
                        "verdict: AFFECTED BY KB954960\n"
                        "reason: office2003-workstation gets the KB954960 fault (InternalServerError on "
                        "SyncUpdates, fault ID " +
                        fault_id + ") while plain-workstation and server-2003 sync\n");
}

TEST(ValidateReportTest, JsonReport) {
    auto const doc = nlohmann::json::parse(format_validation_json(affected_report()));
    EXPECT_EQ(doc["verdict"], "AFFECTED BY KB954960");
    EXPECT_EQ(doc["exit_code"], 1);
    ASSERT_EQ(doc["probes"].size(), 3U);
    EXPECT_EQ(doc["probes"][0]["fault"]["error_code"], "InternalServerError");
    EXPECT_EQ(doc["probes"][0]["fault"]["id"], fault_id);
    EXPECT_EQ(doc["probes"][0]["fault"]["http_status"], 500);
    EXPECT_TRUE(doc["probes"][1]["fault"].is_null());
    ASSERT_EQ(doc["violations"].size(), 1U);
    EXPECT_EQ(doc["violations"][0]["profile"], "plain-workstation");
    EXPECT_EQ(doc["violations"][0]["rule"], "unique-revision-id");
    EXPECT_EQ(doc["violations"][0]["round"], 2);
    EXPECT_EQ(doc["rules"].size(), mitigation::all_rules().size());
}

TEST(ValidateReportTest, JunitHasATestcasePerProbeAndPerRule) {
    auto const suite = to_junit(affected_report(), "2008-06-14T02:59:57", "lab");
    ASSERT_EQ(suite.testcases.size(), 3 + mitigation::all_rules().size());
    EXPECT_EQ(suite.testcases[0].name, "office2003-workstation");
    EXPECT_EQ(suite.testcases[0].result, junit_result::failure);
    EXPECT_EQ(suite.testcases[1].result, junit_result::passed);
    EXPECT_EQ(suite.failures(), 2U);
    EXPECT_EQ(suite.errors(), 0U);
    auto const rule = std::find_if(suite.testcases.begin(), suite.testcases.end(),
                                   [](const junit_testcase& t) { return t.name == "unique-revision-id"; });
    ASSERT_NE(rule, suite.testcases.end());
    EXPECT_EQ(rule->classname, "wsuslab.validate.rule");
    EXPECT_EQ(rule->problem.message,
              "1 violation: plain-workstation: SyncUpdates round 2 (exchange 7): [unique-revision-id] "
              "revision 8862 appears 2 times in NewUpdates");
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_string(write_junit(suite).c_str()));
    EXPECT_EQ(doc.child("testsuite").attribute("tests").as_int(), 25);
}

TEST(ValidateReportTest, UnreachableServerGivesJunitErrors) {
    validation_report r;
    r.server_url = "http://127.0.0.1:1";
    probe_result skipped;
    skipped.profile = "plain-workstation";
    skipped.ran = false;
    r.probes = {unreachable_probe("office2003-workstation", true), skipped};
    std::tie(r.verdict, r.reason) = decide_verdict(r.probes);
    auto const suite = to_junit(r, "2008-06-14T02:59:57");
    EXPECT_EQ(suite.errors(), 2U);
    EXPECT_EQ(r.exit_code(), 2);
}

}  // namespace
}  // namespace wsuslab::client
