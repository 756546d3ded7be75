#include "service_index.hpp"

#include <algorithm>

#include <wsuslab/mitigation/content.hpp>
#include <wsuslab/server/cookie_codec.hpp>

#include "targeting.hpp"

namespace wsuslab::server::detail {
namespace {

bool in_groups(const std::string& group, const std::vector<std::string>& groups) {
    return std::any_of(groups.begin(), groups.end(), [&](const std::string& g) { return ci_equal(g, group); });
}

std::string to_upper(std::string s) {
    for (char& c : s) {
        if (c >= 'a' && c <= 'z') {
            c = static_cast<char>(c - 'a' + 'A');
        }
    }
    return s;
}

bool is_hex40(std::string_view s) {
    return s.size() == 40 && std::all_of(s.begin(), s.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
           });
}

std::string hex_to_bytes(std::string_view hex) {
    std::string out;
    auto nibble = [](char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return c - 'A' + 10;
    };
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
        out.push_back(static_cast<char>(nibble(hex[i]) * 16 + nibble(hex[i + 1])));
    }
    return out;
}

std::string extension_of(const std::string& name) {
    const auto slash = name.find_last_of("/\\");
    const auto dot = name.rfind('.');
    if (dot == std::string::npos || (slash != std::string::npos && dot < slash) || dot + 1 == name.size()) {
        return "";
    }
    return name.substr(dot);
}

}  // namespace

scenario_index::scenario_index(const mitigation::scenario& s) : s_(s) {
    for (auto const& r : s.revisions) {
        by_id_.emplace(r.revision_id, &r);
        by_update_[lower_copy(r.update_id)].push_back(&r);
        for (auto const& clause : r.prerequisites) {
            for (auto const& u : clause.update_ids) {
                prerequisite_updates_.insert(lower_copy(u));
            }
        }
        if (r.type == mitigation::update_type::category) {
            categories_.emplace(lower_copy(r.update_id), &r);
        }
        for (auto const& f : r.files) {
            content_entry e;
            e.rev = &r;
            e.file = &f;
            e.sha1_hex = to_upper(is_hex40(f.sha1_hex) ? f.sha1_hex : mitigation::content_sha1_hex(f));
            e.digest_b64 = base64_encode(hex_to_bytes(e.sha1_hex));
            e.url_path = "/Content/" + e.sha1_hex.substr(38) + "/" + e.sha1_hex + extension_of(f.name);
            content_.push_back(std::move(e));
        }
    }
    for (auto& [id, revs] : by_update_) {
        std::stable_sort(revs.begin(), revs.end(), [](const mitigation::revision* a, const mitigation::revision* b) {
            return a->revision_number < b->revision_number;
        });
    }
    for (std::size_t i = 0; i < content_.size(); ++i) {
        content_by_path_.emplace(lower_copy(content_[i].url_path), i);
        content_by_digest_.emplace(hex_to_bytes(content_[i].sha1_hex), i);
    }
}

const mitigation::revision* scenario_index::revision(std::int32_t id) const {
    auto it = by_id_.find(id);
    return it == by_id_.end() ? nullptr : it->second;
}

const mitigation::revision* scenario_index::revision_of(std::string_view update_id, std::int32_t number) const {
    auto it = by_update_.find(lower_copy(update_id));
    if (it == by_update_.end()) {
        return nullptr;
    }
    for (const auto* r : it->second) {
        if (r->revision_number == number) {
            return r;
        }
    }
    return nullptr;
}

const std::vector<const mitigation::revision*>& scenario_index::revisions_of(std::string_view update_id) const {
    static const std::vector<const mitigation::revision*> none;
    auto it = by_update_.find(lower_copy(update_id));
    return it == by_update_.end() ? none : it->second;
}

const mitigation::revision* scenario_index::latest_of(std::string_view update_id) const {
    auto it = by_update_.find(lower_copy(update_id));
    return it == by_update_.end() || it->second.empty() ? nullptr : it->second.back();
}

bool scenario_index::is_leaf(const mitigation::revision& r) const {
    return prerequisite_updates_.count(lower_copy(r.update_id)) == 0;
}

