#pragma once
// Test-only: one fully populated value of every request and response, every member set to a
// distinct non-default value (strings with markup, CR, non-ASCII text and edge integers), so that
// a member the codec drops or confuses changes the round trip.

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <wsuslab/protocol/messages.hpp>

namespace wsuslab::protocol::samples {

inline cookie make_cookie(int n) {
    return cookie{"2008-07-0" + std::to_string(n) + "T10:11:12.1234567Z",
                  std::string("AAECAwQFBgcICQoLDA0OD") + (n % 2 == 0 ? "w==" : "xAB")};
}

inline update_identity make_identity(int n) {
    return update_identity{"0a4c6c73-8887-4d7f-9cbe-d08fa8fa9d1" + std::to_string(n % 10), 200 + n};
}

inline deployment make_deployment(int n) {
    deployment d;
    d.id = 20000 + n;
    d.action = n % 2 == 0 ? deployment_action::pre_deployment_check : deployment_action::bundle;
    d.deadline = "2008-08-0" + std::to_string(n % 9 + 1) + "T00:00:00Z";
    d.is_assigned = false;
    d.last_change_time = "2008-06-10";
    d.download_priority = "High";
    d.hardware_ids = string_list{"PCI\\VEN_8086&DEV_1234", "USB\\ROOT_HUB"};
    d.auto_select = "0";
    d.auto_download = "1";
    d.supersedence_behavior = "2";
    d.flag_bitmask = "3";
    return d;
}

inline update_info make_update_info(int n) {
    update_info u;
    u.id = 8862 + n;
    u.deploy = make_deployment(n);
    u.is_leaf = false;
    u.xml = "<UpdateIdentity UpdateID=\"5c7f4f80-3896-4d10-8a38-469286a0febc\" RevisionNumber=\"" +
            std::to_string(n) +
            "\" /><Properties UpdateType=\"Software\" />\r\n<Relationships>&amp; é</Relationships>";
    return u;
}

inline sync_info make_sync_info() {
    sync_info s;
    s.new_updates = std::vector<update_info>{make_update_info(1), make_update_info(2)};
    s.out_of_scope_revision_ids = id_list{std::numeric_limits<std::int32_t>::min(), -1, 0};
    s.changed_updates = std::vector<update_info>{make_update_info(3)};
    s.truncated = true;
    s.new_cookie = make_cookie(4);
    s.deployed_out_of_scope_revision_ids = id_list{std::numeric_limits<std::int32_t>::max()};
    s.driver_sync_not_needed = "true";
    return s;
}

inline file_location make_file_location(int n) {
    file_location f;
    f.file_digest = "AAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    f.url = "http://wsus:8530/Content/3A/" + std::to_string(n) + ".cab?a=1&b=2";
    f.pieces_hash_url = "http://wsus/p" + std::to_string(n);
    f.block_map_url = "http://wsus/b" + std::to_string(n);
    f.decryption_information = "{\"KeyData\":\"x\",\"AlgorithmName\":\"AES\"}";
    f.file_digest_algorithm = "SHA1";
    f.encrypted_file_digest = "ZmlsZQ==";
    f.encrypted_file_digest_algorithm = "SHA256";
    return f;
}

inline installed_driver make_driver() {
    installed_driver d;
    d.matching_id = "PCI\\VEN_10DE";
    d.driver_ver_date = "2007-03-04T00:00:00";
    d.driver_ver_version = std::numeric_limits<std::int64_t>::max();
    d.driver_class = "Display";
    d.manufacturer = "NVIDIA";
    d.provider = "Microsoft";
    d.model = "GeForce <8800>";
    d.matching_computer_hwid = "E6D82915-627F-418B-A5CC-B9FCD400455B";
    d.driver_rank = 0xFF0000;
    return d;
}

inline request sample_request(operation op) {
    switch (op) {
        case operation::get_authorization_cookie:
            return get_authorization_cookie_request{"5c7f4f80-3896-4d10-8a38-469286a0febc", "",
                                                    "pc1.example.com"};
        case operation::get_config:
            return get_config_request{"1.8"};
        case operation::get_cookie:
            return get_cookie_request{
                std::vector<authorization_cookie>{{"SimpleTargeting", "Y29va2ll"}, {"X", {}}},
                make_cookie(1), "2006-05-16T18:54:28.85Z", "2006-05-17T16:16:38Z", "1.6"};
        case operation::register_computer: {
            computer_info c{"pc1.example.com", 5, 1, 2600, 2, 3, "en-US", "Contoso & Sons",
                            "Model <X>", "080002", "BIOS Date", "2003-08-14T00:00:00Z", "x86",
                            272, 255, 3, -7, 7, 6, 6000, 317, "Windows XP", "OEM", "Desktop",
                            "090006", "Operator"};
            return register_computer_request{make_cookie(2), c};
        }
        case operation::start_category_scan:
            return start_category_scan_request{std::vector<category_relationship>{
                {0, "0fa1201d-4330-4fa8-8ae9-b877473b6441"},
                {1, "E6CF1350-C01B-414D-A61F-263D14D133B4"}}};
        case operation::sync_updates: {
            sync_update_parameters p;
            p.express_query = true;
            p.installed_non_leaf_update_ids = id_list{109, 191};
            p.other_cached_update_ids = id_list{};
            p.system_spec = std::vector<device>{
                device{string_list{"PCI\\VEN_10DE&DEV_0191", " spaced "}, string_list{},
                       make_driver(), string_list{"d1"}, std::uint8_t{255}},
                device{}};
            p.cached_driver_ids = id_list{25000};
            p.skip_software_sync = true;
            p.filter_category_ids = string_list{"0fa1201d-4330-4fa8-8ae9-b877473b6441"};
            p.need_two_group_out_of_scope_updates = false;
            p.computer_spec_hardware_ids = string_list{"a0a1a2a3-b0b1-c0c1-d0d1-e0e1e2e3e4e5"};
            p.feature_score_matching_key = "x86.5.1";
            return sync_updates_request{make_cookie(3), p};
        }
        case operation::sync_printer_catalog:
            return sync_printer_catalog_request{make_cookie(4), id_list{1, 2, 3}, id_list{4}};
        case operation::refresh_cache:
            return refresh_cache_request{make_cookie(5), std::vector<update_identity>{
                                                             make_identity(1), make_identity(2)}};
        case operation::get_extended_update_info:
            return get_extended_update_info_request{make_cookie(6), id_list{8862, 8863},
                                                    string_list{"Extended", "LocalizedProperties"},
                                                    string_list{"en", "de-DE"}, "USA", "attr=1"};
        case operation::get_extended_update_info2:
            return get_extended_update_info2_request{
                make_cookie(7), std::vector<update_identity>{make_identity(3)},
                string_list{"FileUrl", "FileDecryption"}, string_list{"en"}, "attr=2"};
        case operation::get_file_locations:
            return get_file_locations_request{
                make_cookie(8), string_list{"AAAAAAAAAAAAAAAAAAAAAAAAAAA=", "qqqqqqqqqqqqqqqqqqqqqqqqqqo="}};
        case operation::report_event_batch: {
            basic_data b{"5c7f4f80-3896-4d10-8a38-469286a0febc", 0, "2006-05-17T16:13:29.734",
                         "E6D82915-627F-418B-A5CC-B9FCD400455B", 1, 148, 101,
                         make_identity(4), -2145107943, "SelfUpdate"};
            extended_data e{string_list{"0x80244019"}, string_list{"Q=1", "G=7.0.5378.45"},
                            "Hewlett-Packard", "HP Compaq nx6125 (EM493UC#ABA)",
                            "68DTT Ver. F.0D", "X86Compatible",
                            detailed_version{5, 1, 2600, 65792, 2, 0}, 1033, ""};
            reporting_event ev{b, e, private_data{"", "user"}};
            return report_event_batch_request{make_cookie(9), "2006-05-17T16:16:38.015",
                                              std::vector<reporting_event>{ev, reporting_event{}}};
        }
    }
    return get_config_request{};
}

inline response sample_response(operation op) {
    switch (op) {
        case operation::get_authorization_cookie:
            return get_authorization_cookie_response{
                authorization_cookie{"SimpleTargeting", "cXwHhVfNGxd/aJZ9ZqE4zw=="}};
        case operation::get_config: {
            config c;
            c.last_change = "2007-01-31T04:16:35.24Z";
            c.is_registration_required = true;
            c.auth_info = std::vector<auth_plug_in_info>{
                {"SimpleTargeting", "SimpleAuthWebService/SimpleAuth.asmx", std::nullopt}};
            c.allowed_event_ids = id_list{141, 147, 148};
            c.properties = std::vector<std::pair<std::string, std::string>>{
                {"MaxExtendedUpdatesPerRequest", "50"},
                {"PackageServerShare", "\\\\server\\UpdateServicesPackages"},
                {"Empty", ""}};
            return get_config_response{c};
        }
        case operation::get_cookie:
            return get_cookie_response{make_cookie(1)};
        case operation::register_computer:
            return register_computer_response{};
        case operation::start_category_scan:
            return start_category_scan_response{
                string_list{"0fa1201d-4330-4fa8-8ae9-b877473b6441"},
                string_list{"e6cf1350-c01b-414d-a61f-263d14d133b4", "00000000-0000-0000-0000-000000000000"}};
        case operation::sync_updates:
            return sync_updates_response{make_sync_info()};
        case operation::sync_printer_catalog: {
            sync_info s;
            s.new_updates = std::vector<update_info>{};
            s.truncated = false;
            return sync_printer_catalog_response{s};
        }
        case operation::refresh_cache:
            return refresh_cache_response{std::vector<refresh_cache_result>{
                refresh_cache_result{8862, make_identity(5), false, make_deployment(5)},
                refresh_cache_result{1, std::nullopt, true, std::nullopt}}};
        case operation::get_extended_update_info:
            return get_extended_update_info_response{extended_update_info{
                std::vector<update_data>{{8862, "<ExtendedProperties DefaultPropertiesLanguage=\"en\" />"},
                                         {8863, std::nullopt}},
                std::vector<file_location>{make_file_location(1)}, id_list{7}}};
        case operation::get_extended_update_info2: {
            extended_update_info2 e;
            e.updates = std::vector<update_data>{{1, "<a/>"}};
            e.file_locations = std::vector<file_location>{make_file_location(2)};
            e.file_decryption_data = std::vector<file_decryption>{
                {"AAAAAAAAAAAAAAAAAAAAAAAAAAA=", "a2V5", string_list{"a2V5"}}};
            e.file_decryption_data2 = std::vector<file_decryption>{{"ZGlnZXN0", "a2V5Mg==", string_list{}}};
            e.update_encryption_details =
                std::vector<update_encryption_detail>{{make_identity(6), true}};
            return get_extended_update_info2_response{e};
        }
        case operation::get_file_locations:
            return get_file_locations_response{get_file_locations_results{
                std::vector<file_location>{make_file_location(3)}, make_cookie(2)}};
        case operation::report_event_batch:
            return report_event_batch_response{true};
    }
    return register_computer_response{};
}

}  // namespace wsuslab::protocol::samples
