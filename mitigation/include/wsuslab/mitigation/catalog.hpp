#pragma once
/// The indexed, immutable form of a scenario's revisions and deployment rows that the models
/// query per request: the only index of a scenario in wsuslab (docs/models.md §6). Built once
/// (O(revisions + rows + edges), one hash map of UpdateIDs and one of group names); afterwards
/// every index is a dense array addressed by *position*, so the per-request work of the models
/// needs no hashing of the catalogue (docs/performance.md). Shared read-only between threads; all
/// member functions are const and thread-safe.
///
/// Positions: revisions() is kept sorted by revision ID (stable), so position order is
/// revision-ID order. Should two revisions share one revision ID (the loader rejects that), the
/// first keeps the ID for find()/position() and the other is never reachable by ID.
/// Unknown references are tolerated: a prerequisite UpdateID that no revision has makes its
/// clause member unsatisfiable (update index npos); a bundled revision ID or a deployment row
/// naming an unknown revision is ignored by the indexes (the rows stay in deployments()).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <wsuslab/mitigation/scenario.hpp>

namespace wsuslab::mitigation {

/// A read-only view of consecutive int32 values inside a catalog index (C++17 has no span).
class index_range {
public:
    index_range() = default;
    index_range(const std::int32_t* first, const std::int32_t* last) : first_(first), last_(last) {}
    const std::int32_t* begin() const { return first_; }
    const std::int32_t* end() const { return last_; }
    std::size_t size() const { return static_cast<std::size_t>(last_ - first_); }
    bool empty() const { return first_ == last_; }
    std::int32_t operator[](std::size_t i) const { return first_[i]; }

private:
    const std::int32_t* first_ = nullptr;
    const std::int32_t* last_ = nullptr;
};

class catalog {
public:
    /// "No such position / update / group / row".
    static constexpr std::int32_t npos = -1;

    /// `groups` gives the group hierarchy (parents) that the precedence's group priority uses;
    /// without it every group but "All Computers" counts as its direct child.
    catalog(std::vector<revision> revisions, std::vector<deployment_row> deployments,
            const std::vector<target_group>& groups = {});
    explicit catalog(const scenario& s);

    /// Sorted by revision ID (see above).
    const std::vector<revision>& revisions() const { return revisions_; }
    /// In the order given (scenario file order).
    const std::vector<deployment_row>& deployments() const { return deployments_; }
    /// nullptr when unknown.
    const revision* find(std::int32_t revision_id) const;

    // ---- Indexes for the models (positions index revisions(); rows index deployments()) ----

    std::size_t size() const { return revisions_.size(); }
    /// Position of a revision ID, npos when unknown. O(log n).
    std::int32_t position(std::int32_t revision_id) const;
    std::int32_t revision_id_at(std::size_t pos) const { return ids_[pos]; }
    update_type type_at(std::size_t pos) const { return types_[pos]; }
    std::int32_t revision_number_at(std::size_t pos) const { return revision_numbers_[pos]; }

    /// Dense index of the revision's UpdateID.
    std::int32_t update_index(std::size_t pos) const { return update_of_pos_[pos]; }
    /// npos when no revision has this UpdateID.
    std::int32_t update_index_of(std::string_view update_id) const;
    /// Position of the highest-RevisionNumber revision of an update.
    std::int32_t latest_revision(std::int32_t update) const {
        return latest_of_update_[static_cast<std::size_t>(update)];
    }
    /// Positions of an update's revisions, lowest RevisionNumber first.
    index_range update_revisions(std::int32_t update) const {
        return range(update_rev_first_, update_revs_, static_cast<std::size_t>(update));
    }
    /// Position of the revision (UpdateID, RevisionNumber); npos when unknown. The UpdateID is
    /// compared as stored (scenarios store it lower-cased).
    std::int32_t position_of(std::string_view update_id, std::int32_t revision_number) const;
    /// Whether an update has more than one revision in the catalogue.
    bool has_several_revisions(std::int32_t update) const {
        return several_[static_cast<std::size_t>(update)] != 0;
    }

    /// IsLeaf: no revision has a prerequisite naming this revision's UpdateID.
    bool is_leaf(std::size_t pos) const { return leaf_[pos] != 0; }
    /// Whether some revision of the catalogue bundles this one.
    bool is_bundle_member(std::size_t pos) const { return bundle_member_[pos] != 0; }

