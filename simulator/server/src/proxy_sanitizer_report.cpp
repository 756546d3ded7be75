// The counts of the sanitizer and sanitize-report.txt (docs/proxy.md §4).
#include <cstdio>
#include <utility>

#include "proxy_sanitizer.hpp"

namespace wsuslab::server::detail {

std::string_view secret_kind_name(secret_kind kind) {
    switch (kind) {
        case secret_kind::cookie:
            return "cookie";
        case secret_kind::client_id:
            return "client-id";
        case secret_kind::computer_name:
            return "computer-name";
        case secret_kind::user_name:
            return "user-name";
        case secret_kind::host_name:
            return "host-name";
        case secret_kind::domain:
            return "domain";
        case secret_kind::ip_address:
            return "ip-address";
        case secret_kind::host_port:
            return "host:port";
        case secret_kind::peer_address:
            return "peer-address";
        case secret_kind::url:
            return "url";
        case secret_kind::credential:
            return "credential-header";
    }
    return "unknown";
}

sanitizer::tally sanitizer::count(secret_kind kind) const {
    tally t = tallies_[static_cast<std::size_t>(kind)];
    switch (kind) {
        case secret_kind::url:
            t.distinct = urls_.size();
            break;
        case secret_kind::peer_address:
            t.distinct = peers_.size();
            break;
        case secret_kind::credential:
            t.distinct = credentials_.size();
            break;
        default:
            t.distinct = numbers_[static_cast<std::size_t>(kind)].size();
            break;
    }
    return t;
}

std::string sanitizer::report(std::size_t exchanges) const {
    std::string out =
        "# wsuslab proxy: sanitize report\n"
        "# What was replaced in this recording, by kind: how many distinct values and how many\n"
        "# occurrences. The values themselves are never written (docs/proxy.md).\n"
        "exchanges: " + std::to_string(exchanges) + "\n"
        "lab-url: " + lab_url_ + "\n\n";
    char line[160];
    std::snprintf(line, sizeof line, "%-18s %9s %9s  %s\n", "kind", "distinct", "replaced", "placeholder");
    out += line;
    const std::pair<secret_kind, const char*> kinds[] = {
        {secret_kind::cookie, "wsuslabSanitizedCookieNNNNNN"},
        {secret_kind::client_id, "00000000-0000-0000-0000-NNNNNNNNNNNN"},
        {secret_kind::computer_name, "computer-NNNN[.sanitized.invalid]"},
        {secret_kind::user_name, "user-NNNN"},
        {secret_kind::host_name, "host-NNNN[.sanitized.invalid]"},
        {secret_kind::domain, "domain-NNNN.sanitized.invalid"},
        {secret_kind::ip_address, "198.51.100.N, 203.0.113.N, 2001:db8::N"},
        {secret_kind::host_port, "the lab URL's host[:port]"},
        {secret_kind::peer_address, "<ip placeholder>:<connection number>"},
        {secret_kind::url, "the lab URL"},
        {secret_kind::credential, "sanitized"},
    };
    for (auto const& [kind, placeholder] : kinds) {
        const tally t = count(kind);
        std::snprintf(line, sizeof line, "%-18s %9zu %9zu  %s\n", std::string(secret_kind_name(kind)).c_str(),
                      t.distinct, t.replaced, placeholder);
        out += line;
    }
    return out;
}

}  // namespace wsuslab::server::detail
