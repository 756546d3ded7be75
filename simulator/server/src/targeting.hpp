#pragma once
// Target-group membership as WSUS assigns it, and the per-group GetSyncInfo model choice.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <wsuslab/mitigation/get_sync_info.hpp>
#include <wsuslab/mitigation/scenario.hpp>

namespace wsuslab::server::detail {

struct group_assignment {
    /// "All Computers" first, then the other groups in scenario declaration order.
    std::vector<std::string> groups;
    /// Human notes for the log, e.g. "requested group 'Foo' is unknown; ignored".
    std::vector<std::string> notes;
};

/// The groups of a computer: "All Computers"; every group a scenario assignment names for its
/// DNS name (case-insensitive; full names, or first labels when one side is unqualified) or its
/// client ID; and, when the scenario enables client-side targeting, the groups named in
/// `requested` (GetAuthorizationCookie targetGroupName, several separated by ';'), matched
/// case-insensitively against the scenario's groups. Unknown requested groups are ignored, as WSUS leaves such a computer unassigned.
group_assignment assign_groups(const mitigation::scenario& s, std::string_view client_id,
                               std::string_view dns_name, std::string_view requested);

/// "legacy" / "fixed" (case-insensitive).
std::optional<mitigation::model_kind> model_from_name(std::string_view name);

/// The model override of the client's most specific group that has one: the deepest group in the
/// parent chain (groups without a parent sit under "All Computers"), ties to the earlier
/// declared group. nullopt when no group of the client has an override. `chosen` receives the
/// group that decided.
std::optional<mitigation::model_kind> group_model(const mitigation::scenario& s,
                                                  const std::vector<std::string>& groups,
                                                  std::string* chosen = nullptr);

}  // namespace wsuslab::server::detail
