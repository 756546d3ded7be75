// The SyncInfo rules (docs/validation-guide.md "SyncUpdates rules"): one function per rule, each
// scanning NewUpdates (or ChangedUpdates) in wire order so that messages come out deterministic.

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <wsuslab/mitigation/rule_checker.hpp>

#include "rule_checker_detail.hpp"

namespace wsuslab::mitigation::detail {

namespace {

using update_list = std::vector<protocol::update_info>;

const update_list& empty_list() {
    static const update_list empty;
    return empty;
}

const update_list& new_updates(const protocol::sync_info& s) {
    return s.new_updates ? *s.new_updates : empty_list();
}

// Revision IDs in first-appearance order, each once.
std::vector<std::int32_t> distinct_in_order(const std::vector<std::int32_t>& ids) {
    std::vector<std::int32_t> out;
    std::set<std::int32_t> seen;
    for (auto id : ids) {
        if (seen.insert(id).second) {
            out.push_back(id);
        }
    }
    return out;
}

void check_unique_revision_ids(const update_list& updates, violation_sink& out) {
    std::map<std::int32_t, std::size_t> count;
    std::vector<std::int32_t> order;
    for (auto const& u : updates) {
        if (count[u.id]++ == 0) {
            order.push_back(u.id);
        }
    }
    for (auto id : order) {
        if (count[id] > 1) {
            out.add("unique-revision-id", revision_text(id) + " appears " +
                                              std::to_string(count[id]) + " times in NewUpdates");
        }
    }
}

void check_one_revision_per_update(const update_list& updates, violation_sink& out) {
    struct seen_revision {
        std::int32_t id;
        std::int32_t revision_number;
    };
    std::map<std::string, std::vector<seen_revision>> by_update;
    std::vector<std::string> order;
    for (auto const& u : updates) {
        auto const identity = u.xml ? core_update_identity(*u.xml) : std::nullopt;
        if (!identity) {
            continue;  // reported by update-xml-present / update-xml-identity
        }
        auto& revisions = by_update[identity->update_id];
        if (revisions.empty()) {
            order.push_back(identity->update_id);
        }
        bool const known = std::any_of(revisions.begin(), revisions.end(),
                                       [&](const seen_revision& r) { return r.id == u.id; });
        if (!known) {
            revisions.push_back({u.id, identity->revision_number});
        }
    }
    for (auto const& update_id : order) {
        auto const& revisions = by_update[update_id];
        if (revisions.size() < 2) {
            continue;
        }
        std::ostringstream m;
        m << "NewUpdates holds " << revisions.size() << " revisions of UpdateID " << update_id
          << ": ";
        for (std::size_t i = 0; i < revisions.size(); ++i) {
            m << (i == 0 ? "" : ", ") << revisions[i].id << " (RevisionNumber "
              << revisions[i].revision_number << ")";
        }
        out.add("one-revision-per-update", m.str());
    }
}

void check_new_not_out_of_scope(const protocol::sync_info& s, violation_sink& out) {
    if (!s.out_of_scope_revision_ids) {
        return;
    }
    std::set<std::int32_t> const out_of_scope(s.out_of_scope_revision_ids->begin(),
                                              s.out_of_scope_revision_ids->end());
    std::vector<std::int32_t> ids;
    for (auto const& u : new_updates(s)) {
        ids.push_back(u.id);
    }
    for (auto id : distinct_in_order(ids)) {
        if (out_of_scope.count(id) != 0) {
            out.add("new-not-out-of-scope",
                    revision_text(id) + " is in both NewUpdates and OutOfScopeRevisionIDs");
        }
    }
}

// Which request list declared `id` cached, or "" when none did. Software pass: the union of
// InstalledNonLeafUpdateIDs and OtherCachedUpdateIDs; driver pass: CachedDriverIDs
// (docs/protocol-notes.md §7.1 step 3).
std::string cached_list_of(const protocol::sync_update_parameters& p, std::int32_t id) {
    auto in = [id](const std::optional<protocol::id_list>& l) {
        return l && std::find(l->begin(), l->end(), id) != l->end();
    };
    if (p.skip_software_sync) {
        return in(p.cached_driver_ids) ? "CachedDriverIDs" : "";
    }
    if (in(p.installed_non_leaf_update_ids)) {
        return "InstalledNonLeafUpdateIDs";
    }
    return in(p.other_cached_update_ids) ? "OtherCachedUpdateIDs" : "";
}

void check_new_not_cached(const checked_exchange& e, const protocol::sync_info& s,
                          violation_sink& out, const delivery_history* history) {
    if (!e.parameters) {
        return;
    }
    std::vector<std::int32_t> ids;
    for (auto const& u : new_updates(s)) {
        ids.push_back(u.id);
    }
    for (auto id : distinct_in_order(ids)) {
        auto const list = cached_list_of(*e.parameters, id);
        if (list.empty()) {
            continue;
        }
        std::string earlier;
        if (history != nullptr) {
            if (auto const it = history->find(id); it != history->end() && it->second < e.round) {
                earlier = " (already delivered in round " + std::to_string(it->second) + ")";
            }
        }
        out.add("new-not-cached", "NewUpdates holds " + revision_text(id) +
                                      ", which the request declared cached in " + list + earlier);
    }
}

void check_changed_cached(const checked_exchange& e, const protocol::sync_info& s,
                          violation_sink& out) {
    if (!e.parameters || !s.changed_updates) {
        return;
    }
    std::vector<std::int32_t> ids;
    for (auto const& u : *s.changed_updates) {
        ids.push_back(u.id);
    }
    for (auto id : distinct_in_order(ids)) {
        if (cached_list_of(*e.parameters, id).empty()) {
            out.add("changed-must-be-cached", "ChangedUpdates holds " + revision_text(id) +
                                                  ", which the request did not declare cached");
        }
    }
}

void check_xml(const update_list& updates, violation_sink& out) {
    for (auto const& u : updates) {
        if (!u.xml || u.xml->empty()) {
            out.add("update-xml-present",
                    revision_text(u.id) + " in NewUpdates has no Xml (Core fragment)");
        } else if (!core_update_identity(*u.xml)) {
            out.add("update-xml-identity",
                    revision_text(u.id) +
                        ": the Core Xml holds no top-level UpdateIdentity with a GUID UpdateID "
                        "and an integer RevisionNumber");
        }
    }
}

bool protocol_below_1_8(const std::optional<std::string>& version) {
    if (!version) {
        return false;
    }
    auto const dot = version->find('.');
    try {
        int const major = std::stoi(version->substr(0, dot));
        int const minor = dot == std::string::npos ? 0 : std::stoi(version->substr(dot + 1));
        return major < 1 || (major == 1 && minor < 8);
    } catch (const std::exception&) {
        return false;  // an unreadable version is not the server's fault
    }
}

void check_deployment(const protocol::update_info& u, std::string_view list,
                      const rule_options& o, violation_sink& out) {
    std::string const where = revision_text(u.id) + " in " + std::string(list);
    if (!u.deploy) {
        out.add("deployment-present", where + " has no Deployment");
        return;
    }
    auto const& d = *u.deploy;
    auto const action = static_cast<int>(d.action);
    if (action < static_cast<int>(protocol::deployment_action::optional_install) ||
        action > static_cast<int>(protocol::deployment_action::bundle)) {
        out.add("deployment-action-valid",
                where + " has an unknown Deployment Action (value " + std::to_string(action) + ")");
    } else if (d.action == protocol::deployment_action::block) {
        out.add("deployment-action-valid",
                where + " has Deployment Action Block, which MUST NOT be deployed (send "
                        "PreDeploymentCheck or omit the revision)");
    }
    if (d.last_change_time.empty()) {
        out.add("deployment-last-change-time", where + " has no Deployment LastChangeTime");
    } else if (!is_valid_last_change_time(d.last_change_time)) {
        out.add("deployment-last-change-time", where + " has Deployment LastChangeTime '" +
                                                   d.last_change_time + "', not an s:date");
    }
    std::pair<const char*, const std::optional<std::string>*> const fields[] = {
        {"AutoSelect", &d.auto_select},
        {"AutoDownload", &d.auto_download},
        {"SupersedenceBehavior", &d.supersedence_behavior},
        {"FlagBitmask", &d.flag_bitmask},
    };
    bool const old_client = protocol_below_1_8(o.client_protocol_version);
    for (auto const& [name, value] : fields) {
        if (!*value) {
            continue;
        }
        if (old_client) {
            out.add("deployment-client-1-8-fields",
                    where + " has Deployment " + name +
                        ", which MUST NOT be sent to a client with protocol " +
                        *o.client_protocol_version);
        } else if (**value != "0") {
            out.add("deployment-client-1-8-fields",
                    where + " has Deployment " + name + " '" + **value + "'; when sent it MUST be \"0\"");
        }
    }
}

}  // namespace

void check_sync_info(const checked_exchange& e, const protocol::sync_info& info,
                     const rule_options& o, violation_sink& out, const delivery_history* history) {
    if (!info.new_cookie) {
        out.add("new-cookie-present", "SyncInfo has no NewCookie");
    }
    if (info.truncated && new_updates(info).empty()) {
        out.add("truncated-not-empty",
                "Truncated is true but NewUpdates is empty; a client that calls again gets the "
                "same answer forever");
    }
    check_unique_revision_ids(new_updates(info), out);
    check_one_revision_per_update(new_updates(info), out);
    check_new_not_out_of_scope(info, out);
    check_new_not_cached(e, info, out, history);
    check_changed_cached(e, info, out);
    check_xml(new_updates(info), out);
    for (auto const& u : new_updates(info)) {
        check_deployment(u, "NewUpdates", o, out);
    }
    if (info.changed_updates) {
        for (auto const& u : *info.changed_updates) {
            check_deployment(u, "ChangedUpdates", o, out);
        }
    }
}

}  // namespace wsuslab::mitigation::detail
