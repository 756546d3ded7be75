#pragma once
/// The simulated agent's persistent state (docs/protocol-notes.md §8.1): client ID, cached
/// GetConfig result, cookie, registration, and every revision received with its Core XML,
/// deployment, IsLeaf and last evaluated applicability state. Stored as JSON (nlohmann-json) in
/// `<state dir>/wsuslab-client-cache.json`, so a second run is a differential sync.
/// Plain values; no thread-safety.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <wsuslab/client/clock.hpp>
#include <wsuslab/protocol/applicability.hpp>
#include <wsuslab/protocol/types.hpp>

namespace wsuslab::client {

/// The parts of GetConfig the agent keeps (docs/protocol-notes.md §4.2).
struct cached_config {
    std::string last_change;
    bool is_registration_required = false;
    std::size_t max_extended_updates_per_request = 0;
    std::vector<std::int32_t> allowed_event_ids;
    std::string auth_plug_in_id;    ///< "SimpleTargeting"
    std::string auth_service_url;   ///< as sent, e.g. "SimpleAuthWebService/SimpleAuth.asmx"
    std::string server_protocol_version;  ///< Properties/ProtocolVersion, "" when absent
};

/// Core Properties UpdateType values.
enum class update_kind { software, driver, category, detectoid };
std::string_view update_kind_name(update_kind k);  // "Software", "Driver", "Category", "Detectoid"
std::optional<update_kind> update_kind_from_name(std::string_view name);

std::string_view applicability_state_name(protocol::applicability_state s);  // "installed", ...

struct cached_revision {
    std::int32_t revision_id = 0;
    std::string update_id;
    std::int32_t revision_number = 0;
    update_kind kind = update_kind::software;
    bool is_leaf = true;
    std::string core_xml;
    std::optional<protocol::deployment> deploy;
    protocol::applicability_state state = protocol::applicability_state::not_applicable;
    std::string title;  ///< from LocalizedProperties when GetExtendedUpdateInfo ran, else ""
};

struct client_cache {
    static constexpr int format_version = 1;
    std::string client_id;
    std::string server_url;  ///< the server this cache was filled from
    std::optional<cached_config> config;
    std::optional<protocol::cookie> cookie;
    bool registered = false;
    std::map<std::int32_t, cached_revision> revisions;  ///< by revision ID
    std::optional<time_point> last_detection;
    std::optional<time_point> next_detection;
    std::uint32_t last_result = 0;  ///< HRESULT of the last detection
};

/// The JSON text (pretty-printed, stable key order).
std::string cache_to_json(const client_cache& cache);
/// Errors name the problem, e.g. "cache: revisions[3].kind: unknown update type 'Foo'".
std::variant<client_cache, std::string> cache_from_json(std::string_view json);

inline constexpr std::string_view cache_file_name = "wsuslab-client-cache.json";

/// Loads `<dir>/wsuslab-client-cache.json`; a missing file (or directory) is an empty cache.
std::variant<client_cache, std::string> load_cache(const std::string& dir);
/// Writes the cache (creating `dir`); returns an error text or nullopt on success. Writes a
/// temporary file and renames it, so a crash never leaves half a cache.
std::optional<std::string> save_cache(const std::string& dir, const client_cache& cache);
/// Deletes the cache file (--reset); returns an error text or nullopt.
std::optional<std::string> reset_cache(const std::string& dir);

}  // namespace wsuslab::client
