#pragma once
// Time and version text helpers of the service: .NET-style dateTime values on the wire and the
// SoftwareDistribution.log timestamp. Pure functions; no time zone other than UTC is involved.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace wsuslab::server::detail {

using time_point = std::chrono::system_clock::time_point;

std::int64_t to_unix_ms(time_point t);

/// "2008-06-14T02:59:57.642Z" (s:dateTime, UTC, milliseconds).
std::string format_datetime(std::int64_t unix_ms);
/// "2008-06-14 02:59:57,642 UTC" (docs/kb954960-lab.md §6.2, comma separator).
std::string format_log_timestamp(std::int64_t unix_ms);

/// Lenient s:dateTime / s:date parse as real clients send them (docs/protocol-notes.md §2.3): a
/// date, then optionally "T" + time with up to 7 fractional digits, then optionally "Z" or
/// "+hh:mm". Values without a zone are taken as UTC. nullopt when the text is not such a value.
std::optional<std::int64_t> parse_datetime_ms(std::string_view text);

/// "1.8" -> {1, 8}; nullopt unless two dot-separated decimal numbers.
std::optional<std::pair<int, int>> parse_version(std::string_view text);
/// Whether `text` is a version >= major.minor (false when it does not parse).
bool version_at_least(std::string_view text, int major, int minor);

}  // namespace wsuslab::server::detail
