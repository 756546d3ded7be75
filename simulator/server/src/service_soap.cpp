// The SOAP endpoints: parse with the protocol codec, dispatch to the operation, serialize the
// answer, and turn faults into SOAP faults with a fresh ID shared with SoftwareDistribution.log.

#include <cstdio>
#include <string>

#include <wsuslab/protocol/codec.hpp>

#include "service_impl.hpp"
#include "service_time.hpp"
#include "targeting.hpp"

namespace wsuslab::server {
namespace detail {

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

}  // namespace detail

namespace {

constexpr std::string_view soap_content_type = "text/xml; charset=utf-8";

// ASP.NET's ASMX refuses a SOAP 1.1 request without the SOAPAction header before it reads the
// body; we keep its sentence and name the header (docs/limits-and-faults.md).
constexpr std::string_view missing_action_text =
    "Unable to handle request without a valid action parameter. Please supply a valid soap action. "
    "The SOAPAction HTTP header is missing; SOAP 1.1 requires it.";

// The header value as a fault may quote it: surrounding quotes dropped, at most 200 bytes, bytes
// outside printable ASCII written as \xNN.
std::string printable_action(std::string_view action) {
    if (action.size() >= 2 && action.front() == '"' && action.back() == '"') {
        action = action.substr(1, action.size() - 2);
    }
    std::string out;
    for (const char ch : action.substr(0, 200)) {
        const auto c = static_cast<unsigned char>(ch);
        if (c >= 0x20 && c < 0x7F) {
            out += ch;
        } else {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02X", static_cast<unsigned>(c));
            out += buf;
        }
    }
    return action.size() > 200 ? out + "..." : out;
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
                                detail::version_at_least(scenario->server.protocol_version, 3, 2));
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

}  // namespace

http_response wsus_service::impl::fault_response(detail::soap_call& call, const detail::app_fault& fault) {
    const std::string id = random_guid();
    {
        std::lock_guard<std::mutex> lock(mutex);
        fault_ids.push_back(id);
        while (fault_ids.size() > max_kept_fault_ids) {
            fault_ids.pop_front();
        }
    }
    protocol::soap_fault f = protocol::make_fault(fault.code, fault.message, id, call.soap_action);
    f.faultstring = "Fault occurred";
    const std::string actor = call.state.base_url + std::string(call.actor_path);
    f.faultactor = actor;

    // WSUS logged Client=? for the 954960 InternalServerError (docs/history.md §3.4); a later
    // Microsoft sample names the client for a fault raised after reading the cookie
    // (docs/kb954960-lab.md §6.2).
    const bool name_client = fault.code != protocol::error_code::internal_server_error && !call.client_id.empty();
    std::vector<log_line> lines = fault.prelude;
    lines.push_back(log_line{log_severity::warning, "SoapUtilities.CreateException",
                             "ThrowException: actor = " + actor + ", ID=" + id + ", ErrorCode=" +
                                 std::string(protocol::error_code_name(fault.code)) +
                                 ", Message=" + fault.message +
                                 ", Client=" + (name_client ? call.client_id : std::string("?")),
                             {}});
    log.write(lines);
    metrics.record_fault(protocol::error_code_name(fault.code));

    http_response r;
    r.status = options.fault_status;
    r.set_header("Content-Type", std::string(soap_content_type));
    r.body = protocol::serialize_fault(f);
    return r;
}

detail::routed wsus_service::impl::envelope_fault(const detail::soap_call& call, detail::routed out,
                                                  protocol::fault_code code, std::string faultstring,
                                                  std::optional<protocol::error_code> error, std::string message) {
    protocol::soap_fault f;
    f.code = code;
    f.faultstring = std::move(faultstring);
    f.faultactor = call.state.base_url + call.actor_path;
    if (error) {
        f.error = std::string(protocol::error_code_name(*error));
    }
    f.message = std::move(message);
    f.id = random_guid();
    f.method = call.soap_action;
    {
        std::lock_guard<std::mutex> lock(mutex);
        fault_ids.push_back(f.id);
        while (fault_ids.size() > max_kept_fault_ids) {
            fault_ids.pop_front();
        }
    }
    log.write(log_line{log_severity::warning, "SoapUtilities.CreateException",
                       "ThrowException: actor = " + *f.faultactor + ", ID=" + f.id + ", ErrorCode=" +
                           f.error.value_or(std::string(protocol::fault_code_name(code))) +
                           ", Message=" + (f.message.empty() ? f.faultstring : f.message) + ", Client=?",
                       {}});
    metrics.record_fault(f.error.value_or("none"));
    out.response.status = error ? options.fault_status : 500;
    out.response.set_header("Content-Type", std::string(soap_content_type));
    out.response.body = protocol::serialize_fault(f);
    out.detail.push_back("fault=" + f.faultstring);
    return out;
}

detail::routed wsus_service::impl::handle_soap(const http_request& request, std::string_view actor_path,
                                               protocol::service expected) {
    detail::soap_call call{request};
    const auto action = request.header("SOAPAction");
    call.soap_action = std::string(action.value_or(""));
    call.actor_path = std::string(actor_path);
    call.now_ms = now_ms();
    call.state = snapshot();

