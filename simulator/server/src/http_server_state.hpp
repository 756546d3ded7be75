#pragma once
// State shared by the listener, the sessions and http_server: configuration, handler, counters
// and the registry of live sessions used by graceful stop. Beast-free; thread-safe.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <wsuslab/server/http_types.hpp>
#include <wsuslab/server/server.hpp>
#include <wsuslab/server/server_config.hpp>

namespace wsuslab::server::detail {

/// What http_server needs from a session, whatever its stream type. Both calls are thread-safe:
/// they post to the session's strand.
class session_base {
public:
    session_base() = default;
    session_base(const session_base&) = delete;
    session_base& operator=(const session_base&) = delete;
    session_base(session_base&&) = delete;
    session_base& operator=(session_base&&) = delete;
    virtual ~session_base() = default;

    /// Finish the in-flight response with Connection: close, read nothing more; close at once if
    /// idle.
    virtual void request_stop() = 0;
    /// Close the socket now (grace period over).
    virtual void force_close() = 0;
};

struct server_state {
    server_state(server_config cfg, request_handler h)
        : config(std::move(cfg)), handler(std::move(h)) {}

    const server_config config;
    const request_handler handler;

    std::atomic<bool> stopping{false};
    std::atomic<std::uint64_t> accepted_connections{0};
    std::atomic<std::uint64_t> requests{0};
    std::atomic<std::uint64_t> framing_rejects{0};
    std::atomic<std::uint64_t> capacity_rejects{0};
    std::atomic<std::uint64_t> timeouts{0};
    std::atomic<std::uint64_t> handler_errors{0};

    /// Registers a session; returns its id for unregister(). Counts it in the live gauge.
    std::uint64_t register_session(std::weak_ptr<session_base> s);
    /// Called from the session's destructor; wakes wait_idle() when the gauge reaches 0.
    void unregister_session(std::uint64_t id);
    std::size_t live_sessions() const;
    /// The sessions alive now (expired entries skipped).
    std::vector<std::shared_ptr<session_base>> sessions() const;
    /// Blocks until the gauge is 0 or `deadline` passes; true when 0.
    bool wait_idle_until(std::chrono::steady_clock::time_point deadline) const;

    void log(transport_log_level level, std::string_view message) const;

    server_stats stats() const noexcept;

private:
    mutable std::mutex mutex_;
    mutable std::condition_variable idle_;
    std::uint64_t next_id_ = 1;
    std::unordered_map<std::uint64_t, std::weak_ptr<session_base>> sessions_;
    std::atomic<std::size_t> live_{0};
};

}  // namespace wsuslab::server::detail
