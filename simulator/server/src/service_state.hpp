#pragma once
// The mock WSUS's mutable state, the only part of the service that changes after create(): the
// server identity, the configuration's LastChange, the public base URL, the registered
// computers, the reported events and the last fault IDs. One object with its own lock; every
// member is safe to call from several threads at once.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <wsuslab/protocol/messages.hpp>

namespace wsuslab::server::detail {

/// Identity, configuration and base URL as of a request's start: one request sees one of each.
struct state_snapshot {
    std::string identity;
    std::string config_last_change;  ///< s:dateTime text
    std::string base_url;
};

class service_state {
public:
    /// `config_ms` is the configuration's LastChange (Unix milliseconds).
    service_state(std::string identity, std::int64_t config_ms, std::string base_url);

    state_snapshot snapshot() const;
    void set_base_url(std::string base_url);
    void set_identity(std::string identity);
    /// Moves LastChange to `now_ms`, or one second past the current one if that is later (strictly
    /// later than before, even with a frozen test clock).
    void bump_config(std::int64_t now_ms);

    bool is_registered(const std::string& client_id) const;
    /// Records (or replaces) a computer's registration; returns how many computers are registered.
    std::size_t register_computer(const std::string& client_id, const protocol::computer_info& info);

    /// Keeps the events (the most recent max_kept_events) and counts them.
    void add_events(const std::vector<protocol::reporting_event>& batch);
    std::size_t events_total() const;

    /// Keeps a fault ID (the last max_kept_fault_ids, oldest first).
    void add_fault_id(std::string id);
    std::vector<std::string> fault_ids() const;

    static constexpr std::size_t max_kept_events = 100000;
    static constexpr std::size_t max_kept_fault_ids = 1000;

private:
    mutable std::mutex mutex_;
    std::string identity_;
    std::int64_t config_ms_ = 0;
    std::string config_text_;
    std::string base_url_;
    std::map<std::string, protocol::computer_info> registered_;
    std::deque<protocol::reporting_event> events_;
    std::size_t events_total_ = 0;
    std::deque<std::string> fault_ids_;
};

}  // namespace wsuslab::server::detail
