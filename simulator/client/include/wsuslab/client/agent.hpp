#pragma once
/// The simulated Windows Update Agent running one detection against a WSUS server, as
/// docs/protocol-notes.md §8 describes. Two agents (docs/client.md §2):
///
///   agent_kind::wua_2008  the 2008 agent (WUA 7.x, ATL SOAP client, protocolVersion 1.6): the
///                         default, with the 2008 WindowsUpdate.log lines and HRESULTs;
///   agent_kind::modern    a Windows 11 agent (Client-Protocol 2.90) sending requests in the shape
///                         of the genuine captures: s: envelope, omitted empty arrays, the live
///                         SyncUpdates extensions, Accept-Encoding: xpress (answers decoded).
///
///   [SelfUpdate check] -> GetConfig -> authorization (SimpleTargeting: GetAuthorizationCookie at
///   AuthInfo/ServiceUrl; Anonymous: none) -> GetCookie -> RegisterComputer (IsRegistrationRequired)
///   -> [StartCategoryScan] -> SyncUpdates software rounds (the end rule of MS-WUSP §3.1.5.7 by
///   default) -> SyncUpdates driver pass (unless DriverSyncNotNeeded=true)
///   -> GetExtendedUpdateInfo for the needed updates, in batches <= MaxExtendedUpdatesPerRequest
///   -> [--download: GetFileLocations, HEAD + GET + SHA-1 check] -> ReportEventBatch (141, 147/148)
///
/// Each received revision is classified by evaluating its Core applicability rules against the
/// profile's machine_state: installed non-leaf -> InstalledNonLeafUpdateIDs, drivers ->
/// CachedDriverIDs, everything else -> OtherCachedUpdateIDs. A server that resends a revision the
/// request declared cached, or one revision twice, gets a PT warning line and the pass ends (no
/// loop). Faults are recovered as in docs/protocol-notes.md §8.4 (InvalidCookie/ServerChanged: new
/// handshake + RefreshCache; ConfigChanged: GetConfig + new cookie; CookieExpired: new cookie with
/// oldCookie; RegistrationRequired: RegisterComputer), at most `max_recoveries` times per
/// detection. InternalServerError, ServerBusy and every other failure end the detection; the next
/// one is scheduled `retry_delay` later and `retries` of them are replayed in simulated time.
///
/// The agent reads time only from the `clock` and writes the WindowsUpdate.log lines into the
/// outcome; the caller decides where the log goes. Nothing throws: every problem is in the
/// outcome. See docs/client.md.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <wsuslab/client/client_cache.hpp>
#include <wsuslab/client/clock.hpp>
#include <wsuslab/client/sync_outcome.hpp>
#include <wsuslab/client/transport.hpp>
#include <wsuslab/mitigation/scenario.hpp>

namespace wsuslab::client {

/// The managed (WSUS) service ID WUA logs (docs/history.md §3.1).
inline constexpr std::string_view wsus_service_id = "{3DA21691-E39D-4DA6-8A4B-B43877BCB1B7}";

/// What a sync_outcome keeps beyond verdict, HRESULT, fault, attempts and counts. A single run
/// keeps everything; `wsuslab fleet` keeps nothing, since thousands of clients in flight need
/// only their outcomes (docs/fleet.md).
struct outcome_detail {
    bool log = true;        ///< the WindowsUpdate.log lines
    bool exchanges = true;  ///< every HTTP exchange with its bodies
    bool rounds = true;     ///< the SyncUpdates round traces
    bool cache = true;      ///< a copy of the client cache
    static outcome_detail none() { return {false, false, false, false}; }
};

/// Which agent is simulated.
enum class agent_kind { wua_2008, modern };
std::string_view agent_kind_name(agent_kind k);  // "2008", "modern"
std::optional<agent_kind> agent_kind_from_name(std::string_view name);

/// When the software pass ends (docs/client.md §2).
enum class round_rule {
    /// MS-WUSP §3.1.5.7: call again when Truncated=true, or when Truncated=false and the round
    /// brought a new non-leaf update; what real agents do.
    spec,
    /// Call again until a round brings nothing new (the older wsuslab behaviour; `validate` uses
    /// it so that a server that withholds or resends revisions shows it).
    until_empty,
};
std::string_view round_rule_name(round_rule r);  // "spec", "until-empty"
std::optional<round_rule> round_rule_from_name(std::string_view name);

/// The Windows 8.1-and-earlier SelfUpdate check (HEAD + GET of /selfupdate/wuident.cab before the
/// scan; docs/client.md §2). Off by default: `wsuslab serve` does not serve the tree yet.
enum class selfupdate_mode { skip, check };

struct sync_options {
    /// Server base URL, e.g. "http://wsus:8530" (a trailing '/' is ignored). The agent calls
    /// <base>/ClientWebService/client.asmx, <base>/<AuthInfo ServiceUrl> and
    /// <base>/ReportingWebService/ReportingWebService.asmx.
    std::string server_url;
    /// Who the client is: ID, DNS name, requested target group, machine state, ComputerInfo.
    mitigation::client_profile profile;

