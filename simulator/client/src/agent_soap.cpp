// SOAP exchanges (with the agent's headers and the xpress decoding), the PT failure lines, fault
// recovery and the handshake sequence; the handshake operations are in agent_handshake.cpp.
#include <cstdio>
#include <map>
#include <utility>

#include <wsuslab/client/url.hpp>
#include <wsuslab/client/xpress.hpp>

#include "agent_impl.hpp"

namespace wsuslab::client::detail {
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

namespace {

// The body as the agent reads it into `ex` (decoded when the answer is xpress-encoded); the
// problem when it cannot be read.
std::optional<std::string> decode_answer(const http_reply& reply, exchange& ex) {
    ex.content_encoding = std::string(reply.header("Content-Encoding").value_or(""));
    if (ex.content_encoding.empty() || ex.content_encoding == "identity") {
        ex.response_body = reply.body;
        return std::nullopt;
    }
    if (ex.content_encoding != "xpress") {
        return "the answer has Content-Encoding '" + ex.content_encoding + "', which the agent did not ask for";
    }
    auto decoded = xpress_decode(reply.body);
    if (auto* text = std::get_if<std::string>(&decoded)) {
        ex.response_body = std::move(*text);
        return std::nullopt;
    }
    return "cannot decode the xpress body: " + std::get<xpress_error>(decoded).problem;
}

}  // namespace

exchange agent::soap_exchange(protocol::operation op, const std::string& url,
                              const protocol::request& req) const {
    exchange ex;
    ex.attempt = attempt_;
    ex.op = op;
    ex.method = "POST";
    ex.url = url;
    ex.soap_action = std::string(protocol::soap_action(op));
    ex.request_body = wire_body(req);
    ex.request_headers = wire_headers();
    ex.sent_at = clock_.now();
    return ex;
}

failure agent::fault_failure(protocol::operation op, const protocol::soap_fault& fault, int status) const {
    if (opt_.atl_strict_faults && status != 500) {
        return protocol_failure(op, hr::soapclient_parse,
                                "a SOAP fault arrived with HTTP " + std::to_string(status) +
                                    "; the ATL client looks for faults only in HTTP 500 answers");
    }
    fault_details fd{op, fault, status, fault_hresult(fault.code)};
    std::string what = "SOAP fault " + std::string(protocol::fault_code_name(fault.code));
    if (fault.error) {
        what += " " + *fault.error;
    }
    if (!fault.message.empty()) {
        what += " (" + fault.message + ")";
    }
    return failure{sync_verdict::failed, fd.hresult, op_name(op) + ": " + what, fd};
}

outcome_of<protocol::response> agent::read_answer(protocol::operation op, int status,
                                                  const std::string& body) const {
    if (status != 200 && status != 500) {
        return protocol_failure(op, hresult_of_http_status(status), "HTTP status " + std::to_string(status));
    }
    auto parsed = protocol::parse_response(op, body);
    if (!parsed.ok()) {
        // ATL parses a fault only from a 500 answer; an unreadable 500 is a fault parse error.
        std::uint32_t const code = status == 500 ? hr::soapclient_parsefault : hr::soapclient_parse;
        return protocol_failure(op, code, "cannot parse the response: " + parsed.error().description);
    }
    protocol::reply& r = parsed.value();
    if (auto* fault = std::get_if<protocol::soap_fault>(&r)) {
        return fault_failure(op, *fault, status);
    }
    if (status == 500) {
        return protocol_failure(op, hr::soapclient_parsefault, "HTTP 500 without a SOAP fault in the body");
    }
    return std::move(std::get<protocol::response>(r));
}

outcome_of<protocol::response> agent::soap_once(protocol::operation op, const std::string& url,
                                                const protocol::request& req) {
    exchange ex = soap_exchange(op, url, req);
    transport_result tr = ex.request_headers.empty()
                              ? net_.post(url, ex.soap_action, ex.request_body)
                              : net_.post_with_headers(url, ex.soap_action, ex.request_body, ex.request_headers);
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
    ex.http_status = reply.status;
    std::optional<std::string> const decode_problem = decode_answer(reply, ex);
    if (opt_.keep.exchanges) {
        out_.exchanges.push_back(ex);
    }
    outcome_of<protocol::response> answer =
        decode_problem ? outcome_of<protocol::response>(protocol_failure(op, hr::soapclient_parse, *decode_problem))
                       : read_answer(op, reply.status, ex.response_body);
    if (auto const* f = std::get_if<failure>(&answer)) {
        log_failure(op, *f, reply.status);
    }
    return answer;
}

void agent::log_modern_fault(const protocol::soap_fault& sf) {
    std::uint32_t const tid = log_.ids().agent_tid;
    auto ws = [&](const std::string& text) { log_.write(tid, "WS", text); };
    std::string const code(protocol::fault_code_name(sf.code));
    ws("WARNING: Nws Failure: errorCode=0x803d0013");
    ws("WARNING: The body of the received message contained a fault.");
    ws("WARNING: Soap fault info:");
    ws("WARNING: reason: " + sf.faultstring);
    ws("WARNING: code: " + code);
    if (sf.error) {
        ws("WARNING: detail: <detail><ErrorCode>" + *sf.error + "</ErrorCode><Message>" + sf.message +
           "</Message><ID>" + sf.id + "</ID><Method>" + sf.method + "</Method></detail>");
        ws("WARNING: Soap fault detail: errorCode='" + *sf.error + "', message='" + sf.message + "', id='" +
           sf.id + "', method='" + sf.method + "'");
    }
    ws("FATAL: OnCallFailure failed with hr=0X" + format_hresult(fault_hresult(sf.code)).substr(2));
}

void agent::log_failure(protocol::operation op, const failure& f, int http_status) {
    if (f.fault && modern()) {
        log_modern_fault(f.fault->fault);
        return;
    }
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

}  // namespace wsuslab::client::detail
