// Metadata and content locations (docs/protocol-notes.md §4.9–§4.12): GetExtendedUpdateInfo(2),
// GetFileLocations, and ReportEventBatch (events kept in memory and counted).

#include <algorithm>
#include <set>

#include <wsuslab/mitigation/deployment_scope.hpp>
#include <wsuslab/protocol/text.hpp>
#include <wsuslab/server/cookie_codec.hpp>

#include "operations.hpp"

namespace wsuslab::server::detail {
namespace {

using protocol::error_code;

bool contains(const protocol::string_list& l, std::string_view v) {
    return std::any_of(l.begin(), l.end(), [&](const std::string& s) { return s == v; });
}

// What both GetExtendedUpdateInfo operations ask of infoTypes: present, and with locales when
// Eula or LocalizedProperties is among them.
std::optional<app_fault> info_types_problem(const std::optional<protocol::string_list>& info_types,
                                            const std::optional<protocol::string_list>& locales) {
    if (!info_types) {
        return fault(error_code::invalid_parameters, "infoTypes");
    }
    if ((contains(*info_types, "Eula") || contains(*info_types, "LocalizedProperties")) && !locales) {
        return fault(error_code::invalid_parameters, "locales");
    }
    return std::nullopt;
}

// The fragments of one revision for the requested types, in request order. Only English
// localized properties exist in a scenario; they are returned whatever locales were asked for
// ("The service SHOULD also return English localized metadata", docs/protocol-notes.md §4.9).
void add_fragments(const mitigation::revision& rev, const protocol::string_list& types,
                   std::vector<protocol::update_data>& out) {
    std::set<std::string> seen;
    for (auto const& t : types) {
        if (!seen.insert(t).second) {
            continue;
        }
        const std::string* xml = nullptr;
        if (t == "Core") {
            xml = &rev.core_xml;
        } else if (t == "Extended") {
            xml = &rev.extended_xml;
        } else if (t == "LocalizedProperties") {
            xml = &rev.localized_xml;
        }
        if (xml != nullptr && !xml->empty()) {
            out.push_back(protocol::update_data{rev.revision_id, *xml});
        }
    }
}

protocol::file_location location_of(const std::string& base_url, const content_entry& e) {
    protocol::file_location loc;
    loc.file_digest = e.digest_b64;
    loc.url = base_url + e.url_path;
    return loc;
}

// Locations of the content files of some revisions, each file once; nullopt when there are none
// (FileLocations is then left out).
std::optional<std::vector<protocol::file_location>> file_locations(const operation_context& ctx,
                                                                   const soap_call& call,
                                                                   const std::vector<std::int32_t>& revision_ids) {
    std::vector<protocol::file_location> out;
    std::set<std::string> seen;
    for (const std::int32_t id : revision_ids) {
        for (const content_entry* e : ctx.data.index.content_of(id)) {
            if (seen.insert(e->sha1_hex).second) {
                out.push_back(location_of(call.state.base_url, *e));
            }
        }
    }
    if (out.empty()) {
        return std::nullopt;
    }
    return out;
}

// Whether a revision is in the scope mitigation computed (sorted revision IDs).
bool in_scope(const std::vector<std::int32_t>& scope, std::int32_t revision_id) {
    return std::binary_search(scope.begin(), scope.end(), revision_id);
}

}  // namespace

op_outcome get_extended_update_info(const operation_context& ctx, soap_call& call,
                                    const protocol::get_extended_update_info_request& r) {
    auto checked = check_cookie(ctx, call, r.cookie_, cookie_check::config);
    if (auto* f = std::get_if<app_fault>(&checked)) {
        return *f;
    }
    const cookie_payload& cookie = std::get<cookie_payload>(checked);
    if (!r.revision_ids || r.revision_ids->size() > ctx.options.max_extended_updates_per_request) {
        call.notes.detail.push_back("revisionIDs=" + std::to_string(r.revision_ids ? r.revision_ids->size() : 0));
        return fault(error_code::invalid_parameters, "revisionIDs");
    }
    if (auto problem = info_types_problem(r.info_types, r.locales)) {
        return *std::move(problem);
    }
    const std::vector<std::int32_t> scope = mitigation::revisions_in_scope(ctx.data.catalog, cookie.groups);
    protocol::extended_update_info info;
    info.updates = std::vector<protocol::update_data>{};
    protocol::id_list out_of_scope;
    std::vector<std::int32_t> served;
    std::set<std::int32_t> seen;
    for (const std::int32_t id : *r.revision_ids) {
        if (!seen.insert(id).second) {
            continue;
        }
        const mitigation::revision* rev = ctx.data.catalog.find(id);
        if (rev == nullptr || !in_scope(scope, id)) {
            out_of_scope.push_back(id);
            continue;
        }
        add_fragments(*rev, *r.info_types, *info.updates);
        served.push_back(id);
    }
    call.notes.detail.push_back("served=" + std::to_string(served.size()) +
                                ", outOfScope=" + std::to_string(out_of_scope.size()));
    info.file_locations = file_locations(ctx, call, served);
    if (!out_of_scope.empty()) {
        info.out_of_scope_revision_ids = std::move(out_of_scope);
    }
    protocol::get_extended_update_info_response resp;
    resp.result = std::move(info);
    return protocol::response(std::move(resp));
}

op_outcome get_extended_update_info2(const operation_context& ctx, soap_call& call,
                                     const protocol::get_extended_update_info2_request& r) {
    auto checked = check_cookie(ctx, call, r.cookie_, cookie_check::config);
    if (auto* f = std::get_if<app_fault>(&checked)) {
        return *f;
    }
    const cookie_payload& cookie = std::get<cookie_payload>(checked);
    if (!r.update_ids || r.update_ids->size() > ctx.options.max_extended_updates_per_request) {
        return fault(error_code::invalid_parameters, "updateIDs");
    }
    if (auto problem = info_types_problem(r.info_types, r.locales)) {
        return *std::move(problem);
    }
    const std::vector<std::int32_t> scope = mitigation::revisions_in_scope(ctx.data.catalog, cookie.groups);
    protocol::extended_update_info2 info;
    info.updates = std::vector<protocol::update_data>{};
    std::vector<std::int32_t> served;
    for (auto const& wanted : *r.update_ids) {
        const std::int32_t pos =
            ctx.data.catalog.position_of(protocol::lower_copy(wanted.update_id), wanted.revision_number);
        const mitigation::revision* rev =
            pos == mitigation::catalog::npos ? nullptr : &ctx.data.catalog.revisions()[static_cast<std::size_t>(pos)];
        if (rev == nullptr || !in_scope(scope, rev->revision_id) ||
            std::find(served.begin(), served.end(), rev->revision_id) != served.end()) {
            continue;
        }
        add_fragments(*rev, *r.info_types, *info.updates);
        served.push_back(rev->revision_id);
    }
    call.notes.detail.push_back("served=" + std::to_string(served.size()));
    info.file_locations = file_locations(ctx, call, served);
    protocol::get_extended_update_info2_response resp;
    resp.result = std::move(info);
    return protocol::response(std::move(resp));
}

op_outcome get_file_locations(const operation_context& ctx, soap_call& call,
                              const protocol::get_file_locations_request& r) {
    auto checked = check_cookie(ctx, call, r.cookie_, cookie_check::validity);
    if (auto* f = std::get_if<app_fault>(&checked)) {
        return *f;
    }
    cookie_payload& cookie = std::get<cookie_payload>(checked);
    if (!r.file_digests || r.file_digests->size() > ctx.options.limits.max_array_items) {
        return fault(error_code::invalid_parameters, "fileDigests");
    }
    std::vector<protocol::file_location> locations;
    std::set<std::string> seen;
    for (auto const& digest : *r.file_digests) {
        auto raw = base64_decode(digest);
        if (!raw || raw->size() != 20) {
            return fault(error_code::invalid_parameters, "fileDigests");
        }
        const content_entry* e = ctx.data.index.content_by_digest(*raw);
        if (e != nullptr && seen.insert(e->sha1_hex).second) {
            locations.push_back(location_of(call.state.base_url, *e));
        }
    }
    call.notes.detail.push_back("located=" + std::to_string(locations.size()) + "/" +
                                std::to_string(r.file_digests->size()));
    protocol::get_file_locations_results results;
    results.file_locations = std::move(locations);
    results.new_cookie = issue_cookie(ctx, call, std::move(cookie));
    protocol::get_file_locations_response resp;
    resp.result = std::move(results);
    return protocol::response(std::move(resp));
}

op_outcome report_event_batch(const operation_context& ctx, soap_call& call,
                              const protocol::report_event_batch_request& r) {
    auto checked = check_cookie(ctx, call, r.cookie_, cookie_check::config);
    if (auto* f = std::get_if<app_fault>(&checked)) {
        return *f;
    }
    if (!r.event_batch || r.event_batch->size() > ctx.options.limits.max_array_items) {
        return fault(error_code::invalid_parameters, "eventBatch");
    }
    ctx.state.add_events(*r.event_batch);
    ctx.metrics.record_events(r.event_batch->size());
    call.notes.detail.push_back("events=" + std::to_string(r.event_batch->size()));
    protocol::report_event_batch_response resp;
    resp.result = true;
    return protocol::response(std::move(resp));
}

}  // namespace wsuslab::server::detail
