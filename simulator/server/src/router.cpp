// HTTP-level routing of the mock WSUS: the one table of paths (matched case-insensitively, as IIS
// does), then per kind the method and Content-Type checks and the handler: the SOAP endpoints,
// /Content, /selfupdate, WSDL, /metrics and /healthz.

#include "router.hpp"

#include <string>
#include <string_view>

#include <wsuslab/protocol/text.hpp>
#include <wsuslab/server/service_routes.hpp>

#include "plain_response.hpp"
#include "service_impl.hpp"

namespace wsuslab::server {
namespace detail {
namespace {

using protocol::iequals;
using protocol::lower_copy;
using protocol::trim;

constexpr soap_endpoint soap_endpoints[] = {
    {"/clientwebservice/client.asmx", client_asmx, protocol::service::client},
    {"/simpleauthwebservice/simpleauth.asmx", simple_auth_asmx, protocol::service::simple_auth},
    {"/reportingwebservice/reportingwebservice.asmx", reporting_asmx, protocol::service::reporting},
    {"/reportingwebservice/webservice.asmx", reporting_wsdl_asmx, protocol::service::reporting},
};

// The other paths; one ending in '/' matches every path below it.
struct path_rule {
    std::string_view path;
    route_kind kind;
};
constexpr path_rule path_rules[] = {
    {"/content/", route_kind::content},
    {"/selfupdate", route_kind::selfupdate},
    {"/selfupdate/", route_kind::selfupdate},
    {"/metrics", route_kind::metrics},
    {"/healthz", route_kind::healthz},
};

// SOAP 1.1 as ASMX takes it: text/xml, and when a charset is given it is UTF-8.
bool acceptable_content_type(std::string_view ct) {
    const auto semi = ct.find(';');
    if (!iequals(trim(ct.substr(0, semi)), "text/xml")) {
        return false;
    }
    std::string_view params = semi == std::string_view::npos ? std::string_view{} : ct.substr(semi + 1);
    while (!params.empty()) {
        const auto next = params.find(';');
        const std::string_view param = trim(params.substr(0, next));
        params = next == std::string_view::npos ? std::string_view{} : params.substr(next + 1);
        const auto eq = param.find('=');
        if (eq == std::string_view::npos || !iequals(trim(param.substr(0, eq)), "charset")) {
            continue;
        }
        std::string_view value = trim(param.substr(eq + 1));
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
            value = value.substr(1, value.size() - 2);
        }
        if (!iequals(value, "utf-8")) {
            return false;
        }
    }
    return true;
}

}  // namespace

route_match match_route(const http_request& request) {
    const std::string_view target = request.target;
    const auto q = target.find('?');
    route_match m;
    m.path = target.substr(0, q);
    m.query = q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
    const std::string lower = lower_copy(m.path);
    for (auto const& ep : soap_endpoints) {
        if (lower == ep.path) {
            m.kind = route_kind::soap;
            m.endpoint = &ep;
            return m;
        }
    }
    for (auto const& rule : path_rules) {
        const bool under = rule.path.back() == '/';
        if (under ? lower.rfind(rule.path, 0) == 0 : lower == rule.path) {
            m.kind = rule.kind;
            return m;
        }
    }
    return m;
}

http_response method_not_allowed(std::string allow) {
    http_response r = plain_text_response(405, "The HTTP verb used to access this page is not allowed.\n");
    r.set_header("Allow", std::move(allow));
    return r;
}

}  // namespace detail

bool is_metrics_get(const http_request& request) {
    return request.method == "GET" && detail::match_route(request).kind == detail::route_kind::metrics;
}

namespace {

bool is_get_or_head(const http_request& r) { return r.method == "GET" || r.method == "HEAD"; }

detail::routed labelled(http_response response, std::string metric_label, std::string log_source) {
    detail::routed out;
    out.response = std::move(response);
    out.metric_label = std::move(metric_label);
    out.log_source = std::move(log_source);
    return out;
}

}  // namespace

detail::routed wsus_service::impl::route_soap(const detail::route_match& m, const http_request& request) {
    const detail::soap_endpoint& ep = *m.endpoint;
    const bool wsdl_query = protocol::iequals(m.query, "wsdl");
    if (wsdl_query && is_get_or_head(request)) {
        detail::routed out = labelled(detail::handle_wsdl(ep.service, ep.actor, state.snapshot().base_url), "WSDL",
                                      "WebServiceHandler.GetWsdl");
        out.response.head_only = request.method == "HEAD";
        return out;
    }
    if (request.method != "POST") {
        return labelled(detail::method_not_allowed(wsdl_query ? "GET, HEAD, POST" : "POST"), "MethodNotAllowed",
                        "WebServiceHandler.ProcessRequest");
    }
    const auto ct = request.header("Content-Type");
    if (!ct || !detail::acceptable_content_type(*ct)) {
        // WCF's wording (docs/limits-and-faults.md §2.1); the server never echoes the body.
        return labelled(detail::plain_text_response(415, "Cannot process the message because the content type '" +
                                                             std::string(ct.value_or("")) +
                                                             "' was not the expected type 'text/xml; charset=utf-8'."),
                        "UnsupportedMediaType", "WebServiceHandler.ProcessRequest");
    }
    const std::optional<detail::operation_context> ops = operations();
    return detail::handle_soap(endpoint(), ops ? &*ops : nullptr, request, ep);
}

detail::routed wsus_service::impl::route_monitoring(const detail::route_match& m, const http_request& request) {
    const bool is_metrics = m.kind == detail::route_kind::metrics;
    detail::routed out;
    out.record = false;
    out.quiet = true;
    out.metric_label = is_metrics ? "Metrics" : "Healthz";
    out.log_source = "WebServiceHandler." + out.metric_label;
    if (!is_get_or_head(request)) {
        out.response = detail::method_not_allowed("GET, HEAD");
        return out;
    }
    if (is_metrics) {
        out.response.set_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        out.response.body = metrics.text();
    } else {
        out.response = detail::plain_text_response(200, "ok\n");
    }
    out.response.head_only = request.method == "HEAD";
    return out;
}

detail::routed wsus_service::impl::route(const detail::route_match& m, const http_request& request) {
    switch (m.kind) {
        case detail::route_kind::soap: return route_soap(m, request);
        case detail::route_kind::content:
            return labelled(detail::handle_content(data ? &data->index : nullptr, request, m.path), "Content",
                            "ContentHandler.ProcessRequest");
        case detail::route_kind::selfupdate: {
            detail::routed out = labelled(detail::handle_selfupdate(selfupdate, log, request, m.path), "SelfUpdate",
                                          "SelfUpdateHandler.ProcessRequest");
            // Microsoft's signed binaries stay out of recordings.
            out.record = false;
            return out;
        }
        case detail::route_kind::metrics:
        case detail::route_kind::healthz: return route_monitoring(m, request);
        case detail::route_kind::not_found: break;
    }
    return labelled(detail::plain_text_response(404, "The resource cannot be found.\n"), "NotFound",
                    "WebServiceHandler.ProcessRequest");
}

}  // namespace wsuslab::server
