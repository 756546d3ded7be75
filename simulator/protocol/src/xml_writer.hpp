#pragma once
// Internal: the serializing visitor. Emits compact XML (no whitespace between elements), elements
// in the order the schema descriptions visit them, optional members only when present, and
// present-but-empty values as <Name />. Text is escaped (&, <, >, CR) and sanitized to valid XML
// characters, so the output is always well-formed and byte-identical for equal input.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <wsuslab/protocol/types.hpp>

#include "xml_reader.hpp"  // occurs, item_kind

namespace wsuslab::protocol::detail {

class writer {
public:
    explicit writer(std::string& out) : out_(out) {}

    /// `<name>` ... `</name>`, collapsing to `<name />` when nothing was written in between.
    void open(std::string_view name);
    void close(std::string_view name);
    void leaf(std::string_view name, std::string_view text);  // escaped text

    void text(std::string_view name, const std::string& v, occurs = occurs::required) {
        leaf(name, v);
    }
    void text(std::string_view name, const std::optional<std::string>& v,
              occurs = occurs::optional) {
        if (v) {
            leaf(name, *v);
        }
    }
    void guid(std::string_view name, const std::string& v, occurs o = occurs::required) {
        text(name, v, o);
    }
    void guid(std::string_view name, const std::optional<std::string>& v,
              occurs o = occurs::optional) {
        text(name, v, o);
    }
    void base64(std::string_view name, const std::optional<std::string>& v,
                occurs o = occurs::optional) {
        text(name, v, o);
    }
    void boolean(std::string_view name, bool v, occurs = occurs::required) {
        leaf(name, v ? "true" : "false");
    }
    void boolean(std::string_view name, const std::optional<bool>& v, occurs = occurs::optional) {
        if (v) {
            boolean(name, *v);
        }
    }
    void action(std::string_view name, deployment_action a) {
        leaf(name, deployment_action_name(a));
    }

    template <class I>
    void integer(std::string_view name, I v, occurs = occurs::required) {
        static_assert(std::is_integral_v<I>);
        leaf(name, std::to_string(static_cast<std::int64_t>(v)));
    }
    template <class I>
    void integer(std::string_view name, const std::optional<I>& v, occurs = occurs::optional) {
        if (v) {
            integer(name, *v);
        }
    }

    template <class T>
    void object(std::string_view name, const T& v, occurs = occurs::required) {
        open(name);
        // The descriptions take non-const references so that one text serves both visitors;
        // the writer only ever reads through them.
        describe(*this, const_cast<T&>(v));
        close(name);
    }
    template <class T>
    void object(std::string_view name, const std::optional<T>& v, occurs = occurs::optional) {
        if (v) {
            object(name, *v);
        }
    }

    void ints(std::string_view name, const std::optional<id_list>& v, occurs = occurs::optional,
              array_limit = array_limit::items);
    void parse_only_text(std::string_view, const std::optional<std::string>&) {}
    /// `<name xmlns="ns">`, closed by close(name).
    void open_in_namespace(std::string_view name, std::string_view ns);
    void strings(std::string_view name, std::string_view item, item_kind,
                 const std::optional<string_list>& v, occurs = occurs::optional);

    template <class T>
    void objects(std::string_view name, std::string_view item,
                 const std::optional<std::vector<T>>& v, occurs = occurs::optional) {
        if (!v) {
            return;
        }
        open(name);
        for (const T& x : *v) {
            object(item, x);
        }
        close(name);
    }

    void nested_strings(std::string_view outer, std::string_view inner, std::string_view item,
                        item_kind kind, const std::optional<string_list>& v);
    void wrapped_strings(std::string_view name, std::string_view item, std::string_view field,
                         item_kind kind, const std::optional<string_list>& v);
    void nested_text(std::string_view outer, std::string_view inner,
                     const std::optional<std::string>& v);

private:
    std::string& out_;
    std::vector<std::size_t> marks_;  // out_.size() right after each open tag
};

}  // namespace wsuslab::protocol::detail