std::vector<const mitigation::deployment_row*> scenario_index::rows_for(
    std::int32_t revision_id, const std::vector<std::string>& groups) const {
    std::vector<const mitigation::deployment_row*> out;
    for (auto const& row : s_.deployments) {
        if (row.revision_id == revision_id && in_groups(row.target_group, groups)) {
            out.push_back(&row);
        }
    }
    return out;
}

std::set<std::int32_t> scenario_index::in_scope(const std::vector<std::string>& groups) const {
    std::set<std::int32_t> result;
    std::vector<std::int32_t> work;
    for (auto const& row : s_.deployments) {
        if (in_groups(row.target_group, groups) && by_id_.count(row.revision_id) != 0 &&
            result.insert(row.revision_id).second) {
            work.push_back(row.revision_id);
        }
    }
    // Iterative closure: the catalogue may be deep, and a recursive walk must not be.
    while (!work.empty()) {
        const std::int32_t id = work.back();
        work.pop_back();
        const mitigation::revision* r = revision(id);
        if (r == nullptr) {
            continue;
        }
        for (auto const& clause : r->prerequisites) {
            for (auto const& u : clause.update_ids) {
                if (const auto* p = latest_of(u); p != nullptr && result.insert(p->revision_id).second) {
                    work.push_back(p->revision_id);
                }
            }
        }
        for (auto const& clause : r->bundled_revisions) {
            for (const std::int32_t b : clause) {
                if (by_id_.count(b) != 0 && result.insert(b).second) {
                    work.push_back(b);
                }
            }
        }
    }
    return result;
}

const content_entry* scenario_index::content_by_path(std::string_view path) const {
    auto it = content_by_path_.find(lower_copy(path));
    return it == content_by_path_.end() ? nullptr : &content_[it->second];
}

const content_entry* scenario_index::content_by_digest(std::string_view raw) const {
    auto it = content_by_digest_.find(std::string(raw));
    return it == content_by_digest_.end() ? nullptr : &content_[it->second];
}

std::vector<const content_entry*> scenario_index::content_of(std::int32_t revision_id) const {
    std::vector<const content_entry*> out;
    for (auto const& e : content_) {
        if (e.rev->revision_id == revision_id) {
            out.push_back(&e);
        }
    }
    return out;
}

const mitigation::revision* scenario_index::category(std::string_view update_id) const {
    auto it = categories_.find(lower_copy(update_id));
    return it == categories_.end() ? nullptr : it->second;
}

bool scenario_index::is_classification(const mitigation::revision& r) {
    constexpr std::string_view marker = "CategoryType=\"UpdateClassification\"";
    return ci_equal(r.classification, "UpdateClassification") ||
           r.core_xml.find(marker) != std::string::npos ||
           r.extended_xml.find(marker) != std::string::npos;
}

protocol::deployment to_wire_deployment(const mitigation::deployment_row& row, bool client_1_8) {
    protocol::deployment d;
    d.id = row.deployment_id;
    d.action = row.action == protocol::deployment_action::block
                   ? protocol::deployment_action::pre_deployment_check
                   : row.action;
    d.deadline = row.deadline;
    d.is_assigned = row.is_assigned;
    d.last_change_time = row.last_change_time;
    d.download_priority = row.download_priority;
    if (client_1_8) {
        d.auto_select = "0";
        d.auto_download = "0";
        d.supersedence_behavior = "0";
        d.flag_bitmask = "0";
    }
    return d;
}

const mitigation::deployment_row* reduce_rows(const std::vector<const mitigation::deployment_row*>& rows) {
    const mitigation::deployment_row* best = nullptr;
    for (const auto* row : rows) {
        if (best == nullptr) {
            best = row;
            continue;
        }
        const bool row_block = row->action == protocol::deployment_action::block;
        const bool best_block = best->action == protocol::deployment_action::block;
        if (row_block != best_block) {
            if (row_block) {
                best = row;
            }
            continue;
        }
        if (row->last_change_time != best->last_change_time) {
            if (row->last_change_time > best->last_change_time) {
                best = row;
            }
            continue;
        }
        if (row->target_group < best->target_group) {
            best = row;
        }
    }
    return best;
}

}  // namespace wsuslab::server::detail