    /// Prerequisite clauses (AND of ORs); members are update indices, npos for unknown UpdateIDs.
    std::size_t clause_count(std::size_t pos) const {
        return clause_first_[pos + 1] - clause_first_[pos];
    }
    index_range clause(std::size_t pos, std::size_t k) const;
    /// Positions that a prerequisite of this revision names (the latest revision of each named
    /// update, deduplicated): the prerequisite edges of the closure.
    index_range prerequisite_targets(std::size_t pos) const {
        return range(prereq_first_, prereq_targets_, pos);
    }
    /// Positions of the revisions this one bundles (every clause member, deduplicated).
    index_range bundle_members(std::size_t pos) const {
        return range(bundle_first_, bundle_targets_, pos);
    }

    /// Dense index of a target group name (npos when no row names it).
    std::int32_t group_index(std::string_view name) const;
    std::size_t group_count() const { return group_names_.size(); }
    /// Depth in the group hierarchy: "All Computers" 0, its children 1, and so on. A group
    /// without a declared parent is a child of "All Computers".
    int group_depth(std::int32_t group) const {
        return group_depth_[static_cast<std::size_t>(group)];
    }
    /// Rows (indices into deployments()) of one group, in file order, known revisions only.
    index_range rows_of_group(std::int32_t group) const {
        return range(group_row_first_, group_rows_, static_cast<std::size_t>(group));
    }
    /// Rows of one revision (any group), in file order.
    index_range rows_of_revision(std::size_t pos) const {
        return range(rev_row_first_, rev_rows_, pos);
    }
    /// Group index of a row (npos when the row names an unknown revision).
    std::int32_t row_group(std::size_t row) const { return row_group_[row]; }
    /// Position of a row's revision (npos when unknown).
    std::int32_t row_position(std::size_t row) const { return row_pos_[row]; }

    /// Rank of a row's LastChangeTime among all distinct LastChangeTimes (ascending), so that
    /// rank order is text order; change_time(rank) gives the text back.
    std::int32_t row_change_rank(std::size_t row) const { return row_change_rank_[row]; }
    const std::string& change_time(std::int32_t rank) const {
        return change_times_[static_cast<std::size_t>(rank)];
    }

    /// The earliest LastChangeTime of all rows ("" when there are none). Used as the
    /// LastChangeTime of deployments the server synthesizes for dependency-only revisions.
    const std::string& earliest_change_time() const { return earliest_change_; }

private:
    void build_indexes();
    void build_update_revisions();
    void build_edges();
    void build_rows();
    void build_group_depths(const std::vector<target_group>& groups);
    static index_range range(const std::vector<std::size_t>& first,
                             const std::vector<std::int32_t>& data, std::size_t i) {
        return {data.data() + first[i], data.data() + first[i + 1]};
    }

    std::vector<revision> revisions_;
    std::vector<deployment_row> deployments_;

    std::vector<std::int32_t> ids_;  // revision ID by position (sorted)
    std::unordered_map<std::string, std::int32_t> update_index_;
    std::vector<std::int32_t> update_of_pos_;
    std::vector<update_type> types_;
    std::vector<std::int32_t> revision_numbers_;
    std::vector<std::int32_t> latest_of_update_;
    std::vector<std::uint8_t> several_;
    std::vector<std::size_t> update_rev_first_;  // per update, into update_revs_
    std::vector<std::int32_t> update_revs_;
    std::vector<std::uint8_t> leaf_;
    std::vector<std::uint8_t> bundle_member_;

    std::vector<std::size_t> clause_first_;         // per position, into clause_member_first_
    std::vector<std::size_t> clause_member_first_;  // per clause, into clause_members_
    std::vector<std::int32_t> clause_members_;
    std::vector<std::size_t> prereq_first_;
    std::vector<std::int32_t> prereq_targets_;
    std::vector<std::size_t> bundle_first_;
    std::vector<std::int32_t> bundle_targets_;

    std::unordered_map<std::string, std::int32_t> group_index_;
    std::vector<std::string> group_names_;
    std::vector<int> group_depth_;
    std::vector<std::size_t> group_row_first_;
    std::vector<std::int32_t> group_rows_;
    std::vector<std::size_t> rev_row_first_;
    std::vector<std::int32_t> rev_rows_;
    std::vector<std::int32_t> row_group_;
    std::vector<std::int32_t> row_pos_;
    std::vector<std::int32_t> row_change_rank_;
    std::vector<std::string> change_times_;  // distinct, ascending
    std::string earliest_change_;
};

}  // namespace wsuslab::mitigation
