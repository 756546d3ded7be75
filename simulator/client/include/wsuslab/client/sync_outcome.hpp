#pragma once
/// Everything one `run_sync` call saw and decided: the verdict and HRESULT, the fault (with the
/// server's fault ID and the HTTP status actually received), every detection attempt, every
/// SyncUpdates round, every HTTP exchange (request and response bodies, for the demo's sequence
/// diagram and for `wsuslab validate`), the cache content, and the WindowsUpdate.log lines.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <wsuslab/client/client_cache.hpp>
#include <wsuslab/client/clock.hpp>
#include <wsuslab/client/transport.hpp>
#include <wsuslab/client/wu_log.hpp>
#include <wsuslab/protocol/fault.hpp>
#include <wsuslab/protocol/operations.hpp>

namespace wsuslab::client {

enum class sync_verdict {
    synced,            ///< detection completed
    failed,            ///< the server answered a fault or something the agent could not use
    connection_error,  ///< the transport failed (no usable HTTP answer)
    local_error,       ///< the client cache could not be read or written
};
std::string_view verdict_name(sync_verdict v);  // "synced", "failed", "connection-error", "local-error"
/// The CLI exit code: 0 synced, 1 failed, 2 connection or local error.
int exit_code_of(sync_verdict v);

/// A SOAP fault as the agent received it.
struct fault_details {
    protocol::operation op = protocol::operation::sync_updates;
    protocol::soap_fault fault;  ///< faultcode, faultstring, ErrorCode, Message, ID, Method
    int http_status = 0;         ///< the status the fault arrived with (500, or 200)
    std::uint32_t hresult = 0;   ///< ATL mapping: Server 0x8024400E, Client 0x8024400D, ...
};

/// One HTTP exchange. `op` is empty for content HEAD/GET.
struct exchange {
    int attempt = 1;
    std::optional<protocol::operation> op;
    std::string method;  ///< "POST", "HEAD", "GET"
    std::string url;
    std::string soap_action;  ///< bare URI; "" for content
    std::string request_body;
    /// Headers the agent added to the transport's own (empty for the 2008 agent).
    http_headers request_headers;
    int http_status = 0;  ///< 0 when the transport failed
    /// The body as the agent read it: decoded when the answer came `Content-Encoding: xpress`.
    std::string response_body;
    /// The answer's Content-Encoding ("" when plain).
    std::string content_encoding;
    std::optional<transport_error> error;
    time_point sent_at;
};

/// One SyncUpdates call: the sizes of the lists sent and of the answer.
struct round_trace {
    int attempt = 1;
    int round = 1;  ///< 1-based within the attempt, software and driver calls counted together
    bool driver_pass = false;
    std::size_t installed_non_leaf = 0;
    std::size_t other_cached = 0;
    std::size_t cached_drivers = 0;
    std::size_t new_updates = 0;
    std::size_t changed_updates = 0;
    std::size_t out_of_scope = 0;
    bool truncated = false;
    std::optional<std::string> driver_sync_not_needed;
    std::vector<std::int32_t> new_update_ids;
    /// Revisions of NewUpdates the request had declared cached (MS-WUSP §3.1.5.7 violation).
    std::vector<std::int32_t> resent_ids;
    /// Revisions that appear more than once in this NewUpdates (MS-WUSP §3.1.5.7 violation).
    std::vector<std::int32_t> repeated_ids;
    bool faulted = false;  ///< the call ended in a fault or transport error (sizes of the request only)
};

/// One detection: the initial one, then each `--retries` replay 5 hours later.
struct attempt_result {
    int number = 1;
    time_point started;
    time_point finished;
    sync_verdict verdict = sync_verdict::failed;
    std::uint32_t hresult = 0;
    std::string error;  ///< "" when synced
    std::optional<fault_details> fault;
    int rounds = 0;      ///< SyncUpdates calls made
    int recoveries = 0;  ///< fault recoveries performed (handshake, RefreshCache, ...)
    bool events_reported = false;
    std::optional<time_point> next_detection;
};

/// A content file checked with --download.
struct download_record {
    std::int32_t revision_id = 0;
    std::string url;
    std::string digest_base64;  ///< FileDigest (SHA-1)
    int head_status = 0;
    int get_status = 0;
    std::size_t bytes = 0;
    bool verified = false;  ///< SHA-1 of the body equals FileDigest
    std::string error;
};

struct sync_outcome {
    sync_verdict verdict = sync_verdict::failed;  ///< of the last attempt
    std::uint32_t hresult = 0;                    ///< of the last attempt; 0 when synced
    std::string error;                            ///< of the last attempt
    std::optional<fault_details> fault;           ///< of the last attempt
    std::vector<attempt_result> attempts;
    std::vector<round_trace> rounds;
    std::vector<exchange> exchanges;
    std::vector<log_line> log;
    std::vector<download_record> downloads;
    /// The agent simulated ("2008" or "modern").
    std::string agent;
    /// The authorization plug-in used ("SimpleTargeting", "Anonymous"; "" when GetConfig failed).
    std::string auth_plug_in;
    /// Problems the agent tolerated, e.g. an unparsable Core fragment (the revision is then
    /// cached as not applicable so that the server does not send it again).
    std::vector<std::string> warnings;
    /// The cache after the run: client ID, cookie and every revision with its state.
    client_cache cache;
    /// Software and driver updates (not categories or detectoids) by applicability state, where
    /// "needed" also requires an Install/OptionalInstall deployment (what the agent would offer).
    std::size_t needed = 0;
    std::size_t installed = 0;
    std::size_t not_applicable = 0;
    std::vector<std::int32_t> needed_revision_ids;
    std::size_t extended_info_fragments = 0;  ///< UpdateData items received
    std::optional<time_point> next_detection;

    int exit_code() const { return exit_code_of(verdict); }
};

}  // namespace wsuslab::client
