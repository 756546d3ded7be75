#include "exchange_compare.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>

#include <pugixml.hpp>

#include <wsuslab/protocol/codec.hpp>
#include <wsuslab/protocol/envelope.hpp>
#include <wsuslab/protocol/operations.hpp>

#include "exchange_detail.hpp"

namespace wsuslab::server::detail {
namespace {

// Item element names of the MS-WUSP ArrayOf* types whose order carries no meaning: they are
// compared as sets. ArrayOfString (HardwareIDs are "most specific first") stays ordered.
constexpr std::string_view set_items[] = {
    "int",
    "guid",
    "base64Binary",
    "UpdateIdentity",
    "CategoryIdentifier",
    "CategoryRelationship",
    "DriverRecoveryID",
    "AuthorizationCookie",
    "ReportingEvent",
    "Device",
    "UpdateInfo",
    "Update",
    "FileLocation",
    "RefreshCacheResult",
    "AuthPlugInInfo",
    "ConfigurationProperty",
    "XmlUpdateFragmentType",
    "ClientMetadata",
    "FileDecryption",
    "UpdateEncryptionDetail",
};
constexpr std::string_view ordered_items[] = {"string", "extensionDriver"};

template <std::size_t N>
bool contains(const std::string_view (&list)[N], std::string_view name) {
    return std::find(std::begin(list), std::end(list), name) != std::end(list);
}

bool ignored_name(const std::vector<std::string>& ignored, std::string_view name) {
    return std::find(ignored.begin(), ignored.end(), name) != ignored.end();
}

// Builds the field tree iteratively: request depth is bounded by the envelope reader already, but
// an explicit stack keeps this independent of that limit.
field_node to_fields(pugi::xml_node root, const std::vector<std::string>& ignored) {
    field_node top;
    top.name = std::string(protocol::local_name(root));
    struct frame {
        pugi::xml_node xml;
        field_node* node;
    };
    std::vector<frame> stack{{root, &top}};
    while (!stack.empty()) {
        frame f = stack.back();
        stack.pop_back();
        std::string text;
        bool has_elements = false;
        for (pugi::xml_node c = f.xml.first_child(); c; c = c.next_sibling()) {
            if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) {
                text += c.value();
            } else if (c.type() == pugi::node_element) {
                has_elements = true;
                const std::string_view local = protocol::local_name(c);
                if (ignored_name(ignored, local)) {
                    continue;
                }
                f.node->children.push_back(field_node{std::string(local), {}, {}});
            }
        }
        if (!has_elements && !protocol::is_nil(f.xml)) {
            f.node->text = std::string(protocol::trim(text));
        }
        // Children were appended in document order; pair them with their XML nodes again.
        std::size_t i = 0;
        for (pugi::xml_node c = f.xml.first_child(); c; c = c.next_sibling()) {
            if (c.type() == pugi::node_element && !ignored_name(ignored, protocol::local_name(c))) {
                stack.push_back(frame{c, &f.node->children[i++]});
            }
        }
    }
    return top;
}

bool is_empty(const field_node& n) {
    return n.text.empty() && n.children.empty();
}

std::string shorten(std::string s) {
    constexpr std::size_t max = 80;
    if (s.size() > max) {
        s.resize(max - 3);
        s += "...";
    }
    return s;
}

std::string quoted(const std::string& s) {
    return "\"" + shorten(s) + "\"";
}

std::string join_path(const std::string& path, const std::string& name) {
    return path.empty() ? name : path + "." + name;
}

// "UpdateIdentity(UpdateID=0a4c...,RevisionNumber=50)"; leaves are their text.
std::string canonical(const field_node& n) {
    if (n.children.empty()) {
        return n.text;
    }
    std::string out = "(";
    for (std::size_t i = 0; i < n.children.size(); ++i) {
        const auto& c = n.children[i];
        out += (i == 0 ? "" : ",") + c.name + (c.children.empty() ? "=" + c.text : canonical(c));
    }
    return out + ")";
}

std::optional<std::int64_t> as_integer(const std::string& s) {
    if (s.empty() || s.size() > 18) {
        return std::nullopt;
    }
    char* end = nullptr;
    const long long v = std::strtoll(s.c_str(), &end, 10);
    if (end != s.c_str() + s.size()) {
        return std::nullopt;
    }
    return static_cast<std::int64_t>(v);
}

// Integers in numeric order before everything else in text order, so {8851, 8862, 10001}.
bool item_less(const std::string& a, const std::string& b) {
    const auto x = as_integer(a);
    const auto y = as_integer(b);
    if (x && y) {
        return *x < *y;
    }
    if (x.has_value() != y.has_value()) {
        return x.has_value();
    }
    return a < b;
}

std::vector<std::string> sorted_set(const field_node& n) {
    std::vector<std::string> items;
    for (auto const& c : n.children) {
        items.push_back(canonical(c));
    }
    std::sort(items.begin(), items.end(), item_less);
    items.erase(std::unique(items.begin(), items.end()), items.end());
    return items;
}

std::string brace_list(const std::vector<std::string>& items, char open, char close) {
    std::string out(1, open);
    for (std::size_t i = 0; i < items.size(); ++i) {
        out += (i == 0 ? "" : ", ") + shorten(items[i]);
    }
    return out + close;
}

// The single item name when every child on both sides has the same name.
std::optional<std::string> array_item(const field_node& r, const field_node& q) {
    std::optional<std::string> name;
    for (const field_node* side : {&r, &q}) {
        for (auto const& c : side->children) {
            if (name && *name != c.name) {
                return std::nullopt;
            }
            name = c.name;
        }
    }
    if (!name) {
        return std::nullopt;
    }
    const bool repeated = r.children.size() > 1 || q.children.size() > 1;
    if (repeated || contains(set_items, *name) || contains(ordered_items, *name)) {
        return name;
    }
    return std::nullopt;
}

void diff_node(const field_node& r, const field_node& q, const std::string& path,
               std::vector<std::string>& out);

void diff_array(const field_node& r, const field_node& q, const std::string& item,
                const std::string& path, std::vector<std::string>& out) {
    if (contains(ordered_items, item)) {
        std::vector<std::string> a;
        std::vector<std::string> b;
        for (auto const& c : r.children) {
            a.push_back(canonical(c));
        }
        for (auto const& c : q.children) {
            b.push_back(canonical(c));
        }
        if (a != b) {
            out.push_back(path + ": recorded " + brace_list(a, '[', ']') + ", request " +
                          brace_list(b, '[', ']'));
        }
        return;
    }
    const auto a = sorted_set(r);
    const auto b = sorted_set(q);
    std::vector<std::string> missing;
    std::vector<std::string> extra;
    std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(missing),
                        item_less);
    std::set_difference(b.begin(), b.end(), a.begin(), a.end(), std::back_inserter(extra),
                        item_less);
    if (!missing.empty() || !extra.empty()) {
        out.push_back(path + ": missing " + brace_list(missing, '{', '}') + ", extra " +
                      brace_list(extra, '{', '}'));
    }
}

