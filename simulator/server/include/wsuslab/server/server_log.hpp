#pragma once
/// SoftwareDistribution.log in the WSUS 3.0 format (docs/history.md §3.4;
/// docs/kb954960-lab.md §6.2):
///   `2008-06-14 02:59:57,642 UTC Error w3wp.12 ClientImplementation.SyncUpdates <message>`
/// followed, for exceptions, by continuation lines ("at ..."). Timestamps are UTC from the
/// injected clock, milliseconds after a comma.
///
/// Thread-safety: all members may be called concurrently; each `write` call (a line and its
/// continuation lines) lands in the file as one uninterrupted block. Output is buffered until
/// `flush()` (and flushed on destruction).

#include <cstdint>
#include <fstream>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <wsuslab/server/service_options.hpp>

namespace wsuslab::server {

/// The level word written in a line. WSUS also writes `Change`; wsuslab does not need it.
enum class log_severity { error, warning, info };

std::string_view log_severity_name(log_severity s);  // "Error", "Warning", "Info"

struct log_line {
    log_severity severity = log_severity::info;
    std::string source;   ///< Class.Method, e.g. "ClientImplementation.SyncUpdates"
    std::string message;  ///< text after the source
    std::vector<std::string> continuation;  ///< written verbatim on the following lines
};

/// Formats one entry (without a trailing newline after the last continuation line).
std::string format_log_line(const log_line& line, std::int64_t unix_ms, int thread_id);

class server_log {
public:
    /// An empty `path` keeps nothing on disk (lines are only counted). `level` filters by
    /// `log_level`: error keeps Error lines, warning adds Warning, info and verbose add Info.
    server_log(std::string path, log_level level, int thread_id, clock_function clock);
    ~server_log();

    /// Opens (appends to) the file; returns an error text naming the path, or nullopt.
    std::optional<std::string> open();

    /// Whether a line of this severity passes the level filter.
    bool enabled(log_severity s) const;
    bool verbose() const { return level_ == log_level::verbose; }

    /// Writes the lines as one block, all with the same timestamp (filtered by level).
    void write(const std::vector<log_line>& lines);
    void write(const log_line& line);

    void flush();
    /// Lines written so far (after filtering), continuation lines not counted.
    std::uint64_t lines_written() const;

private:
    std::string path_;
    log_level level_;
    int thread_id_;
    clock_function clock_;
    mutable std::mutex mutex_;
    std::ofstream out_;
    std::uint64_t lines_ = 0;
};

}  // namespace wsuslab::server