    /// The agent simulated; see agent_kind.
    agent_kind agent = agent_kind::wua_2008;
    /// Client protocolVersion sent in GetConfig and GetCookie; "" = the agent's own: "1.6" (the
    /// WSUS 3.0 SP1-era client, docs/protocol-notes.md §4.2 <11>) or "2.90" (the captured Windows 11 agent).
    std::string protocol_version;
    /// When the software pass ends.
    round_rule rounds = round_rule::spec;
    /// The SelfUpdate check of the 2008 agent (the modern agent never does it).
    selfupdate_mode selfupdate = selfupdate_mode::skip;
    /// Modern agent only: a category scan of these category GUIDs (StartCategoryScan, then
    /// FilterCategoryIds); empty = a full scan. Needs server ProtocolVersion >= 3.2.
    std::vector<std::string> scan_categories;
    /// Directory of the persistent cache; nullopt = in-memory only (a fresh client every run).
    std::optional<std::string> state_dir;
    /// Delete the cache in `state_dir` before running (--reset).
    bool reset_state = false;

    /// Later detections replayed after a failed one (each `retry_delay` after the previous).
    int retries = 0;
    std::chrono::milliseconds retry_delay = std::chrono::hours(5);
    /// After a successful detection the next one is due at 80-100 % of this (seeded draw).
    std::chrono::milliseconds detection_frequency = std::chrono::hours(22);

    /// SyncUpdates calls allowed per detection (software + driver); one more -> 0x80244010.
    int max_rounds = 50;
    /// Fault recoveries allowed per detection; then the detection fails with a clear error.
    int max_recoveries = 3;

    /// GetFileLocations, then HEAD and GET of each file of the needed updates, SHA-1 checked.
    bool download = false;
    /// Send ReportEventBatch (141 started, 147 finished / 148 failed) after each detection.
    bool report_events = true;
    /// ATL behaviour (docs/kb954960-lab.md §7): look for a fault only in an HTTP 500 answer; a
    /// fault body with 200 is then a parse error 0x8024400A. Off: a fault is a fault whatever the
    /// status.
    bool atl_strict_faults = false;
    /// Locales asked for in GetExtendedUpdateInfo (LocalizedProperties).
    std::vector<std::string> locales{"en"};

    /// Simulated time each HTTP exchange takes (the log timestamps advance by it).
    std::chrono::milliseconds round_trip_time{170};
    /// Local time of the log = UTC + this. Default UTC-7 (PDT, the advisory's client).
    int utc_offset_minutes = -7 * 60;
    /// Seeds PID/TID, event instance IDs, a generated client ID and the next-detection draw.
    std::uint64_t seed = 954960;
    /// What the outcome keeps (everything by default).
    outcome_detail keep;
};

/// Runs the detection (and its replays), loading and saving the cache in `state_dir`.
sync_outcome run_sync(const sync_options& options, transport& net, clock& time);

/// The same with a caller-owned in-memory cache (options.state_dir and reset_state ignored); the
/// cache is updated in place, so calling twice gives a differential sync.
sync_outcome run_sync(const sync_options& options, transport& net, clock& time,
                      client_cache& cache);

/// The protocolVersion the agent sends: options.protocol_version, or the agent's own.
std::string effective_protocol_version(const sync_options& options);

/// The SOAP endpoints derived from a base URL.
std::string client_service_url(const std::string& server_url);     ///< .../ClientWebService/client.asmx
std::string reporting_service_url(const std::string& server_url);  ///< .../ReportingWebService/ReportingWebService.asmx
std::string selfupdate_url(const std::string& server_url);  ///< .../selfupdate/wuident.cab

}  // namespace wsuslab::client
