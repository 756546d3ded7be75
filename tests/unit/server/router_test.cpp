// HTTP-level behaviour of wsus_service: case-insensitive paths, 404, 405 with Allow, 415 with
// WCF's wording, a missing or unknown SOAPAction as ASMX refuses it, SOAP parse errors as faults, operations posted to the wrong service, the WSDL
// documents, /healthz and /metrics.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "service_fixture.hpp"

namespace wsuslab::server::test {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class RouterTest : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_TRUE(h.ok()); }

    http_response soap(const std::string& target, const std::string& body, const std::string& content_type,
                       const std::string& action = quoted_action(protocol::operation::get_config),
                       std::string method = "POST") {
        http_request req;
        req.method = std::move(method);
        req.target = target;
        req.headers = {{"Content-Type", content_type}, {"SOAPAction", action}};
        req.body = body;
        return h.svc().handle(req);
    }

    service_harness h;
};

const std::string get_config_body = protocol::serialize_request(protocol::get_config_request{std::string("1.6")});

TEST_F(RouterTest, PathsMatchCaseInsensitivelyAsIisDoes) {
    EXPECT_EQ(soap("/ClientWebService/Client.asmx", get_config_body, "text/xml; charset=utf-8").status, 200);
    EXPECT_EQ(soap("/clientwebservice/CLIENT.ASMX", get_config_body, "text/xml").status, 200);
    EXPECT_EQ(soap("/ClientWebService/client.asmx", get_config_body, "TEXT/XML; Charset=\"UTF-8\"").status, 200);
}

TEST_F(RouterTest, UnknownPathIs404) {
    const http_response r = h.get("/ClientWebService/other.asmx");
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.body, "The resource cannot be found.\n");
    EXPECT_EQ(h.get("/").status, 404);
}

TEST_F(RouterTest, WrongMethodIs405WithAllow) {
    http_response r = h.get("/ClientWebService/client.asmx");
    EXPECT_EQ(r.status, 405);
    EXPECT_EQ(r.header("Allow"), std::optional<std::string_view>("POST"));
    r = soap("/ClientWebService/client.asmx?wsdl", "", "text/xml", "", "PUT");
    EXPECT_EQ(r.status, 405);
    EXPECT_EQ(r.header("Allow"), std::optional<std::string_view>("GET, HEAD, POST"));
    r = h.get("/Content/00/0000000000000000000000000000000000000000.cab", "POST");
    EXPECT_EQ(r.status, 405);
    EXPECT_EQ(r.header("Allow"), std::optional<std::string_view>("GET, HEAD"));
    r = h.get("/metrics", "DELETE");
    EXPECT_EQ(r.status, 405);
    EXPECT_EQ(r.header("Allow"), std::optional<std::string_view>("GET, HEAD"));
}

TEST_F(RouterTest, WrongContentTypeIs415InWcfWording) {
    http_response r = soap("/ClientWebService/client.asmx", get_config_body, "application/soap+xml; charset=utf-8");
    EXPECT_EQ(r.status, 415);
    EXPECT_EQ(r.body, "Cannot process the message because the content type 'application/soap+xml; charset=utf-8' was "
                      "not the expected type 'text/xml; charset=utf-8'.");
    EXPECT_EQ(soap("/ClientWebService/client.asmx", get_config_body, "text/plain").status, 415);
    EXPECT_EQ(soap("/ClientWebService/client.asmx", get_config_body, "text/xml; charset=utf-16").status, 415);
    http_request missing;
    missing.method = "POST";
    missing.target = "/SimpleAuthWebService/SimpleAuth.asmx";
    missing.body = get_config_body;
    r = h.svc().handle(missing);
    EXPECT_EQ(r.status, 415);
    EXPECT_EQ(r.body, "Cannot process the message because the content type '' was not the expected type "
                      "'text/xml; charset=utf-8'.");
}

// A POST to a SOAP endpoint with a Content-Type that passes and no SOAPAction header.
http_request without_action(std::string body, std::string content_type = "text/xml; charset=utf-8") {
    http_request req;
    req.method = "POST";
    req.target = "/ClientWebService/client.asmx";
    req.headers = {{"Content-Type", std::move(content_type)}};
    req.body = std::move(body);
    return req;
}

constexpr const char* missing_action_fault =
    "Unable to handle request without a valid action parameter. Please supply a valid soap action. "
    "The SOAPAction HTTP header is missing; SOAP 1.1 requires it.";

