#pragma once
/// Every numeric limit of the protocol layer in one place (docs/limits-and-faults.md §4). All are
/// configurable; the defaults are wsuslab's starting values.

#include <cstddef>

namespace wsuslab::protocol {

/// ASP.NET's maxRequestLength default (4096 KB): the request body limit of the codec here and of
/// the transport (server::server_config::body_limit, `wsuslab serve --max-body`).
inline constexpr std::size_t default_max_body_bytes = 4 * 1024 * 1024;

struct limits {
    std::size_t max_body_bytes = default_max_body_bytes;
    std::size_t max_depth = 64;                    ///< element nesting
    std::size_t max_children = 50000;              ///< children of one element
    std::size_t max_attributes = 500;              ///< attributes of one element
    /// WSUS web.config maxInstalledPrerequisites: 401 IDs -> InvalidParameters.
    std::size_t max_installed_non_leaf_ids = 400;
    /// Every other ID or item array (OtherCachedUpdateIDs, CachedDriverIDs, revisionIDs, ...).
    std::size_t max_array_items = 20000;
};

}  // namespace wsuslab::protocol
