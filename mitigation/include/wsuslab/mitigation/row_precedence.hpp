#pragma once
/// The one precedence that reduces the deployment rows of one revision, for one client's groups,
/// to the row that is sent (docs/models.md §4). Both GetSyncInfo models, RefreshCache and
/// `diagnose` use it; nothing else in wsuslab orders deployment rows. Pure functions.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include <wsuslab/mitigation/catalog.hpp>
#include <wsuslab/mitigation/scenario.hpp>

namespace wsuslab::mitigation {

/// A row as the precedence sees it: the row and its target group's depth in the hierarchy
/// ("All Computers" 0, its children 1, ...).
struct ranked_row {
    const deployment_row* row = nullptr;
    int group_depth = 0;
};

/// Compares two rows by the rules of docs/models.md §4.1, strongest first: < 0 when `a` is
/// preferred, > 0 when `b` is, 0 when no rule separates them. `rule`, when given, receives the
/// name of the rule that decided ("" when none did).
int compare_rows(const ranked_row& a, const ranked_row& b, std::string_view* rule = nullptr);

/// What the precedence made of the rows of one revision.
struct row_choice {
    std::size_t kept = 0;  ///< index of the kept row among the rows given
    /// The rule that beat the runner-up; "" for a single row; when no rule separates the two,
    /// "identical rows, first in file order".
    std::string_view rule;
    /// Indices of the other rows with the kept row's (RevisionID, TargetGroup) pair, in order.
    /// Non-empty means the anomaly is reached (docs/models.md §3.2).
    std::vector<std::size_t> twins;
    /// The rule that beat the best of the twins ("" without twins).
    std::string_view twin_rule;

    bool anomaly_reached() const { return !twins.empty(); }
};

/// The name reported when two rows are equal under every rule (the earlier one is kept).
inline constexpr std::string_view identical_rows_rule = "identical rows, first in file order";

/// Reduces `rows` (of ONE revision, at least one) to one; on a tie the earlier row wins.
row_choice choose_row(const std::vector<ranked_row>& rows);

/// The same for rows given as indices into c.deployments(), with the catalog's group depths.
row_choice choose_row(const catalog& c, const std::vector<std::int32_t>& rows);

}  // namespace wsuslab::mitigation
