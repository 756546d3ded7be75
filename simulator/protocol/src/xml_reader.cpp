#include "xml_reader.hpp"

#include <charconv>
#include <utility>

#include <wsuslab/protocol/operations.hpp>

#include "xml_names.hpp"

namespace wsuslab::protocol::detail {
namespace {

// The namespace `element` itself declares for `prefix`, if it does.
std::optional<std::string_view> declared_on(pugi::xml_node element, std::string_view prefix) {
    for (pugi::xml_attribute a = element.first_attribute(); a; a = a.next_attribute()) {
        if (declares(a.name(), prefix)) {
            return std::string_view(a.value());
        }
    }
    return std::nullopt;
}

}  // namespace

std::string_view ns_scope::resolve(std::string_view prefix) const {
    if (prefix == "xml") {
        return xml_ns;
    }
    if (auto it = cache_.find(prefix); it != cache_.end()) {
        return it->second;
    }
    std::optional<std::string_view> uri = declared_on(el_, prefix);
    if (!uri) {
        // The root of a chain falls back to walking the real ancestors (Body, Envelope).
        uri = parent_ != nullptr ? parent_->resolve(prefix) : resolve_prefix(el_.parent(), prefix);
    }
    cache_.emplace(prefix, *uri);
    return *uri;
}

std::string_view ns_scope::ns_of_child(pugi::xml_node child) const {
    const std::string_view prefix = prefix_of(child.name());
    auto const own = declared_on(child, prefix);
    return own ? *own : resolve(prefix);
}

std::string elem::path(bool with_index) const {
    if (parent_ == nullptr) {
        return {};  // the operation wrapper is not part of a parameter name
    }
    if (index_ != no_index) {
        std::string p = parent_->path(with_index);
        if (with_index) {
            p += '[' + std::to_string(index_) + ']';
        }
        return p;
    }
    return parent_->child_path(name_, with_index);
}

std::string elem::child_path(std::string_view name, bool with_index) const {
    std::string p = path(with_index);
    if (!p.empty()) {
        p += '.';
    }
    p += name;
    return p;
}

std::string text_of(pugi::xml_node n) {
    std::string s;
    for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling()) {
        if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) {
            s += c.value();
        }
    }
    return s;
}

bool nil_in_scope(pugi::xml_node n, const ns_scope& parent_scope) {
    for (pugi::xml_attribute a = n.first_attribute(); a; a = a.next_attribute()) {
        const std::string_view name = a.name();
        const std::string_view prefix = prefix_of(name);
        if (prefix.empty() || local_of(name) != "nil") {
            continue;
        }
        // The prefix may be declared on the element itself.
        auto const own = declared_on(n, prefix);
        if ((own ? *own : parent_scope.resolve(prefix)) == xsi_ns) {
            const std::string_view v = trim(a.value());
            return v == "true" || v == "1";
        }
    }
    return false;
}

std::optional<std::int64_t> parse_integer(std::string_view text, std::int64_t min,
                                          std::int64_t max) {
    std::string_view t = trim(text);
    // xs:integer allows a leading '+', which std::from_chars does not.
    if (!t.empty() && t.front() == '+') {
        t.remove_prefix(1);
        if (!t.empty() && (t.front() == '-' || t.front() == '+')) {
            return std::nullopt;
        }
    }
    if (t.empty()) {
        return std::nullopt;
    }
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec != std::errc{} || end != t.data() + t.size() || v < min || v > max) {
        return std::nullopt;
    }
    return v;
}

std::optional<bool> parse_boolean(std::string_view text) {
    const std::string_view t = trim(text);
    if (t == "true" || t == "1") {
        return true;
    }
    if (t == "false" || t == "0") {
        return false;
    }
    return std::nullopt;
}

namespace {

// The item's value when it is valid for its kind: a GUID without its surrounding XML white space
// (its letter case kept), base64Binary and text as written.
std::optional<std::string> check_item(const std::string& text, item_kind kind) {
    switch (kind) {
        case item_kind::text:
            return text;
        case item_kind::guid:
            if (!is_guid(trim(text))) {
                return std::nullopt;
            }
            return std::string(trim(text));
        case item_kind::base64:
            if (!is_base64_binary(text)) {
                return std::nullopt;
            }
            return text;
    }
    return std::nullopt;
}

}  // namespace

pugi::xml_node reader::find(std::string_view name, pugi::xml_node* elsewhere) const {
    for (pugi::xml_node c = e_.node().first_child(); c; c = c.next_sibling()) {
        if (c.type() != pugi::node_element || local_of(c.name()) != name) {
            continue;
        }
        if (e_.scope().ns_of_child(c) == ctx_.ns) {
            return c;
        }
        if (elsewhere != nullptr && !*elsewhere) {
            *elsewhere = c;
        }
    }
    return {};
}

