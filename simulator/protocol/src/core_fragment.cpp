// Writing and parsing the Core metadata fragment (MS-WUSP §3.1.1.1).
#include <wsuslab/protocol/core_fragment.hpp>

#include <algorithm>
#include <cstring>
#include <limits>
#include <string>

#include <pugixml.hpp>

#include <wsuslab/protocol/text.hpp>

namespace wsuslab::protocol {
namespace {

void append_attribute(std::string& out, const char* name, std::string_view value) {
    out += ' ';
    out += name;
    out += "=\"";
    append_xml_escaped(out, value, xml_context::attribute);
    out += '"';
}

void append_identity(std::string& out, const std::string& update_id,
                     std::optional<std::int32_t> revision_number) {
    out += "<UpdateIdentity";
    append_attribute(out, "UpdateID", update_id);
    if (revision_number) {
        append_attribute(out, "RevisionNumber", std::to_string(*revision_number));
    }
    out += " />";
}

using error = core_fragment_error;

std::vector<pugi::xml_node> elements(pugi::xml_node parent) {
    std::vector<pugi::xml_node> out;
    for (auto c = parent.first_child(); c; c = c.next_sibling()) {
        if (c.type() == pugi::node_element) {
            out.push_back(c);
        }
    }
    return out;
}

std::optional<std::int32_t> parse_int(const char* text) {
    if (*text == '\0') {
        return std::nullopt;
    }
    std::int64_t v = 0;
    bool const negative = *text == '-';
    for (const char* p = negative ? text + 1 : text; *p != '\0'; ++p) {
        if (*p < '0' || *p > '9') {
            return std::nullopt;
        }
        v = v * 10 + (*p - '0');
        if (v > std::numeric_limits<std::int32_t>::max()) {
            return std::nullopt;
        }
    }
    if (negative && v == 0 && text[1] == '\0') {
        return std::nullopt;
    }
    return static_cast<std::int32_t>(negative ? -v : v);
}

std::variant<update_identity, error> read_identity(pugi::xml_node node, bool need_revision) {
    update_identity id;
    auto uid = node.attribute("UpdateID");
    if (!uid || *uid.value() == '\0') {
        return error{"UpdateIdentity: missing UpdateID"};
    }
    id.update_id = uid.value();
    auto rev = node.attribute("RevisionNumber");
    if (!rev) {
        if (need_revision) {
            return error{"UpdateIdentity: missing RevisionNumber"};
        }
        return id;
    }
    auto n = parse_int(rev.value());
    if (!n) {
        return error{"UpdateIdentity: RevisionNumber '" + std::string(rev.value()) +
                     "' is not a number"};
    }
    id.revision_number = *n;
    return id;
}

std::optional<error> read_prerequisites(pugi::xml_node node, core_fragment& f) {
    for (auto child : elements(node)) {
        std::string const name = child.name();
        core_prerequisite_clause clause;
        if (name == "UpdateIdentity") {
            auto id = read_identity(child, false);
            if (auto* e = std::get_if<error>(&id)) {
                return error{"Prerequisites: " + e->problem};
            }
            clause.update_ids.push_back(std::get<update_identity>(id).update_id);
        } else if (name == "AtLeastOne") {
            std::string const cat = child.attribute("IsCategory").value();
            clause.is_category = cat == "true" || cat == "1";
            for (auto g : elements(child)) {
                if (std::strcmp(g.name(), "UpdateIdentity") != 0) {
                    return error{"Prerequisites/AtLeastOne: unknown element '" +
                                 std::string(g.name()) + "'"};
                }
                auto id = read_identity(g, false);
                if (auto* e = std::get_if<error>(&id)) {
                    return error{"Prerequisites: " + e->problem};
                }
                clause.update_ids.push_back(std::get<update_identity>(id).update_id);
            }
            if (clause.update_ids.empty()) {
                return error{"Prerequisites: empty AtLeastOne"};
            }
        } else {
            return error{"Prerequisites: unknown element '" + name + "'"};
        }
        f.prerequisites.push_back(std::move(clause));
    }
    return std::nullopt;
}

std::optional<error> read_bundle(pugi::xml_node node, core_fragment& f) {
    for (auto child : elements(node)) {
        std::string const name = child.name();
        std::vector<update_identity> clause;
        if (name == "UpdateIdentity") {
            auto id = read_identity(child, true);
            if (auto* e = std::get_if<error>(&id)) {
                return error{"BundledUpdates: " + e->problem};
            }
            clause.push_back(std::get<update_identity>(id));
        } else if (name == "AtLeastOne") {
            for (auto g : elements(child)) {
                if (std::strcmp(g.name(), "UpdateIdentity") != 0) {
                    return error{"BundledUpdates/AtLeastOne: unknown element '" +
                                 std::string(g.name()) + "'"};
                }
                auto id = read_identity(g, true);
                if (auto* e = std::get_if<error>(&id)) {
                    return error{"BundledUpdates: " + e->problem};
                }
                clause.push_back(std::get<update_identity>(id));
            }
            if (clause.empty()) {
                return error{"BundledUpdates: empty AtLeastOne"};
            }
        } else {
            return error{"BundledUpdates: unknown element '" + name + "'"};
        }
        f.bundled_updates.push_back(std::move(clause));
    }
    return std::nullopt;
}

std::optional<error> read_relationships(pugi::xml_node node, core_fragment& f) {
    for (auto child : elements(node)) {
        std::string const name = child.name();
        std::optional<error> e;
        if (name == "Prerequisites") {
            e = read_prerequisites(child, f);
        } else if (name == "BundledUpdates") {
            e = read_bundle(child, f);
        } else if (name == "SupersededUpdates") {
            continue;  // real metadata carries it; wsuslab does not model supersedence
        } else {
            e = error{"Relationships: unknown element '" + name + "'"};
        }
        if (e) {
            return e;
        }
    }
    return std::nullopt;
}

std::optional<error> read_properties(pugi::xml_node node, core_fragment& f) {
    auto type = node.attribute("UpdateType");
    if (!type) {
        return error{"Properties: missing UpdateType"};
    }
    f.update_type = type.value();
    if (f.update_type != "Software" && f.update_type != "Detectoid" &&
        f.update_type != "Category" && f.update_type != "Driver") {
        return error{"Properties: unknown UpdateType '" + f.update_type + "'"};
    }
    for (auto a : node.attributes()) {
        std::string const name = a.name();
        if (name == "ExplicitlyDeployable") {
            f.explicitly_deployable = a.value();
        } else if (name == "AutoSelectOnWebSites") {
            f.auto_select_on_web_sites = a.value();
        } else if (name == "OSUpgrade") {
            f.os_upgrade = a.value();
        } else if (name == "EulaID") {
            f.eula_id = a.value();
        } else if (name != "UpdateType") {
            return error{"Properties: unknown attribute '" + name + "'"};
        }
    }
    return std::nullopt;
}

}  // namespace

bool core_fragment::operator==(const core_fragment& o) const {
    auto same_identity = [](const update_identity& a, const update_identity& b) {
        return a.update_id == b.update_id && a.revision_number == b.revision_number;
    };
    if (bundled_updates.size() != o.bundled_updates.size()) {
        return false;
    }
    for (std::size_t i = 0; i < bundled_updates.size(); ++i) {
        if (!std::equal(bundled_updates[i].begin(), bundled_updates[i].end(),
                        o.bundled_updates[i].begin(), o.bundled_updates[i].end(), same_identity)) {
            return false;
        }
    }
    return same_identity(identity, o.identity) && update_type == o.update_type &&
           explicitly_deployable == o.explicitly_deployable &&
           auto_select_on_web_sites == o.auto_select_on_web_sites && os_upgrade == o.os_upgrade &&
           eula_id == o.eula_id && prerequisites == o.prerequisites &&
           applicability_xml == o.applicability_xml;
}

std::string write_core_fragment(const core_fragment& f) {
    std::string out;
    out.reserve(256 + f.applicability_xml.size());
    append_identity(out, f.identity.update_id, f.identity.revision_number);
    out += "<Properties";
    append_attribute(out, "UpdateType", f.update_type);
    if (f.explicitly_deployable) {
        append_attribute(out, "ExplicitlyDeployable", *f.explicitly_deployable);
    }
    if (f.auto_select_on_web_sites) {
        append_attribute(out, "AutoSelectOnWebSites", *f.auto_select_on_web_sites);
    }
    if (f.os_upgrade) {
        append_attribute(out, "OSUpgrade", *f.os_upgrade);
    }
    if (f.eula_id) {
        append_attribute(out, "EulaID", *f.eula_id);
    }
    out += " /><Relationships>";
    if (!f.prerequisites.empty()) {
        out += "<Prerequisites>";
        for (auto const& clause : f.prerequisites) {
            if (clause.update_ids.size() == 1 && !clause.is_category) {
                append_identity(out, clause.update_ids.front(), std::nullopt);
                continue;
            }
            out += clause.is_category ? "<AtLeastOne IsCategory=\"true\">" : "<AtLeastOne>";
            for (auto const& id : clause.update_ids) {
                append_identity(out, id, std::nullopt);
            }
            out += "</AtLeastOne>";
        }
        out += "</Prerequisites>";
    }
    if (!f.bundled_updates.empty()) {
        out += "<BundledUpdates>";
        for (auto const& clause : f.bundled_updates) {
            if (clause.size() == 1) {
                append_identity(out, clause.front().update_id, clause.front().revision_number);
                continue;
            }
            out += "<AtLeastOne>";
            for (auto const& id : clause) {
                append_identity(out, id.update_id, id.revision_number);
            }
            out += "</AtLeastOne>";
        }
        out += "</BundledUpdates>";
    }
    out += "</Relationships>";
    out += f.applicability_xml;
    return out;
}

std::variant<core_fragment, core_fragment_error> parse_core_fragment(std::string_view xml) {
    auto parsed = parse_core_with_rules(xml);
    if (auto* e = std::get_if<core_fragment_error>(&parsed)) {
        return *e;
    }
    return std::move(std::get<parsed_core>(parsed).fragment);
}

std::variant<parsed_core, core_fragment_error> parse_core_with_rules(std::string_view xml) {
    pugi::xml_document doc;
    auto const ok = doc.load_buffer(xml.data(), xml.size(), pugi::parse_default | pugi::parse_fragment,
                                    pugi::encoding_utf8);
    if (!ok) {
        return error{std::string("malformed Core fragment at byte ") + std::to_string(ok.offset) +
                     ": " + ok.description()};
    }
    parsed_core out;
    core_fragment& f = out.fragment;
    bool have_identity = false;
    bool have_properties = false;
    bool have_relationships = false;
    bool have_rules = false;
    for (auto node : doc.children()) {
        if (node.type() == pugi::node_pcdata || node.type() == pugi::node_cdata) {
            return error{"unexpected text '" + std::string(node.value()) + "'"};
        }
        if (node.type() != pugi::node_element) {
            continue;
        }
        std::string const name = node.name();
        std::optional<error> e;
        if (name == "UpdateIdentity" && !have_identity) {
            auto id = read_identity(node, true);
            if (auto* ie = std::get_if<error>(&id)) {
                return *ie;
            }
            f.identity = std::get<update_identity>(id);
            have_identity = true;
        } else if (name == "Properties" && !have_properties) {
            e = read_properties(node, f);
            have_properties = true;
        } else if (name == "Relationships" && !have_relationships) {
            e = read_relationships(node, f);
            have_relationships = true;
        } else if (name == "ApplicabilityRules" && !have_rules) {
            have_rules = true;
            // Read as an agent reads what a server sends: a rule it does not know is kept and
            // evaluates to an error, it never makes the fragment unreadable.
            auto rules = parse_applicability(xml, rule_parse_options{unknown_rules::keep});
            if (auto* re = std::get_if<rule_error>(&rules)) {
                return error{"ApplicabilityRules: " + re->problem};
            }
            out.rules = std::get<applicability_rules>(rules);
            f.applicability_xml = write_applicability(out.rules);
        } else if (name == "UpdateIdentity" || name == "Properties" || name == "Relationships" ||
                   name == "ApplicabilityRules") {
            e = error{"duplicate " + name + " in a Core fragment"};
        } else {
            e = error{"unexpected element '" + name + "' in a Core fragment"};
        }
        if (e) {
            return *e;
        }
    }
    if (!have_identity) {
        return error{"missing UpdateIdentity"};
    }
    if (!have_properties) {
        return error{"missing Properties"};
    }
    return out;
}

}  // namespace wsuslab::protocol
