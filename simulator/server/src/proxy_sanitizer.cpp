#include "proxy_sanitizer.hpp"

#include <cstdio>
#include <optional>
#include <utility>

#include <pugixml.hpp>

#include <wsuslab/server/exchange_store.hpp>

#include "exchange_detail.hpp"
#include "exchange_placeholders.hpp"

namespace wsuslab::server::detail {
namespace {

std::string without_trailing_slashes(std::string s) {
    while (!s.empty() && s.back() == '/') {
        s.pop_back();
    }
    return s;
}

std::string authority_of(std::string_view url) {
    const auto scheme_end = url.find("://");
    std::string_view rest = scheme_end == std::string_view::npos ? url : url.substr(scheme_end + 3);
    return std::string(rest.substr(0, rest.find('/')));
}

bool is_textual(std::optional<std::string_view> content_type) {
    if (!content_type) {
        return false;
    }
    const std::string media = lower_copy(content_type->substr(0, content_type->find(';')));
    return media.rfind("text/", 0) == 0 || media.find("xml") != std::string::npos ||
           media.find("json") != std::string::npos || media.find("urlencoded") != std::string::npos;
}

bool is_credential_header(std::string_view name) {
    for (std::string_view h : {"Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie"}) {
        if (iequals(name, h)) {
            return true;
        }
    }
    return false;
}

std::string ip_placeholder(std::size_t n, bool v6) {
    char buf[48];
    if (v6) {
        std::snprintf(buf, sizeof buf, "2001:db8::%zx", n);
    } else if (n <= 254) {
        std::snprintf(buf, sizeof buf, "198.51.100.%zu", n);
    } else if (n <= 508) {
        std::snprintf(buf, sizeof buf, "203.0.113.%zu", n - 254);
    } else {
        return name_placeholder("ipv4", n, true);
    }
    return buf;
}

bool is_name_text(std::string_view s) {
    for (char c : s) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
        if (!ok) {
            return false;
        }
    }
    return !s.empty();
}

}  // namespace

sanitizer::sanitizer(sanitizer_config config)
    : lab_url_(without_trailing_slashes(config.lab_url.empty() ? std::string(placeholder_base_url)
                                                               : std::move(config.lab_url))),
      lab_authority_(authority_of(lab_url_)) {
    // The lab's own host and authority map to themselves, so that no learned name inside them
    // (an upstream called "wsus" and the lab host "wsus.sanitized.invalid") is replaced.
    const std::string lab_host = lower_copy(host_of_authority(lab_authority_));
    rules_.push_back(replacement_rule{lower_copy(lab_authority_), lab_authority_, boundary::word, true});
    rule_kinds_.push_back(std::nullopt);
    rules_.push_back(replacement_rule{lab_host, lab_host, boundary::word, true});
    rule_kinds_.push_back(std::nullopt);
    if (!config.upstream_host.empty()) {
        learn_host(config.upstream_host, secret_kind::host_name);
        if (config.upstream_port != 0) {
            const bool v6 = is_ipv6(config.upstream_host);
            learn_authority((v6 ? "[" + config.upstream_host + "]" : config.upstream_host) + ":" +
                            std::to_string(config.upstream_port));
        }
    }
    for (auto const& a : config.upstream_addresses) {
        learn_ip(a);
    }
}

bool sanitizer::is_lab_host(std::string_view host) const {
    return iequals(host, host_of_authority(lab_authority_)) ||
           (host.size() > placeholder_suffix.size() && iends_with(host, placeholder_suffix));
}

bool sanitizer::known(std::string_view value, bool case_insensitive) const {
    return values_.count(case_insensitive ? lower_copy(value) : std::string(value)) != 0;
}

std::size_t sanitizer::number_for(secret_kind kind, std::string_view key) {
    auto& m = numbers_[static_cast<std::size_t>(kind)];
    auto [it, fresh] = m.emplace(std::string(key), m.size() + 1);
    (void)fresh;
    return it->second;
}

void sanitizer::add_rule(secret_kind kind, std::string value, std::string replacement,
                         boundary edge, bool case_insensitive) {
    if (case_insensitive) {
        value = lower_copy(value);
    }
    if (value.empty() || values_.count(value) != 0) {
        return;
    }
    values_.insert(value);
    rules_.push_back(replacement_rule{std::move(value), std::move(replacement), edge, case_insensitive});
    rule_kinds_.push_back(kind);
}

void sanitizer::learn_ip(std::string_view ip) {
    const std::string v = lower_copy(ip);
    const bool v6 = is_ipv6(v);
    if ((!v6 && !is_ipv4(v)) || is_documentation_address(v) || known(v)) {
        return;
    }
    add_rule(secret_kind::ip_address, v, ip_placeholder(number_for(secret_kind::ip_address, v), v6),
             boundary::ip);
}

