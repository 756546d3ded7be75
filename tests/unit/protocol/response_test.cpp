// serialize_response: exact bytes of the response shapes of docs/protocol-notes.md §4 and §11; and
// parse_response dispatch (expected wrapper, faults, wrong operation).

#include <string>

#include <gtest/gtest.h>

#include <wsuslab/protocol/codec.hpp>
#include <wsuslab/protocol/operations.hpp>


namespace wsuslab::protocol {
namespace {

const std::string head =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?><soap:Envelope "
    "xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\" "
    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
    "xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\"><soap:Body>";
const std::string tail = "</soap:Body></soap:Envelope>";
const std::string client = "http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService";

TEST(ResponseSerializeTest, RegisterComputerResponseIsEmpty) {
    EXPECT_EQ(serialize_response(register_computer_response{}),
              head + "<RegisterComputerResponse xmlns=\"" + client + "\" />" + tail);
}

TEST(ResponseSerializeTest, StartCategoryScanResponseHasTwoChildrenAndNoResult) {
    start_category_scan_response r;
    r.preferred_category_ids = string_list{"0fa1201d-4330-4fa8-8ae9-b877473b6441"};
    r.requested_category_ids_in_error = string_list{};
    EXPECT_EQ(serialize_response(r),
              head + "<StartCategoryScanResponse xmlns=\"" + client + "\"><preferredCategoryIds>"
                     "<guid>0fa1201d-4330-4fa8-8ae9-b877473b6441</guid></preferredCategoryIds>"
                     "<requestedCategoryIdsInError /></StartCategoryScanResponse>" + tail);
}

TEST(ResponseSerializeTest, GetConfigResultOmitsAuthParameter) {
    config c;
    c.last_change = "2007-01-31T04:16:35.24Z";
    c.is_registration_required = false;
    c.auth_info = std::vector<auth_plug_in_info>{
        {"SimpleTargeting", "SimpleAuthWebService/SimpleAuth.asmx", std::string("ignored")}};
    c.properties = std::vector<std::pair<std::string, std::string>>{{"ProtocolVersion", "3.1"}};
    EXPECT_EQ(serialize_response(get_config_response{c}),
              head + "<GetConfigResponse xmlns=\"" + client + "\"><GetConfigResult>"
                     "<LastChange>2007-01-31T04:16:35.24Z</LastChange>"
                     "<IsRegistrationRequired>false</IsRegistrationRequired><AuthInfo>"
                     "<AuthPlugInInfo><PlugInID>SimpleTargeting</PlugInID>"
                     "<ServiceUrl>SimpleAuthWebService/SimpleAuth.asmx</ServiceUrl>"
                     "</AuthPlugInInfo></AuthInfo><Properties><ConfigurationProperty>"
                     "<Name>ProtocolVersion</Name><Value>3.1</Value></ConfigurationProperty>"
                     "</Properties></GetConfigResult></GetConfigResponse>" + tail);
}

update_info office_update(bool new_client_fields) {
    update_info u;
    u.id = 8862;
    deployment d;
    d.id = 20002;
    d.action = deployment_action::install;
    d.is_assigned = true;
    d.last_change_time = "2008-06-10";
    if (new_client_fields) {
        d.auto_select = "0";
        d.auto_download = "0";
        d.supersedence_behavior = "0";
        d.flag_bitmask = "0";
    }
    u.deploy = d;
    u.is_leaf = true;
    u.xml = "<UpdateIdentity UpdateID=\"a\" RevisionNumber=\"204\" /><Properties UpdateType=\"Software\" />";
    return u;
}

TEST(ResponseSerializeTest, SyncUpdatesCarriesCoreFragmentAsEscapedText) {
    sync_info s;
    s.new_updates = std::vector<update_info>{office_update(false)};
    s.truncated = false;
    s.new_cookie = cookie{"2008-07-09T00:00:00Z", std::string("AAAA")};
    s.driver_sync_not_needed = "false";
    EXPECT_EQ(serialize_response(sync_updates_response{s}),
              head + "<SyncUpdatesResponse xmlns=\"" + client + "\"><SyncUpdatesResult>"
                     "<NewUpdates><UpdateInfo><ID>8862</ID><Deployment><ID>20002</ID>"
                     "<Action>Install</Action><IsAssigned>true</IsAssigned>"
                     "<LastChangeTime>2008-06-10</LastChangeTime></Deployment><IsLeaf>true</IsLeaf>"
                     "<Xml>&lt;UpdateIdentity UpdateID=\"a\" RevisionNumber=\"204\" /&gt;"
                     "&lt;Properties UpdateType=\"Software\" /&gt;</Xml></UpdateInfo></NewUpdates>"
                     "<Truncated>false</Truncated><NewCookie><Expiration>2008-07-09T00:00:00Z"
                     "</Expiration><EncryptedData>AAAA</EncryptedData></NewCookie>"
                     "<DriverSyncNotNeeded>false</DriverSyncNotNeeded></SyncUpdatesResult>"
                     "</SyncUpdatesResponse>" + tail);
}

TEST(ResponseSerializeTest, AutoSelectFieldsOnlyWhenPresent) {
    sync_info s;
    s.new_updates = std::vector<update_info>{office_update(true)};
    const std::string wire = serialize_response(sync_updates_response{s});
    EXPECT_NE(wire.find("<LastChangeTime>2008-06-10</LastChangeTime><AutoSelect>0</AutoSelect>"
                        "<AutoDownload>0</AutoDownload><SupersedenceBehavior>0"
                        "</SupersedenceBehavior><FlagBitmask>0</FlagBitmask></Deployment>"),
              std::string::npos)
        << wire;
    s.new_updates = std::vector<update_info>{office_update(false)};
    EXPECT_EQ(serialize_response(sync_updates_response{s}).find("AutoSelect"), std::string::npos);
}

TEST(ResponseSerializeTest, TextThatXmlCannotCarryIsReplacedNotEmittedRaw) {
    sync_info s;
    update_info u = office_update(false);
    u.xml = std::string("a\0b\x01" "c\r\xFF", 7);
    s.new_updates = std::vector<update_info>{u};
    const std::string wire = serialize_response(sync_updates_response{s});
    EXPECT_NE(wire.find("<Xml>a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c&#13;\xEF\xBF\xBD</Xml>"),
              std::string::npos);
    const auto back = parse_response(operation::sync_updates, wire);
    ASSERT_TRUE(back.ok()) << back.error().description;
}

TEST(ResponseSerializeTest, Soap12UsesTheSoap12Envelope) {
    const std::string wire = serialize_response(report_event_batch_response{true}, soap_version::v1_2);
    EXPECT_EQ(wire,
              "<?xml version=\"1.0\" encoding=\"utf-8\"?><soap12:Envelope "
              "xmlns:soap12=\"http://www.w3.org/2003/05/soap-envelope\" "
              "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
              "xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\"><soap12:Body>"
              "<ReportEventBatchResponse xmlns=\"http://www.microsoft.com/SoftwareDistribution\">"
              "<ReportEventBatchResult>true</ReportEventBatchResult></ReportEventBatchResponse>"
              "</soap12:Body></soap12:Envelope>");
}

TEST(ResponseParseTest, WrongResponseElementIsRejected) {
    const std::string config = serialize_response(get_config_response{});
    auto r = parse_response(operation::sync_updates, config);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().status, parse_status::action_mismatch);
    EXPECT_EQ(r.error().description, "Body element GetConfigResponse is not SyncUpdatesResponse");
    r = parse_response(operation::sync_updates, serialize_request(sync_updates_request{}));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().status, parse_status::unknown_operation);
    EXPECT_EQ(r.error().description, "Body element SyncUpdates is not SyncUpdatesResponse");
}

