#include "proxy_text.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "exchange_detail.hpp"

namespace wsuslab::server::detail {
namespace {

bool is_alnum(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

bool is_hex(char c) {
    return std::isxdigit(static_cast<unsigned char>(c)) != 0;
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// Characters that end an authority in running text, XML (escaped or not) and headers.
bool ends_authority(char c) {
    constexpr std::string_view stop = "/?#\"'<>\\ \t\r\n&),;";
    return stop.find(c) != std::string_view::npos;
}

bool starts_with_ci(std::string_view s, std::size_t pos, std::string_view prefix) {
    return pos <= s.size() && istarts_with(s.substr(pos), prefix);
}

bool edge_ok(boundary edge, std::string_view text, std::size_t pos, std::size_t len) {
    const bool has_left = pos > 0;
    const bool has_right = pos + len < text.size();
    const char left = has_left ? text[pos - 1] : '\0';
    const char right = has_right ? text[pos + len] : '\0';
    auto word = [](char c) { return is_alnum(c) || c == '-' || c == '_'; };
    switch (edge) {
        case boundary::word:
            return !(has_left && word(left)) && !(has_right && word(right));
        case boundary::address:
            return !(has_left && (word(left) || left == '.')) && !(has_right && is_digit(right));
        case boundary::ip: {
            if (has_left && (is_alnum(left) || left == '.' || left == ':')) {
                return false;
            }
            const bool dotted_tail = right == '.' && pos + len + 1 < text.size() && is_digit(text[pos + len + 1]);
            return !(has_right && (is_alnum(right) || right == ':' || dotted_tail));
        }
        case boundary::base64: {
            auto b64 = [](char c) { return is_alnum(c) || c == '+' || c == '/' || c == '='; };
            return !(has_left && b64(left)) && !(has_right && b64(right));
        }
    }
    return false;
}

}  // namespace

std::string_view host_of_authority(std::string_view authority) {
    if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
        authority.remove_prefix(at + 1);
    }
    if (!authority.empty() && authority.front() == '[') {
        const auto close = authority.find(']');
        return close == std::string_view::npos ? authority.substr(1) : authority.substr(1, close - 1);
    }
    return authority.substr(0, authority.find(':'));
}

std::vector<url_hit> find_urls(std::string_view text) {
    std::vector<url_hit> out;
    for (std::size_t i = text.find("://"); i != std::string_view::npos; i = text.find("://", i + 3)) {
        std::size_t start = 0;
        if (i >= 5 && starts_with_ci(text, i - 5, "https")) {
            start = i - 5;
        } else if (i >= 4 && starts_with_ci(text, i - 4, "http")) {
            start = i - 4;
        } else {
            continue;
        }
        // "xhttp://" is not a URL start.
        if (start > 0 && is_alnum(text[start - 1])) {
            continue;
        }
        std::size_t end = i + 3;
        while (end < text.size() && !ends_authority(text[end])) {
            ++end;
        }
        if (end == i + 3) {
            continue;
        }
        url_hit h;
        h.pos = start;
        h.prefix = text.substr(start, end - start);
        h.authority = text.substr(i + 3, end - i - 3);
        h.host = host_of_authority(h.authority);
        if (!h.host.empty()) {
            out.push_back(h);
        }
    }
    return out;
}

std::vector<std::string_view> find_unc_hosts(std::string_view text) {
    std::vector<std::string_view> out;
    for (std::size_t i = text.find("\\\\"); i != std::string_view::npos; i = text.find("\\\\", i + 2)) {
        std::size_t end = i + 2;
        while (end < text.size() && (is_alnum(text[end]) || text[end] == '.' || text[end] == '-' || text[end] == '_')) {
            ++end;
        }
        if (end > i + 2 && end < text.size() && text[end] == '\\') {
            out.push_back(text.substr(i + 2, end - i - 2));
        }
    }
    return out;
}

bool is_ipv4(std::string_view s) {
    int parts = 0;
    while (true) {
        std::size_t n = 0;
        int value = 0;
        while (n < s.size() && n < 4 && is_digit(s[n])) {
            value = value * 10 + (s[n] - '0');
            ++n;
        }
        if (n == 0 || n > 3 || value > 255) {
            return false;
        }
        ++parts;
        s.remove_prefix(n);
        if (s.empty()) {
            return parts == 4;
        }
        if (s.front() != '.' || parts == 4) {
            return false;
        }
        s.remove_prefix(1);
    }
}

bool is_ipv6(std::string_view s) {
    const auto colons = std::count(s.begin(), s.end(), ':');
    if (colons < 2 || s.size() > 45) {
        return false;
    }
    return std::all_of(s.begin(), s.end(), [](char c) { return is_hex(c) || c == ':' || c == '.'; });
}

bool is_documentation_address(std::string_view s) {
    for (std::string_view prefix : {"192.0.2.", "198.51.100.", "203.0.113."}) {
        if (s.substr(0, prefix.size()) == prefix && is_ipv4(s)) {
            return true;
        }
    }
    return is_ipv6(s) && starts_with_ci(s, 0, "2001:db8:");
}

bool is_public_host(std::string_view host) {
    constexpr std::array<std::string_view, 5> domains = {"microsoft.com", "windowsupdate.com", "windows.com",
                                                         "xmlsoap.org", "w3.org"};
    for (auto d : domains) {
        if (iequals(host, d) ||
            (host.size() > d.size() + 1 && host[host.size() - d.size() - 1] == '.' &&
             iends_with(host, d))) {
            return true;
        }
    }
    return false;
}

std::string replace_all_rules(std::string_view text, const std::vector<replacement_rule>& rules,
                              const std::function<void(std::size_t)>& on_replace) {
    struct hit {
        std::size_t pos;
        std::size_t len;
        std::size_t rule;
    };
    std::vector<hit> hits;
    const std::string lower = lower_copy(text);
    for (std::size_t r = 0; r < rules.size(); ++r) {
        const auto& rule = rules[r];
        if (rule.value.empty()) {
            continue;
        }
        const std::string_view hay = rule.case_insensitive ? std::string_view(lower) : text;
        for (auto pos = hay.find(rule.value); pos != std::string_view::npos; pos = hay.find(rule.value, pos + 1)) {
            if (edge_ok(rule.edge, text, pos, rule.value.size())) {
                hits.push_back(hit{pos, rule.value.size(), r});
            }
        }
    }
    if (hits.empty()) {
        return std::string(text);
    }
    std::sort(hits.begin(), hits.end(), [](const hit& a, const hit& b) {
        return a.pos != b.pos ? a.pos < b.pos : a.len > b.len;
    });
    std::string out;
    out.reserve(text.size());
    std::size_t at = 0;
    for (auto const& h : hits) {
        if (h.pos < at) {
            continue;  // inside a longer or earlier replacement
        }
        out.append(text.substr(at, h.pos - at));
        out.append(rules[h.rule].replacement);
        at = h.pos + h.len;
        if (on_replace) {
            on_replace(h.rule);
        }
    }
    out.append(text.substr(at));
    return out;
}

}  // namespace wsuslab::server::detail
