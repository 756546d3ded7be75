#pragma once
/// Common MS-WUSP types (docs/protocol-notes.md §3, §4.6): cookies, identities, deployments,
/// UpdateInfo and SyncInfo. Plain value types; optional members mirror minOccurs="0" so that a
/// parse followed by a serialize reproduces what was on the wire. Date/time values stay strings
/// (the wire text), because real clients send several lenient forms (docs/protocol-notes.md §2.3).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wsuslab::protocol {

using id_list = std::vector<std::int32_t>;
using string_list = std::vector<std::string>;

/// Cookie (GetCookie result, SyncUpdates/GetFileLocations NewCookie): opaque to the client.
struct cookie {
    std::string expiration;                     ///< s:dateTime text
    std::optional<std::string> encrypted_data;  ///< base64 text; nullopt = absent or xsi:nil
    bool operator==(const cookie& o) const {
        return expiration == o.expiration && encrypted_data == o.encrypted_data;
    }
};

struct authorization_cookie {
    std::optional<std::string> plug_in_id;   ///< "SimpleTargeting"
    std::optional<std::string> cookie_data;  ///< base64 text
};

struct update_identity {
    std::string update_id;  ///< GUID text
    std::int32_t revision_number = 0;
};

/// DeploymentAction (docs/protocol-notes.md §4.6).
enum class deployment_action {
    optional_install,
    install,
    uninstall,
    pre_deployment_check,
    block,
    evaluate,
    bundle,
};
std::string_view deployment_action_name(deployment_action a);  // "Install", "PreDeploymentCheck"...
std::optional<deployment_action> deployment_action_from_name(std::string_view name);

struct deployment {
    std::int32_t id = 0;
    deployment_action action = deployment_action::install;
    std::optional<std::string> deadline;
    bool is_assigned = true;
    std::string last_change_time;  ///< s:date text, e.g. "2008-06-10"
    std::optional<std::string> download_priority;
    std::optional<string_list> hardware_ids;
    /// The four fields below are for clients >= 1.8 only, and then always "0".
    std::optional<std::string> auto_select;
    std::optional<std::string> auto_download;
    std::optional<std::string> supersedence_behavior;
    std::optional<std::string> flag_bitmask;
};

struct update_info {
    std::int32_t id = 0;  ///< revision ID
    std::optional<deployment> deploy;
    bool is_leaf = true;
    std::optional<std::string> xml;  ///< the Core fragment, unescaped text
};

struct sync_info {
    std::optional<std::vector<update_info>> new_updates;
    std::optional<id_list> out_of_scope_revision_ids;
    std::optional<std::vector<update_info>> changed_updates;
    bool truncated = false;
    std::optional<cookie> new_cookie;
    std::optional<id_list> deployed_out_of_scope_revision_ids;
    std::optional<std::string> driver_sync_not_needed;  ///< "true"/"false" (typed s:string)
};

struct installed_driver {
    std::optional<std::string> matching_id;
    std::string driver_ver_date;
    std::int64_t driver_ver_version = 0;
    std::optional<std::string> driver_class;  ///< element <Class>
    std::optional<std::string> manufacturer;
    std::optional<std::string> provider;
    std::optional<std::string> model;
    std::optional<std::string> matching_computer_hwid;
    std::int32_t driver_rank = 0;
};

struct device {
    std::optional<string_list> hardware_ids;
    std::optional<string_list> compatible_ids;
    std::optional<installed_driver> driver;  ///< element <installedDriver>
    std::optional<string_list> driver_recovery_ids;
    std::optional<std::uint8_t> device_flags;
};

struct file_location {
    std::optional<std::string> file_digest;  ///< base64 of the SHA-1
    std::optional<std::string> url;
    std::optional<std::string> pieces_hash_url;
    std::optional<std::string> block_map_url;
    std::optional<std::string> decryption_information;
    std::optional<std::string> file_digest_algorithm;
    std::optional<std::string> encrypted_file_digest;
    std::optional<std::string> encrypted_file_digest_algorithm;
};

struct update_data {
    std::int32_t id = 0;
    std::optional<std::string> xml;
};

}  // namespace wsuslab::protocol
