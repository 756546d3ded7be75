#pragma once
/// The MS-WUSP fault model (docs/protocol-notes.md §5): a SOAP fault whose detail carries the
/// unqualified elements ErrorCode / Message / ID / Method.

#include <optional>
#include <string>
#include <string_view>

namespace wsuslab::protocol {

/// The ErrorCode enumeration of MS-WUSP §2.2.2.4, in the spec's table order.
enum class error_code {
    invalid_cookie,
    config_changed,
    registration_required,
    server_changed,
    internal_server_error,
    cookie_expired,
    invalid_parameters,
    invalid_authorization_cookie,
    registration_not_required,
    server_busy,
    file_location_changed,
};

/// The wire string, e.g. "InternalServerError".
std::string_view error_code_name(error_code code);
std::optional<error_code> error_code_from_name(std::string_view name);

/// The number WUA prints after the name in `ErrorCode:InternalServerError(5)`: the MS-WUSP table
/// order counted from 1 (an inference, docs/history.md §3.2; only 5 is attested).
int error_code_log_number(error_code code);

/// SOAP 1.1 faultcode local names (SOAP 1.2: Sender for client, Receiver for server).
enum class fault_code { version_mismatch, must_understand, client, server };

std::string_view fault_code_name(fault_code code);  // "Client", "Server", ...

/// docs/protocol-notes.md §5.4: soap:Server for InternalServerError and ServerBusy, soap:Client
/// otherwise.
fault_code default_fault_code(error_code code);

/// A SOAP fault as sent or received. `error` is empty for envelope-level faults (malformed XML,
/// VersionMismatch) that carry no MS-WUSP detail.
struct soap_fault {
    fault_code code = fault_code::client;
    std::string faultstring = "Fault occurred";
    std::optional<std::string> faultactor;
    /// The detail ErrorCode as a wire string; kept raw so that unknown codes survive parsing.
    std::optional<std::string> error;
    std::string message;  ///< detail Message; empty is serialized as <Message />
    std::string id;       ///< detail ID: a GUID naming this fault instance
    std::string method;   ///< detail Method: the raw SOAPAction, quotes included

    std::optional<error_code> known_error() const;
};

/// Builds an application fault with the default faultcode for `code`.
soap_fault make_fault(error_code code, std::string message, std::string id, std::string method);

}  // namespace wsuslab::protocol
