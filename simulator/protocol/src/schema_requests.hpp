#pragma once
// Internal: the request bodies of the twelve operations (docs/protocol-notes.md §4.1-§4.12) for the
// reader and writer visitors. Members the spec says MUST be present although the schema has
// minOccurs="0" are marked `req`, so that parse_request reports them as missing_element with the
// WSUS parameter name (e.g. "parameters").

#include "schema_common.hpp"

namespace wsuslab::protocol::detail {

template <class V>
void describe(V& v, get_authorization_cookie_request& r) {
    v.text("clientId", r.client_id);
    v.text("targetGroupName", r.target_group_name);
    v.text("dnsName", r.dns_name);
}

template <class V>
void describe(V& v, get_config_request& r) {
    v.text("protocolVersion", r.protocol_version);
}

template <class V>
void describe(V& v, get_cookie_request& r) {
    v.objects("authCookies", "AuthorizationCookie", r.auth_cookies);
    v.object("oldCookie", r.old_cookie);
    v.text("lastChange", r.last_change);
    v.text("currentTime", r.current_time);
    v.text("protocolVersion", r.protocol_version);
}

template <class V>
void describe(V& v, computer_info& c) {
    v.text("DnsName", c.dns_name);
    v.integer("OSMajorVersion", c.os_major_version);
    v.integer("OSMinorVersion", c.os_minor_version);
    v.integer("OSBuildNumber", c.os_build_number);
    v.integer("OSServicePackMajorNumber", c.os_service_pack_major_number);
    v.integer("OSServicePackMinorNumber", c.os_service_pack_minor_number);
    v.text("OSLocale", c.os_locale);
    v.text("ComputerManufacturer", c.computer_manufacturer);
    v.text("ComputerModel", c.computer_model);
    v.text("BiosVersion", c.bios_version);
    v.text("BiosName", c.bios_name);
    v.text("BiosReleaseDate", c.bios_release_date);
    v.text("ProcessorArchitecture", c.processor_architecture);
    v.integer("SuiteMask", c.suite_mask);
    v.integer("OldProductType", c.old_product_type);
    v.integer("NewProductType", c.new_product_type);
    v.integer("SystemMetrics", c.system_metrics);
    v.integer("ClientVersionMajorNumber", c.client_version_major_number);
    v.integer("ClientVersionMinorNumber", c.client_version_minor_number);
    v.integer("ClientVersionBuildNumber", c.client_version_build_number);
    v.integer("ClientVersionQfeNumber", c.client_version_qfe_number);
    v.text("OSDescription", c.os_description);
    v.text("OEM", c.oem);
    v.text("DeviceType", c.device_type);
    v.text("FirmwareVersion", c.firmware_version);
    v.text("MobileOperator", c.mobile_operator);
}

template <class V>
void describe(V& v, register_computer_request& r) {
    v.object("cookie", r.cookie_);
    v.object("computerInfo", r.info);
}

template <class V>
void describe(V& v, category_relationship& c) {
    v.integer("IndexOfAndGroup", c.index_of_and_group);
    v.guid("CategoryId", c.category_id);
}

template <class V>
void describe(V& v, start_category_scan_request& r) {
    v.objects("requestedCategories", "CategoryRelationship", r.requested_categories, req);
}

template <class V>
void describe(V& v, installed_driver& d) {
    v.text("MatchingID", d.matching_id);
    v.text("DriverVerDate", d.driver_ver_date);
    v.integer("DriverVerVersion", d.driver_ver_version);
    v.text("Class", d.driver_class);
    v.text("Manufacturer", d.manufacturer);
    v.text("Provider", d.provider);
    v.text("Model", d.model);
    v.guid("MatchingComputerHWID", d.matching_computer_hwid);
    v.integer("DriverRank", d.driver_rank);
}

template <class V>
void describe(V& v, device& d) {
    v.strings("HardwareIDs", "string", item_kind::text, d.hardware_ids);
    v.strings("CompatibleIDs", "string", item_kind::text, d.compatible_ids);
    v.object("installedDriver", d.driver);
    // extensionDriver (Windows 10+ extension INFs) is not modelled; the reader skips it.
    v.strings("DriverRecoveryIDs", "DriverRecoveryID", item_kind::text, d.driver_recovery_ids);
    v.integer("DeviceFlags", d.device_flags);
}

template <class V>
void describe(V& v, sync_update_parameters& p) {
    // The client must send false or omit it, and the server must ignore it
    // (docs/protocol-notes.md §4.6).
    v.boolean("ExpressQuery", p.express_query, occurs::defaulted);
    v.ints("InstalledNonLeafUpdateIDs", p.installed_non_leaf_update_ids, occurs::optional,
           array_limit::installed_non_leaf);
    v.ints("OtherCachedUpdateIDs", p.other_cached_update_ids);
    v.objects("SystemSpec", "Device", p.system_spec);
    v.ints("CachedDriverIDs", p.cached_driver_ids);
    v.boolean("SkipSoftwareSync", p.skip_software_sync);
    v.wrapped_strings("FilterCategoryIds", "CategoryIdentifier", "Id", item_kind::guid,
                      p.filter_category_ids);
    v.boolean("NeedTwoGroupOutOfScopeUpdates", p.need_two_group_out_of_scope_updates);
    v.nested_strings("ComputerSpec", "HardwareIDs", "guid", item_kind::guid,
                     p.computer_spec_hardware_ids);
    v.text("FeatureScoreMatchingKey", p.feature_score_matching_key);
}

template <class V>
void describe(V& v, sync_updates_request& r) {
    v.object("cookie", r.cookie_);
    v.object("parameters", r.parameters, req);
}

template <class V>
void describe(V& v, sync_printer_catalog_request& r) {
    v.object("cookie", r.cookie_);
    // The same maxInstalledPrerequisites limit as SyncUpdates (an inference: same server code).
    v.ints("installedNonLeafUpdateIDs", r.installed_non_leaf_update_ids, occurs::optional,
           array_limit::installed_non_leaf);
    v.ints("printerUpdateIDs", r.printer_update_ids);
}

template <class V>
void describe(V& v, refresh_cache_request& r) {
    v.object("cookie", r.cookie_);
    v.objects("globalIDs", "UpdateIdentity", r.global_ids, req);
}

template <class V>
void describe(V& v, get_extended_update_info_request& r) {
    v.object("cookie", r.cookie_);
    v.ints("revisionIDs", r.revision_ids);
    v.strings("infoTypes", "XmlUpdateFragmentType", item_kind::text, r.info_types, req);
    v.strings("locales", "string", item_kind::text, r.locales);
    v.text("GeoId", r.geo_id);
    v.text("callerAttributes", r.caller_attributes);
}

template <class V>
void describe(V& v, get_extended_update_info2_request& r) {
    v.object("cookie", r.cookie_);
    v.objects("updateIDs", "UpdateIdentity", r.update_ids);
    v.strings("infoTypes", "XmlUpdateFragmentType", item_kind::text, r.info_types);
    v.strings("locales", "string", item_kind::text, r.locales);
    v.text("callerAttributes", r.caller_attributes);
}

template <class V>
void describe(V& v, get_file_locations_request& r) {
    v.object("cookie", r.cookie_);
    v.strings("fileDigests", "base64Binary", item_kind::base64, r.file_digests, req);
}

template <class V>
void describe(V& v, basic_data& b) {
    v.nested_text("TargetID", "Sid", b.target_id_sid);
    v.integer("SequenceNumber", b.sequence_number);
    v.text("TimeAtTarget", b.time_at_target);
    v.guid("EventInstanceID", b.event_instance_id);
    v.integer("NamespaceID", b.namespace_id);
    v.integer("EventID", b.event_id);
    v.integer("SourceID", b.source_id);
    v.object("UpdateID", b.update_id);
    v.integer("Win32HResult", b.win32_hresult);
    v.text("AppName", b.app_name);
}

template <class V>
void describe(V& v, detailed_version& d) {
    v.integer("Major", d.major);
    v.integer("Minor", d.minor);
    v.integer("Build", d.build);
    v.integer("Revision", d.revision);
    v.integer("ServicePackMajor", d.service_pack_major);
    v.integer("ServicePackMinor", d.service_pack_minor);
}

template <class V>
void describe(V& v, extended_data& e) {
    v.strings("ReplacementStrings", "string", item_kind::text, e.replacement_strings);
    v.strings("MiscData", "string", item_kind::text, e.misc_data);
    v.text("ComputerBrand", e.computer_brand);
    v.text("ComputerModel", e.computer_model);
    v.text("BiosRevision", e.bios_revision);
    v.text("ProcessorArchitecture", e.processor_architecture);
    v.object("OSVersion", e.os_version);
    v.integer("OSLocaleID", e.os_locale_id);
    v.text("DeviceID", e.device_id);
}

template <class V>
void describe(V& v, private_data& p) {
    v.text("ComputerDnsName", p.computer_dns_name);
    v.text("UserAccountName", p.user_account_name);
}

template <class V>
void describe(V& v, reporting_event& e) {
    v.object("BasicData", e.basic);
    v.object("ExtendedData", e.extended);
    v.object("PrivateData", e.private_);
}

template <class V>
void describe(V& v, report_event_batch_request& r) {
    v.object("cookie", r.cookie_);
    v.text("clientTime", r.client_time);
    v.objects("eventBatch", "ReportingEvent", r.event_batch, req);
}

}  // namespace wsuslab::protocol::detail
