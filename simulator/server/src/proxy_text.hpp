#pragma once
// Internal: the text scanning behind the proxy's sanitizer (docs/proxy.md "What is sanitized"):
// absolute URLs and UNC paths in any text, address syntax, and one-pass replacement of many
// known values with boundary checks, so a replacement is never scanned again.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace wsuslab::server::detail {

/// An absolute http(s) URL found in a text: `prefix` is "scheme://authority" as written.
struct url_hit {
    std::size_t pos = 0;
    std::string_view prefix;     ///< "http://wsus01:8530"
    std::string_view authority;  ///< "wsus01:8530" (userinfo included when present)
    std::string_view host;       ///< "wsus01", "10.0.0.5", "::1" (no brackets, no userinfo)
};

/// Every "http://" or "https://" (any letter case) followed by a non-empty authority.
std::vector<url_hit> find_urls(std::string_view text);

/// The host of every UNC path ("\\host\share") in `text`.
std::vector<std::string_view> find_unc_hosts(std::string_view text);

/// The host of a URL authority: userinfo, port and IPv6 brackets removed ("u@[::1]:80" -> "::1").
std::string_view host_of_authority(std::string_view authority);

bool is_ipv4(std::string_view s);
/// Loose IPv6 syntax: hex digits, at least two ':' and optionally a dotted IPv4 tail.
bool is_ipv6(std::string_view s);
/// An address RFC 5737/3849 reserves for documentation (192.0.2/24, 198.51.100/24,
/// 203.0.113/24, 2001:db8::/32): never a site's address, and what placeholders use.
bool is_documentation_address(std::string_view s);
/// A host under one of the public Microsoft or standards domains (microsoft.com,
/// windowsupdate.com, windows.com, xmlsoap.org, w3.org): namespace URIs and Microsoft Update
/// download links, which are not the site's.
bool is_public_host(std::string_view host);

/// How the characters around a match must look for it to count (a name inside a longer word
/// is not that name).
enum class boundary { word, address, ip, base64 };

/// One value to replace. `case_insensitive` values are given in lower case.
struct replacement_rule {
    std::string value;
    std::string replacement;
    boundary edge = boundary::word;
    bool case_insensitive = true;
};

/// Replaces every occurrence of every rule in one pass over `text`: at each position the longest
/// matching rule wins and replaced text is not scanned again. `on_replace(rule index)` is called
/// once per replacement.
std::string replace_all_rules(std::string_view text, const std::vector<replacement_rule>& rules,
                              const std::function<void(std::size_t)>& on_replace);

}  // namespace wsuslab::server::detail
