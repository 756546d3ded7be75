// The fault rules (docs/validation-guide.md "Fault rules"): the shape of docs/protocol-notes.md §5.

#include <string>

#include <wsuslab/mitigation/rule_checker.hpp>

#include "rule_checker_detail.hpp"

namespace wsuslab::mitigation::detail {

namespace {

std::string strip_quotes(std::string_view s) {
    if (s.size() >= 2 && s.front() == '"' && s.back() == '"') {
        s = s.substr(1, s.size() - 2);
    }
    return std::string(s);
}

// "fault InternalServerError" or "fault (no ErrorCode)": how every message names the fault.
std::string fault_text(const protocol::soap_fault& f) {
    return f.error && !f.error->empty() ? "fault " + *f.error : std::string("fault (no ErrorCode)");
}

void check_status(const checked_exchange& e, const protocol::soap_fault& f, const rule_options& o,
                  violation_sink& out) {
    if (e.http_status == 500 || (e.http_status == 200 && o.fault_status_200_configured)) {
        return;
    }
    if (e.http_status == 200) {
        out.add("fault-http-status",
                fault_text(f) +
                    " came with HTTP status 200; SOAP 1.1 requires 500 (200 is accepted only when "
                    "the server is configured with the 200 of the advisory's log line)");
        return;
    }
    out.add("fault-http-status", fault_text(f) + " came with HTTP status " +
                                     std::to_string(e.http_status) +
                                     (o.fault_status_200_configured ? "; expected 500 or 200"
                                                                    : "; expected 500"));
}

}  // namespace

void check_fault(const checked_exchange& e, const protocol::soap_fault& f, const rule_options& o,
                 violation_sink& out) {
    check_status(e, f, o, out);
    if (!f.error || f.error->empty()) {
        // Without the MS-WUSP detail there is no ID or Method to check either: one report.
        out.add("fault-error-code-known",
                "the fault (faultcode " + std::string(protocol::fault_code_name(f.code)) +
                    ", faultstring '" + f.faultstring + "') has no detail ErrorCode");
        return;
    }
    auto const known = f.known_error();
    if (!known) {
        out.add("fault-error-code-known",
                "fault ErrorCode '" + *f.error + "' is not an MS-WUSP ErrorCode");
    } else if (f.code != protocol::default_fault_code(*known)) {
        out.add("fault-code-matches-error",
                fault_text(f) + " has faultcode " + std::string(protocol::fault_code_name(f.code)) +
                    "; expected " +
                    std::string(protocol::fault_code_name(protocol::default_fault_code(*known))));
    }
    if (f.id.empty()) {
        out.add("fault-id-guid", fault_text(f) + " has no detail ID");
    } else if (!is_guid(f.id)) {
        out.add("fault-id-guid", fault_text(f) + " has detail ID '" + f.id + "', not a GUID");
    }
    if (f.method.empty()) {
        out.add("fault-method-present", fault_text(f) + " has no detail Method");
        return;
    }
    // WSUS echoes the raw SOAPAction header (quotes included); accept it with or without quotes.
    std::string const called = strip_quotes(e.soap_action.empty()
                                                ? std::string(protocol::soap_action(e.op))
                                                : e.soap_action);
    if (strip_quotes(f.method) != called) {
        out.add("fault-method-present", fault_text(f) + " has detail Method '" + f.method +
                                            "' but the client called '" + called + "'");
    }
}

}  // namespace wsuslab::mitigation::detail
