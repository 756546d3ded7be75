#include "service_time.hpp"

#include <algorithm>
#include <charconv>

#include <wsuslab/protocol/text.hpp>

namespace wsuslab::server::detail {
namespace {

// One side of "major.minor": one to four decimal digits, nothing else.
std::optional<int> version_part(std::string_view text) {
    const bool decimal = !text.empty() && text.size() <= 4 &&
                         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
    int value = 0;
    if (!decimal) {
        return std::nullopt;
    }
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value;
}

}  // namespace

std::int64_t to_unix_ms(time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

// The log writes the wire form with three other separators.
std::string format_log_timestamp(std::int64_t unix_ms) {
    std::string text = protocol::format_date_time_ms(unix_ms);
    text[text.find('T')] = ' ';
    text[text.rfind('.')] = ',';
    text.pop_back();  // the "Z"
    return text + " UTC";
}

std::optional<std::int64_t> parse_datetime_ms(std::string_view text) {
    const auto t = protocol::parse_date_time(text);
    return t ? std::optional<std::int64_t>(protocol::unix_ms(*t)) : std::nullopt;
}

std::optional<std::pair<int, int>> parse_version(std::string_view text) {
    const auto dot = text.find('.');
    if (dot == std::string_view::npos) {
        return std::nullopt;
    }
    const auto major = version_part(text.substr(0, dot));
    const auto minor = version_part(text.substr(dot + 1));
    if (!major || !minor) {
        return std::nullopt;
    }
    return std::make_pair(*major, *minor);
}

bool version_at_least(std::string_view text, int major, int minor) {
    auto v = parse_version(text);
    return v && (v->first > major || (v->first == major && v->second >= minor));
}

}  // namespace wsuslab::server::detail
