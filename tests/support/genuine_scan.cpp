#include "genuine_scan.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

#include <wsuslab/protocol/codec.hpp>

namespace wsuslab::test {
namespace {

struct capture_entry {
    std::string_view stem;
    protocol::operation op;
};

using protocol::operation;

// The order the agent sent them in (the captures' numbering); 09 is a response only.
constexpr capture_entry scan_order[] = {
    {"wsusrs-native-scan-01-GetConfig", operation::get_config},
    {"wsusrs-native-scan-02-SimpleAuth-GetAuthorizationCookie", operation::get_authorization_cookie},
    {"wsusrs-native-scan-03-GetCookie", operation::get_cookie},
    {"wsusrs-native-scan-04-RegisterComputer", operation::register_computer},
    {"wsusrs-native-scan-05-StartCategoryScan", operation::start_category_scan},
    {"wsusrs-native-scan-06-SyncUpdates-first", operation::sync_updates},
    {"wsusrs-native-scan-07-SyncUpdates-second", operation::sync_updates},
    {"wsusrs-native-scan-08-SyncUpdates-third-leaf", operation::sync_updates},
    {"wsusrs-native-scan-10-GetExtendedUpdateInfo", operation::get_extended_update_info},
    {"wsusrs-native-flow-15-GetExtendedUpdateInfo-FileLocations", operation::get_extended_update_info},
    {"wsusrs-native-flow-18-ReportEventBatch-2events", operation::report_event_batch},
};

bool read_file(const std::filesystem::path& p, std::string& out) {
    std::ifstream in(p, std::ios::binary);
    if (!in) {
        return false;
    }
    std::ostringstream s;
    s << in.rdbuf();
    out = s.str();
    return true;
}

bool ci_equal(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

// "POST /path HTTP/1.1\r\nName: value\r\n...\r\n\r\n" -> method, target, headers.
std::string parse_header_block(const std::string& text, genuine_request& g) {
    std::istringstream in(text);
    std::string line;
    bool first = true;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        if (line.empty()) {
            break;
        }
        if (first) {
            first = false;
            const auto sp1 = line.find(' ');
            const auto sp2 = line.find(' ', sp1 == std::string::npos ? sp1 : sp1 + 1);
            if (sp1 == std::string::npos || sp2 == std::string::npos) {
                return "bad request line '" + line + "'";
            }
            g.method = line.substr(0, sp1);
            g.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
            continue;
        }
        const auto colon = line.find(':');
        if (colon == std::string::npos) {
            return "bad header line '" + line + "'";
        }
        std::string value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        g.headers.emplace_back(line.substr(0, colon), value);
    }
    return first ? std::string("no request line") : std::string();
}

// Another captured request to the same web service lends its header block.
std::string borrow_headers(genuine_request& g, const std::vector<genuine_request>& all) {
    for (auto const& donor : all) {
        if (!donor.headers_captured || protocol::service_of(donor.op) != protocol::service_of(g.op)) {
            continue;
        }
        g.method = donor.method;
        g.target = donor.target;
        g.headers = donor.headers;
        for (auto& [name, value] : g.headers) {
            if (ci_equal(name, "SOAPAction")) {
                value = "\"" + std::string(protocol::soap_action(g.op)) + "\"";
            }
        }
        return {};
    }
    return g.name + ": no captured header block for its web service to borrow";
}

// Replaces the text of every <tag>...</tag>; how many were replaced.
int replace_text(std::string& body, std::string_view tag, std::string_view value) {
    const std::string open = "<" + std::string(tag) + ">";
    const std::string close = "</" + std::string(tag) + ">";
    int count = 0;
    std::size_t at = 0;
    while ((at = body.find(open, at)) != std::string::npos) {
        const std::size_t start = at + open.size();
        const std::size_t end = body.find(close, start);
        if (end == std::string::npos) {
            break;
        }
        body.replace(start, end - start, value);
        at = start + value.size() + close.size();
        ++count;
    }
    return count;
}

}  // namespace

std::variant<std::vector<genuine_request>, std::string> load_genuine_scan(const std::filesystem::path& dir) {
    std::set<std::string> known;
    std::vector<genuine_request> out;
    for (auto const& e : scan_order) {
        genuine_request g;
        g.name = std::string(e.stem);
        g.op = e.op;
        known.insert(g.name + ".req.xml");
        if (!read_file(dir / (g.name + ".req.xml"), g.body)) {
            return "cannot read " + (dir / (g.name + ".req.xml")).string();
        }
        std::string header_text;
        if (read_file(dir / (g.name + ".req.headers"), header_text)) {
            if (auto err = parse_header_block(header_text, g); !err.empty()) {
                return g.name + ".req.headers: " + err;
            }
            g.headers_captured = true;
        }
        out.push_back(std::move(g));
    }
    for (auto& g : out) {
        if (!g.headers_captured) {
            if (auto err = borrow_headers(g, out); !err.empty()) {
                return err;
            }
        }
    }
    std::error_code ec;
    for (auto const& entry : std::filesystem::directory_iterator(dir, ec)) {
        const std::string file = entry.path().filename().string();
        const std::string suffix = ".req.xml";
        if (file.size() > suffix.size() && file.compare(file.size() - suffix.size(), suffix.size(), suffix) == 0 &&
            known.count(file) == 0) {
            return "unexpected capture " + file + ": add it to the scan order in genuine_scan.cpp";
        }
    }
    return out;
}

std::variant<server::http_request, std::string> genuine_splicer::request_for(const genuine_request& g) const {
    server::http_request r;
    r.method = g.method;
    r.target = g.target;
    r.body = g.body;
    r.remote_address = "192.0.2.77:49712";
    struct field {
        std::string_view tag;
        const std::string& live;
        std::string_view what;
    };
    for (auto const& f : {field{"EncryptedData", encrypted_data_, "a Cookie (GetCookie or SyncUpdates NewCookie)"},
                          field{"CookieData", auth_cookie_data_, "an authorization cookie (GetAuthorizationCookie)"},
                          field{"lastChange", last_change_, "a LastChange (GetConfig)"}}) {
        if (r.body.find("<" + std::string(f.tag) + ">") == std::string::npos) {
            continue;
        }
        if (f.live.empty()) {
            return g.name + ": carries " + std::string(f.tag) + " but our server has not issued " +
                   std::string(f.what) + " yet";
        }
        replace_text(r.body, f.tag, f.live);
    }
    for (auto const& [name, value] : g.headers) {
        if (!ci_equal(name, "Content-Length")) {
            r.headers.emplace_back(name, value);
        }
    }
    r.headers.emplace_back("Content-Length", std::to_string(r.body.size()));
    return r;
}

void genuine_splicer::learn(protocol::operation op, std::string_view response_body) {
    auto parsed = protocol::parse_response(op, response_body);
    if (!parsed) {
        return;
    }
    const auto* resp = std::get_if<protocol::response>(&parsed.value());
    if (resp == nullptr) {
        return;
    }
    if (const auto* c = std::get_if<protocol::get_config_response>(resp); c && c->result) {
        last_change_ = c->result->last_change;
    } else if (const auto* a = std::get_if<protocol::get_authorization_cookie_response>(resp);
               a && a->result && a->result->cookie_data) {
        auth_cookie_data_ = *a->result->cookie_data;
    } else if (const auto* k = std::get_if<protocol::get_cookie_response>(resp);
               k && k->result && k->result->encrypted_data) {
        encrypted_data_ = *k->result->encrypted_data;
    } else if (const auto* s = std::get_if<protocol::sync_updates_response>(resp);
               s && s->result && s->result->new_cookie && s->result->new_cookie->encrypted_data) {
        encrypted_data_ = *s->result->new_cookie->encrypted_data;
    }
}

std::string to_wire(const server::http_request& r) {
    std::string out = r.method + " " + r.target + " HTTP/1.1\r\n";
    for (auto const& [name, value] : r.headers) {
        if (!ci_equal(name, "Content-Length")) {
            out += name + ": " + value + "\r\n";
        }
    }
    out += "Content-Length: " + std::to_string(r.body.size()) + "\r\n\r\n";
    out += r.body;
    return out;
}

}  // namespace wsuslab::test
