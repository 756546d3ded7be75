// Metadata sync (docs/protocol-notes.md §4.5–§4.8, §7): StartCategoryScan, and SyncUpdates,
// SyncPrinterCatalog and RefreshCache through the chosen model. Every deployment decision is the
// model's (docs/models.md §6): this file only asks and encodes the answer.

#include <algorithm>
#include <map>

#include <wsuslab/mitigation/deployment_scope.hpp>
#include <wsuslab/protocol/text.hpp>

#include "operations.hpp"
#include "service_time.hpp"
#include "targeting.hpp"

namespace wsuslab::server::detail {
namespace {

using protocol::error_code;

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (auto const& s : items) {
        out += (out.empty() ? "" : ";") + s;
    }
    return out;
}

// The legacy model's failure, counted and answered as WSUS 3.0 SP1 did: InternalServerError with
// the .NET exception logged right before its ThrowException line (docs/models.md §3.3).
app_fault duplicate_key_fault(const operation_context& ctx, const soap_call& call,
                              const mitigation::duplicate_key_error& dup) {
    ctx.metrics.record_duplicates_met();
    return app_fault{error_code::internal_server_error,
                     "",
                     {log_line{log_severity::error, canonical_log_source(call.op),
                               "System.ArgumentException: " + dup.message(), dup.stack_frames()}}};
}

std::string duplicate_detail(const mitigation::duplicate_key_error& dup) {
    return "duplicate=" + std::to_string(dup.key_being_added) + " in " + dup.table;
}

// One Warning line per anomaly the fixed model resolved, and the metric.
void log_resolved(const operation_context& ctx, soap_call& call,
                  const std::vector<mitigation::resolved_anomaly>& resolved) {
    for (auto const& a : resolved) {
        const char* source = a.operation == protocol::operation::refresh_cache ? "ClientImplementation.RefreshCache"
                                                                               : "ClientImplementation.GetSyncInfo";
        call.extra_log.push_back(log_line{log_severity::warning, source, a.to_string(), {}});
    }
    if (!resolved.empty()) {
        ctx.metrics.record_duplicates_resolved(resolved.size());
    }
}

// The part of a GetSyncInfo request the cookie decides: groups, watermark, the client's protocol
// version, and the scenario's page size.
mitigation::sync_request sync_request_for(const operation_context& ctx, const cookie_payload& cookie) {
    mitigation::sync_request sr;
    sr.groups = cookie.groups;
    sr.watermark = cookie.watermark;
    sr.page_size = ctx.scenario().server.page_size;
    sr.client_supports_1_8_fields = version_at_least(cookie.protocol_version, 1, 8);
    return sr;
}

// The sync_info both sync operations answer, the NewCookie included: the model's paging and
// out-of-scope revisions, and its new watermark (when it gave one) carried in a fresh cookie.
protocol::sync_info sync_answer(const operation_context& ctx, const soap_call& call, cookie_payload cookie,
                                mitigation::sync_result& result) {
    protocol::sync_info si;
    if (!result.out_of_scope.empty()) {
        si.out_of_scope_revision_ids = std::move(result.out_of_scope);
    }
    si.truncated = result.truncated;
    if (!result.new_watermark.empty()) {
        cookie.watermark = result.new_watermark;
    }
    si.new_cookie = issue_cookie(ctx, call, std::move(cookie));
    return si;
}

// The GetSyncInfo parameter limits of WSUS's web.config (docs/protocol-notes.md §5.1): the codec
// checks them too; this keeps the service right whatever limits the codec was given.
std::optional<app_fault> parameter_limits_problem(const operation_context& ctx,
                                                  const protocol::sync_update_parameters& p) {
    const auto too_long = [](const std::optional<protocol::id_list>& l, std::size_t max) {
        return l && l->size() > max;
    };
    if (too_long(p.installed_non_leaf_update_ids, ctx.options.limits.max_installed_non_leaf_ids)) {
        return fault(error_code::invalid_parameters, "parameters.InstalledNonLeafUpdateIDs");
    }
    if (too_long(p.other_cached_update_ids, ctx.options.limits.max_array_items)) {
        return fault(error_code::invalid_parameters, "parameters.OtherCachedUpdateIDs");
    }
    if (too_long(p.cached_driver_ids, ctx.options.limits.max_array_items)) {
        return fault(error_code::invalid_parameters, "parameters.CachedDriverIDs");
    }
    return std::nullopt;
}

bool mentions_printer(const mitigation::revision& r) {
    const auto mentions = [](std::string_view text) {
        return protocol::ifind(text, "printer") != std::string_view::npos;
    };
    return mentions(r.classification) || mentions(r.product) || mentions(r.title);
}

}  // namespace

