#pragma once
// Internal: the parsed form of one applicability rule, shared by the parser
// (applicability*.cpp) and the evaluators (applicability_eval*.cpp). The catalogue of rule
// names and attributes is in applicability_catalog.cpp; docs/applicability-rules.md explains it.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <wsuslab/protocol/applicability.hpp>
#include <wsuslab/protocol/text.hpp>

namespace wsuslab::protocol {

enum class rule_kind {
    // LogicalApplicabilityRules
    logical_and, logical_or, logical_not, constant_true, constant_false,
    // BaseApplicabilityRules: registry
    reg_key_exists, reg_value_exists, reg_dword, reg_sz, reg_expand_sz, reg_sz_to_version,
    reg_key_loop,
    // BaseApplicabilityRules: files (each also in a PrependRegSz form, see rule::file)
    file_exists, file_version, file_created, file_modified, file_size,
    // BaseApplicabilityRules: system
    windows_version, windows_language, mui_installed, mui_language_installed, system_metric,
    processor, number_of_processors, clustered_os, cluster_resource_owner, wmi_query,
    generic_query, installed_once, platform, platform_version, platform_language, memory,
    license_dword, license_value_exists,
    // MsiApplicabilityRules
    msi_product_installed, msi_patch_installed_for_product, msi_feature_installed_for_product,
    msi_component_installed_for_product, msi_patch_installed, msi_patch_superseded,
    msi_patch_installable, msi_application_installed, msi_application_superseded,
    msi_application_installable,
    // CBS and product-release rules (unprefixed in Core fragments)
    cbs_package_installed_by_identity, cbs_package_installed, cbs_package_installable,
    product_release_installed, product_release_version, device_attribute,
    // WindowsDriver handler rules (d.), recognised but not modelled by the lab
    driver_rule,
    // A value child (MSI Feature/Product/Component) or any element of <Metadata>
    plain_element,
    // Kept verbatim in `keep` mode; both evaluate to an error
    unknown, invalid,
};

/// The registry and the file rules are contiguous runs of rule_kind; parser and evaluator
/// dispatch on these families.
inline bool is_registry_kind(rule_kind k) {
    return k >= rule_kind::reg_key_exists && k <= rule_kind::reg_key_loop;
}
inline bool is_file_kind(rule_kind k) {
    return k >= rule_kind::file_exists && k <= rule_kind::file_size;
}

enum class comparison {
    equal_to, not_equal_to, less_than, less_than_or_equal_to, greater_than,
    greater_than_or_equal_to, contains, begins_with, ends_with,
};

/// Key, Subkey, Value and RegType32 of the registry rules and of the PrependRegSz file rules.
struct registry_ref {
    std::string root;      ///< HKEY_LOCAL_MACHINE ..., or HKEY_LOOP_TARGET
    std::string subkey;    ///< without leading or trailing backslashes
    std::optional<std::string> value;
    bool reg_type_32 = false;
};

/// Path with Csidl, or Path after a REG_SZ value (the PrependRegSz forms).
struct file_ref {
    std::string path;
    std::optional<int> csidl;
    std::optional<registry_ref> prepend;  ///< set for the ...PrependRegSz forms
};

class rule {
public:
    rule_kind kind = rule_kind::constant_true;
    std::string name;  ///< the element name as written, e.g. "b.RegSz" or "lar.And"
    std::vector<std::pair<std::string, std::string>> attributes;  ///< as written, in order
    std::vector<rule_ptr> children;
    std::string text;     ///< character data of value elements (MSI Product, metadata)
    std::string problem;  ///< unknown / invalid: why the agent cannot evaluate it

    comparison cmp = comparison::equal_to;
    registry_ref reg;
    file_ref file;
    /// String operands: Data, Version, Language, Namespace, Name, PackageIdentity, TrueIf ...
    std::string data;
    std::string data2;  ///< WqlQuery, Version of ProductRelease*, Type of GenericQuery ...
    std::string data3;  ///< Parameter of GenericQuery, Prefix/Suffix of ClusterResourceOwner
    std::string data4;
    std::optional<std::int64_t> number;   ///< DWORD Data, Size, Index, Number, MinSizeInMB ...
    std::optional<std::int64_t> number2;  ///< SystemMetric Value, Processor Revision ...
    /// b.WindowsVersion: (index, value) for MajorVersion, MinorVersion, ServicePackMajor,
    /// ServicePackMinor as present (index 0..3), compared as one tuple like VerifyVersionInfo.
    std::vector<std::pair<std::size_t, std::int64_t>> version_parts;
    std::optional<std::int64_t> build_number;
    std::optional<std::int64_t> product_type;
    std::optional<std::int64_t> suite_mask;
    bool flag = false;   ///< AllSuitesMustBePresent, AllFeaturesRequired, AllComponentsRequired,
                         ///< ExcludeVersionMax
    bool flag2 = false;  ///< AllProductsRequired, ExcludeVersionMin
    std::vector<std::string> items;     ///< Feature / Component children
    std::vector<std::string> products;  ///< Product children
};

namespace detail {
/// Four-part dotted version, missing parts 0; nullopt when not a version.
std::optional<std::vector<std::uint32_t>> parse_version(const std::string& text);
/// -1, 0, 1.
int compare_versions(const std::vector<std::uint32_t>& a, const std::vector<std::uint32_t>& b);
/// Decimal (optionally signed) or 0x-hex integer within [min, max].
std::optional<std::int64_t> parse_integer(const std::string& text, std::int64_t min,
                                          std::int64_t max);
std::optional<bool> parse_boolean(const std::string& text);
/// Comparison names; `numeric` selects ScalarComparison, else StringComparison.
std::optional<comparison> parse_comparison(const std::string& text, bool numeric);
/// Whether the ordered comparison `c` holds for a three-way result.
bool ordered(comparison c, int three_way);
}  // namespace detail

}  // namespace wsuslab::protocol
