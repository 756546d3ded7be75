#include "service_state.hpp"

#include <algorithm>
#include <utility>

#include <wsuslab/protocol/text.hpp>

namespace wsuslab::server::detail {

service_state::service_state(std::string identity, std::int64_t config_ms, std::string base_url)
    : identity_(std::move(identity)),
      config_ms_(config_ms),
      config_text_(protocol::format_date_time_ms(config_ms)),
      base_url_(std::move(base_url)) {}

state_snapshot service_state::snapshot() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return {identity_, config_text_, base_url_};
}

void service_state::set_base_url(std::string base_url) {
    std::lock_guard<std::mutex> lock(mutex_);
    base_url_ = std::move(base_url);
}

void service_state::set_identity(std::string identity) {
    std::lock_guard<std::mutex> lock(mutex_);
    identity_ = std::move(identity);
}

void service_state::bump_config(std::int64_t now_ms) {
    std::lock_guard<std::mutex> lock(mutex_);
    config_ms_ = std::max(now_ms, config_ms_ + 1000);
    config_text_ = protocol::format_date_time_ms(config_ms_);
}

bool service_state::is_registered(const std::string& client_id) const {
    std::lock_guard<std::mutex> lock(mutex_);
    return registered_.count(client_id) != 0;
}

std::size_t service_state::register_computer(const std::string& client_id, const protocol::computer_info& info) {
    std::lock_guard<std::mutex> lock(mutex_);
    registered_[client_id] = info;
    return registered_.size();
}

void service_state::add_events(const std::vector<protocol::reporting_event>& batch) {
    std::lock_guard<std::mutex> lock(mutex_);
    events_total_ += batch.size();
    events_.insert(events_.end(), batch.begin(), batch.end());
    while (events_.size() > max_kept_events) {
        events_.pop_front();
    }
}

std::size_t service_state::events_total() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return events_total_;
}

void service_state::add_fault_id(std::string id) {
    std::lock_guard<std::mutex> lock(mutex_);
    fault_ids_.push_back(std::move(id));
    while (fault_ids_.size() > max_kept_fault_ids) {
        fault_ids_.pop_front();
    }
}

std::vector<std::string> service_state::fault_ids() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return {fault_ids_.begin(), fault_ids_.end()};
}

}  // namespace wsuslab::server::detail
