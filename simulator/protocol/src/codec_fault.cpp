#include <string>
#include <utility>

#include <wsuslab/protocol/codec.hpp>
#include <wsuslab/protocol/envelope.hpp>
#include <wsuslab/protocol/operations.hpp>

#include "codec_support.hpp"
#include "xml_names.hpp"
#include "xml_reader.hpp"
#include "xml_writer.hpp"

namespace wsuslab::protocol {
namespace detail {
namespace {

// The MS-WUSP detail: unqualified ErrorCode / Message / ID / Method (docs/protocol-notes.md §5.1).
struct fault_detail {
    std::optional<std::string> error;
    std::optional<std::string> message;
    std::optional<std::string> id;
    std::optional<std::string> method;
};

template <class V>
void describe(V& v, fault_detail& d) {
    v.text("ErrorCode", d.error);
    v.text("Message", d.message);
    v.text("ID", d.id);
    v.text("Method", d.method);
}

// SOAP 1.1 faultcode / SOAP 1.2 Code/Value local names; subcodes ("Client.Auth") count as their
// base code. Unknown values are taken as a server-side failure.
fault_code fault_code_from_text(std::string_view qname) {
    std::string_view local = local_of(trim(qname));
    local = local.substr(0, local.find('.'));
    if (local == "VersionMismatch") {
        return fault_code::version_mismatch;
    }
    if (local == "MustUnderstand") {
        return fault_code::must_understand;
    }
    if (local == "Client" || local == "Sender") {
        return fault_code::client;
    }
    return fault_code::server;
}

std::string_view soap12_code_name(fault_code c) {
    switch (c) {
        case fault_code::client:
            return "Sender";
        case fault_code::server:
            return "Receiver";
        default:
            return fault_code_name(c);
    }
}

void write_detail(writer& w, std::string_view element, const soap_fault& f) {
    if (!f.error) {
        return;  // envelope-level faults carry no MS-WUSP detail
    }
    w.open(element);
    w.leaf("ErrorCode", *f.error);
    w.leaf("Message", f.message);  // WSUS sends <Message /> when there is none
    if (!f.id.empty()) {
        w.leaf("ID", f.id);
    }
    if (!f.method.empty()) {
        w.leaf("Method", f.method);
    }
    w.close(element);
}

}  // namespace

result<soap_fault> read_fault(pugi::xml_node fault, soap_version v) {
    const limits lim;
    soap_fault f;
    f.faultstring.clear();
    fault_detail d;
    const elem root(fault, nullptr, {});
    if (v == soap_version::v1_1) {
        // SOAP 1.1 Fault children are unqualified.
        read_ctx ctx{lim, {}, std::nullopt};
        reader r(ctx, root);
        std::string code;
        r.text("faultcode", code);
        r.text("faultstring", f.faultstring, occurs::defaulted);
        r.text("faultactor", f.faultactor);
        r.object("detail", d, occurs::defaulted);
        if (ctx.error) {
            return std::move(*ctx.error);
        }
        f.code = fault_code_from_text(code);
    } else {
        read_ctx ctx{lim, soap12_envelope_ns, std::nullopt};
        reader r(ctx, root);
        std::optional<std::string> value;
        std::optional<std::string> text;
        r.nested_text("Code", "Value", value);
        r.nested_text("Reason", "Text", text);
        r.text("Role", f.faultactor);
        r.object("Detail", d, occurs::defaulted);  // env:Detail, if that is what was sent
        // MS-WSUSSS §2.2.9.2: the MS-WUSP Detail element carries no namespace.
        read_ctx plain{lim, {}, std::nullopt};
        reader rp(plain, root);
        rp.object("Detail", d, occurs::defaulted);
        if (ctx.error || plain.error) {
            return std::move(ctx.error ? *ctx.error : *plain.error);
        }
        if (!value) {
            return make_parse_error(parse_status::missing_element, fault,
                                    "missing required element Code.Value");
        }
        f.code = fault_code_from_text(*value);
        f.faultstring = text.value_or(std::string());
    }
    f.error = std::move(d.error);
    f.message = d.message.value_or(std::string());
    f.id = d.id.value_or(std::string());
    f.method = d.method.value_or(std::string());
    return f;
}

}  // namespace detail

std::string serialize_fault(const soap_fault& f, soap_version v) {
    std::string out;
    out.reserve(512);
    detail::open_envelope(out, v);
    detail::writer w(out);
    if (v == soap_version::v1_1) {
        w.open("soap:Fault");
        w.leaf("faultcode", "soap:" + std::string(fault_code_name(f.code)));
        w.leaf("faultstring", f.faultstring);
        if (f.faultactor) {
            w.leaf("faultactor", *f.faultactor);
        }
        detail::write_detail(w, "detail", f);
        w.close("soap:Fault");
    } else {
        w.open("soap12:Fault");
        w.open("soap12:Code");
        w.leaf("soap12:Value", "soap12:" + std::string(detail::soap12_code_name(f.code)));
        w.close("soap12:Code");
        w.open("soap12:Reason");
        out += "<soap12:Text xml:lang=\"en\">";
        append_xml_escaped(out, f.faultstring, xml_context::text);
        out += "</soap12:Text>";
        w.close("soap12:Reason");
        if (f.faultactor) {
            w.leaf("soap12:Role", *f.faultactor);
        }
        detail::write_detail(w, "Detail", f);
        w.close("soap12:Fault");
    }
    detail::close_envelope(out, v);
    return out;
}

result<soap_fault> parse_fault(std::string_view body, const limits& lim) {
    auto read = read_envelope(body, lim);
    if (!read) {
        return read.error();
    }
    const envelope& env = read.value();
    if (local_name(env.body_child) != "Fault" ||
        namespace_of(env.body_child) != detail::envelope_namespace(env.version)) {
        return detail::make_parse_error(parse_status::not_a_fault, env.body_child,
                                        "SOAP Body holds no Fault");
    }
    return detail::read_fault(env.body_child, env.version);
}

}  // namespace wsuslab::protocol
