#pragma once
// The staged GetSyncInfo algorithm and RefreshCache, shared by both models (docs/models.md). The
// models differ only in what they do with the two per-request tables' anomalies, which the
// table_policy interface isolates; the row reduction itself is shared (row_precedence.hpp).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <wsuslab/mitigation/catalog.hpp>
#include <wsuslab/mitigation/get_sync_info.hpp>
#include <wsuslab/mitigation/row_precedence.hpp>
#include <wsuslab/protocol/operations.hpp>
#include <wsuslab/protocol/types.hpp>

namespace wsuslab::mitigation::detail {

class table_policy {
public:
    table_policy() = default;
    table_policy(const table_policy&) = delete;
    table_policy& operator=(const table_policy&) = delete;
    virtual ~table_policy() = default;

    /// The state table: the client's cache lists that form Cached for this pass, in request
    /// order. Returns an error to fail the request; may record anomalies it resolved.
    virtual std::optional<duplicate_key_error> build_state_table(
        const std::vector<const protocol::id_list*>& lists,
        std::vector<resolved_anomaly>& resolved) const = 0;

    /// The deployment table meets the anomaly: `choice` (over `rows`, indices into
    /// c.deployments(), file order) kept a row whose (revision, group) pair has a stray twin.
    /// Returns the error that fails the request, or records the anomaly and returns nullopt.
    virtual std::optional<duplicate_key_error> anomaly_reached(
        const catalog& c, std::int32_t revision_id, const std::vector<std::int32_t>& rows,
        const row_choice& choice, protocol::operation op,
        std::vector<resolved_anomaly>& resolved) const = 0;
};

/// Per-position flags of one request; the scope bits are shared with revisions_in_scope.
enum : std::uint8_t {
    in_d0 = 1,        // has a deployment row for one of the client's groups
    in_closure = 2,   // closure of D0 over prerequisite and bundle edges
    in_d = 4,         // ... of this pass's types, with every prerequisite clause satisfied
    is_needed = 8,    // ... and the chosen revision of its UpdateID
    is_cached = 16,   // in the client's cache lists for this pass
    is_bundled = 32,  // reached from D0 through bundle edges only
};

/// The client's groups as the catalog knows them: names no row uses are dropped, a name given
/// twice counts once.
struct group_set {
    std::vector<std::int32_t> groups;  // group indices, first-seen order
    std::vector<std::uint8_t> member;  // per group index: 1 when one of the client's groups
    bool contains(const catalog& c, std::size_t row) const {
        std::int32_t const g = c.row_group(row);
        return g != catalog::npos && member[static_cast<std::size_t>(g)] != 0;
    }
};
group_set collect_groups(const catalog& c, const std::vector<std::string>& names);

/// Marks D0, the bundle members reached from it and the closure of D0 (docs/models.md §2, steps
/// 2 and 3) in `flags` (one per position); appends the closure's positions to `closure`, D0
/// first, in the order the walk met them.
void mark_scope(const catalog& c, const group_set& g, std::vector<std::uint8_t>& flags,
                std::vector<std::int32_t>& closure);

/// The deployment table entry of one revision.
struct kept_row {
    std::int32_t row = catalog::npos;  ///< index into c.deployments()
    bool precedence_merge = false;     ///< several rows were reduced without an anomaly
};

/// `rows` (indices into c.deployments(), file order, at least one) reduced by the shared
/// precedence; the policy decides when the anomaly is reached.
std::variant<kept_row, duplicate_key_error> reduce_rows(const catalog& c, std::int32_t revision_id,
                                                        const std::vector<std::int32_t>& rows,
                                                        const table_policy& p,
                                                        protocol::operation op,
                                                        std::vector<resolved_anomaly>& resolved);

/// Runs the staged algorithm of docs/models.md §2; see get_sync_info.cpp.
sync_outcome run_get_sync_info(const catalog& c, const sync_request& r, const table_policy& p);

/// RefreshCache with the same reduction and policy; see deployment_scope.cpp.
refresh_outcome run_refresh_cache(const catalog& c, const refresh_request& r,
                                  const table_policy& p);

}  // namespace wsuslab::mitigation::detail
