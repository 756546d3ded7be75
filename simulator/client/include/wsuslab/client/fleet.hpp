#pragma once
/// Many simulated clients against one WSUS at once (`wsuslab fleet`, docs/fleet.md).
///
/// Every client is the same agent as `wsuslab sync` (`run_sync`: GetConfig, auth, GetCookie,
/// RegisterComputer, the SyncUpdates rounds, GetExtendedUpdateInfo, ReportEventBatch), with its
/// own identity (client ID, DNS name, seed) derived from the fleet seed and its index, and its
/// own simulated clock, cache and keep-alive connection. Clients do not get threads: each runs as
/// a stackful coroutine on an Asio event loop, and its transport suspends the coroutine while the
/// network works (Beast async calls with the coroutine's yield context). `concurrency` clients
/// are in flight at once, spread over `threads` event loops.
///
/// A fleet of N clients is numbered 0..N-1; shard I/K runs the I-th of K contiguous slices, so
/// the K shards of the same seed are disjoint, their union is the whole fleet, and each client
/// is the same whichever shard runs it.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <wsuslab/client/agent.hpp>
#include <wsuslab/client/fleet_result.hpp>
#include <wsuslab/client/http_transport.hpp>
#include <wsuslab/client/sync_outcome.hpp>
#include <wsuslab/mitigation/scenario.hpp>

namespace wsuslab::client {

/// One kind of client in the mix and its weight.
struct fleet_member {
    mitigation::client_profile profile;
    unsigned weight = 1;
};

/// The I-th (0-based) of `count` slices.
struct fleet_shard {
    std::size_t index = 0;
    std::size_t count = 1;
};

/// Parses "I/N" (0 <= I < N); nullopt when malformed.
std::optional<fleet_shard> parse_shard(const std::string& text);

/// The client indices [first, last) of a shard of a fleet of `clients`.
std::pair<std::size_t, std::size_t> shard_range(std::size_t clients, fleet_shard shard);

/// Who client `index` of a fleet is.
struct fleet_client {
    std::size_t index = 0;
    std::size_t member = 0;  ///< position in fleet_options::mix
    std::string client_id;   ///< lower-case GUID drawn from (seed, index)
    std::string dns_name;    ///< the profile's host label + "-" + index, e.g. ws-office-01-000042.wsuslab.example
    std::uint64_t seed = 0;  ///< the agent's seed (PID/TID, event IDs, schedule)
};

struct fleet_options {
    std::string server_url;
    /// The kinds of client and their weights; clients are dealt in a smooth weighted
    /// round-robin, so any W consecutive clients (W = sum of weights) hold each member exactly
    /// `weight` times.
    std::vector<fleet_member> mix;
    std::size_t clients = 1;  ///< the whole fleet, all shards together
    std::uint64_t seed = 954960;
    fleet_shard shard;
    /// Clients in flight at once; 0 = default_concurrency().
    std::size_t concurrency = 0;
    /// Event-loop threads; 0 = one per core.
    unsigned threads = 0;
    /// New clients started per second; 0 = as fast as the concurrency allows.
    double rate = 0;
    /// The agent every client runs: retries, caps, protocol version... (server_url, profile,
    /// seed, state_dir and keep are set per client).
    sync_options agent;
    /// What each outcome keeps (replaces agent.keep). The fleet needs none of it; on_client may
    /// want some.
    outcome_detail keep = outcome_detail::none();
    /// Proxy, CA file, --insecure, timeouts (shared by every client's transport).
    http_transport_options transport;
    /// Simulated start time of every client's clock.
    time_point start = time_point(std::chrono::milliseconds(1213412393383LL));  // 2008-06-14T02:59:53.383Z
    /// Coroutine stack size per client in flight.
    std::size_t stack_bytes = 256 * 1024;

    /// Called about every `progress_interval` from the calling thread while the fleet runs.
    std::function<void(const fleet_progress&)> on_progress;
    std::chrono::milliseconds progress_interval{250};
    /// Called when a client finishes, from an event-loop thread (must be thread-safe).
    std::function<void(const fleet_client&, const sync_outcome&)> on_client;
};

/// min(256, 32 x cores): enough to keep a local server's cores busy without exceeding
/// `wsuslab serve`'s default --max-connections (256).
std::size_t default_concurrency();

/// The identity of client `index` (pure: the same options and index give the same client).
fleet_client fleet_client_at(const fleet_options& options, std::size_t index);

/// The member of the mix client `index` gets (smooth weighted round-robin).
std::size_t fleet_member_at(const std::vector<fleet_member>& mix, std::size_t index);

/// Runs the shard's clients and adds up what happened. A problem with the options (no mix, a
/// zero weight, a bad URL or shard) is returned as text.
std::variant<fleet_result, std::string> run_fleet(const fleet_options& options);

}  // namespace wsuslab::client