    // An envelope-level or parameter-level problem: a SOAP fault naming it, nothing else changes.
    detail::routed out;
    auto soap_error = [&](protocol::fault_code code, std::string faultstring,
                          std::optional<protocol::error_code> error, std::string message) {
        return envelope_fault(call, std::move(out), code, std::move(faultstring), error, std::move(message));
    };
    out.metric_label = "Unknown";
    out.log_source = "WebServiceHandler.ProcessRequest";
    if (auto problem = action_problem(action, scenario.get())) {
        return soap_error(protocol::fault_code::client, std::move(*problem), std::nullopt, "");
    }
    const protocol::operation action_op = *protocol::operation_from_action(*action);
    out.metric_label = std::string(protocol::operation_name(action_op));
    out.log_source = detail::canonical_log_source(action_op);

    auto parsed = protocol::parse_request(request.body, action, options.limits);
    if (!parsed) {
        const protocol::parse_error& e = parsed.error();
        return soap_error(e.code(), describe(e), e.application_error(), e.parameter);
    }
    call.op = parsed.value().op;
    out.metric_label = std::string(protocol::operation_name(call.op));
    out.log_source = detail::canonical_log_source(call.op);
    if (protocol::service_of(call.op) != expected) {
        return soap_error(protocol::fault_code::client,
                          "operation " + std::string(protocol::operation_name(call.op)) +
                              " is not offered at " + std::string(actor_path),
                          std::nullopt, "");
    }
    if (!scenario) {
        return soap_error(protocol::fault_code::server, "no scenario loaded; the server only replays",
                          protocol::error_code::internal_server_error, "");
    }

    detail::op_outcome outcome = dispatch(call, parsed.value().body);
    out.client_id = call.client_id;
    out.model = call.model;
    out.detail = call.detail;
    log.write(call.extra_log);
    if (auto* resp = std::get_if<protocol::response>(&outcome)) {
        out.response.status = 200;
        out.response.set_header("Content-Type", std::string(soap_content_type));
        out.response.body = protocol::serialize_response(*resp, parsed.value().version);
        return out;
    }
    if (auto* pf = std::get_if<detail::plain_fault>(&outcome)) {
        return soap_error(pf->code, pf->faultstring, std::nullopt, "");
    }
    const auto& fault = std::get<detail::app_fault>(outcome);
    out.detail.push_back("fault=" + std::string(protocol::error_code_name(fault.code)));
    out.response = fault_response(call, fault);
    return out;
}

detail::op_outcome wsus_service::impl::dispatch(detail::soap_call& call, const protocol::request& request) {
    return std::visit(
        [&](auto const& r) -> detail::op_outcome {
            using T = std::decay_t<decltype(r)>;
            if constexpr (std::is_same_v<T, protocol::get_authorization_cookie_request>) {
                return get_authorization_cookie(call, r);
            } else if constexpr (std::is_same_v<T, protocol::get_config_request>) {
                return get_config(call, r);
            } else if constexpr (std::is_same_v<T, protocol::get_cookie_request>) {
                return get_cookie(call, r);
            } else if constexpr (std::is_same_v<T, protocol::register_computer_request>) {
                return register_computer(call, r);
            } else if constexpr (std::is_same_v<T, protocol::start_category_scan_request>) {
                return start_category_scan(call, r);
            } else if constexpr (std::is_same_v<T, protocol::sync_updates_request>) {
                return sync_updates(call, r);
            } else if constexpr (std::is_same_v<T, protocol::sync_printer_catalog_request>) {
                return sync_printer_catalog(call, r);
            } else if constexpr (std::is_same_v<T, protocol::refresh_cache_request>) {
                return refresh_cache(call, r);
            } else if constexpr (std::is_same_v<T, protocol::get_extended_update_info_request>) {
                return get_extended_update_info(call, r);
            } else if constexpr (std::is_same_v<T, protocol::get_extended_update_info2_request>) {
                return get_extended_update_info2(call, r);
            } else if constexpr (std::is_same_v<T, protocol::get_file_locations_request>) {
                return get_file_locations(call, r);
            } else {
                static_assert(std::is_same_v<T, protocol::report_event_batch_request>);
                return report_event_batch(call, r);
            }
        },
        request);
}

}  // namespace wsuslab::server
