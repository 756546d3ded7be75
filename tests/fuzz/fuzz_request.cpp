// Bytes -> SOAP envelope checks -> MS-WUSP request model (what the mock WSUS does with a POST body).
// Invariants: a rejected body carries a description and a faultcode; an accepted one serializes
// and parses back to the same request (compared through its serialization, the model has no ==).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <wsuslab/protocol/codec.hpp>
#include <wsuslab/protocol/operations.hpp>

#include "fuzz_check.hpp"

namespace proto = wsuslab::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    // The first byte picks the SOAPAction header: none (the Body wrapper decides, as for SOAP 1.2)
    // or the action of one operation, so that action_mismatch paths are reached too.
    const std::size_t n_ops = std::size(proto::all_operations);
    const std::size_t pick = data[0] % (n_ops + 1);
    std::optional<std::string_view> action;
    if (pick < n_ops) {
        action = proto::soap_action(proto::all_operations[pick]);
    }
    const std::string_view body = wsuslab::fuzz::as_text(data + 1, size - 1);

    auto parsed = proto::parse_request(body, action);
    if (!parsed) {
        const auto& e = parsed.error();
        WSUSLAB_FUZZ_CHECK(!e.description.empty());
        (void)e.code();
        (void)e.application_error();
        return 0;
    }
    const auto& req = parsed.value();
    WSUSLAB_FUZZ_CHECK(proto::operation_of(req.body) == req.op);
    if (action) {
        WSUSLAB_FUZZ_CHECK(req.op == proto::all_operations[pick]);
    }
    const std::string once = proto::serialize_request(req.body, req.version);
    auto again = proto::parse_request(once, proto::soap_action(req.op));
    if (!again) {
        std::fprintf(stderr, "re-parse failed: %s\n%s\n", again.error().description.c_str(),
                     once.c_str());
    }
    WSUSLAB_FUZZ_CHECK(again.ok());
    WSUSLAB_FUZZ_CHECK(again.value().op == req.op);
    WSUSLAB_FUZZ_CHECK(again.value().version == req.version);
    WSUSLAB_FUZZ_CHECK(proto::serialize_request(again.value().body, req.version) == once);
    return 0;
}
