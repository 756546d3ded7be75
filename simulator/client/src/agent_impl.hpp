#pragma once
// The agent's internals: one `agent` object runs the detections of one run_sync call. Split
// over agent_soap.cpp (exchanges, faults, recovery), agent_handshake.cpp (GetConfig and the
// authorization plug-ins, GetCookie, RegisterComputer, RefreshCache, StartCategoryScan),
// agent_wire.cpp (each agent's request shapes, headers, decoding), agent_sync.cpp (SyncUpdates
// rounds, classification, extended info), agent_selfupdate.cpp (the SelfUpdate check),
// agent_util.cpp (helpers, downloads) and agent_detect.cpp (attempt framing, reporting).

#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <wsuslab/client/agent.hpp>
#include <wsuslab/client/client_cache.hpp>
#include <wsuslab/client/hresult.hpp>
#include <wsuslab/client/sync_outcome.hpp>
#include <wsuslab/client/wu_log.hpp>
#include <wsuslab/protocol/codec.hpp>
#include <wsuslab/protocol/messages.hpp>
#include <wsuslab/protocol/text.hpp>

namespace wsuslab::client::detail {

/// Why a call (or a whole step) did not produce what the agent needs.
struct failure {
    sync_verdict verdict = sync_verdict::failed;
    std::uint32_t hresult = hr::unexpected;
    std::string error;
    std::optional<fault_details> fault;
    /// The SelfUpdate check failed: the detection ended before any SOAP call (no PT lines).
    bool selfupdate = false;
};

/// Which SyncUpdates pass a round belongs to (docs/protocol-notes.md §7.1).
enum class sync_pass { software, driver };

template <class T>
using outcome_of = std::variant<T, failure>;

inline std::string op_name(protocol::operation op) { return std::string(protocol::operation_name(op)); }

/// Whether a "major.minor" version text is at least major.minor ("" and unreadable text: no).
inline bool version_at_least(const std::string& version, int major, int minor) {
    auto const dot = version.find('.');
    try {
        int const a = std::stoi(version.substr(0, dot));
        int const b = dot == std::string::npos ? 0 : std::stoi(version.substr(dot + 1));
        return a > major || (a == major && b >= minor);
    } catch (const std::exception&) {
        return false;
    }
}

/// A failure of `op` that is not a fault ("GetConfig: <what>").
inline failure protocol_failure(protocol::operation op, std::uint32_t hresult, const std::string& what) {
    return failure{sync_verdict::failed, hresult, op_name(op) + ": " + what, std::nullopt};
}

/// The modern agent's CallerAttributes (SyncUpdates) and callerAttributes (GetExtendedUpdateInfo):
/// the captured key=value; form with wsuslab's own values (docs/client.md §2).
inline constexpr std::string_view modern_caller_attributes = "Interactive=0;SheddingAware=1;Id=AutomaticUpdates;";

/// SHA-1 of `data`, base64-encoded (the FileDigest form).
std::string sha1_base64(const std::string& data);

/// The ATL "soap client error" number the agent logs for a non-fault failure.
int soap_client_error_of(std::uint32_t hresult);

class agent {
public:
    agent(const sync_options& options, transport& net, clock& time, client_cache& cache,
          sync_outcome& out, wu_log& log);

    /// One detection; appends rounds/exchanges/log to the outcome.
    attempt_result detect(int number);
    /// The cached revision IDs belong to another server: RefreshCache after the handshake.
    void server_moved() { refresh_needed_ = !cache_.revisions.empty(); }
    /// The updates the agent would offer: software/driver, needed, Install/OptionalInstall.
    std::vector<std::int32_t> needed_ids() const;

private:
    // ---- agent_wire.cpp ----
    /// The body the agent sends for `req`, in its agent's shape.
    std::string wire_body(const protocol::request& req) const;
    /// The headers the agent adds to the transport's own (none for the 2008 agent).
    http_headers wire_headers() const;
    /// The protocolVersion of GetConfig and GetCookie.
    std::string protocol_version() const { return effective_protocol_version(opt_); }
    bool modern() const { return opt_.agent == agent_kind::modern; }
    /// The HRESULT the agent reports for a received fault: the ATL mapping for the 2008 agent,
    /// 0x80244007 (WU_E_PT_SOAPCLIENT_SOAPFAULT) for the modern one (docs/protocol-notes.md §10.1).
    std::uint32_t fault_hresult(protocol::fault_code code) const;

    // ---- agent_soap.cpp ----
    /// The exchange record of a SOAP call before it is sent (headers and body in the agent's shape).
    exchange soap_exchange(protocol::operation op, const std::string& url, const protocol::request& req) const;
    /// The failure a received fault makes (or a parse failure for a strict ATL agent off HTTP 500).
    failure fault_failure(protocol::operation op, const protocol::soap_fault& fault, int status) const;
    /// The response in a decoded answer body with HTTP `status`, or the failure it is; not logged.
    outcome_of<protocol::response> read_answer(protocol::operation op, int status, const std::string& body) const;
    /// One POST + parse, without recovery. Logs the PT failure block on failure.
    outcome_of<protocol::response> soap_once(protocol::operation op, const std::string& url,
                                             const protocol::request& req);
    /// soap_once with the fault recovery of docs/protocol-notes.md §8.4 (forget what the fault
    /// invalidates, ensure_ready, try again); `build` is called for every try (the cookie may have
    /// changed).
    outcome_of<protocol::response> call(protocol::operation op, const std::string& url,
                                        const std::function<protocol::request()>& build);
    /// The recoverable ErrorCode of a failure, if any.
    static std::optional<protocol::error_code> recoverable(const failure& f);
    /// Drops the state a recoverable fault invalidates and logs the recovery.
    void forget(protocol::error_code code, protocol::operation op);
    /// The failure that ends a detection when the recovery cap is reached.
    failure give_up(const failure& f, protocol::operation op) const;
    void log_failure(protocol::operation op, const failure& f, int http_status);
    /// The modern agent's WS lines for a received fault (docs/protocol-notes.md §10.1, KB 0x80244007).
    void log_modern_fault(const protocol::soap_fault& sf);

