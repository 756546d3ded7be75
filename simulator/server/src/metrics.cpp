#include <wsuslab/server/metrics.hpp>

#include <cstdio>

namespace wsuslab::server {
namespace {

// Label values may hold any text; the exposition format escapes backslash, quote and newline.
std::string escape_label(std::string_view v) {
    std::string out;
    out.reserve(v.size());
    for (const char c : v) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '"') {
            out += "\\\"";
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

std::string number(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.9g", v);
    return buf;
}

void family(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
    out += "# HELP ";
    out += name;
    out += ' ';
    out += help;
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    out += type;
    out += '\n';
}

}  // namespace

void metrics_registry::record_request(std::string_view operation, int status, double seconds) {
    std::lock_guard<std::mutex> lock(mutex_);
    ++requests_[{std::string(operation), status}];
    histogram& h = latency_[std::string(operation)];
    for (std::size_t i = 0; i < buckets.size(); ++i) {
        if (seconds <= buckets[i]) {
            ++h.counts[i];
        }
    }
    ++h.count;
    h.sum += seconds;
}

void metrics_registry::record_fault(std::string_view error_code) {
    std::lock_guard<std::mutex> lock(mutex_);
    ++faults_[std::string(error_code)];
}

void metrics_registry::record_duplicates_met(std::uint64_t n) {
    std::lock_guard<std::mutex> lock(mutex_);
    duplicates_met_ += n;
}

void metrics_registry::record_duplicates_resolved(std::uint64_t n) {
    std::lock_guard<std::mutex> lock(mutex_);
    duplicates_resolved_ += n;
}

void metrics_registry::record_client(std::string_view client_id) {
    if (client_id.empty()) {
        return;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    clients_.emplace(client_id);
}

void metrics_registry::record_events(std::uint64_t n) {
    std::lock_guard<std::mutex> lock(mutex_);
    events_ += n;
}

void metrics_registry::set_registered(std::uint64_t n) {
    std::lock_guard<std::mutex> lock(mutex_);
    registered_ = n;
}

std::uint64_t metrics_registry::requests(std::string_view operation) const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::uint64_t total = 0;
    for (auto const& [key, n] : requests_) {
        if (key.first == operation) {
            total += n;
        }
    }
    return total;
}

std::uint64_t metrics_registry::faults(std::string_view error_code) const {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = faults_.find(std::string(error_code));
    return it == faults_.end() ? 0 : it->second;
}

std::uint64_t metrics_registry::duplicates_met() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return duplicates_met_;
}

std::uint64_t metrics_registry::duplicates_resolved() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return duplicates_resolved_;
}

std::uint64_t metrics_registry::clients_seen() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return clients_.size();
}

std::string metrics_registry::text() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::string out;
    family(out, "wsuslab_requests_total", "counter", "HTTP requests answered, by operation and status.");
    for (auto const& [key, n] : requests_) {
        out += "wsuslab_requests_total{operation=\"" + escape_label(key.first) + "\",status=\"" +
               std::to_string(key.second) + "\"} " + std::to_string(n) + "\n";
    }
    family(out, "wsuslab_request_duration_seconds", "histogram",
           "Time to compute a response, by operation.");
    for (auto const& [op, h] : latency_) {
        const std::string label = "operation=\"" + escape_label(op) + "\"";
        for (std::size_t i = 0; i < buckets.size(); ++i) {
            out += "wsuslab_request_duration_seconds_bucket{" + label + ",le=\"" +
                   number(buckets[i]) + "\"} " + std::to_string(h.counts[i]) + "\n";
        }
        out += "wsuslab_request_duration_seconds_bucket{" + label + ",le=\"+Inf\"} " +
               std::to_string(h.count) + "\n";
        out += "wsuslab_request_duration_seconds_sum{" + label + "} " + number(h.sum) + "\n";
        out += "wsuslab_request_duration_seconds_count{" + label + "} " + std::to_string(h.count) +
               "\n";
    }
    family(out, "wsuslab_faults_total", "counter", "SOAP faults answered, by MS-WUSP ErrorCode.");
    for (auto const& [code, n] : faults_) {
        out += "wsuslab_faults_total{error_code=\"" + escape_label(code) + "\"} " +
               std::to_string(n) + "\n";
    }
    family(out, "wsuslab_duplicates_met_total", "counter",
           "Duplicate keys the legacy GetSyncInfo model failed on.");
    out += "wsuslab_duplicates_met_total " + std::to_string(duplicates_met_) + "\n";
    family(out, "wsuslab_duplicates_resolved_total", "counter",
           "Duplicate rows the fixed GetSyncInfo model resolved.");
    out += "wsuslab_duplicates_resolved_total " + std::to_string(duplicates_resolved_) + "\n";
    family(out, "wsuslab_clients_seen", "gauge", "Distinct client IDs seen.");
    out += "wsuslab_clients_seen " + std::to_string(clients_.size()) + "\n";
    family(out, "wsuslab_registered_computers", "gauge", "Computers registered with RegisterComputer.");
    out += "wsuslab_registered_computers " + std::to_string(registered_) + "\n";
    family(out, "wsuslab_events_received_total", "counter", "ReportEventBatch events received.");
    out += "wsuslab_events_received_total " + std::to_string(events_) + "\n";
    return out;
}

}  // namespace wsuslab::server
