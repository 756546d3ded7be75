#pragma once
/// What a fleet run (fleet.hpp) found, in a form that adds up across shards: counts by profile,
/// by HRESULT and by SOAP ErrorCode (with one example fault ID each), requests by operation and a
/// mergeable latency histogram. Written as the summary text, the `--json` object and the
/// `--junit` document (one testcase per profile); read back from JSON by `wsuslab fleet merge`.
/// See docs/fleet.md for the JSON shape. Plain values; pure functions; thread-safe.

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>

#include <wsuslab/client/junit.hpp>

namespace wsuslab::client {

/// Request latencies in geometric buckets: bucket i >= 1 holds values in [2^((i-1)/16), 2^(i/16))
/// microseconds (about 4.4 % wide), bucket 0 everything below 1 µs. Buckets add up, so shards
/// merge exactly; a percentile is reported as its bucket's upper bound.
class latency_histogram {
public:
    static constexpr std::size_t bucket_count = 16 * 40;  ///< up to 2^40 µs (12 days)

    /// The bucket of a latency in microseconds.
    static std::size_t bucket_of(std::uint64_t microseconds);
    /// The upper bound of bucket `i`, in microseconds.
    static double upper_bound_us(std::size_t i);

    void add(std::size_t bucket, std::uint64_t count = 1) { buckets_[bucket] += count; }
    void record(std::uint64_t microseconds) { add(bucket_of(microseconds)); }
    void merge(const latency_histogram& other);
    std::uint64_t count() const;
    /// The latency (µs) at or below which `fraction` (0..1) of the samples lie; 0 when empty.
    double percentile_us(double fraction) const;
    const std::array<std::uint64_t, bucket_count>& buckets() const { return buckets_; }

private:
    std::array<std::uint64_t, bucket_count> buckets_{};
};

/// Outcomes of one profile's clients.
struct fleet_profile_counts {
    std::uint64_t clients = 0;
    std::uint64_t synced = 0;
    std::uint64_t failed = 0;  ///< every client that did not sync, connection errors included
    std::map<std::string, std::uint64_t> by_error;  ///< "0x8024400E" -> clients of this profile
};

/// Clients that ended with one HRESULT.
struct fleet_error_counts {
    std::uint64_t count = 0;
    std::string example;  ///< the first client's error text, e.g. "SyncUpdates: SOAP fault Server ..."
};

/// Clients whose detection ended in a SOAP fault with one ErrorCode.
struct fleet_fault_counts {
    std::uint64_t count = 0;
    std::string operation;         ///< of the example, e.g. "SyncUpdates"
    std::string example_fault_id;  ///< the server's fault ID (GUID) of one of them
};

struct fleet_result {
    std::uint64_t clients = 0;  ///< clients run (this shard, or every merged shard)
    std::uint64_t synced = 0;
    std::uint64_t failed = 0;             ///< did not sync (connection errors included)
    std::uint64_t connection_errors = 0;  ///< of `failed`: no usable HTTP answer
    std::uint64_t not_started = 0;        ///< clients skipped after the run was aborted
    double seconds = 0;                   ///< wall time (merged: the longest shard)
    std::uint64_t requests = 0;           ///< HTTP requests sent, answered or not
    std::uint64_t connections = 0;        ///< TCP connections opened
    std::map<std::string, std::uint64_t> requests_by_operation;  ///< "SyncUpdates" -> n
    std::map<std::string, fleet_profile_counts> by_profile;
    std::map<std::string, fleet_error_counts> by_error;  ///< "0x8024400E" -> ...
    std::map<std::string, fleet_fault_counts> by_soap_error;  ///< "InternalServerError" -> ...
    latency_histogram latency;
    /// Set when the run stopped early (server unreachable): every started client failed to
    /// connect. The CLI exits 2.
    std::optional<std::string> aborted;

    /// Shards of one fleet (fleet.hpp) this result covers, e.g. "0/4" and "1/4" after a merge.
    std::map<std::string, std::uint64_t> shards;  ///< "I/N" -> clients
    std::string server_url;
    std::uint64_t seed = 0;

    double clients_per_second() const { return seconds > 0 ? static_cast<double>(clients) / seconds : 0; }
    double requests_per_second() const { return seconds > 0 ? static_cast<double>(requests) / seconds : 0; }
    /// 0 every client synced, 1 some failed, 2 aborted (server unreachable).
    int exit_code() const;
};

/// Adds `b` to `a`: counts and histograms add, wall time is the longest, the first example of
/// each error is kept, shards are united (the same shard twice is an error, as is another seed).
std::optional<std::string> merge_into(fleet_result& a, const fleet_result& b);

/// The summary `wsuslab fleet` prints.
std::string format_fleet_summary(const fleet_result& r);
/// The --json object (docs/fleet.md).
std::string format_fleet_json(const fleet_result& r);
/// Reads a --json object back; the error names the problem and the JSON path.
std::variant<fleet_result, std::string> parse_fleet_json(const std::string& text);
/// One testcase per profile: passed when all its clients synced, otherwise a failure whose
/// message gives the count and the most common HRESULT.
junit_testsuite fleet_junit(const fleet_result& r, const std::string& timestamp,
                            const std::string& hostname);

/// What the progress line shows, sampled while the fleet runs.
struct fleet_progress {
    std::uint64_t total = 0;  ///< clients in this run
    std::uint64_t done = 0;
    std::uint64_t failed = 0;
    std::uint64_t in_flight = 0;
    std::uint64_t requests = 0;
    double seconds = 0;
    double p50_us = 0;
    double p99_us = 0;
};

/// "  4211/10000 done, 1404 failed, 64 in flight | 21034 req/s | p50 1.9 ms p99 7.4 ms | ETA 3 s"
std::string format_progress_line(const fleet_progress& p);

/// Whether the live progress line is drawn: only on a terminal (it goes to stderr, redrawn in
/// place with "\r"), never into a file or pipe, and never when the user said --no-progress.
bool progress_wanted(bool stderr_is_terminal, bool disabled_by_user);

/// "1.9 ms", "850 µs", "2.31 s".
std::string format_latency(double microseconds);

}  // namespace wsuslab::client
