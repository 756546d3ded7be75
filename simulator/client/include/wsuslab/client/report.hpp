#pragma once
/// Presenting a sync_outcome: the short human summary `wsuslab sync` prints and the `--json`
/// document. Pure functions.
///
/// JSON shape (stable keys): {"verdict", "exit_code", "hresult" ("0x8024400E"), "hresult_name",
/// "error", "server_url", "profile", "client_id", "log_path", "fault": {"operation", "faultcode",
/// "faultstring", "error_code", "message", "id", "method", "http_status", "hresult"} | null,
/// "attempts": [{"number", "started", "finished", "verdict", "hresult", "error", "rounds",
/// "recoveries", "fault_id", "http_status", "next_detection"}], "rounds": [{"attempt", "round",
/// "pass" ("software"/"driver"), "installed_non_leaf", "other_cached", "cached_drivers",
/// "new_updates", "changed_updates", "out_of_scope", "truncated", "faulted"}], "updates":
/// [{"revision_id", "update_id", "revision_number", "type", "is_leaf", "state", "action",
/// "title"}], "counts": {"needed", "installed", "not_applicable", "received"},
/// "downloads": [...], "next_detection", "exchanges": count}.

#include <string>

#include <wsuslab/client/sync_outcome.hpp>

namespace wsuslab::client {

struct report_context {
    std::string server_url;
    std::string profile_name;
    std::string log_path;  ///< "" when no --log
};

/// A few lines: rounds, updates received, needed/installed/not applicable, the verdict, and for
/// a fault its ErrorCode, fault ID and HTTP status.
std::string format_summary(const sync_outcome& outcome, const report_context& context);

/// The --json document, pretty-printed with a trailing newline.
std::string format_json(const sync_outcome& outcome, const report_context& context);

}  // namespace wsuslab::client
