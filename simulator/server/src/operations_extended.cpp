// Metadata and content locations (docs/protocol-notes.md §4.9–§4.12): GetExtendedUpdateInfo(2),
// GetFileLocations, and ReportEventBatch (events kept in memory and counted).

#include <algorithm>
#include <set>

#include <wsuslab/mitigation/deployment_scope.hpp>
#include <wsuslab/server/cookie_codec.hpp>

#include "service_impl.hpp"
#include "targeting.hpp"

namespace wsuslab::server {
namespace {

using detail::app_fault;
using protocol::error_code;

app_fault fault(error_code code, std::string message = {}) { return app_fault{code, std::move(message), {}}; }

bool contains(const protocol::string_list& l, std::string_view v) {
    return std::any_of(l.begin(), l.end(), [&](const std::string& s) { return s == v; });
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

// Locations of the content files of some revisions, each file once.
std::vector<protocol::file_location> file_locations(const detail::scenario_index& index, const std::string& base_url,
                                                    const std::vector<std::int32_t>& revision_ids) {
    std::vector<protocol::file_location> out;
    std::set<std::string> seen;
    for (const std::int32_t id : revision_ids) {
        for (const detail::content_entry* e : index.content_of(id)) {
            if (!seen.insert(e->sha1_hex).second) {
                continue;
            }
            protocol::file_location loc;
            loc.file_digest = e->digest_b64;
            loc.url = base_url + e->url_path;
            out.push_back(std::move(loc));
        }
    }
    return out;
}

// Whether a revision is in the scope mitigation computed (sorted revision IDs).
bool in_scope(const std::vector<std::int32_t>& scope, std::int32_t revision_id) {
    return std::binary_search(scope.begin(), scope.end(), revision_id);
}

std::string lower_guid(std::string id) {
    for (char& c : id) {
        c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    return id;
}

}  // namespace

detail::op_outcome wsus_service::impl::get_extended_update_info(detail::soap_call& call,
                                                                const protocol::get_extended_update_info_request& r) {
    auto checked = check_cookie(call, r.cookie_, true, false);
    if (auto* f = std::get_if<app_fault>(&checked)) {
        return *f;
    }
    const cookie_payload& cookie = std::get<cookie_payload>(checked);
    if (!r.revision_ids || r.revision_ids->size() > options.max_extended_updates_per_request) {
        call.detail.push_back("revisionIDs=" + std::to_string(r.revision_ids ? r.revision_ids->size() : 0));
        return fault(error_code::invalid_parameters, "revisionIDs");
    }
    if (!r.info_types) {
        return fault(error_code::invalid_parameters, "infoTypes");
    }
    if ((contains(*r.info_types, "Eula") || contains(*r.info_types, "LocalizedProperties")) && !r.locales) {
        return fault(error_code::invalid_parameters, "locales");
    }
    const std::vector<std::int32_t> scope = mitigation::revisions_in_scope(*catalog, cookie.groups);
    std::vector<protocol::update_data> updates;
    protocol::id_list out_of_scope;
    std::vector<std::int32_t> served;
    std::set<std::int32_t> seen;
    for (const std::int32_t id : *r.revision_ids) {
        if (!seen.insert(id).second) {
            continue;
        }
        const mitigation::revision* rev = catalog->find(id);
        if (rev == nullptr || !in_scope(scope, id)) {
            out_of_scope.push_back(id);
            continue;
        }
        add_fragments(*rev, *r.info_types, updates);
        served.push_back(id);
    }
    call.detail.push_back("served=" + std::to_string(served.size()) + ", outOfScope=" + std::to_string(out_of_scope.size()));
    protocol::extended_update_info info;
    info.updates = std::move(updates);
    auto locations = file_locations(*index, call.state.base_url, served);
    if (!locations.empty()) {
        info.file_locations = std::move(locations);
    }
    if (!out_of_scope.empty()) {
        info.out_of_scope_revision_ids = std::move(out_of_scope);
    }
    protocol::get_extended_update_info_response resp;
    resp.result = std::move(info);
    return protocol::response(std::move(resp));
}

detail::op_outcome wsus_service::impl::get_extended_update_info2(detail::soap_call& call,
                                                                 const protocol::get_extended_update_info2_request& r) {
    auto checked = check_cookie(call, r.cookie_, true, false);
    if (auto* f = std::get_if<app_fault>(&checked)) {
        return *f;
    }
    const cookie_payload& cookie = std::get<cookie_payload>(checked);
    if (!r.update_ids || r.update_ids->size() > options.max_extended_updates_per_request) {
        return fault(error_code::invalid_parameters, "updateIDs");
    }
    if (!r.info_types) {
        return fault(error_code::invalid_parameters, "infoTypes");
    }
    if ((contains(*r.info_types, "Eula") || contains(*r.info_types, "LocalizedProperties")) && !r.locales) {
        return fault(error_code::invalid_parameters, "locales");
    }
    const std::vector<std::int32_t> scope = mitigation::revisions_in_scope(*catalog, cookie.groups);
    std::vector<protocol::update_data> updates;
    std::vector<std::int32_t> served;
    for (auto const& wanted : *r.update_ids) {
        const std::int32_t pos = catalog->position_of(lower_guid(wanted.update_id), wanted.revision_number);
        const mitigation::revision* rev =
            pos == mitigation::catalog::npos ? nullptr : &catalog->revisions()[static_cast<std::size_t>(pos)];
        if (rev == nullptr || !in_scope(scope, rev->revision_id) ||
            std::find(served.begin(), served.end(), rev->revision_id) != served.end()) {
            continue;
        }
        add_fragments(*rev, *r.info_types, updates);
        served.push_back(rev->revision_id);
    }
    call.detail.push_back("served=" + std::to_string(served.size()));
    protocol::extended_update_info2 info;
    info.updates = std::move(updates);
    auto locations = file_locations(*index, call.state.base_url, served);
    if (!locations.empty()) {
        info.file_locations = std::move(locations);
    }
    protocol::get_extended_update_info2_response resp;
    resp.result = std::move(info);
    return protocol::response(std::move(resp));
}

detail::op_outcome wsus_service::impl::get_file_locations(detail::soap_call& call,
                                                          const protocol::get_file_locations_request& r) {
    auto checked = check_cookie(call, r.cookie_, false, false);
    if (auto* f = std::get_if<app_fault>(&checked)) {
        return *f;
    }
    cookie_payload& cookie = std::get<cookie_payload>(checked);
    if (!r.file_digests || r.file_digests->size() > options.limits.max_array_items) {
        return fault(error_code::invalid_parameters, "fileDigests");
    }
    std::vector<protocol::file_location> locations;
    std::set<std::string> seen;
    for (auto const& digest : *r.file_digests) {
        auto raw = base64_decode(digest);
        if (!raw || raw->size() != 20) {
            return fault(error_code::invalid_parameters, "fileDigests");
        }
        const detail::content_entry* e = index->content_by_digest(*raw);
        if (e == nullptr || !seen.insert(e->sha1_hex).second) {
            continue;
        }
        protocol::file_location loc;
        loc.file_digest = e->digest_b64;
        loc.url = call.state.base_url + e->url_path;
        locations.push_back(std::move(loc));
    }
    call.detail.push_back("located=" + std::to_string(locations.size()) + "/" + std::to_string(r.file_digests->size()));
    protocol::get_file_locations_results results;
    results.file_locations = std::move(locations);
    results.new_cookie = issue_cookie(call, std::move(cookie));
    protocol::get_file_locations_response resp;
    resp.result = std::move(results);
    return protocol::response(std::move(resp));
}

detail::op_outcome wsus_service::impl::report_event_batch(detail::soap_call& call,
                                                          const protocol::report_event_batch_request& r) {
    auto checked = check_cookie(call, r.cookie_, true, false);
    if (auto* f = std::get_if<app_fault>(&checked)) {
        return *f;
    }
    if (!r.event_batch) {
        return fault(error_code::invalid_parameters, "eventBatch");
    }
    if (r.event_batch->size() > options.limits.max_array_items) {
        return fault(error_code::invalid_parameters, "eventBatch");
    }
    const std::size_t n = r.event_batch->size();
    {
        std::lock_guard<std::mutex> lock(mutex);
        events_total += n;
        for (auto const& e : *r.event_batch) {
            events.push_back(e);
        }
        while (events.size() > max_kept_events) {
            events.pop_front();
        }
    }
    metrics.record_events(n);
    call.detail.push_back("events=" + std::to_string(n));
    protocol::report_event_batch_response resp;
    resp.result = true;
    return protocol::response(std::move(resp));
}

}  // namespace wsuslab::server
