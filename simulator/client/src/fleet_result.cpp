// The fleet result: latency histogram, merge of shards, summary text, progress line, JUnit.
// JSON reading and writing are in fleet_json.cpp.
#include <wsuslab/client/fleet_result.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <vector>

#include <wsuslab/client/hresult.hpp>

namespace wsuslab::client {

std::size_t latency_histogram::bucket_of(std::uint64_t microseconds) {
    if (microseconds < 1) {
        return 0;
    }
    auto const i = static_cast<std::size_t>(std::floor(16.0 * std::log2(static_cast<double>(microseconds))));
    return std::min(bucket_count - 1, i + 1);
}

double latency_histogram::upper_bound_us(std::size_t i) { return std::exp2(static_cast<double>(i) / 16.0); }

void latency_histogram::merge(const latency_histogram& other) {
    for (std::size_t i = 0; i < bucket_count; ++i) {
        buckets_[i] += other.buckets_[i];
    }
}

std::uint64_t latency_histogram::count() const {
    std::uint64_t n = 0;
    for (auto b : buckets_) {
        n += b;
    }
    return n;
}

double latency_histogram::percentile_us(double fraction) const {
    std::uint64_t const n = count();
    if (n == 0) {
        return 0;
    }
    // The rank of the sample at `fraction`, 1-based, at least 1.
    auto const rank = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(fraction * static_cast<double>(n))));
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < bucket_count; ++i) {
        seen += buckets_[i];
        if (seen >= rank) {
            return upper_bound_us(i);
        }
    }
    return upper_bound_us(bucket_count - 1);
}

int fleet_result::exit_code() const {
    if (aborted) {
        return 2;
    }
    return failed == 0 && not_started == 0 ? 0 : 1;
}

std::optional<std::string> merge_into(fleet_result& a, const fleet_result& b) {
    if (!a.shards.empty() && !b.shards.empty() && a.seed != b.seed) {
        return "results of different fleets: seed " + std::to_string(a.seed) + " and " + std::to_string(b.seed);
    }
    for (auto const& [shard, n] : b.shards) {
        if (a.shards.count(shard) != 0) {
            return "shard " + shard + " appears twice";
        }
        auto const slash = shard.find('/');
        if (!a.shards.empty()) {
            auto const mine = a.shards.begin()->first;
            if (mine.substr(mine.find('/')) != shard.substr(slash)) {
                return "shard " + shard + " belongs to another split than " + mine;
            }
        }
        a.shards[shard] = n;
    }
    if (a.server_url.empty()) {
        a.server_url = b.server_url;
    }
    a.seed = b.seed;
    a.clients += b.clients;
    a.synced += b.synced;
    a.failed += b.failed;
    a.connection_errors += b.connection_errors;
    a.not_started += b.not_started;
    a.seconds = std::max(a.seconds, b.seconds);  // shards run side by side
    a.requests += b.requests;
    a.connections += b.connections;
    for (auto const& [op, n] : b.requests_by_operation) {
        a.requests_by_operation[op] += n;
    }
    for (auto const& [name, c] : b.by_profile) {
        auto& t = a.by_profile[name];
        t.clients += c.clients;
        t.synced += c.synced;
        t.failed += c.failed;
        for (auto const& [code, n] : c.by_error) {
            t.by_error[code] += n;
        }
    }
    for (auto const& [code, e] : b.by_error) {
        auto& t = a.by_error[code];
        if (t.count == 0) {
            t.example = e.example;
        }
        t.count += e.count;
    }
    for (auto const& [code, f] : b.by_soap_error) {
        auto& t = a.by_soap_error[code];
        if (t.count == 0) {
            t.operation = f.operation;
            t.example_fault_id = f.example_fault_id;
        }
        t.count += f.count;
    }
    a.latency.merge(b.latency);
    if (!a.aborted && b.aborted) {
        a.aborted = b.aborted;
    }
    return std::nullopt;
}

std::string format_latency(double us) {
    char buf[32];
    if (us < 1000) {
        std::snprintf(buf, sizeof buf, "%.0f us", us);
    } else if (us < 1e6) {
        std::snprintf(buf, sizeof buf, "%.1f ms", us / 1000);
    } else {
        std::snprintf(buf, sizeof buf, "%.2f s", us / 1e6);
    }
    return buf;
}

namespace {

std::string shard_list(const fleet_result& r) {
    std::string s;
    for (auto const& [shard, n] : r.shards) {
        s += (s.empty() ? "" : ", ") + shard;
    }
    return s;
}

std::string fixed(double v, int decimals) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

void write_failures(std::ostringstream& s, const fleet_result& r) {
    if (!r.by_error.empty()) {
        s << "\n  failures by HRESULT:\n";
        for (auto const& [code, e] : r.by_error) {
            std::uint32_t const hr = static_cast<std::uint32_t>(std::stoul(code, nullptr, 16));
            std::string const name(hresult_name(hr));
            s << "    " << code << (name.empty() ? "" : " " + name) << ": " << e.count << " client"
              << (e.count == 1 ? "" : "s") << "; e.g. " << e.example << "\n";
        }
    }
    if (!r.by_soap_error.empty()) {
        s << "\n  failures by SOAP ErrorCode:\n";
        for (auto const& [code, f] : r.by_soap_error) {
            s << "    " << code << ": " << f.count << " client" << (f.count == 1 ? "" : "s") << " (" << f.operation
              << "); e.g. fault ID " << (f.example_fault_id.empty() ? "(none)" : f.example_fault_id) << "\n";
        }
    }
}

}  // namespace

