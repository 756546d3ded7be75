// Bytes -> the client's reading of a server answer: parse_response for one operation (a response
// or a SOAP fault) and parse_fault (what the agent does with an HTTP 500 body).
// Invariants: errors carry a description; a parsed response or fault serializes and parses back
// to the same text.
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include <wsuslab/protocol/codec.hpp>
#include <wsuslab/protocol/operations.hpp>

#include "fuzz_check.hpp"

namespace proto = wsuslab::protocol;

namespace {

void check_fault_round_trip(const proto::soap_fault& f, proto::soap_version v) {
    const std::string once = proto::serialize_fault(f, v);
    auto again = proto::parse_fault(once);
    if (!again) {
        std::fprintf(stderr, "fault re-parse failed: %s\n%s\n",
                     again.error().description.c_str(), once.c_str());
    }
    WSUSLAB_FUZZ_CHECK(again.ok());
    WSUSLAB_FUZZ_CHECK(proto::serialize_fault(again.value(), v) == once);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    const auto op = proto::all_operations[data[0] % std::size(proto::all_operations)];
    const std::string_view body = wsuslab::fuzz::as_text(data + 1, size - 1);

    auto reply = proto::parse_response(op, body);
    if (!reply) {
        WSUSLAB_FUZZ_CHECK(!reply.error().description.empty());
    } else if (const auto* r = std::get_if<proto::response>(&reply.value())) {
        WSUSLAB_FUZZ_CHECK(proto::operation_of(*r) == op);
        const std::string once = proto::serialize_response(*r);
        auto again = proto::parse_response(op, once);
        if (!again) {
            std::fprintf(stderr, "response re-parse failed: %s\n%s\n",
                         again.error().description.c_str(), once.c_str());
        }
        WSUSLAB_FUZZ_CHECK(again.ok());
        const auto* r2 = std::get_if<proto::response>(&again.value());
        WSUSLAB_FUZZ_CHECK(r2 != nullptr);
        WSUSLAB_FUZZ_CHECK(proto::serialize_response(*r2) == once);
    } else {
        check_fault_round_trip(std::get<proto::soap_fault>(reply.value()), proto::soap_version::v1_1);
    }

    auto fault = proto::parse_fault(body);
    if (!fault) {
        WSUSLAB_FUZZ_CHECK(!fault.error().description.empty());
    } else {
        check_fault_round_trip(fault.value(), proto::soap_version::v1_1);
        check_fault_round_trip(fault.value(), proto::soap_version::v1_2);
    }
    return 0;
}
