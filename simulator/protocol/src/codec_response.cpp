#include <wsuslab/protocol/codec.hpp>

#include <utility>

#include <wsuslab/protocol/envelope.hpp>
#include <wsuslab/protocol/operations.hpp>

#include "codec_support.hpp"
#include "schema_responses.hpp"
#include "xml_reader.hpp"
#include "xml_writer.hpp"

namespace wsuslab::protocol {
namespace {

std::string response_name(operation op) { return std::string(operation_name(op)) + "Response"; }

bool is_some_response(std::string_view local) {
    for (const operation op : all_operations) {
        if (response_name(op) == local) {
            return true;
        }
    }
    return false;
}

}  // namespace

std::string serialize_response(const response& r, soap_version v) {
    const operation op = operation_of(r);
    const std::string name = response_name(op);
    std::string out;
    out.reserve(1024);
    detail::open_envelope(out, v);
    detail::writer w(out);
    w.open_in_namespace(name, service_namespace(service_of(op)));
    // The descriptions take non-const references; the writer only reads through them.
    std::visit([&w](const auto& body_value) {
        using T = std::decay_t<decltype(body_value)>;
        describe(w, const_cast<T&>(body_value));
    }, r);
    w.close(name);
    detail::close_envelope(out, v);
    return out;
}

result<reply> parse_response(operation op, std::string_view body, const limits& lim) {
    auto read = read_envelope(body, lim);
    if (!read) {
        return read.error();
    }
    const envelope& env = read.value();
    const pugi::xml_node wrapper = env.body_child;
    const std::string_view ns = namespace_of(wrapper);
    const std::string_view local = local_name(wrapper);

    if (local == "Fault" && ns == detail::envelope_namespace(env.version)) {
        auto fault = detail::read_fault(wrapper, env.version);
        if (!fault) {
            return fault.error();
        }
        return reply(std::move(fault.value()));
    }

    const std::string expected = response_name(op);
    const std::string_view service_ns = service_namespace(service_of(op));
    if (local != expected || ns != service_ns) {
        if (local == expected) {
            return detail::make_parse_error(parse_status::wrong_namespace, wrapper,
                                            "Body element " + expected +
                                                " is not in namespace " + std::string(service_ns));
        }
        return detail::make_parse_error(
            is_some_response(local) ? parse_status::action_mismatch
                                    : parse_status::unknown_operation,
            wrapper,
            "Body element " + detail::printable(local) + " is not " + expected);
    }

    detail::read_ctx ctx{lim, service_ns, std::nullopt};
    const detail::elem root(wrapper, nullptr, {});
    detail::reader r(ctx, root);
    response resp = detail::variant_at<response>(static_cast<std::size_t>(op));
    std::visit([&r](auto& body_value) { describe(r, body_value); }, resp);
    if (ctx.error) {
        return std::move(*ctx.error);
    }
    return reply(std::move(resp));
}

}  // namespace wsuslab::protocol
