#pragma once
// Internal: the MS-WUSP common types (docs/protocol-notes.md §3, §4.6, §4.9) described once for
// both the reader and the writer visitor. Each describe() visits the elements in schema sequence
// order; that order is what the writer emits. Element names are the wire names of the WSDL.

#include <string>
#include <utility>

#include <wsuslab/protocol/messages.hpp>
#include <wsuslab/protocol/types.hpp>

#include "xml_reader.hpp"

namespace wsuslab::protocol::detail {

inline constexpr occurs req = occurs::required;

template <class V>
void describe(V& v, cookie& c) {
    v.text("Expiration", c.expiration);
    v.base64("EncryptedData", c.encrypted_data);
}

template <class V>
void describe(V& v, authorization_cookie& c) {
    v.text("PlugInId", c.plug_in_id);
    v.base64("CookieData", c.cookie_data);
}

// UpdateIdentity, and UpdateRevisionIdentifier of the Reporting service (same content).
template <class V>
void describe(V& v, update_identity& u) {
    v.guid("UpdateID", u.update_id);
    v.integer("RevisionNumber", u.revision_number);
}

template <class V>
void describe(V& v, deployment& d) {
    v.integer("ID", d.id);
    v.action("Action", d.action);
    v.text("Deadline", d.deadline);
    v.boolean("IsAssigned", d.is_assigned);
    v.text("LastChangeTime", d.last_change_time);
    v.text("DownloadPriority", d.download_priority);
    v.strings("HardwareIds", "string", item_kind::text, d.hardware_ids);
    // Present only for clients >= 1.8 (docs/protocol-notes.md §4.2); the caller decides by filling
    // them.
    v.text("AutoSelect", d.auto_select);
    v.text("AutoDownload", d.auto_download);
    v.text("SupersedenceBehavior", d.supersedence_behavior);
    v.text("FlagBitmask", d.flag_bitmask);
}

template <class V>
void describe(V& v, update_info& u) {
    v.integer("ID", u.id);
    v.object("Deployment", u.deploy);
    v.boolean("IsLeaf", u.is_leaf);
    v.text("Xml", u.xml);  // the Core fragment travels as escaped text
}

template <class V>
void describe(V& v, sync_info& s) {
    v.objects("NewUpdates", "UpdateInfo", s.new_updates);
    v.ints("OutOfScopeRevisionIDs", s.out_of_scope_revision_ids);
    v.objects("ChangedUpdates", "UpdateInfo", s.changed_updates);
    v.boolean("Truncated", s.truncated);
    v.object("NewCookie", s.new_cookie);
    v.ints("DeployedOutOfScopeRevisionIds", s.deployed_out_of_scope_revision_ids);
    v.text("DriverSyncNotNeeded", s.driver_sync_not_needed);
}

template <class V>
void describe(V& v, file_location& f) {
    v.base64("FileDigest", f.file_digest);
    v.text("Url", f.url);
    v.text("PiecesHashUrl", f.pieces_hash_url);
    v.text("BlockMapUrl", f.block_map_url);
    v.text("DecryptionInformation", f.decryption_information);
    v.text("FileDigestAlgorithm", f.file_digest_algorithm);
    v.base64("EncryptedFileDigest", f.encrypted_file_digest);
    v.text("EncryptedFileDigestAlgorithm", f.encrypted_file_digest_algorithm);
}

template <class V>
void describe(V& v, update_data& u) {
    v.integer("ID", u.id);
    v.text("Xml", u.xml);
}

}  // namespace wsuslab::protocol::detail