TEST_F(RouterTest, MissingSoapActionIsAClientFaultNamingTheHeader) {
    const http_response r = h.svc().handle(without_action(get_config_body));
    EXPECT_EQ(r.status, 500);
    EXPECT_EQ(r.header("Content-Type"), std::optional<std::string_view>("text/xml; charset=utf-8"));
    auto f = protocol::parse_fault(r.body);
    ASSERT_TRUE(f.ok()) << r.body;
    EXPECT_EQ(f.value().code, protocol::fault_code::client);
    EXPECT_EQ(f.value().faultstring, missing_action_fault);
    EXPECT_EQ(f.value().faultactor, std::optional<std::string>("http://wsusebc/ClientWebService/client.asmx"));
    EXPECT_EQ(f.value().error, std::nullopt);
    EXPECT_EQ(h.svc().last_fault_ids().size(), 1U);
    EXPECT_THAT(h.svc().metrics_text(), HasSubstr("wsuslab_requests_total{operation=\"Unknown\",status=\"500\"} 1\n"));
    // The header is checked before the body is read, as ASMX routes before it deserializes.
    auto malformed = protocol::parse_fault(h.svc().handle(without_action("<soap:Envelope>")).body);
    ASSERT_TRUE(malformed.ok());
    EXPECT_EQ(malformed.value().faultstring, missing_action_fault);
}

TEST_F(RouterTest, MissingSoapActionIsRefusedWhateverTheEnvelopeVersion) {
    // text/xml is SOAP 1.1's binding, which carries the action in SOAPAction; the answer is a
    // SOAP 1.1 fault even for a SOAP 1.2 envelope.
    const std::string soap12 = protocol::serialize_request(protocol::get_config_request{std::string("1.6")},
                                                           protocol::soap_version::v1_2);
    const http_response r = h.svc().handle(without_action(soap12));
    EXPECT_EQ(r.status, 500);
    EXPECT_THAT(r.body, HasSubstr("<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\""));
    auto f = protocol::parse_fault(r.body);
    ASSERT_TRUE(f.ok()) << r.body;
    EXPECT_EQ(f.value().faultstring, missing_action_fault);
    // SOAP 1.2's own binding (application/soap+xml with action=) stays unsupported.
    http_request soap12_binding = without_action(
        soap12, "application/soap+xml; charset=utf-8; action=\"" +
                    std::string(protocol::soap_action(protocol::operation::get_config)) + "\"");
    EXPECT_EQ(h.svc().handle(soap12_binding).status, 415);
}

TEST_F(RouterTest, UnknownSoapActionIsNotRecognizedInAsmxWords) {
    auto faultstring = [&](const std::string& action) {
        SCOPED_TRACE(action);
        const http_response r = soap("/ClientWebService/client.asmx", get_config_body, "text/xml", action);
        EXPECT_EQ(r.status, 500);
        auto f = protocol::parse_fault(r.body);
        if (!f.ok()) {
            ADD_FAILURE() << r.body;
            return std::string();
        }
        EXPECT_EQ(f.value().code, protocol::fault_code::client);
        EXPECT_EQ(f.value().error, std::nullopt);
        return f.value().faultstring;
    };
    EXPECT_EQ(faultstring("\"http://example.com/Foo\""),
              "Server did not recognize the value of HTTP Header SOAPAction: http://example.com/Foo.");
    EXPECT_EQ(faultstring("http://example.com/Foo"),
              "Server did not recognize the value of HTTP Header SOAPAction: http://example.com/Foo.");
    // ASMX routes on the value, so an empty one is not recognized either: every endpoint here
    // has several operations, so the request URI alone names none.
    EXPECT_EQ(faultstring("\"\""), "Server did not recognize the value of HTTP Header SOAPAction: .");
    EXPECT_EQ(faultstring(""), "Server did not recognize the value of HTTP Header SOAPAction: .");
    EXPECT_EQ(faultstring("a\x01\xC3"), "Server did not recognize the value of HTTP Header SOAPAction: a\\x01\\xC3.");
    EXPECT_EQ(faultstring(std::string(300, 'x')),
              "Server did not recognize the value of HTTP Header SOAPAction: " + std::string(200, 'x') + "....");
}

TEST_F(RouterTest, KnownSoapActionThatDisagreesWithTheBodyIsStillACodecFault) {
    const http_response r = soap("/ClientWebService/client.asmx", get_config_body, "text/xml",
                                 quoted_action(protocol::operation::sync_updates));
    auto f = protocol::parse_fault(r.body);
    ASSERT_TRUE(f.ok()) << r.body;
    EXPECT_THAT(f.value().faultstring, HasSubstr("does not match Body element GetConfig"));
}

TEST_F(RouterTest, MalformedXmlIsAClientFaultNamingTheByteOffset) {
    const http_response r = soap("/ClientWebService/client.asmx", "<soap:Envelope><soap:Body></soap:Envelop>",
                                 "text/xml; charset=utf-8");
    EXPECT_EQ(r.status, 500);
    EXPECT_EQ(r.header("Content-Type"), std::optional<std::string_view>("text/xml; charset=utf-8"));
    auto f = protocol::parse_fault(r.body);
    ASSERT_TRUE(f.ok()) << r.body;
    EXPECT_EQ(f.value().code, protocol::fault_code::client);
    EXPECT_THAT(f.value().faultstring, HasSubstr("byte"));
    EXPECT_EQ(f.value().faultactor, std::optional<std::string>("http://wsusebc/ClientWebService/client.asmx"));
    // Envelope-level faults carry no MS-WUSP detail; their ID is in the server log only.
    EXPECT_EQ(f.value().error, std::nullopt);
    EXPECT_EQ(h.svc().last_fault_ids().size(), 1U);
    EXPECT_THAT(h.svc().metrics_text(), HasSubstr("wsuslab_faults_total{error_code=\"none\"} 1\n"));
}

