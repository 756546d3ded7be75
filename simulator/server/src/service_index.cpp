#include "service_index.hpp"

#include <algorithm>

#include <wsuslab/mitigation/content.hpp>
#include <wsuslab/server/cookie_codec.hpp>

#include "targeting.hpp"

namespace wsuslab::server::detail {
namespace {

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

scenario_index::scenario_index(const mitigation::scenario& s) {
    for (auto const& r : s.revisions) {
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
    for (std::size_t i = 0; i < content_.size(); ++i) {
        content_by_path_.emplace(lower_copy(content_[i].url_path), i);
        content_by_digest_.emplace(hex_to_bytes(content_[i].sha1_hex), i);
    }
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

}  // namespace wsuslab::server::detail