void sanitizer::learn_host(std::string_view host, secret_kind name_kind) {
    host = protocol::trim(host);
    if (host.empty() || is_lab_host(host) || is_public_host(host) || is_identity_placeholder(host)) {
        return;
    }
    if (is_ipv4(host) || is_ipv6(host)) {
        learn_ip(host);
        return;
    }
    learn_name(host, name_kind);
}

void sanitizer::learn_name(std::string_view name, secret_kind kind) {
    std::string n = lower_copy(protocol::trim(name));
    while (!n.empty() && n.back() == '.') {
        n.pop_back();
    }
    if (n.empty() || known(n)) {
        return;
    }
    const char* prefix = kind == secret_kind::computer_name ? "computer" : "host";
    if (!is_name_text(n)) {
        // Not a DNS name (spaces, backslashes): the whole value is one secret.
        add_rule(kind, n, name_placeholder(prefix, number_for(kind, n), false), boundary::word);
        return;
    }
    const auto dot = n.find('.');
    const std::string label = n.substr(0, dot);
    const std::size_t number = number_for(kind, label);
    if (dot == std::string::npos) {
        add_rule(kind, label, name_placeholder(prefix, number, false), boundary::word);
        return;
    }
    add_rule(kind, n, name_placeholder(prefix, number, true), boundary::word);
    // A short first label ("pc1") is too likely to be an ordinary word elsewhere.
    if (label.size() >= 4) {
        add_rule(kind, label, name_placeholder(prefix, number, false), boundary::word);
    }
    const std::string suffix = n.substr(dot + 1);
    if (suffix.find('.') != std::string::npos && !is_public_host(suffix) && !known(suffix)) {
        add_rule(secret_kind::domain, suffix,
                 name_placeholder("domain", number_for(secret_kind::domain, suffix), true),
                 boundary::word);
    }
}

void sanitizer::learn_authority(std::string_view authority) {
    authority = protocol::trim(authority);
    if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
        authority.remove_prefix(at + 1);
    }
    const std::string_view host = host_of_authority(authority);
    if (host.empty() || is_lab_host(host) || is_public_host(host)) {
        return;
    }
    learn_host(host, secret_kind::host_name);
    const auto colon = authority.rfind(':');
    const auto bracket = authority.rfind(']');
    const bool port = colon != std::string_view::npos && colon + 1 < authority.size() &&
                      (bracket == std::string_view::npos ? authority.find(':') == colon : colon > bracket);
    if (port && !known(authority)) {
        number_for(secret_kind::host_port, lower_copy(authority));
        add_rule(secret_kind::host_port, std::string(authority), lab_authority_, boundary::address);
    }
}

void sanitizer::learn_field(std::string_view element, std::string_view value) {
    value = protocol::trim(value);
    if (value.empty()) {
        return;
    }
    if (element == "EncryptedData" || element == "CookieData") {
        if (value.rfind("wsuslabSanitizedCookie", 0) != 0 && !known(value, false)) {
            add_rule(secret_kind::cookie, std::string(value),
                     cookie_placeholder(number_for(secret_kind::cookie, value)), boundary::base64, false);
        }
    } else if (element == "clientId" || element == "Sid") {
        const std::string v = lower_copy(value);
        if (!is_identity_placeholder(v) && v != "00000000-0000-0000-0000-000000000000" && !known(v)) {
            add_rule(secret_kind::client_id, v, client_id_placeholder(number_for(secret_kind::client_id, v)),
                     boundary::word);
        }
    } else if (element == "dnsName" || element == "DnsName" || element == "DNSName" ||
               element == "ComputerDnsName") {
        learn_host(value, secret_kind::computer_name);
    } else if (element == "UserAccountName") {
        const std::string v = lower_copy(value);
        if (is_identity_placeholder(v) || known(v)) {
            return;
        }
        const std::size_t number = number_for(secret_kind::user_name, v);
        add_rule(secret_kind::user_name, v, name_placeholder("user", number, false), boundary::word);
        // "CORP\jdoe": the account name alone may appear elsewhere too.
        const auto slash = v.rfind('\\');
        if (slash != std::string::npos && v.size() - slash - 1 >= 4) {
            add_rule(secret_kind::user_name, v.substr(slash + 1), name_placeholder("user", number, false),
                     boundary::word);
        }
    }
}

void sanitizer::learn_xml(std::string_view body) {
    pugi::xml_document doc;
    if (!doc.load_buffer(body.data(), body.size(), pugi::parse_default, pugi::encoding_utf8)) {
        return;
    }
    std::vector<pugi::xml_node> stack{doc.document_element()};
    while (!stack.empty()) {
        const pugi::xml_node n = stack.back();
        stack.pop_back();
        bool leaf = true;
        for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling()) {
            if (c.type() == pugi::node_element) {
                leaf = false;
                stack.push_back(c);
            }
        }
        if (leaf) {
            std::string_view name = n.name();
            name = name.substr(name.find(':') == std::string_view::npos ? 0 : name.find(':') + 1);
            learn_field(name, n.child_value());
        }
    }
}