TEST_F(RouterTest, WrongEnvelopeNamespaceIsVersionMismatch) {
    std::string body = get_config_body;
    const std::string ns = "http://schemas.xmlsoap.org/soap/envelope/";
    body.replace(body.find(ns), ns.size(), "urn:not-soap");
    const http_response r = soap("/ClientWebService/client.asmx", body, "text/xml; charset=utf-8");
    EXPECT_EQ(r.status, 500);
    auto f = protocol::parse_fault(r.body);
    ASSERT_TRUE(f.ok()) << r.body;
    EXPECT_EQ(f.value().code, protocol::fault_code::version_mismatch);
}

TEST_F(RouterTest, OperationPostedToAnotherServiceIsAClientFault) {
    protocol::get_authorization_cookie_request auth;
    auth.client_id = plain_client_id;
    auth.dns_name = plain_dns;
    auto [status, f] = h.fault(auth, std::nullopt, "/ClientWebService/client.asmx");
    EXPECT_EQ(status, 500);
    EXPECT_EQ(f.code, protocol::fault_code::client);
    EXPECT_EQ(f.faultstring, "operation GetAuthorizationCookie is not offered at /ClientWebService/client.asmx");
}

TEST_F(RouterTest, WsdlIsServedWithTheServersAddress) {
    const http_response r = h.get("/ClientWebService/client.asmx?WSDL");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("Content-Type"), std::optional<std::string_view>("text/xml; charset=utf-8"));
    EXPECT_THAT(r.body, StartsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>"));
    EXPECT_THAT(r.body, HasSubstr("<soap:address location=\"http://wsusebc/ClientWebService/client.asmx\" />"));
    EXPECT_THAT(r.body, HasSubstr("<soap12:address location=\"http://wsusebc/ClientWebService/client.asmx\" />"));
    EXPECT_THAT(r.body, HasSubstr("name=\"SyncUpdates\""));
    EXPECT_THAT(r.body, Not(HasSubstr("http://localhost/")));
    EXPECT_THAT(h.get("/SimpleAuthWebService/SimpleAuth.asmx?wsdl").body, HasSubstr("GetAuthorizationCookie"));
    EXPECT_THAT(h.get("/ReportingWebService/WebService.asmx?wsdl").body,
                HasSubstr("location=\"http://wsusebc/ReportingWebService/WebService.asmx\""));
    const http_response head = h.get("/ClientWebService/client.asmx?wsdl", "HEAD");
    EXPECT_TRUE(head.head_only);
    EXPECT_EQ(head.body, r.body);
}

TEST_F(RouterTest, BaseUrlCanBeSetAfterThePortIsKnown) {
    h.svc().set_base_url("http://127.0.0.1:41234/");
    EXPECT_EQ(h.svc().base_url(), "http://127.0.0.1:41234");
    EXPECT_THAT(h.get("/ClientWebService/client.asmx?wsdl").body,
                HasSubstr("location=\"http://127.0.0.1:41234/ClientWebService/client.asmx\""));
    auto f = h.fault(protocol::get_config_request{std::string("x")}).second;
    EXPECT_EQ(f.faultactor, std::optional<std::string>("http://127.0.0.1:41234/ClientWebService/client.asmx"));
}

TEST_F(RouterTest, HealthzAnswersOk) {
    const http_response r = h.get("/healthz");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "ok\n");
}

TEST(ServiceCreateTest, ErrorsNameTheProblem) {
    service_options o;
    auto r = wsus_service::create(o);
    ASSERT_TRUE(std::holds_alternative<std::string>(r));
    EXPECT_EQ(std::get<std::string>(r), "no scenario: give a scenario file (or a replay directory)");
    o.scenario = kb954960();
    o.fault_status = 404;
    r = wsus_service::create(o);
    EXPECT_EQ(std::get<std::string>(r), "fault status must be 500 or 200, not 404");
    o.fault_status = 500;
    o.base_url = "wsusebc:8530";
    r = wsus_service::create(o);
    EXPECT_EQ(std::get<std::string>(r), "base URL must start with http:// or https://, got 'wsusebc:8530'");
    o.base_url = "http://wsusebc";
    o.log_path = "/nonexistent-dir/SoftwareDistribution.log";
    r = wsus_service::create(o);
    EXPECT_EQ(std::get<std::string>(r),
              "cannot open log file '/nonexistent-dir/SoftwareDistribution.log': No such file or directory");
    service_options from_file;
    from_file.scenario_path = "/nonexistent-dir/scenario.xml";
    r = wsus_service::create(from_file);
    ASSERT_TRUE(std::holds_alternative<std::string>(r));
    EXPECT_THAT(std::get<std::string>(r), HasSubstr("/nonexistent-dir/scenario.xml"));
}

}  // namespace
}  // namespace wsuslab::server::test