pugi::xml_node reader::present(std::string_view name, occurs o) {
    if (!ok()) {
        return {};
    }
    pugi::xml_node elsewhere;
    pugi::xml_node n = find(name, &elsewhere);
    if (n && nil_in_scope(n, e_.scope())) {
        n = pugi::xml_node();
    }
    if (!n && o == occurs::required) {
        std::string param = e_.child_path(name, false);
        if (elsewhere) {
            fail(parse_status::wrong_namespace, elsewhere,
                 "element " + e_.child_path(name, true) + " is not in namespace " +
                     std::string(ctx_.ns),
                 std::move(param));
        } else {
            fail(parse_status::missing_element, e_.node(),
                 "missing required element " + e_.child_path(name, true), std::move(param));
        }
    }
    return n;
}

void reader::fail(parse_status status, pugi::xml_node at, std::string description,
                  std::string parameter) {
    if (ctx_.error) {
        return;
    }
    const std::ptrdiff_t off = at ? at.offset_debug() : -1;
    ctx_.error = parse_error{status, off < 0 ? 0 : static_cast<std::size_t>(off),
                             std::move(description), std::move(parameter)};
}

void reader::invalid(pugi::xml_node at, std::string path, std::string parameter,
                     std::string_view type) {
    fail(parse_status::invalid_value, at,
         "invalid " + std::string(type) + " value at " + path, std::move(parameter));
}

void reader::text(std::string_view name, std::string& out, occurs o) {
    if (pugi::xml_node n = present(name, o)) {
        out = text_of(n);
    }
}

void reader::text(std::string_view name, std::optional<std::string>& out, occurs o) {
    if (pugi::xml_node n = present(name, o)) {
        out = text_of(n);
    }
}

std::optional<std::string> reader::read_guid(std::string_view name, occurs o) {
    pugi::xml_node n = present(name, o);
    if (!n) {
        return std::nullopt;
    }
    auto value = check_item(text_of(n), item_kind::guid);
    if (!value) {
        invalid(n, e_.child_path(name, true), e_.child_path(name, false), "GUID");
    }
    return value;
}

void reader::guid(std::string_view name, std::string& out, occurs o) {
    if (auto v = read_guid(name, o)) {
        out = std::move(*v);
    }
}

void reader::guid(std::string_view name, std::optional<std::string>& out, occurs o) {
    if (auto v = read_guid(name, o)) {
        out = std::move(v);
    }
}

void reader::base64(std::string_view name, std::optional<std::string>& out, occurs o) {
    if (pugi::xml_node n = present(name, o)) {
        auto value = check_item(text_of(n), item_kind::base64);
        if (!value) {
            return invalid(n, e_.child_path(name, true), e_.child_path(name, false),
                           "base64Binary");
        }
        out = std::move(value);
    }
}

void reader::boolean(std::string_view name, bool& out, occurs o) {
    if (pugi::xml_node n = present(name, o)) {
        const auto v = parse_boolean(text_of(n));
        if (!v) {
            return invalid(n, e_.child_path(name, true), e_.child_path(name, false), "boolean");
        }
        out = *v;
    }
}

void reader::boolean(std::string_view name, std::optional<bool>& out, occurs o) {
    if (pugi::xml_node n = present(name, o)) {
        const auto v = parse_boolean(text_of(n));
        if (!v) {
            return invalid(n, e_.child_path(name, true), e_.child_path(name, false), "boolean");
        }
        out = *v;
    }
}

void reader::action(std::string_view name, deployment_action& out) {
    if (pugi::xml_node n = present(name, occurs::required)) {
        const auto v = deployment_action_from_name(trim(text_of(n)));
        if (!v) {
            return invalid(n, e_.child_path(name, true), e_.child_path(name, false),
                           "DeploymentAction");
        }
        out = *v;
    }
}

bool reader::read_integer(std::string_view name, occurs o, std::int64_t min, std::int64_t max,
                          std::int64_t& out) {
    pugi::xml_node n = present(name, o);
    if (!n) {
        return false;
    }
    const auto v = parse_integer(text_of(n), min, max);
    if (!v) {
        const char* type = min == 0 && max == 255       ? "unsignedByte"
                           : max == 32767               ? "short"
                           : max == 2147483647          ? "int"
                                                        : "long";
        invalid(n, e_.child_path(name, true), e_.child_path(name, false), type);
        return false;
    }
    out = *v;
    return true;
}

