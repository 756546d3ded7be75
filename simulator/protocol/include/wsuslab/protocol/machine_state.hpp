#pragma once
/// The simulated Windows machine that applicability rules observe. Every fact has a default, so a
/// client profile only states what its rules test. What each rule reads, and what a missing fact
/// means, is in docs/applicability-rules.md; the profile syntax is in docs/scenario-format.md §8.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace wsuslab::protocol {

/// What a file has beyond its version (b.FileExists, b.FileSize, b.FileCreated, b.FileModified).
struct file_facts {
    std::optional<std::uint64_t> size;      ///< bytes
    std::optional<std::string> created;     ///< xs:dateTime text, e.g. "2008-06-11T00:00:00Z"
    std::optional<std::string> modified;    ///< xs:dateTime text
    std::optional<std::uint32_t> language;  ///< LANGID of the version resource, e.g. 1033
    bool operator==(const file_facts& o) const {
        return size == o.size && created == o.created && modified == o.modified &&
               language == o.language;
    }
};

/// One Windows Installer product installed on the machine (MsiApplicabilityRules).
struct msi_product {
    std::string version;                           ///< ProductVersion, e.g. "11.0.8173.0"
    std::optional<std::uint32_t> language;         ///< LANGID, e.g. 1033
    std::vector<std::string> features;             ///< installed features (names)
    std::vector<std::string> components;           ///< installed components (codes)
    std::vector<std::string> patches;              ///< patch codes applied to the product
    std::vector<std::string> superseded_patches;   ///< applied patches another patch supersedes
    bool operator==(const msi_product& o) const {
        return version == o.version && language == o.language && features == o.features &&
               components == o.components && patches == o.patches &&
               superseded_patches == o.superseded_patches;
    }
};

/// The answer the lab's WMI gives to one query (b.WmiQuery): how many rows it returns.
struct wmi_answer {
    std::string name_space = "root\\cimv2";
    std::string query;  ///< WQL, matched case-insensitively with runs of blanks collapsed
    std::uint32_t rows = 1;
    bool operator==(const wmi_answer& o) const {
        return name_space == o.name_space && query == o.query && rows == o.rows;
    }
};

/// The answer to one b.GenericQuery (Namespace, Type, Parameter) -> Value.
struct generic_answer {
    std::string name_space;
    std::string type;
    std::string parameter;
    std::string value;
    bool operator==(const generic_answer& o) const {
        return name_space == o.name_space && type == o.type && parameter == o.parameter &&
               value == o.value;
    }
};

/// A simulated Windows machine: what the rules can observe. Names (registry keys and values,
/// paths, product codes, package identities) compare case-insensitively.
struct machine_state {
    /// Registry values by "HKEY_LOCAL_MACHINE\\Sub\\Key" then value name ("" for the default
    /// value). Keys present with no values are recorded with an empty map.
    std::map<std::string, std::map<std::string, std::string>> registry;
    /// Registry value types ("REG_SZ", "REG_DWORD", ...) by key then value name. A value without
    /// a recorded type matches every type (the lab's registry is untyped unless told otherwise).
    std::map<std::string, std::map<std::string, std::string>> registry_types;
    /// File versions by full path, e.g. "C:\\...\\WINWORD.EXE" -> "11.0.8169.0"; "" when the file
    /// exists without a version resource.
    std::map<std::string, std::string> files;
    /// Size, dates and language of files listed in `files`.
    std::map<std::string, file_facts> file_details;
    std::int32_t os_major = 5, os_minor = 1, os_build = 2600;
    std::int32_t sp_major = 2, sp_minor = 0;
    std::int32_t product_type = 1;  ///< 1 workstation, 2 domain controller, 3 server
    std::uint16_t suite_mask = 0;   ///< VER_SUITE_* bits (OSVERSIONINFOEX wSuiteMask)
    /// x86, arm, ia64, amd64 (also x64), arm64, or the numeric code of b.Processor.
    std::string processor_architecture = "x86";
    std::optional<std::uint16_t> processor_level;     ///< SYSTEM_INFO wProcessorLevel
    std::optional<std::uint16_t> processor_revision;  ///< SYSTEM_INFO wProcessorRevision
    std::uint32_t processor_count = 1;
    std::string language = "en";  ///< the language the OS is localized to
    bool mui_installed = false;
    std::vector<std::string> mui_languages;  ///< installed MUI language packs, e.g. "fr-FR"
    std::map<std::int32_t, std::int32_t> system_metrics;  ///< GetSystemMetrics index -> value
    std::optional<std::uint64_t> memory_mb;               ///< physical memory
    std::vector<wmi_answer> wmi;
    std::map<std::string, std::uint32_t> licenses;  ///< licensing values by name (b.LicenseDword)
    std::map<std::string, msi_product> msi_products;  ///< by product code "{GUID}"
    /// Component Based Servicing packages by identity (name~token~arch~lang~version):
    /// "Installed" or "Installable".
    std::map<std::string, std::string> cbs_packages;
    std::map<std::string, std::string> product_releases;   ///< release name -> version
    std::map<std::string, std::string> device_attributes;  ///< DeviceAttribute name -> value
    std::vector<generic_answer> generic_queries;
    bool clustered = false;                       ///< b.ClusteredOS
    std::vector<std::string> cluster_resources;   ///< cluster resources this node owns
};
bool operator==(const machine_state& a, const machine_state& b);
inline bool operator!=(const machine_state& a, const machine_state& b) { return !(a == b); }

/// b.Processor Architecture code of a machine's architecture name: x86 0, arm 5, ia64 6,
/// amd64/x64 9, arm64 12; a decimal number is its own code. nullopt for other names.
std::optional<std::uint16_t> architecture_code(const std::string& name);

}  // namespace wsuslab::protocol
