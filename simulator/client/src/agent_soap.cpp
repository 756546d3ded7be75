// SOAP exchanges, the PT failure lines, fault recovery and the handshake (GetConfig,
// GetAuthorizationCookie, GetCookie, RegisterComputer, RefreshCache).
#include <cstdio>
#include <map>
#include <utility>

#include <wsuslab/client/url.hpp>

#include "agent_impl.hpp"

namespace wsuslab::client::detail {
namespace {

std::string op_name(protocol::operation op) { return std::string(protocol::operation_name(op)); }

template <class T>
const T* response_as(const protocol::response& r) {
    return std::get_if<T>(&r);
}

failure protocol_failure(protocol::operation op, std::uint32_t hresult, const std::string& what) {
    return failure{sync_verdict::failed, hresult, op_name(op) + ": " + what, std::nullopt};
}

std::string identity_key(const std::string& update_id, std::int32_t revision_number) {
    std::string k;
    for (char c : update_id) {
        k += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    return k + "/" + std::to_string(revision_number);
}

}  // namespace

agent::agent(const sync_options& options, transport& net, clock& time, client_cache& cache,
             sync_outcome& out, wu_log& log)
    : opt_(options), net_(net), clock_(time), cache_(cache), out_(out), log_(log),
      rng_(options.seed ^ 0x5c7f4f80u) {}

std::string agent::client_url() const { return client_service_url(opt_.server_url); }

std::string agent::auth_url() const {
    std::string const service = cache_.config ? cache_.config->auth_service_url : "";
    return resolve_url(trim_trailing_slash(opt_.server_url), service);
}

std::string agent::target_group() const {
    std::string joined;
    for (auto const& g : opt_.profile.target_groups) {
        joined += (joined.empty() ? "" : ";") + g;
    }
    return joined;
}

outcome_of<protocol::response> agent::soap_once(protocol::operation op, const std::string& url,
                                                const protocol::request& req) {
    exchange ex;
    ex.attempt = attempt_;
    ex.op = op;
    ex.method = "POST";
    ex.url = url;
    ex.soap_action = std::string(protocol::soap_action(op));
    ex.request_body = protocol::serialize_request(req);
    ex.sent_at = clock_.now();
    transport_result tr = net_.post(url, ex.soap_action, ex.request_body);
    clock_.advance(opt_.round_trip_time);
    if (!tr.ok()) {
        ex.error = tr.error();
        if (opt_.keep.exchanges) {
            out_.exchanges.push_back(std::move(ex));
        }
        failure f{sync_verdict::connection_error, tr.error().hresult,
                  op_name(op) + ": " + tr.error().message, std::nullopt};
        log_failure(op, f, 0);
        return f;
    }
    http_reply const& reply = tr.reply();
    if (opt_.keep.exchanges) {
        ex.http_status = reply.status;
        ex.response_body = reply.body;
        out_.exchanges.push_back(std::move(ex));
    }

    int const status = reply.status;
    if (status != 200 && status != 500) {
        failure f = protocol_failure(op, hresult_of_http_status(status),
                                     "HTTP status " + std::to_string(status));
        log_failure(op, f, status);
        return f;
    }
    auto parsed = protocol::parse_response(op, reply.body);
    if (!parsed.ok()) {
        // ATL parses a fault only from a 500 answer; an unreadable 500 is a fault parse error.
        std::uint32_t const code = status == 500 ? hr::soapclient_parsefault : hr::soapclient_parse;
        failure f = protocol_failure(op, code, "cannot parse the response: " +
                                                   parsed.error().description);
        log_failure(op, f, status);
        return f;
    }
    protocol::reply& r = parsed.value();
    if (auto* fault = std::get_if<protocol::soap_fault>(&r)) {
        if (opt_.atl_strict_faults && status != 500) {
            failure f = protocol_failure(
                op, hr::soapclient_parse,
                "a SOAP fault arrived with HTTP " + std::to_string(status) +
                    "; the ATL client looks for faults only in HTTP 500 answers");
            log_failure(op, f, status);
            return f;
        }
        fault_details fd{op, *fault, status, hresult_of_fault(fault->code)};
        std::string what = "SOAP fault " + std::string(protocol::fault_code_name(fault->code));
        if (fault->error) {
            what += " " + *fault->error;
        }
        if (!fault->message.empty()) {
            what += " (" + fault->message + ")";
        }
        failure f{sync_verdict::failed, fd.hresult, op_name(op) + ": " + what, fd};
        log_failure(op, f, status);
        return f;
    }
    if (status == 500) {
        failure f = protocol_failure(op, hr::soapclient_parsefault,
                                     "HTTP 500 without a SOAP fault in the body");
        log_failure(op, f, status);
        return f;
    }
    return std::move(std::get<protocol::response>(r));
}

void agent::log_failure(protocol::operation op, const failure& f, int http_status) {
    std::string const head = "WARNING: " + op_name(op) + " failure, error = " + format_hresult(f.hresult);
    if (f.fault) {
        protocol::soap_fault const& sf = f.fault->fault;
        int const code = soap_error_code(sf.code);
        log_.pt(head + ", soap client error = 7, soap error code = " + std::to_string(code) +
                ", HTTP status code = " + std::to_string(http_status));
        char hex[32];
        std::snprintf(hex, sizeof hex, "0x%06x", static_cast<unsigned>(code));
        log_.pt(std::string("WARNING: SOAP Fault: ") + hex);
        log_.pt("WARNING: faultstring:" + sf.faultstring);
        if (sf.error) {
            auto const known = sf.known_error();
            int const number = known ? protocol::error_code_log_number(*known) : 0;
            log_.pt("WARNING: ErrorCode:" + *sf.error + "(" + std::to_string(number) + ")");
            log_.pt("WARNING: Message:" + (sf.message.empty() ? std::string("(null)") : sf.message));
            log_.pt("WARNING: Method:" + (sf.method.empty() ? std::string("(null)") : sf.method));
            log_.pt("WARNING: ID:" + (sf.id.empty() ? std::string("(null)") : sf.id));
        }
        return;
    }
    log_.pt(head + ", soap client error = " + std::to_string(soap_client_error_of(f.hresult)) +
            ", soap error code = 0, HTTP status code = " + std::to_string(http_status));
    log_.pt("WARNING: " + f.error);
}

std::optional<protocol::error_code> agent::recoverable(const failure& f) {
    if (!f.fault) {
        return std::nullopt;
    }
    auto const code = f.fault->fault.known_error();
    if (!code) {
        return std::nullopt;
    }
    switch (*code) {
        case protocol::error_code::invalid_cookie:
        case protocol::error_code::server_changed:
        case protocol::error_code::config_changed:
        case protocol::error_code::cookie_expired:
        case protocol::error_code::registration_required:
            return code;
        default:
            return std::nullopt;
    }
}

void agent::forget(protocol::error_code code, protocol::operation op) {
    ++recoveries_;
    std::string steps;
    switch (code) {
        case protocol::error_code::invalid_cookie:
        case protocol::error_code::server_changed:
            // The cookie and everything keyed to the old server identity are worthless now
            // (WUA: WU_E_PT_REFRESH_CACHE_REQUIRED).
            cache_.cookie.reset();
            cache_.config.reset();
            pending_old_cookie_.reset();
            cache_.registered = false;
            refresh_needed_ = !cache_.revisions.empty();
            steps = "GetConfig, GetAuthorizationCookie, GetCookie";
            if (refresh_needed_) {
                steps += ", RefreshCache";
            }
            break;
        case protocol::error_code::config_changed:
            if (cache_.cookie) {
                pending_old_cookie_ = cache_.cookie;
            }
            cache_.cookie.reset();
            cache_.config.reset();
            steps = "GetConfig, GetAuthorizationCookie, GetCookie";
            break;
        case protocol::error_code::cookie_expired:
            if (cache_.cookie) {
                pending_old_cookie_ = cache_.cookie;
            }
            if (op == protocol::operation::get_cookie) {
                pending_old_cookie_.reset();  // the server refuses this oldCookie; ask without it
            }
            cache_.cookie.reset();
            steps = "GetAuthorizationCookie, GetCookie with the old cookie";
            break;
        case protocol::error_code::registration_required:
            cache_.registered = false;
            steps = "RegisterComputer";
            break;
        default:
            break;
    }
    log_.pt("WARNING: " + op_name(op) + " answered " + std::string(protocol::error_code_name(code)) +
            "; recovery " + std::to_string(recoveries_) + " of " +
            std::to_string(opt_.max_recoveries) + ": " + steps + ", then retry");
}

failure agent::give_up(const failure& f, protocol::operation op) const {
    failure g = f;
    auto const code = f.fault->fault.known_error();
    if (code == protocol::error_code::invalid_cookie || code == protocol::error_code::server_changed) {
        g.hresult = hr::refresh_cache_required;
    }
    g.error = "gave up after " + std::to_string(opt_.max_recoveries) +
              " fault recoveries: the server still answers " + *f.fault->fault.error + " to " +
              op_name(op);
    return g;
}

outcome_of<protocol::response> agent::call(protocol::operation op, const std::string& url,
                                           const std::function<protocol::request()>& build) {
    for (;;) {
        auto r = soap_once(op, url, build());
        if (r.index() == 0) {
            return r;
        }
        failure const& f = std::get<failure>(r);
        auto const code = recoverable(f);
        if (!code) {
            return r;
        }
        if (recoveries_ >= opt_.max_recoveries) {
            return give_up(f, op);
        }
        forget(*code, op);
        if (auto g = ensure_ready()) {
            return *g;
        }
    }
}

bool agent::cookie_expired() const {
    if (!cache_.cookie) {
        return true;
    }
    auto const exp = parse_iso8601(cache_.cookie->expiration);
    return exp && *exp <= clock_.now();
}

std::optional<failure> agent::ensure_ready() {
    for (;;) {
        auto f = handshake_once();
        if (!f) {
            return std::nullopt;
        }
        auto const code = recoverable(*f);
        if (!code) {
            return f;
        }
        if (recoveries_ >= opt_.max_recoveries) {
            return give_up(*f, f->fault->op);
        }
        forget(*code, f->fault->op);
    }
}

std::optional<failure> agent::handshake_once() {
    if (!cache_.config) {
        if (auto f = get_config()) {
            return f;
        }
    }
    if (cache_.cookie && cookie_expired()) {
        log_.pt("WARNING: Cached cookie has expired or new PID is available");
        pending_old_cookie_ = cache_.cookie;
        cache_.cookie.reset();
    }
    if (!cache_.cookie) {
        if (auto f = get_cookie()) {
            return f;
        }
    }
    if (cache_.config->is_registration_required && !cache_.registered) {
        if (auto f = register_computer()) {
            return f;
        }
    }
    if (refresh_needed_) {
        if (auto f = refresh_cache()) {
            return f;
        }
    }
    return std::nullopt;
}

std::optional<failure> agent::get_config() {
    protocol::get_config_request req;
    req.protocol_version = opt_.protocol_version;
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
    auto const& plugin = c.auth_info->front();
    cfg.auth_plug_in_id = plugin.plug_in_id.value_or("");
    cfg.auth_service_url = plugin.service_url.value_or("");
    if (cfg.auth_service_url.empty()) {
        return protocol_failure(protocol::operation::get_config, hr::no_auth_cookies_created,
                                "AuthPlugInInfo " + cfg.auth_plug_in_id + " has no ServiceUrl");
    }
    if (c.allowed_event_ids) {
        cfg.allowed_event_ids = *c.allowed_event_ids;
    }
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
    cache_.config = cfg;
    return std::nullopt;
}

std::optional<failure> agent::get_cookie() {
    protocol::get_authorization_cookie_request auth;
    auth.client_id = cache_.client_id;
    auth.target_group_name = target_group();
    auth.dns_name = opt_.profile.dns_name;
    log_.pt("Initializing simple targeting cookie, clientId = " + cache_.client_id +
            ", target group = " + target_group() + ", DNS name = " + opt_.profile.dns_name);
    log_.pt("Server URL = " + auth_url());
    auto ar = soap_once(protocol::operation::get_authorization_cookie, auth_url(), auth);
    if (auto* f = std::get_if<failure>(&ar)) {
        return *f;
    }
    auto const* aresp = response_as<protocol::get_authorization_cookie_response>(
        std::get<protocol::response>(ar));
    if (aresp == nullptr || !aresp->result) {
        return protocol_failure(protocol::operation::get_authorization_cookie,
                                hr::no_auth_cookies_created,
                                "the response has no GetAuthorizationCookieResult");
    }
    protocol::get_cookie_request req;
    req.auth_cookies = std::vector<protocol::authorization_cookie>{*aresp->result};
    req.old_cookie = pending_old_cookie_;
    req.last_change = cache_.config->last_change;
    req.current_time = format_iso8601(clock_.now());
    req.protocol_version = opt_.protocol_version;
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

}  // namespace wsuslab::client::detail
