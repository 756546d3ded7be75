#include <wsuslab/server/server_config.hpp>

#include <algorithm>
#include <cctype>
#include <string>

#include <boost/asio/ip/address.hpp>

namespace wsuslab::server {

std::string_view transport_log_level_name(transport_log_level level) noexcept {
    switch (level) {
        case transport_log_level::debug:
            return "debug";
        case transport_log_level::info:
            return "info";
        case transport_log_level::warning:
            return "warning";
        case transport_log_level::error:
            return "error";
    }
    return "unknown";
}

listen_parse_result parse_listen_address(std::string_view text) {
    listen_parse_result out;
    auto fail = [&](const std::string& why) {
        out.error = "invalid listen address '" + std::string(text) + "': " + why +
                    " (expected ADDR:PORT, e.g. 127.0.0.1:8530 or [::1]:8530)";
        return out;
    };
    std::string_view host;
    std::string_view port;
    if (!text.empty() && text.front() == '[') {
        auto const close = text.find(']');
        if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
            return fail("an IPv6 address needs the form [ADDR]:PORT");
        }
        host = text.substr(1, close - 1);
        port = text.substr(close + 2);
    } else {
        auto const colon = text.rfind(':');
        if (colon == std::string_view::npos) {
            return fail("missing ':PORT'");
        }
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
        if (host.find(':') != std::string_view::npos) {
            return fail("an IPv6 address must be in brackets");
        }
    }
    if (host.empty()) {
        return fail("missing address");
    }
    if (port.empty() || port.size() > 5 ||
        !std::all_of(port.begin(), port.end(),
                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; })) {
        return fail("the port must be a number from 0 to 65535");
    }
    unsigned long const value = std::stoul(std::string(port));
    if (value > 65535) {
        return fail("the port must be a number from 0 to 65535");
    }
    std::string host_text = host == "localhost" ? std::string("127.0.0.1") : std::string(host);
    boost::system::error_code ec;
    boost::asio::ip::make_address(host_text, ec);
    if (ec) {
        return fail("'" + host_text + "' is not a numeric IP address");
    }
    out.address.host = std::move(host_text);
    out.address.port = static_cast<std::uint16_t>(value);
    return out;
}

}  // namespace wsuslab::server
