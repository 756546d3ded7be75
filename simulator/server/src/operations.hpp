#pragma once
// The MS-WUSP operations of the mock WSUS, each a free function of (context, call, request) ->
// outcome (operation_context.hpp), and the cookie rules they share. The SOAP endpoint
// (service_soap.cpp) parses the envelope and calls `dispatch`; tests call the operations directly.

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <wsuslab/protocol/messages.hpp>
#include <wsuslab/server/cookie_codec.hpp>

#include "operation_context.hpp"

namespace wsuslab::server::detail {

/// "ClientImplementation.SyncUpdates", "SimpleAuthImplementation.GetAuthorizationCookie", ...
std::string canonical_log_source(protocol::operation op);

/// Runs the operation of `request` (every request type has exactly one handler, checked when
/// compiled).
op_outcome dispatch(const operation_context& ctx, soap_call& call, const protocol::request& request);

// operations_auth.cpp (docs/protocol-notes.md §4.1-§4.4)
op_outcome get_authorization_cookie(const operation_context& ctx, soap_call& call,
                                    const protocol::get_authorization_cookie_request& r);
op_outcome get_config(const operation_context& ctx, soap_call& call, const protocol::get_config_request& r);
op_outcome get_cookie(const operation_context& ctx, soap_call& call, const protocol::get_cookie_request& r);
op_outcome register_computer(const operation_context& ctx, soap_call& call,
                             const protocol::register_computer_request& r);

// operations_sync.cpp (§4.5-§4.8, §7)
op_outcome start_category_scan(const operation_context& ctx, soap_call& call,
                               const protocol::start_category_scan_request& r);
op_outcome sync_updates(const operation_context& ctx, soap_call& call, const protocol::sync_updates_request& r);
op_outcome sync_printer_catalog(const operation_context& ctx, soap_call& call,
                                const protocol::sync_printer_catalog_request& r);
op_outcome refresh_cache(const operation_context& ctx, soap_call& call, const protocol::refresh_cache_request& r);

// operations_extended.cpp (§4.9-§4.12)
op_outcome get_extended_update_info(const operation_context& ctx, soap_call& call,
                                    const protocol::get_extended_update_info_request& r);
op_outcome get_extended_update_info2(const operation_context& ctx, soap_call& call,
                                     const protocol::get_extended_update_info2_request& r);
op_outcome get_file_locations(const operation_context& ctx, soap_call& call,
                              const protocol::get_file_locations_request& r);
op_outcome report_event_batch(const operation_context& ctx, soap_call& call,
                              const protocol::report_event_batch_request& r);

/// The checks a ClientWebService cookie gets beyond its own validity (InvalidCookie,
/// ServerChanged, CookieExpired, always checked), combined with `|`.
enum class cookie_check : unsigned {
    validity = 0,
    config = 1U << 0U,        ///< ConfigChanged when issued under another configuration
    registration = 1U << 1U,  ///< RegistrationRequired when the scenario requires it
};
constexpr cookie_check operator|(cookie_check a, cookie_check b) {
    return static_cast<cookie_check>(static_cast<unsigned>(a) | static_cast<unsigned>(b));
}
constexpr bool has(cookie_check set, cookie_check c) {
    return (static_cast<unsigned>(set) & static_cast<unsigned>(c)) != 0;
}

/// Verifies a ClientWebService cookie: InvalidCookie (absent, undecodable, tampered, wrong kind),
/// ServerChanged (another identity), CookieExpired, then the `checks` asked for. Fills
/// call.notes.client_id.
std::variant<cookie_payload, app_fault> check_cookie(const operation_context& ctx, soap_call& call,
                                                     const std::optional<protocol::cookie>& c, cookie_check checks);
/// A fresh Cookie for `payload` (issue time now, expiry now + lifetime, current identity and
/// configuration).
protocol::cookie issue_cookie(const operation_context& ctx, const soap_call& call, cookie_payload payload);

/// An application fault without prelude.
app_fault fault(protocol::error_code code, std::string message = {});

/// The model for a client's groups: the override of its most specific group, else the server's
/// default. Sets call.notes.model; `decided_by` receives the deciding group, if any.
const mitigation::get_sync_info_model& model_for(const operation_context& ctx, soap_call& call,
                                                 const std::vector<std::string>& groups,
                                                 std::string* decided_by = nullptr);

}  // namespace wsuslab::server::detail
