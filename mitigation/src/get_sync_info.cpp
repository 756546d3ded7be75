// The shared, staged GetSyncInfo algorithm (docs/models.md §2).
//
// Per request, with n = catalogue size: one byte of flags per position, one pass over the rows of
// the client's groups, a closure walk over the precomputed edges, and one sequential scan of the
// positions (which are in revision-ID order, so every list comes out sorted without sorting).

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <wsuslab/mitigation/catalog.hpp>
#include <wsuslab/mitigation/deployment_scope.hpp>
#include <wsuslab/mitigation/get_sync_info.hpp>

#include "get_sync_info_detail.hpp"

namespace wsuslab::mitigation::detail {

namespace {

constexpr std::size_t stage_count = 4;

bool pass_accepts(update_type t, bool driver_pass) {
    return driver_pass ? t == update_type::driver : t != update_type::driver;
}

// The layer a missing revision belongs to, in the priority order of docs/protocol-notes.md §7.3
// Note A: roots (no prerequisites, non-leaf), other non-leaf, bundle members, remaining leaves.
std::size_t stage_of(const catalog& c, std::size_t pos, std::uint8_t flags) {
    if (!c.is_leaf(pos)) {
        return c.clause_count(pos) == 0 ? 0 : 1;
    }
    return (flags & is_bundled) != 0 ? 2 : 3;
}

class request_run {
public:
    request_run(const catalog& c, const sync_request& r, const table_policy& p)
        : c_(c), r_(r), p_(p), driver_(r.skip_software_sync), flags_(c.size(), 0) {}

    sync_outcome run();

private:
    void filter_prerequisites();
    void mark_cached();
    std::optional<duplicate_key_error> scan();
    protocol::update_info make_info(std::size_t pos) const;
    std::int32_t chosen_row(std::size_t pos) const;
    bool row_applies(std::int32_t row) const {
        return groups_.contains(c_, static_cast<std::size_t>(row));
    }

