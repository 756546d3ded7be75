#pragma once
// Shared helpers of the KB954960 regression, validate and concurrency suites: the shipped
// scenario (loaded once), an in-process mock WSUS on 127.0.0.1:0 with its SoftwareDistribution.log
// in a per-test temporary directory, and the simulated agent run over real HTTP.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <gtest/gtest.h>

#include <wsuslab/client/agent.hpp>
#include <wsuslab/client/http_transport.hpp>
#include <wsuslab/client/sync_outcome.hpp>
#include <wsuslab/mitigation/scenario_loader.hpp>
#include <wsuslab/server/service.hpp>

#include "fixtures.hpp"
#include "scenarios.hpp"
#include "services.hpp"
#include "test_server.hpp"

namespace wsuslab::regression {

/// The shipped kb954960 scenario, loaded once per process (read-only afterwards).
inline std::shared_ptr<const mitigation::scenario> kb954960() { return test::shipped_kb954960(); }

inline const mitigation::client_profile& profile(const std::string& name) { return test::shipped_profile(name); }

/// A fresh directory under the GoogleTest temp dir, named after the running test.
inline std::string temp_dir(const std::string& tag) {
    static std::atomic<int> counter{0};
    auto const* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = info != nullptr ? std::string(info->test_suite_name()) + "." + info->name() : "wsuslab";
    for (auto& c : name) {
        if (c == '/') {
            c = '_';
        }
    }
    std::filesystem::path const dir = std::filesystem::path(::testing::TempDir()) /
                                      ("wsuslab-" + name + "-" + tag + "-" + std::to_string(counter++));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir.string();
}

inline std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// The mock WSUS (wsus_service) behind the real Beast transport on 127.0.0.1:0. `wrap` may
/// decorate the service's handler (e.g. to inject a protocol violation).
class lab_server {
public:
    using handler_wrapper = std::function<server::request_handler(server::request_handler)>;

    explicit lab_server(server::service_options options, const handler_wrapper& wrap = {},
                        server::server_config config = test::test_server::test_config()) {
        if (!options.scenario && options.scenario_path.empty()) {
            options.scenario = kb954960();
        }
        if (options.log_path.empty()) {
            options.log_path = temp_dir("server") + "/SoftwareDistribution.log";
        }
        service_ = test::create_service(std::move(options));
        server::request_handler handler = test::handler_of(service_);
        if (wrap) {
            handler = wrap(std::move(handler));
        }
        http_ = std::make_unique<test::test_server>(std::move(handler), std::move(config));
        service_->set_base_url(http_->url());
    }

    static server::service_options with_model(mitigation::model_kind k) {
        server::service_options o;
        o.model = k;
        return o;
    }

    std::string url() const { return http_->url(); }
    server::wsus_service& service() { return *service_; }
    test::test_server& http() { return *http_; }
    /// The SoftwareDistribution.log text written so far.
    std::string log_text() {
        service_->flush();
        return read_file(service_->options().log_path);
    }

private:
    std::shared_ptr<server::wsus_service> service_;
    std::unique_ptr<test::test_server> http_;
};

/// Agent options for one profile against `url`: a fresh in-memory client, one detection, no
/// event reporting unless asked (it is a separate endpoint and doubles the traffic).
inline client::sync_options agent_options(const std::string& url, const mitigation::client_profile& p) {
    client::sync_options o;
    o.server_url = url;
    o.profile = p;
    o.report_events = false;
    return o;
}

/// The 2008 simulated clock start of the advisory's client log (docs/history.md §3.1), in UTC.
inline client::time_point advisory_time() {
    return client::time_point(std::chrono::milliseconds(1213412393383LL));  // 2008-06-14T02:59:53.383Z
}

/// One detection over real HTTP with a fresh transport.
inline client::sync_outcome sync(const client::sync_options& o) {
    client::http_transport net;
    client::simulated_clock time(advisory_time());
    return client::run_sync(o, net, time);
}

inline client::sync_outcome sync(const std::string& url, const std::string& profile_name) {
    return sync(agent_options(url, profile(profile_name)));
}

/// The log lines in "<component> <text>" form.
inline std::vector<std::string> tagged_log(const client::sync_outcome& o) {
    std::vector<std::string> out;
    for (auto const& l : o.log) {
        out.push_back(l.tagged());
    }
    return out;
}

/// Every revision ID received in NewUpdates, over all rounds, in arrival order.
inline std::vector<std::int32_t> received_ids(const client::sync_outcome& o) {
    std::vector<std::int32_t> ids;
    for (auto const& r : o.rounds) {
        ids.insert(ids.end(), r.new_update_ids.begin(), r.new_update_ids.end());
    }
    return ids;
}

}  // namespace wsuslab::regression
