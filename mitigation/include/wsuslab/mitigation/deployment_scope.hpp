#pragma once
/// The deployment questions a server answers outside SyncUpdates, decided here so that the
/// server asks and never decides (docs/models.md §6): which revisions a client's groups may see
/// (GetExtendedUpdateInfo, DriverSyncNotNeeded) and how a row goes on the wire. The closure is
/// the one GetSyncInfo uses (docs/models.md §2, step 3). Pure functions, thread-safe.

#include <cstdint>
#include <string>
#include <vector>

#include <wsuslab/mitigation/catalog.hpp>
#include <wsuslab/mitigation/scenario.hpp>
#include <wsuslab/protocol/types.hpp>

namespace wsuslab::mitigation {

/// Revision IDs with a deployment row for one of `groups`, closed over prerequisite edges (the
/// latest revision of each named update) and bundle edges; sorted ascending. Group names no row
/// uses are ignored.
std::vector<std::int32_t> revisions_in_scope(const catalog& c,
                                             const std::vector<std::string>& groups);

/// SyncInfo DriverSyncNotNeeded: true when no driver revision is in scope for `groups`.
bool driver_sync_not_needed(const catalog& c, const std::vector<std::string>& groups);

/// The wire Deployment of a row. Block is sent as PreDeploymentCheck (MS-WUSP: "SHOULD send
/// such a revision as PreDeploymentCheck"); AutoSelect, AutoDownload, SupersedenceBehavior and
/// FlagBitmask are "0" for clients >= 1.8 and absent otherwise.
protocol::deployment wire_deployment(const deployment_row& row, bool client_supports_1_8_fields);

}  // namespace wsuslab::mitigation
