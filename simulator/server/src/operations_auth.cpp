// The authorization phase (docs/protocol-notes.md §4.1–§4.4): GetAuthorizationCookie, GetConfig,
// GetCookie, RegisterComputer, and the cookie checks every later operation runs.

#include <algorithm>
#include <cctype>

#include <wsuslab/protocol/text.hpp>

#include "operations.hpp"
#include "service_time.hpp"
#include "targeting.hpp"

namespace wsuslab::server::detail {
namespace {

using protocol::error_code;

// ClientIdString: 1-255 characters from a-z, 0-9 and '-' (docs/protocol-notes.md §4.1); upper case
// is tolerated because some agents print GUIDs that way.
bool valid_client_id(std::string_view id) {
    return !id.empty() && id.size() <= 255 && std::all_of(id.begin(), id.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-';
    });
}

bool valid_dns_name(std::string_view name) {
    if (name.empty() || name.size() > 255) {
        return false;
    }
    std::size_t label = 0;
    for (const char c : name) {
        if (c == '.') {
            if (label == 0) {
                return false;
            }
            label = 0;
            continue;
        }
        if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '-' && c != '_') {
            return false;
        }
        if (++label > 63) {
            return false;
        }
    }
    return label != 0 || name.back() == '.';
}

// The host part of the base URL, for PackageServerShare.
std::string host_of(const std::string& url) {
    std::string_view rest = url;
    const auto scheme = rest.find("://");
    if (scheme != std::string_view::npos) {
        rest.remove_prefix(scheme + 3);
    }
    rest = rest.substr(0, rest.find('/'));
    if (!rest.empty() && rest.front() == '[') {
        return std::string(rest.substr(0, rest.find(']') + 1));
    }
    return std::string(rest.substr(0, rest.find(':')));
}

// Signs `payload` as issued now by this server under its current configuration: identity,
// LastChange, issue time, and an expiry one cookie lifetime later.
void stamp(const operation_context& ctx, const soap_call& call, cookie_payload& payload) {
    payload.server_identity = call.state.identity;
    payload.config_last_change = call.state.config_last_change;
    payload.issued_ms = call.now_ms;
    payload.expires_ms =
        call.now_ms + std::chrono::duration_cast<std::chrono::milliseconds>(ctx.options.cookie_lifetime).count();
}

}  // namespace

app_fault fault(error_code code, std::string message) { return app_fault{code, std::move(message), {}}; }

std::variant<cookie_payload, app_fault> check_cookie(const operation_context& ctx, soap_call& call,
                                                     const std::optional<protocol::cookie>& c, cookie_check checks) {
    if (!c || !c->encrypted_data || c->encrypted_data->empty()) {
        call.notes.detail.emplace_back("cookie=absent");
        return fault(error_code::invalid_cookie);
    }
    auto opened = ctx.codec.open(*c->encrypted_data);
    if (auto* err = std::get_if<cookie_open_error>(&opened)) {
        call.notes.detail.push_back("cookie=" + std::string(cookie_open_error_name(*err)));
        return fault(error_code::invalid_cookie);
    }
    cookie_payload p = std::get<cookie_payload>(std::move(opened));
    if (p.kind != cookie_kind::client) {
        call.notes.detail.emplace_back("cookie=authorization cookie where a cookie was expected");
        return fault(error_code::invalid_cookie);
    }
    call.notes.client_id = p.client_id;
    if (p.server_identity != call.state.identity) {
        call.notes.detail.push_back("cookie=issued by server identity " + p.server_identity);
        return fault(error_code::server_changed);
    }
    if (call.now_ms >= p.expires_ms) {
        call.notes.detail.push_back("cookie=expired at " + protocol::format_date_time_ms(p.expires_ms));
        return fault(error_code::cookie_expired);
    }
    if (has(checks, cookie_check::config) && p.config_last_change != call.state.config_last_change) {
        call.notes.detail.push_back("cookie=issued under configuration " + p.config_last_change);
        return fault(error_code::config_changed);
    }
    if (has(checks, cookie_check::registration) && ctx.scenario().server.registration_required && !p.registered &&
        !ctx.state.is_registered(p.client_id)) {
        return fault(error_code::registration_required);
    }
    ctx.metrics.record_client(p.client_id);
    return p;
}

