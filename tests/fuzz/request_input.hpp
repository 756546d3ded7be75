#pragma once
// fuzz_request's work on one input (fuzz_check.hpp), also replayed by
// tests/unit/protocol/fuzz_replay_test.cpp: bytes -> SOAP envelope checks -> MS-WUSP request
// model (what the mock WSUS does with a POST body).
// The first byte picks the SOAPAction header: none (the Body wrapper decides, as for SOAP 1.2)
// or the action of one operation (byte % 13 < 12), so that action_mismatch paths are reached too.
// Invariants: a rejected body carries a description and a faultcode; an accepted one serializes
// and parses back to the same request (compared through its serialization, the model has no ==).
// Outcome: "empty", "refused (<faultcode>): <description>" or "accepted: <operation>".
#include <cstdio>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>

#include <wsuslab/protocol/codec.hpp>
#include <wsuslab/protocol/operations.hpp>

#include "fuzz_check.hpp"

namespace wsuslab::fuzz {

inline std::string run_request_input(std::string_view bytes) {
    namespace proto = protocol;
    if (bytes.empty()) {
        return "empty";
    }
    const std::size_t n_ops = std::size(proto::all_operations);
    const std::size_t pick = static_cast<unsigned char>(bytes[0]) % (n_ops + 1);
    std::optional<std::string_view> action;
    if (pick < n_ops) {
        action = proto::soap_action(proto::all_operations[pick]);
    }
    const std::string_view body = bytes.substr(1);

    auto parsed = proto::parse_request(body, action);
    if (!parsed) {
        const auto& e = parsed.error();
        WSUSLAB_FUZZ_CHECK(!e.description.empty());
        (void)e.application_error();
        return "refused (" + std::string(proto::fault_code_name(e.code())) + "): " + e.description;
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
    return "accepted: " + std::string(proto::operation_name(req.op));
}

}  // namespace wsuslab::fuzz
