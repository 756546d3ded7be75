#pragma once
/// WU_E_PT_* HRESULTs (docs/protocol-notes.md §10.2) and how the 2008 agent (ATL Server SOAP
/// client, docs/protocol-notes.md §10.1) derives them: SOAP faults by faultcode, HTTP errors by
/// status, transport failures by kind. Constant data and pure functions; thread-safe.

#include <cstdint>
#include <string>
#include <string_view>

#include <wsuslab/client/transport.hpp>
#include <wsuslab/protocol/fault.hpp>

namespace wsuslab::client {

namespace hr {
inline constexpr std::uint32_t s_ok = 0x00000000;
inline constexpr std::uint32_t soapclient_connect = 0x80244004;     ///< WU_E_PT_SOAPCLIENT_CONNECT
inline constexpr std::uint32_t soapclient_send = 0x80244005;        ///< WU_E_PT_SOAPCLIENT_SEND
inline constexpr std::uint32_t soapclient_soapfault = 0x80244007;   ///< WU_E_PT_SOAPCLIENT_SOAPFAULT
inline constexpr std::uint32_t soapclient_parsefault = 0x80244008;  ///< WU_E_PT_SOAPCLIENT_PARSEFAULT
inline constexpr std::uint32_t soapclient_read = 0x80244009;        ///< WU_E_PT_SOAPCLIENT_READ
inline constexpr std::uint32_t soapclient_parse = 0x8024400A;       ///< WU_E_PT_SOAPCLIENT_PARSE
inline constexpr std::uint32_t soap_version = 0x8024400B;           ///< WU_E_PT_SOAP_VERSION
inline constexpr std::uint32_t soap_must_understand = 0x8024400C;   ///< WU_E_PT_SOAP_MUST_UNDERSTAND
inline constexpr std::uint32_t soap_client = 0x8024400D;            ///< WU_E_PT_SOAP_CLIENT
inline constexpr std::uint32_t soap_server = 0x8024400E;            ///< WU_E_PT_SOAP_SERVER
inline constexpr std::uint32_t exceeded_max_server_trips = 0x80244010;
inline constexpr std::uint32_t refresh_cache_required = 0x80244015;
inline constexpr std::uint32_t http_status_not_mapped = 0x8024402B;
inline constexpr std::uint32_t file_locations_changed = 0x80244025;
inline constexpr std::uint32_t no_auth_plugins_requested = 0x80244027;
inline constexpr std::uint32_t no_auth_cookies_created = 0x80244028;
inline constexpr std::uint32_t invalid_config_prop = 0x80244029;
inline constexpr std::uint32_t config_prop_missing = 0x8024402A;
inline constexpr std::uint32_t winhttp_name_not_resolved = 0x8024402C;
inline constexpr std::uint32_t invalid_url = 0x8024043A;
inline constexpr std::uint32_t unexpected = 0x80244FFF;  ///< WU_E_PT_UNEXPECTED
}  // namespace hr

/// ATL SOAPCLIENT_ERROR values printed as "soap client error = N" (docs/protocol-notes.md §10.1).
enum class soap_client_error : int {
    success = 0,
    initialize_error = 1,
    out_of_memory = 2,
    generate_error = 3,
    connect_error = 4,
    send_error = 5,
    server_error = 6,
    soap_fault = 7,
    parse_fault_error = 8,
    read_error = 9,
    parse_error = 10,
};

/// ATL SOAP_ERROR_CODE printed as "soap error code = N": 100 VersionMismatch, 200
/// MustUnderstand, 300 Client, 400 Server.
int soap_error_code(protocol::fault_code code);

/// The ATL client's HRESULT for a received SOAP fault: Server -> 0x8024400E, Client -> 0x8024400D,
/// VersionMismatch -> 0x8024400B, MustUnderstand -> 0x8024400C.
std::uint32_t hresult_of_fault(protocol::fault_code code);

/// HTTP status -> WU_E_PT_HTTP_STATUS_* (400 -> 0x80244016 ... 505 -> 0x80244024); statuses
/// without a code -> 0x8024402B (WU_E_PT_HTTP_STATUS_NOT_MAPPED). 2xx -> S_OK.
std::uint32_t hresult_of_http_status(int status);

/// The mapping of docs/client.md "Transport errors" for errors without an HTTP status; a proxy
/// that answers CONNECT with a status is reported with that status' code instead (the transports
/// pass it), so proxy_failed here is the no-answer case (0x80244004).
std::uint32_t hresult_of(transport_error_kind kind);

/// "0x8024400E" (upper-case hex digits, as "error = 0x8024400E" lines print).
std::string format_hresult(std::uint32_t hr);
/// "0x8024400e" (lower-case, as "PTError: 0x8024400e" lines print).
std::string format_hresult_lower(std::uint32_t hr);

/// The symbolic name, e.g. "WU_E_PT_SOAP_SERVER"; "" when unknown.
std::string_view hresult_name(std::uint32_t hr);

/// Signed decimal as ReportingEvent Win32HResult carries it (0x8024400E -> -2145107954).
std::int32_t hresult_as_int(std::uint32_t hr);

}  // namespace wsuslab::client
