#pragma once
/// The services and operations of MS-WUSP (docs/protocol-notes.md §2.5, §4.0) and their wire names.
/// Everything here is constant data; no function allocates except where it returns std::string.

#include <optional>
#include <string_view>

namespace wsuslab::protocol {

/// The three SOAP services a WSUS server exposes to clients.
enum class service { client, simple_auth, reporting };

/// Every operation wsuslab parses and serializes.
enum class operation {
    get_authorization_cookie,  // SimpleAuth
    get_config,
    get_cookie,
    register_computer,
    start_category_scan,
    sync_updates,
    sync_printer_catalog,
    refresh_cache,
    get_extended_update_info,
    get_extended_update_info2,
    get_file_locations,
    report_event_batch,  // Reporting
};

inline constexpr std::string_view soap11_envelope_ns = "http://schemas.xmlsoap.org/soap/envelope/";
inline constexpr std::string_view soap12_envelope_ns = "http://www.w3.org/2003/05/soap-envelope";
inline constexpr std::string_view xsi_ns = "http://www.w3.org/2001/XMLSchema-instance";
inline constexpr std::string_view xsd_ns = "http://www.w3.org/2001/XMLSchema";
inline constexpr std::string_view client_ns =
    "http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService";
inline constexpr std::string_view simple_auth_ns =
    "http://www.microsoft.com/SoftwareDistribution/Server/SimpleAuthWebService";
inline constexpr std::string_view reporting_ns = "http://www.microsoft.com/SoftwareDistribution";

/// The local name of the request wrapper, e.g. "SyncUpdates".
std::string_view operation_name(operation op);

/// The unquoted soapAction URI of docs/protocol-notes.md §2.5.
std::string_view soap_action(operation op);

service service_of(operation op);

/// The target namespace of a service: the wire namespace of every element in its bodies.
std::string_view service_namespace(service s);

/// Looks up an operation by SOAPAction; accepts the value with or without surrounding quotes.
std::optional<operation> operation_from_action(std::string_view action);

/// Looks up an operation by the (namespace URI, local name) of the first Body child.
std::optional<operation> operation_from_wrapper(std::string_view ns, std::string_view local_name);

/// All operations, in the order of the enum (for loops in tests and the router).
inline constexpr operation all_operations[] = {
    operation::get_authorization_cookie, operation::get_config,
    operation::get_cookie,               operation::register_computer,
    operation::start_category_scan,      operation::sync_updates,
    operation::sync_printer_catalog,     operation::refresh_cache,
    operation::get_extended_update_info, operation::get_extended_update_info2,
    operation::get_file_locations,       operation::report_event_batch,
};

}  // namespace wsuslab::protocol
