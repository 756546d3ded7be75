// HTTP-level routing of the mock WSUS: paths matched case-insensitively (as IIS does), method
// and Content-Type checks, then the SOAP endpoints, /Content, /selfupdate, WSDL, /metrics and
// /healthz.

#include <string>
#include <string_view>

#include "service_impl.hpp"
#include "targeting.hpp"
#include "plain_response.hpp"

namespace wsuslab::server {
namespace {

http_response method_not_allowed(std::string allow) {
    http_response r = detail::plain_text_response(405, "The HTTP verb used to access this page is not allowed.\n");
    r.set_header("Allow", std::move(allow));
    return r;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

// SOAP 1.1 as ASMX takes it: text/xml, and when a charset is given it is UTF-8.
bool acceptable_content_type(std::string_view ct) {
    const auto semi = ct.find(';');
    if (!detail::ci_equal(trim(ct.substr(0, semi)), "text/xml")) {
        return false;
    }
    std::string_view params = semi == std::string_view::npos ? std::string_view{} : ct.substr(semi + 1);
    while (!params.empty()) {
        const auto next = params.find(';');
        const std::string_view param = trim(params.substr(0, next));
        params = next == std::string_view::npos ? std::string_view{} : params.substr(next + 1);
        const auto eq = param.find('=');
        if (eq == std::string_view::npos || !detail::ci_equal(trim(param.substr(0, eq)), "charset")) {
            continue;
        }
        std::string_view value = trim(param.substr(eq + 1));
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
            value = value.substr(1, value.size() - 2);
        }
        if (!detail::ci_equal(value, "utf-8")) {
            return false;
        }
    }
    return true;
}

bool is_get_or_head(const http_request& r) { return r.method == "GET" || r.method == "HEAD"; }

}  // namespace

detail::routed wsus_service::impl::route(const http_request& request) {
    const std::string_view target = request.target;
    const auto q = target.find('?');
    const std::string_view path = target.substr(0, q);
    const std::string_view query = q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
    const std::string lower = detail::lower_copy(path);

    struct endpoint {
        std::string_view path;
        std::string_view actor;
        protocol::service service;
    };
    static constexpr endpoint endpoints[] = {
        {"/clientwebservice/client.asmx", detail::client_asmx, protocol::service::client},
        {"/simpleauthwebservice/simpleauth.asmx", detail::simple_auth_asmx, protocol::service::simple_auth},
        {"/reportingwebservice/reportingwebservice.asmx", detail::reporting_asmx, protocol::service::reporting},
        {"/reportingwebservice/webservice.asmx", detail::reporting_wsdl_asmx, protocol::service::reporting},
    };
    for (auto const& ep : endpoints) {
        if (lower != ep.path) {
            continue;
        }
        const bool wsdl_query = detail::ci_equal(query, "wsdl");
        if (wsdl_query && is_get_or_head(request)) {
            detail::routed out;
            out.response = handle_wsdl(ep.service, ep.actor);
            out.response.head_only = request.method == "HEAD";
            out.metric_label = "WSDL";
            out.log_source = "WebServiceHandler.GetWsdl";
            return out;
        }
        if (request.method != "POST") {
            detail::routed out;
            out.response = method_not_allowed(wsdl_query ? "GET, HEAD, POST" : "POST");
            out.metric_label = "MethodNotAllowed";
            out.log_source = "WebServiceHandler.ProcessRequest";
            return out;
        }
        const auto ct = request.header("Content-Type");
        if (!ct || !acceptable_content_type(*ct)) {
            detail::routed out;
            // WCF's wording (docs/limits-and-faults.md §2.1); the server never echoes the body.
            out.response = detail::plain_text_response(415, "Cannot process the message because the content type '" +
                                          std::string(ct.value_or("")) +
                                          "' was not the expected type 'text/xml; charset=utf-8'.");
            out.metric_label = "UnsupportedMediaType";
            out.log_source = "WebServiceHandler.ProcessRequest";
            return out;
        }
        return handle_soap(request, ep.actor, ep.service);
    }

    detail::routed out;
    if (lower.rfind("/content/", 0) == 0) {
        out.response = handle_content(request, path);
        out.metric_label = "Content";
        out.log_source = "ContentHandler.ProcessRequest";
        return out;
    }
    if (lower == "/selfupdate" || lower.rfind("/selfupdate/", 0) == 0) {
        out.response = handle_selfupdate(request, path);
        // Microsoft's signed binaries stay out of recordings.
        out.record = false;
        out.metric_label = "SelfUpdate";
        out.log_source = "SelfUpdateHandler.ProcessRequest";
        return out;
    }
    if (lower == "/metrics" || lower == "/healthz") {
        out.record = false;
        out.quiet = true;
        out.metric_label = lower == "/metrics" ? "Metrics" : "Healthz";
        out.log_source = "WebServiceHandler." + out.metric_label;
        if (!is_get_or_head(request)) {
            out.response = method_not_allowed("GET, HEAD");
            return out;
        }
        if (lower == "/metrics") {
            out.response.set_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            out.response.body = metrics.text();
        } else {
            out.response = detail::plain_text_response(200, "ok\n");
        }
        out.response.head_only = request.method == "HEAD";
        return out;
    }
    out.response = detail::plain_text_response(404, "The resource cannot be found.\n");
    out.metric_label = "NotFound";
    out.log_source = "WebServiceHandler.ProcessRequest";
    return out;
}

}  // namespace wsuslab::server