std::string format_fleet_summary(const fleet_result& r) {
    std::ostringstream s;
    s << "wsuslab fleet: " << r.clients << " client" << (r.clients == 1 ? "" : "s") << " against " << r.server_url
      << " (seed " << r.seed << ", shard" << (r.shards.size() == 1 ? " " : "s ") << shard_list(r) << ")\n";
    s << "  wall " << fixed(r.seconds, 2) << " s, " << fixed(r.clients_per_second(), 0) << " clients/s, "
      << r.requests << " requests (" << fixed(r.requests_per_second(), 0) << "/s), " << r.connections
      << " connections\n";
    s << "  synced " << r.synced << ", failed " << r.failed;
    if (r.connection_errors > 0) {
        s << " (" << r.connection_errors << " connection errors)";
    }
    if (r.not_started > 0) {
        s << ", not started " << r.not_started;
    }
    s << "\n";
    if (r.aborted) {
        s << "  ABORTED: " << *r.aborted << "\n";
    }
    s << "\n  profile                          clients     synced     failed\n";
    for (auto const& [name, c] : r.by_profile) {
        char line[160];
        std::snprintf(line, sizeof line, "    %-30s %9llu  %9llu  %9llu", name.c_str(),
                      static_cast<unsigned long long>(c.clients), static_cast<unsigned long long>(c.synced),
                      static_cast<unsigned long long>(c.failed));
        s << line;
        for (auto const& [code, n] : c.by_error) {
            s << "  " << code << " x" << n;
        }
        s << "\n";
    }
    write_failures(s, r);
    s << "\n  requests by operation:\n";
    for (auto const& [op, n] : r.requests_by_operation) {
        s << "    " << op << ": " << n << "\n";
    }
    s << "\n  latency: p50 " << format_latency(r.latency.percentile_us(0.5)) << ", p90 "
      << format_latency(r.latency.percentile_us(0.9)) << ", p99 " << format_latency(r.latency.percentile_us(0.99))
      << ", max " << format_latency(r.latency.percentile_us(1.0)) << "\n";
    s << "  verdict: "
      << (r.exit_code() == 0 ? "every client synced" : r.exit_code() == 1 ? "some clients failed" : "aborted")
      << "\n";
    return s.str();
}

std::string format_progress_line(const fleet_progress& p) {
    double const rate = p.seconds > 0 ? static_cast<double>(p.requests) / p.seconds : 0;
    double const clients_rate = p.seconds > 0 ? static_cast<double>(p.done) / p.seconds : 0;
    std::string eta = "?";
    if (clients_rate > 0 && p.total >= p.done) {
        eta = fixed(static_cast<double>(p.total - p.done) / clients_rate, 0) + " s";
    }
    std::ostringstream s;
    s << p.done << "/" << p.total << " done, " << p.failed << " failed, " << p.in_flight << " in flight | "
      << fixed(rate, 0) << " req/s | p50 " << format_latency(p.p50_us) << " p99 " << format_latency(p.p99_us)
      << " | ETA " << eta;
    return s.str();
}

bool progress_wanted(bool stderr_is_terminal, bool disabled_by_user) { return stderr_is_terminal && !disabled_by_user; }

junit_testsuite fleet_junit(const fleet_result& r, const std::string& timestamp, const std::string& hostname) {
    junit_testsuite suite;
    suite.name = "wsuslab fleet";
    suite.timestamp = timestamp;
    suite.hostname = hostname;
    suite.time_seconds = r.seconds;
    suite.properties = {{"server", r.server_url},
                        {"seed", std::to_string(r.seed)},
                        {"shards", shard_list(r)},
                        {"clients", std::to_string(r.clients)},
                        {"requests", std::to_string(r.requests)}};
    for (auto const& [name, c] : r.by_profile) {
        junit_testcase t;
        t.name = name;
        t.classname = "wsuslab.fleet";
        // Each profile's share of the wall time, by its share of the clients.
        t.time_seconds = r.clients > 0 ? r.seconds * static_cast<double>(c.clients) / static_cast<double>(r.clients) : 0;
        if (c.failed > 0) {
            t.result = junit_result::failure;
            t.problem.type = "wsuslab.FleetFailure";
            t.problem.message = std::to_string(c.failed) + " of " + std::to_string(c.clients) + " " + name +
                                " clients did not sync";
            t.problem.text = "synced " + std::to_string(c.synced) + ", failed " + std::to_string(c.failed) + "\n";
            std::string most;
            std::uint64_t most_n = 0;
            for (auto const& [code, n] : c.by_error) {
                auto const e = r.by_error.find(code);
                t.problem.text += code + ": " + std::to_string(n) + " clients" +
                                  (e != r.by_error.end() ? " (e.g. " + e->second.example + ")" : std::string()) + "\n";
                if (n > most_n) {
                    most = code;
                    most_n = n;
                }
            }
            if (!most.empty()) {
                t.problem.message += ", most with " + most;
            }
        }
        suite.testcases.push_back(std::move(t));
    }
    if (r.aborted) {
        junit_testcase t;
        t.name = "server reachable";
        t.classname = "wsuslab.fleet";
        t.result = junit_result::error;
        t.problem = {*r.aborted, "wsuslab.Unreachable", *r.aborted};
        suite.testcases.push_back(std::move(t));
    }
    suite.system_out = format_fleet_summary(r);
    return suite;
}

}  // namespace wsuslab::client
