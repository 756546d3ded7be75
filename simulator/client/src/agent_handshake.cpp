// The handshake operations: GetConfig (with the choice among the advertised authorization
// plug-ins), the authorization cookie (SimpleTargeting: GetAuthorizationCookie; Anonymous: none),
// GetCookie, RegisterComputer, RefreshCache and the modern agent's StartCategoryScan.
#include <map>
#include <utility>

#include <wsuslab/client/url.hpp>

#include "agent_impl.hpp"

namespace wsuslab::client::detail {
namespace {

constexpr std::string_view simple_targeting = "SimpleTargeting";
constexpr std::string_view anonymous = "Anonymous";

template <class T>
const T* response_as(const protocol::response& r) {
    return std::get_if<T>(&r);
}

std::string lower(std::string_view s) {
    std::string out;
    for (char c : s) {
        out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    return out;
}

std::string identity_key(const std::string& update_id, std::int32_t revision_number) {
    return lower(update_id) + "/" + std::to_string(revision_number);
}

bool same_name(std::string_view a, std::string_view b) { return lower(a) == lower(b); }

// "2026-10-04T15:03:36Z": the captured modern agent sends its times without a fraction.
std::string whole_seconds(std::string text) {
    auto const dot = text.find('.');
    auto const zone = text.find('Z', dot == std::string::npos ? 0 : dot);
    if (dot != std::string::npos && zone != std::string::npos) {
        text.erase(dot, zone - dot);
    }
    return text;
}

struct plug_in_choice {
    std::optional<protocol::auth_plug_in_info> chosen;
    std::vector<std::string> ignored;  ///< advertised plug-ins this agent cannot use
};

// SimpleTargeting (with a ServiceUrl) first, as MS-WUSP specifies it, else Anonymous; every other
// plug-in (PidValidator, a SimpleTargeting without a URL, ...) is ignored (docs/client.md §2).
plug_in_choice choose_plug_in(const std::vector<protocol::auth_plug_in_info>& advertised) {
    plug_in_choice c;
    for (auto const& p : advertised) {
        std::string const id = p.plug_in_id.value_or("");
        bool const simple = same_name(id, simple_targeting) && !p.service_url.value_or("").empty();
        if (simple && (!c.chosen || !same_name(*c.chosen->plug_in_id, simple_targeting))) {
            c.chosen = p;
        } else if (same_name(id, anonymous) && !c.chosen) {
            c.chosen = p;
        }
    }
    for (auto const& p : advertised) {
        std::string const id = p.plug_in_id.value_or("");
        bool const is_chosen = c.chosen && id == c.chosen->plug_in_id.value_or("") &&
                               p.service_url.value_or("") == c.chosen->service_url.value_or("");
        if (!is_chosen) {
            bool const simple_no_url = same_name(id, simple_targeting) && p.service_url.value_or("").empty();
            c.ignored.push_back((id.empty() ? std::string("(no PlugInID)") : id) +
                                (simple_no_url ? " (no ServiceUrl)" : ""));
        }
    }
    return c;
}

// MaxExtendedUpdatesPerRequest and ProtocolVersion into `cfg`; the failure when the first is
// missing (0x8024402A) or not a positive integer (0x80244029).
std::optional<failure> read_properties(const protocol::config& c, cached_config& cfg) {
    std::optional<std::string> max_ext;
    if (c.properties) {
        for (auto const& [name, value] : *c.properties) {
            if (name == "MaxExtendedUpdatesPerRequest") {
                max_ext = value;
            } else if (name == "ProtocolVersion") {
                cfg.server_protocol_version = value;
            }
        }
    }
    if (!max_ext) {
        return protocol_failure(protocol::operation::get_config, hr::config_prop_missing,
                                "configuration property MaxExtendedUpdatesPerRequest is missing");
    }
    std::size_t n = 0;
    bool valid = !max_ext->empty() && max_ext->size() <= 6;
    for (char ch : *max_ext) {
        valid = valid && ch >= '0' && ch <= '9';
        n = valid ? n * 10 + static_cast<std::size_t>(ch - '0') : 0;
    }
    if (!valid || n == 0) {
        return protocol_failure(protocol::operation::get_config, hr::invalid_config_prop,
                                "configuration property MaxExtendedUpdatesPerRequest='" + *max_ext +
                                    "' is not a positive integer");
    }
    cfg.max_extended_updates_per_request = n;
    return std::nullopt;
}

}  // namespace

std::optional<failure> agent::get_config() {
    protocol::get_config_request req;
    req.protocol_version = protocol_version();
    auto r = soap_once(protocol::operation::get_config, client_url(), req);
    if (auto* f = std::get_if<failure>(&r)) {
        return *f;
    }
    auto const* resp = response_as<protocol::get_config_response>(std::get<protocol::response>(r));
    if (resp == nullptr || !resp->result) {
        return protocol_failure(protocol::operation::get_config, hr::soapclient_parse,
                                "the response has no GetConfigResult");
    }
    protocol::config const& c = *resp->result;
    cached_config cfg;
    cfg.last_change = c.last_change;
    cfg.is_registration_required = c.is_registration_required;
    if (!c.auth_info || c.auth_info->empty()) {
        return protocol_failure(protocol::operation::get_config, hr::no_auth_plugins_requested,
                                "AuthInfo lists no authorization plug-in");
    }
    plug_in_choice const choice = choose_plug_in(*c.auth_info);
    for (auto const& name : choice.ignored) {
        log_.pt("WARNING: Ignoring authorization plug-in " + name + ": not supported by this agent");
    }
    if (!choice.chosen) {
        std::string names;
        for (auto const& n : choice.ignored) {
            names += (names.empty() ? "" : ", ") + n;
        }
        return protocol_failure(protocol::operation::get_config, hr::no_auth_cookies_created,
                                "AuthInfo offers no authorization plug-in this agent supports "
                                "(SimpleTargeting with a ServiceUrl, or Anonymous): " + names);
    }
    cfg.auth_plug_in_id = choice.chosen->plug_in_id.value_or("");
    cfg.auth_service_url = choice.chosen->service_url.value_or("");
    if (c.allowed_event_ids) {
        cfg.allowed_event_ids = *c.allowed_event_ids;
    }
    if (auto f = read_properties(c, cfg)) {
        return f;
    }
    cache_.config = cfg;
    out_.auth_plug_in = cfg.auth_plug_in_id;
    return std::nullopt;
}

outcome_of<protocol::authorization_cookie> agent::authorize() {
    if (same_name(cache_.config->auth_plug_in_id, anonymous)) {
        // No SimpleAuth service: the one authorization cookie GetCookie requires (MS-WUSP
        // §3.1.5.4) names the plug-in and carries no data (CookieData is optional, §2.2.3.4).
        log_.pt("Initializing anonymous authorization cookie, clientId = " + cache_.client_id);
        return protocol::authorization_cookie{cache_.config->auth_plug_in_id, std::nullopt};
    }
    protocol::get_authorization_cookie_request auth;
    auth.client_id = cache_.client_id;
    // The captured modern agent, which has no target group policy, omits the element.
    if (!modern() || !opt_.profile.target_groups.empty()) {
        auth.target_group_name = target_group();
    }
    auth.dns_name = opt_.profile.dns_name;
    log_.pt("Initializing simple targeting cookie, clientId = " + cache_.client_id +
            ", target group = " + target_group() + ", DNS name = " + opt_.profile.dns_name);
    log_.pt("Server URL = " + auth_url());
    auto ar = soap_once(protocol::operation::get_authorization_cookie, auth_url(), auth);
    if (auto* f = std::get_if<failure>(&ar)) {
        return *f;
    }
    auto const* aresp =
        response_as<protocol::get_authorization_cookie_response>(std::get<protocol::response>(ar));
    if (aresp == nullptr || !aresp->result) {
        return protocol_failure(protocol::operation::get_authorization_cookie, hr::no_auth_cookies_created,
                                "the response has no GetAuthorizationCookieResult");
    }
    return *aresp->result;
}

std::optional<failure> agent::get_cookie() {
    auto auth = authorize();
    if (auto* f = std::get_if<failure>(&auth)) {
        return *f;
    }
    protocol::get_cookie_request req;
    req.auth_cookies = std::vector<protocol::authorization_cookie>{std::get<protocol::authorization_cookie>(auth)};
    req.old_cookie = pending_old_cookie_;
    req.last_change = cache_.config->last_change;
    req.current_time = format_iso8601(clock_.now());
    if (modern()) {
        req.current_time = whole_seconds(req.current_time);
        if (!req.old_cookie) {
            // The captured agent's first GetCookie: an oldCookie holding only Expiration (the
            // current time) (captures fact 5).
            req.old_cookie = protocol::cookie{req.current_time, std::nullopt};
        }
    }
    req.protocol_version = protocol_version();
    auto r = soap_once(protocol::operation::get_cookie, client_url(), req);
    if (auto* f = std::get_if<failure>(&r)) {
        return *f;
    }
    auto const* resp = response_as<protocol::get_cookie_response>(std::get<protocol::response>(r));
    if (resp == nullptr || !resp->result) {
        return protocol_failure(protocol::operation::get_cookie, hr::soapclient_parse,
                                "the response has no GetCookieResult");
    }
    cache_.cookie = *resp->result;
    pending_old_cookie_.reset();
    return std::nullopt;
}

std::optional<failure> agent::register_computer() {
    protocol::register_computer_request req;
    req.cookie_ = cache_.cookie;
    protocol::computer_info info = opt_.profile.computer;
    if (!info.dns_name || info.dns_name->empty()) {
        info.dns_name = opt_.profile.dns_name;  // MUST equal GetAuthorizationCookie dnsName
    }
    req.info = info;
    log_.pt("+ Registering computer " + *info.dns_name + " with the server");
    auto r = soap_once(protocol::operation::register_computer, client_url(), req);
    if (auto* f = std::get_if<failure>(&r)) {
        return *f;
    }
    cache_.registered = true;
    return std::nullopt;
}

std::optional<failure> agent::refresh_cache() {
    protocol::refresh_cache_request req;
    req.cookie_ = cache_.cookie;
    std::vector<protocol::update_identity> ids;
    for (auto const& [id, rev] : cache_.revisions) {
        ids.push_back(protocol::update_identity{rev.update_id, rev.revision_number});
    }
    req.global_ids = ids;
    log_.pt("+ Refreshing the IDs of " + std::to_string(ids.size()) + " cached revisions (RefreshCache)");
    auto r = soap_once(protocol::operation::refresh_cache, client_url(), req);
    if (auto* f = std::get_if<failure>(&r)) {
        return *f;
    }
    auto const* resp = response_as<protocol::refresh_cache_response>(std::get<protocol::response>(r));
    std::map<std::string, protocol::refresh_cache_result> by_identity;
    if (resp != nullptr && resp->result) {
        for (auto const& res : *resp->result) {
            if (res.global_id) {
                by_identity[identity_key(res.global_id->update_id, res.global_id->revision_number)] = res;
            }
        }
    }
    // Revision IDs are per server: re-key every cached revision the server still deploys to us,
    // and drop the rest (the next SyncUpdates sends them again if they become needed).
    std::map<std::int32_t, cached_revision> refreshed;
    for (auto& [id, rev] : cache_.revisions) {
        auto const it = by_identity.find(identity_key(rev.update_id, rev.revision_number));
        if (it == by_identity.end()) {
            continue;
        }
        rev.revision_id = it->second.revision_id;
        rev.is_leaf = it->second.is_leaf;
        if (it->second.deploy) {
            rev.deploy = it->second.deploy;
        }
        refreshed[rev.revision_id] = std::move(rev);
    }
    cache_.revisions = std::move(refreshed);
    refresh_needed_ = false;
    return std::nullopt;
}

std::optional<failure> agent::start_category_scan() {
    filter_categories_.reset();
    if (!modern() || opt_.scan_categories.empty()) {
        return std::nullopt;
    }
    if (!version_at_least(cache_.config->server_protocol_version, 3, 2)) {
        log_.pt("WARNING: Category scan skipped: the server's ProtocolVersion '" +
                cache_.config->server_protocol_version + "' is below 3.2; scanning the full catalog");
        return std::nullopt;
    }
    auto build = [this]() -> protocol::request {
        protocol::start_category_scan_request req;
        std::vector<protocol::category_relationship> wanted;
        for (std::size_t i = 0; i < opt_.scan_categories.size(); ++i) {
            wanted.push_back({static_cast<std::int32_t>(i), opt_.scan_categories[i]});
        }
        req.requested_categories = std::move(wanted);
        return req;
    };
    auto r = call(protocol::operation::start_category_scan, client_url(), build);
    if (auto* f = std::get_if<failure>(&r)) {
        return *f;
    }
    auto const* resp = response_as<protocol::start_category_scan_response>(std::get<protocol::response>(r));
    if (resp != nullptr && resp->requested_category_ids_in_error && !resp->requested_category_ids_in_error->empty()) {
        std::string ids;
        for (auto const& id : *resp->requested_category_ids_in_error) {
            ids += (ids.empty() ? "" : ", ") + id;
        }
        out_.warnings.push_back("StartCategoryScan: the server does not know categories " + ids);
    }
    filter_categories_ = resp != nullptr && resp->preferred_category_ids ? *resp->preferred_category_ids
                                                                         : protocol::string_list{};
    return std::nullopt;
}

}  // namespace wsuslab::client::detail
