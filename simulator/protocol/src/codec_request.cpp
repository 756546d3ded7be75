#include <wsuslab/protocol/codec.hpp>

#include <utility>

#include <wsuslab/protocol/envelope.hpp>
#include <wsuslab/protocol/operations.hpp>

#include "codec_support.hpp"
#include "schema_requests.hpp"
#include "xml_reader.hpp"
#include "xml_writer.hpp"

namespace wsuslab::protocol {
namespace {

// The operation whose wrapper has this local name in some service namespace, if any.
std::optional<operation> operation_named(std::string_view local) {
    for (const operation op : all_operations) {
        if (operation_name(op) == local) {
            return op;
        }
    }
    return std::nullopt;
}

// The header value as the spec writes it, without the surrounding quotes.
std::string_view unquoted(std::string_view action) {
    if (action.size() >= 2 && action.front() == '"' && action.back() == '"') {
        return action.substr(1, action.size() - 2);
    }
    return action;
}

}  // namespace

result<parsed_request> parse_request(std::string_view body,
                                     std::optional<std::string_view> soap_action,
                                     const limits& lim) {
    auto read = read_envelope(body, lim);
    if (!read) {
        return read.error();
    }
    const envelope& env = read.value();
    const pugi::xml_node wrapper = env.body_child;
    const std::string_view ns = namespace_of(wrapper);
    const std::string_view local = local_name(wrapper);

    // Dispatch rule of docs/protocol-notes.md §2.5: SOAPAction (quotes stripped) and the Body
    // wrapper must both be known and must agree.
    std::optional<operation> by_action;
    if (soap_action) {
        by_action = operation_from_action(*soap_action);
        if (!by_action) {
            return detail::make_parse_error(
                parse_status::unknown_operation, {},
                "unknown SOAPAction \"" + detail::printable(unquoted(*soap_action)) + "\"");
        }
    }
    const std::optional<operation> by_wrapper = operation_from_wrapper(ns, local);
    if (!by_wrapper) {
        if (auto named = operation_named(local)) {
            return detail::make_parse_error(
                parse_status::wrong_namespace, wrapper,
                "Body element " + std::string(local) + " is not in namespace " +
                    std::string(service_namespace(service_of(*named))));
        }
        return detail::make_parse_error(parse_status::unknown_operation, wrapper,
                                        "unknown operation element " + detail::printable(local) +
                                            " in namespace \"" + detail::printable(ns) + "\"");
    }
    if (by_action && *by_action != *by_wrapper) {
        return detail::make_parse_error(
            parse_status::action_mismatch, wrapper,
            "SOAPAction \"" + detail::printable(unquoted(*soap_action)) +
                "\" does not match Body element " +
                std::string(local));
    }

    const operation op = *by_wrapper;
    detail::read_ctx ctx{lim, service_namespace(service_of(op)), std::nullopt};
    const detail::elem root(wrapper, nullptr, {});
    detail::reader r(ctx, root);
    request req = detail::variant_at<request>(static_cast<std::size_t>(op));
    std::visit([&r](auto& body_value) { describe(r, body_value); }, req);
    if (ctx.error) {
        return std::move(*ctx.error);
    }
    return parsed_request{op, env.version, std::move(req)};
}

std::string serialize_request(const request& r, soap_version v) {
    const operation op = operation_of(r);
    std::string out;
    out.reserve(1024);
    detail::open_envelope(out, v);
    detail::writer w(out);
    w.open_in_namespace(operation_name(op), service_namespace(service_of(op)));
    // The descriptions take non-const references; the writer only reads through them.
    std::visit([&w](const auto& body_value) {
        using T = std::decay_t<decltype(body_value)>;
        describe(w, const_cast<T&>(body_value));
    }, r);
    w.close(operation_name(op));
    detail::close_envelope(out, v);
    return out;
}

}  // namespace wsuslab::protocol
