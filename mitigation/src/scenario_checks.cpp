// Pass 2 of the scenario loader: cross references and cycles, then the derived fragments.
#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include <wsuslab/mitigation/content.hpp>
#include <wsuslab/protocol/core_fragment.hpp>
#include <wsuslab/protocol/text.hpp>

#include "scenario_reader.hpp"

namespace wsuslab::mitigation::detail {
namespace {

/// Iterative depth-first search for a cycle in a graph given as ordered adjacency lists; the
/// cycle (first node repeated at the end) or empty.
template <typename Node>
std::vector<Node> find_cycle(const std::vector<Node>& nodes,
                             const std::map<Node, std::vector<Node>>& edges) {
    enum class color { white, gray, black };
    std::map<Node, color> colors;
    for (auto const& start : nodes) {
        if (colors[start] != color::white) {
            continue;
        }
        // Each frame: node and the index of the next edge to follow.
        std::vector<std::pair<Node, std::size_t>> stack{{start, 0}};
        colors[start] = color::gray;
        while (!stack.empty()) {
            auto& [node, next] = stack.back();
            auto const it = edges.find(node);
            if (it == edges.end() || next >= it->second.size()) {
                colors[node] = color::black;
                stack.pop_back();
                continue;
            }
            Node const target = it->second[next++];
            color const c = colors[target];
            if (c == color::gray) {
                std::vector<Node> cycle;
                auto from = std::find_if(stack.begin(), stack.end(),
                                         [&target](const auto& f) { return f.first == target; });
                for (; from != stack.end(); ++from) {
                    cycle.push_back(from->first);
                }
                cycle.push_back(target);
                return cycle;
            }
            if (c == color::white) {
                colors[target] = color::gray;
                stack.emplace_back(target, 0);
            }
        }
    }
    return {};
}

/// The revision an UpdateID stands for: its highest RevisionNumber (MS-WUSP Prerequisite).
std::unordered_map<std::string, const revision*> latest_by_update(const scenario& s) {
    std::unordered_map<std::string, const revision*> latest;
    for (auto const& r : s.revisions) {
        auto& slot = latest[r.update_id];
        if (slot == nullptr || slot->revision_number < r.revision_number) {
            slot = &r;
        }
    }
    return latest;
}

std::string extended_fragment(const revision& r) {
    std::uint64_t max_size = 0;
    for (auto const& f : r.files) {
        max_size = std::max(max_size, f.size);
    }
    std::string out = "<ExtendedProperties DefaultPropertiesLanguage=\"en\"";
    if (r.type == update_type::software) {
        out += " Handler=\"http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/"
               "CommandLineInstallation\" MaxDownloadSize=\"" + std::to_string(max_size) +
               "\" MinDownloadSize=\"" + std::to_string(max_size) + "\"";
    }
    out += ">";
    if (r.kb_article) {
        out += "<KBArticleID>" + protocol::xml_escape(*r.kb_article, protocol::xml_context::text) +
               "</KBArticleID>";
    }
    out += "</ExtendedProperties>";
    if (!r.files.empty()) {
        out += "<Files>";
        for (auto const& f : r.files) {
            out += "<File Digest=\"" + sha1_hex_to_base64(f.sha1_hex) +
                   "\" DigestAlgorithm=\"SHA1\" FileName=\"" +
                   protocol::xml_escape(f.name, protocol::xml_context::attribute) + "\" Size=\"" +
                   std::to_string(f.size) + "\" />";
        }
        out += "</Files>";
        out += "<HandlerSpecificData type=\"cmd:CommandLineInstallation\"><InstallCommand "
               "Arguments=\"/quiet /norestart\" Program=\"" +
               protocol::xml_escape(r.files.front().name, protocol::xml_context::attribute) +
               "\" RebootByDefault=\"false\" DefaultResult=\"Succeeded\"><ReturnCode "
               "Reboot=\"false\" Result=\"Succeeded\" Code=\"0\" /></InstallCommand>"
               "</HandlerSpecificData>";
    }
    return out;
}

/// A problem found in pass 2: its line and its message.
using line_problem = std::pair<std::size_t, std::string>;

/// The (RevisionID, TargetGroup) rule of docs/scenario-format.md §6: at most one <Deployment>
/// per pair (the console replaces an approval, it never adds a second), and every
/// <StrayDeployment> repeats the pair of a <Deployment>. The first problem by line, or nullopt.
std::optional<line_problem> check_deployment_pairs(const scenario& s) {
    std::map<std::pair<std::int32_t, std::string>, const deployment_row*> ordinary;
    std::optional<line_problem> first;
    auto const note = [&first](std::size_t line, std::string problem) {
        if (!first || line < first->first) {
            first = std::make_pair(line, std::move(problem));
        }
    };
    auto const pair_text = [](const deployment_row& d) {
        return "(RevisionID " + std::to_string(d.revision_id) + ", TargetGroup '" + d.target_group +
               "')";
    };
    for (auto const& d : s.deployments) {
        if (d.stray) {
            continue;
        }
        auto const inserted = ordinary.emplace(std::make_pair(d.revision_id, d.target_group), &d);
        if (!inserted.second) {
            const deployment_row& other = *inserted.first->second;
            note(d.line, "deployment " + std::to_string(d.deployment_id) + " repeats the " +
                             pair_text(d) + " pair of deployment " +
                             std::to_string(other.deployment_id) + " (line " +
                             std::to_string(other.line) +
                             "): the WSUS console keeps one approval per revision and target "
                             "group, so it cannot create this; write a row left by a server "
                             "defect as <StrayDeployment> (docs/scenario-format.md §6.2)");
        }
    }
    for (auto const& d : s.deployments) {
        if (d.stray && ordinary.count(std::make_pair(d.revision_id, d.target_group)) == 0) {
            note(d.line, "<StrayDeployment> " + std::to_string(d.deployment_id) + " repeats no " +
                             "<Deployment>: no ordinary row has the pair " + pair_text(d) +
                             "; a stray row must duplicate the pair of an existing <Deployment>");
        }
    }
    return first;
}

using latest_map = std::unordered_map<std::string, const revision*>;

// Every prerequisite UpdateID and bundled RevisionID names something the scenario holds.
std::optional<line_problem> check_references(const scenario& s, const reference_lines& refs,
                                        const latest_map& latest) {
    for (auto const& p : refs.prerequisites) {
        if (latest.count(p.update_id) == 0) {
            return line_problem{p.line, "prerequisite names unknown UpdateID " + p.update_id};
        }
    }
    for (auto const& b : refs.bundles) {
        if (s.find_revision(b.revision_id) == nullptr) {
            return line_problem{b.line,
                                "bundle names unknown revision " + std::to_string(b.revision_id)};
        }
        if (s.revisions[b.revision_index].revision_id == b.revision_id) {
            return line_problem{b.line,
                                "revision " + std::to_string(b.revision_id) + " bundles itself"};
        }
    }
    return std::nullopt;
}

// Prerequisite cycles run over UpdateIDs, each update's edges the union of its revisions'.
std::optional<line_problem> check_prerequisite_cycles(const scenario& s, const latest_map& latest) {
    std::vector<std::string> update_order;
    std::unordered_set<std::string> seen_updates;
    std::map<std::string, std::vector<std::string>> prereq_edges;
    for (auto const& r : s.revisions) {
        auto& out = prereq_edges[r.update_id];
        if (seen_updates.insert(r.update_id).second) {
            update_order.push_back(r.update_id);
        }
        for (auto const& clause : r.prerequisites) {
            out.insert(out.end(), clause.update_ids.begin(), clause.update_ids.end());
        }
    }
    auto const cycle = find_cycle(update_order, prereq_edges);
    if (cycle.empty()) {
        return std::nullopt;
    }
    std::string text;
    for (auto const& id : cycle) {
        const revision* r = latest.at(id);
        text += (text.empty() ? "" : " -> ") +
                ("'" + r->title + "' (revision " + std::to_string(r->revision_id) + ")");
    }
    return line_problem{latest.at(cycle.front())->line, "prerequisite cycle: " + text};
}

std::optional<line_problem> check_bundle_cycles(const scenario& s) {
    std::vector<std::int32_t> revision_order;
    std::map<std::int32_t, std::vector<std::int32_t>> bundle_edges;
    for (auto const& r : s.revisions) {
        revision_order.push_back(r.revision_id);
        for (auto const& clause : r.bundled_revisions) {
            auto& out = bundle_edges[r.revision_id];
            out.insert(out.end(), clause.begin(), clause.end());
        }
    }
    auto const cycle = find_cycle(revision_order, bundle_edges);
    if (cycle.empty()) {
        return std::nullopt;
    }
    std::string text;
    for (auto id : cycle) {
        text += (text.empty() ? "" : " -> ") + std::to_string(id);
    }
    return line_problem{s.find_revision(cycle.front())->line, "bundle cycle: " + text};
}

bool group_known(const scenario& s, const std::string& name) {
    return std::any_of(s.target_groups.begin(), s.target_groups.end(),
                       [&name](const target_group& g) { return g.name == name; });
}

// Parents exist, All Computers has none, and the parent links form no cycle.
std::optional<line_problem> check_group_tree(const scenario& s, const reference_lines& refs) {
    std::vector<std::string> group_order;
    std::map<std::string, std::vector<std::string>> parent_edges;
    for (std::size_t i = 0; i < s.target_groups.size(); ++i) {
        auto const& g = s.target_groups[i];
        group_order.push_back(g.name);
        if (!g.parent) {
            continue;
        }
        if (g.name == all_computers_group) {
            return line_problem{refs.group_lines[i],
                                "target group 'All Computers' cannot have a parent"};
        }
        if (!group_known(s, *g.parent)) {
            return line_problem{refs.group_lines[i], "target group '" + g.name +
                                                    "' names unknown parent '" + *g.parent + "'"};
        }
        parent_edges[g.name].push_back(*g.parent);
    }
    auto const cycle = find_cycle(group_order, parent_edges);
    if (cycle.empty()) {
        return std::nullopt;
    }
    std::string text;
    for (auto const& name : cycle) {
        text += (text.empty() ? "'" : " -> '") + name + "'";
    }
    auto const at = std::find(group_order.begin(), group_order.end(), cycle.front());
    return line_problem{refs.group_lines[static_cast<std::size_t>(at - group_order.begin())],
                   "target group cycle: " + text};
}

// Deployments name known revisions and groups and keep the one-row-per-pair rule; computers and
// profiles name known groups.
std::optional<line_problem> check_group_references(const scenario& s, const reference_lines& refs) {
    for (auto const& d : s.deployments) {
        if (s.find_revision(d.revision_id) == nullptr) {
            return line_problem{d.line,
                           "deployment names unknown revision " + std::to_string(d.revision_id)};
        }
        if (!group_known(s, d.target_group)) {
            return line_problem{d.line,
                                "deployment names unknown target group '" + d.target_group + "'"};
        }
    }
    if (auto p = check_deployment_pairs(s)) {
        return p;
    }
    for (auto const& u : refs.group_uses) {
        if (!group_known(s, u.group)) {
            return line_problem{u.line, u.owner + " names unknown target group '" + u.group + "'"};
        }
    }
    return std::nullopt;
}

}  // namespace

std::optional<scenario_error> check_and_complete(scenario& s, const reference_lines& refs,
                                                 const std::string& file) {
    auto const latest = latest_by_update(s);
    std::optional<line_problem> p = check_references(s, refs, latest);
    p = p ? p : check_prerequisite_cycles(s, latest);
    p = p ? p : check_bundle_cycles(s);
    p = p ? p : check_group_tree(s, refs);
    p = p ? p : check_group_references(s, refs);
    if (p) {
        return scenario_error{file, p->first, std::move(p->second)};
    }
    generate_fragments(s);
    return std::nullopt;
}

void generate_fragments(scenario& s) {
    std::unordered_map<std::int32_t, std::size_t> index;
    std::unordered_set<std::int32_t> bundled;
    for (std::size_t i = 0; i < s.revisions.size(); ++i) {
        index.emplace(s.revisions[i].revision_id, i);
        for (auto const& clause : s.revisions[i].bundled_revisions) {
            bundled.insert(clause.begin(), clause.end());
        }
    }
    for (auto& r : s.revisions) {
        for (auto& f : r.files) {
            f.sha1_hex = content_sha1_hex(f);
        }
        protocol::core_fragment core;
        core.identity = protocol::update_identity{r.update_id, r.revision_number};
        core.update_type = std::string(update_type_name(r.type));
        if (r.type == update_type::software || r.type == update_type::driver) {
            // A bundle member is installed through its parent only.
            core.explicitly_deployable = bundled.count(r.revision_id) != 0 ? "false" : "true";
            core.auto_select_on_web_sites = "true";
        }
        for (auto const& clause : r.prerequisites) {
            core.prerequisites.push_back({clause.update_ids, clause.is_category});
        }
        for (auto const& clause : r.bundled_revisions) {
            std::vector<protocol::update_identity> ids;
            for (auto id : clause) {
                if (auto it = index.find(id); it != index.end()) {
                    auto const& child = s.revisions[it->second];
                    ids.push_back({child.update_id, child.revision_number});
                }
            }
            core.bundled_updates.push_back(std::move(ids));
        }
        core.applicability_xml = r.applicability_xml;
        r.core_xml = protocol::write_core_fragment(core);
        r.extended_xml = extended_fragment(r);
        r.localized_xml = "<LocalizedProperties><Language>en</Language><Title>" +
                          protocol::xml_escape(r.title, protocol::xml_context::text) +
                          "</Title></LocalizedProperties>";
    }
}

}  // namespace wsuslab::mitigation::detail