protocol::cookie issue_cookie(const operation_context& ctx, const soap_call& call, cookie_payload payload) {
    payload.kind = cookie_kind::client;
    stamp(ctx, call, payload);
    payload.registered = payload.registered || ctx.state.is_registered(payload.client_id);
    protocol::cookie c;
    c.expiration = protocol::format_date_time_ms(payload.expires_ms);
    c.encrypted_data = ctx.codec.seal(payload);
    return c;
}

op_outcome get_authorization_cookie(const operation_context& ctx, soap_call& call,
                                    const protocol::get_authorization_cookie_request& r) {
    const std::string client_id = r.client_id.value_or("");
    const std::string dns = r.dns_name.value_or("");
    const std::string source = canonical_log_source(call.op);
    // WSUS answers InternalServerError for a bad clientId or dnsName (docs/protocol-notes.md §4.1,
    // <50>, <51>).
    if (!valid_client_id(client_id)) {
        return app_fault{error_code::internal_server_error, "",
                         {log_line{log_severity::error, source,
                                   "invalid clientId: must be 1-255 characters of a-z, 0-9 and '-'", {}}}};
    }
    if (!valid_dns_name(dns)) {
        return app_fault{error_code::internal_server_error, "",
                         {log_line{log_severity::error, source, "invalid dnsName for client " + client_id, {}}}};
    }
    call.notes.client_id = client_id;
    auto assignment = assign_groups(ctx.scenario(), client_id, dns, r.target_group_name.value_or(""));
    for (auto const& note : assignment.notes) {
        call.extra_log.push_back(log_line{log_severity::warning, source, note + " (client " + client_id + ")", {}});
    }
    std::string groups_text;
    for (auto const& g : assignment.groups) {
        groups_text += (groups_text.empty() ? "" : ";") + g;
    }
    call.notes.detail.push_back("groups=" + groups_text);

    cookie_payload p;
    p.kind = cookie_kind::authorization;
    p.client_id = client_id;
    p.dns_name = dns;
    p.groups = std::move(assignment.groups);
    stamp(ctx, call, p);
    ctx.metrics.record_client(client_id);

    protocol::get_authorization_cookie_response resp;
    resp.result = protocol::authorization_cookie{std::string("SimpleTargeting"), ctx.codec.seal(p)};
    return protocol::response(std::move(resp));
}

op_outcome get_config(const operation_context& ctx, soap_call& call, const protocol::get_config_request& r) {
    if (r.protocol_version && !parse_version(*r.protocol_version)) {
        return fault(error_code::invalid_parameters, "protocolVersion");
    }
    call.notes.detail.push_back("protocolVersion=" + r.protocol_version.value_or("?"));
    protocol::config c;
    c.last_change = call.state.config_last_change;
    c.is_registration_required = ctx.scenario().server.registration_required;
    c.auth_info = std::vector<protocol::auth_plug_in_info>{
        {std::string("SimpleTargeting"), std::string("SimpleAuthWebService/SimpleAuth.asmx"), std::nullopt}};
    std::vector<std::pair<std::string, std::string>> props;
    props.emplace_back("MaxExtendedUpdatesPerRequest", std::to_string(ctx.options.max_extended_updates_per_request));
    // Servers of protocol 3.0 and later send these four; older ones must not
    // (docs/protocol-notes.md §4.2).
    if (version_at_least(ctx.scenario().server.protocol_version, 3, 0)) {
        props.emplace_back("PackageServerShare", "\\\\" + host_of(call.state.base_url) + "\\UpdateServicesPackages");
        props.emplace_back("ProtocolVersion", ctx.scenario().server.protocol_version);
        props.emplace_back("IsInventoryRequired", "0");
        props.emplace_back("ClientReportingLevel", "2");
    }
    c.properties = std::move(props);
    protocol::get_config_response resp;
    resp.result = std::move(c);
    return protocol::response(std::move(resp));
}

