#include "service_index.hpp"

#include <wsuslab/mitigation/content.hpp>
#include <wsuslab/protocol/text.hpp>

namespace wsuslab::server::detail {
namespace {

// The SHA-1 as WSUS names content by it: 40 hex digits.
bool is_hex40(std::string_view s) { return s.size() == 40 && protocol::hex_decode(s).has_value(); }

// The raw digest of a SHA-1 that is_hex40 accepted (or content_sha1_hex wrote).
std::string sha1_bytes(std::string_view hex) { return protocol::hex_decode(hex).value_or(std::string{}); }

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
            categories_.emplace(protocol::lower_copy(r.update_id), &r);
        }
        for (auto const& f : r.files) {
            content_entry e;
            e.rev = &r;
            e.file = &f;
            e.sha1_hex =
                protocol::upper_copy(is_hex40(f.sha1_hex) ? f.sha1_hex : mitigation::content_sha1_hex(f));
            e.digest_b64 = protocol::base64_encode(sha1_bytes(e.sha1_hex));
            e.url_path = "/Content/" + e.sha1_hex.substr(38) + "/" + e.sha1_hex + extension_of(f.name);
            content_.push_back(std::move(e));
        }
    }
    for (std::size_t i = 0; i < content_.size(); ++i) {
        content_by_path_.emplace(protocol::lower_copy(content_[i].url_path), i);
        content_by_digest_.emplace(sha1_bytes(content_[i].sha1_hex), i);
    }
}

const content_entry* scenario_index::content_by_path(std::string_view path) const {
    auto it = content_by_path_.find(protocol::lower_copy(path));
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
    auto it = categories_.find(protocol::lower_copy(update_id));
    return it == categories_.end() ? nullptr : it->second;
}

bool scenario_index::is_classification(const mitigation::revision& r) {
    constexpr std::string_view marker = "CategoryType=\"UpdateClassification\"";
    return protocol::iequals(r.classification, "UpdateClassification") ||
           r.core_xml.find(marker) != std::string::npos ||
           r.extended_xml.find(marker) != std::string::npos;
}

}  // namespace wsuslab::server::detail
