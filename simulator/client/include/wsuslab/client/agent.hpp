#pragma once
/// The simulated Windows Update Agent of 2008 (WUA 7.x with its ATL SOAP client) running one
/// detection against a WSUS server, as docs/protocol-notes.md §8 describes:
///
///   GetConfig -> GetAuthorizationCookie (at AuthInfo/ServiceUrl) -> GetCookie
///   -> RegisterComputer (IsRegistrationRequired) -> SyncUpdates software rounds until NewUpdates
///   is empty -> SyncUpdates driver pass (unless DriverSyncNotNeeded=true)
///   -> GetExtendedUpdateInfo for the needed updates, in batches <= MaxExtendedUpdatesPerRequest
///   -> [--download: GetFileLocations, HEAD + GET + SHA-1 check] -> ReportEventBatch (141, 147/148)
///
/// Each received revision is classified by evaluating its Core applicability rules against the
/// profile's machine_state: installed non-leaf -> InstalledNonLeafUpdateIDs, drivers ->
/// CachedDriverIDs, everything else -> OtherCachedUpdateIDs. Faults are recovered as in
/// docs/protocol-notes.md §8.4 (InvalidCookie/ServerChanged: new handshake + RefreshCache;
/// ConfigChanged: GetConfig + new cookie; CookieExpired: new cookie with oldCookie;
/// RegistrationRequired: RegisterComputer), at most `max_recoveries` times per detection.
/// InternalServerError, ServerBusy and every other failure end the detection; the next one is
/// scheduled `retry_delay` later and `retries` of them are replayed in simulated time.
///
/// The agent reads time only from the `clock` and writes the WindowsUpdate.log lines into the
/// outcome; the caller decides where the log goes. Nothing throws: every problem is in the
/// outcome. See docs/client.md.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
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

struct sync_options {
    /// Server base URL, e.g. "http://wsus:8530" (a trailing '/' is ignored). The agent calls
    /// <base>/ClientWebService/client.asmx, <base>/<AuthInfo ServiceUrl> and
    /// <base>/ReportingWebService/ReportingWebService.asmx.
    std::string server_url;
    /// Who the client is: ID, DNS name, requested target group, machine state, ComputerInfo.
    mitigation::client_profile profile;

    /// Client protocolVersion sent in GetConfig and GetCookie: "1.6" is the WSUS 3.0 SP1-era
    /// client (docs/protocol-notes.md §4.2, <11>).
    std::string protocol_version = "1.6";
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

/// The SOAP endpoints derived from a base URL.
std::string client_service_url(const std::string& server_url);     ///< .../ClientWebService/client.asmx
std::string reporting_service_url(const std::string& server_url);  ///< .../ReportingWebService/ReportingWebService.asmx

}  // namespace wsuslab::client