const mitigation::get_sync_info_model& model_for(const operation_context& ctx, soap_call& call,
                                                 const std::vector<std::string>& groups, std::string* decided_by) {
    const mitigation::model_kind kind =
        group_model(ctx.scenario(), groups, decided_by).value_or(ctx.data.default_model);
    call.notes.model = std::string(mitigation::model_name(kind));
    return ctx.data.model(kind);
}

op_outcome start_category_scan(const operation_context& ctx, soap_call& call,
                               const protocol::start_category_scan_request& r) {
    // The operation exists only on servers of protocol 3.2 and later (docs/protocol-notes.md §4.2).
    if (!version_at_least(ctx.scenario().server.protocol_version, 3, 2)) {
        return plain_fault{protocol::fault_code::client,
                           "StartCategoryScan is not offered by a server of protocol version " +
                               ctx.scenario().server.protocol_version + " (it needs 3.2)"};
    }
    if (!r.requested_categories) {
        return fault(error_code::invalid_parameters, "requestedCategories");
    }
    // WSUS 3.0 SP2 rejects 200 or more categories (docs/protocol-notes.md §4.5, <52>).
    if (r.requested_categories->size() >= 200) {
        return fault(error_code::invalid_parameters, "requestedCategories");
    }
    // Disjunctive normal form: AND-groups by IndexOfAndGroup, in order of first appearance.
    std::vector<std::int32_t> order;
    std::map<std::int32_t, std::vector<const mitigation::revision*>> groups;
    std::map<std::int32_t, bool> dropped;
    protocol::string_list errors;
    for (auto const& rel : *r.requested_categories) {
        if (groups.count(rel.index_of_and_group) == 0) {
            order.push_back(rel.index_of_and_group);
            groups[rel.index_of_and_group];
        }
        const mitigation::revision* cat = ctx.data.index.category(rel.category_id);
        if (cat == nullptr) {
            if (std::none_of(errors.begin(), errors.end(),
                             [&](const std::string& e) { return protocol::iequals(e, rel.category_id); })) {
                errors.push_back(rel.category_id);
            }
            dropped[rel.index_of_and_group] = true;
            continue;
        }
        groups[rel.index_of_and_group].push_back(cat);
    }
    protocol::string_list preferred;
    auto add_preferred = [&](const mitigation::revision* cat) {
        if (std::none_of(preferred.begin(), preferred.end(),
                         [&](const std::string& p) { return protocol::iequals(p, cat->update_id); })) {
            preferred.push_back(cat->update_id);
        }
    };
    for (const std::int32_t g : order) {
        if (dropped[g]) {
            continue;
        }
        const auto& cats = groups[g];
        const auto classifications = std::count_if(cats.begin(), cats.end(), [](const mitigation::revision* c) {
            return scenario_index::is_classification(*c);
        });
        if (cats.size() == 1 && classifications == 0) {
            add_preferred(cats.front());
        } else if (cats.size() == 2 && classifications == 1) {
            add_preferred(scenario_index::is_classification(*cats[0]) ? cats[1] : cats[0]);
        } else {
            // Any other shape cannot be served by a product filter: no preference at all.
            preferred.clear();
            break;
        }
    }
    call.notes.detail.push_back("preferred=" + std::to_string(preferred.size()));
    protocol::start_category_scan_response resp;
    resp.preferred_category_ids = std::move(preferred);
    resp.requested_category_ids_in_error = std::move(errors);
    return protocol::response(std::move(resp));
}

