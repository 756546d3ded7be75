#pragma once
// The private state of wsus_service and the seams between its translation units: the router
// (HTTP level), the SOAP endpoint (parse, dispatch, faults, log) and the operation handlers.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <wsuslab/mitigation/catalog.hpp>
#include <wsuslab/mitigation/get_sync_info.hpp>
#include <wsuslab/mitigation/scenario.hpp>
#include <wsuslab/protocol/codec.hpp>
#include <wsuslab/protocol/messages.hpp>
#include <wsuslab/server/cookie_codec.hpp>
#include <wsuslab/server/exchange_store.hpp>
#include <wsuslab/server/metrics.hpp>
#include <wsuslab/server/server_log.hpp>
#include <wsuslab/server/service.hpp>

#include "service_index.hpp"

namespace wsuslab::server {

namespace detail {

/// The ASMX endpoints, as canonically spelled in fault actors and logs.
inline constexpr std::string_view client_asmx = "/ClientWebService/client.asmx";
inline constexpr std::string_view simple_auth_asmx = "/SimpleAuthWebService/SimpleAuth.asmx";
inline constexpr std::string_view reporting_asmx = "/ReportingWebService/ReportingWebService.asmx";
inline constexpr std::string_view reporting_wsdl_asmx = "/ReportingWebService/WebService.asmx";

/// An MS-WUSP application fault decided by an operation. `prelude` lines (the .NET exception of
/// the 954960 failure) are written right before the ThrowException line, in the same block.
struct app_fault {
    protocol::error_code code;
    std::string message;
    std::vector<log_line> prelude;
};

/// A SOAP fault without MS-WUSP detail (an operation the server's protocol version lacks).
struct plain_fault {
    protocol::fault_code code = protocol::fault_code::client;
    std::string faultstring;
};

using op_outcome = std::variant<protocol::response, app_fault, plain_fault>;

/// The mutable server state, copied out under the lock for one request.
struct state_snapshot {
    std::string identity;
    std::string config_last_change;
    std::string base_url;
};

/// What one SOAP request carries through the handlers.
struct soap_call {
    explicit soap_call(const http_request& request) : http(request) {}
    const http_request& http;
    std::string soap_action;  ///< raw header, quotes kept ("" when absent)
    std::string actor_path;   ///< canonical endpoint path (fault actor, logs)
    protocol::operation op = protocol::operation::get_config;
    std::int64_t now_ms = 0;
    state_snapshot state;  ///< identity, configuration and base URL as of the request's start
    // Filled by the handlers, read by the log and the recorder.
    std::string client_id;
    std::string model;  ///< GetSyncInfo model that answered, "" if none
    std::vector<log_line> extra_log;  ///< Warning lines (resolved duplicates, targeting notes)
    std::vector<std::string> detail;  ///< verbose-level facts, "key=value"
};

std::string canonical_log_source(protocol::operation op);  // "ClientImplementation.SyncUpdates"

/// What the router hands back to handle(): the response and what metrics and recorder need.
struct routed {
    http_response response;
    std::string metric_label;  ///< operation name or Content, WSDL, ...
    std::string model;         ///< GetSyncInfo model that answered, "" if none
    bool record = true;        ///< false for /metrics, /healthz and /selfupdate
    bool quiet = false;        ///< /metrics and /healthz: request line only at verbose
    std::string log_source;    ///< Class.Method of the per-request Info line
    std::string client_id;     ///< "" when unknown
    std::vector<std::string> detail;  ///< verbose-level facts
};

}  // namespace detail

struct wsus_service::impl {
    service_options options;
    std::shared_ptr<const mitigation::scenario> scenario;  // null only in replay-only mode
    std::unique_ptr<mitigation::catalog> catalog;
    std::unique_ptr<detail::scenario_index> index;
    std::unique_ptr<mitigation::get_sync_info_model> legacy_model;
    std::unique_ptr<mitigation::get_sync_info_model> fixed_model;
    mitigation::model_kind default_model = mitigation::model_kind::legacy;
    cookie_codec codec;
    server_log log;
    metrics_registry metrics;
    std::shared_ptr<exchange_recorder> recorder;
    std::shared_ptr<exchange_replayer> replayer;

    std::filesystem::path selfupdate_root;  // canonical; empty = no SelfUpdate folder served
    std::atomic<bool> selfupdate_hint_logged{false};
    static constexpr std::uint64_t max_selfupdate_file = std::uint64_t{256} << 20;

