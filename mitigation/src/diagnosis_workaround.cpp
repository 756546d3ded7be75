// The WSUS administrator operations of the workaround (approve, decline) and the human report.
#include <algorithm>
#include <set>
#include <sstream>

#include <wsuslab/mitigation/diagnosis.hpp>

namespace wsuslab::mitigation {
namespace {

const revision* latest_revision(const scenario& s, const std::string& update_id) {
    const revision* best = nullptr;
    for (auto const& r : s.revisions) {
        if (r.update_id == update_id && (best == nullptr || best->revision_number < r.revision_number)) {
            best = &r;
        }
    }
    return best;
}

std::string join(const std::vector<std::string>& items, const char* sep) {
    std::string out;
    for (auto const& i : items) {
        out += (out.empty() ? "" : sep) + i;
    }
    return out;
}

std::string join_ids(const std::vector<std::int32_t>& ids) {
    std::string out;
    for (auto id : ids) {
        out += (out.empty() ? "" : ", ") + std::to_string(id);
    }
    return out;
}

std::string set_text(const std::vector<std::string>& groups) { return "{" + join(groups, ", ") + "}"; }

std::string row_text(const deployment_row& row) {
    std::string out = std::to_string(row.deployment_id) + "  group '" + row.target_group + "'  " +
                      std::string(protocol::deployment_action_name(row.action)) +
                      "  LastChangeTime " + row.last_change_time;
    if (row.stray) {
        out += "  stray (Origin " + std::string(stray_origin_name(*row.stray)) + ")";
    }
    if (row.line != 0) {
        out += "  (line " + std::to_string(row.line) + ")";
    }
    return out;
}

}  // namespace

workaround_step approve_update(scenario& s, const std::string& update_id, const std::string& group,
                               protocol::deployment_action action, const std::string& date) {
    workaround_step step;
    step.operation = "approve";
    step.update_id = update_id;
    step.target_group = group;
    const revision* r = latest_revision(s, update_id);
    if (r == nullptr) {
        return step;
    }
    step.title = r->title;
    step.revision_id = r->revision_id;
    std::int32_t next_id = 1;
    for (auto const& d : s.deployments) {
        next_id = std::max(next_id, d.deployment_id + 1);
    }
    // Deployment is keyed by (RevisionID, TargetGroupName): approving replaces that pair's rows.
    auto const revision_id = r->revision_id;
    for (auto const& d : s.deployments) {
        if (d.revision_id == revision_id && d.target_group == group) {
            step.rows_removed.push_back(d.deployment_id);
        }
    }
    s.deployments.erase(std::remove_if(s.deployments.begin(), s.deployments.end(),
                                       [&](const deployment_row& d) {
                                           return d.revision_id == revision_id &&
                                                  d.target_group == group;
                                       }),
                        s.deployments.end());
    deployment_row row;
    row.deployment_id = next_id;
    row.revision_id = revision_id;
    row.target_group = group;
    row.action = action;
    row.is_assigned = action != protocol::deployment_action::optional_install;
    row.last_change_time = date;
    s.deployments.push_back(row);
    step.rows_added.push_back(next_id);
    for (auto& rev : s.revisions) {
        if (rev.update_id == update_id) {
            rev.declined = false;
        }
    }
    return step;
}

workaround_step decline_update(scenario& s, const std::string& update_id) {
    workaround_step step;
    step.operation = "decline";
    step.update_id = update_id;
    if (const revision* r = latest_revision(s, update_id)) {
        step.title = r->title;
        step.revision_id = r->revision_id;
    }
    // Declining a bundle declines what it bundles, transitively (IUpdate.Decline, ms747138).
    std::vector<std::string> work{update_id};
    std::set<std::string> declined;
    while (!work.empty()) {
        std::string const id = work.back();
        work.pop_back();
        if (!declined.insert(id).second) {
            continue;
        }
        if (id != update_id) {
            const revision* r = latest_revision(s, id);
            step.also_declined.push_back(r != nullptr ? r->title : id);
        }
        std::set<std::int32_t> revisions;
        for (auto& r : s.revisions) {
            if (r.update_id != id) {
                continue;
            }
            r.declined = true;
            revisions.insert(r.revision_id);
            for (auto const& clause : r.bundled_revisions) {
                for (auto child : clause) {
                    if (const revision* c = s.find_revision(child)) {
                        work.push_back(c->update_id);
                    }
                }
            }
        }
        for (auto const& d : s.deployments) {
            if (revisions.count(d.revision_id) != 0) {
                step.rows_removed.push_back(d.deployment_id);
            }
        }
        s.deployments.erase(std::remove_if(s.deployments.begin(), s.deployments.end(),
                                           [&revisions](const deployment_row& d) {
                                               return revisions.count(d.revision_id) != 0;
                                           }),
                            s.deployments.end());
    }
    return step;
}

std::string workaround_step::to_string() const {
    std::string out;
    if (operation == "approve") {
        out = "approve \"" + title + "\" (revision " + std::to_string(revision_id) + ") for " +
              target_group + ": adds deployment row " + join_ids(rows_added);
        if (!rows_removed.empty()) {
            out += ", replacing row " + join_ids(rows_removed);
        }
        return out;
    }
    out = "decline \"" + title + "\": removes every deployment row of all its revisions";
    out += rows_removed.empty() ? " (none left)" : " (rows " + join_ids(rows_removed) + ")";
    if (!also_declined.empty()) {
        out += "; also declines the bundled update(s) \"" + join(also_declined, "\", \"") + "\"";
    }
    return out;
}

namespace {

// The stray pairs, then the ordinary multi-group approvals the precedence resolves.
void report_anomalies(std::ostringstream& out, const scenario& s, const diagnosis& d) {
    if (d.duplicates.empty()) {
        out << "Stray deployment rows: none (every (revision, target group) pair has one row)\n";
    } else {
        out << "Stray deployment rows (a (revision, target group) pair with more than one row, "
               "which the WSUS console cannot create; when the pair wins the precedence for a "
               "client, GetSyncInfo's deploymentTable.Add fails on the second row):\n";
    }
    for (auto const& dup : d.duplicates) {
        out << "  revision " << dup.revision_id << " \"" << dup.title << "\" (UpdateID "
            << dup.update_id;
        if (const revision* r = s.find_revision(dup.revision_id)) {
            out << ", RevisionNumber " << r->revision_number << (r->declined ? ", declined" : "")
                << (r->expired ? ", expired" : "");
        }
        out << "), target group '" << dup.target_group << "'\n";
        for (auto const& row : dup.rows) {
            out << "    row " << row_text(row) << "\n";
        }
        out << "    profiles whose groups hold the pair: "
            << (dup.profiles_hit.empty() ? "(none)" : join(dup.profiles_hit, ", ")) << "\n";
        out << "    profiles for which the pair wins the precedence: "
            << (dup.profiles_exposed.empty() ? "(none: another group's row is sent)"
                                             : join(dup.profiles_exposed, ", "))
            << "\n";
        out << "    profiles whose legacy sync fails on it: "
            << (dup.profiles_failing.empty() ? "(none: no profile reaches the revision)"
                                             : join(dup.profiles_failing, ", "))
            << "\n";
    }
    if (!d.merges.empty()) {
        out << "\nApprovals for several of a client's groups (ordinary; resolved by precedence, "
               "not a defect):\n";
    }
    for (auto const& m : d.merges) {
        out << "  revision " << m.revision_id << " \"" << m.title << "\" for "
            << set_text(m.group_set) << ": rows";
        for (auto const& row : m.rows) {
            out << " " << row.deployment_id << " '" << row.target_group << "'";
        }
        out << "; sends row " << m.kept_deployment_id << " (" << m.rule << ")\n";
    }
}

}  // namespace

std::string diagnosis_report(const scenario& s, const diagnosis& d) {
    std::ostringstream out;
    out << "Scenario " << s.name;
    if (!s.source_path.empty()) {
        out << " (" << s.source_path << ")";
    }
    out << ": " << s.revisions.size() << " revisions, " << s.deployments.size()
        << " deployment rows, " << s.target_groups.size() << " target groups, "
        << s.profiles.size() << " client profiles\n";
    out << "Server " << s.server.name << " " << s.server.product_version << ", default model "
        << s.server.default_model << "\n\n";
    report_anomalies(out, s, d);
    out << "\nLegacy model (WSUS 3.0 SP1 before KB954960), simulated sync per profile:\n";
    for (auto const& v : d.profiles) {
        out << "  " << v.profile << "  " << set_text(v.groups) << "  ";
        if (v.failure) {
            out << "FAILS in round " << v.failed_round << ": " << v.failure->table << ": "
                << v.failure->message();
        } else if (v.exceeded_max_rounds) {
            out << "FAILS: exceeded the maximum number of SyncUpdates rounds";
        } else {
            out << "ok (" << v.rounds << " rounds, " << v.updates_received << " updates)";
        }
        if (v.effective_model != "legacy") {
            out << "  [the server runs the " << v.effective_model << " model for it]";
        }
        out << "\n";
    }
    if (d.workaround.empty()) {
        out << "\nWorkaround: none needed.\n";
    } else {
        out << "\nWorkaround ("
            << (d.kind == workaround_kind::approve_then_decline
                    ? "approve, then decline, as Microsoft advised for KB954960"
                    : "decline")
            << "):\n";
        for (std::size_t i = 0; i < d.workaround.size(); ++i) {
            out << "  " << (i + 1) << ". " << d.workaround[i].to_string() << "\n";
        }
        out << (d.workaround_verified
                    ? "  Checked on a copy: no stray rows remain and every profile syncs "
                      "against the legacy model.\n"
                    : "  Checked on a copy: this does NOT make every profile sync against the "
                      "legacy model.\n");
    }
    std::size_t failing = 0;
    for (auto const& v : d.profiles) {
        failing += v.legacy_ok ? 0 : 1;
    }
    out << "\nResult: " << d.duplicates.size()
        << " (revision, target group) pair(s) with stray rows; "
        << "the legacy model fails for " << failing << " of " << d.profiles.size()
        << " profile(s).\n";
    return out.str();
}

}  // namespace wsuslab::mitigation
