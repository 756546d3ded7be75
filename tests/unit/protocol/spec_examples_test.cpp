// The example trace of the MS-WUSP specification (docs/protocol-notes.md §9, fixtures/soap/valid)
// parses, with the fields the spec shows.

#include <string>

#include <gtest/gtest.h>

#include <wsuslab/protocol/codec.hpp>
#include <wsuslab/protocol/operations.hpp>

#include "fixtures.hpp"

namespace wsuslab::protocol {
namespace {

template <class T>
T request_fixture(const std::string& file, operation op) {
    SCOPED_TRACE(file);
    const auto r = parse_request(test::read_fixture(file),
                                 "\"" + std::string(soap_action(op)) + "\"");
    EXPECT_TRUE(r.ok()) << file << ": " << (r.ok() ? "" : r.error().description);
    if (!r.ok()) {
        return T{};
    }
    EXPECT_EQ(r.value().op, op);
    return std::get<T>(r.value().body);
}

template <class T>
T response_fixture(const std::string& file, operation op) {
    SCOPED_TRACE(file);
    const auto r = parse_response(op, test::read_fixture(file));
    EXPECT_TRUE(r.ok()) << file << ": " << (r.ok() ? "" : r.error().description);
    if (!r.ok() || !std::holds_alternative<response>(r.value())) {
        return T{};
    }
    return std::get<T>(std::get<response>(r.value()));
}

id_list span(std::int32_t first, std::int32_t last) {
    id_list ids;
    for (std::int32_t i = first; i <= last; ++i) {
        ids.push_back(i);
    }
    return ids;
}

id_list concat(std::initializer_list<id_list> parts) {
    id_list all;
    for (const id_list& p : parts) {
        all.insert(all.end(), p.begin(), p.end());
    }
    return all;
}

TEST(SpecExamplesTest, GetConfig) {
    const auto rq = request_fixture<get_config_request>("soap/valid/GetConfig/request.xml",
                                                        operation::get_config);
    EXPECT_EQ(rq.protocol_version, "1.0");
    const auto rs = response_fixture<get_config_response>("soap/valid/GetConfig/response.xml",
                                                          operation::get_config);
    ASSERT_TRUE(rs.result.has_value());
    EXPECT_EQ(rs.result->last_change, "2007-01-31T04:16:35.24Z");
    EXPECT_TRUE(rs.result->is_registration_required);
    ASSERT_TRUE(rs.result->auth_info.has_value());
    ASSERT_EQ(rs.result->auth_info->size(), 1U);
    EXPECT_EQ((*rs.result->auth_info)[0].plug_in_id, "SimpleTargeting");
    EXPECT_EQ((*rs.result->auth_info)[0].service_url, "SimpleAuthWebService/SimpleAuth.asmx");
    EXPECT_EQ((*rs.result->auth_info)[0].parameter, "");  // accepted although "MUST NOT"
    EXPECT_FALSE(rs.result->allowed_event_ids.has_value());
    ASSERT_TRUE(rs.result->properties.has_value());
    ASSERT_EQ(rs.result->properties->size(), 5U);
    EXPECT_EQ((*rs.result->properties)[0],
              (std::pair<std::string, std::string>{"MaxExtendedUpdatesPerRequest", "50"}));
    EXPECT_EQ((*rs.result->properties)[1].second,
              "\\\\microsof-cd0710.redmond.corp.microsoft.com\\UpdateServicesPackages");
    EXPECT_EQ((*rs.result->properties)[2],
              (std::pair<std::string, std::string>{"ProtocolVersion", "3.0"}));
    EXPECT_EQ((*rs.result->properties)[4],
              (std::pair<std::string, std::string>{"ClientReportingLevel", "2"}));
}

TEST(SpecExamplesTest, GetAuthorizationCookie) {
    const auto rq = request_fixture<get_authorization_cookie_request>(
        "soap/valid/GetAuthorizationCookie/request.xml", operation::get_authorization_cookie);
    EXPECT_EQ(rq.client_id, "5c7f4f80-3896-4d10-8a38-469286a0febc");
    EXPECT_EQ(rq.target_group_name, "");
    EXPECT_EQ(rq.dns_name, "microsof-cd0710.redmond.corp.microsoft.com");
    const auto rs = response_fixture<get_authorization_cookie_response>(
        "soap/valid/GetAuthorizationCookie/response.xml", operation::get_authorization_cookie);
    ASSERT_TRUE(rs.result.has_value());
    EXPECT_EQ(rs.result->plug_in_id, "SimpleTargeting");
    EXPECT_EQ(rs.result->cookie_data, "cXwHhVfNGxd/aJZ9ZqE4zwDbISp2BEDW1uTJ9CUX5N5adk8+AAApjuW6");
}

TEST(SpecExamplesTest, GetCookie) {
    const auto rq = request_fixture<get_cookie_request>("soap/valid/GetCookie/request.xml",
                                                        operation::get_cookie);
    ASSERT_TRUE(rq.auth_cookies.has_value());
    ASSERT_EQ(rq.auth_cookies->size(), 1U);
    EXPECT_EQ((*rq.auth_cookies)[0].plug_in_id, "SimpleTargeting");
    ASSERT_TRUE(rq.old_cookie.has_value());
    EXPECT_EQ(rq.old_cookie->expiration, "2006-05-16T18:54:28.85Z");
    EXPECT_EQ(rq.old_cookie->encrypted_data, std::nullopt);  // xsi:nil="1"
    EXPECT_EQ(rq.last_change, "2006-05-16T18:54:28.85Z");
    EXPECT_EQ(rq.current_time, "2006-05-17T16:16:38Z");
    EXPECT_EQ(rq.protocol_version, "1.8");
    const auto rs = response_fixture<get_cookie_response>("soap/valid/GetCookie/response.xml",
                                                          operation::get_cookie);
    ASSERT_TRUE(rs.result.has_value());
    EXPECT_EQ(rs.result->expiration, "2006-05-26T16:58:01.8749472Z");
    EXPECT_TRUE(rs.result->encrypted_data.has_value());
}

TEST(SpecExamplesTest, RegisterComputer) {
    const auto rq = request_fixture<register_computer_request>(
        "soap/valid/RegisterComputer/request.xml", operation::register_computer);
    ASSERT_TRUE(rq.cookie_.has_value());
    EXPECT_EQ(rq.cookie_->expiration, "2007-02-06T03:08:47.9843753Z");
    ASSERT_TRUE(rq.info.has_value());
    const computer_info& c = *rq.info;
    EXPECT_EQ(c.dns_name, "microsof-cd0710.redmond.corp.microsoft.com");
    EXPECT_EQ(c.os_major_version, 10);
    EXPECT_EQ(c.os_build_number, 3790);
    EXPECT_EQ(c.os_service_pack_major_number, 1);
    EXPECT_EQ(c.os_locale, "en-US");
    EXPECT_EQ(c.bios_name, "BIOS Date: 08/14/03 19:41:02 Ver: 08.00.02");
    EXPECT_EQ(c.bios_release_date, "2003-08-14T00:00:00Z");
    EXPECT_EQ(c.processor_architecture, "x86");
    EXPECT_EQ(c.suite_mask, 272);
    EXPECT_EQ(c.old_product_type, 3);
    EXPECT_EQ(c.client_version_major_number, 7);
    EXPECT_EQ(c.client_version_build_number, 6000);
    EXPECT_EQ(c.client_version_qfe_number, 317);
    EXPECT_EQ(c.firmware_version, "090006");
    EXPECT_EQ(c.mobile_operator, std::nullopt);
    const auto r = parse_response(operation::register_computer,
                                  test::read_fixture("soap/valid/RegisterComputer/response.xml"));
    ASSERT_TRUE(r.ok()) << r.error().description;
    EXPECT_TRUE(std::holds_alternative<response>(r.value()));
}

TEST(SpecExamplesTest, SyncUpdatesFirstRequestHasNilArrays) {
    const auto rq = request_fixture<sync_updates_request>("soap/valid/SyncUpdates/request-1.xml",
                                                          operation::sync_updates);
    ASSERT_TRUE(rq.cookie_.has_value());
    EXPECT_EQ(rq.cookie_->expiration, "2006-05-23T04:06:32.9843746");
    ASSERT_TRUE(rq.parameters.has_value());
    EXPECT_FALSE(rq.parameters->express_query);
    EXPECT_FALSE(rq.parameters->installed_non_leaf_update_ids.has_value());
    EXPECT_FALSE(rq.parameters->other_cached_update_ids.has_value());
    EXPECT_FALSE(rq.parameters->system_spec.has_value());
    EXPECT_FALSE(rq.parameters->cached_driver_ids.has_value());
    EXPECT_FALSE(rq.parameters->skip_software_sync);
}

TEST(SpecExamplesTest, SyncUpdatesLaterRequestsCarryTheCache) {
    const auto second = request_fixture<sync_updates_request>(
        "soap/valid/SyncUpdates/request-2.xml", operation::sync_updates);
    ASSERT_TRUE(second.parameters.has_value());
    EXPECT_EQ(second.parameters->installed_non_leaf_update_ids, id_list{109});
    EXPECT_EQ(second.parameters->other_cached_update_ids,
              concat({span(101, 108), span(110, 115), span(378, 392)}));
    EXPECT_EQ(second.parameters->other_cached_update_ids->size(), 29U);
    const auto third = request_fixture<sync_updates_request>(
        "soap/valid/SyncUpdates/request-3.xml", operation::sync_updates);
    ASSERT_TRUE(third.parameters.has_value());
    EXPECT_EQ(third.parameters->installed_non_leaf_update_ids, (id_list{109, 191}));
    EXPECT_EQ(third.parameters->other_cached_update_ids->size(), 58U);
    EXPECT_EQ(third.parameters->other_cached_update_ids,
              concat({span(39, 58), {97}, span(99, 108), span(110, 115), {179, 181},
                      span(196, 198), {210}, span(378, 392)}));
}

TEST(SpecExamplesTest, RefreshCache) {
    const auto rq = request_fixture<refresh_cache_request>("soap/valid/RefreshCache/request.xml",
                                                           operation::refresh_cache);
    ASSERT_TRUE(rq.global_ids.has_value());
    ASSERT_EQ(rq.global_ids->size(), 1U);
    EXPECT_EQ((*rq.global_ids)[0].update_id, "0a4c6c73-8887-4d7f-9cbe-d08fa8fa9d1e");
    EXPECT_EQ((*rq.global_ids)[0].revision_number, 50);
}

TEST(SpecExamplesTest, GetFileLocations) {
    const auto rq = request_fixture<get_file_locations_request>(
        "soap/valid/GetFileLocations/request.xml", operation::get_file_locations);
    EXPECT_EQ(rq.file_digests, string_list{"AAAAAAAAAAAAAAAAAAAAAAAAAAA="});
}

TEST(SpecExamplesTest, ReportEventBatch) {
    const auto rq = request_fixture<report_event_batch_request>(
        "soap/valid/ReportEventBatch/request.xml", operation::report_event_batch);
    EXPECT_EQ(rq.client_time, "2006-05-17T16:16:38.015");
    ASSERT_TRUE(rq.event_batch.has_value());
    ASSERT_EQ(rq.event_batch->size(), 2U);
    const reporting_event& ev = (*rq.event_batch)[0];
    ASSERT_TRUE(ev.basic.has_value());
    EXPECT_EQ(ev.basic->target_id_sid, "5c7f4f80-3896-4d10-8a38-469286a0febc");
    EXPECT_EQ(ev.basic->sequence_number, 0);
    EXPECT_EQ(ev.basic->time_at_target, "2006-05-17T16:13:29.734");
    EXPECT_EQ(ev.basic->event_instance_id, "E6D82915-627F-418B-A5CC-B9FCD400455B");
    EXPECT_EQ(ev.basic->namespace_id, 1);
    EXPECT_EQ(ev.basic->event_id, 148);
    EXPECT_EQ(ev.basic->source_id, 101);
    ASSERT_TRUE(ev.basic->update_id.has_value());
    EXPECT_EQ(ev.basic->update_id->update_id, "D67661EB-2423-451D-BF5D-13199E37DF28");
    EXPECT_EQ(ev.basic->win32_hresult, -2145107943);  // 0x80244019
    EXPECT_EQ(ev.basic->app_name, "SelfUpdate");
    ASSERT_TRUE(ev.extended.has_value());
    EXPECT_EQ(ev.extended->replacement_strings, string_list{"0x80244019"});
    EXPECT_EQ(ev.extended->misc_data,
              (string_list{"Q=1", "G=7.0.5378.45", "J=703", "K=EPP runtime BIOS - Version 1.1",
                           "L=2005-11-22T00:00:00"}));
    EXPECT_EQ(ev.extended->computer_model, "HP Compaq nx6125 (EM493UC#ABA)");
    EXPECT_EQ(ev.extended->processor_architecture, "X86Compatible");
    EXPECT_EQ(ev.extended->os_version.build, 2600);
    EXPECT_EQ(ev.extended->os_version.revision, 65792);
    EXPECT_EQ(ev.extended->os_version.service_pack_major, 2);
    EXPECT_EQ(ev.extended->os_locale_id, 1033);
    EXPECT_EQ(ev.extended->device_id, "");
    ASSERT_TRUE(ev.private_.has_value());
    EXPECT_EQ(ev.private_->computer_dns_name, "");
    EXPECT_EQ(ev.private_->user_account_name, "");
    const auto rs = response_fixture<report_event_batch_response>(
        "soap/valid/ReportEventBatch/response.xml", operation::report_event_batch);
    EXPECT_TRUE(rs.result);
}

}  // namespace
}  // namespace wsuslab::protocol
