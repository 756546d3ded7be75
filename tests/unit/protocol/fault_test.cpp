// The fault model (docs/protocol-notes.md §5): ErrorCode names and numbers, default faultcodes, and
// the SOAP 1.1 / 1.2 fault envelopes both ways. Also the DeploymentAction name table.

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <wsuslab/protocol/codec.hpp>
#include <wsuslab/protocol/fault.hpp>
#include <wsuslab/protocol/types.hpp>

#include "fixtures.hpp"

namespace wsuslab::protocol {
namespace {

const std::vector<std::string> spec_order{
    "InvalidCookie",        "ConfigChanged",           "RegistrationRequired",
    "ServerChanged",        "InternalServerError",     "CookieExpired",
    "InvalidParameters",    "InvalidAuthorizationCookie", "RegistrationNotRequired",
    "ServerBusy",           "FileLocationChanged"};

TEST(FaultTest, ErrorCodeNamesAndLogNumbersFollowTheSpecTable) {
    for (std::size_t i = 0; i < spec_order.size(); ++i) {
        const auto code = static_cast<error_code>(i);
        EXPECT_EQ(error_code_name(code), spec_order[i]);
        EXPECT_EQ(error_code_from_name(spec_order[i]), code);
        EXPECT_EQ(error_code_log_number(code), static_cast<int>(i) + 1);
    }
    EXPECT_EQ(error_code_log_number(error_code::internal_server_error), 5);
    EXPECT_EQ(error_code_from_name("internalservererror"), std::nullopt);
    EXPECT_EQ(error_code_from_name("InvalidParameter"), std::nullopt);
    EXPECT_EQ(error_code_from_name(""), std::nullopt);
}

TEST(FaultTest, FaultCodeNames) {
    EXPECT_EQ(fault_code_name(fault_code::version_mismatch), "VersionMismatch");
    EXPECT_EQ(fault_code_name(fault_code::must_understand), "MustUnderstand");
    EXPECT_EQ(fault_code_name(fault_code::client), "Client");
    EXPECT_EQ(fault_code_name(fault_code::server), "Server");
}

TEST(FaultTest, ServerFaultcodeOnlyForInternalServerErrorAndServerBusy) {
    for (std::size_t i = 0; i < spec_order.size(); ++i) {
        const auto code = static_cast<error_code>(i);
        const bool server =
            code == error_code::internal_server_error || code == error_code::server_busy;
        EXPECT_EQ(default_fault_code(code), server ? fault_code::server : fault_code::client)
            << spec_order[i];
    }
}

TEST(FaultTest, MakeFaultFillsTheDetail) {
    const soap_fault f = make_fault(error_code::internal_server_error, "m", "id", "\"method\"");
    EXPECT_EQ(f.code, fault_code::server);
    EXPECT_EQ(f.faultstring, "Fault occurred");
    EXPECT_EQ(f.faultactor, std::nullopt);
    EXPECT_EQ(f.error, "InternalServerError");
    EXPECT_EQ(f.known_error(), error_code::internal_server_error);
    EXPECT_EQ(f.message, "m");
    EXPECT_EQ(f.id, "id");
    EXPECT_EQ(f.method, "\"method\"");
    soap_fault unknown = f;
    unknown.error = "RedirectorLocationChanged";
    EXPECT_EQ(unknown.known_error(), std::nullopt);
    unknown.error.reset();
    EXPECT_EQ(unknown.known_error(), std::nullopt);
}

TEST(FaultTest, DeploymentActionNames) {
    const std::vector<std::string> names{"OptionalInstall", "Install",  "Uninstall", "PreDeploymentCheck",
                                         "Block",           "Evaluate", "Bundle"};
    for (std::size_t i = 0; i < names.size(); ++i) {
        const auto a = static_cast<deployment_action>(i);
        EXPECT_EQ(deployment_action_name(a), names[i]);
        EXPECT_EQ(deployment_action_from_name(names[i]), a);
    }
    EXPECT_EQ(deployment_action_from_name("install"), std::nullopt);
    EXPECT_EQ(deployment_action_from_name("HandlingTypes"), std::nullopt);
}

TEST(FaultSerializeTest, Soap11FaultMatchesTheSpecShape) {
    const soap_fault f = make_fault(
        error_code::internal_server_error, "", "2587c8c1-4f54-4033-9f1a-3a195bf0495d",
        "\"http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/SyncUpdates\"");
    EXPECT_EQ(serialize_fault(f),
              "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
              "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\" "
              "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
              "xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\"><soap:Body><soap:Fault>"
              "<faultcode>soap:Server</faultcode><faultstring>Fault occurred</faultstring>"
              "<detail><ErrorCode>InternalServerError</ErrorCode><Message />"
              "<ID>2587c8c1-4f54-4033-9f1a-3a195bf0495d</ID>"
              "<Method>\"http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/"
              "SyncUpdates\"</Method></detail></soap:Fault></soap:Body></soap:Envelope>");
}

TEST(FaultSerializeTest, Soap11OptionalPartsAndEscaping) {
    soap_fault f = make_fault(error_code::invalid_parameters, "parameters.<x> & y", "", "");
    f.faultactor = "http://wsus:8530/ClientWebService/client.asmx";
    f.faultstring = "bad";
    EXPECT_EQ(serialize_fault(f),
              "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
              "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\" "
              "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
              "xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\"><soap:Body><soap:Fault>"
              "<faultcode>soap:Client</faultcode><faultstring>bad</faultstring>"
              "<faultactor>http://wsus:8530/ClientWebService/client.asmx</faultactor>"
              "<detail><ErrorCode>InvalidParameters</ErrorCode>"
              "<Message>parameters.&lt;x&gt; &amp; y</Message></detail></soap:Fault></soap:Body>"
              "</soap:Envelope>");
}

TEST(FaultSerializeTest, EnvelopeLevelFaultHasNoDetail) {
    soap_fault f;
    f.code = fault_code::version_mismatch;
    f.faultstring = "SOAP version mismatch";
    const std::string wire = serialize_fault(f);
    EXPECT_NE(wire.find("<faultcode>soap:VersionMismatch</faultcode>"), std::string::npos);
    EXPECT_EQ(wire.find("detail"), std::string::npos);
}

TEST(FaultSerializeTest, Soap12FaultFollowsSection56) {
    const soap_fault f = make_fault(error_code::cookie_expired, "", "id-1", "\"m\"");
    EXPECT_EQ(serialize_fault(f, soap_version::v1_2),
              "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
              "<soap12:Envelope xmlns:soap12=\"http://www.w3.org/2003/05/soap-envelope\" "
              "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
              "xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\"><soap12:Body><soap12:Fault>"
              "<soap12:Code><soap12:Value>soap12:Sender</soap12:Value></soap12:Code>"
              "<soap12:Reason><soap12:Text xml:lang=\"en\">Fault occurred</soap12:Text>"
              "</soap12:Reason><Detail><ErrorCode>CookieExpired</ErrorCode><Message />"
              "<ID>id-1</ID><Method>\"m\"</Method></Detail></soap12:Fault></soap12:Body>"
              "</soap12:Envelope>");
    soap_fault server = make_fault(error_code::server_busy, "", "", "");
    EXPECT_NE(serialize_fault(server, soap_version::v1_2).find("<soap12:Value>soap12:Receiver<"),
              std::string::npos);
}

TEST(FaultParseTest, SpecFaultExampleParses) {
    const std::string body = test::read_fixture("soap/valid/Fault/getcookie-configchanged.xml");
    const auto r = parse_response(operation::get_cookie, body);
    ASSERT_TRUE(r.ok()) << r.error().description;
    ASSERT_TRUE(std::holds_alternative<soap_fault>(r.value()));
    const soap_fault& f = std::get<soap_fault>(r.value());
    EXPECT_EQ(f.code, fault_code::client);
    EXPECT_EQ(f.faultstring.rfind("System.Web.Services.Protocols.SoapException: Fault occurred", 0), 0U);
    EXPECT_EQ(f.faultactor, "http://hemantn-srv:8530/ClientWebService/client.asmx");
    EXPECT_EQ(f.error, "ConfigChanged");
    EXPECT_EQ(f.known_error(), error_code::config_changed);
    EXPECT_EQ(f.message, "");
    EXPECT_EQ(f.id, "2587c8c1-4f54-4033-9f1a-3a195bf0495d");
    EXPECT_EQ(f.method,
              "\"http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/GetCookie\"");
    const auto direct = parse_fault(body);
    ASSERT_TRUE(direct.ok());
    EXPECT_EQ(direct.value().error, "ConfigChanged");
}

TEST(FaultParseTest, Soap12FaultParses) {
    const auto r =
        parse_fault(test::read_fixture("soap/valid/Fault/syncupdates-invalidparameters-soap12.xml"));
    ASSERT_TRUE(r.ok()) << r.error().description;
    EXPECT_EQ(r.value().code, fault_code::client);
    EXPECT_EQ(r.value().faultstring, "Fault occurred");
    EXPECT_EQ(r.value().known_error(), error_code::invalid_parameters);
    EXPECT_EQ(r.value().message, "parameters.InstalledNonLeafUpdateIDs");
}

std::string fault_body(const std::string& inner) {
    return "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><s:Fault>" +
           inner + "</s:Fault></s:Body></s:Envelope>";
}

TEST(FaultParseTest, FaultcodeVariants) {
    const auto code_of = [](const std::string& text) {
        SCOPED_TRACE("faultcode " + text);
        const auto r = parse_fault(fault_body("<faultcode>" + text + "</faultcode>"));
        EXPECT_TRUE(r.ok()) << text;
        return r.ok() ? r.value().code : fault_code::must_understand;
    };
    EXPECT_EQ(code_of("s:Client"), fault_code::client);
    EXPECT_EQ(code_of("soap:Server"), fault_code::server);
    EXPECT_EQ(code_of(" s:VersionMismatch "), fault_code::version_mismatch);
    EXPECT_EQ(code_of("Client.Authentication"), fault_code::client);
    EXPECT_EQ(code_of("s:Something"), fault_code::server);
}

TEST(FaultParseTest, FaultWithoutFaultcodeIsAnError) {
    const auto r = parse_fault(fault_body("<faultstring>x</faultstring>"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().status, parse_status::missing_element);
    EXPECT_EQ(r.error().description, "missing required element faultcode");
}

TEST(FaultParseTest, QualifiedDetailChildrenAreNotTheMsWuspDetail) {
    const auto r = parse_fault(fault_body(
        "<faultcode>s:Client</faultcode><detail><ErrorCode xmlns=\"urn:x\">ServerBusy</ErrorCode>"
        "</detail>"));
    ASSERT_TRUE(r.ok()) << r.error().description;
    EXPECT_EQ(r.value().error, std::nullopt);
}

TEST(FaultParseTest, BodyWithoutFaultIsNotAFault) {
    const auto r = parse_fault(test::read_fixture("soap/valid/GetConfig/response.xml"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().status, parse_status::not_a_fault);
    EXPECT_EQ(r.error().description, "SOAP Body holds no Fault");
}

}  // namespace
}  // namespace wsuslab::protocol

