// Every request and response survives serialize -> parse -> equal, in SOAP 1.1 and 1.2, and
// serializing is deterministic.

#include <string>

#include <gtest/gtest.h>

#include <wsuslab/protocol/codec.hpp>
#include <wsuslab/protocol/operations.hpp>

#include "message_equal.hpp"
#include "sample_messages.hpp"

namespace wsuslab::protocol {
namespace {

class RoundTripTest : public ::testing::TestWithParam<operation> {};

std::string op_name(const ::testing::TestParamInfo<operation>& info) {
    return std::string(operation_name(info.param));
}

TEST_P(RoundTripTest, RequestSurvivesSerializeAndParse) {
    const request original = samples::sample_request(GetParam());
    for (const soap_version v : {soap_version::v1_1, soap_version::v1_2}) {
        const std::string wire = serialize_request(original, v);
        const auto parsed = parse_request(wire, "\"" + std::string(soap_action(GetParam())) + "\"");
        ASSERT_TRUE(parsed.ok()) << parsed.error().description << "\n" << wire;
        EXPECT_EQ(parsed.value().op, GetParam());
        EXPECT_EQ(parsed.value().version, v);
        EXPECT_TRUE(parsed.value().body == original) << wire;
        EXPECT_EQ(serialize_request(parsed.value().body, v), wire);
    }
}

TEST_P(RoundTripTest, ResponseSurvivesSerializeAndParse) {
    const response original = samples::sample_response(GetParam());
    for (const soap_version v : {soap_version::v1_1, soap_version::v1_2}) {
        const std::string wire = serialize_response(original, v);
        const auto parsed = parse_response(GetParam(), wire);
        ASSERT_TRUE(parsed.ok()) << parsed.error().description << "\n" << wire;
        ASSERT_EQ(parsed.value().index(), 0U) << wire;
        const response& back = std::get<response>(parsed.value());
        EXPECT_TRUE(back == original) << wire;
        EXPECT_EQ(serialize_response(back, v), wire);
    }
}

TEST_P(RoundTripTest, DefaultValuedMessagesSurviveToo) {
    // A default-constructed response (all optional members absent) is the other extreme.
    response empty = samples::sample_response(GetParam());
    std::visit([](auto& r) { r = std::decay_t<decltype(r)>{}; }, empty);
    const std::string wire = serialize_response(empty);
    const auto parsed = parse_response(GetParam(), wire);
    ASSERT_TRUE(parsed.ok()) << parsed.error().description << "\n" << wire;
    EXPECT_TRUE(std::get<response>(parsed.value()) == empty) << wire;
}

TEST_P(RoundTripTest, SerializingIsDeterministic) {
    const request rq = samples::sample_request(GetParam());
    const response rs = samples::sample_response(GetParam());
    EXPECT_EQ(serialize_request(rq), serialize_request(samples::sample_request(GetParam())));
    EXPECT_EQ(serialize_response(rs), serialize_response(samples::sample_response(GetParam())));
}

INSTANTIATE_TEST_SUITE_P(AllOperations, RoundTripTest, ::testing::ValuesIn(all_operations),
                         op_name);

TEST(RoundTripFaultTest, FaultSurvivesInBothVersions) {
    soap_fault f = make_fault(error_code::invalid_parameters, "parameters.OtherCachedUpdateIDs",
                              "2587c8c1-4f54-4033-9f1a-3a195bf0495d",
                              "\"http://www.microsoft.com/SoftwareDistribution/Server/"
                              "ClientWebService/SyncUpdates\"");
    f.faultactor = "http://wsus:8530/ClientWebService/client.asmx";
    for (const soap_version v : {soap_version::v1_1, soap_version::v1_2}) {
        const std::string wire = serialize_fault(f, v);
        const auto parsed = parse_response(operation::sync_updates, wire);
        ASSERT_TRUE(parsed.ok()) << parsed.error().description;
        ASSERT_EQ(parsed.value().index(), 1U);
        EXPECT_TRUE(std::get<soap_fault>(parsed.value()) == f) << wire;
    }
}

TEST(RoundTripFaultTest, EveryFaultCodeSurvives) {
    for (const fault_code c : {fault_code::version_mismatch, fault_code::must_understand,
                               fault_code::client, fault_code::server}) {
        for (const soap_version v : {soap_version::v1_1, soap_version::v1_2}) {
            SCOPED_TRACE(std::string(fault_code_name(c)) + (v == soap_version::v1_1 ? ", SOAP 1.1" : ", SOAP 1.2"));
            soap_fault f;
            f.code = c;
            const auto parsed = parse_fault(serialize_fault(f, v));
            ASSERT_TRUE(parsed.ok()) << parsed.error().description;
            EXPECT_TRUE(parsed.value() == f) << serialize_fault(f, v);
        }
    }
}

}  // namespace
}  // namespace wsuslab::protocol
