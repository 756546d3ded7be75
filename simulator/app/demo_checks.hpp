#pragma once
/// What each demo step must observe for the story to hold, as checks on a client_run. Shared by
/// the demo and its tests, so the demo's verdict and the test's verdict cannot drift apart.

#include <string>
#include <vector>

#include "demo_story.hpp"

namespace wsuslab::app::demo {

struct check_result {
    bool ok = false;
    std::string observed;  ///< one line for the summary table, naming what did not match
};

/// The nine PT lines of Security Advisory 954960 (docs/history.md §3.1), as "component text".
std::vector<std::string> historical_pt_lines(const std::string& server_url, int http_status,
                                             const std::string& fault_id);

/// The 2008 failure: every attempt fails with 0x8024400E on a SyncUpdates fault
/// InternalServerError, the client log holds the nine PT lines, and the server log holds the
/// ArgumentException and the ThrowException line with the same fault ID.
check_result check_historical_failure(const client_run& run);

/// Whether check_synced also looks in the server log for the duplicate the fixed model resolved.
enum class resolved_duplicate { not_checked, expected };

/// The client synced; with resolved_duplicate::expected the server log must also name the
/// duplicate the fixed model resolved.
check_result check_synced(const client_run& run, resolved_duplicate duplicate);

/// Whether a server log line carries the fault ID (the ThrowException line).
bool mentions(const std::string& line, const std::string& needle);

}  // namespace wsuslab::app::demo
