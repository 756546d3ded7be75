#pragma once
// Time and version text helpers of the service: the SoftwareDistribution.log timestamp and
// dateTime values as milliseconds, over the calendar and grammar of wsuslab/protocol/text.hpp
// (which also writes the wire form, format_date_time_ms). Pure functions; UTC only.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace wsuslab::server::detail {

using time_point = std::chrono::system_clock::time_point;

std::int64_t to_unix_ms(time_point t);

/// "2008-06-14 02:59:57,642 UTC" (docs/kb954960-lab.md §6.2, comma separator).
std::string format_log_timestamp(std::int64_t unix_ms);

/// An s:dateTime / s:date as real clients send them (protocol::parse_date_time, default syntax:
/// docs/protocol-notes.md §2.3) in milliseconds since the Unix epoch; a value without a zone is
/// UTC. nullopt when the text is not such a value.
std::optional<std::int64_t> parse_datetime_ms(std::string_view text);

/// "1.8" -> {1, 8}; nullopt unless two dot-separated decimal numbers.
std::optional<std::pair<int, int>> parse_version(std::string_view text);
/// Whether `text` is a version >= major.minor (false when it does not parse).
bool version_at_least(std::string_view text, int major, int minor);

}  // namespace wsuslab::server::detail
