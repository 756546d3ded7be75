#pragma once
// A scripted MS-WUSP responder for the agent unit tests: a handful of revisions in two
// prerequisite layers, per-operation fault injection, and a record of every request the agent
// sent. attach() wires a mock_transport to it.

#include <cstdio>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <wsuslab/client/agent.hpp>
#include <wsuslab/client/transport.hpp>
#include <wsuslab/protocol/applicability.hpp>
#include <wsuslab/protocol/codec.hpp>
#include <wsuslab/protocol/core_fragment.hpp>
#include <wsuslab/protocol/fault.hpp>

#include "mock_transport.hpp"

namespace wsuslab::client::testing {

struct fake_update {
    std::int32_t id = 0;
    std::string update_id;
    std::string type = "Software";
    bool is_leaf = true;
    std::vector<std::int32_t> prerequisites;  ///< catalog IDs that must be reported installed
    std::string rules;                        ///< <ApplicabilityRules> text, "" for none
    protocol::deployment_action action = protocol::deployment_action::install;
    std::string title;
    std::string content;  ///< one content file with these bytes, "" for none
};

/// Registry key the "Office installed" detectoid of the default catalog looks for.
inline constexpr const char* office_key = "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Office\\11.0";

/// The Office 2003 workstation the agent tests sync: its client ID, DNS name and Office's key.
inline sync_options office_options(std::string server_url = "http://wsus.test:8530") {
    sync_options o;
    o.server_url = std::move(server_url);
    o.profile.name = "office";
    o.profile.client_id = "e5e5fdfe-9549-4960-5fb7-015913adb325";
    o.profile.dns_name = "ws-office-01.wsuslab.example";
    o.profile.machine.registry[office_key] = {};
    return o;
}

inline std::string installed_if_office() {
    return "<ApplicabilityRules><IsInstalled><b.RegKeyExists Key=\"HKEY_LOCAL_MACHINE\" "
           "Subkey=\"SOFTWARE\\Microsoft\\Office\\11.0\" /></IsInstalled></ApplicabilityRules>";
}
inline std::string always(bool installed) {
    return std::string("<ApplicabilityRules><IsInstalled>") + (installed ? "<True />" : "<False />") +
           "</IsInstalled></ApplicabilityRules>";
}
inline std::string never_installable() {
    return "<ApplicabilityRules><IsInstalled><False /></IsInstalled><IsInstallable><False />"
           "</IsInstallable></ApplicabilityRules>";
}

class fake_wsus {
public:
    /// Layer 1: category 10, detectoid 11 (installed iff office_key exists), update 12 (not
    /// applicable). Layer 2 (behind 11): update 20 (needed, content), update 21 (installed).
    /// Layer 2 behind category 10: update 22 (needed, OptionalInstall).
    fake_wsus() {
        catalog = {
            {10, "0a000000-0000-4000-8000-000000000010", "Category", false, {}, always(true),
             protocol::deployment_action::evaluate, "Office", ""},
            {11, "0a000000-0000-4000-8000-000000000011", "Detectoid", false, {}, installed_if_office(),
             protocol::deployment_action::evaluate, "Office installed", ""},
            {12, "0a000000-0000-4000-8000-000000000012", "Software", true, {}, never_installable(),
             protocol::deployment_action::install, "Not for this machine", ""},
            {20, "0a000000-0000-4000-8000-000000000020", "Software", true, {11}, always(false),
             protocol::deployment_action::install, "Security Update for Office (KB1)", "KB1 payload"},
            {21, "0a000000-0000-4000-8000-000000000021", "Software", true, {11}, always(true),
             protocol::deployment_action::install, "Already installed (KB2)", ""},
            {22, "0a000000-0000-4000-8000-000000000022", "Software", true, {10}, always(false),
             protocol::deployment_action::optional_install, "Optional (KB3)", ""},
        };
    }

