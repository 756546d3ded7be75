#pragma once
/// Reading a SOAP envelope safely (docs/limits-and-faults.md §3.3) and namespace-aware navigation
/// on top of pugixml, which itself only knows QNames. Shared by request and response parsing.

#include <string_view>

#include <pugixml.hpp>

#include <wsuslab/protocol/codec.hpp>
#include <wsuslab/protocol/limits.hpp>

namespace wsuslab::protocol {

/// A validated envelope. `body_child` is the first element child of Body (the operation wrapper,
/// a response wrapper or a Fault). The document owns the parsed text.
struct envelope {
    pugi::xml_document doc;
    pugi::xml_node body_child;
    soap_version version = soap_version::v1_1;
};

/// Runs every byte-level and structural check, then parses. Never throws on bad input.
result<envelope> read_envelope(std::string_view bytes, const limits& lim);

/// The namespace URI of an element, resolving its prefix (or the default namespace) by walking
/// xmlns / xmlns:* attributes up the tree. Empty for no namespace.
std::string_view namespace_of(pugi::xml_node element);

/// The local part of an element's QName ("soap:Body" -> "Body").
std::string_view local_name(pugi::xml_node element);

/// The first child element with this namespace URI and local name; a null node when absent.
pugi::xml_node child_ns(pugi::xml_node parent, std::string_view ns, std::string_view local);

/// Whether an element carries xsi:nil="true" or xsi:nil="1" (any prefix bound to XSI).
bool is_nil(pugi::xml_node element);

}  // namespace wsuslab::protocol
