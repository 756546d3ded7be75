// write_scenario: the documented format back from a scenario, so that
// load_scenario_text(write_scenario(s)) == s (docs/scenario-format.md).
#include <string>

#include <pugixml.hpp>

#include <wsuslab/mitigation/scenario_loader.hpp>

#include "scenario_reader.hpp"

namespace wsuslab::mitigation {
namespace {

void set(pugi::xml_node n, const char* name, const std::string& value) {
    n.append_attribute(name).set_value(value.c_str());
}

void set(pugi::xml_node n, const char* name, const std::optional<std::string>& value) {
    if (value) {
        set(n, name, *value);
    }
}

template <typename Int>
void set_number(pugi::xml_node n, const char* name, Int value) {
    set(n, name, std::to_string(value));
}

void set_bool(pugi::xml_node n, const char* name, bool value) {
    set(n, name, std::string(value ? "true" : "false"));
}

void write_update(pugi::xml_node updates, const revision& r) {
    auto u = updates.append_child("Update");
    set_number(u, "RevisionID", r.revision_id);
    set(u, "UpdateID", r.update_id);
    set_number(u, "RevisionNumber", r.revision_number);
    set(u, "Type", std::string(update_type_name(r.type)));
    set(u, "Title", r.title);
    if (!r.product.empty()) {
        set(u, "Product", r.product);
    }
    if (!r.classification.empty()) {
        set(u, "Classification", r.classification);
    }
    set(u, "KB", r.kb_article);
    if (r.declined) {
        set_bool(u, "Declined", true);
    }
    if (r.expired) {
        set_bool(u, "Expired", true);
    }
    if (!r.prerequisites.empty()) {
        auto p = u.append_child("Prerequisites");
        for (auto const& clause : r.prerequisites) {
            auto parent = p;
            if (clause.update_ids.size() != 1 || clause.is_category) {
                parent = p.append_child("AtLeastOne");
                if (clause.is_category) {
                    set_bool(parent, "IsCategory", true);
                }
            }
            for (auto const& id : clause.update_ids) {
                set(parent.append_child("UpdateIdentity"), "UpdateID", id);
            }
        }
    }
    if (!r.bundled_revisions.empty()) {
        auto b = u.append_child("BundledUpdates");
        for (auto const& clause : r.bundled_revisions) {
            auto parent = clause.size() == 1 ? b : b.append_child("AtLeastOne");
            for (auto id : clause) {
                set_number(parent.append_child("Revision"), "RevisionID", id);
            }
        }
    }
    if (!r.applicability_xml.empty()) {
        pugi::xml_document rules;
        if (rules.load_buffer(r.applicability_xml.data(), r.applicability_xml.size(),
                              pugi::parse_default, pugi::encoding_utf8)) {
            u.append_copy(rules.document_element());
        }
    }
    if (!r.files.empty()) {
        auto files = u.append_child("Files");
        for (auto const& f : r.files) {
            auto file = files.append_child("File");
            set(file, "Name", f.name);
            set_number(file, "Size", f.size);
        }
    }
}

void write_file_facts(pugi::xml_node f, const protocol::file_facts& d) {
    if (d.size) {
        set_number(f, "Size", *d.size);
    }
    set(f, "Created", d.created);
    set(f, "Modified", d.modified);
    if (d.language) {
        set_number(f, "Language", *d.language);
    }
}

void write_profile(pugi::xml_node profiles, const client_profile& p) {
    auto n = profiles.append_child("ClientProfile");
    set(n, "Name", p.name);
    set(n, "ClientID", p.client_id);
    set(n, "DnsName", p.dns_name);
    if (!p.description.empty()) {
        n.append_child("Description").text().set(p.description.c_str());
    }
    for (auto const& g : p.target_groups) {
        set(n.append_child("TargetGroup"), "Name", g);
    }
    auto const& m = p.machine;
    auto const& c = p.computer;
    auto os = n.append_child("OperatingSystem");
    set_number(os, "Major", m.os_major);
    set_number(os, "Minor", m.os_minor);
    set_number(os, "Build", m.os_build);
    set_number(os, "ServicePackMajor", m.sp_major);
    set_number(os, "ServicePackMinor", m.sp_minor);
    set_number(os, "ProductType", m.product_type);
    set_number(os, "SuiteMask", c.suite_mask);
    set(os, "Architecture", m.processor_architecture);
    set(os, "Language", m.language);
    set(os, "Locale", c.os_locale);
    set(os, "Description", c.os_description);
    if (c.computer_manufacturer || c.computer_model || c.bios_version || c.bios_name ||
        !c.bios_release_date.empty()) {
        auto hw = n.append_child("Hardware");
        set(hw, "Manufacturer", c.computer_manufacturer);
        set(hw, "Model", c.computer_model);
        set(hw, "BiosVersion", c.bios_version);
        set(hw, "BiosName", c.bios_name);
        if (!c.bios_release_date.empty()) {
            set(hw, "BiosReleaseDate", c.bios_release_date);
        }
    }
    if (c.client_version_major_number != 0 || c.client_version_minor_number != 0 ||
        c.client_version_build_number != 0 || c.client_version_qfe_number != 0) {
        set(n.append_child("Agent"), "Version",
            std::to_string(c.client_version_major_number) + "." +
                std::to_string(c.client_version_minor_number) + "." +
                std::to_string(c.client_version_build_number) + "." +
                std::to_string(c.client_version_qfe_number));
    }
    if (!m.registry.empty()) {
        auto reg = n.append_child("Registry");
        for (auto const& [path, values] : m.registry) {
            auto key = reg.append_child("Key");
            set(key, "Path", path);
            for (auto const& [name, data] : values) {
                auto v = key.append_child("Value");
                if (!name.empty()) {
                    set(v, "Name", name);
                }
                set(v, "Data", data);
                if (auto t = m.registry_types.find(path); t != m.registry_types.end()) {
                    if (auto type = t->second.find(name); type != t->second.end()) {
                        set(v, "Type", type->second);
                    }
                }
            }
        }
    }
    if (!m.files.empty()) {
        auto files = n.append_child("Files");
        for (auto const& [path, version] : m.files) {
            auto f = files.append_child("File");
            set(f, "Path", path);
            if (!version.empty()) {
                set(f, "Version", version);
            }
            if (auto d = m.file_details.find(path); d != m.file_details.end()) {
                write_file_facts(f, d->second);
            }
        }
    }
    detail::write_profile_facts(n, m);
}

struct string_writer : pugi::xml_writer {
    std::string out;
    void write(const void* data, size_t size) override {
        out.append(static_cast<const char*>(data), size);
    }
};

}  // namespace

std::string write_scenario(const scenario& s) {
    pugi::xml_document doc;
    auto root = doc.append_child("Scenario");
    set(root, "Name", s.name);
    set(root, "FormatVersion", std::string("1"));
    if (!s.description.empty()) {
        root.append_child("Description").text().set(s.description.c_str());
    }
    auto server = root.append_child("Server");
    set(server, "Name", s.server.name);
    set(server, "ProductVersion", s.server.product_version);
    set(server, "ProtocolVersion", s.server.protocol_version);
    set(server, "ConfigLastChange", s.server.config_last_change);
    set_bool(server, "RegistrationRequired", s.server.registration_required);
    set_bool(server, "ClientSideTargeting", s.server.client_side_targeting);
    set_number(server, "PageSize", s.server.page_size);
    set(server, "DefaultModel", s.server.default_model);
    auto updates = root.append_child("Updates");
    for (auto const& r : s.revisions) {
        write_update(updates, r);
    }
    auto groups = root.append_child("TargetGroups");
    for (auto const& g : s.target_groups) {
        auto n = groups.append_child("TargetGroup");
        set(n, "Name", g.name);
        set(n, "Parent", g.parent);
        set(n, "Model", g.model);
    }
    auto deployments = root.append_child("Deployments");
    for (auto const& d : s.deployments) {
        auto n = deployments.append_child(d.stray ? "StrayDeployment" : "Deployment");
        set_number(n, "ID", d.deployment_id);
        set_number(n, "RevisionID", d.revision_id);
        set(n, "TargetGroup", d.target_group);
        set(n, "Action", std::string(protocol::deployment_action_name(d.action)));
        set(n, "Deadline", d.deadline);
        set_bool(n, "IsAssigned", d.is_assigned);
        set(n, "LastChangeTime", d.last_change_time);
        set(n, "DownloadPriority", d.download_priority);
        if (d.stray && *d.stray != stray_origin::unknown) {
            set(n, "Origin", std::string(stray_origin_name(*d.stray)));
        }
    }
    if (!s.assignments.empty()) {
        auto computers = root.append_child("Computers");
        for (auto const& a : s.assignments) {
            auto n = computers.append_child("Computer");
            set(n, "Name", a.computer);
            set(n, "TargetGroup", a.target_group);
        }
    }
    auto profiles = root.append_child("ClientProfiles");
    for (auto const& p : s.profiles) {
        write_profile(profiles, p);
    }
    string_writer w;
    doc.save(w, "  ", pugi::format_default, pugi::encoding_utf8);
    return w.out;
}

}  // namespace wsuslab::mitigation
