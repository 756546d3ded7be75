// Reading the typed operands of each catalogued rule (attribute values and value children).
#include "applicability_parse.hpp"

#include <array>
#include <cstring>
#include <limits>

namespace wsuslab::protocol::detail {
namespace {

using problem = std::optional<std::string>;

constexpr std::array<const char*, 6> registry_roots{
    {"HKEY_LOCAL_MACHINE", "HKEY_CURRENT_USER", "HKEY_CLASSES_ROOT", "HKEY_USERS",
     "HKEY_CURRENT_CONFIG", "HKEY_LOOP_TARGET"}};

constexpr std::int64_t u32_max = std::numeric_limits<std::uint32_t>::max();
constexpr std::int64_t i32_min = std::numeric_limits<std::int32_t>::min();
constexpr std::int64_t i32_max = std::numeric_limits<std::int32_t>::max();

std::optional<std::string> attr(pugi::xml_node node, const char* name) {
    if (auto a = node.attribute(name)) {
        return std::string(a.value());
    }
    return std::nullopt;
}

problem read_number(pugi::xml_node node, const char* name, std::int64_t min, std::int64_t max,
                    std::optional<std::int64_t>& out) {
    auto const text = attr(node, name);
    if (!text) {
        return std::nullopt;
    }
    out = parse_integer(*text, min, max);
    if (!out) {
        return std::string(name) + " '" + *text + "' is not a number from " + std::to_string(min) +
               " to " + std::to_string(max);
    }
    return std::nullopt;
}

problem read_bool(pugi::xml_node node, const char* name, bool& out) {
    auto const text = attr(node, name);
    if (!text) {
        return std::nullopt;
    }
    auto const v = parse_boolean(*text);
    if (!v) {
        return std::string(name) + " '" + *text + "' is not a boolean";
    }
    out = *v;
    return std::nullopt;
}

problem read_comparison(pugi::xml_node node, rule& r, bool numeric) {
    if (auto const text = attr(node, "Comparison")) {
        auto const c = parse_comparison(*text, numeric);
        if (!c) {
            return "unknown Comparison '" + *text + "'";
        }
        r.cmp = *c;
    }
    return std::nullopt;
}

problem read_version(pugi::xml_node node, const char* name, std::string& out) {
    if (auto const text = attr(node, name)) {
        if (!parse_version(*text)) {
            return std::string(name) + " '" + *text + "' is not a version";
        }
        out = *text;
    }
    return std::nullopt;
}

problem read_date(pugi::xml_node node, const char* name, std::string& out) {
    if (auto const text = attr(node, name)) {
        if (!parse_date_time(*text)) {
            return std::string(name) + " '" + *text + "' is not a dateTime";
        }
        out = *text;
    }
    return std::nullopt;
}

std::string trim_backslashes(std::string s) {
    while (!s.empty() && s.front() == '\\') {
        s.erase(0, 1);
    }
    while (!s.empty() && s.back() == '\\') {
        s.pop_back();
    }
    return s;
}

problem read_registry(pugi::xml_node node, registry_ref& reg) {
    if (auto const key = attr(node, "Key")) {
        bool known = false;
        for (const char* root : registry_roots) {
            known = known || *key == root;
        }
        if (!known) {
            return "unknown Key '" + *key + "'";
        }
        reg.root = *key;
    }
    reg.subkey = trim_backslashes(attr(node, "Subkey").value_or(""));
    reg.value = attr(node, "Value");
    return read_bool(node, "RegType32", reg.reg_type_32);
}

problem read_file(pugi::xml_node node, const rule_spec& spec, rule& r) {
    r.file.path = attr(node, "Path").value_or("");
    if (spec.prepend_reg_sz) {
        registry_ref base;
        if (auto p = read_registry(node, base)) {
            return p;
        }
        r.file.prepend = base;
    } else if (auto const csidl = attr(node, "Csidl")) {
        auto const n = parse_integer(*csidl, i32_min, i32_max);
        if (!n || !known_csidl(*n)) {
            return "unknown Csidl '" + *csidl + "'";
        }
        r.file.csidl = static_cast<int>(*n);
    }
    if (auto p = read_comparison(node, r, true)) {
        return p;
    }
    if (auto p = read_version(node, "Version", r.data)) {
        return p;
    }
    if (auto p = read_date(node, "Created", r.data2)) {
        return p;
    }
    if (auto p = read_date(node, "Modified", r.data3)) {
        return p;
    }
    if (auto p = read_number(node, "Size", 0, std::numeric_limits<std::int64_t>::max(), r.number)) {
        return p;
    }
    return read_number(node, "Language", 0, 0xFFFF, r.number2);
}

problem read_version_rule(pugi::xml_node node, rule& r) {
    if (auto p = read_comparison(node, r, true)) {
        return p;
    }
    constexpr std::array<const char*, 4> parts{
        {"MajorVersion", "MinorVersion", "ServicePackMajor", "ServicePackMinor"}};
    for (std::size_t i = 0; i < parts.size(); ++i) {
        std::optional<std::int64_t> v;
        if (auto p = read_number(node, parts[i], 0, i < 2 ? u32_max : 0xFFFF, v)) {
            return p;
        }
        if (v) {
            r.version_parts.emplace_back(i, *v);
        }
    }
    if (auto p = read_number(node, "BuildNumber", 0, u32_max, r.build_number)) {
        return p;
    }
    if (auto p = read_number(node, "SuiteMask", 0, 0xFFFF, r.suite_mask)) {
        return p;
    }
    if (auto p = read_number(node, "ProductType", 0, 0xFFFF, r.product_type)) {
        return p;
    }
    return read_bool(node, "AllSuitesMustBePresent", r.flag);
}

problem read_msi_bounds(pugi::xml_node node, rule& r) {
    if (auto p = read_version(node, "VersionMax", r.data3)) {
        return p;
    }
    if (auto p = read_version(node, "VersionMin", r.data4)) {
        return p;
    }
    if (auto p = read_bool(node, "ExcludeVersionMax", r.flag)) {
        return p;
    }
    if (auto p = read_bool(node, "ExcludeVersionMin", r.flag2)) {
        return p;
    }
    return read_number(node, "Language", 0, u32_max, r.number);
}

// Feature / Component and Product children of the MSI "...InstalledForProduct" rules.
problem read_msi_lists(pugi::xml_node node, rule& r, const char* item_name) {
    for (auto c = node.first_child(); c; c = c.next_sibling()) {
        if (c.type() != pugi::node_element) {
            continue;
        }
        std::string const name = c.name();
        auto const dot = name.find_first_of(".:");
        std::string const bare = dot == std::string::npos ? name : name.substr(dot + 1);
        std::string const text = c.text().get();
        if (bare != item_name && bare != "Product") {
            return "unexpected child element '" + name + "'";
        }
        if (text.empty()) {
            return name + " is empty";
        }
        (bare == "Product" ? r.products : r.items).push_back(text);
    }
    if (r.products.empty() || r.items.empty()) {
        return std::string("expected at least one ") + item_name + " and one Product";
    }
    std::string const all = std::string("All") + item_name + "sRequired";
    if (auto p = read_bool(node, all.c_str(), r.flag)) {
        return p;
    }
    return read_bool(node, "AllProductsRequired", r.flag2);
}

problem read_system(pugi::xml_node node, rule& r) {
    switch (r.kind) {
        case rule_kind::windows_language:
        case rule_kind::platform_language:
        case rule_kind::mui_language_installed:
            r.data = attr(node, "Language").value_or("");
            return std::nullopt;
        case rule_kind::system_metric:
            if (auto p = read_comparison(node, r, true)) {
                return p;
            }
            if (auto p = read_number(node, "Index", i32_min, i32_max, r.number)) {
                return p;
            }
            return read_number(node, "Value", i32_min, i32_max, r.number2);
        case rule_kind::processor:
            if (auto p = read_number(node, "Architecture", 0, 0xFFFF, r.number)) {
                return p;
            }
            if (auto p = read_number(node, "Level", 0, 0xFFFF, r.number2)) {
                return p;
            }
            {
                std::optional<std::int64_t> revision;
                auto p = read_number(node, "Revision", 0, 0xFFFF, revision);
                r.build_number = revision;
                return p;
            }
        case rule_kind::number_of_processors:
            if (auto p = read_comparison(node, r, true)) {
                return p;
            }
            return read_number(node, "Number", 0, u32_max, r.number);
        case rule_kind::cluster_resource_owner:
            r.data3 = attr(node, "Prefix").value_or("");
            r.data4 = attr(node, "Suffix").value_or("");
            return read_registry(node, r.reg);
        case rule_kind::wmi_query:
            r.data = attr(node, "Namespace").value_or("root\\cimv2");
            r.data2 = attr(node, "WqlQuery").value_or("");
            return std::nullopt;
        case rule_kind::generic_query:
            r.data = attr(node, "Namespace").value_or("");
            r.data2 = attr(node, "Type").value_or("");
            r.data3 = attr(node, "Parameter").value_or("");
            r.data4 = attr(node, "Value").value_or("");
            return read_comparison(node, r, true);
        case rule_kind::platform:
            r.data = attr(node, "PlatformID").value_or("");
            return std::nullopt;
        case rule_kind::memory:
            r.data = attr(node, "Type").value_or("");
            return read_number(node, "MinSizeInMB", 0, u32_max, r.number);
        case rule_kind::license_dword:
            r.data = attr(node, "Value").value_or("");
            if (auto p = read_comparison(node, r, true)) {
                return p;
            }
            return read_number(node, "Data", 0, u32_max, r.number);
        case rule_kind::license_value_exists:
            r.data = attr(node, "Value").value_or("");
            return std::nullopt;
        default:
            return std::nullopt;
    }
}

problem read_registry_rule(pugi::xml_node node, rule& r) {
    if (auto p = read_registry(node, r.reg)) {
        return p;
    }
    if (r.kind == rule_kind::reg_key_loop) {
        r.data = attr(node, "TrueIf").value_or("");
        if (r.data != "Any" && r.data != "All" && r.data != "None") {
            return "unknown TrueIf '" + r.data + "' (Any, All or None)";
        }
        return std::nullopt;
    }
    if (r.kind == rule_kind::reg_key_exists) {
        return std::nullopt;
    }
    if (!r.reg.value) {
        r.reg.value = std::string();
    }
    if (r.kind == rule_kind::reg_value_exists) {
        r.data = attr(node, "Type").value_or("");
        return std::nullopt;
    }
    bool const numeric = r.kind == rule_kind::reg_dword || r.kind == rule_kind::reg_sz_to_version;
    if (auto p = read_comparison(node, r, numeric)) {
        return p;
    }
    r.data = attr(node, "Data").value_or("");
    if (r.kind == rule_kind::reg_dword) {
        r.number = parse_integer(r.data, 0, u32_max);
        if (!r.number) {
            return "Data '" + r.data + "' is not a DWORD";
        }
    } else if (r.kind == rule_kind::reg_sz_to_version && !parse_version(r.data)) {
        return "Data '" + r.data + "' is not a version";
    }
    return std::nullopt;
}

problem read_package_rule(pugi::xml_node node, rule& r) {
    switch (r.kind) {
        case rule_kind::msi_product_installed:
            r.data = attr(node, "ProductCode").value_or("");
            return read_msi_bounds(node, r);
        case rule_kind::msi_patch_installed_for_product:
            r.data = attr(node, "ProductCode").value_or("");
            r.data2 = attr(node, "PatchCode").value_or("");
            return read_msi_bounds(node, r);
        case rule_kind::msi_feature_installed_for_product:
            return read_msi_lists(node, r, "Feature");
        case rule_kind::msi_component_installed_for_product:
            return read_msi_lists(node, r, "Component");
        case rule_kind::cbs_package_installed_by_identity:
            r.data = attr(node, "PackageIdentity").value_or("");
            return std::nullopt;
        case rule_kind::product_release_installed:
        case rule_kind::product_release_version:
            r.data = attr(node, "Name").value_or("");
            r.data2 = attr(node, "Version").value_or("");
            if (!parse_version(r.data2)) {
                return "Version '" + r.data2 + "' is not a version";
            }
            return read_comparison(node, r, true);
        case rule_kind::device_attribute:
            r.data = attr(node, "Name").value_or("");
            r.data2 = attr(node, "Type").value_or("String");
            r.data3 = attr(node, "Value").value_or("");
            if (r.data2 != "String" && r.data2 != "Version") {
                return "unknown Type '" + r.data2 + "' (String or Version)";
            }
            if (auto const text = attr(node, "Comparison")) {
                // Real metadata orders both kinds ("GreaterThanOrEqualTo" on String attributes).
                auto c = parse_comparison(*text, true);
                c = c ? c : parse_comparison(*text, false);
                if (!c) {
                    return "unknown Comparison '" + *text + "'";
                }
                r.cmp = *c;
            }
            return std::nullopt;
        default:
            return std::nullopt;
    }
}

}  // namespace

bool known_csidl(std::int64_t csidl) {
    for (std::int64_t const known : {20, 35, 36, 37, 38, 41, 42, 43, 44}) {
        if (csidl == known) {
            return true;
        }
    }
    return false;
}

std::optional<std::string> read_operands(pugi::xml_node node, const rule_spec& spec, rule& r) {
    for (auto it = spec.required.begin(); it != spec.required.end() && *it != nullptr; ++it) {
        if (!node.attribute(*it)) {
            return std::string("missing ") + *it;
        }
    }
    if (is_registry_kind(r.kind)) {
        return read_registry_rule(node, r);
    }
    if (is_file_kind(r.kind)) {
        return read_file(node, spec, r);
    }
    switch (r.kind) {
        case rule_kind::windows_version:
        case rule_kind::platform_version:
            return read_version_rule(node, r);
        default:
            break;
    }
    if (auto p = read_system(node, r)) {
        return p;
    }
    return read_package_rule(node, r);
}

}  // namespace wsuslab::protocol::detail