void diff_node(const field_node& r, const field_node& q, const std::string& path,
               std::vector<std::string>& out) {
    if (r.children.empty() && q.children.empty()) {
        if (r.text != q.text) {
            out.push_back(path + ": recorded " + quoted(r.text) + ", request " + quoted(q.text));
        }
        return;
    }
    if (auto item = array_item(r, q)) {
        diff_array(r, q, *item, path, out);
        return;
    }
    // A structure: pair the n-th child of a name on one side with the n-th of that name on the
    // other; names in the recording's order, then names only the request has.
    std::vector<std::string> names;
    for (const field_node* side : {&r, &q}) {
        for (auto const& c : side->children) {
            if (std::find(names.begin(), names.end(), c.name) == names.end()) {
                names.push_back(c.name);
            }
        }
    }
    for (auto const& name : names) {
        std::vector<const field_node*> rc;
        std::vector<const field_node*> qc;
        for (auto const& c : r.children) {
            if (c.name == name) {
                rc.push_back(&c);
            }
        }
        for (auto const& c : q.children) {
            if (c.name == name) {
                qc.push_back(&c);
            }
        }
        const std::string child_path = join_path(path, name);
        for (std::size_t i = 0; i < std::max(rc.size(), qc.size()); ++i) {
            // An empty element and an absent one mean the same (nil arrays, empty strings).
            if (i < rc.size() && i < qc.size()) {
                diff_node(*rc[i], *qc[i], child_path, out);
            } else if (i < rc.size() && !is_empty(*rc[i])) {
                out.push_back(child_path + ": missing from request");
            } else if (i < qc.size() && !is_empty(*qc[i])) {
                out.push_back(child_path + ": not in recording");
            }
        }
    }
}

