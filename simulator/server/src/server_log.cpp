#include <wsuslab/server/server_log.hpp>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "service_time.hpp"

namespace wsuslab::server {

std::string_view log_severity_name(log_severity s) {
    switch (s) {
        case log_severity::error: return "Error";
        case log_severity::warning: return "Warning";
        case log_severity::info: return "Info";
    }
    return "Info";
}

std::string format_log_line(const log_line& line, std::int64_t unix_ms, int thread_id) {
    std::string out = detail::format_log_timestamp(unix_ms);
    out += ' ';
    out += log_severity_name(line.severity);
    out += " w3wp.";
    out += std::to_string(thread_id);
    out += ' ';
    out += line.source;
    out += ' ';
    out += line.message;
    for (auto const& c : line.continuation) {
        out += '\n';
        out += c;
    }
    return out;
}

server_log::server_log(std::string path, log_level level, int thread_id, clock_function clock)
    : path_(std::move(path)), level_(level), thread_id_(thread_id), clock_(std::move(clock)) {
    if (!clock_) {
        clock_ = [] { return std::chrono::system_clock::now(); };
    }
}

server_log::~server_log() { flush(); }

std::optional<std::string> server_log::open() {
    if (path_.empty()) {
        return std::nullopt;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    out_.open(path_, std::ios::out | std::ios::app | std::ios::binary);
    if (!out_) {
        return "cannot open log file '" + path_ + "': " + std::strerror(errno);
    }
    return std::nullopt;
}

bool server_log::enabled(log_severity s) const {
    switch (s) {
        case log_severity::error: return true;
        case log_severity::warning: return level_ != log_level::error;
        case log_severity::info: return level_ == log_level::info || level_ == log_level::verbose;
    }
    return false;
}

void server_log::write(const log_line& line) { write(std::vector<log_line>{line}); }

void server_log::write(const std::vector<log_line>& lines) {
    const std::int64_t now = detail::to_unix_ms(clock_());
    std::string block;
    std::uint64_t count = 0;
    for (auto const& line : lines) {
        if (!enabled(line.severity)) {
            continue;
        }
        block += format_log_line(line, now, thread_id_);
        block += '\n';
        ++count;
    }
    if (count == 0) {
        return;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    lines_ += count;
    if (out_.is_open()) {
        out_ << block;
    }
}

void server_log::flush() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (out_.is_open()) {
        out_.flush();
    }
}

std::uint64_t server_log::lines_written() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return lines_;
}

}  // namespace wsuslab::server
