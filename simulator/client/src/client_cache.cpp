#include <wsuslab/client/client_cache.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include <nlohmann/json.hpp>

namespace wsuslab::client {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// A parse problem with the JSON path where it happened.
struct cache_error {
    std::string text;
};

template <class T>
T get_field(const json& j, const char* key, const std::string& where) {
    auto const it = j.find(key);
    if (it == j.end()) {
        throw cache_error{where + "." + key + ": missing"};
    }
    try {
        return it->get<T>();
    } catch (const json::exception&) {
        throw cache_error{where + "." + key + ": wrong type"};
    }
}

template <class T>
std::optional<T> get_optional(const json& j, const char* key, const std::string& where) {
    auto const it = j.find(key);
    if (it == j.end() || it->is_null()) {
        return std::nullopt;
    }
    return get_field<T>(j, key, where);
}

json optional_json(const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); }

json deployment_to_json(const protocol::deployment& d) {
    json j;
    j["id"] = d.id;
    j["action"] = std::string(protocol::deployment_action_name(d.action));
    j["deadline"] = optional_json(d.deadline);
    j["is_assigned"] = d.is_assigned;
    j["last_change_time"] = d.last_change_time;
    j["download_priority"] = optional_json(d.download_priority);
    j["hardware_ids"] = d.hardware_ids ? json(*d.hardware_ids) : json(nullptr);
    j["auto_select"] = optional_json(d.auto_select);
    j["auto_download"] = optional_json(d.auto_download);
    j["supersedence_behavior"] = optional_json(d.supersedence_behavior);
    j["flag_bitmask"] = optional_json(d.flag_bitmask);
    return j;
}

protocol::deployment deployment_from_json(const json& j, const std::string& where) {
    protocol::deployment d;
    d.id = get_field<std::int32_t>(j, "id", where);
    auto const action = get_field<std::string>(j, "action", where);
    auto const a = protocol::deployment_action_from_name(action);
    if (!a) {
        throw cache_error{where + ".action: unknown DeploymentAction '" + action + "'"};
    }
    d.action = *a;
    d.deadline = get_optional<std::string>(j, "deadline", where);
    d.is_assigned = get_field<bool>(j, "is_assigned", where);
    d.last_change_time = get_field<std::string>(j, "last_change_time", where);
    d.download_priority = get_optional<std::string>(j, "download_priority", where);
    d.hardware_ids = get_optional<std::vector<std::string>>(j, "hardware_ids", where);
    d.auto_select = get_optional<std::string>(j, "auto_select", where);
    d.auto_download = get_optional<std::string>(j, "auto_download", where);
    d.supersedence_behavior = get_optional<std::string>(j, "supersedence_behavior", where);
    d.flag_bitmask = get_optional<std::string>(j, "flag_bitmask", where);
    return d;
}

std::optional<protocol::applicability_state> state_from_name(std::string_view s) {
    if (s == "installed") {
        return protocol::applicability_state::installed;
    }
    if (s == "needed") {
        return protocol::applicability_state::needed;
    }
    if (s == "not_applicable") {
        return protocol::applicability_state::not_applicable;
    }
    return std::nullopt;
}

std::optional<time_point> time_from_json(const json& j, const char* key, const std::string& where) {
    auto const text = get_optional<std::string>(j, key, where);
    if (!text) {
        return std::nullopt;
    }
    auto const t = parse_iso8601(*text);
    if (!t) {
        throw cache_error{where + "." + key + ": bad time '" + *text + "'"};
    }
    return t;
}

