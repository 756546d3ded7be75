// A fleet of mixed clients against the in-process mock WSUS on each GetSyncInfo model: exact
// outcome counts per profile, the failure grouping, and the fault IDs the clients received are
// exactly those of the server's SoftwareDistribution.log. 2,000 clients, the size the fleet issue
// asks for (about a minute per model under ASan); WSUSLAB_FLEET_TEST_CLIENTS=N changes it.
#include <cstdlib>
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

std::size_t fleet_size() {
    char const* env = std::getenv("WSUSLAB_FLEET_TEST_CLIENTS");
    return env != nullptr && std::atoi(env) > 0 ? static_cast<std::size_t>(std::atoi(env)) : 2000;
}

// Equal weights deal the three profiles in turn: office2003, plain, server, office2003, ...
std::uint64_t dealt(std::size_t member) { return (fleet_size() + 2 - member) / 3; }

fleet_options lab_fleet(const std::string& url) {
    fleet_options o;
    o.server_url = url;
    for (auto const& p : regression::kb954960()->profiles) {
        o.mix.push_back({p, 1});
    }
    o.clients = fleet_size();
    o.seed = 954960;
    o.concurrency = 32;
    o.threads = 2;
    return o;
}

server::service_options lab_service(model_kind model) {
    server::service_options o = lab_server::with_model(model);
    o.level = server::log_level::warning;  // fault lines only: the log stays small
    return o;
}

// The fault IDs of the ThrowException lines of a SoftwareDistribution.log ("..., ID=<guid>, ...").
std::set<std::string> faults_in_log(const std::string& log) {
    std::set<std::string> ids;
    std::string const key = "ThrowException: actor = ";
    for (std::size_t at = log.find(key); at != std::string::npos; at = log.find(key, at + 1)) {
        std::size_t const start = log.find(", ID=", at) + 5;
        ids.insert(log.substr(start, log.find(',', start) - start));
    }
    return ids;
}

struct observed {
    std::mutex mutex;
    std::set<std::string> fault_ids;
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
            seen.fault_ids.insert(out.fault->fault.id);
        }
    };
    auto run = run_fleet(o);
    ASSERT_TRUE(std::holds_alternative<fleet_result>(run)) << std::get<std::string>(run);
    auto const& r = std::get<fleet_result>(run);

    std::uint64_t const office = dealt(0);
    EXPECT_EQ(r.clients, fleet_size());
    EXPECT_EQ(r.synced, dealt(1) + dealt(2));
    EXPECT_EQ(r.failed, office);
    EXPECT_EQ(r.connection_errors, 0u);
    EXPECT_EQ(r.by_profile.at("office2003-workstation").clients, office);
    EXPECT_EQ(r.by_profile.at("office2003-workstation").failed, office);
    EXPECT_EQ(r.by_profile.at("office2003-workstation").by_error, (std::map<std::string, std::uint64_t>{{"0x8024400E", office}}));
    EXPECT_EQ(r.by_profile.at("plain-workstation").synced, dealt(1));
    EXPECT_EQ(r.by_profile.at("plain-workstation").failed, 0u);
    EXPECT_EQ(r.by_profile.at("server-2003").synced, dealt(2));
    EXPECT_EQ(r.by_profile.at("server-2003").failed, 0u);
    ASSERT_EQ(r.by_error.size(), 1u);
    EXPECT_EQ(r.by_error.at("0x8024400E").count, office);
    EXPECT_EQ(r.by_error.at("0x8024400E").example, "SyncUpdates: SOAP fault Server InternalServerError");
    ASSERT_EQ(r.by_soap_error.size(), 1u);
    auto const& fault = r.by_soap_error.at("InternalServerError");
    EXPECT_EQ(fault.count, office);
    EXPECT_EQ(fault.operation, "SyncUpdates");
    EXPECT_EQ(r.exit_code(), 1);
    EXPECT_EQ(seen.client_ids.size(), fleet_size());  // every client has its own ID

    // One fault per Office 2003 client, and the server logged exactly those fault IDs.
    EXPECT_EQ(seen.fault_ids.size(), office);
    EXPECT_EQ(seen.fault_ids.count(fault.example_fault_id), 1u);
    EXPECT_EQ(faults_in_log(lab.log_text()), seen.fault_ids);
    // One connection per client; every client made its whole detection.
    EXPECT_EQ(r.connections, fleet_size());
    EXPECT_EQ(r.requests_by_operation.at("GetConfig"), fleet_size());
    EXPECT_EQ(r.requests_by_operation.at("RegisterComputer"), fleet_size());
    EXPECT_EQ(r.requests_by_operation.at("ReportEventBatch"), fleet_size());
    EXPECT_EQ(r.requests_by_operation.at("GetExtendedUpdateInfo"), dealt(1) + dealt(2));
    EXPECT_EQ(r.latency.count(), r.requests);
}

TEST(FleetRunTest, FixedServerSyncsEveryClient) {
    lab_server lab(lab_service(model_kind::fixed));
    auto run = run_fleet(lab_fleet(lab.url()));
    ASSERT_TRUE(std::holds_alternative<fleet_result>(run)) << std::get<std::string>(run);
    auto const& r = std::get<fleet_result>(run);
    EXPECT_EQ(r.clients, fleet_size());
    EXPECT_EQ(r.synced, fleet_size());
    EXPECT_EQ(r.failed, 0u);
    EXPECT_TRUE(r.by_error.empty());
    EXPECT_TRUE(r.by_soap_error.empty());
    EXPECT_EQ(r.by_profile.at("office2003-workstation").synced, dealt(0));
    EXPECT_EQ(r.by_profile.at("plain-workstation").synced, dealt(1));
    EXPECT_EQ(r.by_profile.at("server-2003").synced, dealt(2));
    EXPECT_EQ(r.requests_by_operation.at("GetExtendedUpdateInfo"), fleet_size());
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

TEST(FleetRunTest, HttpsFleetVerifiesTheServerCertificate) {
    server::server_config tls = test::test_server::test_config();
    tls.tls_cert_file = test::fixture_path("tls/server-cert.pem");
    tls.tls_key_file = test::fixture_path("tls/server-key.pem");
    lab_server lab(lab_service(model_kind::fixed), {}, tls);
    ASSERT_EQ(lab.url().rfind("https://", 0), 0u);
    fleet_options o = lab_fleet(lab.url());
    o.clients = 12;
    o.transport.ca_file = test::fixture_path("tls/server-cert.pem");
    auto trusted = run_fleet(o);
    ASSERT_TRUE(std::holds_alternative<fleet_result>(trusted));
    EXPECT_EQ(std::get<fleet_result>(trusted).synced, 12u);
    EXPECT_EQ(std::get<fleet_result>(trusted).connections, 12u);

    o.transport.ca_file.reset();  // the system store does not know the lab's certificate
    auto untrusted = run_fleet(o);
    ASSERT_TRUE(std::holds_alternative<fleet_result>(untrusted));
    auto const& r = std::get<fleet_result>(untrusted);
    EXPECT_EQ(r.synced, 0u);
    EXPECT_EQ(r.by_error.at("0x80244005").example.rfind("GetConfig: TLS handshake with 127.0.0.1:", 0), 0u);
    EXPECT_EQ(r.exit_code(), 2);
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
