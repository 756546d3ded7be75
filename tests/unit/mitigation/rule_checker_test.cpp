// The MS-WUSP rule checker on hand-built exchanges: one test per rule, with exact messages.

#include <set>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <wsuslab/mitigation/rule_checker.hpp>

namespace wsuslab::mitigation {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr const char* office_sp1 = "1e0f5f4d-6b6a-4c43-9a15-5c2f1f0b8862";
constexpr const char* detectoid = "7a1b2c3d-0000-4000-8000-000000000001";

protocol::update_info make_update(std::int32_t id, const std::string& update_id,
                                  std::int32_t revision_number = 1,
                                  protocol::deployment_action action =
                                      protocol::deployment_action::install) {
    protocol::update_info u;
    u.id = id;
    u.is_leaf = true;
    u.xml = "<UpdateIdentity UpdateID=\"" + update_id + "\" RevisionNumber=\"" +
            std::to_string(revision_number) +
            "\" /><Properties UpdateType=\"Software\" /><Relationships></Relationships>";
    protocol::deployment d;
    d.id = 20000 + id;
    d.action = action;
    d.last_change_time = "2008-06-10";
    u.deploy = d;
    return u;
}

protocol::sync_info page(std::vector<protocol::update_info> updates, bool truncated = false) {
    protocol::sync_info s;
    s.new_updates = std::move(updates);
    s.truncated = truncated;
    s.new_cookie = protocol::cookie{"2008-06-20T00:00:00Z", "AAAA"};
    return s;
}

protocol::sync_update_parameters params(protocol::id_list installed = {},
                                        protocol::id_list other = {}) {
    protocol::sync_update_parameters p;
    p.installed_non_leaf_update_ids = std::move(installed);
    p.other_cached_update_ids = std::move(other);
    return p;
}

checked_exchange sync_exchange(std::size_t index, std::size_t round,
                               protocol::sync_update_parameters p, protocol::sync_info s) {
    checked_exchange e;
    e.index = index;
    e.round = round;
    e.op = protocol::operation::sync_updates;
    e.soap_action =
        "\"http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/SyncUpdates\"";
    e.parameters = std::move(p);
    e.http_status = 200;
    e.reply = protocol::reply{protocol::response{protocol::sync_updates_response{std::move(s)}}};
    return e;
}

protocol::soap_fault kb954960_fault() {
    protocol::soap_fault f;
    f.code = protocol::fault_code::server;
    f.error = "InternalServerError";
    f.id = "c0a7445f-b989-43fa-ac20-11f8ca65fa8c";
    f.method =
        "\"http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/SyncUpdates\"";
    return f;
}

checked_exchange fault_exchange(protocol::soap_fault f, int status = 500) {
    checked_exchange e = sync_exchange(6, 3, params({1}), page({}));
    e.http_status = status;
    e.reply = protocol::reply{std::move(f)};
    return e;
}

std::vector<std::string> messages(const std::vector<violation>& v) {
    std::vector<std::string> out;
    for (auto const& x : v) {
        out.push_back(x.to_string());
    }
    return out;
}

TEST(RuleCheckerTest, CleanPageHasNoViolation) {
    auto const e = sync_exchange(4, 1, params(), page({make_update(1, detectoid), make_update(2, office_sp1)}));
    EXPECT_THAT(check_exchange(e), IsEmpty());
}

TEST(RuleCheckerTest, ReportsDuplicateRevisionIdOnce) {
    auto const e = sync_exchange(5, 2, params({1}), page({make_update(8862, office_sp1), make_update(8862, office_sp1)}));
    EXPECT_THAT(messages(check_exchange(e)),
                ElementsAre("SyncUpdates round 2 (exchange 5): [unique-revision-id] revision 8862 "
                            "appears 2 times in NewUpdates"));
}

TEST(RuleCheckerTest, ReportsTwoRevisionsOfOneUpdate) {
    auto const e = sync_exchange(5, 2, params({1}), page({make_update(8862, office_sp1, 204), make_update(8870, office_sp1, 205)}));
    EXPECT_THAT(messages(check_exchange(e)),
                ElementsAre(std::string("SyncUpdates round 2 (exchange 5): [one-revision-per-update] "
                                        "NewUpdates holds 2 revisions of UpdateID ") +
                            office_sp1 + ": 8862 (RevisionNumber 204), 8870 (RevisionNumber 205)"));
}

TEST(RuleCheckerTest, ComparesUpdateIdsCaseInsensitively) {
    auto const e = sync_exchange(1, 1, params(), page({make_update(10, "AAAAAAAA-0000-4000-8000-000000000001", 1), make_update(11, "aaaaaaaa-0000-4000-8000-000000000001", 2)}));
    auto const v = check_exchange(e);
    ASSERT_EQ(v.size(), 1U);
    EXPECT_EQ(v[0].rule, "one-revision-per-update");
}

TEST(RuleCheckerTest, ReportsRevisionBothNewAndOutOfScope) {
    auto s = page({make_update(8862, office_sp1)});
    s.out_of_scope_revision_ids = protocol::id_list{7, 8862};
    EXPECT_THAT(messages(check_exchange(sync_exchange(2, 1, params(), s))),
                ElementsAre("SyncUpdates round 1 (exchange 2): [new-not-out-of-scope] revision 8862 "
                            "is in both NewUpdates and OutOfScopeRevisionIDs"));
}

TEST(RuleCheckerTest, ReportsNewRevisionTheRequestDeclaredCached) {
    auto const e = sync_exchange(3, 2, params({1}, {2, 3}), page({make_update(1, detectoid), make_update(3, office_sp1)}));
    EXPECT_THAT(messages(check_exchange(e)),
                ElementsAre("SyncUpdates round 2 (exchange 3): [new-not-cached] NewUpdates holds "
                            "revision 1, which the request declared cached in InstalledNonLeafUpdateIDs",
                            "SyncUpdates round 2 (exchange 3): [new-not-cached] NewUpdates holds "
                            "revision 3, which the request declared cached in OtherCachedUpdateIDs"));
}

TEST(RuleCheckerTest, DriverPassComparesCachedDriverIds) {
    auto p = params({}, {3});
    p.skip_software_sync = true;
    p.cached_driver_ids = protocol::id_list{40};
    auto const e = sync_exchange(3, 4, p, page({make_update(3, office_sp1), make_update(40, detectoid)}));
    EXPECT_THAT(messages(check_exchange(e)),
                ElementsAre("SyncUpdates round 4 (exchange 3): [new-not-cached] NewUpdates holds "
                            "revision 40, which the request declared cached in CachedDriverIDs"));
}

TEST(RuleCheckerTest, ReportsChangedUpdateThatIsNotCached) {
    auto s = page({});
    s.changed_updates = std::vector<protocol::update_info>{make_update(5, detectoid), make_update(6, office_sp1)};
    EXPECT_THAT(messages(check_exchange(sync_exchange(2, 2, params({5}), s))),
                ElementsAre("SyncUpdates round 2 (exchange 2): [changed-must-be-cached] ChangedUpdates "
                            "holds revision 6, which the request did not declare cached"));
}

TEST(RuleCheckerTest, ReportsTruncatedWithEmptyNewUpdates) {
    EXPECT_THAT(messages(check_exchange(sync_exchange(7, 3, params(), page({}, true)))),
                ElementsAre("SyncUpdates round 3 (exchange 7): [truncated-not-empty] Truncated is true "
                            "but NewUpdates is empty; a client that calls again gets the same answer forever"));
}

TEST(RuleCheckerTest, AcceptsFullPageWithTruncatedFalseWhenNothingRemains) {
    std::vector<protocol::update_info> full;
    for (std::int32_t i = 0; i < 3; ++i) {
        full.push_back(make_update(100 + i, "00000000-0000-4000-8000-00000000010" + std::to_string(i)));
    }
    std::vector<checked_exchange> run{sync_exchange(1, 1, params(), page(full, false)),
                                      sync_exchange(2, 2, params({}, {100, 101, 102}), page({}))};
    EXPECT_THAT(check_run(run), IsEmpty());
}

TEST(RuleCheckerTest, ReportsTruncatedFalseWhenTheNextRoundGetsWithheldRevisions) {
    std::vector<checked_exchange> run{
        sync_exchange(4, 1, params(), page({make_update(100, detectoid)}, false)),
        sync_exchange(5, 2, params({}, {100}), page({make_update(101, office_sp1), make_update(100, detectoid)}))};
    EXPECT_THAT(messages(check_run(run)),
                ElementsAre("SyncUpdates round 1 (exchange 4): [truncated-false-means-complete] Truncated "
                            "was false, yet round 2 received 1 revision (101) missing at this round, "
                            "with the same InstalledNonLeafUpdateIDs",
                            "SyncUpdates round 2 (exchange 5): [new-not-cached] NewUpdates holds revision "
                            "100, which the request declared cached in OtherCachedUpdateIDs (already "
                            "delivered in round 1)"));
}

TEST(RuleCheckerTest, AcceptsNewRevisionsUnlockedByAnInstalledNonLeaf) {
    std::vector<checked_exchange> run{
        sync_exchange(4, 1, params(), page({make_update(100, detectoid)}, false)),
        sync_exchange(5, 2, params({100}), page({make_update(101, office_sp1)})),
        sync_exchange(6, 3, params({100}, {101}), page({}))};
    EXPECT_THAT(check_run(run), IsEmpty());
}

TEST(RuleCheckerTest, AcceptsTruncatedTruePagesThatContinue) {
    std::vector<checked_exchange> run{
        sync_exchange(1, 1, params(), page({make_update(100, detectoid)}, true)),
        sync_exchange(2, 2, params({}, {100}), page({make_update(101, office_sp1)}, false)),
        sync_exchange(3, 3, params({}, {100, 101}), page({}))};
    EXPECT_THAT(check_run(run), IsEmpty());
}

TEST(RuleCheckerTest, ReportsMissingNewCookie) {
    auto s = page({make_update(1, detectoid)});
    s.new_cookie.reset();
    EXPECT_THAT(messages(check_exchange(sync_exchange(2, 1, params(), s))),
                ElementsAre("SyncUpdates round 1 (exchange 2): [new-cookie-present] SyncInfo has no NewCookie"));
}

TEST(RuleCheckerTest, ReportsMissingSyncResult) {
    auto e = sync_exchange(2, 1, params(), page({}));
    e.reply = protocol::reply{protocol::response{protocol::sync_updates_response{}}};
    EXPECT_THAT(messages(check_exchange(e)),
                ElementsAre("SyncUpdates round 1 (exchange 2): [sync-result-present] the "
                            "SyncUpdatesResponse holds no SyncUpdatesResult"));
}

TEST(RuleCheckerTest, ReportsMissingOrUnreadableXml) {
    auto no_xml = make_update(1, detectoid);
    no_xml.xml.reset();
    auto nested_only = make_update(2, detectoid);
    nested_only.xml = "<Properties UpdateType=\"Software\" /><Relationships><Prerequisites>"
                      "<UpdateIdentity UpdateID=\"" + std::string(detectoid) + "\" /></Prerequisites></Relationships>";
    auto broken = make_update(3, detectoid);
    broken.xml = "<UpdateIdentity UpdateID=\"not-a-guid\" RevisionNumber=\"1\" />";
    auto const e = sync_exchange(2, 1, params(), page({no_xml, nested_only, broken}));
    std::string const unreadable = ": the Core Xml holds no top-level UpdateIdentity with a GUID "
                                   "UpdateID and an integer RevisionNumber";
    EXPECT_THAT(messages(check_exchange(e)),
                ElementsAre("SyncUpdates round 1 (exchange 2): [update-xml-present] revision 1 in "
                            "NewUpdates has no Xml (Core fragment)",
                            "SyncUpdates round 1 (exchange 2): [update-xml-identity] revision 2" + unreadable,
                            "SyncUpdates round 1 (exchange 2): [update-xml-identity] revision 3" + unreadable));
}

TEST(RuleCheckerTest, ReportsDeploymentProblems) {
    auto missing = make_update(1, detectoid);
    missing.deploy.reset();
    auto blocked = make_update(2, office_sp1, 1, protocol::deployment_action::block);
    blocked.deploy->last_change_time = "2008-02-30";
    auto unknown = make_update(3, "00000000-0000-4000-8000-000000000003");
    unknown.deploy->action = static_cast<protocol::deployment_action>(42);
    unknown.deploy->last_change_time.clear();
    auto const e = sync_exchange(2, 1, params(), page({missing, blocked, unknown}));
    std::string const at = "SyncUpdates round 1 (exchange 2): ";
    EXPECT_THAT(messages(check_exchange(e)),
                ElementsAre(at + "[deployment-present] revision 1 in NewUpdates has no Deployment",
                            at + "[deployment-action-valid] revision 2 in NewUpdates has Deployment "
                                 "Action Block, which MUST NOT be deployed (send PreDeploymentCheck or "
                                 "omit the revision)",
                            at + "[deployment-last-change-time] revision 2 in NewUpdates has Deployment "
                                 "LastChangeTime '2008-02-30', not an s:date",
                            at + "[deployment-action-valid] revision 3 in NewUpdates has an unknown "
                                 "Deployment Action (value 42)",
                            at + "[deployment-last-change-time] revision 3 in NewUpdates has no "
                                 "Deployment LastChangeTime"));
}

TEST(RuleCheckerTest, ChecksChangedUpdatesDeployments) {
    auto s = page({});
    auto changed = make_update(5, detectoid);
    changed.deploy.reset();
    s.changed_updates = std::vector<protocol::update_info>{changed};
    EXPECT_THAT(messages(check_exchange(sync_exchange(2, 2, params({5}), s))),
                ElementsAre("SyncUpdates round 2 (exchange 2): [deployment-present] revision 5 in "
                            "ChangedUpdates has no Deployment"));
}

TEST(RuleCheckerTest, ChecksClient18FieldsAgainstTheProtocolVersion) {
    auto u = make_update(1, detectoid);
    u.deploy->auto_select = "0";
    u.deploy->flag_bitmask = "1";
    auto const e = sync_exchange(2, 1, params(), page({u}));
    EXPECT_THAT(messages(check_exchange(e)),
                ElementsAre("SyncUpdates round 1 (exchange 2): [deployment-client-1-8-fields] revision 1 "
                            "in NewUpdates has Deployment FlagBitmask '1'; when sent it MUST be \"0\""));
    rule_options old;
    old.client_protocol_version = "1.6";
    auto const v = check_exchange(e, old);
    ASSERT_EQ(v.size(), 2U);
    EXPECT_EQ(v[0].message,
              "revision 1 in NewUpdates has Deployment AutoSelect, which MUST NOT be sent to a "
              "client with protocol 1.6");
}

TEST(RuleCheckerTest, Kb954960FaultWith500IsWellFormed) {
    EXPECT_THAT(check_exchange(fault_exchange(kb954960_fault())), IsEmpty());
}

TEST(RuleCheckerTest, FaultWith200NeedsTheConfiguredQuirk) {
    auto const e = fault_exchange(kb954960_fault(), 200);
    EXPECT_THAT(messages(check_exchange(e)),
                ElementsAre("SyncUpdates round 3 (exchange 6): [fault-http-status] fault "
                            "InternalServerError came with HTTP status 200; SOAP 1.1 requires 500 (200 "
                            "is accepted only when the server is configured with the 200 of the advisory's log line)"));
    rule_options quirk;
    quirk.fault_status_200_configured = true;
    EXPECT_THAT(check_exchange(e, quirk), IsEmpty());
    EXPECT_THAT(messages(check_exchange(fault_exchange(kb954960_fault(), 404), quirk)),
                ElementsAre("SyncUpdates round 3 (exchange 6): [fault-http-status] fault "
                            "InternalServerError came with HTTP status 404; expected 500 or 200"));
}

TEST(RuleCheckerTest, ReportsFaultcodeThatDisagreesWithTheErrorCode) {
    auto f = kb954960_fault();
    f.code = protocol::fault_code::client;
    EXPECT_THAT(messages(check_exchange(fault_exchange(f))),
                ElementsAre("SyncUpdates round 3 (exchange 6): [fault-code-matches-error] fault "
                            "InternalServerError has faultcode Client; expected Server"));
    auto cookie = kb954960_fault();
    cookie.error = "InvalidCookie";
    EXPECT_EQ(check_exchange(fault_exchange(cookie)).at(0).message,
              "fault InvalidCookie has faultcode Server; expected Client");
}

TEST(RuleCheckerTest, ReportsUnknownErrorCodeBadIdAndMissingMethod) {
    auto f = kb954960_fault();
    f.error = "ItemAlreadyAdded";
    f.id = "{c0a7445f-b989-43fa-ac20-11f8ca65fa8c}";
    f.method.clear();
    std::string const at = "SyncUpdates round 3 (exchange 6): ";
    EXPECT_THAT(messages(check_exchange(fault_exchange(f))),
                ElementsAre(at + "[fault-error-code-known] fault ErrorCode 'ItemAlreadyAdded' is not an "
                                 "MS-WUSP ErrorCode",
                            at + "[fault-id-guid] fault ItemAlreadyAdded has detail ID "
                                 "'{c0a7445f-b989-43fa-ac20-11f8ca65fa8c}', not a GUID",
                            at + "[fault-method-present] fault ItemAlreadyAdded has no detail Method"));
}

TEST(RuleCheckerTest, ReportsMethodNamingAnotherOperation) {
    auto f = kb954960_fault();
    f.method = "\"http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/GetCookie\"";
    f.id.clear();
    std::string const at = "SyncUpdates round 3 (exchange 6): ";
    EXPECT_THAT(messages(check_exchange(fault_exchange(f))),
                ElementsAre(at + "[fault-id-guid] fault InternalServerError has no detail ID",
                            at + "[fault-method-present] fault InternalServerError has detail Method "
                                 "'\"http://www.microsoft.com/SoftwareDistribution/Server/"
                                 "ClientWebService/GetCookie\"' but the client called "
                                 "'http://www.microsoft.com/SoftwareDistribution/Server/"
                                 "ClientWebService/SyncUpdates'"));
}

TEST(RuleCheckerTest, AcceptsUnquotedMethod) {
    auto f = kb954960_fault();
    f.method = "http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/SyncUpdates";
    EXPECT_THAT(check_exchange(fault_exchange(f)), IsEmpty());
}

TEST(RuleCheckerTest, FaultWithoutDetailIsOneViolation) {
    protocol::soap_fault f;
    f.code = protocol::fault_code::version_mismatch;
    f.faultstring = "wrong envelope";
    EXPECT_THAT(messages(check_exchange(fault_exchange(f))),
                ElementsAre("SyncUpdates round 3 (exchange 6): [fault-error-code-known] the fault "
                            "(faultcode VersionMismatch, faultstring 'wrong envelope') has no detail ErrorCode"));
}

TEST(RuleCheckerTest, ChecksFaultsOfOtherOperations) {
    auto f = kb954960_fault();
    f.error = "ConfigChanged";
    f.code = protocol::fault_code::client;
    f.method = "\"http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/GetCookie\"";
    checked_exchange e;
    e.index = 3;
    e.op = protocol::operation::get_cookie;
    e.soap_action = f.method;
    e.http_status = 500;
    e.reply = protocol::reply{f};
    EXPECT_THAT(check_exchange(e), IsEmpty());
    e.http_status = 200;
    EXPECT_THAT(messages(check_exchange(e)),
                ElementsAre("GetCookie (exchange 3): [fault-http-status] fault ConfigChanged came with "
                            "HTTP status 200; SOAP 1.1 requires 500 (200 is accepted only when the "
                            "server is configured with the 200 of the advisory's log line)"));
}

TEST(RuleCheckerTest, ReportsUnparseableAnswerAndWrongSuccessStatus) {
    auto e = sync_exchange(2, 1, params(), page({}));
    e.reply.reset();
    e.parse_problem = "XML not well-formed: Start-end tags mismatch at byte 120";
    EXPECT_THAT(messages(check_exchange(e)),
                ElementsAre("SyncUpdates round 1 (exchange 2): [response-parseable] the answer could "
                            "not be parsed: XML not well-formed: Start-end tags mismatch at byte 120"));
    auto wrong = sync_exchange(2, 1, params(), page({}));
    wrong.http_status = 202;
    EXPECT_THAT(messages(check_exchange(wrong)),
                ElementsAre("SyncUpdates round 1 (exchange 2): [response-http-status] HTTP status 202 "
                            "with a SyncUpdates answer that is not a fault (expected 200)"));
}

TEST(RuleCheckerTest, RuleIdsAreUniqueAndFindable) {
    std::set<std::string_view> ids;
    for (auto const& r : all_rules()) {
        EXPECT_TRUE(ids.insert(r.id).second) << r.id;
        EXPECT_EQ(find_rule(r.id), &r);
        EXPECT_FALSE(r.title.empty());
        EXPECT_FALSE(r.source.empty());
    }
    EXPECT_EQ(find_rule("no-such-rule"), nullptr);
    EXPECT_EQ(all_rules().size(), 22U);
}

TEST(RuleCheckerHelpersTest, ReadsTheTopLevelUpdateIdentity) {
    auto const id = core_update_identity(
        "<UpdateIdentity UpdateID=\"1E0F5F4D-6B6A-4C43-9A15-5C2F1F0B8862\" RevisionNumber=\"204\" />"
        "<Properties UpdateType=\"Software\" /><ApplicabilityRules><IsInstalled><b.RegSz Key=\"HKEY_LOCAL_MACHINE\" "
        "/></IsInstalled></ApplicabilityRules>");
    ASSERT_TRUE(id.has_value());
    EXPECT_EQ(id->update_id, office_sp1);
    EXPECT_EQ(id->revision_number, 204);
    EXPECT_FALSE(core_update_identity("").has_value());
    EXPECT_FALSE(core_update_identity("<UpdateIdentity UpdateID=\"x\"").has_value());
    EXPECT_FALSE(core_update_identity("</r><UpdateIdentity UpdateID=\"1e0f5f4d-6b6a-4c43-9a15-5c2f1f0b8862\" RevisionNumber=\"1\" /><r>").has_value());
    EXPECT_FALSE(core_update_identity("<UpdateIdentity UpdateID=\"1e0f5f4d-6b6a-4c43-9a15-5c2f1f0b8862\" RevisionNumber=\"99999999999\" />").has_value());
    EXPECT_FALSE(core_update_identity("<UpdateIdentity UpdateID=\"1e0f5f4d-6b6a-4c43-9a15-5c2f1f0b8862\" />").has_value());
}

TEST(RuleCheckerHelpersTest, RecognisesGuids) {
    EXPECT_TRUE(is_guid("c0a7445f-b989-43fa-ac20-11f8ca65fa8c"));
    EXPECT_TRUE(is_guid("C0A7445F-B989-43FA-AC20-11F8CA65FA8C"));
    EXPECT_FALSE(is_guid("{c0a7445f-b989-43fa-ac20-11f8ca65fa8c}"));
    EXPECT_FALSE(is_guid("c0a7445fb98943faac2011f8ca65fa8c"));
    EXPECT_FALSE(is_guid("c0a7445f-b989-43fa-ac20-11f8ca65fa8g"));
    EXPECT_FALSE(is_guid(""));
}

TEST(RuleCheckerHelpersTest, ValidatesLastChangeTime) {
    for (auto const* ok : {"2008-06-10", "2008-02-29", "2000-02-29", "2019-08-06Z", "2008-06-10+02:00",
                           "2008-06-10T23:59:59", "2008-06-10T04:16:35.24Z", "2008-06-10T00:00:00-07:00"}) {
        EXPECT_TRUE(is_valid_last_change_time(ok)) << ok;
    }
    for (auto const* bad : {"", "2008-6-10", "2007-02-29", "1900-02-29", "2008-13-01", "2008-04-31",
                            "0000-01-01", "2008-06-10T24:00:00", "2008-06-10T12:00", "2008-06-10 12:00:00",
                            "2008-06-10T12:00:00.", "2008-06-10+15:00", "yesterday"}) {
        EXPECT_FALSE(is_valid_last_change_time(bad)) << bad;
    }
}

}  // namespace
}  // namespace wsuslab::mitigation
