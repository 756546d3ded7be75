#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <wsuslab/mitigation/catalog.hpp>

namespace wsuslab::mitigation {

namespace {

std::int32_t to_index(std::size_t i) {
    return static_cast<std::int32_t>(i);
}

// Turns per-item counts (count[i] at first[i+1]) into CSR offsets.
void prefix_sum(std::vector<std::size_t>& first) {
    for (std::size_t i = 1; i < first.size(); ++i) {
        first[i] += first[i - 1];
    }
}

}  // namespace

catalog::catalog(std::vector<revision> revisions, std::vector<deployment_row> deployments,
                 const std::vector<target_group>& groups)
    : revisions_(std::move(revisions)), deployments_(std::move(deployments)) {
    build_indexes();
    build_group_depths(groups);
}

catalog::catalog(const scenario& s) : catalog(s.revisions, s.deployments, s.target_groups) {}

const revision* catalog::find(std::int32_t revision_id) const {
    std::int32_t const pos = position(revision_id);
    return pos == npos ? nullptr : &revisions_[static_cast<std::size_t>(pos)];
}

std::int32_t catalog::position(std::int32_t revision_id) const {
    auto const it = std::lower_bound(ids_.begin(), ids_.end(), revision_id);
    if (it == ids_.end() || *it != revision_id) {
        return npos;
    }
    return to_index(static_cast<std::size_t>(it - ids_.begin()));
}

std::int32_t catalog::update_index_of(std::string_view update_id) const {
    auto const it = update_index_.find(std::string(update_id));
    return it == update_index_.end() ? npos : it->second;
}

std::int32_t catalog::position_of(std::string_view update_id, std::int32_t revision_number) const {
    std::int32_t const u = update_index_of(update_id);
    if (u == npos) {
        return npos;
    }
    for (std::int32_t const pos : update_revisions(u)) {
        if (revision_numbers_[static_cast<std::size_t>(pos)] == revision_number) {
            return pos;
        }
    }
    return npos;
}

std::int32_t catalog::group_index(std::string_view name) const {
    auto const it = group_index_.find(std::string(name));
    return it == group_index_.end() ? npos : it->second;
}

index_range catalog::clause(std::size_t pos, std::size_t k) const {
    std::size_t const c = clause_first_[pos] + k;
    return {clause_members_.data() + clause_member_first_[c],
            clause_members_.data() + clause_member_first_[c + 1]};
}

void catalog::build_indexes() {
    // Sorting once makes position order equal revision-ID order, which lets the models emit
    // every list in ID order by scanning positions instead of sorting per request. Scenario
    // files are usually in ID order already; otherwise a permutation is sorted, not the structs.
    auto const by_id = [](const revision& a, const revision& b) {
        return a.revision_id < b.revision_id;
    };
    if (!std::is_sorted(revisions_.begin(), revisions_.end(), by_id)) {
        std::vector<std::size_t> order(revisions_.size());
        for (std::size_t i = 0; i < order.size(); ++i) {
            order[i] = i;
        }
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            return by_id(revisions_[a], revisions_[b]);
        });
        std::vector<revision> sorted;
        sorted.reserve(revisions_.size());
        for (std::size_t const i : order) {
            sorted.push_back(std::move(revisions_[i]));
        }
        revisions_ = std::move(sorted);
    }
    std::size_t const n = revisions_.size();
    ids_.resize(n);
    update_of_pos_.resize(n);
    types_.resize(n);
    revision_numbers_.resize(n);
    for (std::size_t pos = 0; pos < n; ++pos) {
        const revision& r = revisions_[pos];
        ids_[pos] = r.revision_id;
        types_[pos] = r.type;
        revision_numbers_[pos] = r.revision_number;
        auto const inserted =
            update_index_.emplace(r.update_id, to_index(latest_of_update_.size()));
        if (inserted.second) {
            latest_of_update_.push_back(to_index(pos));
            several_.push_back(0);
        } else {
            auto const u = static_cast<std::size_t>(inserted.first->second);
            several_[u] = 1;
            auto const best = static_cast<std::size_t>(latest_of_update_[u]);
            if (r.revision_number > revisions_[best].revision_number) {
                latest_of_update_[u] = to_index(pos);
            }
        }
        update_of_pos_[pos] = inserted.first->second;
    }
    build_update_revisions();
    build_edges();
    build_rows();
}

