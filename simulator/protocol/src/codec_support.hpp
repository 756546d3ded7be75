#pragma once
// Internal: pieces shared by the request, response and fault codecs.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include <pugixml.hpp>

#include <wsuslab/protocol/codec.hpp>
#include <wsuslab/protocol/text.hpp>

namespace wsuslab::protocol::detail {

/// `<?xml ...?><soap:Envelope xmlns:soap=".." xmlns:xsi=".." xmlns:xsd=".."><soap:Body>`
/// (prefix soap12 for SOAP 1.2), as in the spec examples.
void open_envelope(std::string& out, soap_version v);
void close_envelope(std::string& out, soap_version v);

/// The envelope namespace of a SOAP version.
std::string_view envelope_namespace(soap_version v);

/// For quoting header values and element names in error descriptions (text.hpp).
using protocol::printable;

parse_error make_parse_error(parse_status status, pugi::xml_node at, std::string description);

/// A default-constructed alternative `index` of `Variant`.
template <class Variant, std::size_t... I>
Variant variant_at(std::size_t index, std::index_sequence<I...>) {
    Variant v;
    ((index == I ? (void)v.template emplace<I>() : (void)0), ...);
    return v;
}
template <class Variant>
Variant variant_at(std::size_t index) {
    return variant_at<Variant>(index, std::make_index_sequence<std::variant_size_v<Variant>>{});
}

/// Reads a SOAP 1.1 or 1.2 Fault element (`fault` is the Body child).
result<soap_fault> read_fault(pugi::xml_node fault, soap_version v);

}  // namespace wsuslab::protocol::detail
