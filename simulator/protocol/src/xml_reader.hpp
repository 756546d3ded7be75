#pragma once
// Internal: reading MS-WUSP elements out of a validated envelope. Elements are matched by
// namespace URI and local name (never by prefix); unknown children and attributes (xsi:nil aside,
// soapenc:arrayType and the like) are ignored; the first error is kept and stops the parse.
// A `reader` is the visitor that the schema descriptions (schema_*.hpp) drive; `writer` in
// xml_writer.hpp is its counterpart, so element names and order are written down once.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <pugixml.hpp>

#include <wsuslab/protocol/codec.hpp>
#include <wsuslab/protocol/text.hpp>
#include <wsuslab/protocol/types.hpp>

namespace wsuslab::protocol::detail {

/// How a member maps onto minOccurs. `optional` members may be absent; `required` ones are
/// reported missing when absent (also used for optional<> members the spec says MUST be present);
/// `defaulted` members keep their default when absent (ExpressQuery: "MUST send false or omit").
enum class occurs { optional, required, defaulted };

/// Which limit an ID array is held to (limits.hpp).
enum class array_limit { items, installed_non_leaf };

/// What the items of a string array hold, for validation.
enum class item_kind { text, guid, base64 };

/// The xmlns scope of one element, chained to its parent's scope. Prefix lookups are cached per
/// scope so that reading N siblings costs O(N) even when ancestors carry many attributes.
class ns_scope {
public:
    ns_scope(pugi::xml_node element, const ns_scope* parent) : el_(element), parent_(parent) {}
    std::string_view resolve(std::string_view prefix) const;
    /// The namespace of a child element of this scope's element.
    std::string_view ns_of_child(pugi::xml_node child) const;

private:
    pugi::xml_node el_;
    const ns_scope* parent_;
    mutable std::unordered_map<std::string_view, std::string_view> cache_;
};

struct read_ctx {
    const limits& lim;
    std::string_view ns;  ///< the service namespace every element must be in
    std::optional<parse_error> error;
};

/// An element being read: its node, its namespace scope and its place in the parameter path.
class elem {
public:
    static constexpr std::size_t no_index = std::numeric_limits<std::size_t>::max();
    elem(pugi::xml_node node, const elem* parent, std::string_view name, std::size_t index = no_index)
        : node_(node), parent_(parent), name_(name), index_(index),
          scope_(node, parent != nullptr ? &parent->scope_ : nullptr) {}

    pugi::xml_node node() const { return node_; }
    const ns_scope& scope() const { return scope_; }
    /// "parameters.SystemSpec[2].HardwareIDs" (with_index) or "parameters.SystemSpec.HardwareIDs".
    std::string path(bool with_index) const;
    std::string child_path(std::string_view name, bool with_index) const;

private:
    pugi::xml_node node_;
    const elem* parent_;
    std::string_view name_;
    std::size_t index_;
    ns_scope scope_;
};

/// The text content of an element (pcdata and CDATA children concatenated).
std::string text_of(pugi::xml_node n);
/// Whether the element carries xsi:nil="true"/"1", resolving the prefix through `scope`.
bool nil_in_scope(pugi::xml_node n, const ns_scope& parent_scope);

std::optional<std::int64_t> parse_integer(std::string_view text, std::int64_t min, std::int64_t max);
std::optional<bool> parse_boolean(std::string_view text);

class reader {
public:
    reader(read_ctx& ctx, const elem& e) : ctx_(ctx), e_(e) {}
    bool ok() const { return !ctx_.error; }

    void text(std::string_view name, std::string& out, occurs o = occurs::required);
    void text(std::string_view name, std::optional<std::string>& out, occurs o = occurs::optional);
    void guid(std::string_view name, std::string& out, occurs o = occurs::required);
    void guid(std::string_view name, std::optional<std::string>& out, occurs o = occurs::optional);
    void base64(std::string_view name, std::optional<std::string>& out, occurs o = occurs::optional);
    void boolean(std::string_view name, bool& out, occurs o = occurs::required);
    void boolean(std::string_view name, std::optional<bool>& out, occurs o = occurs::optional);
    void action(std::string_view name, deployment_action& out);