void catalog::build_update_revisions() {
    update_rev_first_.assign(latest_of_update_.size() + 1, 0);
    for (std::int32_t const u : update_of_pos_) {
        ++update_rev_first_[static_cast<std::size_t>(u) + 1];
    }
    prefix_sum(update_rev_first_);
    update_revs_.resize(update_of_pos_.size());
    std::vector<std::size_t> fill(update_rev_first_.begin(), update_rev_first_.end() - 1);
    for (std::size_t pos = 0; pos < update_of_pos_.size(); ++pos) {
        update_revs_[fill[static_cast<std::size_t>(update_of_pos_[pos])]++] = to_index(pos);
    }
    for (std::size_t u = 0; u + 1 < update_rev_first_.size(); ++u) {
        auto const begin = update_revs_.begin();
        auto const first = begin + static_cast<std::ptrdiff_t>(update_rev_first_[u]);
        auto const last = begin + static_cast<std::ptrdiff_t>(update_rev_first_[u + 1]);
        std::stable_sort(first, last, [this](std::int32_t a, std::int32_t b) {
            return revision_numbers_[static_cast<std::size_t>(a)] <
                   revision_numbers_[static_cast<std::size_t>(b)];
        });
    }
}

void catalog::build_edges() {
    std::size_t const n = revisions_.size();
    leaf_.assign(n, 1);
    bundle_member_.assign(n, 0);
    std::vector<std::uint8_t> named_update(latest_of_update_.size(), 0);
    clause_first_.assign(n + 1, 0);
    clause_member_first_.assign(1, 0);
    prereq_first_.assign(n + 1, 0);
    bundle_first_.assign(n + 1, 0);
    std::vector<std::int32_t> scratch;
    for (std::size_t pos = 0; pos < n; ++pos) {
        const revision& r = revisions_[pos];
        scratch.clear();
        for (auto const& cl : r.prerequisites) {
            for (auto const& uid : cl.update_ids) {
                // Looked up by the std::string itself: no temporary per member.
                auto const found = update_index_.find(uid);
                std::int32_t const u = found == update_index_.end() ? npos : found->second;
                clause_members_.push_back(u);
                if (u != npos) {
                    named_update[static_cast<std::size_t>(u)] = 1;
                    scratch.push_back(latest_of_update_[static_cast<std::size_t>(u)]);
                }
            }
            clause_member_first_.push_back(clause_members_.size());
        }
        clause_first_[pos + 1] = clause_member_first_.size() - 1;
        std::sort(scratch.begin(), scratch.end());
        scratch.erase(std::unique(scratch.begin(), scratch.end()), scratch.end());
        prereq_targets_.insert(prereq_targets_.end(), scratch.begin(), scratch.end());
        prereq_first_[pos + 1] = prereq_targets_.size();

        scratch.clear();
        for (auto const& cl : r.bundled_revisions) {
            for (std::int32_t const id : cl) {
                std::int32_t const member = position(id);
                if (member != npos) {
                    scratch.push_back(member);
                }
            }
        }
        std::sort(scratch.begin(), scratch.end());
        scratch.erase(std::unique(scratch.begin(), scratch.end()), scratch.end());
        for (std::int32_t const member : scratch) {
            bundle_member_[static_cast<std::size_t>(member)] = 1;
        }
        bundle_targets_.insert(bundle_targets_.end(), scratch.begin(), scratch.end());
        bundle_first_[pos + 1] = bundle_targets_.size();
    }
    // IsLeaf is a property of the UpdateID: every revision of a named update is non-leaf.
    for (std::size_t pos = 0; pos < n; ++pos) {
        if (named_update[static_cast<std::size_t>(update_of_pos_[pos])] != 0) {
            leaf_[pos] = 0;
        }
    }
}