    /// Brings the client to READY: GetConfig, GetAuthorizationCookie + GetCookie, RegisterComputer
    /// and RefreshCache, each only when needed; recovers handshake faults itself.
    std::optional<failure> ensure_ready();
    std::optional<failure> handshake_once();
    bool cookie_expired() const;

    // ---- agent_handshake.cpp ----
    std::optional<failure> get_config();
    /// The authorization cookie of the plug-in chosen from AuthInfo: GetAuthorizationCookie for
    /// SimpleTargeting, none for Anonymous (docs/client.md "Authorization plug-ins").
    outcome_of<protocol::authorization_cookie> authorize();
    std::optional<failure> get_cookie();
    std::optional<failure> register_computer();
    std::optional<failure> refresh_cache();
    std::optional<failure> start_category_scan();

    // ---- agent_selfupdate.cpp ----
    /// HEAD + GET of <server>/selfupdate/wuident.cab with the 2008 Setup lines; a failure ends
    /// the detection before GetConfig.
    std::optional<failure> selfupdate_check();

    // ---- agent_sync.cpp ----
    std::optional<failure> software_pass();
    std::optional<failure> driver_pass();
    outcome_of<protocol::sync_info> sync_round(sync_pass pass);
    void keep_round(round_trace trace) {
        if (opt_.keep.rounds) {
            out_.rounds.push_back(std::move(trace));
        }
    }
    /// The SyncUpdates request of the next round from the cache (and declared_ with it).
    protocol::request sync_request(sync_pass pass, round_trace& trace);
    /// Revisions the answer resent although the request declared them cached, and revisions it
    /// repeats; each gets a PT warning line and an outcome warning.
    void note_duplicates(const protocol::sync_info& info, round_trace& trace);
    /// Whether the software pass calls SyncUpdates again after this answer (round_rule).
    bool another_round(const protocol::sync_info& info, const round_trace& trace);
    void absorb(const protocol::sync_info& info, sync_pass pass);
    /// NeedTwoGroupOutOfScopeUpdates and FilterCategoryIds of the modern agent (server >= 3.2).
    void modern_parameters(protocol::sync_update_parameters& p) const;
    void store_update(const protocol::update_info& u, sync_pass pass);
    void reevaluate();
    std::optional<failure> extended_info(std::vector<protocol::file_location>& files);
    std::optional<failure> download(const std::vector<protocol::file_location>& files);

    // ---- agent_util.cpp (download steps) ----
    /// URL of each file by FileDigest: GetFileLocations' answer over GetExtendedUpdateInfo's; takes
    /// the answer's new cookie.
    std::map<std::string, std::string> locate_files(const std::vector<protocol::file_location>& files,
                                                    const protocol::response& answer);
    /// One HEAD or GET outside SOAP (content, the SelfUpdate tree), kept as an exchange without
    /// its body.
    transport_result fetch_content(const char* method, const std::string& url);
    /// HEAD, GET and the SHA-1 check of one file.
    download_record download_one(const std::string& digest, const std::string& url);

    // ---- agent_detect.cpp ----
    void log_start();
    void log_success(std::size_t found, std::size_t categories);
    void log_final_failure(const failure& f);
    void report(bool succeeded, std::uint32_t hresult, std::size_t found, attempt_result& ar);
    protocol::reporting_event make_event(std::int16_t event_id, std::uint32_t hresult,
                                         std::string replacement);

    std::string client_url() const;
    std::string auth_url() const;
    std::string target_group() const;

    const sync_options& opt_;
    transport& net_;
    clock& clock_;
    client_cache& cache_;
    sync_outcome& out_;
    wu_log& log_;
    std::mt19937_64 rng_;

    // Per-detection state.
    int attempt_ = 0;
    int rounds_ = 0;
    int recoveries_ = 0;
    bool refresh_needed_ = false;
    std::optional<protocol::cookie> pending_old_cookie_;  ///< sent as GetCookie oldCookie
    std::optional<std::string> driver_sync_not_needed_;
    /// Revision IDs the SyncUpdates request being answered declared cached, by list name.
    std::map<std::int32_t, std::string> declared_;
    /// Revisions cached before the current SyncUpdates answer was absorbed.
    std::set<std::int32_t> cached_before_;
    /// The trace of the latest SyncUpdates round (kept even when the outcome keeps no rounds).
    round_trace last_round_;
    /// FilterCategoryIds of a modern category scan (StartCategoryScan preferredCategoryIds).
    std::optional<protocol::string_list> filter_categories_;
    std::string call_id_;
    std::map<std::string, std::int32_t> file_owner_;  ///< FileDigest -> revision (Extended XML)
};

}  // namespace wsuslab::client::detail
