#pragma once
// fuzz_response's work on one input (fuzz_check.hpp), also replayed by
// tests/unit/protocol/fuzz_replay_test.cpp: bytes -> the client's reading of a server answer:
// parse_response for one operation (a response or a SOAP fault; the first byte picks the
// operation, byte % 12) and parse_fault (what the agent does with an HTTP 500 body).
// Invariants: errors carry a description; a parsed response or fault serializes and parses back
// to the same text.
// Outcome: "empty", or "<parse_response outcome> | <parse_fault outcome>" where each is
// "refused: <description>", "response: <operation>" or "fault: <faultcode> <ErrorCode>".
#include <cstdio>
#include <iterator>
#include <string>
#include <string_view>
#include <variant>

#include <wsuslab/protocol/codec.hpp>
#include <wsuslab/protocol/operations.hpp>

#include "fuzz_check.hpp"

namespace wsuslab::fuzz {

inline std::string check_fault_round_trip(const protocol::soap_fault& f, protocol::soap_version v) {
    const std::string once = protocol::serialize_fault(f, v);
    auto again = protocol::parse_fault(once);
    if (!again) {
        std::fprintf(stderr, "fault re-parse failed: %s\n%s\n",
                     again.error().description.c_str(), once.c_str());
    }
    WSUSLAB_FUZZ_CHECK(again.ok());
    WSUSLAB_FUZZ_CHECK(protocol::serialize_fault(again.value(), v) == once);
    return "fault: " + std::string(protocol::fault_code_name(f.code)) + " " +
           f.error.value_or("(no ErrorCode)");
}

inline std::string run_response_input(std::string_view bytes) {
    namespace proto = protocol;
    if (bytes.empty()) {
        return "empty";
    }
    const auto op = proto::all_operations[static_cast<unsigned char>(bytes[0]) %
                                          std::size(proto::all_operations)];
    const std::string_view body = bytes.substr(1);

    std::string outcome;
    auto reply = proto::parse_response(op, body);
    if (!reply) {
        WSUSLAB_FUZZ_CHECK(!reply.error().description.empty());
        outcome = "refused: " + reply.error().description;
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
        outcome = "response: " + std::string(proto::operation_name(op));
    } else {
        outcome = check_fault_round_trip(std::get<proto::soap_fault>(reply.value()),
                                         proto::soap_version::v1_1);
    }

    auto fault = proto::parse_fault(body);
    if (!fault) {
        WSUSLAB_FUZZ_CHECK(!fault.error().description.empty());
        return outcome + " | refused: " + fault.error().description;
    }
    (void)check_fault_round_trip(fault.value(), proto::soap_version::v1_2);
    return outcome + " | " + check_fault_round_trip(fault.value(), proto::soap_version::v1_1);
}

}  // namespace wsuslab::fuzz
