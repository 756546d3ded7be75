#pragma once
/// Bytes <-> messages. Parsing runs every check of docs/limits-and-faults.md §3.3 (strict UTF-8, no
/// NUL, no DOCTYPE or PI, one Envelope root in the SOAP namespace, one Body, no Header,
/// depth/children/attribute limits, namespace-resolved element names) and returns a typed error
/// naming what is wrong; it never throws on bad input. Serializing emits elements in schema order.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <wsuslab/protocol/fault.hpp>
#include <wsuslab/protocol/limits.hpp>
#include <wsuslab/protocol/messages.hpp>

namespace wsuslab::protocol {

enum class soap_version { v1_1, v1_2 };

/// One value per check; `parse_error::description` adds the specifics.
enum class parse_status {
    body_too_large,
    invalid_utf8,
    nul_byte,
    invalid_character_reference,  ///< &#0; and other characters XML does not allow
    malformed_xml,                ///< pugixml status != ok
    doctype,
    processing_instruction,
    multiple_roots,
    not_an_envelope,           ///< root is not Envelope
    wrong_envelope_namespace,  ///< -> faultcode VersionMismatch
    header_present,            ///< MS-WUSP forbids soap:Header
    missing_body,
    multiple_bodies,
    empty_body,
    limit_exceeded,     ///< depth, children or attributes
    unknown_operation,  ///< SOAPAction or wrapper unknown
    action_mismatch,    ///< SOAPAction and Body wrapper disagree
    wrong_namespace,    ///< an element is not in the service namespace
    missing_element,    ///< a required (minOccurs=1 or MUST) element is absent
    invalid_value,      ///< bad int, bool, enum, GUID, base64 ...
    array_too_long,     ///< more items than the configured limit
    not_a_fault,        ///< parse_response: HTTP said fault but the body holds none
};

struct parse_error {
    parse_status status;
    std::size_t offset = 0;   ///< byte offset where known, else 0
    std::string description;  ///< human text naming the problem, e.g. "invalid UTF-8 at byte 17"
    /// For parameter errors, the MS-WUSP Message, e.g. "parameters.InstalledNonLeafUpdateIDs".
    std::string parameter;

    /// The faultcode a server answers with: VersionMismatch for a wrong envelope namespace,
    /// Client otherwise.
    fault_code code() const;
    /// InvalidParameters for missing_element / invalid_value / array_too_long inside a known
    /// operation; nullopt for envelope-level problems.
    std::optional<error_code> application_error() const;
};

/// A value or a parse_error, in the spirit of pugixml's xml_parse_result.
template <class T>
class result {
public:
    result(T value) : v_(std::move(value)) {}           // NOLINT(google-explicit-constructor)
    result(parse_error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)
    explicit operator bool() const { return v_.index() == 0; }
    bool ok() const { return v_.index() == 0; }
    T& value() { return std::get<0>(v_); }
    const T& value() const { return std::get<0>(v_); }
    const parse_error& error() const { return std::get<1>(v_); }

private:
    std::variant<T, parse_error> v_;
};

struct parsed_request {
    operation op;
    soap_version version = soap_version::v1_1;
    request body;
};

/// Parses a request body. `soap_action` is the raw header (quotes allowed); when absent (SOAP 1.2
/// carries it in Content-Type) the Body wrapper alone decides the operation.
result<parsed_request> parse_request(std::string_view body, std::optional<std::string_view> soap_action,
                                     const limits& lim = {});

std::string serialize_request(const request& r, soap_version v = soap_version::v1_1);
std::string serialize_response(const response& r, soap_version v = soap_version::v1_1);
std::string serialize_fault(const soap_fault& f, soap_version v = soap_version::v1_1);

/// What a server answered: a response of the expected operation, or a fault.
using reply = std::variant<response, soap_fault>;

/// Parses a response body for `op` (client side). A SOAP fault is a successful parse.
result<reply> parse_response(operation op, std::string_view body, const limits& lim = {});

/// Parses a body that should hold a SOAP fault (e.g. what came with an HTTP 500, whatever the
/// operation). `not_a_fault` when the envelope is fine but its Body holds something else.
result<soap_fault> parse_fault(std::string_view body, const limits& lim = {});

}  // namespace wsuslab::protocol
