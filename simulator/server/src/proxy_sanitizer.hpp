#pragma once
// Internal: the sanitizer of `wsuslab proxy --sanitize` (docs/proxy.md "What is sanitized").
// Each exchange is first read for values that must not leave the site (cookies, client IDs,
// computer and user names, host names, domains, IP addresses, host:port pairs, the site's URLs),
// then every value learned so far is replaced by its placeholder (exchange_placeholders.hpp),
// the same value always by the same placeholder. Not thread-safe: the proxy serializes calls.

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <wsuslab/server/http_types.hpp>

#include "proxy_text.hpp"

namespace wsuslab::server::detail {

enum class secret_kind {
    cookie,          ///< EncryptedData, CookieData
    client_id,       ///< clientId, TargetID/Sid
    computer_name,   ///< dnsName, DnsName, ComputerDnsName and their first label
    user_name,       ///< UserAccountName
    host_name,       ///< the upstream, the Host header, hosts of site URLs and UNC paths
    domain,          ///< the DNS suffix of a learned name (two labels or more)
    ip_address,      ///< IPv4/IPv6 of the upstream, of peers, in URLs, UNC paths and fields
    host_port,       ///< "host:port" of the upstream, the Host header and site URLs
    peer_address,    ///< meta.json remote_address
    url,             ///< "scheme://authority" of a site URL, rewritten to the lab URL
    credential,      ///< Authorization, Proxy-Authorization, Cookie, Set-Cookie header values
};
inline constexpr std::size_t secret_kind_count = 11;

/// "cookie", "client-id", "computer-name", "user-name", "host-name", "domain", "ip-address",
/// "host:port", "peer-address", "url", "credential-header".
std::string_view secret_kind_name(secret_kind kind);

struct sanitizer_config {
    std::string upstream_host;                ///< e.g. "wsus01.corp.example" or "10.0.0.5"
    std::uint16_t upstream_port = 0;
    std::vector<std::string> upstream_addresses;  ///< what upstream_host resolves to
    std::string lab_url;                      ///< replaces site URLs; placeholder_base_url by default
};

class sanitizer {
public:
    explicit sanitizer(sanitizer_config config);

    /// Learns what the exchange reveals, then replaces every known value in its target, header
    /// values, textual bodies and remote address.
    void sanitize(http_request& request, http_response& response);

    struct tally {
        std::size_t distinct = 0;  ///< values of this kind learned
        std::size_t replaced = 0;  ///< occurrences replaced
    };
    tally count(secret_kind kind) const;

    /// The text of sanitize-report.txt: kinds, distinct values and replacements, never values.
    std::string report(std::size_t exchanges) const;

private:
    void learn_text(std::string_view text);
    void learn_xml(std::string_view body);
    void learn_field(std::string_view element, std::string_view value);
    void learn_host(std::string_view host, secret_kind name_kind);
    void learn_name(std::string_view name, secret_kind kind);
    void learn_ip(std::string_view ip);
    void learn_authority(std::string_view authority);
    void add_rule(secret_kind kind, std::string value, std::string replacement, boundary edge,
                  bool case_insensitive = true);
    bool known(std::string_view value, bool case_insensitive = true) const;
    bool is_lab_host(std::string_view host) const;
    /// A URL of the site (rewritten to the lab URL): its host is an address, a single label, a
    /// learned name or in a learned domain, or its path is a WSUS virtual directory. Public
    /// Microsoft and standards hosts never are.
    bool is_site_url(const url_hit& u, std::string_view text) const;
    std::size_t number_for(secret_kind kind, std::string_view label);

    std::string apply(std::string_view text);
    std::string sanitize_peer(const std::string& remote);
    void sanitize_headers(std::vector<std::pair<std::string, std::string>>& headers);

    std::string lab_url_;
    std::string lab_authority_;
    std::vector<replacement_rule> rules_;
    std::vector<std::optional<secret_kind>> rule_kinds_;  // parallel to rules_; none: protected
    std::set<std::string> values_;         // rule values, as stored
    std::array<std::map<std::string, std::size_t>, secret_kind_count> numbers_;
    std::array<tally, secret_kind_count> tallies_{};
    std::set<std::string> urls_;
    std::map<std::string, std::string> peers_;
    std::set<std::string> credentials_;
};

}  // namespace wsuslab::server::detail