    std::vector<fake_update> catalog;
    /// One-shot faults per operation, consumed in order.
    std::map<protocol::operation, std::deque<protocol::error_code>> faults;
    /// Answer this fault to every call of the operation.
    std::map<protocol::operation, protocol::error_code> faults_forever;
    /// Fault on the Nth SyncUpdates call (1-based) only.
    std::optional<std::pair<int, protocol::error_code>> sync_fault_at;
    int fault_status = 500;
    std::string max_extended = "2";
    bool registration_required = true;
    std::optional<std::string> driver_sync_not_needed;
    /// Added to every revision ID on the wire (a "new server" numbers revisions differently).
    std::int32_t id_offset = 0;
    /// Every SyncUpdates answer carries one brand-new revision (for the round-trip cap).
    bool endless = false;
    /// Answer every software round with the whole reachable catalog, cached or not (a server that
    /// resends what the client declared cached).
    bool ignore_cached = false;
    /// Say Truncated=true in every software answer.
    bool always_truncated = false;
    /// Send every UpdateInfo of a software answer twice.
    bool repeat_updates = false;
    /// When non-zero, becomes id_offset once the first fault has been answered (the server that
    /// answered ServerChanged numbers its revisions differently).
    std::int32_t offset_after_fault = 0;

    std::vector<protocol::operation> calls;
    std::vector<protocol::sync_update_parameters> sync_params;
    std::vector<protocol::get_cookie_request> cookie_requests;
    std::vector<protocol::refresh_cache_request> refresh_requests;
    std::vector<protocol::get_extended_update_info_request> extended_requests;
    std::vector<protocol::report_event_batch_request> reports;
    std::vector<std::string> fault_ids;
    /// The extra headers of every post_with_headers call (the modern agent's).
    std::vector<http_headers> request_headers;
    int cookies_issued = 0;
    int sync_calls = 0;

    std::string content_url(const fake_update& u) const {
        return "http://wsus.test/Content/" + std::to_string(u.id);
    }

    std::string core_xml(const fake_update& u) const {
        protocol::core_fragment f;
        f.identity = {u.update_id, 100};
        f.update_type = u.type;
        for (auto p : u.prerequisites) {
            f.prerequisites.push_back({{find(p)->update_id}, false});
        }
        if (!u.rules.empty()) {
            // Served as a real server serves metadata: rules the agent may not know included.
            auto parsed = protocol::parse_applicability(
                u.rules, protocol::rule_parse_options{protocol::unknown_rules::keep});
            f.applicability_xml =
                protocol::write_applicability(std::get<protocol::applicability_rules>(parsed));
        }
        return protocol::write_core_fragment(f);
    }

    const fake_update* find(std::int32_t id) const {
        for (auto const& u : catalog) {
            if (u.id == id) {
                return &u;
            }
        }
        return nullptr;
    }

    http_reply fault(protocol::error_code code, const std::string& action) {
        std::string const id = "f00d" + std::to_string(fault_ids.size()) + "-0000-4000-8000-000000000000";
        fault_ids.push_back(id);
        if (offset_after_fault != 0) {
            id_offset = offset_after_fault;
        }
        auto f = protocol::make_fault(code, "", id, "\"" + action + "\"");
        return http_reply{fault_status, {{"Content-Type", "text/xml; charset=utf-8"}},
                          protocol::serialize_fault(f)};
    }

    static http_reply ok(const protocol::response& r) {
        return http_reply{200, {{"Content-Type", "text/xml; charset=utf-8"}}, protocol::serialize_response(r)};
    }

    protocol::cookie new_cookie() {
        ++cookies_issued;
        return protocol::cookie{"2008-06-19T03:00:00Z", cookie_data(cookies_issued)};
    }

