// What the Office 2003 probe saw of the KB954960 code path: the Office 2003 revisions it received
// and reported installed, the operator's duplicate revision, and the server's own count of
// resolved duplicates (docs/validation-guide.md "Evidence").

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include <wsuslab/client/validate.hpp>
#include <wsuslab/protocol/core_fragment.hpp>

namespace wsuslab::client {

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) {
        c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    return out;
}

// Office 2003 is version 11: its registry key and its program folder (the footprint the Office
// 2003 detectoids test, docs/validation-guide.md).
bool looks_at_office_2003(const std::string& applicability_xml) {
    std::string const text = lower(applicability_xml);
    return text.find("microsoft\\office\\11.0") != std::string::npos ||
           text.find("\\office11\\") != std::string::npos;
}

std::string join(const std::vector<std::int32_t>& ids) {
    std::string out;
    for (auto id : ids) {
        out += (out.empty() ? "" : ", ") + std::to_string(id);
    }
    return out;
}

// Revisions marked by their own rules, then everything whose prerequisites name a marked
// revision's UpdateID, until nothing changes.
std::set<std::int32_t> office_closure(const client_cache& cache) {
    std::map<std::int32_t, protocol::core_fragment> fragments;
    for (auto const& [id, rev] : cache.revisions) {
        auto parsed = protocol::parse_core_fragment(rev.core_xml);
        if (auto const* f = std::get_if<protocol::core_fragment>(&parsed)) {
            fragments.emplace(id, *f);
        }
    }
    std::set<std::int32_t> marked;
    std::set<std::string> marked_updates;
    for (auto const& [id, f] : fragments) {
        if (looks_at_office_2003(f.applicability_xml)) {
            marked.insert(id);
            marked_updates.insert(lower(f.identity.update_id));
        }
    }
    for (bool grew = true; grew;) {
        grew = false;
        for (auto const& [id, f] : fragments) {
            if (marked.count(id) != 0) {
                continue;
            }
            for (auto const& clause : f.prerequisites) {
                bool const hit = std::any_of(clause.update_ids.begin(), clause.update_ids.end(),
                                             [&](const std::string& u) { return marked_updates.count(lower(u)) != 0; });
                if (hit) {
                    marked.insert(id);
                    marked_updates.insert(lower(f.identity.update_id));
                    grew = true;
                    break;
                }
            }
        }
    }
    return marked;
}

}  // namespace

std::optional<std::uint64_t> office_evidence::duplicates_resolved() const {
    if (!resolved_before || !resolved_after || *resolved_after < *resolved_before) {
        return std::nullopt;
    }
    return *resolved_after - *resolved_before;
}

std::string office_evidence::summary() const {
    std::string s = std::to_string(office_revisions.size()) + " Office 2003 revision" +
                    (office_revisions.size() == 1 ? "" : "s") + " received";
    if (!office_revisions.empty()) {
        s += " (" + join(office_revisions) + ")";
    }
    s += ", " + std::to_string(reported_installed.size()) + " reported installed";
    if (!reported_installed.empty()) {
        s += " (" + join(reported_installed) + ")";
    }
    if (duplicate_revision) {
        s += "; revision " + std::to_string(*duplicate_revision) +
             (duplicate_revision_received ? " received" : " not received");
    }
    if (auto const n = duplicates_resolved()) {
        s += "; server metrics: " + std::to_string(*n) + " duplicate row" + (*n == 1 ? "" : "s") + " resolved";
    } else {
        s += "; server metrics: not available";
    }
    return s;
}

office_evidence gather_office_evidence(const sync_outcome& o, std::optional<std::int32_t> duplicate_revision) {
    office_evidence e;
    e.duplicate_revision = duplicate_revision;
    std::set<std::int32_t> const office = office_closure(o.cache);
    e.office_revisions.assign(office.begin(), office.end());
    std::set<std::int32_t> reported;
    for (auto const& x : to_checked_exchanges(o.exchanges)) {
        if (x.op != protocol::operation::sync_updates) {
            continue;
        }
        // Only a request the server answered with a SyncUpdates result (or the fault the
        // verdict looks at) shows the server computed that layer; both are in `reply`.
        if (x.parameters && x.reply && x.parameters->installed_non_leaf_update_ids) {
            for (auto id : *x.parameters->installed_non_leaf_update_ids) {
                if (office.count(id) != 0) {
                    reported.insert(id);
                }
            }
        }
        if (duplicate_revision && x.reply && std::holds_alternative<protocol::response>(*x.reply)) {
            auto const* r = std::get_if<protocol::sync_updates_response>(&std::get<protocol::response>(*x.reply));
            if (r != nullptr && r->result && r->result->new_updates) {
                for (auto const& u : *r->result->new_updates) {
                    e.duplicate_revision_received = e.duplicate_revision_received || u.id == *duplicate_revision;
                }
            }
        }
    }
    e.reported_installed.assign(reported.begin(), reported.end());
    return e;
}

std::optional<std::uint64_t> parse_duplicates_resolved(std::string_view text) {
    constexpr std::string_view name = "wsuslab_duplicates_resolved_total ";
    std::size_t pos = 0;
    while (pos < text.size()) {
        auto const end = std::min(text.find('\n', pos), text.size());
        std::string_view const line = text.substr(pos, end - pos);
        pos = end + 1;
        if (line.rfind(name, 0) != 0) {
            continue;
        }
        std::string_view const value = line.substr(name.size());
        if (value.empty() || value.size() > 19 ||
            !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
            return std::nullopt;
        }
        std::uint64_t n = 0;
        for (char c : value) {
            n = n * 10 + static_cast<std::uint64_t>(c - '0');
        }
        return n;
    }
    return std::nullopt;
}

}  // namespace wsuslab::client
