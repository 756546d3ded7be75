#pragma once
/// Time for the simulated agent. The agent never reads the system clock directly: it asks a
/// `clock`, so a whole detection (and the 5-hour retry of docs/protocol-notes.md §8.1) runs in
/// simulated time, deterministic and instantaneous. Times are UTC `time_point`s with millisecond
/// precision; the WindowsUpdate.log shows them shifted by the client's UTC offset (local time).

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <wsuslab/protocol/text.hpp>

namespace wsuslab::client {

using time_point = std::chrono::time_point<std::chrono::system_clock, std::chrono::milliseconds>;

class clock {
public:
    virtual ~clock() = default;
    /// Current UTC time.
    virtual time_point now() const = 0;
    /// Lets `d` pass: a simulated clock jumps, a real clock does nothing (time passes anyway).
    virtual void advance(std::chrono::milliseconds d) = 0;
};

/// Starts at a given instant and moves only through advance(). Not thread-safe.
class simulated_clock final : public clock {
public:
    explicit simulated_clock(time_point start) : now_(start) {}
    time_point now() const override { return now_; }
    void advance(std::chrono::milliseconds d) override { now_ += d; }

private:
    time_point now_;
};

/// std::chrono::system_clock; advance() is a no-op.
class system_clock final : public clock {
public:
    time_point now() const override;
    void advance(std::chrono::milliseconds d) override;
};

/// Parses "YYYY-MM-DDTHH:MM:SS[.fff...][Z|+hh:mm|-hh:mm]" (s:dateTime as .NET writes it, Z
/// optional; a missing zone means UTC), also with a space for the "T" and the zones of
/// parse_utc_offset (protocol::parse_date_time, relaxed). nullopt when malformed.
std::optional<time_point> parse_iso8601(std::string_view text);

/// "2008-06-14T02:59:53.383Z" (UTC, milliseconds).
std::string format_iso8601(time_point t);

/// "+hh:mm", "-hh:mm", "+hhmm", "+hh", "Z" or "UTC" as minutes east of UTC.
using protocol::parse_utc_offset;

/// The broken-down local time of `t` shifted by `utc_offset_minutes`.
struct local_time {
    int year, month, day, hour, minute, second, millisecond;
};
local_time to_local(time_point t, int utc_offset_minutes);

}  // namespace wsuslab::client
