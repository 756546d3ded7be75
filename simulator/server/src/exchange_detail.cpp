#include "exchange_detail.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <type_traits>
#include <variant>

#include <wsuslab/protocol/messages.hpp>
#include <wsuslab/protocol/operations.hpp>

namespace wsuslab::server::detail {
namespace {

// Splits a head file into lines, dropping the CR of CRLF and stopping at the first blank line.
std::vector<std::string_view> head_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        const auto nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        if (line.empty()) {
            break;
        }
        lines.push_back(line);
        if (nl == std::string_view::npos) {
            break;
        }
        text.remove_prefix(nl + 1);
    }
    return lines;
}

using header_list = std::vector<std::pair<std::string, std::string>>;

exchange_result<header_list> parse_header_lines(const std::vector<std::string_view>& lines,
                                                const std::string& file) {
    header_list headers;
    for (std::size_t i = 1; i < lines.size(); ++i) {
        const auto colon = lines[i].find(':');
        if (colon == std::string_view::npos || colon == 0) {
            return exchange_error{file, "line " + std::to_string(i + 1) +
                                            ": expected \"Name: value\", got \"" +
                                            std::string(lines[i]) + "\""};
        }
        headers.emplace_back(std::string(protocol::trim(lines[i].substr(0, colon))),
                             std::string(protocol::trim(lines[i].substr(colon + 1))));
    }
    return headers;
}

std::optional<unsigned> parse_version(std::string_view v) {
    if (v == "HTTP/1.1") {
        return 11U;
    }
    if (v == "HTTP/1.0") {
        return 10U;
    }
    return std::nullopt;
}

void add_cookie(std::vector<std::string>& out, const std::optional<protocol::cookie>& c) {
    if (c && c->encrypted_data && !c->encrypted_data->empty()) {
        out.push_back(*c->encrypted_data);
    }
}

void add_sync_info_cookie(std::vector<std::string>& out,
                          const std::optional<protocol::sync_info>& s) {
    if (s) {
        add_cookie(out, s->new_cookie);
    }
}

}  // namespace

std::string_view path_of(std::string_view target) {
    return target.substr(0, target.find('?'));
}

std::string_view query_of(std::string_view target) {
    const auto q = target.find('?');
    return q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
}

bool is_soap_exchange(const http_request& request) {
    return iequals(request.method, "POST");
}

std::string sanitize_key(std::string_view text) {
    std::string out;
    for (char c : text) {
        const char l = protocol::ascii_lower(c);
        if ((l >= 'a' && l <= 'z') || (l >= '0' && l <= '9')) {
            out.push_back(l);
        } else if (!out.empty() && out.back() != '-') {
            out.push_back('-');
        }
    }
    while (!out.empty() && out.back() == '-') {
        out.pop_back();
    }
    if (out.size() > 48) {
        out.resize(48);
        while (!out.empty() && out.back() == '-') {
            out.pop_back();
        }
    }
    return out.empty() ? "anonymous" : out;
}

std::string folder_name(std::size_t sequence, std::string_view client_key,
                        std::string_view operation) {
    char number[32];
    std::snprintf(number, sizeof number, "%04zu", sequence);
    return std::string(number) + "-" + std::string(client_key) + "-" + std::string(operation);
}

std::optional<std::size_t> folder_number(std::string_view name) {
    std::size_t value = 0;
    std::size_t i = 0;
    for (; i < name.size() && i < 9 && name[i] >= '0' && name[i] <= '9'; ++i) {
        value = value * 10 + static_cast<std::size_t>(name[i] - '0');
    }
    if (i == 0 || i >= name.size() || name[i] != '-') {
        return std::nullopt;
    }
    return value;
}

std::string default_client_key(std::string_view client_id, std::string_view dns_name) {
    if (!dns_name.empty()) {
        return sanitize_key(dns_name.substr(0, dns_name.find('.')));
    }
    return sanitize_key(client_id);
}