    const catalog& c_;
    const sync_request& r_;
    const table_policy& p_;
    bool driver_;
    std::vector<std::uint8_t> flags_;  // per position
    group_set groups_;
    std::vector<std::int32_t> closure_;  // D0 first, then what the closure added
    std::vector<std::int32_t> cached_positions_;
    std::vector<std::int32_t> unknown_cached_;
    // The kept row of each revision with several rows for the client's groups, by position; a
    // revision with one row keeps it, so it needs no entry.
    std::vector<std::pair<std::int32_t, std::int32_t>> merged_;
    std::array<std::size_t, stage_count> stage_size_{};
    std::array<std::vector<std::int32_t>, stage_count> stage_page_;
    std::int32_t max_change_rank_ = -1;
    sync_result out_;
};

void request_run::filter_prerequisites() {
    // installed := UpdateIDs of the revisions the client reports as installed non-leaf.
    std::vector<std::int32_t> installed;
    installed.reserve(r_.installed_non_leaf.size());
    for (std::int32_t const id : r_.installed_non_leaf) {
        std::int32_t const pos = c_.position(id);
        if (pos != catalog::npos) {
            installed.push_back(c_.update_index(static_cast<std::size_t>(pos)));
        }
    }
    std::sort(installed.begin(), installed.end());
    installed.erase(std::unique(installed.begin(), installed.end()), installed.end());
    auto const satisfied = [&](std::size_t pos, std::size_t k) {
        for (std::int32_t const u : c_.clause(pos, k)) {
            if (u != catalog::npos && std::binary_search(installed.begin(), installed.end(), u)) {
                return true;
            }
        }
        return false;
    };
    // "MUST send no more than one revision for a given Update": keep the highest RevisionNumber
    // among the revisions that pass (lowest revision ID on a tie). Most updates have a single
    // revision, so only the others are sorted.
    std::vector<std::pair<std::int32_t, std::int32_t>> several;  // (update, position)
    for (std::int32_t const p : closure_) {
        auto const pos = static_cast<std::size_t>(p);
        if (!pass_accepts(c_.type_at(pos), driver_)) {
            continue;
        }
        bool ok = true;
        for (std::size_t k = 0; ok && k < c_.clause_count(pos); ++k) {
            ok = satisfied(pos, k);
        }
        if (!ok) {
            continue;
        }
        flags_[pos] |= in_d;
        std::int32_t const u = c_.update_index(pos);
        if (c_.has_several_revisions(u)) {
            several.emplace_back(u, p);
        } else {
            flags_[pos] |= is_needed;
        }
    }
    std::sort(several.begin(), several.end(), [&](auto const& a, auto const& b) {
        if (a.first != b.first) {
            return a.first < b.first;
        }
        auto const na = c_.revision_number_at(static_cast<std::size_t>(a.second));
        auto const nb = c_.revision_number_at(static_cast<std::size_t>(b.second));
        return na != nb ? na > nb : a.second < b.second;
    });
    for (std::size_t i = 0; i < several.size(); ++i) {
        if (i == 0 || several[i].first != several[i - 1].first) {
            flags_[static_cast<std::size_t>(several[i].second)] |= is_needed;
        }
    }
}

void request_run::mark_cached() {
    auto const add = [&](const protocol::id_list& ids) {
        for (std::int32_t const id : ids) {
            std::int32_t const pos = c_.position(id);
            if (pos == catalog::npos) {
                unknown_cached_.push_back(id);
            } else {
                flags_[static_cast<std::size_t>(pos)] |= is_cached;
                cached_positions_.push_back(pos);
            }
        }
    };
    if (driver_) {
        add(r_.cached_driver_ids);
    } else {
        add(r_.installed_non_leaf);
        add(r_.other_cached);
    }
    // Cached is a set (docs/protocol-notes.md §7.1 step 3), whatever the state table made of
    // repeated IDs.
    for (auto* v : {&cached_positions_, &unknown_cached_}) {
        std::sort(v->begin(), v->end());
        v->erase(std::unique(v->begin(), v->end()), v->end());
    }
}

std::optional<duplicate_key_error> request_run::scan() {
    std::size_t const page = r_.page_size == 0 ? c_.size() + 1 : r_.page_size;
    std::vector<std::int32_t> rows;
    for (std::size_t pos = 0; pos < flags_.size(); ++pos) {
        std::uint8_t const f = flags_[pos];
        if ((f & in_d) == 0) {
            continue;
        }
        // The deployment table holds the rows of every revision that passed the prerequisite
        // filter (docs/models.md, "which rows enter the table").
        rows.clear();
        for (std::int32_t const row : c_.rows_of_revision(pos)) {
            if (row_applies(row)) {
                rows.push_back(row);
                max_change_rank_ =
                    std::max(max_change_rank_, c_.row_change_rank(static_cast<std::size_t>(row)));
            }
        }
        if (rows.size() > 1) {
            auto chosen = reduce_rows(c_, c_.revision_id_at(pos), rows, p_,
                                      protocol::operation::sync_updates, out_.resolved);
            if (auto* e = std::get_if<duplicate_key_error>(&chosen)) {
                return *e;
            }
            kept_row const kept = std::get<kept_row>(chosen);
            out_.precedence_merges += kept.precedence_merge ? 1 : 0;
            merged_.emplace_back(static_cast<std::int32_t>(pos), kept.row);
        }
        if ((f & is_needed) != 0 && (f & is_cached) == 0) {
            std::size_t const s = stage_of(c_, pos, f);
            ++stage_size_[s];
            if (stage_page_[s].size() < page) {
                stage_page_[s].push_back(static_cast<std::int32_t>(pos));
            }
        }
    }
    return std::nullopt;
}

std::int32_t request_run::chosen_row(std::size_t pos) const {
    auto const key = static_cast<std::int32_t>(pos);
    auto const it = std::lower_bound(merged_.begin(), merged_.end(), key,
                                     [](auto const& e, std::int32_t k) { return e.first < k; });
    if (it != merged_.end() && it->first == key) {
        return it->second;
    }
    for (std::int32_t const row : c_.rows_of_revision(pos)) {
        if (row_applies(row)) {
            return row;
        }
    }
    return catalog::npos;
}

protocol::update_info request_run::make_info(std::size_t pos) const {
    const revision& rev = c_.revisions()[pos];
    protocol::update_info info;
    info.id = rev.revision_id;
    info.is_leaf = c_.is_leaf(pos);
    info.xml = rev.core_xml;
    std::int32_t const row = chosen_row(pos);
    if (row != catalog::npos) {
        info.deploy = wire_deployment(c_.deployments()[static_cast<std::size_t>(row)],
                                      r_.client_supports_1_8_fields);
        return info;
    }
    // Present only as a dependency: no row of its own (docs/models.md, synthesized rows).
    deployment_row synthesized;
    bool const bundled = (flags_[pos] & is_bundled) != 0;
    synthesized.action =
        bundled ? protocol::deployment_action::bundle : protocol::deployment_action::evaluate;
    synthesized.is_assigned = bundled;
    synthesized.last_change_time = c_.earliest_change_time();
    info.deploy = wire_deployment(synthesized, r_.client_supports_1_8_fields);
    return info;
}

sync_outcome request_run::run() {
    std::vector<const protocol::id_list*> lists;
    if (driver_) {
        lists.push_back(&r_.cached_driver_ids);
    } else {
        lists.push_back(&r_.installed_non_leaf);
        lists.push_back(&r_.other_cached);
    }
    // The caller builds the state table before GetSyncInfo fills the deployment table.
    if (auto e = p_.build_state_table(lists, out_.resolved)) {
        return *e;
    }
    groups_ = collect_groups(c_, r_.groups);
    mark_scope(c_, groups_, flags_, closure_);
    filter_prerequisites();
    mark_cached();
    if (auto e = scan()) {
        return *e;
    }
    for (std::size_t s = 0; s < stage_count; ++s) {
        if (stage_size_[s] == 0) {
            continue;
        }
        for (std::int32_t const pos : stage_page_[s]) {
            out_.new_updates.push_back(make_info(static_cast<std::size_t>(pos)));
        }
        out_.truncated = stage_size_[s] > stage_page_[s].size();
        for (std::size_t t = s + 1; t < stage_count; ++t) {
            out_.truncated = out_.truncated || stage_size_[t] != 0;
        }
        break;
    }
    // cached_positions_ is sorted by position, hence by revision ID.
    std::vector<std::int32_t> out_of_scope;
    for (std::int32_t const p : cached_positions_) {
        auto const pos = static_cast<std::size_t>(p);
        if ((flags_[pos] & is_needed) == 0) {
            out_of_scope.push_back(c_.revision_id_at(pos));
            continue;
        }
        std::int32_t const row = chosen_row(pos);
        if (row != catalog::npos &&
            c_.deployments()[static_cast<std::size_t>(row)].last_change_time > r_.watermark) {
            out_.changed_updates.push_back(make_info(pos));
        }
    }
    out_.out_of_scope.resize(out_of_scope.size() + unknown_cached_.size());
    std::merge(out_of_scope.begin(), out_of_scope.end(), unknown_cached_.begin(),
               unknown_cached_.end(), out_.out_of_scope.begin());
    out_.new_watermark = r_.watermark;
    if (max_change_rank_ >= 0 && c_.change_time(max_change_rank_) > r_.watermark) {
        out_.new_watermark = c_.change_time(max_change_rank_);
    }
    return std::move(out_);
}

}  // namespace

sync_outcome run_get_sync_info(const catalog& c, const sync_request& r, const table_policy& p) {
    return request_run(c, r, p).run();
}

}  // namespace wsuslab::mitigation::detail
