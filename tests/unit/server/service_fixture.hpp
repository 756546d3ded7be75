#pragma once
// Shared helpers of the wsus_service tests: the kb954960 scenario (loaded once per process), a
// settable clock, SOAP posting through the protocol codec, and the client handshake.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <gtest/gtest.h>

#include <wsuslab/mitigation/scenario_loader.hpp>
#include <wsuslab/protocol/codec.hpp>
#include <wsuslab/server/service.hpp>

#include "fixtures.hpp"
#include "scenarios.hpp"

namespace wsuslab::server::test {

/// 2008-06-14 02:59:57,642 UTC: the moment of the advisory's server log lines.
inline constexpr std::int64_t advisory_ms = 1213412397642;

inline constexpr const char* office_client_id = "e5e5fdfe-9549-4960-5fb7-015913adb325";
inline constexpr const char* office_dns = "ws-office-01.wsuslab.example";
inline constexpr const char* plain_client_id = "c4930c08-9549-4960-f99f-9e78f0138966";
inline constexpr const char* plain_dns = "ws-plain-01.wsuslab.example";
inline constexpr const char* server_client_id = "dbf9fe06-9549-4960-8f42-0d400894019c";
inline constexpr const char* server_dns = "srv-file-01.wsuslab.example";

inline std::shared_ptr<const mitigation::scenario> kb954960() { return wsuslab::test::shipped_kb954960(); }

/// A copy of kb954960 changed by `edit`.
template <class F>
std::shared_ptr<const mitigation::scenario> kb954960_with(F edit) {
    auto copy = std::make_shared<mitigation::scenario>(*kb954960());
    edit(*copy);
    return copy;
}

/// Every category and detectoid revision of a scenario: reporting them all installed satisfies
/// every prerequisite, so every deployed revision becomes needed (8862 included).
inline protocol::id_list all_non_leaf(const mitigation::scenario& s) {
    protocol::id_list ids;
    for (auto const& r : s.revisions) {
        if (r.type == mitigation::update_type::category || r.type == mitigation::update_type::detectoid) {
            ids.push_back(r.revision_id);
        }
    }
    return ids;
}

/// A lower-case version-4 GUID, e.g. "c0a7445f-b989-43fa-ac20-11f8ca65fa8c". (Hand-written:
/// std::regex trips a GCC 12 -Wmaybe-uninitialized false positive under the sanitizer build.)
inline bool is_guid_v4(std::string_view s) {
    if (s.size() != 36) {
        return false;
    }
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-') {
                return false;
            }
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return false;
        }
    }
    return s[14] == '4' && (s[19] == '8' || s[19] == '9' || s[19] == 'a' || s[19] == 'b');
}

inline std::string quoted_action(protocol::operation op) {
    return "\"" + std::string(protocol::soap_action(op)) + "\"";
}

inline std::string path_of(protocol::operation op) {
    switch (protocol::service_of(op)) {
        case protocol::service::simple_auth: return "/SimpleAuthWebService/SimpleAuth.asmx";
        case protocol::service::reporting: return "/ReportingWebService/ReportingWebService.asmx";
        case protocol::service::client: break;
    }
    return "/ClientWebService/client.asmx";
}

class service_harness {
public:
    explicit service_harness(service_options options = {},
                             std::shared_ptr<const mitigation::scenario> scenario = kb954960())
        : now_(std::make_shared<std::atomic<std::int64_t>>(advisory_ms)) {
        if (!options.scenario && options.scenario_path.empty()) {
            options.scenario = std::move(scenario);
        }
        auto clock = now_;
        options.clock = [clock] {
            return std::chrono::system_clock::time_point(std::chrono::milliseconds(clock->load()));
        };
        if (options.base_url == "http://localhost:8530") {
            options.base_url = "http://wsusebc";
        }
        auto created = wsus_service::create(std::move(options));
        if (auto* err = std::get_if<std::string>(&created)) {
            ADD_FAILURE() << "create failed: " << *err;
            return;
        }
        service_ = std::move(std::get<0>(created));
    }

    wsus_service& svc() { return *service_; }
    bool ok() const { return service_ != nullptr; }
    void advance(std::chrono::milliseconds d) { now_->fetch_add(d.count()); }

    http_response post(const protocol::request& r, std::optional<std::string> action = std::nullopt,
                       std::string path = {}) {
        const protocol::operation op = protocol::operation_of(r);
        http_request req;
        req.method = "POST";
        req.target = path.empty() ? path_of(op) : path;
        req.headers = {{"Content-Type", "text/xml; charset=utf-8"},
                       {"SOAPAction", action.value_or(quoted_action(op))}};
        req.body = protocol::serialize_request(r);
        req.remote_address = "127.0.0.1:50000";
        return service_->handle(req);
    }

    http_response get(const std::string& target, std::string method = "GET",
                      std::vector<std::pair<std::string, std::string>> headers = {}) {
        http_request req;
        req.method = std::move(method);
        req.target = target;
        req.headers = std::move(headers);
        return service_->handle(req);
    }

