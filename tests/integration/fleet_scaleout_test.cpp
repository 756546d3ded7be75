// Scale-out state (docs/scale-out.md): `wsuslab serve` replicas that share the cookie key and
// the scenario accept each other's cookies (same server identity; the cookie of a registered
// client records the registration). Without a shared key the other replica answers
// InvalidCookie.
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <wsuslab/client/fleet.hpp>
#include <wsuslab/protocol/codec.hpp>

#include "regression_support.hpp"

namespace wsuslab::client {
namespace {

using mitigation::model_kind;
using regression::lab_server;

constexpr const char* shared_key = "0123456789abcdef0123456789abcdef";

server::service_options replica(const std::string& key) {
    server::service_options o = lab_server::with_model(model_kind::fixed);
    o.scenario = regression::kb954960();
    o.cookie_key = key;
    return o;
}

// A client's cookie from `issuer`, then SyncUpdates with it at `other`: the ErrorCode answered.
std::string error_code_at_other_replica(lab_server& issuer, lab_server& other) {
    SCOPED_TRACE("a cookie of " + issuer.url() + " presented at " + other.url());
    sync_options o = regression::agent_options(issuer.url(), regression::profile("plain-workstation"));
    http_transport net;
    simulated_clock clock(regression::advisory_time());
    auto const out = run_sync(o, net, clock);
    EXPECT_EQ(out.verdict, sync_verdict::synced) << out.error;
    protocol::sync_updates_request req;
    req.cookie_ = out.cache.cookie;
    req.parameters = protocol::sync_update_parameters{};
    auto const action = std::string(protocol::soap_action(protocol::operation::sync_updates));
    auto const reply = net.post(client_service_url(other.url()), action, protocol::serialize_request(req));
    EXPECT_TRUE(reply.ok());
    auto parsed = protocol::parse_response(protocol::operation::sync_updates, reply.reply().body);
    EXPECT_TRUE(parsed.ok());
    auto const* fault = std::get_if<protocol::soap_fault>(&parsed.value());
    return fault != nullptr && fault->error ? *fault->error : std::string("(no fault)");
}

TEST(FleetScaleOutTest, ReplicasSharingTheCookieKeyAcceptEachOthersCookies) {
    lab_server a(replica(shared_key));
    lab_server b(replica(shared_key));
    EXPECT_EQ(a.service().server_identity(), b.service().server_identity());
    EXPECT_EQ(error_code_at_other_replica(a, b), "(no fault)");
}

TEST(FleetScaleOutTest, ReplicasWithTheirOwnKeysRejectEachOthersCookies) {
    lab_server a(replica(""));
    lab_server b(replica(""));
    EXPECT_NE(a.service().server_identity(), b.service().server_identity());
    EXPECT_EQ(error_code_at_other_replica(a, b), "InvalidCookie");
}

TEST(FleetScaleOutTest, ShortCookieKeyIsRefused) {
    auto created = server::wsus_service::create(replica("short"));
    ASSERT_TRUE(std::holds_alternative<std::string>(created));
    EXPECT_EQ(std::get<std::string>(created), "cookie key must hold at least 16 bytes");
}

TEST(FleetScaleOutTest, ShardsAgainstTwoReplicasAddUpToTheFleet) {
    lab_server a(replica(shared_key));
    lab_server b(replica(shared_key));
    fleet_result merged;
    for (std::size_t i = 0; i < 2; ++i) {
        fleet_options o;
        o.server_url = i == 0 ? a.url() : b.url();
        for (auto const& p : regression::kb954960()->profiles) {
            o.mix.push_back({p, 1});
        }
        o.clients = 60;
        o.shard = {i, 2};
        auto r = run_fleet(o);
        ASSERT_TRUE(std::holds_alternative<fleet_result>(r));
        ASSERT_FALSE(merge_into(merged, std::get<fleet_result>(r)).has_value());
    }
    EXPECT_EQ(merged.clients, 60u);
    EXPECT_EQ(merged.synced, 60u);
    EXPECT_EQ(merged.exit_code(), 0);
}

}  // namespace
}  // namespace wsuslab::client