TEST(ResponseParseTest, ResponseInTheWrongNamespaceIsRejected) {
    const std::string wire =
        "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>"
        "<ReportEventBatchResponse xmlns=\"" + client + "\"><ReportEventBatchResult>true"
        "</ReportEventBatchResult></ReportEventBatchResponse></s:Body></s:Envelope>";
    const auto r = parse_response(operation::report_event_batch, wire);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().status, parse_status::wrong_namespace);
    EXPECT_EQ(r.error().description, "Body element ReportEventBatchResponse is not in namespace "
                                     "http://www.microsoft.com/SoftwareDistribution");
}

TEST(ResponseParseTest, MissingRequiredResultIsReported) {
    const std::string wire = head + "<ReportEventBatchResponse xmlns=\"http://www.microsoft.com/"
                                    "SoftwareDistribution\" />" + tail;
    const auto r = parse_response(operation::report_event_batch, wire);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().status, parse_status::missing_element);
    EXPECT_EQ(r.error().description, "missing required element ReportEventBatchResult");
}

TEST(ResponseParseTest, InvalidDeploymentActionIsReported) {
    sync_info s;
    s.new_updates = std::vector<update_info>{office_update(false)};
    std::string wire = serialize_response(sync_updates_response{s});
    wire.replace(wire.find("Install"), 7, "Install2");
    const auto r = parse_response(operation::sync_updates, wire);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().status, parse_status::invalid_value);
    EXPECT_EQ(r.error().description,
              "invalid DeploymentAction value at SyncUpdatesResult.NewUpdates[0].Deployment.Action");
    EXPECT_EQ(r.error().parameter, "SyncUpdatesResult.NewUpdates.Deployment.Action");
}

TEST(ResponseParseTest, ResponseArraysHonourTheLimit) {
    sync_info s;
    s.new_updates = std::vector<update_info>(3, office_update(false));
    limits lim;
    lim.max_array_items = 2;
    const auto r = parse_response(operation::sync_updates, serialize_response(sync_updates_response{s}), lim);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().status, parse_status::array_too_long);
    EXPECT_EQ(r.error().description, "SyncUpdatesResult.NewUpdates has 3 items; the limit is 2");
}

}  // namespace
}  // namespace wsuslab::protocol
