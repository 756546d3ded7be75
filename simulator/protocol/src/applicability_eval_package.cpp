// Evaluating the MSI, CBS, product-release and device-attribute rules, including the ones that
// take their target from the update's <Metadata> element.
#include <algorithm>
#include <string>

#include "applicability_eval.hpp"

namespace wsuslab::protocol::detail {
namespace {

std::string bare_name(const std::string& name) {
    auto const sep = name.find_first_of(".:");
    return sep == std::string::npos ? name : name.substr(sep + 1);
}

/// The first element named `name` (prefix ignored) at or below `r`, depth first.
const rule* find_element(const rule* r, const std::string& name) {
    if (r == nullptr) {
        return nullptr;
    }
    if (bare_name(r->name) == name) {
        return r;
    }
    for (auto const& c : r->children) {
        if (auto const* hit = find_element(c.get(), name)) {
            return hit;
        }
    }
    return nullptr;
}

std::string attribute(const rule& r, const char* name) {
    for (auto const& [n, v] : r.attributes) {
        if (n == name) {
            return v;
        }
    }
    return {};
}

const msi_product* find_product(const machine_state& m, const std::string& code) {
    for (auto const& [c, product] : m.msi_products) {
        if (iequals(c, code)) {
            return &product;
        }
    }
    return nullptr;
}

bool contains(const std::vector<std::string>& list, const std::string& item) {
    return std::any_of(list.begin(), list.end(), [&](const std::string& s) { return iequals(s, item); });
}

/// VersionMin / VersionMax (each exclusive with its Exclude flag) and Language of the MSI rules.
bool product_matches(const rule& r, const msi_product& p) {
    auto const have = parse_version(p.version);
    if (!r.data4.empty()) {  // VersionMin
        int const c = have ? compare_versions(*have, *parse_version(r.data4)) : -1;
        if (r.flag2 ? c <= 0 : c < 0) {
            return false;
        }
    }
    if (!r.data3.empty()) {  // VersionMax
        int const c = have ? compare_versions(*have, *parse_version(r.data3)) : 1;
        if (r.flag ? c >= 0 : c > 0) {
            return false;
        }
    }
    return !r.number || (p.language && *p.language == *r.number);
}

/// Feature or component lists of MsiFeatureInstalledForProduct / MsiComponentInstalledForProduct.
rule_value eval_for_products(const rule& r, const machine_state& m) {
    bool const features = r.kind == rule_kind::msi_feature_installed_for_product;
    auto product_ok = [&](const std::string& code) {
        auto const* p = find_product(m, code);
        if (p == nullptr) {
            return false;
        }
        auto const& have = features ? p->features : p->components;
        auto has = [&](const std::string& item) { return contains(have, item); };
        return r.flag ? std::all_of(r.items.begin(), r.items.end(), has)
                      : std::any_of(r.items.begin(), r.items.end(), has);
    };
    return from_bool(r.flag2 ? std::all_of(r.products.begin(), r.products.end(), product_ok)
                             : std::any_of(r.products.begin(), r.products.end(), product_ok));
}

rule_value missing_metadata(const rule& r, eval_context& ctx, const char* what) {
    return fail(ctx, r, std::string("no ") + what + " in the update's Metadata; the agent's "
                        "evaluator reports WU_E_EE_MISSING_METADATA (0x8024E003)");
}

/// MsiPatchInstalled / Superseded / Installable: the patch and its target products come from
/// Metadata/MsiPatchMetadata (the MsiPatch element with PatchGUID and TargetProductCode).
rule_value eval_msi_patch(const rule& r, eval_context& ctx) {
    auto const* blob = find_element(find_element(ctx.metadata, "MsiPatchMetadata"), "MsiPatch");
    std::string const patch = blob != nullptr ? attribute(*blob, "PatchGUID") : std::string();
    if (patch.empty()) {
        return missing_metadata(r, ctx, "MsiPatchMetadata/MsiPatch PatchGUID");
    }
    std::vector<std::string> targets;
    std::vector<const rule*> stack{blob};
    while (!stack.empty()) {
        const rule* n = stack.back();
        stack.pop_back();
        if (bare_name(n->name) == "TargetProductCode" && !n->text.empty()) {
            targets.push_back(n->text);
        }
        for (auto const& c : n->children) {
            stack.push_back(c.get());
        }
    }
    bool installed = false;
    bool superseded = false;
    bool target_present = false;
    for (auto const& [code, product] : ctx.m.msi_products) {
        if (!targets.empty() && !contains(targets, code)) {
            continue;
        }
        target_present = true;
        installed = installed || contains(product.patches, patch);
        superseded = superseded || contains(product.superseded_patches, patch);
    }
    if (r.kind == rule_kind::msi_patch_installed) {
        return from_bool(installed);
    }
    if (r.kind == rule_kind::msi_patch_superseded) {
        return from_bool(superseded);
    }
    return from_bool(target_present && !installed);
}

/// MsiApplicationInstalled / Superseded / Installable: the product code comes from
/// Metadata/MsiApplicationMetadata (a ProductCode attribute or element).
rule_value eval_msi_application(const rule& r, eval_context& ctx) {
    auto const* meta = find_element(ctx.metadata, "MsiApplicationMetadata");
    std::string code = meta != nullptr ? attribute(*meta, "ProductCode") : std::string();
    if (auto const* element = find_element(meta, "ProductCode"); code.empty() && element != nullptr) {
        code = element->text;
    }
    if (code.empty()) {
        return missing_metadata(r, ctx, "MsiApplicationMetadata ProductCode");
    }
    bool const installed = find_product(ctx.m, code) != nullptr;
    if (r.kind == rule_kind::msi_application_installed) {
        return from_bool(installed);
    }
    // The lab records no application supersedence; an absent application is installable.
    return from_bool(r.kind == rule_kind::msi_application_installable && !installed);
}

/// CbsPackageInstalled / Installable: the package is named by the assemblyIdentity of
/// Metadata/CbsPackageApplicabilityMetadata, as name~publicKeyToken~arch~language~version.
rule_value eval_cbs_from_metadata(const rule& r, eval_context& ctx) {
    auto const* id = find_element(find_element(ctx.metadata, "CbsPackageApplicabilityMetadata"),
                                  "assemblyIdentity");
    if (id == nullptr || attribute(*id, "name").empty()) {
        return missing_metadata(r, ctx, "CbsPackageApplicabilityMetadata assemblyIdentity");
    }
    std::string language = attribute(*id, "language");
    if (iequals(language, "neutral")) {
        language.clear();
    }
    std::string const identity = attribute(*id, "name") + "~" + attribute(*id, "publicKeyToken") +
                                 "~" + attribute(*id, "processorArchitecture") + "~" + language +
                                 "~" + attribute(*id, "version");
    const char* wanted = r.kind == rule_kind::cbs_package_installed ? "Installed" : "Installable";
    for (auto const& [package, state] : ctx.m.cbs_packages) {
        if (iequals(package, identity)) {
            return from_bool(iequals(state, wanted));
        }
    }
    return rule_value::is_false;
}

const std::string* find_named(const std::map<std::string, std::string>& facts, const std::string& name) {
    for (auto const& [n, v] : facts) {
        if (iequals(n, name)) {
            return &v;
        }
    }
    return nullptr;
}

}  // namespace

rule_value eval_package(const rule& r, eval_context& ctx) {
    machine_state const& m = ctx.m;
    switch (r.kind) {
        case rule_kind::msi_product_installed: {
            auto const* p = find_product(m, r.data);
            return from_bool(p != nullptr && product_matches(r, *p));
        }
        case rule_kind::msi_patch_installed_for_product: {
            auto const* p = find_product(m, r.data);
            return from_bool(p != nullptr && product_matches(r, *p) && contains(p->patches, r.data2));
        }
        case rule_kind::msi_feature_installed_for_product:
        case rule_kind::msi_component_installed_for_product:
            return eval_for_products(r, m);
        case rule_kind::msi_patch_installed:
        case rule_kind::msi_patch_superseded:
        case rule_kind::msi_patch_installable:
            return eval_msi_patch(r, ctx);
        case rule_kind::msi_application_installed:
        case rule_kind::msi_application_superseded:
        case rule_kind::msi_application_installable:
            return eval_msi_application(r, ctx);
        case rule_kind::cbs_package_installed_by_identity: {
            auto const* state = find_named(m.cbs_packages, r.data);
            return from_bool(state != nullptr && iequals(*state, "Installed"));
        }
        case rule_kind::cbs_package_installed:
        case rule_kind::cbs_package_installable:
            return eval_cbs_from_metadata(r, ctx);
        case rule_kind::product_release_installed:
        case rule_kind::product_release_version: {
            auto const* v = find_named(m.product_releases, r.data);
            comparison const c = r.kind == rule_kind::product_release_installed
                                     ? comparison::greater_than_or_equal_to : r.cmp;
            auto const have = v != nullptr ? parse_version(*v) : std::nullopt;
            return from_bool(have && ordered(c, compare_versions(*have, *parse_version(r.data2))));
        }
        case rule_kind::device_attribute: {
            auto const* v = find_named(m.device_attributes, r.data);
            return from_bool(v != nullptr && compare_strings(r.cmp, *v, r.data3));
        }
        default:
            return fail(ctx, r, "not evaluated by the lab");
    }
}

}  // namespace wsuslab::protocol::detail
