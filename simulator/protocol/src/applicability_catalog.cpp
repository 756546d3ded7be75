// The catalogue of applicability-rule elements (see applicability_catalog.hpp). Attribute lists
// follow the public WSUS schemas (BaseApplicabilityRules, MsiApplicabilityRules,
// LogicalApplicabilityRules); the unprefixed CBS and product-release rules follow the shapes
// real WSUS metadata carries (docs/applicability-rules.md §2 lists the sources).
#include "applicability_catalog.hpp"

#include <cstring>
#include <optional>

namespace wsuslab::protocol::detail {
namespace {

using k = rule_kind;
using f = rule_family;

#define WSUSLAB_REG "Key", "Subkey", "RegType32"

// One row per element; `allowed` and `required` end at the first nullptr.
constexpr rule_spec catalogue[] = {
    {"And", f::logical, k::logical_and, false, false, {}, {}},
    {"Or", f::logical, k::logical_or, false, false, {}, {}},
    {"Not", f::logical, k::logical_not, false, false, {}, {}},
    {"True", f::logical, k::constant_true, false, false, {}, {}},
    {"False", f::logical, k::constant_false, false, false, {}, {}},

    {"RegKeyExists", f::base, k::reg_key_exists, false, false, {WSUSLAB_REG}, {"Key", "Subkey"}},
    {"RegValueExists", f::base, k::reg_value_exists, false, false, {WSUSLAB_REG, "Value", "Type"},
     {"Key", "Subkey"}},
    {"RegDword", f::base, k::reg_dword, false, false, {WSUSLAB_REG, "Value", "Comparison", "Data"},
     {"Key", "Subkey", "Comparison", "Data"}},
    {"RegSz", f::base, k::reg_sz, false, false, {WSUSLAB_REG, "Value", "Comparison", "Data"},
     {"Key", "Subkey", "Comparison", "Data"}},
    {"RegExpandSz", f::base, k::reg_expand_sz, false, false,
     {WSUSLAB_REG, "Value", "Comparison", "Data"}, {"Key", "Subkey", "Comparison", "Data"}},
    {"RegSzToVersion", f::base, k::reg_sz_to_version, false, false,
     {WSUSLAB_REG, "Value", "Comparison", "Data"}, {"Key", "Subkey", "Comparison", "Data"}},
    {"RegKeyLoop", f::base, k::reg_key_loop, false, false, {WSUSLAB_REG, "TrueIf"},
     {"Key", "Subkey", "TrueIf"}},

    {"FileExists", f::base, k::file_exists, false, false,
     {"Path", "Csidl", "Version", "Size", "Created", "Modified", "Language"}, {"Path"}},
    {"FileExistsPrependRegSz", f::base, k::file_exists, true, false,
     {"Path", WSUSLAB_REG, "Value", "Version", "Size", "Created", "Modified", "Language"},
     {"Path", "Key", "Subkey"}},
    {"FileVersion", f::base, k::file_version, false, false,
     {"Path", "Csidl", "Comparison", "Version"}, {"Path", "Comparison", "Version"}},
    {"FileVersionPrependRegSz", f::base, k::file_version, true, false,
     {"Path", WSUSLAB_REG, "Value", "Comparison", "Version"}, {"Path", "Key", "Comparison", "Version"}},
    {"FileCreated", f::base, k::file_created, false, false,
     {"Path", "Csidl", "Comparison", "Created"}, {"Path", "Comparison", "Created"}},
    {"FileCreatedPrependRegSz", f::base, k::file_created, true, false,
     {"Path", WSUSLAB_REG, "Value", "Comparison", "Created"}, {"Path", "Key", "Comparison", "Created"}},
    {"FileModified", f::base, k::file_modified, false, false,
     {"Path", "Csidl", "Comparison", "Modified"}, {"Path", "Comparison", "Modified"}},
    {"FileModifiedPrependRegSz", f::base, k::file_modified, true, false,
     {"Path", WSUSLAB_REG, "Value", "Comparison", "Modified"},
     {"Path", "Key", "Comparison", "Modified"}},
    {"FileSize", f::base, k::file_size, false, false, {"Path", "Csidl", "Comparison", "Size"},
     {"Path", "Comparison", "Size"}},
    {"FileSizePrependRegSz", f::base, k::file_size, true, false,
     {"Path", WSUSLAB_REG, "Value", "Comparison", "Size"}, {"Path", "Key", "Comparison", "Size"}},

    {"WindowsVersion", f::base, k::windows_version, false, false,
     {"Comparison", "MajorVersion", "MinorVersion", "BuildNumber", "ServicePackMajor",
      "ServicePackMinor", "AllSuitesMustBePresent", "SuiteMask", "ProductType"},
     {}},
    {"PlatformVersion", f::base, k::platform_version, false, false,
     {"Comparison", "MajorVersion", "MinorVersion", "BuildNumber", "ServicePackMajor",
      "ServicePackMinor", "AllSuitesMustBePresent", "SuiteMask", "ProductType"},
     {}},
    {"WindowsLanguage", f::base, k::windows_language, false, false, {"Language"}, {"Language"}},
    {"PlatformLanguage", f::base, k::platform_language, false, false, {"Language"}, {"Language"}},
    {"MuiInstalled", f::base, k::mui_installed, false, false, {}, {}},
    {"MuiLanguageInstalled", f::base, k::mui_language_installed, false, false, {"Language"},
     {"Language"}},
    {"SystemMetric", f::base, k::system_metric, false, false, {"Comparison", "Index", "Value"},
     {"Comparison", "Index", "Value"}},
    {"Processor", f::base, k::processor, false, false, {"Architecture", "Level", "Revision"},
     {"Architecture"}},
    {"NumberOfProcessors", f::base, k::number_of_processors, false, false,
     {"Comparison", "Number"}, {"Comparison", "Number"}},
    {"ClusteredOS", f::base, k::clustered_os, false, false, {}, {}},
    {"ClusterResourceOwner", f::base, k::cluster_resource_owner, false, false,
     {WSUSLAB_REG, "Value", "Prefix", "Suffix"}, {}},
    {"WmiQuery", f::base, k::wmi_query, false, false, {"Namespace", "WqlQuery"}, {"WqlQuery"}},
    {"GenericQuery", f::base, k::generic_query, false, false,
     {"Namespace", "Type", "Parameter", "Comparison", "Value"}, {}},
    {"InstalledOnce", f::base, k::installed_once, false, true, {}, {}},
    {"Platform", f::base, k::platform, false, false, {"PlatformID"}, {"PlatformID"}},
    {"Memory", f::base, k::memory, false, false, {"MinSizeInMB", "Type"}, {"MinSizeInMB"}},
    {"LicenseDword", f::base, k::license_dword, false, false, {"Value", "Comparison", "Data"},
     {"Value", "Comparison", "Data"}},
    {"LicenseValueExists", f::base, k::license_value_exists, false, false, {"Value"}, {"Value"}},

    {"MsiProductInstalled", f::msi, k::msi_product_installed, false, false,
     {"ProductCode", "VersionMax", "ExcludeVersionMax", "VersionMin", "ExcludeVersionMin",
      "Language"},
     {"ProductCode"}},
    {"MsiPatchInstalledForProduct", f::msi, k::msi_patch_installed_for_product, false, false,
     {"PatchCode", "ProductCode", "VersionMax", "ExcludeVersionMax", "VersionMin",
      "ExcludeVersionMin", "Language"},
     {"PatchCode", "ProductCode"}},
    {"MsiFeatureInstalledForProduct", f::msi, k::msi_feature_installed_for_product, false, false,
     {"AllFeaturesRequired", "AllProductsRequired"}, {}},
    {"MsiComponentInstalledForProduct", f::msi, k::msi_component_installed_for_product, false,
     false, {"AllComponentsRequired", "AllProductsRequired"}, {}},
    {"MsiPatchInstalled", f::msi, k::msi_patch_installed, false, false, {}, {}},
    {"MsiPatchSuperseded", f::msi, k::msi_patch_superseded, false, false, {}, {}},
    {"MsiPatchInstallable", f::msi, k::msi_patch_installable, false, false, {}, {}},
    {"MsiApplicationInstalled", f::msi, k::msi_application_installed, false, false, {}, {}},
    {"MsiApplicationSuperseded", f::msi, k::msi_application_superseded, false, false, {}, {}},
    {"MsiApplicationInstallable", f::msi, k::msi_application_installable, false, false, {}, {}},

    {"CbsPackageInstalledByIdentity", f::unprefixed, k::cbs_package_installed_by_identity, false,
     false, {"PackageIdentity"}, {"PackageIdentity"}},
    {"CbsPackageInstalled", f::unprefixed, k::cbs_package_installed, false, false, {}, {}},
    {"CbsPackageInstallable", f::unprefixed, k::cbs_package_installable, false, false, {}, {}},
    {"ProductReleaseInstalled", f::unprefixed, k::product_release_installed, false, false,
     {"Name", "Version"}, {"Name", "Version"}},
    {"ProductReleaseVersion", f::unprefixed, k::product_release_version, false, false,
     {"Name", "Version", "Comparison"}, {"Name", "Version", "Comparison"}},
    {"DeviceAttribute", f::unprefixed, k::device_attribute, false, false,
     {"Name", "Type", "Comparison", "Value"}, {"Name", "Comparison", "Value"}},

    {"WindowsDriverInstalled", f::driver, k::driver_rule, false, true, {}, {}},
    {"WindowsDriverSuperseded", f::driver, k::driver_rule, false, true, {}, {}},
    {"WindowsDriverInstallable", f::driver, k::driver_rule, false, true, {}, {}},
    {"WindowsDriver", f::driver, k::driver_rule, false, true, {}, {}},
};

#undef WSUSLAB_REG

struct prefix_row {
    const char* prefix;
    rule_family family;
};

constexpr std::array<prefix_row, 13> prefixes{{
    {"lar.", f::logical}, {"lar:", f::logical},
    {"b.", f::base}, {"bar:", f::base}, {"bar.", f::base},
    {"m.", f::msi}, {"msiar:", f::msi}, {"mar:", f::msi}, {"msiar.", f::msi},
    {"cbsar:", f::unprefixed}, {"upd:", f::unprefixed},
    {"d.", f::driver}, {"drv:", f::driver},
}};

}  // namespace

const rule_spec* find_rule_spec(std::string_view written_name) {
    std::string_view bare = written_name;
    bool has_prefix = false;
    std::optional<rule_family> family;
    for (auto const& row : prefixes) {
        std::size_t const n = std::strlen(row.prefix);
        if (written_name.size() > n && written_name.compare(0, n, row.prefix) == 0) {
            bare = written_name.substr(n);
            family = row.family;
            has_prefix = true;
            break;
        }
    }
    if (!has_prefix && written_name.find_first_of(".:") != std::string_view::npos) {
        return nullptr;  // a prefix nobody defined
    }
    for (auto const& spec : catalogue) {
        if (bare != spec.name || *spec.name == '\0') {
            continue;
        }
        bool const unprefixed_ok =
            spec.family == rule_family::logical || spec.family == rule_family::unprefixed;
        if (family ? *family == spec.family : unprefixed_ok) {
            return &spec;
        }
        return nullptr;
    }
    return nullptr;
}

bool allows_attribute(const rule_spec& spec, std::string_view name) {
    for (const char* a : spec.allowed) {
        if (a == nullptr) {
            break;
        }
        if (name == a) {
            return true;
        }
    }
    return false;
}

}  // namespace wsuslab::protocol::detail