    transport_result handle(const std::string& /*url*/, const std::string& action, const std::string& body) {
        auto parsed = protocol::parse_request(body, action);
        if (!parsed.ok()) {
            return http_reply{400, {}, "bad request: " + parsed.error().description};
        }
        protocol::operation const op = parsed.value().op;
        calls.push_back(op);
        auto& req = parsed.value().body;
        if (op == protocol::operation::sync_updates) {
            ++sync_calls;
            sync_params.push_back(*std::get<protocol::sync_updates_request>(req).parameters);
            if (sync_fault_at && sync_fault_at->first == sync_calls) {
                return fault(sync_fault_at->second, action);
            }
        }
        if (auto it = faults_forever.find(op); it != faults_forever.end()) {
            return fault(it->second, action);
        }
        if (auto it = faults.find(op); it != faults.end() && !it->second.empty()) {
            auto const code = it->second.front();
            it->second.pop_front();
            return fault(code, action);
        }
        switch (op) {
            case protocol::operation::get_config: {
                protocol::config c;
                c.last_change = "2008-06-11T17:42:05Z";
                c.is_registration_required = registration_required;
                c.auth_info = std::vector<protocol::auth_plug_in_info>{
                    {std::string("SimpleTargeting"), std::string("SimpleAuthWebService/SimpleAuth.asmx"), std::nullopt}};
                c.allowed_event_ids = protocol::id_list{141, 147, 148};
                c.properties = std::vector<std::pair<std::string, std::string>>{
                    {"MaxExtendedUpdatesPerRequest", max_extended}, {"ProtocolVersion", "3.1"}};
                return ok(protocol::get_config_response{c});
            }
            case protocol::operation::get_authorization_cookie:
                return ok(protocol::get_authorization_cookie_response{
                    protocol::authorization_cookie{std::string("SimpleTargeting"), std::string("YXV0aA==")}});
            case protocol::operation::get_cookie:
                cookie_requests.push_back(std::get<protocol::get_cookie_request>(req));
                return ok(protocol::get_cookie_response{new_cookie()});
            case protocol::operation::register_computer:
                return ok(protocol::register_computer_response{});
            case protocol::operation::sync_updates:
                return ok(protocol::sync_updates_response{sync(sync_params.back())});
            case protocol::operation::refresh_cache: {
                auto const& r = std::get<protocol::refresh_cache_request>(req);
                refresh_requests.push_back(r);
                std::vector<protocol::refresh_cache_result> out;
                for (auto const& gid : r.global_ids.value_or(std::vector<protocol::update_identity>{})) {
                    for (auto const& u : catalog) {
                        if (u.update_id == gid.update_id) {
                            out.push_back({u.id + id_offset, gid, u.is_leaf, deployment(u)});
                        }
                    }
                }
                return ok(protocol::refresh_cache_response{out});
            }
            case protocol::operation::get_extended_update_info: {
                auto const& r = std::get<protocol::get_extended_update_info_request>(req);
                extended_requests.push_back(r);
                protocol::extended_update_info info;
                info.updates = std::vector<protocol::update_data>{};
                info.file_locations = std::vector<protocol::file_location>{};
                for (auto id : r.revision_ids.value_or(protocol::id_list{})) {
                    auto const* u = find(id - id_offset);
                    if (u == nullptr) {
                        continue;
                    }
                    info.updates->push_back({id, "<LocalizedProperties><Language>en</Language><Title>" + u->title +
                                                     "</Title></LocalizedProperties>"});
                    if (!u->content.empty()) {
                        std::string const digest = sha1_base64(u->content);
                        info.updates->push_back({id, "<ExtendedProperties /><Files><File Digest=\"" + digest +
                                                         "\" FileName=\"kb.exe\" /></Files>"});
                        protocol::file_location loc;
                        loc.file_digest = digest;
                        loc.url = content_url(*u);
                        info.file_locations->push_back(loc);
                    }
                }
                return ok(protocol::get_extended_update_info_response{info});
            }
            case protocol::operation::get_file_locations: {
                auto const& r = std::get<protocol::get_file_locations_request>(req);
                protocol::get_file_locations_results res;
                res.new_cookie = new_cookie();
                res.file_locations = std::vector<protocol::file_location>{};
                for (auto const& d : r.file_digests.value_or(protocol::string_list{})) {
                    for (auto const& u : catalog) {
                        if (!u.content.empty() && sha1_base64(u.content) == d) {
                            protocol::file_location loc;
                            loc.file_digest = d;
                            loc.url = content_url(u);
                            res.file_locations->push_back(loc);
                        }
                    }
                }
                return ok(protocol::get_file_locations_response{res});
            }
            case protocol::operation::report_event_batch:
                reports.push_back(std::get<protocol::report_event_batch_request>(req));
                return ok(protocol::report_event_batch_response{true});
            default:
                return http_reply{500, {}, "unexpected operation"};
        }
    }

