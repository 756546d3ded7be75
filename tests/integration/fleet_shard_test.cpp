// Shards of a seeded fleet: disjoint, their union is the whole fleet, each client is the same
// whichever shard runs it, and merging the shards' results adds up to the unsharded run.
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

fleet_options mixed(const std::string& url, std::size_t clients) {
    fleet_options o;
    o.server_url = url;
    o.mix = {{regression::profile("office2003-workstation"), 30},
             {regression::profile("plain-workstation"), 60},
             {regression::profile("server-2003"), 10}};
    o.clients = clients;
    o.seed = 7;
    o.concurrency = 16;
    return o;
}

TEST(FleetShardTest, RangesAreDisjointAndCoverTheFleet) {
    for (std::size_t clients : {1u, 2u, 7u, 100u, 1001u}) {
        for (std::size_t n : {1u, 2u, 3u, 8u, 13u}) {
            SCOPED_TRACE(std::to_string(clients) + " clients, " + std::to_string(n) + " shards");
            std::size_t expected_first = 0;
            for (std::size_t i = 0; i < n; ++i) {
                auto const [first, last] = shard_range(clients, fleet_shard{i, n});
                EXPECT_EQ(first, expected_first);
                EXPECT_LE(last - first, clients / n + 1);
                expected_first = last;
            }
            EXPECT_EQ(expected_first, clients);
        }
    }
}

TEST(FleetShardTest, ParsesShardText) {
    EXPECT_EQ(parse_shard("0/1")->count, 1u);
    EXPECT_EQ(parse_shard("3/4")->index, 3u);
    for (auto bad : {"", "1", "4/4", "-1/2", "1/0", "a/2", "1/2/3", "/2", "1/"}) {
        EXPECT_FALSE(parse_shard(bad).has_value()) << bad;
    }
}

TEST(FleetShardTest, MixDealsExactWeightsInEveryCycle) {
    auto const o = mixed("http://127.0.0.1:1", 1000);
    std::map<std::size_t, int> counts;
    for (std::size_t i = 0; i < 1000; ++i) {
        ++counts[fleet_member_at(o.mix, i)];
    }
    EXPECT_EQ(counts, (std::map<std::size_t, int>{{0, 300}, {1, 600}, {2, 100}}));
    // Interleaved, not in blocks: the first ten hold all three members.
    std::set<std::size_t> first_ten;
    for (std::size_t i = 0; i < 10; ++i) {
        first_ten.insert(fleet_member_at(o.mix, i));
    }
    EXPECT_EQ(first_ten.size(), 3u);
}

TEST(FleetShardTest, IdentitiesDependOnSeedAndIndexOnly) {
    auto o = mixed("http://127.0.0.1:1", 1000);
    auto const a = fleet_client_at(o, 42);
    EXPECT_THAT(a.dns_name, ::testing::EndsWith("-000042.wsuslab.example"));
    EXPECT_EQ(a.client_id.size(), 36u);
    EXPECT_EQ(fleet_client_at(o, 42).client_id, a.client_id);
    EXPECT_NE(fleet_client_at(o, 43).client_id, a.client_id);
    o.seed = 8;
    EXPECT_NE(fleet_client_at(o, 42).client_id, a.client_id);
}

struct shard_run {
    fleet_result result;
    std::map<std::size_t, std::string> clients;  // index -> client ID + DNS name + verdict
};

shard_run run_shard(const fleet_options& base, fleet_shard shard) {
    SCOPED_TRACE("shard " + std::to_string(shard.index) + "/" + std::to_string(shard.count));
    fleet_options o = base;
    o.shard = shard;
    shard_run run;
    std::mutex mutex;
    o.on_client = [&](const fleet_client& who, const sync_outcome& out) {
        std::lock_guard<std::mutex> lock(mutex);
        EXPECT_EQ(run.clients.count(who.index), 0u) << "client " << who.index << " ran twice";
        run.clients[who.index] = who.client_id + " " + who.dns_name + " " + std::string(verdict_name(out.verdict));
    };
    auto r = run_fleet(o);
    EXPECT_TRUE(std::holds_alternative<fleet_result>(r));
    run.result = std::get<fleet_result>(std::move(r));
    return run;
}

TEST(FleetShardTest, ShardsUniteToTheWholeFleetAndMergeAddsUp) {
    lab_server lab(lab_server::with_model(model_kind::legacy));
    auto const base = mixed(lab.url(), 100);  // one whole cycle of the 30/60/10 mix
    shard_run const whole = run_shard(base, fleet_shard{0, 1});
    ASSERT_EQ(whole.clients.size(), 100u);

    fleet_result merged;
    std::map<std::size_t, std::string> united;
    for (std::size_t i = 0; i < 3; ++i) {
        shard_run const part = run_shard(base, fleet_shard{i, 3});
        EXPECT_EQ(part.result.clients, i == 2 ? 34u : 33u);
        for (auto const& [index, who] : part.clients) {
            EXPECT_TRUE(united.emplace(index, who).second) << "client " << index << " in two shards";
        }
        ASSERT_FALSE(merge_into(merged, part.result).has_value());
    }
    EXPECT_EQ(united, whole.clients);  // same clients, same identities, same verdicts

    fleet_result const& w = whole.result;
    EXPECT_EQ(merged.clients, w.clients);
    EXPECT_EQ(merged.synced, w.synced);
    EXPECT_EQ(merged.failed, w.failed);
    EXPECT_EQ(merged.failed, 30u);  // the 30 % Office 2003 clients on legacy
    EXPECT_EQ(merged.requests, w.requests);
    EXPECT_EQ(merged.connections, w.connections);
    EXPECT_EQ(merged.requests_by_operation, w.requests_by_operation);
    EXPECT_EQ(merged.latency.count(), w.latency.count());
    for (auto const& [name, c] : w.by_profile) {
        SCOPED_TRACE(name);
        EXPECT_EQ(merged.by_profile.at(name).clients, c.clients);
        EXPECT_EQ(merged.by_profile.at(name).synced, c.synced);
        EXPECT_EQ(merged.by_profile.at(name).failed, c.failed);
        EXPECT_EQ(merged.by_profile.at(name).by_error, c.by_error);
    }
    EXPECT_EQ(merged.by_error.at("0x8024400E").count, 30u);
    EXPECT_EQ(merged.by_soap_error.at("InternalServerError").count, 30u);
    EXPECT_EQ(merged.shards, (std::map<std::string, std::uint64_t>{{"0/3", 33}, {"1/3", 33}, {"2/3", 34}}));
    EXPECT_EQ(merged.exit_code(), 1);
}

TEST(FleetShardTest, MergeRefusesTheSameShardTwiceAndOtherSplits) {
    fleet_result a;
    a.shards["0/2"] = 5;
    a.seed = 1;
    fleet_result b = a;
    EXPECT_EQ(merge_into(a, b).value_or(""), "shard 0/2 appears twice");
    b.shards = {{"1/3", 5}};
    EXPECT_EQ(merge_into(a, b).value_or(""), "shard 1/3 belongs to another split than 0/2");
    b.shards = {{"1/2", 5}};
    b.seed = 2;
    EXPECT_EQ(merge_into(a, b).value_or(""), "results of different fleets: seed 1 and 2");
}

}  // namespace
}  // namespace wsuslab::client
