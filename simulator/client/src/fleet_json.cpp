// The fleet result as JSON (`wsuslab fleet --json`, read back by `wsuslab fleet merge`). The
// shape is documented in docs/fleet.md; "format" names its version.
#include <wsuslab/client/fleet_result.hpp>

#include <nlohmann/json.hpp>

namespace wsuslab::client {
namespace {

using nlohmann::json;

constexpr const char* format_name = "wsuslab-fleet/1";

json counts_json(const fleet_profile_counts& c) {
    return json{{"clients", c.clients}, {"synced", c.synced}, {"failed", c.failed}, {"by_error", c.by_error}};
}

// Reads `key` of `j` as T, naming the JSON path when it is missing or of another type.
template <class T>
T field(const json& j, const std::string& path, const char* key) {
    if (!j.is_object() || !j.contains(key)) {
        throw std::runtime_error(path + "." + key + ": missing");
    }
    try {
        return j.at(key).get<T>();
    } catch (const json::exception&) {
        throw std::runtime_error(path + "." + key + ": wrong type (" + j.at(key).type_name() + ")");
    }
}

const json& object_at(const json& j, const std::string& path, const char* key) {
    if (!j.contains(key) || !j.at(key).is_object()) {
        throw std::runtime_error(path + "." + key + ": missing or not an object");
    }
    return j.at(key);
}

}  // namespace

std::string format_fleet_json(const fleet_result& r) {
    json j;
    j["format"] = format_name;
    j["server"] = r.server_url;
    j["seed"] = r.seed;
    j["shards"] = r.shards;
    j["clients"] = r.clients;
    j["synced"] = r.synced;
    j["failed"] = r.failed;
    j["connection_errors"] = r.connection_errors;
    j["not_started"] = r.not_started;
    j["seconds"] = r.seconds;
    j["clients_per_second"] = r.clients_per_second();
    j["requests"] = r.requests;
    j["requests_per_second"] = r.requests_per_second();
    j["connections"] = r.connections;
    j["requests_by_operation"] = r.requests_by_operation;
    json profiles = json::object();
    for (auto const& [name, c] : r.by_profile) {
        profiles[name] = counts_json(c);
    }
    j["by_profile"] = profiles;
    json errors = json::object();
    json examples = json::object();
    for (auto const& [code, e] : r.by_error) {
        errors[code] = e.count;
        examples[code] = e.example;
    }
    j["by_error"] = errors;
    j["error_examples"] = examples;
    json faults = json::object();
    for (auto const& [code, f] : r.by_soap_error) {
        faults[code] = json{{"count", f.count}, {"operation", f.operation}, {"example_fault_id", f.example_fault_id}};
    }
    j["by_soap_error"] = faults;
    j["latency_us"] = json{{"p50", r.latency.percentile_us(0.5)},
                           {"p90", r.latency.percentile_us(0.9)},
                           {"p99", r.latency.percentile_us(0.99)},
                           {"max", r.latency.percentile_us(1.0)}};
    json buckets = json::array();
    auto const& b = r.latency.buckets();
    for (std::size_t i = 0; i < b.size(); ++i) {
        if (b[i] != 0) {
            buckets.push_back(json::array({i, b[i]}));
        }
    }
    j["latency_histogram"] = json{{"bucket_upper_bound_us", "2^(i/16)"}, {"buckets", buckets}};
    j["aborted"] = r.aborted ? json(*r.aborted) : json(nullptr);
    return j.dump(2) + "\n";
}

std::variant<fleet_result, std::string> parse_fleet_json(const std::string& text) {
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        return std::string("not a JSON object");
    }
    try {
        if (field<std::string>(j, "$", "format") != format_name) {
            return "$.format: expected \"" + std::string(format_name) + "\"";
        }
        fleet_result r;
        r.server_url = field<std::string>(j, "$", "server");
        r.seed = field<std::uint64_t>(j, "$", "seed");
        r.shards = field<std::map<std::string, std::uint64_t>>(j, "$", "shards");
        r.clients = field<std::uint64_t>(j, "$", "clients");
        r.synced = field<std::uint64_t>(j, "$", "synced");
        r.failed = field<std::uint64_t>(j, "$", "failed");
        r.connection_errors = field<std::uint64_t>(j, "$", "connection_errors");
        r.not_started = field<std::uint64_t>(j, "$", "not_started");
        r.seconds = field<double>(j, "$", "seconds");
        r.requests = field<std::uint64_t>(j, "$", "requests");
        r.connections = field<std::uint64_t>(j, "$", "connections");
        r.requests_by_operation = field<std::map<std::string, std::uint64_t>>(j, "$", "requests_by_operation");
        for (auto const& [name, c] : object_at(j, "$", "by_profile").items()) {
            std::string const path = "$.by_profile." + name;
            fleet_profile_counts& t = r.by_profile[name];
            t.clients = field<std::uint64_t>(c, path, "clients");
            t.synced = field<std::uint64_t>(c, path, "synced");
            t.failed = field<std::uint64_t>(c, path, "failed");
            t.by_error = field<std::map<std::string, std::uint64_t>>(c, path, "by_error");
        }
        auto const& examples = object_at(j, "$", "error_examples");
        for (auto const& [code, n] : object_at(j, "$", "by_error").items()) {
            r.by_error[code].count = n.get<std::uint64_t>();
            r.by_error[code].example = examples.value(code, std::string());
        }
        for (auto const& [code, f] : object_at(j, "$", "by_soap_error").items()) {
            std::string const path = "$.by_soap_error." + code;
            auto& t = r.by_soap_error[code];
            t.count = field<std::uint64_t>(f, path, "count");
            t.operation = field<std::string>(f, path, "operation");
            t.example_fault_id = field<std::string>(f, path, "example_fault_id");
        }
        auto const& hist = object_at(j, "$", "latency_histogram");
        for (auto const& pair : field<std::vector<std::vector<std::uint64_t>>>(hist, "$.latency_histogram", "buckets")) {
            if (pair.size() != 2 || pair[0] >= latency_histogram::bucket_count) {
                return std::string("$.latency_histogram.buckets: each entry must be [bucket < ") +
                       std::to_string(latency_histogram::bucket_count) + ", count]";
            }
            r.latency.add(static_cast<std::size_t>(pair[0]), pair[1]);
        }
        if (j.contains("aborted") && j.at("aborted").is_string()) {
            r.aborted = j.at("aborted").get<std::string>();
        }
        return r;
    } catch (const std::exception& e) {
        return std::string(e.what());
    }
}

}  // namespace wsuslab::client
