// Pass 1 element readers: <Server>, <Update>, <TargetGroup>, <Deployment>/<StrayDeployment>,
// <Computer> and <ClientProfile> (docs/scenario-format.md).
#include <algorithm>
#include <cctype>
#include <cstring>
#include <limits>
#include <set>

#include <wsuslab/protocol/applicability.hpp>

#include "scenario_reader.hpp"

namespace wsuslab::mitigation::detail {
namespace {

constexpr std::int64_t int32_max = std::numeric_limits<std::int32_t>::max();

bool is_file_name(const std::string& name) {
    return !name.empty() && name.size() <= 200 && name != "." && name != ".." &&
           std::all_of(name.begin(), name.end(), [](char c) {
               return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '-' ||
                      c == '_';
           });
}

std::string raw_xml(pugi::xml_node n) {
    struct string_writer : pugi::xml_writer {
        std::string out;
        void write(const void* data, size_t size) override {
            out.append(static_cast<const char*>(data), size);
        }
    } w;
    n.print(w, "", pugi::format_raw, pugi::encoding_utf8);
    return w.out;
}

}  // namespace

bool scenario_parser::read_server(pugi::xml_node n) {
    server_info& sv = s_.server;
    bool const ok =
        check_attributes(n, {"Name", "ProductVersion", "ProtocolVersion", "ConfigLastChange",
                             "RegistrationRequired", "ClientSideTargeting", "PageSize",
                             "DefaultModel"}) &&
        check_children(n, {}) && require(n, "Name", sv.name) &&
        require(n, "ProductVersion", sv.product_version) &&
        require(n, "ProtocolVersion", sv.protocol_version) &&
        require(n, "ConfigLastChange", sv.config_last_change) &&
        boolean(n, "RegistrationRequired", sv.registration_required) &&
        boolean(n, "ClientSideTargeting", sv.client_side_targeting) &&
        number(n, "PageSize", sv.page_size, false, 1, 100000);
    if (!ok) {
        return false;
    }
    if (auto m = n.attribute("DefaultModel")) {
        sv.default_model = m.value();
    }
    if (sv.default_model != "legacy" && sv.default_model != "fixed") {
        return fail(n, "<Server> attribute DefaultModel: unknown value '" + sv.default_model +
                           "' (expected legacy or fixed)");
    }
    if (!is_date(sv.config_last_change)) {
        return fail(n, "<Server> attribute ConfigLastChange: expected a date or dateTime, got '" +
                           sv.config_last_change + "'");
    }
    return true;
}

bool scenario_parser::read_update(pugi::xml_node n) {
    revision r;
    r.line = line(n);
    std::string type;
    bool ok = check_attributes(n, {"RevisionID", "UpdateID", "RevisionNumber", "Type", "Title",
                                   "Product", "Classification", "KB", "Declined", "Expired"}) &&
              number(n, "RevisionID", r.revision_id, true, 1, int32_max) &&
              require(n, "UpdateID", r.update_id) &&
              number(n, "RevisionNumber", r.revision_number, true, 0, int32_max) &&
              require(n, "Type", type) && require(n, "Title", r.title) &&
              boolean(n, "Declined", r.declined) && boolean(n, "Expired", r.expired);
    if (!ok) {
        return false;
    }
    r.product = n.attribute("Product").value();
    r.classification = n.attribute("Classification").value();
    if (auto kb = n.attribute("KB")) {
        r.kb_article = std::string(kb.value());
    }
    if (!protocol::is_guid(r.update_id)) {
        return fail(n, "<Update> attribute UpdateID: expected a GUID, got '" + r.update_id + "'");
    }
    r.update_id = protocol::lower_copy(r.update_id);
    if (type == "Software") {
        r.type = update_type::software;
    } else if (type == "Detectoid") {
        r.type = update_type::detectoid;
    } else if (type == "Category") {
        r.type = update_type::category;
    } else if (type == "Driver") {
        r.type = update_type::driver;
    } else {
        return fail(n, "<Update> attribute Type: unknown value '" + type +
                           "' (expected Software, Detectoid, Category or Driver)");
    }
    if (auto it = revision_lines_.find(r.revision_id); it != revision_lines_.end()) {
        return fail(n, "duplicate RevisionID " + std::to_string(r.revision_id) + " (also on line " +
                           std::to_string(it->second) + ")");
    }
    auto const identity = std::make_pair(r.update_id, r.revision_number);
    if (auto it = identities_.find(identity); it != identities_.end()) {
        return fail(n, "duplicate revision: UpdateID " + r.update_id + " RevisionNumber " +
                           std::to_string(r.revision_number) + " is already RevisionID " +
                           std::to_string(it->second.first) + " (line " +
                           std::to_string(it->second.second) + ")");
    }
    revision_lines_.emplace(r.revision_id, r.line);
    identities_.emplace(identity, std::make_pair(r.revision_id, r.line));
    if (!read_update_children(n, r, s_.revisions.size())) {
        return false;
    }
    s_.revisions.push_back(std::move(r));
    return true;
}

bool scenario_parser::read_update_children(pugi::xml_node n, revision& r, std::size_t index) {
    if (!check_children(n, {"Prerequisites", "BundledUpdates", "ApplicabilityRules", "Files"})) {
        return false;
    }
    std::set<std::string> seen;
    for (auto c = n.first_child(); c; c = c.next_sibling()) {
        if (c.type() != pugi::node_element) {
            continue;
        }
        std::string const name = c.name();
        if (!seen.insert(name).second) {
            return fail(c, "duplicate <" + name + "> in <Update>");
        }
        bool ok = true;
        if (name == "Prerequisites" || name == "BundledUpdates") {
            ok = read_relationships(c, r, index);
        } else if (name == "ApplicabilityRules") {
            auto rules = protocol::parse_applicability(raw_xml(c));
            if (auto* e = std::get_if<protocol::rule_error>(&rules)) {
                return fail(c, "bad applicability rule: " + e->problem);
            }
            r.applicability_xml =
                protocol::write_applicability(std::get<protocol::applicability_rules>(rules));
        } else {  // Files
            ok = read_update_files(c, r);
        }
        if (!ok) {
            return false;
        }
    }
    return true;
}

// <Prerequisites> (UpdateIdentity) or <BundledUpdates> (Revision): each child is one clause, an
// <AtLeastOne> a clause of several members.
bool scenario_parser::read_relationships(pugi::xml_node c, revision& r, std::size_t index) {
    bool const prereq = std::strcmp(c.name(), "Prerequisites") == 0;
    const char* leaf = prereq ? "UpdateIdentity" : "Revision";
    if (!check_attributes(c, {}) || !check_children(c, {leaf, "AtLeastOne"})) {
        return false;
    }
    for (auto g = c.first_child(); g; g = g.next_sibling()) {
        if (g.type() != pugi::node_element) {
            continue;
        }
        bool const group = std::strcmp(g.name(), "AtLeastOne") == 0;
        prerequisite_clause clause;
        std::vector<std::int32_t> bundle_clause;
        if (group && !(check_attributes(g, prereq ? names{"IsCategory"} : names{}) &&
                       check_children(g, {leaf}) &&
                       boolean(g, "IsCategory", clause.is_category))) {
            return false;
        }
        std::vector<pugi::xml_node> members;
        if (!group) {
            members.push_back(g);
        }
        for (auto m = group ? g.first_child() : pugi::xml_node(); m; m = m.next_sibling()) {
            if (m.type() == pugi::node_element) {
                members.push_back(m);
            }
        }
        if (members.empty()) {
            return fail(g, "empty <AtLeastOne> in <" + std::string(c.name()) + ">");
        }
        for (auto m : members) {
            bool const ok = prereq ? read_prerequisite(m, index, clause)
                                   : read_bundled(m, index, bundle_clause);
            if (!ok) {
                return false;
            }
        }
        if (prereq) {
            r.prerequisites.push_back(std::move(clause));
        } else {
            r.bundled_revisions.push_back(std::move(bundle_clause));
        }
    }
    return true;
}

bool scenario_parser::read_prerequisite(pugi::xml_node m, std::size_t index,
                                        prerequisite_clause& clause) {
    std::string id;
    if (!check_attributes(m, {"UpdateID"}) || !check_children(m, {}) ||
        !require(m, "UpdateID", id)) {
        return false;
    }
    if (!protocol::is_guid(id)) {
        return fail(m, "<UpdateIdentity> attribute UpdateID: expected a GUID, got '" + id + "'");
    }
    clause.update_ids.push_back(protocol::lower_copy(id));
    refs_.prerequisites.push_back({index, protocol::lower_copy(id), line(m)});
    return true;
}

bool scenario_parser::read_bundled(pugi::xml_node m, std::size_t index,
                                   std::vector<std::int32_t>& clause) {
    std::int32_t id = 0;
    if (!check_attributes(m, {"RevisionID"}) || !check_children(m, {}) ||
        !number(m, "RevisionID", id, true, 1, int32_max)) {
        return false;
    }
    clause.push_back(id);
    refs_.bundles.push_back({index, id, line(m)});
    return true;
}

bool scenario_parser::read_update_files(pugi::xml_node c, revision& r) {
    if (!check_attributes(c, {}) || !check_children(c, {"File"})) {
        return false;
    }
    for (auto f = c.first_child(); f; f = f.next_sibling()) {
        if (f.type() != pugi::node_element) {
            continue;
        }
        content_file file;
        if (!check_attributes(f, {"Name", "Size"}) || !check_children(f, {}) ||
            !require(f, "Name", file.name) ||
            !number(f, "Size", file.size, true, 0, std::int64_t{1} << 40)) {
            return false;
        }
        if (!is_file_name(file.name)) {
            return fail(f, "<File> attribute Name: '" + file.name +
                               "' is not a plain file name (letters, digits, . - _)");
        }
        if (std::any_of(r.files.begin(), r.files.end(),
                        [&file](const content_file& x) { return x.name == file.name; })) {
            return fail(f, "duplicate file '" + file.name + "' in <Update>");
        }
        r.files.push_back(std::move(file));
    }
    return true;
}

bool scenario_parser::read_group(pugi::xml_node n) {
    target_group g;
    if (!check_attributes(n, {"Name", "Parent", "Model"}) || !check_children(n, {}) ||
        !require(n, "Name", g.name)) {
        return false;
    }
    if (g.name.empty()) {
        return fail(n, "<TargetGroup> attribute Name is empty");
    }
    if (auto p = n.attribute("Parent")) {
        g.parent = std::string(p.value());
    }
    if (auto m = n.attribute("Model")) {
        g.model = std::string(m.value());
        if (*g.model != "legacy" && *g.model != "fixed") {
            return fail(n, "<TargetGroup> attribute Model: unknown value '" + *g.model +
                               "' (expected legacy or fixed)");
        }
    }
    for (std::size_t i = 0; i < s_.target_groups.size(); ++i) {
        if (s_.target_groups[i].name == g.name) {
            return fail(n, "duplicate target group '" + g.name + "' (also on line " +
                               std::to_string(refs_.group_lines[i]) + ")");
        }
    }
    s_.target_groups.push_back(std::move(g));
    refs_.group_lines.push_back(line(n));
    return true;
}

// <Deployment> and <StrayDeployment> share every attribute; a stray row may also say where it
// came from (docs/scenario-format.md §6.2). Pass 2 checks the (RevisionID, TargetGroup) pairs.
bool scenario_parser::read_deployment(pugi::xml_node n) {
    deployment_row d;
    d.line = line(n);
    std::string const element = "<" + std::string(n.name()) + ">";
    bool const stray = element == "<StrayDeployment>";
    std::string action;
    bool const ok =
        (stray ? check_attributes(n, {"ID", "RevisionID", "TargetGroup", "Action", "Deadline",
                                      "IsAssigned", "LastChangeTime", "DownloadPriority",
                                      "Origin"})
               : check_attributes(n, {"ID", "RevisionID", "TargetGroup", "Action", "Deadline",
                                      "IsAssigned", "LastChangeTime", "DownloadPriority"})) &&
        check_children(n, {}) && number(n, "ID", d.deployment_id, true, 0, int32_max) &&
        number(n, "RevisionID", d.revision_id, true, 1, int32_max) &&
        require(n, "TargetGroup", d.target_group) && require(n, "Action", action) &&
        boolean(n, "IsAssigned", d.is_assigned) &&
        require(n, "LastChangeTime", d.last_change_time);
    if (!ok) {
        return false;
    }
    auto a = protocol::deployment_action_from_name(action);
    if (!a) {
        return fail(n, element + " attribute Action: unknown value '" + action + "'");
    }
    d.action = *a;
    if (d.last_change_time.size() != 10 || !is_date(d.last_change_time)) {
        return fail(n, element + " attribute LastChangeTime: expected YYYY-MM-DD, got '" +
                           d.last_change_time + "'");
    }
    if (auto dl = n.attribute("Deadline")) {
        d.deadline = std::string(dl.value());
        if (!is_date(*d.deadline)) {
            return fail(n, element + " attribute Deadline: expected a date or dateTime, got '" +
                               *d.deadline + "'");
        }
    }
    if (auto p = n.attribute("DownloadPriority")) {
        d.download_priority = std::string(p.value());
    }
    if (stray) {
        d.stray = stray_origin::unknown;
        if (auto o = n.attribute("Origin")) {
            d.stray = stray_origin_from_name(o.value());
            if (!d.stray) {
                return fail(n, element + " attribute Origin: unknown value '" +
                                   std::string(o.value()) +
                                   "' (expected RevisionMigration, AutoDecline or Unknown)");
            }
        }
    }
    s_.deployments.push_back(std::move(d));
    return true;
}

bool scenario_parser::read_computer(pugi::xml_node n) {
    computer_assignment c;
    if (!check_attributes(n, {"Name", "TargetGroup"}) || !check_children(n, {}) ||
        !require(n, "Name", c.computer) || !require(n, "TargetGroup", c.target_group)) {
        return false;
    }
    refs_.group_uses.push_back({"computer '" + c.computer + "'", c.target_group, line(n)});
    s_.assignments.push_back(std::move(c));
    return true;
}

}  // namespace wsuslab::mitigation::detail