    template <class I>
    void integer(std::string_view name, I& out, occurs o = occurs::required) {
        std::int64_t v = 0;
        if (read_integer(name, o, std::numeric_limits<I>::min(), std::numeric_limits<I>::max(), v)) {
            out = static_cast<I>(v);
        }
    }
    template <class I>
    void integer(std::string_view name, std::optional<I>& out, occurs o = occurs::optional) {
        std::int64_t v = 0;
        if (read_integer(name, o, std::numeric_limits<I>::min(), std::numeric_limits<I>::max(), v)) {
            out = static_cast<I>(v);
        }
    }

    template <class T>
    void object(std::string_view name, T& out, occurs o = occurs::required) {
        if (pugi::xml_node n = present(name, o)) {
            elem child(n, &e_, name);
            reader r(ctx_, child);
            describe(r, out);
        }
    }
    template <class T>
    void object(std::string_view name, std::optional<T>& out, occurs o = occurs::optional) {
        if (pugi::xml_node n = present(name, o)) {
            elem child(n, &e_, name);
            reader r(ctx_, child);
            T value{};
            describe(r, value);
            if (ok()) {
                out = std::move(value);
            }
        }
    }

    void ints(std::string_view name, std::optional<id_list>& out, occurs o = occurs::optional,
              array_limit which = array_limit::items);
    /// Accepted when parsing but never written (AuthPlugInInfo/Parameter, erratum 10).
    void parse_only_text(std::string_view name, std::optional<std::string>& out) {
        text(name, out);
    }
    void strings(std::string_view name, std::string_view item, item_kind kind,
                 std::optional<string_list>& out, occurs o = occurs::optional);

    template <class T>
    void objects(std::string_view name, std::string_view item, std::optional<std::vector<T>>& out,
                 occurs o = occurs::optional) {
        pugi::xml_node n = present(name, o);
        if (!n) {
            return;
        }
        elem array_elem(n, &e_, name);
        const elem* array = &array_elem;
        std::vector<pugi::xml_node> nodes;
        if (!collect_items(*array, item, ctx_.lim.max_array_items, nodes)) {
            return;
        }
        std::vector<T> values;
        values.reserve(nodes.size());
        for (std::size_t i = 0; i < nodes.size() && ok(); ++i) {
            if (nil_in_scope(nodes[i], array->scope())) {
                continue;  // a nil item carries nothing (the items are nillable="true")
            }
            elem child(nodes[i], array, item, i);
            reader r(ctx_, child);
            T value{};
            describe(r, value);
            values.push_back(std::move(value));
        }
        if (ok()) {
            out = std::move(values);
        }
    }

    /// `<outer><inner><item>..</item></inner></outer>` flattened to one list (ComputerSpec).
    void nested_strings(std::string_view outer, std::string_view inner, std::string_view item,
                        item_kind kind, std::optional<string_list>& out);
    /// `<name><item><field>..</field></item>..</name>` flattened to a list (FilterCategoryIds).
    void wrapped_strings(std::string_view name, std::string_view item, std::string_view field,
                         item_kind kind, std::optional<string_list>& out);
    /// `<outer><inner>text</inner></outer>` flattened to one optional string (TargetID/Sid).
    void nested_text(std::string_view outer, std::string_view inner, std::optional<std::string>& out);

private:
    pugi::xml_node find(std::string_view name, pugi::xml_node* elsewhere) const;
    /// The element when present and not nil; reports a missing required element.
    pugi::xml_node present(std::string_view name, occurs o);
    /// A present GUID element's trimmed text; reports an invalid one.
    std::optional<std::string> read_guid(std::string_view name, occurs o);
    bool read_integer(std::string_view name, occurs o, std::int64_t min, std::int64_t max,
                      std::int64_t& out);
    bool collect_items(const elem& array, std::string_view item, std::size_t limit,
                       std::vector<pugi::xml_node>& nodes);
    void invalid(pugi::xml_node at, std::string path, std::string parameter, std::string_view type);
    void fail(parse_status status, pugi::xml_node at, std::string description, std::string parameter);

    read_ctx& ctx_;
    const elem& e_;
};

}  // namespace wsuslab::protocol::detail
