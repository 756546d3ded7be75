#include <wsuslab/client/report.hpp>

#include <sstream>

#include <nlohmann/json.hpp>

#include <wsuslab/client/hresult.hpp>
#include <wsuslab/protocol/operations.hpp>

namespace wsuslab::client {
namespace {

using nlohmann::json;

json time_or_null(const std::optional<time_point>& t) {
    return t ? json(format_iso8601(*t)) : json(nullptr);
}

json fault_json(const std::optional<fault_details>& f) {
    if (!f) {
        return nullptr;
    }
    json j;
    j["operation"] = std::string(protocol::operation_name(f->op));
    j["faultcode"] = std::string(protocol::fault_code_name(f->fault.code));
    j["faultstring"] = f->fault.faultstring;
    j["faultactor"] = f->fault.faultactor ? json(*f->fault.faultactor) : json(nullptr);
    j["error_code"] = f->fault.error ? json(*f->fault.error) : json(nullptr);
    j["message"] = f->fault.message;
    j["id"] = f->fault.id;
    j["method"] = f->fault.method;
    j["http_status"] = f->http_status;
    j["hresult"] = format_hresult(f->hresult);
    return j;
}

std::size_t received(const sync_outcome& o) {
    std::size_t n = 0;
    for (auto const& r : o.rounds) {
        n += r.new_updates;
    }
    return n;
}

json rounds_json(const sync_outcome& o) {
    json rounds = json::array();
    for (auto const& r : o.rounds) {
        rounds.push_back({{"attempt", r.attempt},
                          {"round", r.round},
                          {"pass", r.driver_pass ? "driver" : "software"},
                          {"installed_non_leaf", r.installed_non_leaf},
                          {"other_cached", r.other_cached},
                          {"cached_drivers", r.cached_drivers},
                          {"new_updates", r.new_updates},
                          {"changed_updates", r.changed_updates},
                          {"out_of_scope", r.out_of_scope},
                          {"truncated", r.truncated},
                          {"resent", r.resent_ids},
                          {"repeated", r.repeated_ids},
                          {"faulted", r.faulted}});
    }
    return rounds;
}

}  // namespace

std::string format_summary(const sync_outcome& o, const report_context& ctx) {
    std::ostringstream s;
    s << "wsuslab sync: profile " << ctx.profile_name << " against " << ctx.server_url << "\n";
    s << "  agent: " << o.agent << (o.auth_plug_in.empty() ? std::string() : ", authorization plug-in " + o.auth_plug_in)
      << "\n";
    for (auto const& a : o.attempts) {
        s << "  detection " << a.number << " at " << format_iso8601(a.started) << ": " << a.rounds
          << " SyncUpdates round" << (a.rounds == 1 ? "" : "s");
        if (a.recoveries > 0) {
            s << ", " << a.recoveries << " recover" << (a.recoveries == 1 ? "y" : "ies");
        }
        s << ", " << verdict_name(a.verdict);
        if (a.verdict != sync_verdict::synced) {
            s << " " << format_hresult(a.hresult);
        }
        s << "\n";
    }
    s << "  updates received: " << received(o) << " (cached revisions: " << o.cache.revisions.size()
      << ")\n";
    s << "  needed: " << o.needed << ", installed: " << o.installed
      << ", not applicable: " << o.not_applicable << "\n";
    if (!o.downloads.empty()) {
        std::size_t verified = 0;
        std::size_t bytes = 0;
        for (auto const& d : o.downloads) {
            verified += d.verified ? 1 : 0;
            bytes += d.bytes;
        }
        s << "  downloads: " << verified << " of " << o.downloads.size() << " files verified (SHA-1), "
          << bytes << " bytes\n";
    }
    if (o.fault) {
        auto const& f = *o.fault;
        s << "  fault: " << protocol::operation_name(f.op) << " answered "
          << protocol::fault_code_name(f.fault.code) << " "
          << (f.fault.error ? *f.fault.error : std::string("(no ErrorCode)"))
          << ", fault ID " << (f.fault.id.empty() ? std::string("(none)") : f.fault.id)
          << ", HTTP status " << f.http_status << "\n";
    }
    for (auto const& w : o.warnings) {
        s << "  warning: " << w << "\n";
    }
    if (!ctx.log_path.empty()) {
        s << "  log: " << ctx.log_path << "\n";
    }
    s << "verdict: " << verdict_name(o.verdict);
    if (o.verdict != sync_verdict::synced) {
        std::string_view const name = hresult_name(o.hresult);
        s << " " << format_hresult(o.hresult);
        if (!name.empty()) {
            s << " (" << name << ")";
        }
        if (!o.error.empty()) {
            s << ": " << o.error;
        }
    }
    s << "\n";
    if (o.next_detection) {
        s << "next detection: " << format_iso8601(*o.next_detection) << "\n";
    }
    return s.str();
}

std::string format_json(const sync_outcome& o, const report_context& ctx) {
    json j;
    j["verdict"] = std::string(verdict_name(o.verdict));
    j["exit_code"] = o.exit_code();
    j["hresult"] = format_hresult(o.hresult);
    j["hresult_name"] = std::string(hresult_name(o.hresult));
    j["error"] = o.error;
    j["server_url"] = ctx.server_url;
    j["profile"] = ctx.profile_name;
    j["client_id"] = o.cache.client_id;
    j["agent"] = o.agent;
    j["auth_plug_in"] = o.auth_plug_in;
    j["log_path"] = ctx.log_path.empty() ? json(nullptr) : json(ctx.log_path);
    j["fault"] = fault_json(o.fault);
    json attempts = json::array();
    for (auto const& a : o.attempts) {
        attempts.push_back({{"number", a.number},
                            {"started", format_iso8601(a.started)},
                            {"finished", format_iso8601(a.finished)},
                            {"verdict", std::string(verdict_name(a.verdict))},
                            {"hresult", format_hresult(a.hresult)},
                            {"error", a.error},
                            {"rounds", a.rounds},
                            {"recoveries", a.recoveries},
                            {"events_reported", a.events_reported},
                            {"fault_id", a.fault ? json(a.fault->fault.id) : json(nullptr)},
                            {"http_status", a.fault ? json(a.fault->http_status) : json(nullptr)},
                            {"next_detection", time_or_null(a.next_detection)}});
    }
    j["attempts"] = std::move(attempts);
    j["rounds"] = rounds_json(o);
    json updates = json::array();
    for (auto const& [id, rev] : o.cache.revisions) {
        updates.push_back(
            {{"revision_id", rev.revision_id},
             {"update_id", rev.update_id},
             {"revision_number", rev.revision_number},
             {"type", std::string(update_kind_name(rev.kind))},
             {"is_leaf", rev.is_leaf},
             {"state", std::string(applicability_state_name(rev.state))},
             {"action", rev.deploy ? json(std::string(protocol::deployment_action_name(rev.deploy->action)))
                                   : json(nullptr)},
             {"title", rev.title}});
    }
    j["updates"] = std::move(updates);
    j["counts"] = {{"needed", o.needed},
                   {"installed", o.installed},
                   {"not_applicable", o.not_applicable},
                   {"received", received(o)}};
    j["needed_revision_ids"] = o.needed_revision_ids;
    json downloads = json::array();
    for (auto const& d : o.downloads) {
        downloads.push_back({{"revision_id", d.revision_id},
                             {"url", d.url},
                             {"digest", d.digest_base64},
                             {"head_status", d.head_status},
                             {"get_status", d.get_status},
                             {"bytes", d.bytes},
                             {"verified", d.verified},
                             {"error", d.error}});
    }
    j["downloads"] = std::move(downloads);
    j["warnings"] = o.warnings;
    j["next_detection"] = time_or_null(o.next_detection);
    j["exchanges"] = o.exchanges.size();
    return j.dump(2) + "\n";
}

}  // namespace wsuslab::client