    /// The content a GET of content_url(u) returns.
    transport_result content(const std::string& url, bool head) const {
        for (auto const& u : catalog) {
            if (!u.content.empty() && content_url(u) == url) {
                return http_reply{200, {{"Content-Length", std::to_string(u.content.size())}},
                                  head ? std::string{} : u.content};
            }
        }
        return http_reply{404, {}, ""};
    }

    static protocol::deployment deployment(const fake_update& u) {
        protocol::deployment d;
        d.id = 5000 + u.id;
        d.action = u.action;
        d.last_change_time = "2008-06-10";
        return d;
    }

    /// Wires the mock to this fake (POST, HEAD and GET).
    void attach(mock_transport& t) {
        using ::testing::_;
        ON_CALL(t, post(_, _, _)).WillByDefault([this](const std::string& url, const std::string& action,
                                                       const std::string& body) { return handle(url, action, body); });
        ON_CALL(t, post_with_headers(_, _, _, _))
            .WillByDefault([this](const std::string& url, const std::string& action, const std::string& body,
                                  const http_headers& headers) {
                request_headers.push_back(headers);
                return handle(url, action, body);
            });
        ON_CALL(t, head(_)).WillByDefault([this](const std::string& url) { return content(url, true); });
        ON_CALL(t, get(_)).WillByDefault([this](const std::string& url) { return content(url, false); });
    }

    /// The EncryptedData of the Nth cookie issued: base64("cookie-NNN").
    static std::string cookie_data(int n) {
        char text[16];
        std::snprintf(text, sizeof text, "cookie-%03d", n % 1000);
        unsigned char out[32];
        int const len = EVP_EncodeBlock(out, reinterpret_cast<const unsigned char*>(text), 10);
        return std::string(reinterpret_cast<const char*>(out), static_cast<std::size_t>(len));
    }

    static std::string sha1_base64(const std::string& data) {
        unsigned char digest[SHA_DIGEST_LENGTH];
        SHA1(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
        unsigned char out[64];
        int const n = EVP_EncodeBlock(out, digest, SHA_DIGEST_LENGTH);
        return std::string(reinterpret_cast<const char*>(out), static_cast<std::size_t>(n));
    }

private:
    protocol::sync_info sync(const protocol::sync_update_parameters& p) {
        std::set<std::int32_t> installed;
        std::set<std::int32_t> cached;
        for (auto id : p.installed_non_leaf_update_ids.value_or(protocol::id_list{})) {
            installed.insert(id - id_offset);
            cached.insert(id - id_offset);
        }
        for (auto id : p.other_cached_update_ids.value_or(protocol::id_list{})) {
            cached.insert(id - id_offset);
        }
        for (auto id : p.cached_driver_ids.value_or(protocol::id_list{})) {
            cached.insert(id - id_offset);
        }
        protocol::sync_info info;
        info.new_cookie = new_cookie();
        info.new_updates = std::vector<protocol::update_info>{};
        info.driver_sync_not_needed = driver_sync_not_needed;
        if (p.skip_software_sync) {
            return info;
        }
        if (endless) {
            fake_update u{900000 + sync_calls, "0b000000-0000-4000-8000-" + std::string(12 - std::to_string(sync_calls).size(), '0') + std::to_string(sync_calls),
                          "Detectoid", false, {}, always(true), protocol::deployment_action::evaluate, "", ""};
            info.new_updates->push_back({u.id, deployment(u), u.is_leaf, core_xml(u)});
            return info;
        }
        for (auto const& u : catalog) {
            bool ready = true;
            for (auto pre : u.prerequisites) {
                ready = ready && installed.count(pre) != 0;
            }
            if (ready && (ignore_cached || cached.count(u.id) == 0)) {
                info.new_updates->push_back({u.id + id_offset, deployment(u), u.is_leaf, core_xml(u)});
                if (repeat_updates) {
                    info.new_updates->push_back(info.new_updates->back());
                }
            }
        }
        info.truncated = always_truncated;
        return info;
    }
};

}  // namespace wsuslab::client::testing