op_outcome sync_updates(const operation_context& ctx, soap_call& call, const protocol::sync_updates_request& r) {
    auto checked = check_cookie(ctx, call, r.cookie_, cookie_check::config | cookie_check::registration);
    if (auto* f = std::get_if<app_fault>(&checked)) {
        return *f;
    }
    cookie_payload& cookie = std::get<cookie_payload>(checked);
    if (!r.parameters) {
        return fault(error_code::invalid_parameters, "parameters");
    }
    const protocol::sync_update_parameters& p = *r.parameters;
    if (p.system_spec && !p.skip_software_sync) {
        return fault(error_code::invalid_parameters, "parameters.SystemSpec");
    }
    if (auto problem = parameter_limits_problem(ctx, p)) {
        return *std::move(problem);
    }

    std::string decided_by;
    const mitigation::get_sync_info_model& model = model_for(ctx, call, cookie.groups, &decided_by);
    mitigation::sync_request sr = sync_request_for(ctx, cookie);
    sr.installed_non_leaf = p.installed_non_leaf_update_ids.value_or(protocol::id_list{});
    sr.other_cached = p.other_cached_update_ids.value_or(protocol::id_list{});
    sr.cached_driver_ids = p.cached_driver_ids.value_or(protocol::id_list{});
    sr.skip_software_sync = p.skip_software_sync;
    call.notes.detail.push_back("groups=" + join(cookie.groups));
    call.notes.detail.push_back("model=" + call.notes.model +
                                (decided_by.empty() ? "" : " (group " + decided_by + ")"));
    call.notes.detail.push_back("installedNonLeaf=" + std::to_string(sr.installed_non_leaf.size()) +
                                ", otherCached=" + std::to_string(sr.other_cached.size()));

    mitigation::sync_outcome outcome = model.get_sync_info(ctx.data.catalog, sr);
    if (auto* dup = std::get_if<mitigation::duplicate_key_error>(&outcome)) {
        call.notes.detail.push_back(duplicate_detail(*dup));
        return duplicate_key_fault(ctx, call, *dup);
    }
    mitigation::sync_result& result = std::get<mitigation::sync_result>(outcome);
    log_resolved(ctx, call, result.resolved);
    call.notes.detail.push_back("new=" + std::to_string(result.new_updates.size()) +
                                ", outOfScope=" + std::to_string(result.out_of_scope.size()) +
                                ", truncated=" + (result.truncated ? "true" : "false") +
                                ", precedenceMerges=" + std::to_string(result.precedence_merges));

    const std::vector<std::string> groups = cookie.groups;
    const bool driver_hint = version_at_least(cookie.protocol_version, 1, 7);
    protocol::sync_info si = sync_answer(ctx, call, std::move(cookie), result);
    si.new_updates = std::move(result.new_updates);
    if (!result.changed_updates.empty()) {
        si.changed_updates = std::move(result.changed_updates);
    }
    // Server >= 3.2 and client >= 1.7 only (docs/protocol-notes.md §4.2): tell the client whether a
    // driver pass can find anything for its groups.
    if (version_at_least(ctx.scenario().server.protocol_version, 3, 2) && driver_hint) {
        si.driver_sync_not_needed = mitigation::driver_sync_not_needed(ctx.data.catalog, groups) ? "true" : "false";
    }
    protocol::sync_updates_response resp;
    resp.result = std::move(si);
    return protocol::response(std::move(resp));
}

