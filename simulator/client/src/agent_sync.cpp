// The SyncUpdates loop (software rounds, driver pass), classification of received revisions by
// their applicability rules, GetExtendedUpdateInfo batches and content checks.
#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include <wsuslab/protocol/core_fragment.hpp>

#include "agent_impl.hpp"

namespace wsuslab::client::detail {
namespace {

std::optional<std::vector<std::int32_t>> non_empty(std::vector<std::int32_t> ids) {
    if (ids.empty()) {
        return std::nullopt;  // sent as an absent element, as for a fresh client
    }
    return ids;
}

// The text of the first <Title> element of a LocalizedProperties fragment, "" when absent.
std::string title_of(const std::string& xml) {
    auto const open = xml.find("<Title>");
    if (open == std::string::npos) {
        return {};
    }
    auto const start = open + 7;
    auto const close = xml.find("</Title>", start);
    return close == std::string::npos ? std::string{} : xml.substr(start, close - start);
}

}  // namespace

void agent::store_update(const protocol::update_info& u, sync_pass pass) {
    cached_revision cr;
    cr.revision_id = u.id;
    cr.is_leaf = u.is_leaf;
    cr.deploy = u.deploy;
    cr.core_xml = u.xml.value_or("");
    cr.kind = pass == sync_pass::driver ? update_kind::driver : update_kind::software;
    if (auto const old = cache_.revisions.find(u.id); old != cache_.revisions.end()) {
        cr.title = old->second.title;
    }
    auto parsed = protocol::parse_core_with_rules(cr.core_xml);
    if (auto const* err = std::get_if<protocol::core_fragment_error>(&parsed)) {
        // Cache it anyway (as not applicable) so that the next round does not get it again.
        std::string const w = "revision " + std::to_string(u.id) + ": bad Core XML: " + err->problem;
        out_.warnings.push_back(w);
        log_.pt("WARNING: " + w);
        cr.state = protocol::applicability_state::not_applicable;
        cache_.revisions[u.id] = std::move(cr);
        return;
    }
    auto const& pc = std::get<protocol::parsed_core>(parsed);
    cr.update_id = pc.fragment.identity.update_id;
    cr.revision_number = pc.fragment.identity.revision_number;
    if (auto const k = update_kind_from_name(pc.fragment.update_type)) {
        cr.kind = *k;
    } else {
        out_.warnings.push_back("revision " + std::to_string(u.id) + ": unknown UpdateType '" +
                                pc.fragment.update_type + "', treated as Software");
    }
    // Categories have no rules; WUA reports them installed so that updates gated on a product or
    // classification category can arrive (docs/protocol-notes.md §7.3 Note B).
    if (cr.kind == update_kind::category) {
        cr.state = protocol::applicability_state::installed;
    } else {
        // A rule the agent cannot evaluate makes the update not applicable, with a log line
        // (docs/applicability-rules.md §5).
        auto const eval = protocol::evaluate_applicability(pc.rules, opt_.profile.machine);
        for (auto const& note : eval.notes) {
            std::string const w = "revision " + std::to_string(u.id) + ": applicability: " + note;
            out_.warnings.push_back(w);
            log_.pt("WARNING: " + w);
        }
        cr.state = eval.state;
    }
    cache_.revisions[u.id] = std::move(cr);
}

void agent::reevaluate() {
    for (auto& [id, rev] : cache_.revisions) {
        if (rev.kind == update_kind::category) {
            rev.state = protocol::applicability_state::installed;
            continue;
        }
        auto parsed = protocol::parse_core_with_rules(rev.core_xml);
        if (auto const* pc = std::get_if<protocol::parsed_core>(&parsed)) {
            rev.state = protocol::evaluate_state(pc->rules, opt_.profile.machine);
        } else {
            rev.state = protocol::applicability_state::not_applicable;
        }
    }
}

void agent::absorb(const protocol::sync_info& info, sync_pass pass) {
    if (info.new_cookie) {
        cache_.cookie = *info.new_cookie;
    }
    if (info.out_of_scope_revision_ids) {
        for (auto id : *info.out_of_scope_revision_ids) {
            cache_.revisions.erase(id);
        }
    }
    if (info.changed_updates) {
        for (auto const& u : *info.changed_updates) {
            auto const it = cache_.revisions.find(u.id);
            if (it == cache_.revisions.end() || (u.xml && !u.xml->empty())) {
                store_update(u, pass);
                continue;
            }
            if (u.deploy) {
                it->second.deploy = u.deploy;
            }
            it->second.is_leaf = u.is_leaf;
        }
    }
    if (info.new_updates) {
        for (auto const& u : *info.new_updates) {
            store_update(u, pass);
        }
    }
    if (pass == sync_pass::software) {
        driver_sync_not_needed_ = info.driver_sync_not_needed;
    }
}

protocol::request agent::sync_request(sync_pass pass, round_trace& trace) {
    bool const driver = pass == sync_pass::driver;
    std::vector<std::int32_t> installed;
    std::vector<std::int32_t> other;
    std::vector<std::int32_t> drivers;
    declared_.clear();
    for (auto const& [id, rev] : cache_.revisions) {
        if (rev.kind == update_kind::driver) {
            drivers.push_back(id);
            declared_[id] = "CachedDriverIDs";
        } else if (rev.state == protocol::applicability_state::installed && !rev.is_leaf) {
            installed.push_back(id);
            // The driver pass declares only CachedDriverIDs cached (docs/protocol-notes.md §7.1 step 3).
            if (!driver) {
                declared_[id] = "InstalledNonLeafUpdateIDs";
            }
        } else {
            other.push_back(id);
            if (!driver) {
                declared_[id] = "OtherCachedUpdateIDs";
            }
        }
    }
    trace.installed_non_leaf = installed.size();
    trace.other_cached = driver ? 0 : other.size();
    trace.cached_drivers = drivers.size();
    protocol::sync_update_parameters p;
    p.express_query = false;
    p.skip_software_sync = driver;
    p.installed_non_leaf_update_ids = non_empty(std::move(installed));
    if (!driver) {
        p.other_cached_update_ids = non_empty(std::move(other));
    } else {
        p.system_spec = std::vector<protocol::device>{};  // the profile declares no devices
    }
    p.cached_driver_ids = non_empty(std::move(drivers));
    if (modern()) {
        modern_parameters(p);
    }
    protocol::sync_updates_request req;
    req.cookie_ = cache_.cookie;
    req.parameters = std::move(p);
    return req;
}

outcome_of<protocol::sync_info> agent::sync_round(sync_pass pass) {
    if (rounds_ >= opt_.max_rounds) {
        log_.pt("WARNING: Exceeded max server round trips: " + format_hresult(hr::exceeded_max_server_trips));
        return failure{sync_verdict::failed, hr::exceeded_max_server_trips,
                       "SyncUpdates: more than " + std::to_string(opt_.max_rounds) +
                           " round trips to the server in one detection",
                       std::nullopt};
    }
    ++rounds_;
    round_trace trace;
    trace.attempt = attempt_;
    trace.round = rounds_;
    trace.driver_pass = pass == sync_pass::driver;
    auto build = [this, pass, &trace]() { return sync_request(pass, trace); };
    auto r = call(protocol::operation::sync_updates, client_url(), build);
    if (auto* f = std::get_if<failure>(&r)) {
        trace.faulted = true;
        keep_round(std::move(trace));
        return *f;
    }
    auto const* resp = std::get_if<protocol::sync_updates_response>(&std::get<protocol::response>(r));
    if (resp == nullptr || !resp->result) {
        trace.faulted = true;
        keep_round(std::move(trace));
        return failure{sync_verdict::failed, hr::soapclient_parse,
                       "SyncUpdates: the response has no SyncUpdatesResult", std::nullopt};
    }
    protocol::sync_info const& info = *resp->result;
    if (info.new_updates) {
        trace.new_updates = info.new_updates->size();
        for (auto const& u : *info.new_updates) {
            trace.new_update_ids.push_back(u.id);
        }
    }
    trace.changed_updates = info.changed_updates ? info.changed_updates->size() : 0;
    trace.out_of_scope = info.out_of_scope_revision_ids ? info.out_of_scope_revision_ids->size() : 0;
    trace.truncated = info.truncated;
    trace.driver_sync_not_needed = info.driver_sync_not_needed;
    note_duplicates(info, trace);
    cached_before_.clear();
    for (auto const& [id, rev] : cache_.revisions) {
        cached_before_.insert(id);
    }
    last_round_ = trace;
    keep_round(std::move(trace));
    absorb(info, pass);
    return info;
}

void agent::note_duplicates(const protocol::sync_info& info, round_trace& trace) {
    if (!info.new_updates) {
        return;
    }
    std::map<std::int32_t, int> seen;
    for (auto const& u : *info.new_updates) {
        if (++seen[u.id] == 2) {
            trace.repeated_ids.push_back(u.id);
        }
        auto const declared = declared_.find(u.id);
        if (seen[u.id] == 1 && declared != declared_.end()) {
            trace.resent_ids.push_back(u.id);
            // wsuslab's own PT line (no published WUA line reports this).
            std::string const w = "SyncUpdates round " + std::to_string(trace.round) + ": the server resent revision " +
                                  std::to_string(u.id) + ", which the request declared cached in " +
                                  declared->second + " (duplicate revision ID, MS-WUSP §3.1.5.7)";
            log_.pt("WARNING: " + w);
            out_.warnings.push_back(w);
        }
    }
    for (auto id : trace.repeated_ids) {
        std::string const w = "SyncUpdates round " + std::to_string(trace.round) + ": revision " +
                              std::to_string(id) + " appears " + std::to_string(seen[id]) +
                              " times in NewUpdates (duplicate revision ID, MS-WUSP §3.1.5.7)";
        log_.pt("WARNING: " + w);
        out_.warnings.push_back(w);
    }
}

bool agent::another_round(const protocol::sync_info& info, const round_trace& trace) {
    // New = received now and neither cached before this round nor a repeat within it.
    bool any_new = false;
    bool new_non_leaf = false;
    if (info.new_updates) {
        std::set<std::int32_t> counted;
        for (auto const& u : *info.new_updates) {
            if (cached_before_.count(u.id) == 0 && counted.insert(u.id).second) {
                any_new = true;
                new_non_leaf = new_non_leaf || !u.is_leaf;
            }
        }
    }
    // ChangedUpdates and OutOfScopeRevisionIDs also change the client's state: a server may page them.
    bool const other_change = trace.changed_updates > 0 || trace.out_of_scope > 0;
    if (!any_new && !other_change) {
        if (!trace.resent_ids.empty() || !trace.repeated_ids.empty() || info.truncated) {
            std::string const w = "SyncUpdates round " + std::to_string(trace.round) +
                                  " brought no revision the client did not have" +
                                  (info.truncated ? std::string(" although Truncated=true") : std::string()) +
                                  "; the " + (trace.driver_pass ? "driver" : "software") + " pass ends here";
            log_.pt("WARNING: " + w);
            out_.warnings.push_back(w);
        }
        return false;
    }
    if (opt_.rounds == round_rule::until_empty || info.truncated) {
        return true;
    }
    return new_non_leaf;  // MS-WUSP §3.1.5.7: Truncated=false ends the pass unless a new non-leaf came
}

std::optional<failure> agent::software_pass() {
    for (;;) {
        auto r = sync_round(sync_pass::software);
        if (auto* f = std::get_if<failure>(&r)) {
            return *f;
        }
        if (!another_round(std::get<protocol::sync_info>(r), last_round_)) {
            return std::nullopt;
        }
    }
}

std::optional<failure> agent::driver_pass() {
    if (driver_sync_not_needed_ && *driver_sync_not_needed_ == "true") {
        return std::nullopt;
    }
    for (;;) {
        auto r = sync_round(sync_pass::driver);
        if (auto* f = std::get_if<failure>(&r)) {
            return *f;
        }
        auto const& info = std::get<protocol::sync_info>(r);
        if (!info.truncated || !another_round(info, last_round_)) {
            return std::nullopt;
        }
    }
}

void agent::modern_parameters(protocol::sync_update_parameters& p) const {
    // Server >= 3.2 only (docs/protocol-notes.md §4.2); the captured agent sends both to WSUS 2025.
    if (version_at_least(cache_.config->server_protocol_version, 3, 2)) {
        p.need_two_group_out_of_scope_updates = true;
        if (filter_categories_ && !filter_categories_->empty()) {
            p.filter_category_ids = filter_categories_;
        }
    }
}

std::vector<std::int32_t> agent::needed_ids() const {
    std::vector<std::int32_t> ids;
    for (auto const& [id, rev] : cache_.revisions) {
        bool const offered_kind = rev.kind == update_kind::software || rev.kind == update_kind::driver;
        bool const offered_action =
            rev.deploy && (rev.deploy->action == protocol::deployment_action::install ||
                           rev.deploy->action == protocol::deployment_action::optional_install);
        if (offered_kind && offered_action && rev.state == protocol::applicability_state::needed) {
            ids.push_back(id);
        }
    }
    return ids;
}

std::optional<failure> agent::extended_info(std::vector<protocol::file_location>& files) {
    std::vector<std::int32_t> const ids = needed_ids();
    if (ids.empty()) {
        return std::nullopt;
    }
    log_.pt("+++++++++++ PT: Synchronizing extended update info +++++++++++");
    log_.pt("+ ServiceId = " + std::string(wsus_service_id) + ", Server URL = " + client_url());
    std::size_t const batch = std::max<std::size_t>(1, cache_.config->max_extended_updates_per_request);
    std::set<std::string> seen_digests;
    for (std::size_t start = 0; start < ids.size(); start += batch) {
        std::vector<std::int32_t> chunk(ids.begin() + static_cast<std::ptrdiff_t>(start),
                                        ids.begin() + static_cast<std::ptrdiff_t>(std::min(ids.size(), start + batch)));
        auto build = [this, &chunk]() -> protocol::request {
            protocol::get_extended_update_info_request req;
            req.cookie_ = cache_.cookie;
            req.revision_ids = chunk;
            req.info_types = protocol::string_list{"Extended", "LocalizedProperties"};
            req.locales = opt_.locales;
            if (modern()) {
                // The captured agent's fields (captures scan-10); deviceAttributes is added by
                // wire_body, between locales and GeoId.
                req.locales = protocol::string_list{"en-US", "en"};
                req.geo_id = "USA";
                req.caller_attributes = std::string(modern_caller_attributes);
            }
            return req;
        };
        auto r = call(protocol::operation::get_extended_update_info, client_url(), build);
        if (auto* f = std::get_if<failure>(&r)) {
            return *f;
        }
        auto const* resp =
            std::get_if<protocol::get_extended_update_info_response>(&std::get<protocol::response>(r));
        if (resp == nullptr || !resp->result) {
            continue;
        }
        if (resp->result->updates) {
            for (auto const& data : *resp->result->updates) {
                ++out_.extended_info_fragments;
                // The Extended fragment names each file by its digest: remember whose it is.
                if (data.xml) {
                    for (auto const& loc : resp->result->file_locations.value_or(
                             std::vector<protocol::file_location>{})) {
                        if (loc.file_digest &&
                            data.xml->find("\"" + *loc.file_digest + "\"") != std::string::npos) {
                            file_owner_[*loc.file_digest] = data.id;
                        }
                    }
                }
                auto const it = cache_.revisions.find(data.id);
                std::string const title = data.xml ? title_of(*data.xml) : std::string{};
                if (it != cache_.revisions.end() && !title.empty()) {
                    it->second.title = title;
                }
            }
        }
        if (resp->result->file_locations) {
            for (auto const& loc : *resp->result->file_locations) {
                if (loc.file_digest && seen_digests.insert(*loc.file_digest).second) {
                    files.push_back(loc);
                }
            }
        }
    }
    return std::nullopt;
}

}  // namespace wsuslab::client::detail
