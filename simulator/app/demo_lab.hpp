#pragma once
/// The moving parts of one demo step: a mock WSUS (wsus_service behind http_server on
/// 127.0.0.1:0) and simulated clients run against it, all on one simulated clock so that the
/// client's WindowsUpdate.log and the server's SoftwareDistribution.log tell the same time.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <wsuslab/client/clock.hpp>
#include <wsuslab/mitigation/get_sync_info.hpp>
#include <wsuslab/mitigation/scenario.hpp>
#include <wsuslab/server/server.hpp>
#include <wsuslab/server/service.hpp>

#include "demo_story.hpp"

namespace wsuslab::app::demo {

/// A clock the client advances and the server reads from its I/O thread, hence atomic.
class shared_clock final : public client::clock {
public:
    explicit shared_clock(client::time_point start) : ms_(start.time_since_epoch().count()) {}
    client::time_point now() const override {
        return client::time_point(std::chrono::milliseconds(ms_.load()));
    }
    void advance(std::chrono::milliseconds d) override { ms_ += d.count(); }
    std::chrono::system_clock::time_point system_now() const {
        return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms_.load()));
    }

private:
    std::atomic<std::int64_t> ms_;
};

/// One running mock WSUS. Stops (gracefully) when destroyed.
class lab_server {
public:
    /// Throws std::runtime_error naming the problem when the service or the listener fails.
    lab_server(std::shared_ptr<const mitigation::scenario> lab, mitigation::model_kind model,
               int fault_status, std::string log_path, shared_clock& time);
    ~lab_server();
    lab_server(const lab_server&) = delete;
    lab_server& operator=(const lab_server&) = delete;

    std::string url() const;
    const std::string& label() const { return label_; }

    /// Runs one fresh simulated client (in-memory cache) and collects both sides' logs.
    client_run run_client(const std::string& profile, int retries);

private:
    std::vector<std::string> log_lines() const;

    std::shared_ptr<const mitigation::scenario> lab_;
    shared_clock* time_;
    std::string log_path_;
    std::string label_;
    std::unique_ptr<server::wsus_service> service_;
    std::unique_ptr<server::http_server> http_;
};

/// "2008-06-14T02:59:53.383Z" as a client time point; throws on a malformed literal.
client::time_point at(const char* iso8601);

}  // namespace wsuslab::app::demo
