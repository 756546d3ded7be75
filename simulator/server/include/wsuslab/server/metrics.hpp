#pragma once
/// The service's Prometheus metrics (text exposition format 0.0.4), served at GET /metrics:
///   wsuslab_requests_total{operation,status}          counter
///   wsuslab_request_duration_seconds{operation}       histogram (fixed buckets, seconds)
///   wsuslab_faults_total{error_code}                  counter ("none" for envelope faults)
///   wsuslab_duplicates_met_total                      counter: legacy-model failures
///   wsuslab_duplicates_resolved_total                 counter: fixed-model anomalies resolved
///   wsuslab_clients_seen                              gauge: distinct client IDs
///   wsuslab_registered_computers                      gauge
///   wsuslab_events_received_total                     counter: ReportEventBatch events
/// Operation labels are MS-WUSP operation names, or Content, WSDL, Metrics, Healthz, NotFound,
/// Unknown (a SOAP request whose operation could not be determined).
///
/// Thread-safety: every member may be called concurrently (one mutex).

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <utility>

namespace wsuslab::server {

class metrics_registry {
public:
    static constexpr std::array<double, 12> buckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0,  5.0};

    void record_request(std::string_view operation, int status, double seconds);
    void record_fault(std::string_view error_code);
    void record_duplicates_met(std::uint64_t n = 1);
    void record_duplicates_resolved(std::uint64_t n);
    void record_client(std::string_view client_id);
    void record_events(std::uint64_t n);
    void set_registered(std::uint64_t n);

    std::uint64_t requests(std::string_view operation) const;  ///< all statuses
    std::uint64_t faults(std::string_view error_code) const;
    std::uint64_t duplicates_met() const;
    std::uint64_t duplicates_resolved() const;
    std::uint64_t clients_seen() const;

    /// The exposition text, families and series in a stable (sorted) order.
    std::string text() const;

private:
    struct histogram {
        std::array<std::uint64_t, buckets.size()> counts{};
        std::uint64_t count = 0;
        double sum = 0;
    };
    mutable std::mutex mutex_;
    std::map<std::pair<std::string, int>, std::uint64_t> requests_;
    std::map<std::string, histogram> latency_;
    std::map<std::string, std::uint64_t> faults_;
    std::uint64_t duplicates_met_ = 0;
    std::uint64_t duplicates_resolved_ = 0;
    std::set<std::string> clients_;
    std::uint64_t events_ = 0;
    std::uint64_t registered_ = 0;
};

}  // namespace wsuslab::server
