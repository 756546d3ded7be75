#include <wsuslab/client/hresult.hpp>

#include <cstdio>

namespace wsuslab::client {

int soap_error_code(protocol::fault_code code) {
    switch (code) {
        case protocol::fault_code::version_mismatch: return 100;
        case protocol::fault_code::must_understand: return 200;
        case protocol::fault_code::client: return 300;
        case protocol::fault_code::server: return 400;
    }
    return 0;
}

std::uint32_t hresult_of_fault(protocol::fault_code code) {
    switch (code) {
        case protocol::fault_code::version_mismatch: return hr::soap_version;
        case protocol::fault_code::must_understand: return hr::soap_must_understand;
        case protocol::fault_code::client: return hr::soap_client;
        case protocol::fault_code::server: return hr::soap_server;
    }
    return hr::soapclient_soapfault;
}

std::uint32_t hresult_of_http_status(int status) {
    if (status >= 200 && status < 300) {
        return hr::s_ok;
    }
    // wuerror.h lists the statuses WinHTTP/ATL distinguish; everything else is NOT_MAPPED.
    switch (status) {
        case 400: return 0x80244016;
        case 401: return 0x80244017;
        case 403: return 0x80244018;
        case 404: return 0x80244019;
        case 405: return 0x8024401A;
        case 407: return 0x8024401B;
        case 408: return 0x8024401C;
        case 409: return 0x8024401D;
        case 410: return 0x8024401E;
        case 500: return 0x8024401F;
        case 501: return 0x80244020;
        case 502: return 0x80244021;
        case 503: return 0x80244022;
        case 504: return 0x80244023;
        case 505: return 0x80244024;
        default: return hr::http_status_not_mapped;
    }
}

std::uint32_t hresult_of(transport_error_kind kind) {
    switch (kind) {
        case transport_error_kind::invalid_url: return hr::invalid_url;
        case transport_error_kind::name_not_resolved: return hr::winhttp_name_not_resolved;
        case transport_error_kind::connect_failed: return hr::soapclient_connect;
        case transport_error_kind::tls_failed: return hr::soapclient_send;
        case transport_error_kind::proxy_failed: return hr::soapclient_connect;
        case transport_error_kind::send_failed: return hr::soapclient_send;
        case transport_error_kind::receive_failed: return hr::soapclient_read;
        case transport_error_kind::timed_out: return hr::soapclient_read;
        case transport_error_kind::response_too_large: return hr::soapclient_read;
    }
    return hr::unexpected;
}

std::string format_hresult(std::uint32_t hr) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08X", hr);
    return buf;
}

std::string format_hresult_lower(std::uint32_t hr) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08x", hr);
    return buf;
}

std::string_view hresult_name(std::uint32_t hr) {
    struct entry {
        std::uint32_t code;
        std::string_view name;
    };
    static constexpr entry table[] = {
        {0x80244001, "WU_E_PT_SOAPCLIENT_INITIALIZE"}, {0x80244002, "WU_E_PT_SOAPCLIENT_OUTOFMEMORY"},
        {0x80244003, "WU_E_PT_SOAPCLIENT_GENERATE"},   {0x80244004, "WU_E_PT_SOAPCLIENT_CONNECT"},
        {0x80244005, "WU_E_PT_SOAPCLIENT_SEND"},       {0x80244006, "WU_E_PT_SOAPCLIENT_SERVER"},
        {0x80244007, "WU_E_PT_SOAPCLIENT_SOAPFAULT"},  {0x80244008, "WU_E_PT_SOAPCLIENT_PARSEFAULT"},
        {0x80244009, "WU_E_PT_SOAPCLIENT_READ"},       {0x8024400A, "WU_E_PT_SOAPCLIENT_PARSE"},
        {0x8024400B, "WU_E_PT_SOAP_VERSION"},          {0x8024400C, "WU_E_PT_SOAP_MUST_UNDERSTAND"},
        {0x8024400D, "WU_E_PT_SOAP_CLIENT"},           {0x8024400E, "WU_E_PT_SOAP_SERVER"},
        {0x80244010, "WU_E_PT_EXCEEDED_MAX_SERVER_TRIPS"},
        {0x80244015, "WU_E_PT_REFRESH_CACHE_REQUIRED"},
        {0x80244016, "WU_E_PT_HTTP_STATUS_BAD_REQUEST"}, {0x80244017, "WU_E_PT_HTTP_STATUS_DENIED"},
        {0x80244018, "WU_E_PT_HTTP_STATUS_FORBIDDEN"}, {0x80244019, "WU_E_PT_HTTP_STATUS_NOT_FOUND"},
        {0x8024401A, "WU_E_PT_HTTP_STATUS_BAD_METHOD"},
        {0x8024401B, "WU_E_PT_HTTP_STATUS_PROXY_AUTH_REQ"},
        {0x8024401C, "WU_E_PT_HTTP_STATUS_REQUEST_TIMEOUT"},
        {0x8024401D, "WU_E_PT_HTTP_STATUS_CONFLICT"},  {0x8024401E, "WU_E_PT_HTTP_STATUS_GONE"},
        {0x8024401F, "WU_E_PT_HTTP_STATUS_SERVER_ERROR"},
        {0x80244020, "WU_E_PT_HTTP_STATUS_NOT_SUPPORTED"},
        {0x80244021, "WU_E_PT_HTTP_STATUS_BAD_GATEWAY"},
        {0x80244022, "WU_E_PT_HTTP_STATUS_SERVICE_UNAVAIL"},
        {0x80244023, "WU_E_PT_HTTP_STATUS_GATEWAY_TIMEOUT"},
        {0x80244024, "WU_E_PT_HTTP_STATUS_VERSION_NOT_SUP"},
        {0x80244025, "WU_E_PT_FILE_LOCATIONS_CHANGED"}, {0x80244027, "WU_E_PT_NO_AUTH_PLUGINS_REQUESTED"},
        {0x80244028, "WU_E_PT_NO_AUTH_COOKIES_CREATED"}, {0x80244029, "WU_E_PT_INVALID_CONFIG_PROP"},
        {0x8024402A, "WU_E_PT_CONFIG_PROP_MISSING"},   {0x8024402B, "WU_E_PT_HTTP_STATUS_NOT_MAPPED"},
        {0x8024402C, "WU_E_PT_WINHTTP_NAME_NOT_RESOLVED"}, {0x8024043A, "WU_E_PT_INVALID_URL"},
        {0x80244FFF, "WU_E_PT_UNEXPECTED"},
    };
    for (auto const& e : table) {
        if (e.code == hr) {
            return e.name;
        }
    }
    return {};
}

std::int32_t hresult_as_int(std::uint32_t hr) {
    // Two's complement reinterpretation, done arithmetically to stay well-defined before C++20.
    if (hr <= 0x7FFFFFFFu) {
        return static_cast<std::int32_t>(hr);
    }
    return -static_cast<std::int32_t>(~hr) - 1;
}

}  // namespace wsuslab::client
