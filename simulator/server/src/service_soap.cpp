// The SOAP endpoints: parse with the protocol codec, dispatch to the operation, serialize the
// answer, and turn faults into SOAP faults with a fresh ID shared with SoftwareDistribution.log.

#include <string>
#include <tuple>

#include <wsuslab/protocol/codec.hpp>
#include <wsuslab/protocol/text.hpp>

#include "operations.hpp"
#include "router.hpp"
#include "service_time.hpp"

namespace wsuslab::server::detail {

std::string canonical_log_source(protocol::operation op) {
    switch (protocol::service_of(op)) {
        case protocol::service::simple_auth:
            return "SimpleAuthImplementation." + std::string(protocol::operation_name(op));
        case protocol::service::reporting:
            return "ReportingImplementation." + std::string(protocol::operation_name(op));
        case protocol::service::client: break;
    }
    return "ClientImplementation." + std::string(protocol::operation_name(op));
}

namespace {

constexpr std::string_view soap_content_type = "text/xml; charset=utf-8";

// ASP.NET's ASMX refuses a SOAP 1.1 request without the SOAPAction header before it reads the
// body; we keep its sentence and name the header (docs/limits-and-faults.md).
constexpr std::string_view missing_action_text =
    "Unable to handle request without a valid action parameter. Please supply a valid soap action. "
    "The SOAPAction HTTP header is missing; SOAP 1.1 requires it.";

// The header value as a fault may quote it: surrounding quotes dropped, then protocol::printable.
std::string printable_action(std::string_view action) {
    if (action.size() >= 2 && action.front() == '"' && action.back() == '"') {
        action = action.substr(1, action.size() - 2);
    }
    return protocol::printable(action);
}

// What ASMX checks before reading the body: the SOAPAction is present and names an operation
// this server offers. StartCategoryScan exists only from protocol 3.2, so a 3.0/3.1 server does
// not recognize its action, like any unknown one (docs/limits-and-faults.md).
std::optional<std::string> action_problem(std::optional<std::string_view> action,
                                          const mitigation::scenario* scenario) {
    if (!action) {
        return std::string(missing_action_text);
    }
    const auto op = protocol::operation_from_action(*action);
    const bool offered = op && (*op != protocol::operation::start_category_scan || scenario == nullptr ||
                                version_at_least(scenario->server.protocol_version, 3, 2));
    if (offered) {
        return std::nullopt;
    }
    return "Server did not recognize the value of HTTP Header SOAPAction: " + printable_action(*action) + ".";
}

std::string describe(const protocol::parse_error& e) {
    std::string text = e.description;
    if (e.offset != 0 && text.find("byte") == std::string::npos) {
        text += " (at byte " + std::to_string(e.offset) + ")";
    }
    return text;
}

template <class Request>
using handler = op_outcome (*)(const operation_context&, soap_call&, const Request&);

// Every operation's handler, found by its request type: a request type without a handler, or
// with two, does not compile.
constexpr auto handlers = std::make_tuple(
    &get_authorization_cookie, &get_config, &get_cookie, &register_computer, &start_category_scan, &sync_updates,
    &sync_printer_catalog, &refresh_cache, &get_extended_update_info, &get_extended_update_info2,
    &get_file_locations, &report_event_batch);

// The ThrowException line (after `prelude`) of a fault, its ID kept and the fault counted.
struct fault_record {
    std::string actor;
    std::string id;
    std::string error;  ///< ErrorCode in the log line
    std::string message;
    std::string client = "?";
    std::string metric;  ///< the fault metric's label
    std::vector<log_line> prelude;
};

void record_fault(const endpoint_context& ep, fault_record r) {
    ep.state.add_fault_id(r.id);
    r.prelude.push_back(log_line{log_severity::warning, "SoapUtilities.CreateException",
                                 "ThrowException: actor = " + r.actor + ", ID=" + r.id + ", ErrorCode=" + r.error +
                                     ", Message=" + r.message + ", Client=" + r.client,
                                 {}});
    ep.log.write(r.prelude);
    ep.metrics.record_fault(r.metric);
}

http_response fault_http(int status, const protocol::soap_fault& f) {
    http_response r;
    r.status = status;
    r.set_header("Content-Type", std::string(soap_content_type));
    r.body = protocol::serialize_fault(f);
    return r;
}

// An MS-WUSP application fault decided by an operation, with the configured fault status.
http_response app_fault_response(const endpoint_context& ep, const soap_call& call, const app_fault& fault) {
    protocol::soap_fault f = protocol::make_fault(fault.code, fault.message, random_guid(), call.soap_action);
    f.faultstring = "Fault occurred";
    f.faultactor = call.state.base_url + call.actor_path;
    // WSUS logged Client=? for the 954960 InternalServerError (docs/history.md §3.4); a later
    // Microsoft sample names the client for a fault raised after reading the cookie
    // (docs/kb954960-lab.md §6.2).
    const bool name_client =
        fault.code != protocol::error_code::internal_server_error && !call.notes.client_id.empty();
    const std::string error(protocol::error_code_name(fault.code));
    record_fault(ep, fault_record{*f.faultactor, f.id, error, fault.message,
                                  name_client ? call.notes.client_id : std::string("?"), error, fault.prelude});
    return fault_http(ep.options.fault_status, f);
}

// An envelope-level or parameter-level problem: a SOAP fault naming it, without MS-WUSP detail
// unless `error` is set (HTTP 500, or the fault status with `error`); nothing else changes.
struct envelope_problem {
    protocol::fault_code code = protocol::fault_code::client;
    std::string faultstring;
    std::optional<protocol::error_code> error;
    std::string message;
};

routed envelope_fault(const endpoint_context& ep, const soap_call& call, routed out, envelope_problem p) {
    protocol::soap_fault f;
    f.code = p.code;
    f.faultstring = std::move(p.faultstring);
    f.faultactor = call.state.base_url + call.actor_path;
    if (p.error) {
        f.error = std::string(protocol::error_code_name(*p.error));
    }
    f.message = std::move(p.message);
    f.id = random_guid();
    f.method = call.soap_action;
    const std::string error = f.error.value_or(std::string(protocol::fault_code_name(p.code)));
    record_fault(ep, fault_record{*f.faultactor, f.id, error, f.message.empty() ? f.faultstring : f.message, "?",
                                  f.error.value_or("none"), {}});
    out.response = fault_http(p.error ? ep.options.fault_status : 500, f);
    out.notes.detail.push_back("fault=" + f.faultstring);
    return out;
}

// The answer of an operation's outcome: the response in the request's SOAP version, or its fault.
routed answer(const endpoint_context& ep, const soap_call& call, routed out, op_outcome outcome,
              protocol::soap_version version) {
    out.notes = call.notes;
    if (auto* resp = std::get_if<protocol::response>(&outcome)) {
        out.response.status = 200;
        out.response.set_header("Content-Type", std::string(soap_content_type));
        out.response.body = protocol::serialize_response(*resp, version);
        return out;
    }
    if (auto* pf = std::get_if<plain_fault>(&outcome)) {
        return envelope_fault(ep, call, std::move(out), {pf->code, pf->faultstring, std::nullopt, ""});
    }
    const auto& fault = std::get<app_fault>(outcome);
    out.notes.detail.push_back("fault=" + std::string(protocol::error_code_name(fault.code)));
    out.response = app_fault_response(ep, call, fault);
    return out;
}

}  // namespace

op_outcome dispatch(const operation_context& ctx, soap_call& call, const protocol::request& request) {
    return std::visit(
        [&](auto const& r) -> op_outcome {
            using request_type = std::decay_t<decltype(r)>;
            return std::get<handler<request_type>>(handlers)(ctx, call, r);
        },
        request);
}

routed handle_soap(const endpoint_context& ep, const operation_context* ops, const http_request& request,
                   const soap_endpoint& endpoint) {
    soap_call call;
    const auto action = request.header("SOAPAction");
    call.soap_action = std::string(action.value_or(""));
    call.actor_path = std::string(endpoint.actor);
    call.now_ms = to_unix_ms(ep.options.clock());
    call.state = ep.state.snapshot();

    routed out;
    out.metric_label = "Unknown";
    out.log_source = "WebServiceHandler.ProcessRequest";
    if (auto problem = action_problem(action, ops ? &ops->scenario() : nullptr)) {
        return envelope_fault(ep, call, std::move(out), {protocol::fault_code::client, std::move(*problem), {}, ""});
    }
    const protocol::operation action_op = *protocol::operation_from_action(*action);
    out.metric_label = std::string(protocol::operation_name(action_op));
    out.log_source = canonical_log_source(action_op);

    auto parsed = protocol::parse_request(request.body, action, ep.options.limits);
    if (!parsed) {
        const protocol::parse_error& e = parsed.error();
        return envelope_fault(ep, call, std::move(out), {e.code(), describe(e), e.application_error(), e.parameter});
    }
    call.op = parsed.value().op;
    out.metric_label = std::string(protocol::operation_name(call.op));
    out.log_source = canonical_log_source(call.op);
    if (protocol::service_of(call.op) != endpoint.service) {
        return envelope_fault(ep, call, std::move(out),
                              {protocol::fault_code::client,
                               "operation " + std::string(protocol::operation_name(call.op)) +
                                   " is not offered at " + std::string(endpoint.actor),
                               {}, ""});
    }
    if (ops == nullptr) {
        return envelope_fault(ep, call, std::move(out),
                              {protocol::fault_code::server, "no scenario loaded; the server only replays",
                               protocol::error_code::internal_server_error, ""});
    }
    op_outcome outcome = dispatch(*ops, call, parsed.value().body);
    ep.log.write(call.extra_log);
    return answer(ep, call, std::move(out), std::move(outcome), parsed.value().version);
}

}  // namespace wsuslab::server::detail
