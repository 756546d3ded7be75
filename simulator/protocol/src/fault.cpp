#include <wsuslab/protocol/fault.hpp>

#include <array>
#include <cstddef>
#include <utility>

namespace wsuslab::protocol {
namespace {

// MS-WUSP §2.2.2.4 table order; the index + 1 is the number WUA prints (docs/history.md §3.2).
constexpr std::array<std::string_view, 11> error_names{{
    "InvalidCookie",
    "ConfigChanged",
    "RegistrationRequired",
    "ServerChanged",
    "InternalServerError",
    "CookieExpired",
    "InvalidParameters",
    "InvalidAuthorizationCookie",
    "RegistrationNotRequired",
    "ServerBusy",
    "FileLocationChanged",
}};

constexpr std::array<std::string_view, 4> fault_code_names{{
    "VersionMismatch",
    "MustUnderstand",
    "Client",
    "Server",
}};

}  // namespace

std::string_view error_code_name(error_code code) {
    return error_names.at(static_cast<std::size_t>(code));
}

std::optional<error_code> error_code_from_name(std::string_view name) {
    for (std::size_t i = 0; i < error_names.size(); ++i) {
        if (error_names[i] == name) {
            return static_cast<error_code>(i);
        }
    }
    return std::nullopt;
}

int error_code_log_number(error_code code) { return static_cast<int>(code) + 1; }

std::string_view fault_code_name(fault_code code) {
    return fault_code_names.at(static_cast<std::size_t>(code));
}

fault_code default_fault_code(error_code code) {
    switch (code) {
        case error_code::internal_server_error:
        case error_code::server_busy:
            return fault_code::server;
        default:
            return fault_code::client;
    }
}

std::optional<error_code> soap_fault::known_error() const {
    if (!error) {
        return std::nullopt;
    }
    return error_code_from_name(*error);
}

soap_fault make_fault(error_code code, std::string message, std::string id, std::string method) {
    soap_fault f;
    f.code = default_fault_code(code);
    f.error = std::string(error_code_name(code));
    f.message = std::move(message);
    f.id = std::move(id);
    f.method = std::move(method);
    return f;
}

}  // namespace wsuslab::protocol