void catalog::build_rows() {
    std::size_t const n = revisions_.size();
    std::size_t const rows = deployments_.size();
    std::vector<std::int32_t>& row_pos = row_pos_;
    row_pos.assign(rows, npos);
    row_group_.assign(rows, npos);
    rev_row_first_.assign(n + 1, 0);
    for (std::size_t i = 0; i < rows; ++i) {
        const deployment_row& d = deployments_[i];
        std::int32_t const pos = position(d.revision_id);
        if (pos == npos) {
            continue;
        }
        row_pos[i] = pos;
        auto const inserted = group_index_.emplace(d.target_group, to_index(group_names_.size()));
        if (inserted.second) {
            group_names_.push_back(d.target_group);
        }
        row_group_[i] = inserted.first->second;
        ++rev_row_first_[static_cast<std::size_t>(pos) + 1];
        if (earliest_change_.empty() || d.last_change_time < earliest_change_) {
            earliest_change_ = d.last_change_time;
        }
    }
    // LastChangeTime as a dense rank per row, so requests compare ints, not strings.
    for (std::size_t i = 0; i < rows; ++i) {
        change_times_.push_back(deployments_[i].last_change_time);
    }
    std::sort(change_times_.begin(), change_times_.end());
    change_times_.erase(std::unique(change_times_.begin(), change_times_.end()),
                        change_times_.end());
    row_change_rank_.resize(rows);
    for (std::size_t i = 0; i < rows; ++i) {
        auto const it = std::lower_bound(change_times_.begin(), change_times_.end(),
                                         deployments_[i].last_change_time);
        row_change_rank_[i] = to_index(static_cast<std::size_t>(it - change_times_.begin()));
    }
    group_row_first_.assign(group_names_.size() + 1, 0);
    for (std::size_t i = 0; i < rows; ++i) {
        if (row_group_[i] != npos) {
            ++group_row_first_[static_cast<std::size_t>(row_group_[i]) + 1];
        }
    }
    prefix_sum(rev_row_first_);
    prefix_sum(group_row_first_);
    rev_rows_.resize(rev_row_first_.back());
    group_rows_.resize(group_row_first_.back());
    std::vector<std::size_t> rev_fill(rev_row_first_.begin(), rev_row_first_.end() - 1);
    std::vector<std::size_t> group_fill(group_row_first_.begin(), group_row_first_.end() - 1);
    // Filling in row order keeps both indexes in file order, which fixes the order in which
    // the legacy model "adds" rows and so which key it reports.
    for (std::size_t i = 0; i < rows; ++i) {
        if (row_pos[i] == npos) {
            continue;
        }
        rev_rows_[rev_fill[static_cast<std::size_t>(row_pos[i])]++] = to_index(i);
        group_rows_[group_fill[static_cast<std::size_t>(row_group_[i])]++] = to_index(i);
    }
}

void catalog::build_group_depths(const std::vector<target_group>& groups) {
    std::unordered_map<std::string, std::string> parent_of;
    for (auto const& g : groups) {
        if (g.parent) {
            parent_of.emplace(g.name, *g.parent);
        }
    }
    group_depth_.assign(group_names_.size(), 0);
    for (std::size_t i = 0; i < group_names_.size(); ++i) {
        std::string name = group_names_[i];
        int depth = 0;
        // The walk is capped so that a (rejected) cycle of parents cannot loop forever.
        while (name != all_computers_group && depth <= static_cast<int>(groups.size())) {
            ++depth;
            auto const it = parent_of.find(name);
            if (it == parent_of.end()) {
                break;
            }
            name = it->second;
        }
        group_depth_[i] = depth;
    }
}

}  // namespace wsuslab::mitigation
