#include "exchange_placeholders.hpp"

#include <algorithm>
#include <cstdio>

#include <wsuslab/server/exchange_store.hpp>

#include "exchange_detail.hpp"

namespace wsuslab::server::detail {
namespace {

bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

void replace_all(std::string& text, std::string_view from, std::string_view to) {
    for (auto pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size())) {
        text.replace(pos, from.size(), to);
    }
}

void collect(const field_node& n, const std::vector<std::string>& names, std::vector<std::string>& out) {
    if (n.children.empty()) {
        if (std::find(names.begin(), names.end(), n.name) != names.end() &&
            is_identity_placeholder(n.text)) {
            out.push_back(n.name);
        }
        return;
    }
    for (auto const& c : n.children) {
        collect(c, names, out);
    }
}

}  // namespace

std::string cookie_placeholder(std::size_t n) {
    char buf[48];
    // 22 letters + 6 digits = 28 characters; above 999999, 10 digits keep a multiple of 4.
    std::snprintf(buf, sizeof buf, n <= 999999 ? "wsuslabSanitizedCookie%06zu" : "wsuslabSanitizedCookie%010zu", n);
    return buf;
}

std::string client_id_placeholder(std::size_t n) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "00000000-0000-0000-0000-%012zu", static_cast<std::size_t>(n % 1000000000000ULL));
    return buf;
}

std::string name_placeholder(std::string_view prefix, std::size_t n, bool qualified) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "-%04zu", n);
    std::string out = std::string(prefix) + buf;
    if (qualified) {
        out += placeholder_suffix;
    }
    return out;
}

bool is_identity_placeholder(std::string_view value) {
    if (iends_with(value, placeholder_suffix)) {
        return true;
    }
    constexpr std::string_view guid_prefix = "00000000-0000-0000-0000-";
    if (value.size() == guid_prefix.size() + 12 && value.substr(0, guid_prefix.size()) == guid_prefix) {
        const std::string_view tail = value.substr(guid_prefix.size());
        return all_digits(tail) && tail != "000000000000";
    }
    for (std::string_view prefix : {"computer-", "host-", "user-"}) {
        if (value.size() >= prefix.size() + 4 && value.substr(0, prefix.size()) == prefix) {
            return all_digits(value.substr(prefix.size()));
        }
    }
    return false;
}

const std::vector<std::string>& identity_field_names() {
    static const std::vector<std::string> names = {"clientId", "dnsName",         "DnsName",
                                                   "Sid",      "ComputerDnsName", "UserAccountName"};
    return names;
}

std::vector<std::string> placeholder_identity_fields(const field_node& fields) {
    std::vector<std::string> out;
    collect(fields, identity_field_names(), out);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

void strip_fields(field_node& fields, const std::vector<std::string>& names) {
    auto& kids = fields.children;
    kids.erase(std::remove_if(kids.begin(), kids.end(),
                              [&](const field_node& c) {
                                  return std::find(names.begin(), names.end(), c.name) != names.end();
                              }),
               kids.end());
    for (auto& c : kids) {
        strip_fields(c, names);
    }
}

void rebase_placeholder_urls(http_response& response, const http_request& live) {
    const auto host = live.header("Host");
    if (!host || host->empty()) {
        return;
    }
    const std::string base = std::string(live.tls ? "https://" : "http://") + std::string(*host);
    replace_all(response.body, placeholder_base_url, base);
    for (auto& [name, value] : response.headers) {
        replace_all(value, placeholder_base_url, base);
    }
}

}  // namespace wsuslab::server::detail
