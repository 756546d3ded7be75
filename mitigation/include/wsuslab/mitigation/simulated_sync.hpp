#pragma once
/// An in-process simulated client that drives a GetSyncInfo model directly, without SOAP
/// (docs/protocol-notes.md §8.3): software-pass rounds until NewUpdates comes back empty and not
/// truncated, then (optionally) the driver pass. Every received revision lands in exactly one cache
/// list: installed and non-leaf -> InstalledNonLeafUpdateIDs, driver -> CachedDriverIDs, anything
/// else -> OtherCachedUpdateIDs. Lists are re-derived from the cache before every round (the
/// client re-evaluates applicability before each sync) and sent sorted by revision ID.
/// A fault on any round aborts the whole sync, as it does in WUA (docs/protocol-notes.md §8.4).
/// Pure and synchronous; safe to run concurrently on one shared catalog and model.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <wsuslab/mitigation/catalog.hpp>
#include <wsuslab/mitigation/get_sync_info.hpp>
#include <wsuslab/protocol/applicability.hpp>
#include <wsuslab/protocol/types.hpp>

namespace wsuslab::mitigation {

/// Whether the simulated machine has this revision installed (its IsInstalled rule).
using installed_predicate = std::function<bool(const revision&)>;

struct simulated_sync_options {
    std::vector<std::string> groups{all_computers_group};  ///< sent as sync_request::groups
    std::size_t page_size = 200;
    /// WUA caps server round trips (WU_E_PT_EXCEEDED_MAX_SERVER_TRIPS); the real limit is not
    /// published. Counts every SyncUpdates call, driver pass included.
    std::size_t max_rounds = 200;
    bool client_supports_1_8_fields = false;
    /// Follow the software pass with the driver pass (SkipSoftwareSync=true), as WUA does.
    bool driver_pass = true;
    /// Revisions already in the client cache (differential sync); empty = a fresh client.
    protocol::id_list initial_cache;
    std::string initial_watermark;
    /// Keep every response in the trace (differential tests); off to save memory.
    bool keep_responses = false;
};

/// One SyncUpdates call as the client saw it.
struct sync_round {
    std::size_t round = 0;  ///< 1-based
    bool driver_pass = false;
    std::size_t installed_non_leaf_sent = 0;
    std::size_t other_cached_sent = 0;
    std::size_t cached_drivers_sent = 0;
    protocol::id_list installed_non_leaf;  ///< the lists as sent
    protocol::id_list other_cached;
    protocol::id_list cached_drivers;
    protocol::id_list new_update_ids;
    protocol::id_list out_of_scope;
    protocol::id_list changed_update_ids;
    bool truncated = false;
    std::optional<duplicate_key_error> failure;
    std::optional<sync_result> response;  ///< only with keep_responses
};

struct simulated_sync_result {
    std::optional<duplicate_key_error> failure;  ///< the model's fault, when the sync failed
    std::size_t failed_round = 0;                ///< 1-based round of the failure, 0 if none
    bool exceeded_max_rounds = false;            ///< WU_E_PT_EXCEEDED_MAX_SERVER_TRIPS
    std::size_t rounds = 0;                      ///< SyncUpdates calls made
    /// The final client cache, as the lists it would send next (sorted by revision ID).
    protocol::id_list installed_non_leaf;
    protocol::id_list other_cached;
    protocol::id_list cached_drivers;
    std::size_t updates_received = 0;  ///< NewUpdates entries over all rounds
    /// IDs of revisions received more than once (should stay empty).
    protocol::id_list received_twice;
    std::vector<resolved_anomaly> resolved;  ///< over all rounds, in order
    std::vector<sync_round> trace;
    std::string watermark;  ///< the last new_watermark ("cookie" state)

    bool ok() const { return !failure && !exceeded_max_rounds; }
    /// Every cached revision ID, sorted.
    protocol::id_list cache() const;
};

/// Runs the loop. `is_installed` is asked once per received revision per round.
simulated_sync_result run_simulated_sync(const get_sync_info_model& model, const catalog& c,
                                         const simulated_sync_options& options,
                                         const installed_predicate& is_installed);

/// A predicate that evaluates each revision's applicability rules (revision::applicability_xml)
/// on `machine` and answers "installed" for applicability_state::installed. Rules are parsed
/// once per revision and cached inside the predicate (not thread-safe: one per sync). A revision
/// whose rules do not parse counts as not installed.
installed_predicate installed_on(protocol::machine_state machine);

}  // namespace wsuslab::mitigation
