#pragma once
/// Minimal absolute-URL handling for the agent: http/https only, host (name, IPv4 or bracketed
/// IPv6), optional port, path+query. No percent-decoding: targets go on the wire as given.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wsuslab::client {

struct url {
    std::string scheme;  ///< "http" or "https" (lower case)
    std::string host;    ///< without brackets for IPv6
    std::uint16_t port = 0;
    std::string target = "/";  ///< path and query, always starting with '/'

    bool is_https() const { return scheme == "https"; }
    /// "host:port" (IPv6 bracketed), as used in Host and CONNECT.
    std::string authority() const;
    /// scheme://authority + target.
    std::string to_string() const;
};

/// Parses an absolute http(s) URL; nullopt for anything else (no scheme, bad port, userinfo...).
std::optional<url> parse_url(std::string_view text);

/// Resolves `reference` against `base` as WUA does for AuthInfo/ServiceUrl: an absolute URL is
/// returned as is, a path starting with '/' replaces the base path, anything else is appended to
/// the base *origin* plus '/' (docs/protocol-notes.md §2.1: the AuthInfo ServiceUrl is relative
/// to the server's origin).
std::string resolve_url(std::string_view base, std::string_view reference);

/// Strips trailing '/' characters: "http://h:1/" -> "http://h:1".
std::string trim_trailing_slash(std::string_view text);

}  // namespace wsuslab::client
