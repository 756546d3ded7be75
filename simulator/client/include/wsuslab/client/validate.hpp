#pragma once
/// `wsuslab validate`: "is this server patched for KB954960, and does it follow the protocol?"
///
/// Runs the probe profiles (an Office 2003 workstation, a workstation without Office, a server;
/// by default the profiles of the shipped kb954960 scenario) one after another, each a fresh
/// client with an in-memory cache and its own transport, and checks every answer of every run
/// with the MS-WUSP rule checker (mitigation/rule_checker.hpp). The verdict rules are in
/// docs/validation-guide.md; PATCHED needs positive evidence:
///   AFFECTED BY KB954960  the Office 2003 probe got the InternalServerError fault on SyncUpdates
///                         while every other probe synced;
///   PATCHED               the Office 2003 path was exercised, every probe synced, and something
///                         shows the fix: the probe received the revision named as carrying the
///                         duplicate (--duplicate-revision), or the server reports resolving
///                         duplicate rows (wsuslab's own server, /metrics);
///   NOT AFFECTED          the Office 2003 path was exercised without the fault, nothing proves
///                         the fix (e.g. an unpatched server without the bad data);
///   INCONCLUSIVE          anything else, with the reason (unreachable server, other probes fail,
///                         a different fault, no Office 2003 content offered, ...).
/// Exit code: 0 PATCHED without violations, 1 AFFECTED or any violation, 2 INCONCLUSIVE,
/// 3 NOT AFFECTED without violations.
///
/// run_validation never throws on server behaviour; it is not thread-safe per call but calls are
/// independent (no shared state), so several validations may run in parallel.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <wsuslab/client/agent.hpp>
#include <wsuslab/client/junit.hpp>
#include <wsuslab/client/sync_outcome.hpp>
#include <wsuslab/client/transport.hpp>
#include <wsuslab/mitigation/rule_checker.hpp>
#include <wsuslab/mitigation/scenario.hpp>

namespace wsuslab::client {

/// The probe profiles of the shipped scenario (fixtures/scenarios/kb954960.xml), in run order.
inline constexpr std::string_view office_probe_profile = "office2003-workstation";
inline constexpr std::string_view plain_probe_profile = "plain-workstation";
inline constexpr std::string_view server_probe_profile = "server-2003";

enum class validation_verdict { patched, affected, not_affected, inconclusive };
/// "PATCHED", "AFFECTED BY KB954960", "NOT AFFECTED", "INCONCLUSIVE".
std::string_view validation_verdict_name(validation_verdict v);

/// What the Office 2003 probe saw of the code path KB954960 broke (docs/validation-guide.md).
struct office_evidence {
    /// Revisions received whose applicability rules look at Office 2003's footprint (the registry
    /// key SOFTWARE\Microsoft\Office\11.0 or the OFFICE11 folder), or that have such a revision
    /// as a prerequisite, in ID order.
    std::vector<std::int32_t> office_revisions;
    /// Those of them the probe reported installed (InstalledNonLeafUpdateIDs) in a SyncUpdates
    /// request: the server then had to compute the Office 2003 layer, where 954960 fails.
    std::vector<std::int32_t> reported_installed;
    /// --duplicate-revision, and whether it arrived in a NewUpdates the probe received.
    std::optional<std::int32_t> duplicate_revision;
    bool duplicate_revision_received = false;
    /// wsuslab_duplicates_resolved_total on the server's /metrics before and after the probe
    /// (only wsuslab's own server has it); nullopt when unavailable.
    std::optional<std::uint64_t> resolved_before;
    std::optional<std::uint64_t> resolved_after;

    bool exercised() const { return !reported_installed.empty(); }
    /// after - before when both are known.
    std::optional<std::uint64_t> duplicates_resolved() const;
    /// One line for the reports, e.g. "3 Office 2003 revisions received (8107, 8108, 8862), 1
    /// reported installed (8107); revision 8862 received; server metrics: 1 duplicate row resolved".
    std::string summary() const;
};

/// The evidence in one probe's outcome (pure; `duplicate_revision` as given by the operator).
office_evidence gather_office_evidence(const sync_outcome& o, std::optional<std::int32_t> duplicate_revision);

/// The value of `wsuslab_duplicates_resolved_total` in Prometheus text, nullopt when absent.
std::optional<std::uint64_t> parse_duplicates_resolved(std::string_view metrics_text);

/// One probe: its sync outcome and the rules its exchanges broke.
struct probe_result {
    std::string profile;
    std::string description;
    bool office_2003 = false;  ///< this is the probe the verdict hinges on
    /// false when an earlier probe could not reach the server (the rest are then skipped).
    bool ran = true;
    sync_outcome outcome;
    std::vector<mitigation::violation> violations;
    std::chrono::milliseconds elapsed{0};  ///< wall-clock time of the run (JUnit time)
    /// The Office 2003 probe's evidence (nullopt for the other probes and when not run).
    std::optional<office_evidence> evidence;

