#pragma once
// The HTTP side of the mock WSUS: the one table that maps a request path to what answers it
// (router.cpp), the SOAP endpoint (service_soap.cpp), /Content and /selfupdate (content.cpp) and
// the WSDL documents (wsdl_documents.cpp). wsus_service::handle matches a request once, then
// either replays it or answers it here.

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <variant>

#include <wsuslab/protocol/codec.hpp>
#include <wsuslab/server/http_types.hpp>
#include <wsuslab/server/server_log.hpp>

#include "operation_context.hpp"
#include "service_index.hpp"

namespace wsuslab::server::detail {

/// The ASMX endpoints, as canonically spelled in fault actors and logs.
inline constexpr std::string_view client_asmx = "/ClientWebService/client.asmx";
inline constexpr std::string_view simple_auth_asmx = "/SimpleAuthWebService/SimpleAuth.asmx";
inline constexpr std::string_view reporting_asmx = "/ReportingWebService/ReportingWebService.asmx";
inline constexpr std::string_view reporting_wsdl_asmx = "/ReportingWebService/WebService.asmx";

struct soap_endpoint {
    std::string_view path;   ///< lower case, as matched
    std::string_view actor;  ///< canonical spelling (fault actor, logs)
    protocol::service service;
};

enum class route_kind { soap, content, selfupdate, metrics, healthz, not_found };

/// Where a request goes, decided once from its path (case-insensitive, as IIS matches).
struct route_match {
    route_kind kind = route_kind::not_found;
    const soap_endpoint* endpoint = nullptr;  ///< set for route_kind::soap
    std::string_view path;                    ///< the target without its query, as sent
    std::string_view query;                   ///< after '?', "" when none
};

/// Views into request.target: the request must outlive the match.
route_match match_route(const http_request& request);

/// What the router hands back to handle(): the response and what metrics, log and recorder need.
struct routed {
    http_response response;
    std::string metric_label;  ///< operation name or Content, WSDL, ...
    std::string log_source;    ///< Class.Method of the per-request Info line
    bool record = true;        ///< false for /metrics, /healthz and /selfupdate
    bool quiet = false;        ///< /metrics and /healthz: request line only at verbose
    request_notes notes;       ///< client, model and detail of the answer
};

/// 405 with Allow.
http_response method_not_allowed(std::string allow);

/// POST to a SOAP endpoint with an acceptable Content-Type: SOAPAction check, envelope parse,
/// `dispatch`, and the answer or a SOAP fault with a fresh ID shared with the log. `ops` is null
/// when no scenario is loaded (replay only): every operation is then a server fault.
routed handle_soap(const endpoint_context& ep, const operation_context* ops, const http_request& request,
                   const soap_endpoint& endpoint);

/// A SelfUpdate folder copied from a real WSUS (canonical path; empty = none served).
struct selfupdate_folder {
    std::filesystem::path root;
    bool stand_in = false;  ///< without a root: wuident.cab is the lab's stand-in (service_options)
    mutable std::atomic<bool> hint_logged{false};  ///< the "no folder" hint is logged once
    static constexpr std::uint64_t max_file = std::uint64_t{256} << 20;
};

/// The canonical folder of `dir` (a directory), or why it cannot be served.
std::variant<std::filesystem::path, std::string> selfupdate_root(const std::string& dir);
/// Whether the folder holds wuident.cab at its top (any case), as a copied SelfUpdate tree does.
bool has_wuident(const std::filesystem::path& root);

/// GET/HEAD /Content/...: the file's bytes (ranges too), 404 when the index (null without a
/// scenario) has no such file, 405 for other methods.
http_response handle_content(const scenario_index* index, const http_request& request, std::string_view path);
/// GET/HEAD /selfupdate/...: a file of the SelfUpdate folder (`path` starts with "/selfupdate",
/// any case), or 404/400 naming why not.
http_response handle_selfupdate(const selfupdate_folder& folder, server_log& log, const http_request& request,
                                std::string_view path);
/// <endpoint>?wsdl: the service's WSDL with its locations at `base_url` + `actor_path`.
http_response handle_wsdl(protocol::service s, std::string_view actor_path, const std::string& base_url);

}  // namespace wsuslab::server::detail