bool sanitizer::is_site_url(const url_hit& u, std::string_view text) const {
    if (is_lab_host(u.host) || is_public_host(u.host)) {
        return false;
    }
    if (is_ipv4(u.host) || is_ipv6(u.host) || u.host.find('.') == std::string_view::npos || known(u.host)) {
        return true;
    }
    // A WSUS virtual directory names the server whatever it is called.
    const std::string_view path = text.substr(u.pos + u.prefix.size(), 32);
    for (std::string_view dir : {"/Content/", "/ClientWebService/", "/SimpleAuthWebService/", "/ReportingWebService/",
                                 "/selfupdate/", "/ApiRemoting30/", "/ServerSyncWebService/", "/DssAuthWebService/"}) {
        if (istarts_with(path, dir)) {
            return true;
        }
    }
    // A host in a domain the site uses.
    const std::string host = lower_copy(u.host);
    for (auto const& [domain, number] : numbers_[static_cast<std::size_t>(secret_kind::domain)]) {
        (void)number;
        if (host.size() > domain.size() && host.compare(host.size() - domain.size(), domain.size(), domain) == 0 &&
            host[host.size() - domain.size() - 1] == '.') {
            return true;
        }
    }
    return false;
}

void sanitizer::learn_text(std::string_view text) {
    for (auto const& u : find_urls(text)) {
        if (is_site_url(u, text)) {
            learn_authority(u.authority);
        }
    }
    for (auto host : find_unc_hosts(text)) {
        learn_host(host, secret_kind::host_name);
    }
}

std::string sanitizer::apply(std::string_view text) {
    std::string rebased;
    std::size_t at = 0;
    for (auto const& u : find_urls(text)) {
        if (!is_site_url(u, text)) {
            continue;
        }
        rebased.append(text.substr(at, u.pos - at));
        rebased.append(lab_url_);
        at = u.pos + u.prefix.size();
        urls_.insert(lower_copy(u.prefix));
        ++tallies_[static_cast<std::size_t>(secret_kind::url)].replaced;
    }
    rebased.append(text.substr(at));
    return replace_all_rules(rebased, rules_, [this](std::size_t rule) {
        if (auto kind = rule_kinds_[rule]) {
            ++tallies_[static_cast<std::size_t>(*kind)].replaced;
        }
    });
}

std::string sanitizer::sanitize_peer(const std::string& remote) {
    if (remote.empty()) {
        return remote;
    }
    auto it = peers_.find(remote);
    if (it == peers_.end()) {
        const auto colon = remote.rfind(':');
        std::string ip = colon == std::string::npos ? remote : remote.substr(0, colon);
        if (!ip.empty() && ip.front() == '[' && ip.back() == ']') {
            ip = ip.substr(1, ip.size() - 2);
        }
        // The peer's port is replaced by the connection's number: enough to tell connections
        // apart, nothing about the site.
        it = peers_.emplace(remote, apply(ip) + ":" + std::to_string(peers_.size() + 1)).first;
    }
    ++tallies_[static_cast<std::size_t>(secret_kind::peer_address)].replaced;
    return it->second;
}

void sanitizer::sanitize_headers(std::vector<std::pair<std::string, std::string>>& headers) {
    for (auto& [name, value] : headers) {
        if (is_credential_header(name)) {
            credentials_.insert(value);
            value = "sanitized";
            ++tallies_[static_cast<std::size_t>(secret_kind::credential)].replaced;
        } else {
            value = apply(value);
        }
    }
}

void sanitizer::sanitize(http_request& request, http_response& response) {
    const bool request_text = is_soap_exchange(request) || is_textual(request.header("Content-Type"));
    const bool response_text = is_textual(response.header("Content-Type"));
    // Learn everything first, so that a value is replaced everywhere in this exchange.
    if (auto host = request.header("Host")) {
        learn_authority(*host);
    }
    if (!request.remote_address.empty()) {
        const auto colon = request.remote_address.rfind(':');
        std::string ip = request.remote_address.substr(0, colon);
        if (!ip.empty() && ip.front() == '[' && ip.back() == ']') {
            ip = ip.substr(1, ip.size() - 2);
        }
        learn_ip(ip);
    }
    learn_text(request.target);
    for (auto const* headers : {&request.headers, &response.headers}) {
        for (auto const& [name, value] : *headers) {
            learn_text(value);
        }
    }
    if (request_text) {
        learn_xml(request.body);
        learn_text(request.body);
    }
    if (response_text) {
        learn_xml(response.body);
        learn_text(response.body);
    }

    request.target = apply(request.target);
    sanitize_headers(request.headers);
    sanitize_headers(response.headers);
    if (request_text) {
        request.body = apply(request.body);
    }
    if (response_text) {
        response.body = apply(response.body);
    }
    request.remote_address = sanitize_peer(request.remote_address);
}

}  // namespace wsuslab::server::detail