    /// "synced (4 SyncUpdates rounds, 17 updates received)", "SyncUpdates fault
    /// InternalServerError (fault ID c0a7..., HTTP 500, 0x8024400E)", "connection error: ...".
    std::string summary() const;
};

struct validation_report {
    std::string server_url;
    validation_verdict verdict = validation_verdict::inconclusive;
    std::string reason;  ///< one sentence saying why this verdict
    std::vector<probe_result> probes;

    std::size_t violation_count() const;
    int exit_code() const;
};

struct validation_options {
    std::string server_url;
    /// The probes, in run order; the one named `office_profile` decides PATCHED/AFFECTED.
    std::vector<mitigation::client_profile> probes;
    std::string office_profile = std::string(office_probe_profile);
    /// Template for every probe's agent (agent kind, protocol version, ATL fault handling, ...).
    /// server_url, profile, state_dir, retries and rounds are overridden: fresh in-memory state,
    /// one detection.
    sync_options client;
    /// The probes' software-pass end rule: until-empty by default, so that a server that withholds
    /// or resends revisions shows it (a spec-following agent would not ask again).
    round_rule rounds = round_rule::until_empty;
    /// A revision known to carry the duplicate deployment rows (8862 in the advisory).
    std::optional<std::int32_t> duplicate_revision;
    /// Read `<server>/metrics` before and after the Office 2003 probe (wsuslab's own server
    /// reports there how many duplicate rows its GetSyncInfo resolved; other servers answer 404).
    bool read_server_metrics = true;
    mitigation::rule_options rules;
};

/// A fresh transport for each probe (so no connection or cookie leaks between probes).
using transport_factory = std::function<std::unique_ptr<transport>()>;

/// The three probe profiles of a scenario, in run order; an error naming the scenario and the
/// missing profile otherwise.
std::variant<std::vector<mitigation::client_profile>, std::string> probe_profiles(
    const mitigation::scenario& s);

/// Runs the probes in order and decides. Each probe uses a simulated clock started at the current
/// time. After a probe that cannot reach the server the remaining ones are not run (ran=false).
validation_report run_validation(const validation_options& options,
                                 const transport_factory& make_transport);

/// The verdict and its reason from finished probes (pure; exposed for unit tests).
std::pair<validation_verdict, std::string> decide_verdict(const std::vector<probe_result>& probes);

/// The client's exchange records as the rule checker's input: SOAP exchanges with an HTTP answer
/// (content downloads and transport failures are left out, but `index` still counts them),
/// SyncUpdates rounds numbered from 1 in each detection attempt, bodies parsed with the codec.
std::vector<mitigation::checked_exchange> to_checked_exchanges(const std::vector<exchange>& exchanges);

/// The human report `wsuslab validate` prints.
std::string format_validation_text(const validation_report& r);
/// The --json document (pretty-printed, trailing newline). Keys: server_url, verdict, reason,
/// exit_code, probes [{profile, description, office_2003, verdict, summary, hresult, rounds,
/// exchanges, fault {operation, error_code, faultcode, id, http_status} | null, violations,
/// evidence {office_revisions, reported_installed, exercised, duplicate_revision,
/// duplicate_revision_received, duplicates_resolved} | null}], violations [{profile, rule,
/// exchange, round, operation, message}], rules [{id, title, source, violations}].
std::string format_validation_json(const validation_report& r);

/// The --junit suite: one testcase per probe (failure unless it synced, error when the server
/// could not be reached) and one per rule (failure listing every violation of that rule).
junit_testsuite to_junit(const validation_report& r, std::string timestamp,
                         std::string hostname = "localhost");

}  // namespace wsuslab::client