op_outcome sync_printer_catalog(const operation_context& ctx, soap_call& call,
                                const protocol::sync_printer_catalog_request& r) {
    auto checked = check_cookie(ctx, call, r.cookie_, cookie_check::config | cookie_check::registration);
    if (auto* f = std::get_if<app_fault>(&checked)) {
        return *f;
    }
    cookie_payload& cookie = std::get<cookie_payload>(checked);
    if (r.installed_non_leaf_update_ids &&
        r.installed_non_leaf_update_ids->size() > ctx.options.limits.max_installed_non_leaf_ids) {
        return fault(error_code::invalid_parameters, "installedNonLeafUpdateIDs");
    }
    if (r.printer_update_ids && r.printer_update_ids->size() > ctx.options.limits.max_array_items) {
        return fault(error_code::invalid_parameters, "printerUpdateIDs");
    }
    const mitigation::get_sync_info_model& model = model_for(ctx, call, cookie.groups);

    // The driver pass of the model, restricted to printer drivers afterwards
    // (docs/protocol-notes.md §7.5; a driver revision is a printer driver when its classification,
    // product or title says so).
    mitigation::sync_request sr = sync_request_for(ctx, cookie);
    sr.installed_non_leaf = r.installed_non_leaf_update_ids.value_or(protocol::id_list{});
    sr.cached_driver_ids = r.printer_update_ids.value_or(protocol::id_list{});
    sr.skip_software_sync = true;
    mitigation::sync_outcome outcome = model.get_sync_info(ctx.data.catalog, sr);
    if (auto* dup = std::get_if<mitigation::duplicate_key_error>(&outcome)) {
        return duplicate_key_fault(ctx, call, *dup);
    }
    mitigation::sync_result& result = std::get<mitigation::sync_result>(outcome);
    log_resolved(ctx, call, result.resolved);
    protocol::sync_info si = sync_answer(ctx, call, std::move(cookie), result);
    si.new_updates = std::vector<protocol::update_info>{};
    for (auto& u : result.new_updates) {
        const auto* rev = ctx.data.catalog.find(u.id);
        if (rev != nullptr && mentions_printer(*rev)) {
            si.new_updates->push_back(std::move(u));
        }
    }
    protocol::sync_printer_catalog_response resp;
    resp.result = std::move(si);
    return protocol::response(std::move(resp));
}

op_outcome refresh_cache(const operation_context& ctx, soap_call& call, const protocol::refresh_cache_request& r) {
    auto checked = check_cookie(ctx, call, r.cookie_, cookie_check::config);
    if (auto* f = std::get_if<app_fault>(&checked)) {
        return *f;
    }
    const cookie_payload& cookie = std::get<cookie_payload>(checked);
    if (!r.global_ids || r.global_ids->size() > ctx.options.limits.max_array_items) {
        return fault(error_code::invalid_parameters, "globalIDs");
    }
    // The model maps each identity and reduces its rows, with the same deployment-table policy
    // as SyncUpdates: the legacy model fails on the anomaly here too (docs/models.md §6).
    const mitigation::get_sync_info_model& model = model_for(ctx, call, cookie.groups);
    mitigation::refresh_request rr;
    rr.groups = cookie.groups;
    rr.identities = *r.global_ids;
    rr.client_supports_1_8_fields = version_at_least(cookie.protocol_version, 1, 8);
    mitigation::refresh_outcome outcome = model.refresh_cache(ctx.data.catalog, rr);
    if (auto* dup = std::get_if<mitigation::duplicate_key_error>(&outcome)) {
        call.notes.detail.push_back(duplicate_detail(*dup));
        return duplicate_key_fault(ctx, call, *dup);
    }
    mitigation::refresh_result& refreshed = std::get<mitigation::refresh_result>(outcome);
    log_resolved(ctx, call, refreshed.resolved);
    std::vector<protocol::refresh_cache_result> results = std::move(refreshed.results);
    call.notes.detail.push_back("mapped=" + std::to_string(results.size()) + "/" +
                                std::to_string(r.global_ids->size()));
    protocol::refresh_cache_response resp;
    resp.result = std::move(results);
    return protocol::response(std::move(resp));
}

}  // namespace wsuslab::server::detail