bool reader::collect_items(const elem& array, std::string_view item, std::size_t limit,
                           std::vector<pugi::xml_node>& nodes) {
    std::size_t count = 0;
    for (pugi::xml_node c = array.node().first_child(); c; c = c.next_sibling()) {
        if (c.type() != pugi::node_element || local_of(c.name()) != item ||
            array.scope().ns_of_child(c) != ctx_.ns) {
            continue;
        }
        if (++count <= limit) {
            nodes.push_back(c);
        }
    }
    if (count > limit) {
        fail(parse_status::array_too_long, array.node(),
             array.path(true) + " has " + std::to_string(count) + " items; the limit is " +
                 std::to_string(limit),
             array.path(false));
        return false;
    }
    return true;
}

void reader::ints(std::string_view name, std::optional<id_list>& out, occurs o,
                  array_limit which) {
    const std::size_t limit = which == array_limit::installed_non_leaf
                                  ? ctx_.lim.max_installed_non_leaf_ids
                                  : ctx_.lim.max_array_items;
    pugi::xml_node n = present(name, o);
    if (!n) {
        return;
    }
    elem array(n, &e_, name);
    std::vector<pugi::xml_node> nodes;
    if (!collect_items(array, "int", limit, nodes)) {
        return;
    }
    id_list values;
    values.reserve(nodes.size());
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        const auto v = parse_integer(text_of(nodes[i]), std::numeric_limits<std::int32_t>::min(),
                                     std::numeric_limits<std::int32_t>::max());
        if (!v) {
            return invalid(nodes[i], array.path(true) + '[' + std::to_string(i) + ']',
                           array.path(false), "int");
        }
        values.push_back(static_cast<std::int32_t>(*v));
    }
    out = std::move(values);
}

namespace {

const char* kind_name(item_kind kind) {
    return kind == item_kind::guid ? "GUID" : kind == item_kind::base64 ? "base64Binary" : "string";
}

}  // namespace

void reader::strings(std::string_view name, std::string_view item, item_kind kind,
                     std::optional<string_list>& out, occurs o) {
    pugi::xml_node n = present(name, o);
    if (!n) {
        return;
    }
    elem array(n, &e_, name);
    std::vector<pugi::xml_node> nodes;
    if (!collect_items(array, item, ctx_.lim.max_array_items, nodes)) {
        return;
    }
    string_list values;
    values.reserve(nodes.size());
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        // ArrayOfString items are nillable; a nil item keeps its position as "".
        if (nil_in_scope(nodes[i], array.scope())) {
            if (kind == item_kind::text) {
                values.emplace_back();
            }
            continue;
        }
        auto v = check_item(text_of(nodes[i]), kind);
        if (!v) {
            return invalid(nodes[i], array.path(true) + '[' + std::to_string(i) + ']',
                           array.path(false), kind_name(kind));
        }
        values.push_back(std::move(*v));
    }
    out = std::move(values);
}

void reader::nested_strings(std::string_view outer, std::string_view inner, std::string_view item,
                            item_kind kind, std::optional<string_list>& out) {
    if (pugi::xml_node n = present(outer, occurs::optional)) {
        elem child(n, &e_, outer);
        reader r(ctx_, child);
        r.strings(inner, item, kind, out);
    }
}

void reader::wrapped_strings(std::string_view name, std::string_view item, std::string_view field,
                             item_kind kind, std::optional<string_list>& out) {
    pugi::xml_node n = present(name, occurs::optional);
    if (!n) {
        return;
    }
    elem array(n, &e_, name);
    std::vector<pugi::xml_node> nodes;
    if (!collect_items(array, item, ctx_.lim.max_array_items, nodes)) {
        return;
    }
    string_list values;
    values.reserve(nodes.size());
    for (std::size_t i = 0; i < nodes.size() && ok(); ++i) {
        if (nil_in_scope(nodes[i], array.scope())) {
            continue;
        }
        elem child(nodes[i], &array, item, i);
        reader r(ctx_, child);
        std::string value;
        if (kind == item_kind::guid) {
            r.guid(field, value);
        } else {
            r.text(field, value);
        }
        values.push_back(std::move(value));
    }
    if (ok()) {
        out = std::move(values);
    }
}

void reader::nested_text(std::string_view outer, std::string_view inner,
                         std::optional<std::string>& out) {
    if (pugi::xml_node n = present(outer, occurs::optional)) {
        elem child(n, &e_, outer);
        reader r(ctx_, child);
        r.text(inner, out);
    }
}

}  // namespace wsuslab::protocol::detail
