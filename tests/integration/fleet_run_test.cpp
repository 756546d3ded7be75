// A fleet of 2,000 mixed clients against the in-process mock WSUS on each GetSyncInfo model:
// exact outcome counts per profile, the failure grouping, and every fault ID a client received
// is in the server's SoftwareDistribution.log with that client's ID.
#include <map>
#include <mutex>
#include <set>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <wsuslab/client/fleet.hpp>

#include "regression_support.hpp"

namespace wsuslab::client {
namespace {

using mitigation::model_kind;
using regression::lab_server;

constexpr std::size_t fleet_size = 2000;

fleet_options lab_fleet(const std::string& url) {
    fleet_options o;
    o.server_url = url;
    for (auto const& p : regression::kb954960()->profiles) {
        o.mix.push_back({p, 1});
    }
    o.clients = fleet_size;
    o.seed = 954960;
    o.concurrency = 32;
    o.threads = 2;
    return o;
}

server::service_options lab_service(model_kind model) {
    server::service_options o = lab_server::with_model(model);
    o.level = server::log_level::error;  // fault lines only: the log stays small
    return o;
}

// "fault ID -> client ID" from the ThrowException lines of a SoftwareDistribution.log.
std::map<std::string, std::string> faults_in_log(const std::string& log) {
    std::map<std::string, std::string> ids;
    std::string const id_key = ", ID=";
    std::string const client_key = ", Client=";
    for (std::size_t at = log.find(id_key); at != std::string::npos; at = log.find(id_key, at + 1)) {
        std::size_t const start = at + id_key.size();
        std::size_t const end = log.find(',', start);
        std::size_t const client = log.find(client_key, start);
        std::size_t const eol = log.find('\n', start);
        if (end == std::string::npos || client == std::string::npos || client > eol) {
            continue;
        }
        std::size_t const client_start = client + client_key.size();
        std::size_t client_end = client_start;
        while (client_end < log.size() && (std::isalnum(static_cast<unsigned char>(log[client_end])) != 0 || log[client_end] == '-')) {
            ++client_end;
        }
        ids[log.substr(start, end - start)] = log.substr(client_start, client_end - client_start);
    }
    return ids;
}

struct observed {
    std::mutex mutex;
    std::map<std::string, std::string> fault_to_client;
    std::set<std::string> client_ids;
};

TEST(FleetRunTest, LegacyServerFailsExactlyTheOffice2003ClientsWith0x8024400E) {
    lab_server lab(lab_service(model_kind::legacy));
    fleet_options o = lab_fleet(lab.url());
    observed seen;
    o.on_client = [&seen](const fleet_client& who, const sync_outcome& out) {
        std::lock_guard<std::mutex> lock(seen.mutex);
        seen.client_ids.insert(who.client_id);
        if (out.fault) {
            seen.fault_to_client[out.fault->fault.id] = who.client_id;
        }
    };
    auto run = run_fleet(o);
    ASSERT_TRUE(std::holds_alternative<fleet_result>(run)) << std::get<std::string>(run);
    auto const& r = std::get<fleet_result>(run);

    // Equal weights deal the three profiles in turn: 667, 667, 666.
    EXPECT_EQ(r.clients, fleet_size);
    EXPECT_EQ(r.synced, 1333u);
    EXPECT_EQ(r.failed, 667u);
    EXPECT_EQ(r.connection_errors, 0u);
    EXPECT_EQ(r.by_profile.at("office2003-workstation").clients, 667u);
    EXPECT_EQ(r.by_profile.at("office2003-workstation").failed, 667u);
    EXPECT_EQ(r.by_profile.at("office2003-workstation").by_error, (std::map<std::string, std::uint64_t>{{"0x8024400E", 667}}));
    EXPECT_EQ(r.by_profile.at("plain-workstation").synced, 667u);
    EXPECT_EQ(r.by_profile.at("server-2003").synced, 666u);
    ASSERT_EQ(r.by_error.size(), 1u);
    EXPECT_EQ(r.by_error.at("0x8024400E").count, 667u);
    EXPECT_EQ(r.by_error.at("0x8024400E").example, "SyncUpdates: SOAP fault Server InternalServerError");
    ASSERT_EQ(r.by_soap_error.size(), 1u);
    auto const& fault = r.by_soap_error.at("InternalServerError");
    EXPECT_EQ(fault.count, 667u);
    EXPECT_EQ(fault.operation, "SyncUpdates");
    EXPECT_EQ(r.exit_code(), 1);
    EXPECT_EQ(seen.client_ids.size(), fleet_size);  // every client has its own ID

    // Every fault a client received is in the server log, with that client's ID.
    auto const logged = faults_in_log(lab.log_text());
    ASSERT_EQ(seen.fault_to_client.size(), 667u);
    EXPECT_EQ(seen.fault_to_client.count(fault.example_fault_id), 1u);
    for (auto const& [id, client_id] : seen.fault_to_client) {
        SCOPED_TRACE("fault ID " + id);
        ASSERT_EQ(logged.count(id), 1u);
        EXPECT_EQ(logged.at(id), client_id);
    }
    // Every request of every client was answered by the server; one connection per client.
    EXPECT_EQ(r.connections, fleet_size);
    EXPECT_EQ(r.requests_by_operation.at("GetConfig"), fleet_size);
    EXPECT_EQ(r.requests_by_operation.at("RegisterComputer"), fleet_size);
    EXPECT_EQ(r.requests_by_operation.at("ReportEventBatch"), fleet_size);
    EXPECT_EQ(r.requests_by_operation.at("GetExtendedUpdateInfo"), 1333u);
    EXPECT_EQ(r.latency.count(), r.requests);
}

TEST(FleetRunTest, FixedServerSyncsEveryClient) {
    lab_server lab(lab_service(model_kind::fixed));
    auto run = run_fleet(lab_fleet(lab.url()));
    ASSERT_TRUE(std::holds_alternative<fleet_result>(run)) << std::get<std::string>(run);
    auto const& r = std::get<fleet_result>(run);
    EXPECT_EQ(r.clients, fleet_size);
    EXPECT_EQ(r.synced, fleet_size);
    EXPECT_EQ(r.failed, 0u);
    EXPECT_TRUE(r.by_error.empty());
    EXPECT_TRUE(r.by_soap_error.empty());
    EXPECT_EQ(r.by_profile.at("office2003-workstation").synced, 667u);
    EXPECT_EQ(r.by_profile.at("plain-workstation").synced, 667u);
    EXPECT_EQ(r.by_profile.at("server-2003").synced, 666u);
    EXPECT_EQ(r.requests_by_operation.at("GetExtendedUpdateInfo"), fleet_size);
    EXPECT_EQ(r.exit_code(), 0);
    EXPECT_TRUE(lab.service().last_fault_ids().empty());
}

TEST(FleetRunTest, UnreachableServerAbortsEarly) {
    // Bind a port, then close it: nothing listens there any more.
    std::string url;
    {
        lab_server gone(lab_service(model_kind::fixed));
        url = gone.url();
    }
    fleet_options o = lab_fleet(url);
    o.clients = 1000;
    auto run = run_fleet(o);
    ASSERT_TRUE(std::holds_alternative<fleet_result>(run));
    auto const& r = std::get<fleet_result>(run);
    ASSERT_TRUE(r.aborted.has_value());
    EXPECT_THAT(*r.aborted, ::testing::StartsWith("server unreachable: GetConfig: connect to 127.0.0.1:"));
    EXPECT_EQ(r.exit_code(), 2);
    EXPECT_EQ(r.synced, 0u);
    EXPECT_GT(r.not_started, 0u);  // it stopped instead of failing all 1000
    EXPECT_EQ(r.clients + r.not_started, 1000u);
}

TEST(FleetRunTest, RateLimitsTheStartOfNewClients) {
    lab_server lab(lab_service(model_kind::fixed));
    fleet_options o = lab_fleet(lab.url());
    o.clients = 6;
    o.rate = 20;  // clients 0..5 start at 0, 50, ..., 250 ms
    auto run = run_fleet(o);
    ASSERT_TRUE(std::holds_alternative<fleet_result>(run));
    EXPECT_EQ(std::get<fleet_result>(run).synced, 6u);
    EXPECT_GE(std::get<fleet_result>(run).seconds, 0.25);
}

TEST(FleetRunTest, BadOptionsAreNamed) {
    fleet_options o;
    o.server_url = "http://127.0.0.1:1";
    EXPECT_EQ(std::get<std::string>(run_fleet(o)), "the mix names no client profile");
    o.mix.push_back({regression::profile("plain-workstation"), 0});
    EXPECT_EQ(std::get<std::string>(run_fleet(o)), "profile 'plain-workstation' has weight 0; weights must be positive");
    o.mix.back().weight = 1;
    o.server_url = "ftp://x";
    EXPECT_EQ(std::get<std::string>(run_fleet(o)), "server URL 'ftp://x' is not an http:// or https:// URL");
}

}  // namespace
}  // namespace wsuslab::client