client_cache parse_cache(const json& root) {
    std::string const where = "cache";
    if (!root.is_object()) {
        throw cache_error{"cache: not a JSON object"};
    }
    auto const version = get_field<int>(root, "format_version", where);
    if (version != client_cache::format_version) {
        throw cache_error{"cache.format_version: " + std::to_string(version) + " is not supported (expected " +
                          std::to_string(client_cache::format_version) + ")"};
    }
    client_cache c;
    c.client_id = get_field<std::string>(root, "client_id", where);
    c.server_url = get_field<std::string>(root, "server_url", where);
    if (auto const it = root.find("config"); it != root.end() && !it->is_null()) {
        std::string const w = where + ".config";
        cached_config cfg;
        cfg.last_change = get_field<std::string>(*it, "last_change", w);
        cfg.is_registration_required = get_field<bool>(*it, "is_registration_required", w);
        cfg.max_extended_updates_per_request =
            get_field<std::size_t>(*it, "max_extended_updates_per_request", w);
        cfg.allowed_event_ids = get_field<std::vector<std::int32_t>>(*it, "allowed_event_ids", w);
        cfg.auth_plug_in_id = get_field<std::string>(*it, "auth_plug_in_id", w);
        cfg.auth_service_url = get_field<std::string>(*it, "auth_service_url", w);
        cfg.server_protocol_version = get_field<std::string>(*it, "server_protocol_version", w);
        c.config = cfg;
    }
    if (auto const it = root.find("cookie"); it != root.end() && !it->is_null()) {
        protocol::cookie k;
        k.expiration = get_field<std::string>(*it, "expiration", where + ".cookie");
        k.encrypted_data = get_optional<std::string>(*it, "encrypted_data", where + ".cookie");
        c.cookie = k;
    }
    c.registered = get_field<bool>(root, "registered", where);
    auto const revs = root.find("revisions");
    if (revs == root.end() || !revs->is_array()) {
        throw cache_error{"cache.revisions: missing or not an array"};
    }
    for (std::size_t i = 0; i < revs->size(); ++i) {
        json const& r = (*revs)[i];
        std::string const w = "cache.revisions[" + std::to_string(i) + "]";
        if (!r.is_object()) {
            throw cache_error{w + ": not an object"};
        }
        cached_revision cr;
        cr.revision_id = get_field<std::int32_t>(r, "revision_id", w);
        cr.update_id = get_field<std::string>(r, "update_id", w);
        cr.revision_number = get_field<std::int32_t>(r, "revision_number", w);
        auto const kind = get_field<std::string>(r, "kind", w);
        auto const k = update_kind_from_name(kind);
        if (!k) {
            throw cache_error{w + ".kind: unknown update type '" + kind + "'"};
        }
        cr.kind = *k;
        cr.is_leaf = get_field<bool>(r, "is_leaf", w);
        cr.core_xml = get_field<std::string>(r, "core_xml", w);
        if (auto const d = r.find("deployment"); d != r.end() && !d->is_null()) {
            cr.deploy = deployment_from_json(*d, w + ".deployment");
        }
        auto const state = get_field<std::string>(r, "state", w);
        auto const s = state_from_name(state);
        if (!s) {
            throw cache_error{w + ".state: unknown applicability state '" + state + "'"};
        }
        cr.state = *s;
        cr.title = get_optional<std::string>(r, "title", w).value_or("");
        std::int32_t const rid = cr.revision_id;
        if (!c.revisions.emplace(rid, std::move(cr)).second) {
            throw cache_error{w + ".revision_id: duplicate revision " + std::to_string(rid)};
        }
    }
    c.last_detection = time_from_json(root, "last_detection", where);
    c.next_detection = time_from_json(root, "next_detection", where);
    c.last_result = get_optional<std::uint32_t>(root, "last_result", where).value_or(0);
    return c;
}

}  // namespace

std::string_view update_kind_name(update_kind k) {
    switch (k) {
        case update_kind::software: return "Software";
        case update_kind::driver: return "Driver";
        case update_kind::category: return "Category";
        case update_kind::detectoid: return "Detectoid";
    }
    return "Software";
}

std::optional<update_kind> update_kind_from_name(std::string_view name) {
    for (auto k : {update_kind::software, update_kind::driver, update_kind::category,
                   update_kind::detectoid}) {
        if (update_kind_name(k) == name) {
            return k;
        }
    }
    return std::nullopt;
}

std::string_view applicability_state_name(protocol::applicability_state s) {
    switch (s) {
        case protocol::applicability_state::installed: return "installed";
        case protocol::applicability_state::needed: return "needed";
        case protocol::applicability_state::not_applicable: return "not_applicable";
    }
    return "not_applicable";
}