std::string media_type_of(const http_request& r) {
    const auto ct = r.header("Content-Type");
    if (!ct) {
        return {};
    }
    const std::string_view v = ct->substr(0, ct->find(';'));
    return lower_copy(protocol::trim(v));
}

}  // namespace

comparable_request make_comparable(const http_request& r, const protocol::limits& lim,
                                   const std::vector<std::string>& ignored) {
    return make_comparable(r, parse_soap(r, lim), lim, ignored);
}

comparable_request make_comparable(const http_request& r, const protocol::result<protocol::parsed_request>& parsed,
                                   const protocol::limits& lim, const std::vector<std::string>& ignored) {
    comparable_request c;
    c.soap = is_soap_exchange(r);
    c.method = r.method;
    c.path = std::string(path_of(r.target));
    c.query = std::string(query_of(r.target));
    c.media_type = media_type_of(r);
    c.range = std::string(r.header("Range").value_or(""));
    c.body = r.body;
    if (!c.soap) {
        c.operation = r.method;
        return c;
    }
    if (!parsed) {
        c.operation = "Invalid";
        if (auto action = r.header("SOAPAction")) {
            if (auto op = protocol::operation_from_action(*action)) {
                c.operation = std::string(protocol::operation_name(*op));
            }
        }
        return c;
    }
    c.parsed = true;
    c.operation = std::string(protocol::operation_name(parsed.value().op));
    // The canonical form comes from the codec's own serializer, so spelling differences of the
    // wire (prefixes, xsi:nil, soapenc:arrayType, unknown children) cannot cause a mismatch.
    const std::string canonical_text =
        protocol::serialize_request(parsed.value().body, parsed.value().version);
    auto env = protocol::read_envelope(canonical_text, lim);
    if (!env) {
        env = protocol::read_envelope(r.body,
                                      lim);  // the serializer's output should always read back
    }
    if (env) {
        c.fields = to_fields(env.value().body_child, ignored);
    }
    return c;
}

std::vector<std::string> differences(const comparable_request& recorded,
                                     const comparable_request& request) {
    std::vector<std::string> out;
    if (!iequals(recorded.method, request.method)) {
        out.push_back("method: recorded " + quoted(recorded.method) + ", request " +
                      quoted(request.method));
    }
    if (!iequals(recorded.path, request.path)) {
        out.push_back("path: recorded " + quoted(recorded.path) + ", request " +
                      quoted(request.path));
    }
    if (recorded.operation != request.operation) {
        out.push_back("operation: recorded " + quoted(recorded.operation) + ", request " +
                      quoted(request.operation));
    }
    if (!recorded.soap) {
        if (recorded.query != request.query) {
            out.push_back("query: recorded " + quoted(recorded.query) + ", request " +
                          quoted(request.query));
        }
        if (recorded.range != request.range) {
            out.push_back("Range: recorded " + quoted(recorded.range) + ", request " +
                          quoted(request.range));
        }
    }
    if (recorded.soap && recorded.media_type != request.media_type) {
        out.push_back("Content-Type: recorded " + quoted(recorded.media_type) + ", request " +
                      quoted(request.media_type));
    }
    if (recorded.parsed && request.parsed) {
        diff_node(recorded.fields, request.fields, "", out);
        for (auto& d : out) {
            if (d.rfind(": ", 0) == 0) {
                d = recorded.operation + d;  // a difference in the wrapper itself
            }
        }
    } else if (recorded.parsed != request.parsed) {
        out.push_back(std::string("body: ") +
                      (recorded.parsed ? "recorded request parses, this one does not"
                                       : "recorded request does not parse, this one does"));
    } else if (recorded.body != request.body) {
        out.push_back("body: recorded " + std::to_string(recorded.body.size()) +
                      " bytes, request " + std::to_string(request.body.size()) +
                      " bytes, contents differ");
    }
    return out;
}

}  // namespace wsuslab::server::detail
