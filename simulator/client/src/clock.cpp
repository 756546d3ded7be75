#include <wsuslab/client/clock.hpp>

#include <cstdint>

#include <wsuslab/protocol/text.hpp>

namespace wsuslab::client {

time_point system_clock::now() const {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

void system_clock::advance(std::chrono::milliseconds /*d*/) {}

std::optional<time_point> parse_iso8601(std::string_view text) {
    // The relaxed spellings too: the option --start and hand-edited caches may carry them.
    protocol::date_time_syntax syntax;
    syntax.time_required = true;
    syntax.relaxed = true;
    auto const t = protocol::parse_date_time(text, syntax);
    if (!t) {
        return std::nullopt;
    }
    return time_point(std::chrono::milliseconds(protocol::unix_ms(*t)));
}

local_time to_local(time_point t, int utc_offset_minutes) {
    protocol::date_time const u = protocol::date_time_of_unix_ms(
        t.time_since_epoch().count() + std::int64_t{utc_offset_minutes} * 60000);
    return {static_cast<int>(u.date.year), static_cast<int>(u.date.month),
            static_cast<int>(u.date.day), u.hour, u.minute, u.second,
            static_cast<int>(u.ticks / 10000)};
}

std::string format_iso8601(time_point t) {
    return protocol::format_date_time_ms(t.time_since_epoch().count());
}

}  // namespace wsuslab::client
