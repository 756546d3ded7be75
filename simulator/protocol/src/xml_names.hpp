#pragma once
// Internal: namespace resolution helpers shared by the envelope reader and the message parsers.

#include <string_view>

#include <pugixml.hpp>

namespace wsuslab::protocol::detail {

inline constexpr std::string_view xml_ns = "http://www.w3.org/XML/1998/namespace";

/// The prefix of a QName ("soap:Body" -> "soap", "Body" -> "").
inline std::string_view prefix_of(std::string_view qname) {
    const auto colon = qname.find(':');
    return colon == std::string_view::npos ? std::string_view{} : qname.substr(0, colon);
}

/// The local part of a QName ("soap:Body" -> "Body").
inline std::string_view local_of(std::string_view qname) {
    const auto colon = qname.find(':');
    return colon == std::string_view::npos ? qname : qname.substr(colon + 1);
}

/// Whether attribute name `attr` declares `prefix` ("xmlns" for the default namespace,
/// "xmlns:p" for prefix p).
inline bool declares(std::string_view attr, std::string_view prefix) {
    if (prefix.empty()) {
        return attr == "xmlns";
    }
    return attr.size() == prefix.size() + 6 && attr.substr(0, 6) == "xmlns:" &&
           attr.substr(6) == prefix;
}

/// The namespace bound to `prefix` at `element`, walking xmlns declarations up the tree.
/// Empty when unbound (or, for the default namespace, when none is declared).
/// Cost: the attributes of the element and its ancestors.
std::string_view resolve_prefix(pugi::xml_node element, std::string_view prefix);

}  // namespace wsuslab::protocol::detail
