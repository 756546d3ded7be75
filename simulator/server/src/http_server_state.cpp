#include "http_server_state.hpp"

#include <utility>

namespace wsuslab::server::detail {

std::uint64_t server_state::register_session(std::weak_ptr<session_base> s) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::uint64_t const id = next_id_++;
    sessions_.emplace(id, std::move(s));
    live_.store(sessions_.size(), std::memory_order_relaxed);
    return id;
}

void server_state::unregister_session(std::uint64_t id) {
    bool now_idle = false;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        sessions_.erase(id);
        live_.store(sessions_.size(), std::memory_order_relaxed);
        now_idle = sessions_.empty();
    }
    if (now_idle) {
        idle_.notify_all();
    }
}

std::size_t server_state::live_sessions() const {
    return live_.load(std::memory_order_relaxed);
}

std::vector<std::shared_ptr<session_base>> server_state::sessions() const {
    std::vector<std::shared_ptr<session_base>> out;
    std::lock_guard<std::mutex> lock(mutex_);
    out.reserve(sessions_.size());
    for (auto const& entry : sessions_) {
        if (auto s = entry.second.lock()) {
            out.push_back(std::move(s));
        }
    }
    return out;
}

bool server_state::wait_idle_until(std::chrono::steady_clock::time_point deadline) const {
    std::unique_lock<std::mutex> lock(mutex_);
    return idle_.wait_until(lock, deadline, [this] { return sessions_.empty(); });
}

void server_state::log(transport_log_level level, std::string_view message) const {
    if (config.log) {
        config.log(level, message);
    }
}

server_stats server_state::stats() const noexcept {
    server_stats s;
    s.accepted_connections = accepted_connections.load(std::memory_order_relaxed);
    s.requests = requests.load(std::memory_order_relaxed);
    s.framing_rejects = framing_rejects.load(std::memory_order_relaxed);
    s.capacity_rejects = capacity_rejects.load(std::memory_order_relaxed);
    s.timeouts = timeouts.load(std::memory_order_relaxed);
    s.handler_errors = handler_errors.load(std::memory_order_relaxed);
    s.live_sessions = live_.load(std::memory_order_relaxed);
    return s;
}

}  // namespace wsuslab::server::detail
