#include <wsuslab/protocol/envelope.hpp>

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include <wsuslab/protocol/operations.hpp>
#include <wsuslab/protocol/text.hpp>
#include <wsuslab/protocol/utf8.hpp>

#include "char_scan.hpp"
#include "xml_names.hpp"

namespace wsuslab::protocol {
namespace {

// DOCTYPE and PIs must reach the DOM so that they can be rejected; pugixml never expands
// entities or loads external resources either way (docs/limits-and-faults.md §3.1).
// parse_ws_pcdata_single keeps whitespace-only values such as <string> </string> instead of
// silently dropping them.
constexpr unsigned parse_flags = pugi::parse_default | pugi::parse_doctype | pugi::parse_pi |
                                 pugi::parse_declaration | pugi::parse_ws_pcdata_single;

parse_error make_error(parse_status status, std::size_t offset, std::string description) {
    return parse_error{status, offset, std::move(description), {}};
}

std::size_t offset_of(pugi::xml_node n) {
    const std::ptrdiff_t off = n.offset_debug();
    return off < 0 ? 0 : static_cast<std::size_t>(off);
}

// Document-level nodes: only the XML declaration and exactly one element are allowed.
std::optional<parse_error> check_top_level(const pugi::xml_document& doc) {
    std::size_t roots = 0;
    std::size_t second_root = 0;
    for (pugi::xml_node n = doc.first_child(); n; n = n.next_sibling()) {
        switch (n.type()) {
            case pugi::node_doctype:
                return make_error(parse_status::doctype, offset_of(n),
                                  "DTD not allowed in SOAP message");
            case pugi::node_pi:
                return make_error(parse_status::processing_instruction, offset_of(n),
                                  "processing instruction not allowed in SOAP message");
            case pugi::node_element:
                if (++roots == 2) {
                    second_root = offset_of(n);
                }
                break;
            case pugi::node_pcdata:
            case pugi::node_cdata:
                return make_error(parse_status::malformed_xml, offset_of(n),
                                  "XML not well-formed: text outside the root element at byte " +
                                      std::to_string(offset_of(n)));
            default:
                break;
        }
    }
    if (roots > 1) {
        return make_error(parse_status::multiple_roots, second_root,
                          "document has " + std::to_string(roots) +
                              " root elements; a SOAP message has exactly one");
    }
    return std::nullopt;
}

bool is_xml_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

parse_error text_outside_root(std::size_t at) {
    return make_error(parse_status::malformed_xml, at,
                      "XML not well-formed: text outside the root element at byte " +
                          std::to_string(at));
}

// pugixml silently drops character data before and after the root element ("junk<a/>junk").
// Only whitespace, comments and the XML declaration may surround it (PIs and DOCTYPE are
// rejected separately). `root_start` is the offset of the root's '<'.
std::optional<parse_error> check_outside_root(std::string_view bytes, pugi::xml_node root,
                                              std::size_t root_start) {
    std::size_t i = bytes.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
    while (i < root_start) {
        if (is_xml_space(bytes[i])) {
            ++i;
        } else if (bytes.compare(i, 4, "<!--") == 0) {
            const std::size_t stop = bytes.find("-->", i + 4);
            if (stop == std::string_view::npos) {
                return text_outside_root(i);
            }
            i = stop + 3;
        } else if (bytes.compare(i, 2, "<?") == 0) {
            const std::size_t stop = bytes.find("?>", i + 2);
            if (stop == std::string_view::npos) {
                return text_outside_root(i);
            }
            i = stop + 2;
        } else {
            return text_outside_root(i);
        }
    }
    // Walk back from the end over whitespace and comments; what remains must end with the root's
    // end tag "</name>" (a root without content is never a valid Envelope, so it is skipped).
    if (!root.first_child()) {
        return std::nullopt;
    }
    std::size_t end = bytes.size();
    while (end > root_start) {
        if (is_xml_space(bytes[end - 1])) {
            --end;
        } else if (end >= 3 && bytes.compare(end - 3, 3, "-->") == 0) {
            const std::size_t start = bytes.rfind("<!--", end - 3);
            if (start == std::string_view::npos || start < root_start) {
                break;
            }
            end = start;
        } else {
            break;
        }
    }
    std::size_t close = end;
    if (close > 0 && bytes[close - 1] == '>') {
        --close;
        while (close > 0 && is_xml_space(bytes[close - 1])) {
            --close;
        }
        const std::string_view name = root.name();
        if (close >= name.size() + 2 &&
            bytes.substr(close - name.size() - 2, name.size() + 2) ==
                std::string("</") + std::string(name)) {
            return std::nullopt;
        }
    }
    return text_outside_root(end > 0 ? end - 1 : 0);
}

std::optional<parse_error> check_node(pugi::xml_node n, std::size_t depth, const limits& lim) {
    if (n.type() == pugi::node_pi) {
        return make_error(parse_status::processing_instruction, offset_of(n),
                          "processing instruction not allowed in SOAP message");
    }
    if (n.type() != pugi::node_element) {
        return std::nullopt;
    }
    if (depth > lim.max_depth) {
        return make_error(parse_status::limit_exceeded, offset_of(n),
                          "maximum element depth " + std::to_string(lim.max_depth) + " exceeded");
    }
    std::size_t attributes = 0;
    for (pugi::xml_attribute a = n.first_attribute(); a; a = a.next_attribute()) {
        if (++attributes > lim.max_attributes) {
            return make_error(parse_status::limit_exceeded, offset_of(n),
                              "maximum of " + std::to_string(lim.max_attributes) +
                                  " attributes per element exceeded");
        }
    }
    return std::nullopt;
}

std::optional<parse_error> too_many_children(pugi::xml_node parent, const limits& lim) {
    return make_error(parse_status::limit_exceeded, offset_of(parent),
                      "maximum of " + std::to_string(lim.max_children) +
                          " children per element exceeded");
}

// Iterative pre-order walk: pugixml parses arbitrarily deep input with constant stack, and this
// walk must not undo that with recursion. `siblings[d]` counts the children seen at depth d.
std::optional<parse_error> check_tree(pugi::xml_node root, const limits& lim) {
    std::vector<std::size_t> siblings{1};
    std::size_t depth = 1;
    pugi::xml_node n = root;
    while (n) {
        if (auto e = check_node(n, depth, lim)) {
            return e;
        }
        if (pugi::xml_node child = n.first_child()) {
            if (lim.max_children == 0) {
                return too_many_children(n, lim);
            }
            n = child;
            ++depth;
            siblings.push_back(1);
            continue;
        }
        while (n != root) {
            if (pugi::xml_node next = n.next_sibling()) {
                if (++siblings.back() > lim.max_children) {
                    return too_many_children(n.parent(), lim);
                }
                n = next;
                break;
            }
            n = n.parent();
            --depth;
            siblings.pop_back();
        }
        if (n == root) {
            break;
        }
    }
    return std::nullopt;
}

}  // namespace

namespace detail {

std::string_view resolve_prefix(pugi::xml_node element, std::string_view prefix) {
    if (prefix == "xml") {
        return xml_ns;
    }
    for (pugi::xml_node n = element; n && n.type() == pugi::node_element; n = n.parent()) {
        for (pugi::xml_attribute a = n.first_attribute(); a; a = a.next_attribute()) {
            if (declares(a.name(), prefix)) {
                return a.value();
            }
        }
    }
    return {};
}

}  // namespace detail

std::string_view namespace_of(pugi::xml_node element) {
    return detail::resolve_prefix(element, detail::prefix_of(element.name()));
}

std::string_view local_name(pugi::xml_node element) { return detail::local_of(element.name()); }

pugi::xml_node child_ns(pugi::xml_node parent, std::string_view ns, std::string_view local) {
    for (pugi::xml_node c = parent.first_child(); c; c = c.next_sibling()) {
        if (c.type() == pugi::node_element && local_name(c) == local && namespace_of(c) == ns) {
            return c;
        }
    }
    return {};
}

bool is_nil(pugi::xml_node element) {
    for (pugi::xml_attribute a = element.first_attribute(); a; a = a.next_attribute()) {
        const std::string_view name = a.name();
        if (detail::local_of(name) != "nil" || detail::prefix_of(name).empty()) {
            continue;
        }
        if (detail::resolve_prefix(element, detail::prefix_of(name)) != xsi_ns) {
            continue;
        }
        const std::string_view v = trim(a.value());
        return v == "true" || v == "1";
    }
    return false;
}

namespace {

// The checks on raw bytes, before any XML parser sees them (docs/limits-and-faults.md §3).
std::optional<parse_error> check_bytes(std::string_view bytes, const limits& lim) {
    if (bytes.size() > lim.max_body_bytes) {
        return make_error(parse_status::body_too_large, lim.max_body_bytes,
                          "body of " + std::to_string(bytes.size()) +
                              " bytes exceeds the limit of " + std::to_string(lim.max_body_bytes) +
                              " bytes");
    }
    if (auto bad = find_invalid_utf8(bytes)) {
        return make_error(parse_status::invalid_utf8, *bad,
                          "invalid UTF-8 at byte " + std::to_string(*bad));
    }
    if (auto nul = bytes.find('\0'); nul != std::string_view::npos) {
        return make_error(parse_status::nul_byte, nul, "NUL byte at byte " + std::to_string(nul));
    }
    return detail::scan_characters(bytes);
}

// Parses `bytes` into `doc` and checks the document's shape and size limits.
std::optional<parse_error> load_document(std::string_view bytes, const limits& lim,
                                         pugi::xml_document& doc) {
    const pugi::xml_parse_result parsed =
        doc.load_buffer(bytes.data(), bytes.size(), parse_flags, pugi::encoding_utf8);
    if (!parsed) {
        const auto off = static_cast<std::size_t>(parsed.offset);
        return make_error(parse_status::malformed_xml, off,
                          std::string("XML not well-formed: ") + parsed.description() +
                              " at byte " + std::to_string(off));
    }
    if (auto e = check_top_level(doc)) {
        return e;
    }
    const pugi::xml_node root = doc.document_element();
    if (const std::size_t name_at = offset_of(root); name_at > 0) {
        if (auto e = check_outside_root(bytes, root, name_at - 1)) {
            return e;
        }
    }
    return check_tree(root, lim);
}

// The Envelope's version from its namespace.
std::optional<parse_error> read_version(pugi::xml_node root, envelope& env) {
    if (local_name(root) != "Envelope") {
        return make_error(parse_status::not_an_envelope, offset_of(root),
                          "root element is not a SOAP Envelope");
    }
    const std::string_view env_ns = namespace_of(root);
    if (env_ns == soap11_envelope_ns) {
        env.version = soap_version::v1_1;
    } else if (env_ns == soap12_envelope_ns) {
        env.version = soap_version::v1_2;
    } else {
        return make_error(parse_status::wrong_envelope_namespace, offset_of(root),
                          "SOAP version mismatch: Envelope namespace is not " +
                              std::string(soap11_envelope_ns));
    }
    return std::nullopt;
}

// The one Body (no Header) and its first element child.
std::optional<parse_error> read_body(pugi::xml_node root, envelope& env) {
    const std::string_view env_ns = namespace_of(root);
    pugi::xml_node body;
    for (pugi::xml_node c = root.first_child(); c; c = c.next_sibling()) {
        if (c.type() != pugi::node_element || namespace_of(c) != env_ns) {
            continue;
        }
        const std::string_view name = local_name(c);
        if (name == "Header") {
            return make_error(parse_status::header_present, offset_of(c),
                              "SOAP Header not allowed in MS-WUSP messages");
        }
        if (name == "Body") {
            if (body) {
                return make_error(parse_status::multiple_bodies, offset_of(c),
                                  "SOAP Envelope has more than one Body");
            }
            body = c;
        }
    }
    if (!body) {
        return make_error(parse_status::missing_body, offset_of(root),
                          "SOAP Envelope has no Body");
    }
    for (pugi::xml_node c = body.first_child(); c; c = c.next_sibling()) {
        if (c.type() == pugi::node_element) {
            env.body_child = c;
            break;
        }
    }
    if (!env.body_child) {
        return make_error(parse_status::empty_body, offset_of(body), "SOAP Body is empty");
    }
    return std::nullopt;
}

}  // namespace

result<envelope> read_envelope(std::string_view bytes, const limits& lim) {
    envelope env;
    std::optional<parse_error> e = check_bytes(bytes, lim);
    e = e ? e : load_document(bytes, lim, env.doc);
    e = e ? e : read_version(env.doc.document_element(), env);
    e = e ? e : read_body(env.doc.document_element(), env);
    if (e) {
        return std::move(*e);
    }
    return result<envelope>(std::move(env));
}

}  // namespace wsuslab::protocol
