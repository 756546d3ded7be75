#pragma once
// Internal: the response bodies of the twelve operations (docs/protocol-notes.md §4.1-§4.12) for
// the reader and writer visitors. Each describes the children of <{Op}Response>.

#include "schema_common.hpp"

namespace wsuslab::protocol::detail {

template <class V>
void describe(V& v, get_authorization_cookie_response& r) {
    v.object("GetAuthorizationCookieResult", r.result);
}

template <class V>
void describe(V& v, auth_plug_in_info& a) {
    v.text("PlugInID", a.plug_in_id);
    v.text("ServiceUrl", a.service_url);
    v.parse_only_text("Parameter", a.parameter);  // "MUST NOT be present" (erratum 10)
}

template <class V>
void describe(V& v, std::pair<std::string, std::string>& p) {  // ConfigurationProperty
    v.text("Name", p.first, occurs::defaulted);
    v.text("Value", p.second, occurs::defaulted);
}

template <class V>
void describe(V& v, config& c) {
    v.text("LastChange", c.last_change);
    v.boolean("IsRegistrationRequired", c.is_registration_required);
    v.objects("AuthInfo", "AuthPlugInInfo", c.auth_info);
    v.ints("AllowedEventIds", c.allowed_event_ids);
    v.objects("Properties", "ConfigurationProperty", c.properties);
}

template <class V>
void describe(V& v, get_config_response& r) {
    v.object("GetConfigResult", r.result);
}

template <class V>
void describe(V& v, get_cookie_response& r) {
    v.object("GetCookieResult", r.result);
}

template <class V>
void describe(V&, register_computer_response&) {}  // <RegisterComputerResponse /> is empty

template <class V>
void describe(V& v, start_category_scan_response& r) {
    v.strings("preferredCategoryIds", "guid", item_kind::guid, r.preferred_category_ids);
    v.strings("requestedCategoryIdsInError", "guid", item_kind::guid,
              r.requested_category_ids_in_error);
}

template <class V>
void describe(V& v, sync_updates_response& r) {
    v.object("SyncUpdatesResult", r.result);
}

template <class V>
void describe(V& v, sync_printer_catalog_response& r) {
    v.object("SyncPrinterCatalogResult", r.result);
}

template <class V>
void describe(V& v, refresh_cache_result& r) {
    v.integer("RevisionID", r.revision_id);
    v.object("GlobalID", r.global_id);
    v.boolean("IsLeaf", r.is_leaf);
    v.object("Deployment", r.deploy);
}

template <class V>
void describe(V& v, refresh_cache_response& r) {
    v.objects("RefreshCacheResult", "RefreshCacheResult", r.result);
}

template <class V>
void describe(V& v, extended_update_info& e) {
    v.objects("Updates", "Update", e.updates);
    v.objects("FileLocations", "FileLocation", e.file_locations);
    v.ints("OutOfScopeRevisionIDs", e.out_of_scope_revision_ids);
}

template <class V>
void describe(V& v, get_extended_update_info_response& r) {
    v.object("GetExtendedUpdateInfoResult", r.result);
}

template <class V>
void describe(V& v, file_decryption& f) {  // FileDecryption and FileDecryption2
    v.base64("FileDigest", f.file_digest);
    v.base64("DecryptionKey", f.decryption_key);
    v.strings("SecurityData", "base64Binary", item_kind::base64, f.security_data);
}

template <class V>
void describe(V& v, update_encryption_detail& u) {
    v.object("UpdateIdentity", u.identity);
    v.boolean("HasEncryptedFiles", u.has_encrypted_files);
}

template <class V>
void describe(V& v, extended_update_info2& e) {
    v.objects("Updates", "Update", e.updates);
    v.objects("FileLocations", "FileLocation", e.file_locations);
    v.objects("FileDecryptionData", "FileDecryption", e.file_decryption_data);
    v.objects("FileDecryptionData2", "FileDecryption2", e.file_decryption_data2);
    v.objects("UpdateEncryptionDetails", "UpdateEncryptionDetail", e.update_encryption_details);
}

template <class V>
void describe(V& v, get_extended_update_info2_response& r) {
    v.object("GetExtendedUpdateInfo2Result", r.result);
}

template <class V>
void describe(V& v, get_file_locations_results& r) {
    v.objects("FileLocations", "FileLocation", r.file_locations);
    v.object("NewCookie", r.new_cookie);
}

template <class V>
void describe(V& v, get_file_locations_response& r) {
    v.object("GetFileLocationsResult", r.result);
}

template <class V>
void describe(V& v, report_event_batch_response& r) {
    v.boolean("ReportEventBatchResult", r.result);
}

}  // namespace wsuslab::protocol::detail