    mutable std::mutex mutex;  // guards everything below
    std::string identity;
    std::int64_t config_ms = 0;
    std::string config_text;
    std::string base_url;
    std::map<std::string, protocol::computer_info> registered;
    std::deque<protocol::reporting_event> events;  // the most recent max_kept_events
    std::size_t events_total = 0;
    std::deque<std::string> fault_ids;

    static constexpr std::size_t max_kept_events = 100000;
    static constexpr std::size_t max_kept_fault_ids = 1000;

    impl(service_options o, cookie_codec c);

    std::int64_t now_ms() const;
    detail::state_snapshot snapshot() const;
    bool is_registered(const std::string& client_id) const;

    // router.cpp
    detail::routed route(const http_request& request);
    // service_soap.cpp
    detail::routed handle_soap(const http_request& request, std::string_view actor_path,
                               protocol::service expected);
    http_response fault_response(detail::soap_call& call, const detail::app_fault& fault);
    /// A SOAP fault without MS-WUSP detail unless `error` is set (HTTP 500, or fault_status with
    /// `error`), logged as ThrowException and counted.
    detail::routed envelope_fault(const detail::soap_call& call, detail::routed out, protocol::fault_code code,
                                  std::string faultstring, std::optional<protocol::error_code> error,
                                  std::string message);
    // content.cpp
    http_response handle_content(const http_request& request, std::string_view path);
    /// GET/HEAD /selfupdate/...: a file of the SelfUpdate folder (`path` starts with
    /// "/selfupdate", any case), or 404/400 naming why not.
    http_response handle_selfupdate(const http_request& request, std::string_view path);
    // wsdl_documents.cpp
    http_response handle_wsdl(protocol::service s, std::string_view path);

    // operations_*.cpp
    detail::op_outcome dispatch(detail::soap_call& call, const protocol::request& request);
    detail::op_outcome get_authorization_cookie(detail::soap_call& call,
                                                const protocol::get_authorization_cookie_request& r);
    detail::op_outcome get_config(detail::soap_call& call, const protocol::get_config_request& r);
    detail::op_outcome get_cookie(detail::soap_call& call, const protocol::get_cookie_request& r);
    detail::op_outcome register_computer(detail::soap_call& call, const protocol::register_computer_request& r);
    detail::op_outcome start_category_scan(detail::soap_call& call, const protocol::start_category_scan_request& r);
    detail::op_outcome sync_updates(detail::soap_call& call, const protocol::sync_updates_request& r);
    detail::op_outcome sync_printer_catalog(detail::soap_call& call, const protocol::sync_printer_catalog_request& r);
    detail::op_outcome refresh_cache(detail::soap_call& call, const protocol::refresh_cache_request& r);
    /// The model for a client's groups: the override of its most specific group, else the
    /// server's default. Sets call.model; `decided_by` receives the deciding group, if any.
    const mitigation::get_sync_info_model& model_for(detail::soap_call& call,
                                                     const std::vector<std::string>& groups,
                                                     std::string* decided_by = nullptr) const;
    /// One Warning line per anomaly the fixed model resolved, and the metric.
    void log_resolved(detail::soap_call& call, const std::vector<mitigation::resolved_anomaly>& resolved);
    detail::op_outcome get_extended_update_info(detail::soap_call& call,
                                                const protocol::get_extended_update_info_request& r);
    detail::op_outcome get_extended_update_info2(detail::soap_call& call,
                                                 const protocol::get_extended_update_info2_request& r);
    detail::op_outcome get_file_locations(detail::soap_call& call, const protocol::get_file_locations_request& r);
    detail::op_outcome report_event_batch(detail::soap_call& call, const protocol::report_event_batch_request& r);

    /// Verifies a ClientWebService cookie: InvalidCookie (absent, undecodable, tampered, wrong
    /// kind), ServerChanged (another identity), CookieExpired, ConfigChanged (when
    /// `check_config`), RegistrationRequired (when `check_registration` and the scenario
    /// requires it). Fills call.client_id.
    std::variant<cookie_payload, detail::app_fault> check_cookie(detail::soap_call& call,
                                                                 const std::optional<protocol::cookie>& c,
                                                                 bool check_config, bool check_registration);
    /// A fresh Cookie for `payload` (issue time now, expiry now + lifetime, current identity and
    /// configuration).
    protocol::cookie issue_cookie(const detail::soap_call& call, cookie_payload payload) const;
};

}  // namespace wsuslab::server
