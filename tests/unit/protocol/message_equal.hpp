#pragma once
// Test-only equality for the protocol message types, so that round trips compare whole values.
// Each macro line lists every member of one struct; sample_messages.hpp fills every member with a
// distinct value, and wsdl_schema_test checks that every schema element is emitted, so a member
// missing here or in the codec shows up as a failing test.

#include <tuple>

#include <wsuslab/protocol/codec.hpp>
#include <wsuslab/protocol/messages.hpp>

namespace wsuslab::protocol {

#define WSUSLAB_TEST_EQUALITY(T, ...)                                      \
    inline auto tie_members(const T& x) { return std::tie(__VA_ARGS__); } \
    inline bool operator==(const T& a, const T& b) {                      \
        return tie_members(a) == tie_members(b);                          \
    }                                                                     \
    inline bool operator!=(const T& a, const T& b) { return !(a == b); }

WSUSLAB_TEST_EQUALITY(authorization_cookie, x.plug_in_id, x.cookie_data)
WSUSLAB_TEST_EQUALITY(update_identity, x.update_id, x.revision_number)
WSUSLAB_TEST_EQUALITY(deployment, x.id, x.action, x.deadline, x.is_assigned, x.last_change_time,
                      x.download_priority, x.hardware_ids, x.auto_select, x.auto_download,
                      x.supersedence_behavior, x.flag_bitmask)
WSUSLAB_TEST_EQUALITY(update_info, x.id, x.deploy, x.is_leaf, x.xml)
WSUSLAB_TEST_EQUALITY(sync_info, x.new_updates, x.out_of_scope_revision_ids, x.changed_updates,
                      x.truncated, x.new_cookie, x.deployed_out_of_scope_revision_ids,
                      x.driver_sync_not_needed)
WSUSLAB_TEST_EQUALITY(installed_driver, x.matching_id, x.driver_ver_date, x.driver_ver_version,
                      x.driver_class, x.manufacturer, x.provider, x.model,
                      x.matching_computer_hwid, x.driver_rank)
WSUSLAB_TEST_EQUALITY(device, x.hardware_ids, x.compatible_ids, x.driver, x.driver_recovery_ids,
                      x.device_flags)
WSUSLAB_TEST_EQUALITY(file_location, x.file_digest, x.url, x.pieces_hash_url, x.block_map_url,
                      x.decryption_information, x.file_digest_algorithm, x.encrypted_file_digest,
                      x.encrypted_file_digest_algorithm)
WSUSLAB_TEST_EQUALITY(update_data, x.id, x.xml)

WSUSLAB_TEST_EQUALITY(get_authorization_cookie_request, x.client_id, x.target_group_name,
                      x.dns_name)
WSUSLAB_TEST_EQUALITY(get_authorization_cookie_response, x.result)
WSUSLAB_TEST_EQUALITY(get_config_request, x.protocol_version)
WSUSLAB_TEST_EQUALITY(auth_plug_in_info, x.plug_in_id, x.service_url, x.parameter)
WSUSLAB_TEST_EQUALITY(config, x.last_change, x.is_registration_required, x.auth_info,
                      x.allowed_event_ids, x.properties)
WSUSLAB_TEST_EQUALITY(get_config_response, x.result)
WSUSLAB_TEST_EQUALITY(get_cookie_request, x.auth_cookies, x.old_cookie, x.last_change,
                      x.current_time, x.protocol_version)
WSUSLAB_TEST_EQUALITY(get_cookie_response, x.result)
WSUSLAB_TEST_EQUALITY(computer_info, x.dns_name, x.os_major_version, x.os_minor_version,
                      x.os_build_number, x.os_service_pack_major_number,
                      x.os_service_pack_minor_number, x.os_locale, x.computer_manufacturer,
                      x.computer_model, x.bios_version, x.bios_name, x.bios_release_date,
                      x.processor_architecture, x.suite_mask, x.old_product_type,
                      x.new_product_type, x.system_metrics, x.client_version_major_number,
                      x.client_version_minor_number, x.client_version_build_number,
                      x.client_version_qfe_number, x.os_description, x.oem, x.device_type,
                      x.firmware_version, x.mobile_operator)
WSUSLAB_TEST_EQUALITY(register_computer_request, x.cookie_, x.info)
inline bool operator==(const register_computer_response&, const register_computer_response&) {
    return true;
}
WSUSLAB_TEST_EQUALITY(category_relationship, x.index_of_and_group, x.category_id)
WSUSLAB_TEST_EQUALITY(start_category_scan_request, x.requested_categories)
WSUSLAB_TEST_EQUALITY(start_category_scan_response, x.preferred_category_ids,
                      x.requested_category_ids_in_error)
WSUSLAB_TEST_EQUALITY(sync_update_parameters, x.express_query, x.installed_non_leaf_update_ids,
                      x.other_cached_update_ids, x.system_spec, x.cached_driver_ids,
                      x.skip_software_sync, x.filter_category_ids,
                      x.need_two_group_out_of_scope_updates, x.computer_spec_hardware_ids,
                      x.feature_score_matching_key)
WSUSLAB_TEST_EQUALITY(sync_updates_request, x.cookie_, x.parameters)
WSUSLAB_TEST_EQUALITY(sync_updates_response, x.result)
WSUSLAB_TEST_EQUALITY(sync_printer_catalog_request, x.cookie_, x.installed_non_leaf_update_ids,
                      x.printer_update_ids)
WSUSLAB_TEST_EQUALITY(sync_printer_catalog_response, x.result)
WSUSLAB_TEST_EQUALITY(refresh_cache_request, x.cookie_, x.global_ids)
WSUSLAB_TEST_EQUALITY(refresh_cache_result, x.revision_id, x.global_id, x.is_leaf, x.deploy)
WSUSLAB_TEST_EQUALITY(refresh_cache_response, x.result)
WSUSLAB_TEST_EQUALITY(get_extended_update_info_request, x.cookie_, x.revision_ids, x.info_types,
                      x.locales, x.geo_id, x.caller_attributes)
WSUSLAB_TEST_EQUALITY(extended_update_info, x.updates, x.file_locations,
                      x.out_of_scope_revision_ids)
WSUSLAB_TEST_EQUALITY(get_extended_update_info_response, x.result)
WSUSLAB_TEST_EQUALITY(get_extended_update_info2_request, x.cookie_, x.update_ids, x.info_types,
                      x.locales, x.caller_attributes)
WSUSLAB_TEST_EQUALITY(file_decryption, x.file_digest, x.decryption_key, x.security_data)
WSUSLAB_TEST_EQUALITY(update_encryption_detail, x.identity, x.has_encrypted_files)
WSUSLAB_TEST_EQUALITY(extended_update_info2, x.updates, x.file_locations, x.file_decryption_data,
                      x.file_decryption_data2, x.update_encryption_details)
WSUSLAB_TEST_EQUALITY(get_extended_update_info2_response, x.result)
WSUSLAB_TEST_EQUALITY(get_file_locations_request, x.cookie_, x.file_digests)
WSUSLAB_TEST_EQUALITY(get_file_locations_results, x.file_locations, x.new_cookie)
WSUSLAB_TEST_EQUALITY(get_file_locations_response, x.result)
WSUSLAB_TEST_EQUALITY(basic_data, x.target_id_sid, x.sequence_number, x.time_at_target,
                      x.event_instance_id, x.namespace_id, x.event_id, x.source_id, x.update_id,
                      x.win32_hresult, x.app_name)
WSUSLAB_TEST_EQUALITY(detailed_version, x.major, x.minor, x.build, x.revision,
                      x.service_pack_major, x.service_pack_minor)
WSUSLAB_TEST_EQUALITY(extended_data, x.replacement_strings, x.misc_data, x.computer_brand,
                      x.computer_model, x.bios_revision, x.processor_architecture, x.os_version,
                      x.os_locale_id, x.device_id)
WSUSLAB_TEST_EQUALITY(private_data, x.computer_dns_name, x.user_account_name)
WSUSLAB_TEST_EQUALITY(reporting_event, x.basic, x.extended, x.private_)
WSUSLAB_TEST_EQUALITY(report_event_batch_request, x.cookie_, x.client_time, x.event_batch)
WSUSLAB_TEST_EQUALITY(report_event_batch_response, x.result)
WSUSLAB_TEST_EQUALITY(soap_fault, x.code, x.faultstring, x.faultactor, x.error, x.message, x.id,
                      x.method)

#undef WSUSLAB_TEST_EQUALITY

}  // namespace wsuslab::protocol
