#include "xml_writer.hpp"

#include <wsuslab/protocol/utf8.hpp>

namespace wsuslab::protocol::detail {

// One pass over the text, appending runs of plain ASCII at once: the Core fragments of a
// SyncUpdates page are tens of kilobytes of escaped XML, and escaping them character by
// character after a sanitizing copy was a third of the server's time (docs/performance.md).
// The output is what sanitize_xml_text followed by escaping &, <, > and CR gives.
void append_escaped(std::string& out, std::string_view text) {
    static constexpr std::string_view replacement = "\xEF\xBF\xBD";
    out.reserve(out.size() + text.size() + text.size() / 8);
    std::size_t run = 0;  // start of the plain run not yet appended
    std::size_t i = 0;
    const auto flush = [&] { out.append(text.data() + run, i - run); };
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c < 0x80 && c != '&' && c != '<' && c != '>') {
            ++i;
            continue;
        }
        flush();
        std::size_t len = 1;
        if (c == '&') {
            out += "&amp;";
        } else if (c == '<') {
            out += "&lt;";
        } else if (c == '>') {
            out += "&gt;";
        } else if (c == '\r') {
            out += "&#xD;";  // a literal CR would be normalised to LF by the reader (XML 1.0 §2.11)
        } else if (c == '\t' || c == '\n') {
            out += static_cast<char>(c);
        } else if (c < 0x20) {
            out += replacement;  // not an XML 1.0 Char
        } else {
            char32_t cp = 0;
            len = decode_utf8(text, i, cp);
            if (len == 0) {
                out += replacement;  // an invalid byte is replaced on its own
                len = 1;
            } else if (!is_xml_char(cp)) {
                out += replacement;  // a valid sequence XML cannot carry, replaced whole
            } else {
                out.append(text.data() + i, len);
            }
        }
        i += len;
        run = i;
    }
    flush();
}

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
    append_escaped(out_, text);
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