    /// Posts and expects a response of the operation (adds a failure otherwise).
    template <class Response, class Request>
    Response call(const Request& r) {
        SCOPED_TRACE(std::string("a call of ") + std::string(protocol::operation_name(protocol::operation_of(protocol::request(r)))));
        const http_response http = post(protocol::request(r));
        EXPECT_EQ(http.status, 200) << http.body;
        auto parsed = protocol::parse_response(protocol::operation_of(protocol::request(r)), http.body);
        if (!parsed) {
            ADD_FAILURE() << "unparsable response: " << parsed.error().description << "\n" << http.body;
            return Response{};
        }
        auto* resp = std::get_if<protocol::response>(&parsed.value());
        if (resp == nullptr || !std::holds_alternative<Response>(*resp)) {
            ADD_FAILURE() << "expected a response, got: " << http.body;
            return Response{};
        }
        return std::get<Response>(*resp);
    }

    /// Posts and expects a SOAP fault (any status); returns it with the HTTP status.
    std::pair<int, protocol::soap_fault> fault(const protocol::request& r,
                                               std::optional<std::string> action = std::nullopt,
                                               std::string path = {}) {
        const http_response http = post(r, std::move(action), std::move(path));
        auto parsed = protocol::parse_fault(http.body);
        if (!parsed) {
            ADD_FAILURE() << "expected a fault: " << parsed.error().description << "\n" << http.body;
            return {http.status, protocol::soap_fault{}};
        }
        return {http.status, parsed.value()};
    }

    protocol::authorization_cookie auth(const std::string& client_id, const std::string& dns,
                                        const std::string& group = {}) {
        protocol::get_authorization_cookie_request r;
        r.client_id = client_id;
        r.dns_name = dns;
        r.target_group_name = group;
        auto resp = call<protocol::get_authorization_cookie_response>(r);
        return resp.result.value_or(protocol::authorization_cookie{});
    }

    std::string last_change() {
        auto resp = call<protocol::get_config_response>(protocol::get_config_request{std::string("1.6")});
        return resp.result ? resp.result->last_change : std::string();
    }

    protocol::cookie cookie(const std::string& client_id, const std::string& dns, const std::string& group = {},
                            std::string protocol_version = "1.6") {
        protocol::get_cookie_request r;
        r.auth_cookies = std::vector<protocol::authorization_cookie>{auth(client_id, dns, group)};
        r.last_change = last_change();
        r.current_time = "2008-06-13T19:59:53.383Z";
        r.protocol_version = std::move(protocol_version);
        auto resp = call<protocol::get_cookie_response>(r);
        return resp.result.value_or(protocol::cookie{});
    }

    void register_computer(const protocol::cookie& c, const std::string& dns) {
        protocol::register_computer_request r;
        r.cookie_ = c;
        protocol::computer_info info;
        info.dns_name = dns;
        info.os_major_version = 5;
        info.os_minor_version = 1;
        info.os_build_number = 2600;
        info.bios_release_date = "2007-11-05T00:00:00Z";
        r.info = info;
        call<protocol::register_computer_response>(r);
    }

    /// GetConfig, GetAuthorizationCookie, GetCookie, RegisterComputer: a cookie ready for sync.
    protocol::cookie registered_cookie(const std::string& client_id, const std::string& dns,
                                       const std::string& group = {}) {
        protocol::cookie c = cookie(client_id, dns, group);
        register_computer(c, dns);
        return c;
    }

    static protocol::sync_updates_request sync_request(const protocol::cookie& c, protocol::id_list installed,
                                                       protocol::id_list other = {}) {
        protocol::sync_updates_request r;
        r.cookie_ = c;
        protocol::sync_update_parameters p;
        p.installed_non_leaf_update_ids = std::move(installed);
        p.other_cached_update_ids = std::move(other);
        r.parameters = p;
        return r;
    }

private:
    std::shared_ptr<std::atomic<std::int64_t>> now_;
    std::unique_ptr<wsus_service> service_;
};

/// A fresh temporary directory (removed by the destructor).
class temp_dir {
public:
    temp_dir();
    ~temp_dir();
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    const std::string& path() const { return path_; }
    std::string file(const std::string& name) const { return path_ + "/" + name; }

private:
    std::string path_;
};

/// Options of a service writing its SoftwareDistribution.log into `dir` from `level` up, on the
/// scenario's model or `model`.
inline service_options logged_options(const temp_dir& dir, log_level level,
                                      std::optional<mitigation::model_kind> model = std::nullopt) {
    service_options o;
    o.log_path = dir.file("SoftwareDistribution.log");
    o.level = level;
    o.model = model;
    return o;
}

/// The SOAP fault ASP.NET answers to a POST without a SOAPAction header.
inline void expect_missing_soap_action_fault(const http_response& r) {
    SCOPED_TRACE("a request without SOAPAction");
    EXPECT_EQ(r.status, 500);
    auto f = protocol::parse_fault(r.body);
    ASSERT_TRUE(f.ok()) << r.body;
    EXPECT_EQ(f.value().faultstring,
              "Unable to handle request without a valid action parameter. Please supply a valid soap action. "
              "The SOAPAction HTTP header is missing; SOAP 1.1 requires it.");
}

/// The whole file as text ("" when missing).
std::string read_text(const std::string& path);
/// The lines of a text, without the newline characters.
std::vector<std::string> lines_of(const std::string& text);

}  // namespace wsuslab::server::test
