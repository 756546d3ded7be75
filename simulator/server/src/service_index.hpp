#pragma once
// The content and category lookups the service needs beyond mitigation's catalog: content files
// by URL path and by digest, category revisions by UpdateID. Every revision lookup and every
// deployment decision (scope, row reduction, wire Deployment, RefreshCache) is mitigation's
// (docs/models.md §6); this index holds no deployment data. Built once from the scenario;
// immutable and shared between threads afterwards.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <wsuslab/mitigation/scenario.hpp>

namespace wsuslab::server::detail {

struct content_entry {
    const mitigation::revision* rev = nullptr;
    const mitigation::content_file* file = nullptr;
    std::string sha1_hex;    ///< upper case, 40 characters
    std::string digest_b64;  ///< base64 of the 20 SHA-1 bytes (FileDigest)
    std::string url_path;    ///< "/Content/<last 2 hex>/<SHA1HEX>.<ext>"
};

class scenario_index {
public:
    explicit scenario_index(const mitigation::scenario& s);

    /// By lower-cased URL path ("/content/ab/...ab.cab").
    const content_entry* content_by_path(std::string_view path) const;
    /// By the raw 20 digest bytes.
    const content_entry* content_by_digest(std::string_view raw) const;
    std::vector<const content_entry*> content_of(std::int32_t revision_id) const;

    /// Category revisions by lower-cased UpdateID.
    const mitigation::revision* category(std::string_view update_id) const;
    /// Whether a category revision is an update classification (else a product or family):
    /// its classification field or its metadata says CategoryType="UpdateClassification".
    static bool is_classification(const mitigation::revision& r);

private:
    std::vector<content_entry> content_;
    std::map<std::string, std::size_t> content_by_path_;
    std::map<std::string, std::size_t> content_by_digest_;
    std::map<std::string, const mitigation::revision*> categories_;
};

}  // namespace wsuslab::server::detail
