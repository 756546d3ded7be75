#pragma once
// The staged GetSyncInfo algorithm shared by both models (docs/models.md). The models differ
// only in how they build the two per-request tables, which this interface isolates.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include <wsuslab/mitigation/catalog.hpp>
#include <wsuslab/mitigation/get_sync_info.hpp>
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

    /// The deployment table entry of a revision with several deployment rows for the client's
    /// groups: `rows` (at least two, indices into c.deployments(), file order). Returns the row
    /// to keep, or the error that fails the request. (A single row is always kept as it is.)
    virtual std::variant<std::int32_t, duplicate_key_error> choose_row(
        const catalog& c, std::int32_t revision_id, const std::vector<std::int32_t>& rows,
        std::vector<resolved_anomaly>& resolved) const = 0;
};

/// Runs docs/protocol-notes.md §7.1 with the staged layering of §7.3 Note A; see get_sync_info.cpp.
sync_outcome run_get_sync_info(const catalog& c, const sync_request& r, const table_policy& p);

}  // namespace wsuslab::mitigation::detail
