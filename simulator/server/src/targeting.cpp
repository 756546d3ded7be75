#include "targeting.hpp"

#include <algorithm>

#include <wsuslab/protocol/text.hpp>

namespace wsuslab::server::detail {
namespace {

using protocol::iequals;
using protocol::trim;

const mitigation::target_group* find_group(const mitigation::scenario& s, std::string_view name) {
    for (auto const& g : s.target_groups) {
        if (iequals(g.name, name)) {
            return &g;
        }
    }
    return nullptr;
}

// Depth below "All Computers"; a parent cycle (which the loader should reject) stops the walk.
int depth_of(const mitigation::scenario& s, const std::string& name) {
    if (iequals(name, mitigation::all_computers_group)) {
        return 0;
    }
    int depth = 1;
    const mitigation::target_group* g = find_group(s, name);
    while (g != nullptr && g->parent && !iequals(*g->parent, mitigation::all_computers_group) &&
           depth <= static_cast<int>(s.target_groups.size())) {
        ++depth;
        g = find_group(s, *g->parent);
    }
    return depth;
}

// A computer name matches by client ID, by full DNS name, or by its first label when either
// side is an unqualified name ("srv-file-01" and "srv-file-01.wsuslab.example").
bool computer_matches(std::string_view pattern, std::string_view client_id, std::string_view dns) {
    if (!client_id.empty() && iequals(pattern, client_id)) {
        return true;
    }
    if (dns.empty()) {
        return false;
    }
    if (iequals(pattern, dns)) {
        return true;
    }
    const auto first_label = [](std::string_view s) { return s.substr(0, s.find('.')); };
    const bool unqualified = pattern.find('.') == std::string_view::npos || dns.find('.') == std::string_view::npos;
    return unqualified && iequals(first_label(pattern), first_label(dns));
}

void add_unique(std::vector<std::string>& out, const std::string& name) {
    if (std::none_of(out.begin(), out.end(), [&](const std::string& g) { return iequals(g, name); })) {
        out.push_back(name);
    }
}

}  // namespace

group_assignment assign_groups(const mitigation::scenario& s, std::string_view client_id,
                               std::string_view dns_name, std::string_view requested) {
    group_assignment result;
    std::vector<std::string> wanted;
    for (auto const& a : s.assignments) {
        if (computer_matches(a.computer, client_id, dns_name)) {
            wanted.push_back(a.target_group);
        }
    }
    std::string_view rest = requested;
    while (!rest.empty()) {
        const auto semi = rest.find(';');
        const std::string_view name = trim(rest.substr(0, semi));
        rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
        if (name.empty()) {
            continue;
        }
        if (!s.server.client_side_targeting) {
            result.notes.push_back("client-side targeting is off; requested group '" +
                                   std::string(name) + "' ignored");
            continue;
        }
        if (const auto* g = find_group(s, name); g != nullptr) {
            wanted.push_back(g->name);
        } else if (iequals(name, mitigation::all_computers_group)) {
            // Every computer is in it anyway.
        } else {
            result.notes.push_back("requested group '" + std::string(name) + "' is unknown; ignored");
        }
    }
    result.groups.emplace_back(mitigation::all_computers_group);
    // Declaration order keeps the group list (and so the cookie) independent of request order.
    for (auto const& g : s.target_groups) {
        if (std::any_of(wanted.begin(), wanted.end(), [&](const std::string& w) { return iequals(w, g.name); })) {
            add_unique(result.groups, g.name);
        }
    }
    // Assignments may name groups the scenario does not declare; keep them (rows may use them).
    for (auto const& w : wanted) {
        add_unique(result.groups, w);
    }
    return result;
}

std::optional<mitigation::model_kind> model_from_name(std::string_view name) {
    if (iequals(name, "legacy")) {
        return mitigation::model_kind::legacy;
    }
    if (iequals(name, "fixed")) {
        return mitigation::model_kind::fixed;
    }
    return std::nullopt;
}

std::optional<mitigation::model_kind> group_model(const mitigation::scenario& s,
                                                  const std::vector<std::string>& groups,
                                                  std::string* chosen) {
    std::optional<mitigation::model_kind> best;
    int best_depth = -1;
    for (auto const& g : s.target_groups) {
        if (!g.model) {
            continue;
        }
        auto kind = model_from_name(*g.model);
        if (!kind || std::none_of(groups.begin(), groups.end(), [&](const std::string& n) { return iequals(n, g.name); })) {
            continue;
        }
        const int depth = depth_of(s, g.name);
        if (depth > best_depth) {
            best_depth = depth;
            best = kind;
            if (chosen != nullptr) {
                *chosen = g.name;
            }
        }
    }
    return best;
}

}  // namespace wsuslab::server::detail
