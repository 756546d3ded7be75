// parse_request: dispatch on SOAPAction and Body wrapper, namespace-URI matching, tolerated
// extras (xsi:nil, soapenc:arrayType, unknown children) and parameter errors with the WSUS
// parameter name.

#include <string>

#include <gtest/gtest.h>

#include <wsuslab/protocol/codec.hpp>
#include <wsuslab/protocol/operations.hpp>

#include "fixtures.hpp"

namespace wsuslab::protocol {
namespace {

const std::string ns = "http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService";
const std::string sync_action =
    "\"http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/SyncUpdates\"";

std::string envelope(const std::string& body) {
    return "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\" "
           "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
           "xmlns:soapenc=\"http://schemas.xmlsoap.org/soap/encoding/\"><soap:Body>" +
           body + "</soap:Body></soap:Envelope>";
}

std::string sync_updates(const std::string& parameters) {
    return envelope("<SyncUpdates xmlns=\"" + ns +
                    "\"><cookie><Expiration>2008-07-08T00:00:00Z</Expiration></cookie>"
                    "<parameters>" + parameters + "</parameters></SyncUpdates>");
}

std::string int_list(int first, int count) {
    std::string s;
    for (int i = 0; i < count; ++i) {
        s += "<int>" + std::to_string(first + i) + "</int>";
    }
    return s;
}

const sync_update_parameters& params_of(const result<parsed_request>& r) {
    return *std::get<sync_updates_request>(r.value().body).parameters;
}

void expect_error(const result<parsed_request>& r, parse_status status,
                  const std::string& description, const std::string& parameter = {}) {
    SCOPED_TRACE("expecting: " + description);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().status, status) << r.error().description;
    EXPECT_EQ(r.error().description, description);
    EXPECT_EQ(r.error().parameter, parameter);
}

TEST(RequestDispatchTest, AcceptsQuotedUnquotedAndAbsentSoapAction) {
    const std::string body = sync_updates("<SkipSoftwareSync>false</SkipSoftwareSync>");
    for (const auto& action :
         {std::optional<std::string_view>(sync_action),
          std::optional<std::string_view>(std::string_view(sync_action).substr(1, sync_action.size() - 2)),
          std::optional<std::string_view>()}) {
        SCOPED_TRACE(action ? "SOAPAction " + std::string(*action) : std::string("no SOAPAction"));
        const auto r = parse_request(body, action);
        ASSERT_TRUE(r.ok()) << r.error().description;
        EXPECT_EQ(r.value().op, operation::sync_updates);
        EXPECT_EQ(r.value().version, soap_version::v1_1);
    }
}

TEST(RequestDispatchTest, UnknownSoapActionIsNamed) {
    const auto r = parse_request(sync_updates(""), std::string_view("\"http://example.com/Foo\""));
    expect_error(r, parse_status::unknown_operation, "unknown SOAPAction \"http://example.com/Foo\"");
    EXPECT_EQ(r.error().code(), fault_code::client);
    EXPECT_EQ(r.error().application_error(), std::nullopt);
    expect_error(parse_request(sync_updates(""), std::string_view("\"\"")),
                 parse_status::unknown_operation, "unknown SOAPAction \"\"");
    expect_error(parse_request(sync_updates(""), std::string_view("a\x01\xC3")),
                 parse_status::unknown_operation, "unknown SOAPAction \"a\\x01\\xC3\"");
}

TEST(RequestDispatchTest, ActionAndWrapperMustAgree) {
    expect_error(parse_request(sync_updates(""),
                               std::string_view("\"http://www.microsoft.com/SoftwareDistribution/"
                                                "Server/ClientWebService/GetConfig\"")),
                 parse_status::action_mismatch,
                 "SOAPAction \"http://www.microsoft.com/SoftwareDistribution/Server/"
                 "ClientWebService/GetConfig\" does not match Body element SyncUpdates");
    // Erratum 1: the SyncUpdates action with a SyncPrinterCatalog body is a mismatch too.
    expect_error(parse_request(envelope("<SyncPrinterCatalog xmlns=\"" + ns + "\"/>"), sync_action),
                 parse_status::action_mismatch,
                 "SOAPAction \"http://www.microsoft.com/SoftwareDistribution/Server/"
                 "ClientWebService/SyncUpdates\" does not match Body element SyncPrinterCatalog");
}

TEST(RequestDispatchTest, UnknownWrapperIsNamed) {
    expect_error(parse_request(test::read_fixture("soap/invalid/unknown-operation.xml"), std::nullopt),
                 parse_status::unknown_operation,
                 "unknown operation element GetConfig2 in namespace \"" + ns + "\"");
}

TEST(RequestDispatchTest, WrapperInTheWrongNamespace) {
    const auto r = parse_request(test::read_fixture("soap/invalid/wrapper-wrong-namespace.xml"),
                                 std::nullopt);
    expect_error(r, parse_status::wrong_namespace,
                 "Body element GetConfig is not in namespace " + ns);
    EXPECT_EQ(r.error().application_error(), std::nullopt);
    // ReportEventBatch belongs to the Reporting namespace, not the client one.
    expect_error(parse_request(envelope("<ReportEventBatch xmlns=\"" + ns + "\"/>"), std::nullopt),
                 parse_status::wrong_namespace,
                 "Body element ReportEventBatch is not in namespace "
                 "http://www.microsoft.com/SoftwareDistribution");
}

TEST(RequestDispatchTest, EnvelopeErrorsPassThrough) {
    const auto r = parse_request(test::read_fixture("soap/invalid/header-present.xml"), std::nullopt);
    expect_error(r, parse_status::header_present, "SOAP Header not allowed in MS-WUSP messages");
    EXPECT_EQ(r.error().application_error(), std::nullopt);
}

TEST(RequestDispatchTest, Soap12IsRecognised) {
    const auto r = parse_request(
        "<e:Envelope xmlns:e=\"http://www.w3.org/2003/05/soap-envelope\"><e:Body><GetConfig xmlns=\"" +
            ns + "\"><protocolVersion>1.8</protocolVersion></GetConfig></e:Body></e:Envelope>",
        std::nullopt);
    ASSERT_TRUE(r.ok()) << r.error().description;
    EXPECT_EQ(r.value().version, soap_version::v1_2);
    EXPECT_EQ(std::get<get_config_request>(r.value().body).protocol_version, "1.8");
}

TEST(RequestParseTest, MatchesNamespaceUrisNotPrefixes) {
    const auto r = parse_request(
        envelope("<w:SyncUpdates xmlns:w=\"" + ns + "\"><w:parameters><x:SkipSoftwareSync xmlns:x=\"" +
                 ns + "\">true</x:SkipSoftwareSync><InstalledNonLeafUpdateIDs xmlns=\"" + ns +
                 "\"><int>1</int><w:int>2</w:int><int xmlns=\"urn:other\">3</int></InstalledNonLeafUpdateIDs>"
                 "</w:parameters></w:SyncUpdates>"),
        sync_action);
    ASSERT_TRUE(r.ok()) << r.error().description;
    EXPECT_TRUE(params_of(r).skip_software_sync);
    EXPECT_EQ(params_of(r).installed_non_leaf_update_ids, (id_list{1, 2}));
}

TEST(RequestParseTest, ElementInTheWrongNamespaceIsReported) {
    const auto r = parse_request(
        envelope("<SyncUpdates xmlns=\"" + ns + "\"><parameters xmlns=\"urn:other\">"
                 "<SkipSoftwareSync>false</SkipSoftwareSync></parameters></SyncUpdates>"),
        sync_action);
    expect_error(r, parse_status::wrong_namespace, "element parameters is not in namespace " + ns,
                 "parameters");
    EXPECT_EQ(r.error().application_error(), error_code::invalid_parameters);
}

TEST(RequestParseTest, NilArraysAreAbsentAndArrayTypeIsIgnored) {
    const auto r = parse_request(
        sync_updates("<ExpressQuery>false</ExpressQuery><InstalledNonLeafUpdateIDs xsi:nil=\"1\" />"
                     "<OtherCachedUpdateIDs soapenc:arrayType=\"xsd:int[2]\"><int>5</int><int>6</int>"
                     "</OtherCachedUpdateIDs><SystemSpec xsi:nil=\"true\" /><CachedDriverIDs />"
                     "<SkipSoftwareSync>false</SkipSoftwareSync>"),
        sync_action);
    ASSERT_TRUE(r.ok()) << r.error().description;
    EXPECT_EQ(params_of(r).installed_non_leaf_update_ids, std::nullopt);
    EXPECT_EQ(params_of(r).other_cached_update_ids, (id_list{5, 6}));
    EXPECT_FALSE(params_of(r).system_spec.has_value());
    EXPECT_EQ(params_of(r).cached_driver_ids, id_list{});
}

TEST(RequestParseTest, UnknownChildrenAreIgnored) {
    // Live Microsoft Update clients send extra SyncUpdateParameters (docs/protocol-notes.md §11.4).
    const auto r = parse_request(
        sync_updates("<SkipSoftwareSync>true</SkipSoftwareSync><FilterAppCategoryIds><int>1</int>"
                     "</FilterAppCategoryIds><SystemSpec><Device><HardwareIDs><string>PCI\\X</string>"
                     "</HardwareIDs><extensionDriver><extensionDriver><ExtensionId>e</ExtensionId>"
                     "</extensionDriver></extensionDriver><Unknown/></Device></SystemSpec>"
                     "<AlsoPerformRegularSync>true</AlsoPerformRegularSync>"),
        sync_action);
    ASSERT_TRUE(r.ok()) << r.error().description;
    ASSERT_TRUE(params_of(r).system_spec.has_value());
    ASSERT_EQ(params_of(r).system_spec->size(), 1U);
    EXPECT_EQ((*params_of(r).system_spec)[0].hardware_ids, string_list{"PCI\\X"});
}

TEST(RequestParseTest, ExpressQueryMayBeOmitted) {
    const auto r = parse_request(sync_updates("<SkipSoftwareSync>false</SkipSoftwareSync>"), sync_action);
    ASSERT_TRUE(r.ok()) << r.error().description;
    EXPECT_FALSE(params_of(r).express_query);
}

TEST(RequestParseTest, MissingParametersIsInvalidParameters) {
    const auto r = parse_request(test::read_fixture("soap/invalid/syncupdates-missing-parameters.xml"),
                                 sync_action);
    expect_error(r, parse_status::missing_element, "missing required element parameters",
                 "parameters");
    EXPECT_EQ(r.error().application_error(), error_code::invalid_parameters);
    EXPECT_EQ(r.error().code(), fault_code::client);
}

TEST(RequestParseTest, MissingOrNilRequiredChildNamesItsPath) {
    expect_error(parse_request(sync_updates("<ExpressQuery>false</ExpressQuery>"), sync_action),
                 parse_status::missing_element,
                 "missing required element parameters.SkipSoftwareSync",
                 "parameters.SkipSoftwareSync");
    expect_error(parse_request(sync_updates("<SkipSoftwareSync xsi:nil=\"true\"/>"), sync_action),
                 parse_status::missing_element,
                 "missing required element parameters.SkipSoftwareSync",
                 "parameters.SkipSoftwareSync");
    expect_error(parse_request(envelope("<StartCategoryScan xmlns=\"" + ns + "\"/>"), std::nullopt),
                 parse_status::missing_element, "missing required element requestedCategories",
                 "requestedCategories");
    expect_error(parse_request(envelope("<RefreshCache xmlns=\"" + ns +
                                        "\"><globalIDs><UpdateIdentity><RevisionNumber>1</RevisionNumber>"
                                        "</UpdateIdentity></globalIDs></RefreshCache>"),
                               std::nullopt),
                 parse_status::missing_element, "missing required element globalIDs[0].UpdateID",
                 "globalIDs.UpdateID");
}

TEST(RequestParseTest, InstalledNonLeafUpdateIdsLimitIs400) {
    EXPECT_TRUE(parse_request(sync_updates("<InstalledNonLeafUpdateIDs>" + int_list(1, 400) +
                                           "</InstalledNonLeafUpdateIDs><SkipSoftwareSync>false"
                                           "</SkipSoftwareSync>"),
                              sync_action)
                    .ok());
    const auto r = parse_request(
        test::read_fixture("soap/invalid/syncupdates-401-installed-non-leaf.xml"), sync_action);
    expect_error(r, parse_status::array_too_long,
                 "parameters.InstalledNonLeafUpdateIDs has 401 items; the limit is 400",
                 "parameters.InstalledNonLeafUpdateIDs");
    EXPECT_EQ(r.error().application_error(), error_code::invalid_parameters);
}

TEST(RequestParseTest, OtherArraysUseTheGeneralLimit) {
    limits lim;
    lim.max_array_items = 5;
    lim.max_installed_non_leaf_ids = 2;
    const std::string other = "<OtherCachedUpdateIDs>" + int_list(1, 6) +
                              "</OtherCachedUpdateIDs><SkipSoftwareSync>false</SkipSoftwareSync>";
    expect_error(parse_request(sync_updates(other), sync_action, lim), parse_status::array_too_long,
                 "parameters.OtherCachedUpdateIDs has 6 items; the limit is 5",
                 "parameters.OtherCachedUpdateIDs");
    const std::string installed = "<InstalledNonLeafUpdateIDs>" + int_list(1, 3) +
                                  "</InstalledNonLeafUpdateIDs><SkipSoftwareSync>false</SkipSoftwareSync>";
    expect_error(parse_request(sync_updates(installed), sync_action, lim),
                 parse_status::array_too_long,
                 "parameters.InstalledNonLeafUpdateIDs has 3 items; the limit is 2",
                 "parameters.InstalledNonLeafUpdateIDs");
    expect_error(parse_request(envelope("<SyncPrinterCatalog xmlns=\"" + ns +
                                        "\"><installedNonLeafUpdateIDs>" + int_list(1, 3) +
                                        "</installedNonLeafUpdateIDs></SyncPrinterCatalog>"),
                               std::nullopt, lim),
                 parse_status::array_too_long,
                 "installedNonLeafUpdateIDs has 3 items; the limit is 2", "installedNonLeafUpdateIDs");
}

TEST(RequestParseTest, InvalidIntsAreNamedWithTheirIndex) {
    const auto r = parse_request(
        sync_updates("<InstalledNonLeafUpdateIDs><int>1</int><int>12a</int></InstalledNonLeafUpdateIDs>"
                     "<SkipSoftwareSync>false</SkipSoftwareSync>"),
        sync_action);
    expect_error(r, parse_status::invalid_value,
                 "invalid int value at parameters.InstalledNonLeafUpdateIDs[1]",
                 "parameters.InstalledNonLeafUpdateIDs");
    EXPECT_EQ(r.error().application_error(), error_code::invalid_parameters);
    for (const char* bad : {"2147483648", "-2147483649", "", " ", "1.0", "0x10", "--1", "+-1"}) {
        expect_error(parse_request(sync_updates("<CachedDriverIDs><int>" + std::string(bad) +
                                                "</int></CachedDriverIDs><SkipSoftwareSync>false"
                                                "</SkipSoftwareSync>"),
                                   sync_action),
                     parse_status::invalid_value, "invalid int value at parameters.CachedDriverIDs[0]",
                     "parameters.CachedDriverIDs");
    }
    const auto ok = parse_request(
        sync_updates("<CachedDriverIDs><int>+5</int><int> 7\n</int><int>-2147483648</int>"
                     "<int>2147483647</int></CachedDriverIDs><SkipSoftwareSync>false</SkipSoftwareSync>"),
        sync_action);
    ASSERT_TRUE(ok.ok()) << ok.error().description;
    EXPECT_EQ(params_of(ok).cached_driver_ids, (id_list{5, 7, -2147483647 - 1, 2147483647}));
}

TEST(RequestParseTest, InvalidBooleans) {
    expect_error(parse_request(sync_updates("<ExpressQuery>yes</ExpressQuery><SkipSoftwareSync>false"
                                            "</SkipSoftwareSync>"),
                               sync_action),
                 parse_status::invalid_value, "invalid boolean value at parameters.ExpressQuery",
                 "parameters.ExpressQuery");
    const auto r = parse_request(sync_updates("<SkipSoftwareSync> 1 </SkipSoftwareSync>"
                                              "<NeedTwoGroupOutOfScopeUpdates>0</NeedTwoGroupOutOfScopeUpdates>"),
                                 sync_action);
    ASSERT_TRUE(r.ok()) << r.error().description;
    EXPECT_TRUE(params_of(r).skip_software_sync);
    EXPECT_EQ(params_of(r).need_two_group_out_of_scope_updates, false);
}

TEST(RequestParseTest, InvalidGuidsAndBase64) {
    expect_error(parse_request(envelope("<RefreshCache xmlns=\"" + ns + "\"><globalIDs><UpdateIdentity>"
                                        "<UpdateID>not-a-guid</UpdateID><RevisionNumber>1</RevisionNumber>"
                                        "</UpdateIdentity></globalIDs></RefreshCache>"),
                               std::nullopt),
                 parse_status::invalid_value, "invalid GUID value at globalIDs[0].UpdateID",
                 "globalIDs.UpdateID");
    expect_error(parse_request(envelope("<SyncUpdates xmlns=\"" + ns + "\"><cookie><Expiration>x"
                                        "</Expiration><EncryptedData>abc</EncryptedData></cookie>"
                                        "</SyncUpdates>"),
                               std::nullopt),
                 parse_status::invalid_value, "invalid base64Binary value at cookie.EncryptedData",
                 "cookie.EncryptedData");
    expect_error(parse_request(envelope("<GetFileLocations xmlns=\"" + ns + "\"><fileDigests>"
                                        "<base64Binary>AAAA</base64Binary><base64Binary>A=AA"
                                        "</base64Binary></fileDigests></GetFileLocations>"),
                               std::nullopt),
                 parse_status::invalid_value, "invalid base64Binary value at fileDigests[1]",
                 "fileDigests");
    // Line-wrapped base64 is fine, and kept as sent.
    const auto r = parse_request(
        envelope("<GetFileLocations xmlns=\"" + ns +
                 "\"><fileDigests><base64Binary>AAAA\nAAA=</base64Binary></fileDigests></GetFileLocations>"),
        std::nullopt);
    ASSERT_TRUE(r.ok()) << r.error().description;
    EXPECT_EQ(std::get<get_file_locations_request>(r.value().body).file_digests,
              string_list{"AAAA\nAAA="});
}

TEST(RequestParseTest, NarrowIntegerRanges) {
    const std::string info_head =
        "<RegisterComputer xmlns=\"" + ns + "\"><computerInfo><OSMajorVersion>5</OSMajorVersion>"
        "<OSMinorVersion>1</OSMinorVersion><OSBuildNumber>2600</OSBuildNumber>";
    const std::string info_tail =
        "<BiosReleaseDate>2003-08-14T00:00:00Z</BiosReleaseDate><SuiteMask>272</SuiteMask>"
        "<NewProductType>0</NewProductType><SystemMetrics>0</SystemMetrics>"
        "<ClientVersionMajorNumber>7</ClientVersionMajorNumber><ClientVersionMinorNumber>0"
        "</ClientVersionMinorNumber><ClientVersionBuildNumber>6000</ClientVersionBuildNumber>"
        "<ClientVersionQfeNumber>317</ClientVersionQfeNumber></computerInfo></RegisterComputer>";
    const auto with = [&](const std::string& sp, const std::string& product) {
        return envelope(info_head + "<OSServicePackMajorNumber>" + sp +
                        "</OSServicePackMajorNumber><OSServicePackMinorNumber>0"
                        "</OSServicePackMinorNumber><OldProductType>" + product + "</OldProductType>" +
                        info_tail);
    };
    ASSERT_TRUE(parse_request(with("32767", "255"), std::nullopt).ok());
    expect_error(parse_request(with("32768", "1"), std::nullopt), parse_status::invalid_value,
                 "invalid short value at computerInfo.OSServicePackMajorNumber",
                 "computerInfo.OSServicePackMajorNumber");
    expect_error(parse_request(with("2", "256"), std::nullopt), parse_status::invalid_value,
                 "invalid unsignedByte value at computerInfo.OldProductType",
                 "computerInfo.OldProductType");
    expect_error(parse_request(with("2", "-1"), std::nullopt), parse_status::invalid_value,
                 "invalid unsignedByte value at computerInfo.OldProductType",
                 "computerInfo.OldProductType");
}

TEST(RequestParseTest, NestedItemErrorsCarryTheFullPath) {
    expect_error(parse_request(sync_updates("<SystemSpec><Device/><Device><installedDriver>"
                                            "<DriverVerDate>2007-01-01</DriverVerDate><DriverVerVersion>"
                                            "9223372036854775808</DriverVerVersion><DriverRank>1"
                                            "</DriverRank></installedDriver></Device></SystemSpec>"
                                            "<SkipSoftwareSync>true</SkipSoftwareSync>"),
                               sync_action),
                 parse_status::invalid_value,
                 "invalid long value at parameters.SystemSpec[1].installedDriver.DriverVerVersion",
                 "parameters.SystemSpec.installedDriver.DriverVerVersion");
}

TEST(RequestParseTest, TextIsKeptAsSent) {
    const auto r = parse_request(
        envelope("<GetAuthorizationCookie xmlns=\"http://www.microsoft.com/SoftwareDistribution/"
                 "Server/SimpleAuthWebService\"><clientId> a&amp;b&lt;c </clientId><targetGroupName>"
                 "<![CDATA[<x>]]>y</targetGroupName><dnsName> </dnsName></GetAuthorizationCookie>"),
        std::nullopt);
    ASSERT_TRUE(r.ok()) << r.error().description;
    const auto& body = std::get<get_authorization_cookie_request>(r.value().body);
    EXPECT_EQ(body.client_id, " a&b<c ");
    EXPECT_EQ(body.target_group_name, "<x>y");
    EXPECT_EQ(body.dns_name, " ");
}

TEST(ParseErrorTest, FaultCodeAndApplicationErrorMapping) {
    for (int s = 0; s <= static_cast<int>(parse_status::not_a_fault); ++s) {
        parse_error e{static_cast<parse_status>(s), 0, "", ""};
        const auto status = e.status;
        EXPECT_EQ(e.code(), status == parse_status::wrong_envelope_namespace
                                ? fault_code::version_mismatch
                                : fault_code::client)
            << s;
        const bool parameter_problem = status == parse_status::missing_element ||
                                       status == parse_status::invalid_value ||
                                       status == parse_status::array_too_long;
        EXPECT_EQ(e.application_error(),
                  parameter_problem ? std::optional<error_code>(error_code::invalid_parameters)
                                    : std::nullopt)
            << s;
    }
    parse_error named{parse_status::wrong_namespace, 0, "", "parameters"};
    EXPECT_EQ(named.application_error(), error_code::invalid_parameters);
}

}  // namespace
}  // namespace wsuslab::protocol
