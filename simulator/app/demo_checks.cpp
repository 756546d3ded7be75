#include "demo_checks.hpp"

#include <algorithm>
#include <cstdio>

#include <wsuslab/client/agent.hpp>

namespace wsuslab::app::demo {
namespace {

constexpr std::uint32_t soap_server_hresult = 0x8024400EU;

std::string hex(std::uint32_t value) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "0x%08X", value);
    return buffer;
}

/// Whether `wanted` appears in `lines` in this order (other lines may come between).
bool in_order(const std::vector<client::log_line>& lines, const std::vector<std::string>& wanted,
              std::string& missing) {
    std::size_t next = 0;
    for (auto const& line : lines) {
        if (next < wanted.size() && line.tagged() == wanted[next]) {
            ++next;
        }
    }
    if (next < wanted.size()) {
        missing = wanted[next];
        return false;
    }
    return true;
}

std::size_t count_lines(const std::vector<std::string>& lines, const std::string& a,
                        const std::string& b) {
    return static_cast<std::size_t>(std::count_if(lines.begin(), lines.end(), [&](auto const& l) {
        return mentions(l, a) && mentions(l, b);
    }));
}

}  // namespace

bool mentions(const std::string& line, const std::string& needle) {
    return !needle.empty() && line.find(needle) != std::string::npos;
}

std::vector<std::string> historical_pt_lines(const std::string& server_url, int http_status,
                                             const std::string& fault_id) {
    return {
        "PT +++++++++++ PT: Synchronizing server updates +++++++++++",
        "PT + ServiceId = " + std::string(client::wsus_service_id) +
            ", Server URL = " + client::client_service_url(server_url),
        "PT WARNING: SyncUpdates failure, error = 0x8024400E, soap client error = 7, soap error "
        "code = 400, HTTP status code = " +
            std::to_string(http_status),
        "PT WARNING: SOAP Fault: 0x000190",
        "PT WARNING: faultstring:Fault occurred",
        "PT WARNING: ErrorCode:InternalServerError(5)",
        "PT WARNING: Message:(null)",
        "PT WARNING: Method:\"http://www.microsoft.com/SoftwareDistribution/Server/"
        "ClientWebService/SyncUpdates\"",
        "PT WARNING: ID:" + fault_id,
    };
}

check_result check_historical_failure(const client_run& run) {
    auto const& o = run.outcome;
    if (o.verdict != client::sync_verdict::failed || !o.fault) {
        return {false, "expected a failed sync with a fault, got " +
                           std::string(client::verdict_name(o.verdict)) +
                           (o.error.empty() ? "" : ": " + o.error)};
    }
    auto const& f = *o.fault;
    if (f.op != protocol::operation::sync_updates ||
        f.fault.error.value_or("") != "InternalServerError" || o.hresult != soap_server_hresult) {
        return {false, "expected SyncUpdates InternalServerError 0x8024400E, got " +
                           std::string(protocol::operation_name(f.op)) + " " +
                           f.fault.error.value_or("(no ErrorCode)") + " " + hex(o.hresult)};
    }
    std::string missing;
    if (!in_order(o.log, historical_pt_lines(run.server_url, f.http_status, run.fault_id),
                  missing)) {
        return {false, "WindowsUpdate.log lacks: " + missing};
    }
    if (count_lines(run.server_log, "Item has already been added. Key in dictionary: '",
                    "  Key being added: '") == 0) {
        return {false, "SoftwareDistribution.log lacks the ArgumentException line"};
    }
    // Every detection's fault GUID must appear once in the server log and once in the client log.
    for (auto const& a : o.attempts) {
        std::string const id = a.fault ? a.fault->fault.id : "";
        if (count_lines(run.server_log, "ID=" + id, "ErrorCode=InternalServerError") != 1) {
            return {false, "SoftwareDistribution.log lacks the ThrowException line with ID=" + id};
        }
        std::string wanted = "PT WARNING: ID:" + id;
        if (std::none_of(o.log.begin(), o.log.end(),
                         [&](const client::log_line& l) { return l.tagged() == wanted; })) {
            return {false, "WindowsUpdate.log lacks: " + wanted};
        }
    }
    bool const every_attempt_failed =
        std::all_of(o.attempts.begin(), o.attempts.end(), [](const client::attempt_result& a) {
            return a.verdict == client::sync_verdict::failed && a.hresult == soap_server_hresult;
        });
    if (o.attempts.size() < 2 || !every_attempt_failed) {
        return {false, "expected the retry 5 hours later to fail the same way"};
    }
    auto const gap = std::chrono::duration_cast<std::chrono::minutes>(o.attempts[1].started -
                                                                      o.attempts[0].finished);
    return {true, "fault InternalServerError (HTTP " + std::to_string(f.http_status) +
                      "), client " + hex(o.hresult) + ", fault ID " + run.fault_id +
                      " in both logs; retry after " + std::to_string((gap.count() + 30) / 60) +
                      " h failed the same way"};
}

check_result check_synced(const client_run& run, resolved_duplicate duplicate) {
    auto const& o = run.outcome;
    if (o.verdict != client::sync_verdict::synced) {
        return {false, "expected a sync, got " + std::string(client::verdict_name(o.verdict)) +
                           " " + hex(o.hresult) + (o.error.empty() ? "" : ": " + o.error)};
    }
    std::string observed = "synced in " + std::to_string(o.rounds.size()) + " SyncUpdates rounds, " +
                           std::to_string(o.needed) + " updates needed, " +
                           std::to_string(o.installed) + " installed";
    if (duplicate == resolved_duplicate::expected) {
        auto const n = count_lines(run.server_log, "Warning", "GetSyncInfo: revision");
        if (n == 0) {
            return {false, observed + ", but the server log names no resolved duplicate"};
        }
        observed += "; server log: " + std::to_string(n) + " duplicate(s) resolved";
    }
    return {true, observed};
}

}  // namespace wsuslab::app::demo
