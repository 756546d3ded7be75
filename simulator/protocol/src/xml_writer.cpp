#include "xml_writer.hpp"

#include <wsuslab/protocol/text.hpp>

namespace wsuslab::protocol::detail {

void writer::open(std::string_view name) {
    out_ += '<';
    out_ += name;
    out_ += '>';
    marks_.push_back(out_.size());
}

void writer::open_in_namespace(std::string_view name, std::string_view ns) {
    out_ += '<';
    out_ += name;
    out_ += " xmlns=\"";
    out_ += ns;
    out_ += "\">";
    marks_.push_back(out_.size());
}

void writer::close(std::string_view name) {
    const std::size_t mark = marks_.back();
    marks_.pop_back();
    if (out_.size() == mark) {
        out_.pop_back();
        out_ += " />";
        return;
    }
    out_ += "</";
    out_ += name;
    out_ += '>';
}

void writer::leaf(std::string_view name, std::string_view text) {
    if (text.empty()) {
        out_ += '<';
        out_ += name;
        out_ += " />";
        return;
    }
    out_ += '<';
    out_ += name;
    out_ += '>';
    append_xml_escaped(out_, text, xml_context::text);
    out_ += "</";
    out_ += name;
    out_ += '>';
}

void writer::ints(std::string_view name, const std::optional<id_list>& v, occurs, array_limit) {
    if (!v) {
        return;
    }
    open(name);
    for (const std::int32_t x : *v) {
        leaf("int", std::to_string(x));
    }
    close(name);
}

void writer::strings(std::string_view name, std::string_view item, item_kind,
                     const std::optional<string_list>& v, occurs) {
    if (!v) {
        return;
    }
    open(name);
    for (const std::string& x : *v) {
        leaf(item, x);
    }
    close(name);
}

void writer::nested_strings(std::string_view outer, std::string_view inner, std::string_view item,
                            item_kind kind, const std::optional<string_list>& v) {
    if (!v) {
        return;
    }
    open(outer);
    strings(inner, item, kind, v);
    close(outer);
}

void writer::wrapped_strings(std::string_view name, std::string_view item, std::string_view field,
                             item_kind, const std::optional<string_list>& v) {
    if (!v) {
        return;
    }
    open(name);
    for (const std::string& x : *v) {
        open(item);
        leaf(field, x);
        close(item);
    }
    close(name);
}

void writer::nested_text(std::string_view outer, std::string_view inner,
                         const std::optional<std::string>& v) {
    if (!v) {
        return;
    }
    open(outer);
    leaf(inner, *v);
    close(outer);
}

}  // namespace wsuslab::protocol::detail
