#include <wsuslab/client/url.hpp>

#include <wsuslab/protocol/text.hpp>

namespace wsuslab::client {
namespace {

bool all_digits(std::string_view s) {
    if (s.empty()) {
        return false;
    }
    for (char c : s) {
        if (c < '0' || c > '9') {
            return false;
        }
    }
    return true;
}

}  // namespace

std::string url::authority() const {
    std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    return h + ":" + std::to_string(port);
}

std::string url::to_string() const {
    bool const default_port = (scheme == "http" && port == 80) || (scheme == "https" && port == 443);
    std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    return scheme + "://" + h + (default_port ? "" : ":" + std::to_string(port)) + target;
}

std::optional<url> parse_url(std::string_view text) {
    auto const sep = text.find("://");
    if (sep == std::string_view::npos) {
        return std::nullopt;
    }
    url u;
    u.scheme = protocol::lower_copy(text.substr(0, sep));
    if (u.scheme != "http" && u.scheme != "https") {
        return std::nullopt;
    }
    std::string_view rest = text.substr(sep + 3);
    auto const path_at = rest.find_first_of("/?#");
    std::string_view auth = rest.substr(0, path_at);
    std::string_view path = path_at == std::string_view::npos ? "" : rest.substr(path_at);
    if (auth.empty() || auth.find('@') != std::string_view::npos) {
        return std::nullopt;  // no host, or userinfo (never used by WSUS URLs)
    }
    std::string_view port_text;
    if (auth.front() == '[') {
        auto const close = auth.find(']');
        if (close == std::string_view::npos || close == 1) {
            return std::nullopt;
        }
        u.host = std::string(auth.substr(1, close - 1));
        std::string_view after = auth.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') {
                return std::nullopt;
            }
            port_text = after.substr(1);
            if (port_text.empty()) {
                return std::nullopt;
            }
        }
    } else {
        auto const colon = auth.rfind(':');
        if (colon != std::string_view::npos) {
            port_text = auth.substr(colon + 1);
            auth = auth.substr(0, colon);
            if (port_text.empty()) {
                return std::nullopt;
            }
        }
        if (auth.empty()) {
            return std::nullopt;
        }
        u.host = protocol::lower_copy(auth);
    }
    if (!port_text.empty()) {
        if (!all_digits(port_text) || port_text.size() > 5) {
            return std::nullopt;
        }
        unsigned long const p = std::stoul(std::string(port_text));
        if (p == 0 || p > 65535) {
            return std::nullopt;
        }
        u.port = static_cast<std::uint16_t>(p);
    } else {
        u.port = u.is_https() ? 443 : 80;
    }
    // A fragment never goes on the wire.
    auto const hash = path.find('#');
    if (hash != std::string_view::npos) {
        path = path.substr(0, hash);
    }
    if (path.empty()) {
        u.target = "/";
    } else if (path.front() == '?') {
        u.target = "/" + std::string(path);
    } else {
        u.target = std::string(path);
    }
    return u;
}

std::string trim_trailing_slash(std::string_view text) {
    while (!text.empty() && text.back() == '/') {
        text.remove_suffix(1);
    }
    return std::string(text);
}

std::string resolve_url(std::string_view base, std::string_view reference) {
    if (parse_url(reference)) {
        return std::string(reference);
    }
    std::string origin = trim_trailing_slash(base);
    if (auto const b = parse_url(base)) {
        bool const default_port =
            (b->scheme == "http" && b->port == 80) || (b->scheme == "https" && b->port == 443);
        std::string h = b->host.find(':') != std::string::npos ? "[" + b->host + "]" : b->host;
        origin = b->scheme + "://" + h + (default_port ? "" : ":" + std::to_string(b->port));
    }
    if (!reference.empty() && reference.front() == '/') {
        return origin + std::string(reference);
    }
    return origin + "/" + std::string(reference);
}

}  // namespace wsuslab::client