std::string cache_to_json(const client_cache& c) {
    json root;
    root["format_version"] = client_cache::format_version;
    root["client_id"] = c.client_id;
    root["server_url"] = c.server_url;
    if (c.config) {
        json cfg;
        cfg["last_change"] = c.config->last_change;
        cfg["is_registration_required"] = c.config->is_registration_required;
        cfg["max_extended_updates_per_request"] = c.config->max_extended_updates_per_request;
        cfg["allowed_event_ids"] = c.config->allowed_event_ids;
        cfg["auth_plug_in_id"] = c.config->auth_plug_in_id;
        cfg["auth_service_url"] = c.config->auth_service_url;
        cfg["server_protocol_version"] = c.config->server_protocol_version;
        root["config"] = cfg;
    } else {
        root["config"] = nullptr;
    }
    if (c.cookie) {
        root["cookie"] = json{{"expiration", c.cookie->expiration},
                              {"encrypted_data", optional_json(c.cookie->encrypted_data)}};
    } else {
        root["cookie"] = nullptr;
    }
    root["registered"] = c.registered;
    json revs = json::array();
    for (auto const& [id, r] : c.revisions) {
        json j;
        j["revision_id"] = r.revision_id;
        j["update_id"] = r.update_id;
        j["revision_number"] = r.revision_number;
        j["kind"] = std::string(update_kind_name(r.kind));
        j["is_leaf"] = r.is_leaf;
        j["state"] = std::string(applicability_state_name(r.state));
        j["deployment"] = r.deploy ? deployment_to_json(*r.deploy) : json(nullptr);
        j["title"] = r.title;
        j["core_xml"] = r.core_xml;
        revs.push_back(std::move(j));
    }
    root["revisions"] = std::move(revs);
    root["last_detection"] = c.last_detection ? json(format_iso8601(*c.last_detection)) : json(nullptr);
    root["next_detection"] = c.next_detection ? json(format_iso8601(*c.next_detection)) : json(nullptr);
    root["last_result"] = c.last_result;
    return root.dump(2) + "\n";
}

std::variant<client_cache, std::string> cache_from_json(std::string_view text) {
    json root = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
    if (root.is_discarded()) {
        return std::string("cache: not valid JSON");
    }
    try {
        return parse_cache(root);
    } catch (const cache_error& e) {
        return e.text;
    }
}

std::variant<client_cache, std::string> load_cache(const std::string& dir) {
    fs::path const file = fs::path(dir) / std::string(cache_file_name);
    std::error_code ec;
    if (!fs::exists(file, ec)) {
        return client_cache{};
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        return "cannot read " + file.string() + ": " + std::strerror(errno);
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    auto parsed = cache_from_json(ss.str());
    if (auto* err = std::get_if<std::string>(&parsed)) {
        return file.string() + ": " + *err;
    }
    return parsed;
}

std::optional<std::string> save_cache(const std::string& dir, const client_cache& cache) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) {
        return "cannot create state directory " + dir + ": " + ec.message();
    }
    fs::path const file = fs::path(dir) / std::string(cache_file_name);
    fs::path const tmp = fs::path(dir) / (std::string(cache_file_name) + ".tmp");
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) {
            return "cannot write " + tmp.string() + ": " + std::strerror(errno);
        }
        out << cache_to_json(cache);
        out.flush();
        if (!out) {
            return "cannot write " + tmp.string() + ": " + std::strerror(errno);
        }
    }
    fs::rename(tmp, file, ec);
    if (ec) {
        return "cannot replace " + file.string() + ": " + ec.message();
    }
    return std::nullopt;
}

std::optional<std::string> reset_cache(const std::string& dir) {
    fs::path const file = fs::path(dir) / std::string(cache_file_name);
    std::error_code ec;
    fs::remove(file, ec);
    if (ec) {
        return "cannot delete " + file.string() + ": " + ec.message();
    }
    return std::nullopt;
}

}  // namespace wsuslab::client
