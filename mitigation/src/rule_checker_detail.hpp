#pragma once
// Internals shared by the rule checker sources: the per-exchange rule families.

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <wsuslab/mitigation/rule_checker.hpp>

namespace wsuslab::mitigation::detail {

/// Collects violations for one exchange, stamping each with the exchange's position.
class violation_sink {
public:
    explicit violation_sink(const checked_exchange& e) : e_(e) {}
    void add(std::string_view rule, std::string message);
    std::vector<violation>& items() { return items_; }

private:
    const checked_exchange& e_;
    std::vector<violation> items_;
};

/// Revision ID -> the SyncUpdates round of the same detection that first delivered it.
using delivery_history = std::map<std::int32_t, std::size_t>;

/// Rules on a SyncInfo (SyncUpdates or SyncPrinterCatalog result). With `history` (check_run),
/// a resent revision's message also names the round that delivered it first.
void check_sync_info(const checked_exchange& e, const protocol::sync_info& info,
                     const rule_options& o, violation_sink& out,
                     const delivery_history* history = nullptr);

/// check_exchange with the delivery history of the detection so far (nullptr: none).
std::vector<violation> check_with_history(const checked_exchange& e, const rule_options& o,
                                          const delivery_history* history);

/// Rules on a SOAP fault.
void check_fault(const checked_exchange& e, const protocol::soap_fault& f, const rule_options& o,
                 violation_sink& out);

/// "revision 8862", the way every message names a revision.
std::string revision_text(std::int32_t id);

/// Comma-separated IDs: "8862, 8863".
std::string join_ids(const std::vector<std::int32_t>& ids);

}  // namespace wsuslab::mitigation::detail
