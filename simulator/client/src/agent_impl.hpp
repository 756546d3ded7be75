#pragma once
// The agent's internals: one `agent` object runs the detections of one run_sync call. Split
// over agent_soap.cpp (exchanges, faults, recovery, handshake), agent_sync.cpp (SyncUpdates
// rounds, classification, extended info, downloads) and agent_detect.cpp (attempt framing,
// reporting, retries, cache persistence).

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <variant>
#include <vector>

#include <wsuslab/client/agent.hpp>
#include <wsuslab/client/client_cache.hpp>
#include <wsuslab/client/hresult.hpp>
#include <wsuslab/client/sync_outcome.hpp>
#include <wsuslab/client/wu_log.hpp>
#include <wsuslab/protocol/codec.hpp>
#include <wsuslab/protocol/messages.hpp>

namespace wsuslab::client::detail {

/// Why a call (or a whole step) did not produce what the agent needs.
struct failure {
    sync_verdict verdict = sync_verdict::failed;
    std::uint32_t hresult = hr::unexpected;
    std::string error;
    std::optional<fault_details> fault;
};

template <class T>
using outcome_of = std::variant<T, failure>;

/// "{E6D82915-627F-418B-A5CC-B9FCD400455B}"-style GUID text (without braces), upper-case.
std::string random_guid(std::mt19937_64& rng, bool upper);

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
    // ---- agent_soap.cpp ----
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

    /// Brings the client to READY: GetConfig, GetAuthorizationCookie + GetCookie, RegisterComputer
    /// and RefreshCache, each only when needed; recovers handshake faults itself.
    std::optional<failure> ensure_ready();
    std::optional<failure> handshake_once();
    std::optional<failure> get_config();
    std::optional<failure> get_cookie();
    std::optional<failure> register_computer();
    std::optional<failure> refresh_cache();
    bool cookie_expired() const;

    // ---- agent_sync.cpp ----
    std::optional<failure> software_pass();
    std::optional<failure> driver_pass();
    outcome_of<protocol::sync_info> sync_round(bool driver);
    void keep_round(round_trace trace) {
        if (opt_.keep.rounds) {
            out_.rounds.push_back(std::move(trace));
        }
    }
    void absorb(const protocol::sync_info& info, bool driver);
    void store_update(const protocol::update_info& u, bool driver_pass);
    void reevaluate();
    std::optional<failure> extended_info(std::vector<protocol::file_location>& files);
    std::optional<failure> download(const std::vector<protocol::file_location>& files);

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
    std::string call_id_;
    std::map<std::string, std::int32_t> file_owner_;  ///< FileDigest -> revision (Extended XML)
};

}  // namespace wsuslab::client::detail
