// The deployment decisions both models share: the client's group set, the scope (D0 and its
// closure), the reduction of a revision's rows, the wire Deployment, and RefreshCache
// (docs/models.md §2, §4, §6).

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <wsuslab/mitigation/deployment_scope.hpp>
#include <wsuslab/mitigation/row_precedence.hpp>

#include "get_sync_info_detail.hpp"

namespace wsuslab::mitigation {

namespace detail {

group_set collect_groups(const catalog& c, const std::vector<std::string>& names) {
    group_set out;
    out.member.assign(c.group_count(), 0);
    for (auto const& name : names) {
        std::int32_t const g = c.group_index(name);
        if (g != catalog::npos && out.member[static_cast<std::size_t>(g)] == 0) {
            out.member[static_cast<std::size_t>(g)] = 1;
            out.groups.push_back(g);
        }
    }
    return out;
}

void mark_scope(const catalog& c, const group_set& g, std::vector<std::uint8_t>& flags,
                std::vector<std::int32_t>& closure) {
    for (std::int32_t const group : g.groups) {
        for (std::int32_t const row : c.rows_of_group(group)) {
            auto const pos =
                static_cast<std::size_t>(c.row_position(static_cast<std::size_t>(row)));
            if ((flags[pos] & in_d0) == 0) {
                flags[pos] |= in_d0 | in_closure;
                closure.push_back(static_cast<std::int32_t>(pos));
            }
        }
    }
    std::size_t const d0_end = closure.size();
    // Bundle members reached from a deployed revision through bundle edges get Action Bundle.
    std::vector<std::int32_t> bundled;
    auto const bundle_from = [&](std::size_t pos) {
        for (std::int32_t const m : c.bundle_members(pos)) {
            auto& f = flags[static_cast<std::size_t>(m)];
            if ((f & is_bundled) == 0) {
                f |= is_bundled;
                bundled.push_back(m);
            }
        }
    };
    for (std::size_t i = 0; i < d0_end; ++i) {
        bundle_from(static_cast<std::size_t>(closure[i]));
    }
    for (std::size_t i = 0; i < bundled.size(); ++i) {
        bundle_from(static_cast<std::size_t>(bundled[i]));
    }
    // Breadth-first over `closure` itself: it is both the queue and the result.
    auto const visit = [&](std::int32_t t) {
        auto& f = flags[static_cast<std::size_t>(t)];
        if ((f & in_closure) == 0) {
            f |= in_closure;
            closure.push_back(t);
        }
    };
    for (std::size_t i = 0; i < closure.size(); ++i) {
        auto const pos = static_cast<std::size_t>(closure[i]);
        for (std::int32_t const t : c.prerequisite_targets(pos)) {
            visit(t);
        }
        for (std::int32_t const t : c.bundle_members(pos)) {
            visit(t);
        }
    }
}

std::variant<kept_row, duplicate_key_error> reduce_rows(const catalog& c, std::int32_t revision_id,
                                                        const std::vector<std::int32_t>& rows,
                                                        const table_policy& p,
                                                        protocol::operation op,
                                                        std::vector<resolved_anomaly>& resolved) {
    if (rows.size() == 1) {
        return kept_row{rows.front(), false};
    }
    row_choice const choice = choose_row(c, rows);
    if (choice.anomaly_reached()) {
        if (auto e = p.anomaly_reached(c, revision_id, rows, choice, op, resolved)) {
            return *std::move(e);
        }
    }
    return kept_row{rows[choice.kept], !choice.anomaly_reached()};
}

namespace {

// The revision a cached identity maps to (docs/models.md §6): this exact revision when it has a
// row for the client's groups, else the highest-numbered revision of the update that has one.
// Fills `rows` with the chosen revision's rows for the groups; npos when none has any.
std::int32_t refresh_target(const catalog& c, const group_set& g,
                            const protocol::update_identity& wanted,
                            std::vector<std::int32_t>& rows) {
    auto const rows_of = [&](std::int32_t pos) {
        rows.clear();
        for (std::int32_t const row : c.rows_of_revision(static_cast<std::size_t>(pos))) {
            if (g.contains(c, static_cast<std::size_t>(row))) {
                rows.push_back(row);
            }
        }
        return !rows.empty();
    };
    std::string id = wanted.update_id;
    for (char& ch : id) {
        ch = (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : ch;
    }
    std::int32_t const u = c.update_index_of(id);
    if (u == catalog::npos) {
        return catalog::npos;
    }
    std::int32_t const exact = c.position_of(id, wanted.revision_number);
    if (exact != catalog::npos && rows_of(exact)) {
        return exact;
    }
    index_range const revisions = c.update_revisions(u);
    for (std::size_t i = revisions.size(); i > 0; --i) {
        if (rows_of(revisions[i - 1])) {
            return revisions[i - 1];
        }
    }
    return catalog::npos;
}

}  // namespace

refresh_outcome run_refresh_cache(const catalog& c, const refresh_request& r,
                                  const table_policy& p) {
    group_set const g = collect_groups(c, r.groups);
    refresh_result out;
    std::vector<std::int32_t> rows;
    for (auto const& wanted : r.identities) {
        std::int32_t const pos = refresh_target(c, g, wanted, rows);
        if (pos == catalog::npos) {
            continue;
        }
        auto const at = static_cast<std::size_t>(pos);
        auto kept = reduce_rows(c, c.revision_id_at(at), rows, p,
                                protocol::operation::refresh_cache, out.resolved);
        if (auto* e = std::get_if<duplicate_key_error>(&kept)) {
            return *e;
        }
        protocol::refresh_cache_result item;
        item.revision_id = c.revision_id_at(at);
        item.global_id = wanted;
        item.is_leaf = c.is_leaf(at);
        auto const row = static_cast<std::size_t>(std::get<kept_row>(kept).row);
        item.deploy = wire_deployment(c.deployments()[row], r.client_supports_1_8_fields);
        out.results.push_back(std::move(item));
    }
    return out;
}

}  // namespace detail

std::vector<std::int32_t> revisions_in_scope(const catalog& c,
                                             const std::vector<std::string>& groups) {
    std::vector<std::uint8_t> flags(c.size(), 0);
    std::vector<std::int32_t> closure;
    detail::mark_scope(c, detail::collect_groups(c, groups), flags, closure);
    std::vector<std::int32_t> ids;
    ids.reserve(closure.size());
    // Positions are in revision-ID order, so a scan yields the IDs sorted.
    for (std::size_t pos = 0; pos < flags.size(); ++pos) {
        if ((flags[pos] & detail::in_closure) != 0) {
            ids.push_back(c.revision_id_at(pos));
        }
    }
    return ids;
}

bool driver_sync_not_needed(const catalog& c, const std::vector<std::string>& groups) {
    std::vector<std::uint8_t> flags(c.size(), 0);
    std::vector<std::int32_t> closure;
    detail::mark_scope(c, detail::collect_groups(c, groups), flags, closure);
    for (std::int32_t const pos : closure) {
        if (c.type_at(static_cast<std::size_t>(pos)) == update_type::driver) {
            return false;
        }
    }
    return true;
}

protocol::deployment wire_deployment(const deployment_row& row, bool client_supports_1_8_fields) {
    protocol::deployment d;
    d.id = row.deployment_id;
    // Block MUST NOT be deployed; the server SHOULD send it as PreDeploymentCheck.
    d.action = row.action == protocol::deployment_action::block
                   ? protocol::deployment_action::pre_deployment_check
                   : row.action;
    d.deadline = row.deadline;
    d.is_assigned = row.is_assigned;
    d.last_change_time = row.last_change_time;
    d.download_priority = row.download_priority;
    if (client_supports_1_8_fields) {
        d.auto_select = "0";
        d.auto_download = "0";
        d.supersedence_behavior = "0";
        d.flag_bitmask = "0";
    }
    return d;
}

}  // namespace wsuslab::mitigation
