// Reading and writing the machine facts of a <ClientProfile> that the applicability rules read
// (docs/scenario-format.md §8.1, docs/applicability-rules.md).
#include <algorithm>
#include <limits>
#include <string>

#include "scenario_reader.hpp"

namespace wsuslab::mitigation::detail {
namespace {

constexpr std::int64_t u32_max = std::numeric_limits<std::uint32_t>::max();
constexpr std::int64_t i32_min = std::numeric_limits<std::int32_t>::min();
constexpr std::int64_t i32_max = std::numeric_limits<std::int32_t>::max();

void set(pugi::xml_node n, const char* name, const std::string& value) {
    n.append_attribute(name).set_value(value.c_str());
}

template <typename Int>
void set_number(pugi::xml_node n, const char* name, Int value) {
    set(n, name, std::to_string(value));
}

void write_msi_product(pugi::xml_node n, const std::string& code, const protocol::msi_product& product) {
    auto p = n.append_child("MsiProduct");
    set(p, "Code", code);
    set(p, "Version", product.version);
    if (product.language) {
        set_number(p, "Language", *product.language);
    }
    for (auto const& f : product.features) {
        set(p.append_child("Feature"), "Name", f);
    }
    for (auto const& c : product.components) {
        set(p.append_child("Component"), "Code", c);
    }
    for (auto const& patch : product.patches) {
        auto x = p.append_child("Patch");
        set(x, "Code", patch);
        bool const superseded = std::find(product.superseded_patches.begin(),
                                          product.superseded_patches.end(),
                                          patch) != product.superseded_patches.end();
        if (superseded) {
            set(x, "Superseded", "true");
        }
    }
}

}  // namespace

bool is_registry_type(const std::string& type) {
    for (const char* t : {"REG_SZ", "REG_EXPAND_SZ", "REG_MULTI_SZ", "REG_DWORD", "REG_QWORD",
                          "REG_BINARY", "REG_FULL_RESOURCE_DESCRIPTOR"}) {
        if (type == t) {
            return true;
        }
    }
    return false;
}

bool scenario_parser::read_msi_product(pugi::xml_node c, protocol::machine_state& m) {
    std::string code;
    protocol::msi_product product;
    if (!check_attributes(c, {"Code", "Version", "Language"}) ||
        !check_children(c, {"Feature", "Component", "Patch"}) || !require(c, "Code", code) ||
        !require(c, "Version", product.version)) {
        return false;
    }
    if (!is_version(product.version)) {
        return fail(c, "<MsiProduct> attribute Version: expected a version such as 11.0.8173.0, "
                       "got '" + product.version + "'");
    }
    if (c.attribute("Language")) {
        std::uint32_t language = 0;
        if (!number(c, "Language", language, true, 0, u32_max)) {
            return false;
        }
        product.language = language;
    }
    for (auto k = c.first_child(); k; k = k.next_sibling()) {
        if (k.type() != pugi::node_element) {
            continue;
        }
        std::string const kind = k.name();
        std::string value;
        bool superseded = false;
        char const* key = kind == "Feature" ? "Name" : "Code";
        bool ok = kind == "Patch" ? check_attributes(k, {"Code", "Superseded"}) &&
                                        boolean(k, "Superseded", superseded)
                                  : check_attributes(k, {key});
        if (!ok || !check_children(k, {}) || !require(k, key, value)) {
            return false;
        }
        auto& list = kind == "Feature" ? product.features
                                       : (kind == "Component" ? product.components : product.patches);
        list.push_back(value);
        if (superseded) {
            product.superseded_patches.push_back(value);
        }
    }
    if (!m.msi_products.emplace(code, std::move(product)).second) {
        return fail(c, "duplicate MSI product '" + code + "'");
    }
    return true;
}

bool scenario_parser::read_profile_fact(pugi::xml_node c, protocol::machine_state& m) {
    return read_hardware_fact(c, m);
}

bool scenario_parser::read_hardware_fact(pugi::xml_node c, protocol::machine_state& m) {
    std::string const name = c.name();
    if (name == "Processor") {
        std::optional<std::uint16_t> level;
        std::optional<std::uint16_t> revision;
        for (auto const& [attr, out] : {std::pair{"Level", &level}, std::pair{"Revision", &revision}}) {
            if (c.attribute(attr)) {
                std::uint16_t v = 0;
                if (!number(c, attr, v, true, 0, 0xFFFF)) {
                    return false;
                }
                *out = v;
            }
        }
        m.processor_level = level;
        m.processor_revision = revision;
        return check_attributes(c, {"Level", "Revision", "Count"}) && check_children(c, {}) &&
               number(c, "Count", m.processor_count, false, 1, 4096);
    }
    if (name == "Memory") {
        std::uint64_t mb = 0;
        bool const ok = check_attributes(c, {"SizeMB"}) && check_children(c, {}) &&
                        number(c, "SizeMB", mb, true, 0, std::numeric_limits<std::int64_t>::max());
        m.memory_mb = mb;
        return ok;
    }
    if (name == "Mui") {
        if (!check_attributes(c, {"Installed"}) || !check_children(c, {"Language"}) ||
            !boolean(c, "Installed", m.mui_installed)) {
            return false;
        }
        for (auto l = c.child("Language"); l; l = l.next_sibling("Language")) {
            std::string lang;
            if (!check_attributes(l, {"Name"}) || !check_children(l, {}) || !require(l, "Name", lang)) {
                return false;
            }
            m.mui_languages.push_back(lang);
        }
        return true;
    }
    if (name == "SystemMetric") {
        std::int32_t index = 0;
        std::int32_t value = 0;
        if (!check_attributes(c, {"Index", "Value"}) || !check_children(c, {}) ||
            !number(c, "Index", index, true, i32_min, i32_max) ||
            !number(c, "Value", value, true, i32_min, i32_max)) {
            return false;
        }
        if (!m.system_metrics.emplace(index, value).second) {
            return fail(c, "duplicate system metric " + std::to_string(index));
        }
        return true;
    }
    if (name == "Cluster") {
        m.clustered = true;
        if (!check_attributes(c, {}) || !check_children(c, {"Resource"})) {
            return false;
        }
        for (auto r = c.child("Resource"); r; r = r.next_sibling("Resource")) {
            std::string resource;
            if (!check_attributes(r, {"Name"}) || !check_children(r, {}) || !require(r, "Name", resource)) {
                return false;
            }
            m.cluster_resources.push_back(resource);
        }
        return true;
    }
    return read_software_fact(c, m);
}

bool scenario_parser::read_software_fact(pugi::xml_node c, protocol::machine_state& m) {
    std::string const name = c.name();
    if (name == "WmiQuery") {
        protocol::wmi_answer a;
        if (!check_attributes(c, {"Namespace", "Query", "Rows"}) || !check_children(c, {}) ||
            !require(c, "Query", a.query) || !number(c, "Rows", a.rows, false, 0, u32_max)) {
            return false;
        }
        if (auto ns = c.attribute("Namespace")) {
            a.name_space = ns.value();
        }
        m.wmi.push_back(std::move(a));
        return true;
    }
    if (name == "License") {
        std::string license;
        std::uint32_t value = 0;
        if (!check_attributes(c, {"Name", "Value"}) || !check_children(c, {}) ||
            !require(c, "Name", license) || !number(c, "Value", value, true, 0, u32_max)) {
            return false;
        }
        if (!m.licenses.emplace(license, value).second) {
            return fail(c, "duplicate license value '" + license + "'");
        }
        return true;
    }
    if (name == "MsiProduct") {
        return read_msi_product(c, m);
    }
    if (name == "CbsPackage") {
        std::string identity;
        std::string state = "Installed";
        if (!check_attributes(c, {"Identity", "State"}) || !check_children(c, {}) ||
            !require(c, "Identity", identity)) {
            return false;
        }
        if (auto a = c.attribute("State")) {
            state = a.value();
        }
        if (state != "Installed" && state != "Installable") {
            return fail(c, "<CbsPackage> attribute State: unknown value '" + state +
                               "' (expected Installed or Installable)");
        }
        if (!m.cbs_packages.emplace(identity, state).second) {
            return fail(c, "duplicate CBS package '" + identity + "'");
        }
        return true;
    }
    if (name == "GenericQuery") {
        protocol::generic_answer a;
        if (!check_attributes(c, {"Namespace", "Type", "Parameter", "Value"}) || !check_children(c, {}) ||
            !require(c, "Value", a.value)) {
            return false;
        }
        a.name_space = c.attribute("Namespace").value();
        a.type = c.attribute("Type").value();
        a.parameter = c.attribute("Parameter").value();
        m.generic_queries.push_back(std::move(a));
        return true;
    }
    // ProductRelease (Name, Version) or DeviceAttribute (Name, Value).
    bool const release = name == "ProductRelease";
    const char* value_attr = release ? "Version" : "Value";
    std::string key;
    std::string value;
    if (!check_attributes(c, {"Name", value_attr}) || !check_children(c, {}) ||
        !require(c, "Name", key) || !require(c, value_attr, value)) {
        return false;
    }
    if (release && !is_version(value)) {
        return fail(c, "<ProductRelease> attribute Version: expected a version such as "
                       "10.0.26100.4061, got '" + value + "'");
    }
    auto& facts = release ? m.product_releases : m.device_attributes;
    if (!facts.emplace(key, value).second) {
        return fail(c, "duplicate " + name + " '" + key + "'");
    }
    return true;
}

void write_profile_facts(pugi::xml_node n, const protocol::machine_state& m) {
    if (m.processor_level || m.processor_revision || m.processor_count != 1) {
        auto p = n.append_child("Processor");
        if (m.processor_level) {
            set_number(p, "Level", *m.processor_level);
        }
        if (m.processor_revision) {
            set_number(p, "Revision", *m.processor_revision);
        }
        set_number(p, "Count", m.processor_count);
    }
    if (m.memory_mb) {
        set_number(n.append_child("Memory"), "SizeMB", *m.memory_mb);
    }
    if (m.mui_installed || !m.mui_languages.empty()) {
        auto mui = n.append_child("Mui");
        set(mui, "Installed", m.mui_installed ? "true" : "false");
        for (auto const& l : m.mui_languages) {
            set(mui.append_child("Language"), "Name", l);
        }
    }
    for (auto const& [index, value] : m.system_metrics) {
        auto s = n.append_child("SystemMetric");
        set_number(s, "Index", index);
        set_number(s, "Value", value);
    }
    for (auto const& a : m.wmi) {
        auto w = n.append_child("WmiQuery");
        set(w, "Namespace", a.name_space);
        set(w, "Query", a.query);
        set_number(w, "Rows", a.rows);
    }
    for (auto const& [name, value] : m.licenses) {
        auto l = n.append_child("License");
        set(l, "Name", name);
        set_number(l, "Value", value);
    }
    if (m.clustered) {
        auto cluster = n.append_child("Cluster");
        for (auto const& r : m.cluster_resources) {
            set(cluster.append_child("Resource"), "Name", r);
        }
    }
    for (auto const& [code, product] : m.msi_products) {
        write_msi_product(n, code, product);
    }
    for (auto const& [identity, state] : m.cbs_packages) {
        auto c = n.append_child("CbsPackage");
        set(c, "Identity", identity);
        set(c, "State", state);
    }
    for (auto const& [name, version] : m.product_releases) {
        auto r = n.append_child("ProductRelease");
        set(r, "Name", name);
        set(r, "Version", version);
    }
    for (auto const& [name, value] : m.device_attributes) {
        auto d = n.append_child("DeviceAttribute");
        set(d, "Name", name);
        set(d, "Value", value);
    }
    for (auto const& a : m.generic_queries) {
        auto g = n.append_child("GenericQuery");
        set(g, "Namespace", a.name_space);
        set(g, "Type", a.type);
        set(g, "Parameter", a.parameter);
        set(g, "Value", a.value);
    }
}

}  // namespace wsuslab::mitigation::detail
