// handle() from several threads at once: every request answered correctly, fault IDs unique,
// metrics and event counts exact (run under ASan/UBSan in CI; TSan preset when configured).

#include <set>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "service_fixture.hpp"

namespace wsuslab::server::test {
namespace {

TEST(ServiceConcurrencyTest, HandleIsSafeFromSeveralThreads) {
    temp_dir dir;
    service_options const o = logged_options(dir, log_level::info);
    service_harness h(o);
    ASSERT_TRUE(h.ok());
    const protocol::cookie office = h.registered_cookie(office_client_id, office_dns, "Workstations");
    const protocol::cookie plain = h.registered_cookie(plain_client_id, plain_dns, "Workstations");
    const protocol::id_list all = all_non_leaf(*kb954960());

    constexpr int threads = 4;
    constexpr int rounds = 25;
    std::vector<int> bad(threads, 0);
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            for (int i = 0; i < rounds; ++i) {
                // Failing, succeeding and side-effecting requests interleaved.
                if (h.post(service_harness::sync_request(office, all)).status != 500) {
                    ++bad[static_cast<std::size_t>(t)];
                }
                if (h.post(service_harness::sync_request(plain, {})).status != 200) {
                    ++bad[static_cast<std::size_t>(t)];
                }
                protocol::report_event_batch_request r;
                r.cookie_ = plain;
                r.client_time = "2008-06-13T20:00:00Z";
                r.event_batch = std::vector<protocol::reporting_event>{protocol::reporting_event{}};
                if (h.post(r).status != 200) {
                    ++bad[static_cast<std::size_t>(t)];
                }
                if (h.get("/metrics").status != 200) {
                    ++bad[static_cast<std::size_t>(t)];
                }
            }
        });
    }
    for (auto& th : pool) {
        th.join();
    }
    EXPECT_EQ(bad, std::vector<int>(threads, 0));
    const auto ids = h.svc().last_fault_ids();
    EXPECT_EQ(ids.size(), static_cast<std::size_t>(threads * rounds));
    EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size());
    EXPECT_EQ(h.svc().events_received(), static_cast<std::size_t>(threads * rounds));
    EXPECT_THAT(h.svc().metrics_text(),
                ::testing::HasSubstr("wsuslab_requests_total{operation=\"SyncUpdates\",status=\"500\"} " +
                                     std::to_string(threads * rounds) + "\n"));
    // Each fault block stayed whole: every Error line is followed by its stack frames.
    h.svc().flush();
    const auto lines = lines_of(read_text(o.log_path));
    std::size_t errors = 0;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (lines[i].find(" UTC Error w3wp.12 ClientImplementation.SyncUpdates ") != std::string::npos) {
            ++errors;
            ASSERT_LT(i + 1, lines.size());
            EXPECT_EQ(lines[i + 1], "at System.Collections.Hashtable.Insert(Object key, Object nvalue, Boolean add)");
        }
    }
    EXPECT_EQ(errors, static_cast<std::size_t>(threads * rounds));
}

}  // namespace
}  // namespace wsuslab::server::test
