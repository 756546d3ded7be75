// 200 simulated agents of mixed profiles syncing at once against a legacy and a fixed server:
// exactly the Office 2003 clients of the legacy server fail, with the KB954960 fault, and nothing
// else goes wrong. A fixed pool of worker threads runs the clients; every assertion is on the
// final state (no timing, no sleeps).

#include <atomic>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <wsuslab/client/validate.hpp>
#include <wsuslab/mitigation/catalog.hpp>
#include <wsuslab/mitigation/rule_checker.hpp>
#include <wsuslab/mitigation/simulated_sync.hpp>

#include "regression_support.hpp"

namespace wsuslab::regression {
namespace {

using mitigation::model_kind;

constexpr std::size_t client_count = 200;
constexpr unsigned worker_count = 4;  // bounded: 2 cores, 2 I/O threads per server

const std::vector<std::string>& profile_names() {
    static const std::vector<std::string> names{"office2003-workstation", "plain-workstation", "server-2003"};
    return names;
}

// Client i: profile i % 3, server (i / 3) % 2 (0 legacy, 1 fixed), so every profile meets both.
struct client_plan {
    std::size_t index = 0;
    std::string profile;
    model_kind model = model_kind::legacy;
};

client_plan plan_of(std::size_t i) {
    return {i, profile_names()[i % 3], (i / 3) % 2 == 0 ? model_kind::legacy : model_kind::fixed};
}

// A distinct machine per client: own SusClientId and DNS name, same machine state as its profile.
mitigation::client_profile machine_for(const client_plan& c) {
    auto p = profile(c.profile);
    char suffix[16];
    std::snprintf(suffix, sizeof suffix, "%012zx", c.index);
    p.client_id = p.client_id.substr(0, 24) + suffix;
    p.dns_name = c.profile + "-" + std::to_string(c.index) + ".wsuslab.example";
    p.name = c.profile + "-" + std::to_string(c.index);
    return p;
}

struct client_result {
    bool done = false;
    client::sync_verdict verdict = client::sync_verdict::failed;
    std::uint32_t hresult = 0;
    std::string error;
    std::optional<protocol::operation> fault_op;
    std::optional<std::string> fault_error;
    std::string fault_id;
    std::set<std::int32_t> received;
    std::size_t received_total = 0;
    std::vector<std::string> violations;
};

std::set<std::int32_t> oracle_cache(const std::string& profile_name) {
    static mitigation::catalog const cat(*kb954960());
    auto const& p = profile(profile_name);
    auto const model = mitigation::make_model(model_kind::fixed);
    mitigation::simulated_sync_options so;
    so.groups = {mitigation::all_computers_group};
    so.groups.insert(so.groups.end(), p.target_groups.begin(), p.target_groups.end());
    so.page_size = kb954960()->server.page_size;
    auto const r = mitigation::run_simulated_sync(*model, cat, so, mitigation::installed_on(p.machine));
    auto const ids = r.cache();
    return {ids.begin(), ids.end()};
}

TEST(ConcurrencyTest, TwoHundredMixedClientsGetExactlyTheExpectedFailures) {
    lab_server legacy(lab_server::with_model(model_kind::legacy));
    lab_server fixed(lab_server::with_model(model_kind::fixed));

    std::vector<client_result> results(client_count);
    std::atomic<std::size_t> next{0};
    auto worker = [&] {
        for (std::size_t i = next++; i < client_count; i = next++) {
            auto const plan = plan_of(i);
            auto options = agent_options(plan.model == model_kind::legacy ? legacy.url() : fixed.url(),
                                         machine_for(plan));
            options.seed = 954960 + i;
            auto const o = sync(options);
            // Each slot is written by exactly one worker; the join below publishes it.
            auto& r = results[i];
            r.done = true;
            r.verdict = o.verdict;
            r.hresult = o.hresult;
            r.error = o.error;
            if (o.fault) {
                r.fault_op = o.fault->op;
                r.fault_error = o.fault->fault.error;
                r.fault_id = o.fault->fault.id;
            }
            auto const ids = received_ids(o);
            r.received.insert(ids.begin(), ids.end());
            r.received_total = ids.size();
            for (auto const& v : mitigation::check_run(client::to_checked_exchanges(o.exchanges))) {
                r.violations.push_back(v.to_string());
            }
        }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < worker_count; ++t) {
        pool.emplace_back(worker);
    }
    for (auto& t : pool) {
        t.join();
    }

    std::map<std::string, std::set<std::int32_t>> expected_cache;
    for (auto const& name : profile_names()) {
        expected_cache[name] = oracle_cache(name);
    }
    std::set<std::string> client_fault_ids;
    std::size_t expected_failures = 0;
    for (std::size_t i = 0; i < client_count; ++i) {
        auto const plan = plan_of(i);
        auto const& r = results[i];
        SCOPED_TRACE("client " + std::to_string(i) + " (" + plan.profile + ", " +
                     std::string(mitigation::model_name(plan.model)) + ")");
        ASSERT_TRUE(r.done);
        EXPECT_TRUE(r.violations.empty()) << ::testing::PrintToString(r.violations);
        bool const should_fail = plan.profile == "office2003-workstation" && plan.model == model_kind::legacy;
        if (should_fail) {
            ++expected_failures;
            EXPECT_EQ(r.verdict, client::sync_verdict::failed);
            EXPECT_EQ(r.hresult, 0x8024400EU);
            EXPECT_EQ(r.fault_op, protocol::operation::sync_updates);
            EXPECT_EQ(r.fault_error, "InternalServerError");
            EXPECT_TRUE(client_fault_ids.insert(r.fault_id).second) << "fault ID reused: " << r.fault_id;
            continue;
        }
        EXPECT_EQ(r.verdict, client::sync_verdict::synced) << r.error;
        EXPECT_EQ(r.received_total, r.received.size()) << "a revision was offered twice";
        EXPECT_EQ(r.received, expected_cache[plan.profile]);
    }
    EXPECT_EQ(expected_failures, 34U);
    EXPECT_EQ(client_fault_ids.size(), expected_failures);

    // The servers saw exactly those faults and nothing else went wrong on them.
    auto const legacy_ids = legacy.service().last_fault_ids();
    EXPECT_EQ(std::set<std::string>(legacy_ids.begin(), legacy_ids.end()), client_fault_ids);
    EXPECT_EQ(legacy_ids.size(), expected_failures);
    EXPECT_TRUE(fixed.service().last_fault_ids().empty());
    for (auto* lab : {&legacy, &fixed}) {
        auto const stats = lab->http().stats();
        EXPECT_EQ(stats.handler_errors, 0U);
        EXPECT_EQ(stats.framing_rejects, 0U);
        EXPECT_EQ(stats.capacity_rejects, 0U);
    }
    // Every failing client left exactly one exception and one ThrowException line in the log.
    auto const log = legacy.log_text();
    for (auto const& id : client_fault_ids) {
        EXPECT_NE(log.find("ID=" + id + ", ErrorCode=InternalServerError"), std::string::npos) << id;
    }
}

}  // namespace
}  // namespace wsuslab::regression
