#pragma once
/// Request and response types of every operation in docs/protocol-notes.md §4, and the variants
/// that carry them through the codec. Member names follow the wire names in snake_case; optional
/// members are the schema's minOccurs="0" elements.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <wsuslab/protocol/operations.hpp>
#include <wsuslab/protocol/types.hpp>

namespace wsuslab::protocol {

// ---- SimpleAuth ----------------------------------------------------------------------------
struct get_authorization_cookie_request {
    std::optional<std::string> client_id;
    std::optional<std::string> target_group_name;
    std::optional<std::string> dns_name;
};
struct get_authorization_cookie_response {
    std::optional<authorization_cookie> result;
};

// ---- GetConfig / GetCookie / RegisterComputer ----------------------------------------------
struct get_config_request {
    std::optional<std::string> protocol_version;
};
struct auth_plug_in_info {
    std::optional<std::string> plug_in_id;
    std::optional<std::string> service_url;
    std::optional<std::string> parameter;  ///< accepted when parsing, never sent (erratum 10)
};
struct config {
    std::string last_change;
    bool is_registration_required = false;
    std::optional<std::vector<auth_plug_in_info>> auth_info;
    std::optional<id_list> allowed_event_ids;
    std::optional<std::vector<std::pair<std::string, std::string>>> properties;
};
struct get_config_response {
    std::optional<config> result;
};

struct get_cookie_request {
    std::optional<std::vector<authorization_cookie>> auth_cookies;
    std::optional<cookie> old_cookie;
    std::string last_change;
    std::string current_time;
    std::optional<std::string> protocol_version;
};
struct get_cookie_response {
    std::optional<cookie> result;
};

struct computer_info {
    std::optional<std::string> dns_name;
    std::int32_t os_major_version = 0;
    std::int32_t os_minor_version = 0;
    std::int32_t os_build_number = 0;
    std::int16_t os_service_pack_major_number = 0;
    std::int16_t os_service_pack_minor_number = 0;
    std::optional<std::string> os_locale;
    std::optional<std::string> computer_manufacturer;
    std::optional<std::string> computer_model;
    std::optional<std::string> bios_version;
    std::optional<std::string> bios_name;
    std::string bios_release_date;
    std::optional<std::string> processor_architecture;
    std::int16_t suite_mask = 0;
    std::uint8_t old_product_type = 0;
    std::int32_t new_product_type = 0;
    std::int32_t system_metrics = 0;
    std::int16_t client_version_major_number = 0;
    std::int16_t client_version_minor_number = 0;
    std::int16_t client_version_build_number = 0;
    std::int16_t client_version_qfe_number = 0;
    std::optional<std::string> os_description;
    std::optional<std::string> oem;
    std::optional<std::string> device_type;
    std::optional<std::string> firmware_version;
    std::optional<std::string> mobile_operator;
};
struct register_computer_request {
    std::optional<cookie> cookie_;  ///< element <cookie>
    std::optional<computer_info> info;  ///< element <computerInfo>
};
struct register_computer_response {};

// ---- StartCategoryScan -----------------------------------------------------------------------
struct category_relationship {
    std::int32_t index_of_and_group = 0;
    std::string category_id;
};
struct start_category_scan_request {
    std::optional<std::vector<category_relationship>> requested_categories;
};
struct start_category_scan_response {
    std::optional<string_list> preferred_category_ids;
    std::optional<string_list> requested_category_ids_in_error;
};

// ---- SyncUpdates / SyncPrinterCatalog ---------------------------------------------------------
struct sync_update_parameters {
    bool express_query = false;
    std::optional<id_list> installed_non_leaf_update_ids;
    std::optional<id_list> other_cached_update_ids;
    std::optional<std::vector<device>> system_spec;
    std::optional<id_list> cached_driver_ids;
    bool skip_software_sync = false;
    std::optional<string_list> filter_category_ids;  ///< CategoryIdentifier/Id GUIDs
    std::optional<bool> need_two_group_out_of_scope_updates;
    std::optional<string_list> computer_spec_hardware_ids;  ///< ComputerSpec/HardwareIDs
    std::optional<std::string> feature_score_matching_key;
};
struct sync_updates_request {
    std::optional<cookie> cookie_;
    std::optional<sync_update_parameters> parameters;
};
struct sync_updates_response {
    std::optional<sync_info> result;
};

struct sync_printer_catalog_request {
    std::optional<cookie> cookie_;
    std::optional<id_list> installed_non_leaf_update_ids;
    std::optional<id_list> printer_update_ids;
};
struct sync_printer_catalog_response {
    std::optional<sync_info> result;
};

// ---- RefreshCache -----------------------------------------------------------------------------
struct refresh_cache_request {
    std::optional<cookie> cookie_;
    std::optional<std::vector<update_identity>> global_ids;
};
struct refresh_cache_result {
    std::int32_t revision_id = 0;
    std::optional<update_identity> global_id;
    bool is_leaf = true;
    std::optional<deployment> deploy;
};
struct refresh_cache_response {
    std::optional<std::vector<refresh_cache_result>> result;
};

// ---- GetExtendedUpdateInfo(2) / GetFileLocations ----------------------------------------------
struct get_extended_update_info_request {
    std::optional<cookie> cookie_;
    std::optional<id_list> revision_ids;
    std::optional<string_list> info_types;  ///< XmlUpdateFragmentType values, e.g. "Extended"
    std::optional<string_list> locales;
    std::optional<std::string> geo_id;
    std::optional<std::string> caller_attributes;
};
struct extended_update_info {
    std::optional<std::vector<update_data>> updates;
    std::optional<std::vector<file_location>> file_locations;
    std::optional<id_list> out_of_scope_revision_ids;
};
struct get_extended_update_info_response {
    std::optional<extended_update_info> result;
};

struct get_extended_update_info2_request {
    std::optional<cookie> cookie_;
    std::optional<std::vector<update_identity>> update_ids;
    std::optional<string_list> info_types;
    std::optional<string_list> locales;
    std::optional<std::string> caller_attributes;
};
struct file_decryption {
    std::optional<std::string> file_digest;
    std::optional<std::string> decryption_key;
    std::optional<string_list> security_data;
};
struct update_encryption_detail {
    update_identity identity;
    bool has_encrypted_files = false;
};
struct extended_update_info2 {
    std::optional<std::vector<update_data>> updates;
    std::optional<std::vector<file_location>> file_locations;
    std::optional<std::vector<file_decryption>> file_decryption_data;
    std::optional<std::vector<file_decryption>> file_decryption_data2;
    std::optional<std::vector<update_encryption_detail>> update_encryption_details;
};
struct get_extended_update_info2_response {
    std::optional<extended_update_info2> result;
};

struct get_file_locations_request {
    std::optional<cookie> cookie_;
    std::optional<string_list> file_digests;  ///< base64 text of 20-byte SHA-1 digests
};
struct get_file_locations_results {
    std::optional<std::vector<file_location>> file_locations;
    std::optional<cookie> new_cookie;
};
struct get_file_locations_response {
    std::optional<get_file_locations_results> result;
};

// ---- Reporting --------------------------------------------------------------------------------
struct basic_data {
    std::optional<std::string> target_id_sid;  ///< TargetID/Sid
    std::int32_t sequence_number = 0;
    std::string time_at_target;
    std::string event_instance_id;
    std::int32_t namespace_id = 1;
    std::int16_t event_id = 0;
    std::int16_t source_id = 0;
    std::optional<update_identity> update_id;  ///< UpdateRevisionIdentifier
    std::int32_t win32_hresult = 0;
    std::optional<std::string> app_name;
};
struct detailed_version {
    std::int32_t major = 0, minor = 0, build = 0, revision = 0;
    std::int32_t service_pack_major = 0, service_pack_minor = 0;
};
struct extended_data {
    std::optional<string_list> replacement_strings;
    std::optional<string_list> misc_data;
    std::optional<std::string> computer_brand;
    std::optional<std::string> computer_model;
    std::optional<std::string> bios_revision;
    std::string processor_architecture = "X86Compatible";
    detailed_version os_version;
    std::int32_t os_locale_id = 1033;
    std::optional<std::string> device_id;
};
struct private_data {
    std::optional<std::string> computer_dns_name;
    std::optional<std::string> user_account_name;
};
struct reporting_event {
    std::optional<basic_data> basic;
    std::optional<extended_data> extended;
    std::optional<private_data> private_;
};
struct report_event_batch_request {
    std::optional<cookie> cookie_;
    std::string client_time;
    std::optional<std::vector<reporting_event>> event_batch;
};
struct report_event_batch_response {
    bool result = false;
};

// ---- Variants, in the order of `operation` ------------------------------------------------------
using request = std::variant<get_authorization_cookie_request, get_config_request,
                             get_cookie_request, register_computer_request,
                             start_category_scan_request, sync_updates_request,
                             sync_printer_catalog_request, refresh_cache_request,
                             get_extended_update_info_request, get_extended_update_info2_request,
                             get_file_locations_request, report_event_batch_request>;

using response = std::variant<get_authorization_cookie_response, get_config_response,
                              get_cookie_response, register_computer_response,
                              start_category_scan_response, sync_updates_response,
                              sync_printer_catalog_response, refresh_cache_response,
                              get_extended_update_info_response, get_extended_update_info2_response,
                              get_file_locations_response, report_event_batch_response>;

/// The operation a request or response belongs to (the variant index maps onto `operation`).
inline operation operation_of(const request& r) { return static_cast<operation>(r.index()); }
inline operation operation_of(const response& r) { return static_cast<operation>(r.index()); }

}  // namespace wsuslab::protocol