std::string utc_now_text() {
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::string_view reason_phrase(int status) {
    switch (status) {
        case 200:
            return "OK";
        case 206:
            return "Partial Content";
        case 400:
            return "Bad Request";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        case 413:
            return "Payload Too Large";
        case 415:
            return "Unsupported Media Type";
        case 416:
            return "Range Not Satisfiable";
        case 431:
            return "Request Header Fields Too Large";
        case 500:
            return "Internal Server Error";
        case 503:
            return "Service Unavailable";
        default:
            return "Unknown";
    }
}

std::string format_request_head(const http_request& r) {
    std::string out = r.method + " " + r.target + (r.version == 10 ? " HTTP/1.0\n" : " HTTP/1.1\n");
    for (auto const& [name, value] : r.headers) {
        out += name + ": " + value + "\n";
    }
    return out;
}

std::string format_response_head(const http_response& r) {
    std::string out =
        "HTTP/1.1 " + std::to_string(r.status) + " " + std::string(reason_phrase(r.status)) + "\n";
    bool has_connection = false;
    for (auto const& [name, value] : r.headers) {
        // The session computes Content-Length from the body; storing it would duplicate it.
        if (iequals(name, "Content-Length")) {
            continue;
        }
        has_connection = has_connection || iequals(name, "Connection");
        out += name + ": " + value + "\n";
    }
    if (r.close && !has_connection) {
        out += "Connection: close\n";
    }
    return out;
}

exchange_result<http_request> parse_request_head(std::string_view text, const std::string& file) {
    const auto lines = head_lines(text);
    if (lines.empty()) {
        return exchange_error{file,
                              "empty; expected a request line such as \"POST "
                              "/ClientWebService/client.asmx HTTP/1.1\""};
    }
    const std::string_view first = lines[0];
    const auto sp1 = first.find(' ');
    const auto sp2 = first.rfind(' ');
    if (sp1 == std::string_view::npos || sp2 == sp1 || !parse_version(first.substr(sp2 + 1))) {
        return exchange_error{file, "line 1: expected \"METHOD TARGET HTTP/1.1\", got \"" +
                                        std::string(first) + "\""};
    }
    auto headers = parse_header_lines(lines, file);
    if (!headers) {
        return headers.error();
    }
    http_request r;
    r.method = std::string(first.substr(0, sp1));
    r.target = std::string(first.substr(sp1 + 1, sp2 - sp1 - 1));
    r.version = *parse_version(first.substr(sp2 + 1));
    r.headers = std::move(headers.value());
    if (r.target.empty() || r.target.front() != '/') {
        return exchange_error{file, "line 1: target \"" + r.target + "\" does not start with '/'"};
    }
    return r;
}

exchange_result<http_response> parse_response_head(std::string_view text, const std::string& file) {
    const auto lines = head_lines(text);
    if (lines.empty()) {
        return exchange_error{file, "empty; expected a status line such as \"HTTP/1.1 200 OK\""};
    }
    const std::string_view first = lines[0];
    const auto sp1 = first.find(' ');
    int status = 0;
    if (sp1 != std::string_view::npos && parse_version(first.substr(0, sp1)) &&
        first.size() >= sp1 + 4) {
        const std::string_view code = first.substr(sp1 + 1, 3);
        if (std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
            (first.size() == sp1 + 4 || first[sp1 + 4] == ' ')) {
            status = (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
        }
    }
    if (status < 100) {
        return exchange_error{file, "line 1: expected \"HTTP/1.1 <status> <reason>\", got \"" +
                                        std::string(first) + "\""};
    }
    auto headers = parse_header_lines(lines, file);
    if (!headers) {
        return headers.error();
    }
    http_response r;
    r.status = status;
    for (auto& [name, value] : headers.value()) {
        if (iequals(name, "Content-Length") || iequals(name, "Transfer-Encoding")) {
            continue;  // the session frames the body itself
        }
        if (iequals(name, "Connection") && iequals(value, "close")) {
            r.close = true;
        }
        r.headers.emplace_back(std::move(name), std::move(value));
    }
    return r;
}

bool is_xml_content_type(std::optional<std::string_view> content_type) {
    if (!content_type) {
        return false;
    }
    const std::string media = lower_copy(protocol::trim(content_type->substr(0, content_type->find(';'))));
    return media == "text/xml" || media == "application/soap+xml" || media == "application/xml";
}

protocol::result<protocol::parsed_request> parse_soap(const http_request& r, const protocol::limits& lim) {
    if (!is_soap_exchange(r)) {
        return protocol::parse_error{};
    }
    return protocol::parse_request(r.body, r.header("SOAPAction"), lim);
}

request_facts inspect_request(const http_request& r, const protocol::limits& lim) {
    return inspect_request(r, parse_soap(r, lim));
}

request_facts inspect_request(const http_request& r, const protocol::result<protocol::parsed_request>& parsed) {
    request_facts f;
    if (!is_soap_exchange(r)) {
        f.operation_name = r.method;
        return f;
    }
    if (!parsed) {
        f.parse_problem = parsed.error().description;
        f.operation_name = "Invalid";
        if (auto action = r.header("SOAPAction")) {
            if (auto op = protocol::operation_from_action(*action)) {
                f.operation_name = std::string(protocol::operation_name(*op));
            }
        }
        return f;
    }
    f.parsed = true;
    f.op = parsed.value().op;
    f.version = parsed.value().version;
    f.operation_name = std::string(protocol::operation_name(*f.op));
    std::visit(
        [&f](auto const& m) {
            using T = std::decay_t<decltype(m)>;
            if constexpr (std::is_same_v<T, protocol::get_authorization_cookie_request>) {
                f.client_id = m.client_id.value_or("");
                f.dns_name = m.dns_name.value_or("");
            } else if constexpr (std::is_same_v<T, protocol::get_cookie_request>) {
                if (m.auth_cookies) {
                    for (auto const& a : *m.auth_cookies) {
                        if (a.cookie_data && !a.cookie_data->empty()) {
                            f.cookies.push_back(*a.cookie_data);
                        }
                    }
                }
                add_cookie(f.cookies, m.old_cookie);
            } else if constexpr (std::is_same_v<T, protocol::get_config_request> ||
                                 std::is_same_v<T, protocol::start_category_scan_request>) {
                // No cookie in the schema: anonymous.
            } else {
                add_cookie(f.cookies, m.cookie_);
            }
        },
        parsed.value().body);
    return f;
}

std::vector<std::string> issued_cookies(protocol::operation op, const http_response& r,
                                        const protocol::limits& lim, std::string* problem) {
    std::vector<std::string> out;
    if (!is_xml_content_type(r.header("Content-Type"))) {
        return out;
    }
    auto reply = protocol::parse_response(op, r.body, lim);
    if (!reply) {
        if (problem != nullptr) {
            *problem = reply.error().description;
        }
        return out;
    }
    const auto* response = std::get_if<protocol::response>(&reply.value());
    if (response == nullptr) {
        return out;  // a fault hands out nothing
    }
    std::visit(
        [&out](auto const& m) {
            using T = std::decay_t<decltype(m)>;
            if constexpr (std::is_same_v<T, protocol::get_authorization_cookie_response>) {
                if (m.result && m.result->cookie_data && !m.result->cookie_data->empty()) {
                    out.push_back(*m.result->cookie_data);
                }
            } else if constexpr (std::is_same_v<T, protocol::get_cookie_response>) {
                add_cookie(out, m.result);
            } else if constexpr (std::is_same_v<T, protocol::sync_updates_response> ||
                                 std::is_same_v<T, protocol::sync_printer_catalog_response>) {
                add_sync_info_cookie(out, m.result);
            } else if constexpr (std::is_same_v<T, protocol::get_file_locations_response>) {
                if (m.result) {
                    add_cookie(out, m.result->new_cookie);
                }
            }
        },
        *response);
    return out;
}

std::string service_name(const request_facts& facts, std::string_view path) {
    if (facts.op) {
        switch (protocol::service_of(*facts.op)) {
            case protocol::service::client:
                return "ClientWebService";
            case protocol::service::simple_auth:
                return "SimpleAuthWebService";
            case protocol::service::reporting:
                return "ReportingWebService";
        }
    }
    std::string_view p = path;
    while (!p.empty() && p.front() == '/') {
        p.remove_prefix(1);
    }
    return std::string(p.substr(0, p.find('/')));
}

}  // namespace wsuslab::server::detail