op_outcome get_cookie(const operation_context& ctx, soap_call& call, const protocol::get_cookie_request& r) {
    // authCookies: exactly one, ours, current, of the SimpleTargeting plug-in.
    if (!r.auth_cookies || r.auth_cookies->size() != 1) {
        call.notes.detail.push_back("authCookies=" + std::to_string(r.auth_cookies ? r.auth_cookies->size() : 0));
        return fault(error_code::invalid_authorization_cookie);
    }
    const protocol::authorization_cookie& ac = r.auth_cookies->front();
    if (!ac.cookie_data || !protocol::iequals(ac.plug_in_id.value_or(""), "SimpleTargeting")) {
        return fault(error_code::invalid_authorization_cookie);
    }
    auto opened = ctx.codec.open(*ac.cookie_data);
    const cookie_payload* auth = std::get_if<cookie_payload>(&opened);
    if (auth == nullptr || auth->kind != cookie_kind::authorization ||
        auth->server_identity != call.state.identity || call.now_ms >= auth->expires_ms) {
        return fault(error_code::invalid_authorization_cookie);
    }
    call.notes.client_id = auth->client_id;

    cookie_payload p;
    p.client_id = auth->client_id;
    p.dns_name = auth->dns_name;
    p.groups = auth->groups;
    // The old cookie's state (watermark, registration) carries over (docs/protocol-notes.md §4.3).
    if (r.old_cookie && r.old_cookie->encrypted_data && !r.old_cookie->encrypted_data->empty()) {
        auto old = ctx.codec.open(*r.old_cookie->encrypted_data);
        const cookie_payload* o = std::get_if<cookie_payload>(&old);
        if (o == nullptr || o->kind != cookie_kind::client) {
            return fault(error_code::invalid_cookie);
        }
        if (o->server_identity != call.state.identity) {
            return fault(error_code::server_changed);
        }
        if (o->client_id == p.client_id) {
            p.watermark = o->watermark;
            p.registered = o->registered;
        }
    }
    const auto client_change = parse_datetime_ms(r.last_change);
    const auto server_change = parse_datetime_ms(call.state.config_last_change);
    const bool same_config = client_change && server_change ? *client_change == *server_change
                                                            : r.last_change == call.state.config_last_change;
    if (!same_config) {
        call.notes.detail.push_back("lastChange=" + r.last_change);
        return fault(error_code::config_changed);
    }
    if (r.protocol_version && !parse_version(*r.protocol_version)) {
        return fault(error_code::invalid_parameters, "protocolVersion");
    }
    p.protocol_version = r.protocol_version.value_or("");
    ctx.metrics.record_client(p.client_id);
    protocol::get_cookie_response resp;
    resp.result = issue_cookie(ctx, call, std::move(p));
    return protocol::response(std::move(resp));
}

op_outcome register_computer(const operation_context& ctx, soap_call& call,
                             const protocol::register_computer_request& r) {
    auto checked = check_cookie(ctx, call, r.cookie_, cookie_check::config);
    if (auto* f = std::get_if<app_fault>(&checked)) {
        return *f;
    }
    if (!ctx.scenario().server.registration_required) {
        return fault(error_code::registration_not_required);
    }
    if (!r.info) {
        return fault(error_code::invalid_parameters, "computerInfo");
    }
    ctx.metrics.set_registered(ctx.state.register_computer(call.notes.client_id, *r.info));
    call.notes.detail.push_back("dnsName=" + r.info->dns_name.value_or(""));
    return protocol::response(protocol::register_computer_response{});
}

}  // namespace wsuslab::server::detail
