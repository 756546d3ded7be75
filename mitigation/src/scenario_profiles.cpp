// Pass 1 reader of <ClientProfile>: a simulated client's groups, identity and machine state.
#include <algorithm>
#include <cctype>
#include <cstring>
#include <limits>

#include "scenario_reader.hpp"

namespace wsuslab::mitigation::detail {
namespace {

bool known_hive(const std::string& path) {
    for (const char* hive : {"HKEY_LOCAL_MACHINE", "HKEY_CURRENT_USER", "HKEY_CLASSES_ROOT",
                             "HKEY_USERS", "HKEY_CURRENT_CONFIG"}) {
        std::size_t const n = std::strlen(hive);
        if (path.compare(0, n, hive) == 0 && (path.size() == n || path[n] == '\\')) {
            return true;
        }
    }
    return false;
}

/// "7.0.6000.381" -> four numbers each fitting a short; false otherwise.
bool parse_agent_version(const std::string& text, std::int16_t (&parts)[4]) {
    std::size_t pos = 0;
    for (int i = 0; i < 4; ++i) {
        std::size_t const end = i == 3 ? text.size() : text.find('.', pos);
        if (end == std::string::npos || end == pos || end - pos > 5) {
            return false;
        }
        std::int32_t v = 0;
        for (std::size_t k = pos; k < end; ++k) {
            if (std::isdigit(static_cast<unsigned char>(text[k])) == 0) {
                return false;
            }
            v = v * 10 + (text[k] - '0');
        }
        if (v > 32767) {
            return false;
        }
        parts[i] = static_cast<std::int16_t>(v);
        pos = end + 1;
    }
    return true;
}

}  // namespace

bool scenario_parser::read_profile(pugi::xml_node n) {
    client_profile p;
    p.line = line(n);
    if (!check_attributes(n, {"Name", "ClientID", "DnsName"}) || !require(n, "Name", p.name) ||
        !require(n, "ClientID", p.client_id) || !require(n, "DnsName", p.dns_name)) {
        return false;
    }
    if (p.name.empty()) {
        return fail(n, "<ClientProfile> attribute Name is empty");
    }
    if (auto it = profile_lines_.find(p.name); it != profile_lines_.end()) {
        return fail(n, "duplicate profile name '" + p.name + "' (also on line " +
                           std::to_string(it->second) + ")");
    }
    if (!protocol::is_guid(p.client_id)) {
        return fail(n, "<ClientProfile> attribute ClientID: expected a GUID, got '" + p.client_id +
                           "'");
    }
    p.client_id = protocol::lower_copy(p.client_id);
    if (!read_profile_children(n, p)) {
        return false;
    }
    // The RegisterComputer fields that restate the machine come from one place.
    p.computer.dns_name = p.dns_name;
    p.computer.os_major_version = p.machine.os_major;
    p.computer.os_minor_version = p.machine.os_minor;
    p.computer.os_build_number = p.machine.os_build;
    p.computer.os_service_pack_major_number = static_cast<std::int16_t>(p.machine.sp_major);
    p.computer.os_service_pack_minor_number = static_cast<std::int16_t>(p.machine.sp_minor);
    p.computer.old_product_type = static_cast<std::uint8_t>(p.machine.product_type);
    p.computer.processor_architecture = p.machine.processor_architecture;
    p.computer.suite_mask = static_cast<std::int16_t>(p.machine.suite_mask);
    profile_lines_.emplace(p.name, p.line);
    s_.profiles.push_back(std::move(p));
    return true;
}

bool scenario_parser::read_profile_children(pugi::xml_node n, client_profile& p) {
    if (!check_children(n, {"Description", "TargetGroup", "OperatingSystem", "Hardware", "Agent",
                            "Registry", "Files", "Processor", "Memory", "Mui", "SystemMetric",
                            "WmiQuery", "License", "Cluster", "MsiProduct", "CbsPackage",
                            "ProductRelease", "DeviceAttribute", "GenericQuery"})) {
        return false;
    }
    for (auto c = n.first_child(); c; c = c.next_sibling()) {
        if (c.type() != pugi::node_element) {
            continue;
        }
        std::string const name = c.name();
        bool ok = true;
        if (name == "Description") {
            ok = read_text(c, p.description);
        } else if (name == "TargetGroup") {
            ok = read_profile_group(c, p);
        } else if (name == "OperatingSystem") {
            ok = read_operating_system(c, p.machine, p.computer);
        } else if (name == "Hardware") {
            ok = read_hardware(c, p.computer);
        } else if (name == "Agent") {
            ok = read_agent(c, p.computer);
        } else if (name == "Registry") {
            ok = read_registry(c, p.machine);
        } else if (name == "Files") {
            ok = read_files(c, p.machine);
        } else {
            ok = read_profile_fact(c, p.machine);
        }
        if (!ok) {
            return false;
        }
    }
    return true;
}

bool scenario_parser::read_profile_group(pugi::xml_node c, client_profile& p) {
    std::string group;
    if (!check_attributes(c, {"Name"}) || !check_children(c, {}) || !require(c, "Name", group)) {
        return false;
    }
    refs_.group_uses.push_back({"profile '" + p.name + "'", group, line(c)});
    p.target_groups.push_back(std::move(group));
    return true;
}

bool scenario_parser::read_operating_system(pugi::xml_node c, protocol::machine_state& m,
                                            protocol::computer_info& ci) {
    bool const ok = check_attributes(c, {"Major", "Minor", "Build", "ServicePackMajor",
                                         "ServicePackMinor", "ProductType", "SuiteMask",
                                         "Architecture", "Language", "Locale", "Description"}) &&
                    check_children(c, {}) && number(c, "Major", m.os_major, true, 0, 100) &&
                    number(c, "Minor", m.os_minor, true, 0, 100) &&
                    number(c, "Build", m.os_build, true, 0, 1000000) &&
                    number(c, "ServicePackMajor", m.sp_major, false, 0, 100) &&
                    number(c, "ServicePackMinor", m.sp_minor, false, 0, 100) &&
                    number(c, "ProductType", m.product_type, false, 1, 3) &&
                    number(c, "SuiteMask", m.suite_mask, false, 0, 32767);
    if (!ok) {
        return false;
    }
    if (auto a = c.attribute("Language")) {
        m.language = a.value();
    }
    if (auto a = c.attribute("Locale")) {
        ci.os_locale = std::string(a.value());
    }
    if (auto a = c.attribute("Description")) {
        ci.os_description = std::string(a.value());
    }
    if (auto a = c.attribute("Architecture")) {
        m.processor_architecture = a.value();
        if (!protocol::architecture_code(m.processor_architecture)) {
            return fail(c, "<OperatingSystem> attribute Architecture: expected x86, arm, ia64, "
                           "amd64, x64, arm64 or a number, got '" +
                               m.processor_architecture + "'");
        }
    }
    return true;
}

bool scenario_parser::read_hardware(pugi::xml_node c, protocol::computer_info& ci) {
    if (!check_attributes(c, {"Manufacturer", "Model", "BiosVersion", "BiosName",
                              "BiosReleaseDate"}) ||
        !check_children(c, {})) {
        return false;
    }
    auto opt = [&c](const char* a, std::optional<std::string>& out) {
        if (auto x = c.attribute(a)) {
            out = std::string(x.value());
        }
    };
    opt("Manufacturer", ci.computer_manufacturer);
    opt("Model", ci.computer_model);
    opt("BiosVersion", ci.bios_version);
    opt("BiosName", ci.bios_name);
    ci.bios_release_date = c.attribute("BiosReleaseDate").value();
    if (!ci.bios_release_date.empty() && !is_date(ci.bios_release_date)) {
        return fail(c, "<Hardware> attribute BiosReleaseDate: expected a date or dateTime, got '" +
                           ci.bios_release_date + "'");
    }
    return true;
}

bool scenario_parser::read_agent(pugi::xml_node c, protocol::computer_info& ci) {
    std::string version;
    bool ok = check_attributes(c, {"Version"}) && check_children(c, {}) &&
              require(c, "Version", version);
    std::int16_t parts[4] = {0, 0, 0, 0};
    if (ok && !parse_agent_version(version, parts)) {
        ok = fail(c, "<Agent> attribute Version: expected a four-part version, got '" + version +
                         "'");
    }
    ci.client_version_major_number = parts[0];
    ci.client_version_minor_number = parts[1];
    ci.client_version_build_number = parts[2];
    ci.client_version_qfe_number = parts[3];
    return ok;
}

bool scenario_parser::read_registry(pugi::xml_node c, protocol::machine_state& m) {
    bool ok = check_attributes(c, {}) && check_children(c, {"Key"});
    for (auto k = c.first_child(); ok && k; k = k.next_sibling()) {
        if (k.type() != pugi::node_element) {
            continue;
        }
        std::string path;
        ok = check_attributes(k, {"Path"}) && check_children(k, {"Value"}) &&
             require(k, "Path", path);
        if (ok && !known_hive(path)) {
            ok = fail(k, "<Key> attribute Path: '" + path +
                             "' does not start with a registry hive such as HKEY_LOCAL_MACHINE");
        }
        if (ok && m.registry.count(path) != 0) {
            ok = fail(k, "duplicate registry key '" + path + "'");
        }
        ok = ok && read_registry_values(k, path, m);
    }
    return ok;
}

bool scenario_parser::read_registry_values(pugi::xml_node k, const std::string& path,
                                           protocol::machine_state& m) {
    auto& values = m.registry[path];
    bool ok = true;
    for (auto v = k.first_child(); ok && v; v = v.next_sibling()) {
        if (v.type() != pugi::node_element) {
            continue;
        }
        std::string data;
        ok = check_attributes(v, {"Name", "Data", "Type"}) && check_children(v, {}) &&
             require(v, "Data", data);
        std::string const value_name = v.attribute("Name").value();
        if (ok && !values.emplace(value_name, data).second) {
            ok = fail(v, "duplicate registry value '" + value_name + "' under '" + path + "'");
        }
        if (auto type = v.attribute("Type"); ok && type) {
            ok = is_registry_type(type.value())
                     ? true
                     : fail(v, "<Value> attribute Type: unknown value '" +
                                   std::string(type.value()) +
                                   "' (expected REG_SZ, REG_EXPAND_SZ, REG_MULTI_SZ, REG_DWORD, "
                                   "REG_QWORD, REG_BINARY or REG_FULL_RESOURCE_DESCRIPTOR)");
            m.registry_types[path][value_name] = type.value();
        }
    }
    return ok;
}

bool scenario_parser::read_files(pugi::xml_node c, protocol::machine_state& m) {
    bool ok = check_attributes(c, {}) && check_children(c, {"File"});
    for (auto f = c.first_child(); ok && f; f = f.next_sibling()) {
        if (f.type() != pugi::node_element) {
            continue;
        }
        std::string path;
        std::string const version = f.attribute("Version").value();
        ok = check_attributes(f, {"Path", "Version", "Size", "Created", "Modified", "Language"}) &&
             check_children(f, {}) && require(f, "Path", path);
        if (ok && f.attribute("Version") && !is_version(version)) {
            ok = fail(f, "<File> attribute Version: expected a version such as 11.0.8169.0, got '" +
                             version + "'");
        }
        if (ok && !m.files.emplace(path, version).second) {
            ok = fail(f, "duplicate file '" + path + "'");
        }
        ok = ok && read_file_facts(f, path, m);
    }
    return ok;
}

bool scenario_parser::read_file_facts(pugi::xml_node f, const std::string& path,
                                      protocol::machine_state& m) {
    protocol::file_facts facts;
    for (const char* date : {"Created", "Modified"}) {
        if (auto a = f.attribute(date)) {
            if (!is_date(a.value())) {
                return fail(f, "<File> attribute " + std::string(date) +
                                   ": expected a dateTime such as 2008-06-11T00:00:00Z, got '" +
                                   a.value() + "'");
            }
            (std::string(date) == "Created" ? facts.created : facts.modified) = a.value();
        }
    }
    if (f.attribute("Size")) {
        std::uint64_t size = 0;
        if (!number(f, "Size", size, true, 0, std::numeric_limits<std::int64_t>::max())) {
            return false;
        }
        facts.size = size;
    }
    if (f.attribute("Language")) {
        std::uint32_t language = 0;
        if (!number(f, "Language", language, true, 0, 0xFFFF)) {
            return false;
        }
        facts.language = language;
    }
    if (facts.size || facts.created || facts.modified || facts.language) {
        m.file_details[path] = facts;
    }
    return true;
}

}  // namespace wsuslab::mitigation::detail
