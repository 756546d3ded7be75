#pragma once
/// Everything that configures the mock WSUS request handler (`wsus_service`). A plain value:
/// copy it, fill it from the CLI or a test, pass it to `wsus_service::create`.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <wsuslab/mitigation/get_sync_info.hpp>
#include <wsuslab/mitigation/scenario.hpp>
#include <wsuslab/protocol/limits.hpp>

namespace wsuslab::server {

/// SoftwareDistribution.log verbosity, most severe first. A line is written when its level is at
/// or above the configured one: `error` writes only Error lines, `info` adds one Info line per
/// request, `verbose` adds per-request detail (sizes, groups, model, latency).
enum class log_level { error, warning, info, verbose };

std::string_view log_level_name(log_level level);  // "error", "warning", "info", "verbose"
std::optional<log_level> log_level_from_name(std::string_view name);  // case-insensitive

/// The time source of the service: cookie issue/expiry, log timestamps, fault IDs never.
using clock_function = std::function<std::chrono::system_clock::time_point()>;

struct service_options {
    /// Scenario file (fixtures/scenarios/*.xml). Ignored when `scenario` is set.
    std::string scenario_path;
    /// An already loaded scenario (tests, `wsuslab demo`); takes precedence over scenario_path.
    std::shared_ptr<const mitigation::scenario> scenario;

    /// GetSyncInfo model for groups without their own; nullopt = the scenario's default_model.
    std::optional<mitigation::model_kind> model;
    /// Options of the legacy model (docs/kb954960-lab.md §5.3, hypothesis D).
    mitigation::legacy_options legacy;

    /// When set, every SOAP exchange is answered from recordings in this directory.
    std::string replay_dir;
    /// replay_options::repeat: a recorded exchange may answer again once it has answered.
    bool replay_repeat = false;
    /// When set, every SOAP exchange is recorded into this directory.
    std::string record_dir;

    /// HTTP status of an application fault: 500 (SOAP 1.1 §6.2, default) or 200 (the status the
    /// 2008 WUA log line prints, docs/kb954960-lab.md §7). Envelope-level faults always use 500.
    int fault_status = 500;

    /// A SelfUpdate folder copied from a real WSUS (docs/lab-guide.md): GET/HEAD /selfupdate/...
    /// serve its files (paths case-insensitive, as IIS on NTFS). Empty = see selfupdate_stand_in.
    std::string selfupdate_dir;
    /// Without a folder: answer GET/HEAD /selfupdate/wuident.cab with a lab stand-in (a short
    /// text, not a Microsoft cabinet) so that the SelfUpdate check of a simulated 2008 agent
    /// passes, as against a WSUS whose setup created the SelfUpdate directory (docs/lab-guide.md
    /// §7). `wsuslab serve` turns it on unless --no-selfupdate; false = /selfupdate/... is 404.
    bool selfupdate_stand_in = false;

    /// SoftwareDistribution.log path; empty = no log file (fault IDs are still kept).
    std::string log_path;
    log_level level = log_level::info;
    /// The managed thread number in `w3wp.<n>` (docs/history.md §3.5).
    int log_thread_id = 12;

    /// Public base URL without a trailing slash, e.g. "http://wsusebc:8530". Used for the fault
    /// actor, the WSDL soap:address and /Content URLs. `wsus_service::set_base_url` replaces it
    /// once the listening port is known.
    std::string base_url = "http://localhost:8530";

    /// Lifetime of a Cookie (GetCookie, NewCookie). The authoritative expiry is signed inside
    /// EncryptedData; Expiration is a clear-text copy.
    std::chrono::seconds cookie_lifetime = std::chrono::hours(5 * 24);
    /// HMAC key of the cookies (16 bytes or more); empty = a fresh random key per process. With a
    /// key, the server identity GUID is derived from it too, so replicas that share the key and
    /// the scenario accept each other's cookies (`serve --cookie-key-file`, docs/scale-out.md).
    std::string cookie_key;

    /// Envelope and array limits passed to the codec and checked by the operations.
    protocol::limits limits;
    /// GetConfig MaxExtendedUpdatesPerRequest; more revisionIDs -> InvalidParameters.
    std::size_t max_extended_updates_per_request = 50;

    /// Time source; empty = std::chrono::system_clock::now.
    clock_function clock;
};

}  // namespace wsuslab::server
