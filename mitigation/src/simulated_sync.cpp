// The simulated client loop of docs/protocol-notes.md §8.3 driving a model in-process.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <variant>

#include <wsuslab/mitigation/simulated_sync.hpp>
#include <wsuslab/protocol/applicability.hpp>

namespace wsuslab::mitigation {

namespace {

struct cache_entry {
    const revision* rev = nullptr;  // null for an ID the catalogue does not know
    bool is_leaf = true;
};

class client_cache {
public:
    client_cache(const catalog& c, const installed_predicate& is_installed)
        : c_(c), is_installed_(is_installed) {}

    void add(std::int32_t id, bool is_leaf) { entries_[id] = {c_.find(id), is_leaf}; }
    void drop(std::int32_t id) { entries_.erase(id); }
    void set_leaf(std::int32_t id, bool is_leaf) {
        auto const it = entries_.find(id);
        if (it != entries_.end()) {
            it->second.is_leaf = is_leaf;
        }
    }
    bool contains(std::int32_t id) const { return entries_.count(id) != 0; }

    // Re-derives the three lists the next request carries (entries_ is ordered by ID).
    void lists(protocol::id_list& installed, protocol::id_list& other, protocol::id_list& drivers) {
        installed.clear();
        other.clear();
        drivers.clear();
        for (auto const& [id, e] : entries_) {
            if (e.rev != nullptr && e.rev->type == update_type::driver) {
                drivers.push_back(id);
            } else if (!e.is_leaf && e.rev != nullptr && is_installed(id, *e.rev)) {
                installed.push_back(id);
            } else {
                other.push_back(id);
            }
        }
    }

    protocol::id_list ids() const {
        protocol::id_list out;
        for (auto const& entry : entries_) {
            out.push_back(entry.first);
        }
        return out;
    }

private:
    // The machine does not change during a sync, so each revision is evaluated once.
    bool is_installed(std::int32_t id, const revision& r) {
        auto const it = verdicts_.find(id);
        if (it != verdicts_.end()) {
            return it->second;
        }
        bool const v = is_installed_ ? is_installed_(r) : false;
        verdicts_.emplace(id, v);
        return v;
    }

    const catalog& c_;
    const installed_predicate& is_installed_;
    std::map<std::int32_t, cache_entry> entries_;
    std::unordered_map<std::int32_t, bool> verdicts_;
};

protocol::id_list ids_of(const std::vector<protocol::update_info>& updates) {
    protocol::id_list out;
    out.reserve(updates.size());
    for (auto const& u : updates) {
        out.push_back(u.id);
    }
    return out;
}

}  // namespace

protocol::id_list simulated_sync_result::cache() const {
    protocol::id_list all(installed_non_leaf);
    all.insert(all.end(), other_cached.begin(), other_cached.end());
    all.insert(all.end(), cached_drivers.begin(), cached_drivers.end());
    std::sort(all.begin(), all.end());
    return all;
}

simulated_sync_result run_simulated_sync(const get_sync_info_model& model, const catalog& c,
                                         const simulated_sync_options& options,
                                         const installed_predicate& is_installed) {
    simulated_sync_result result;
    client_cache cache(c, is_installed);
    for (std::int32_t const id : options.initial_cache) {
        const revision* r = c.find(id);
        // A cached revision keeps the IsLeaf it was sent with; the catalogue's is the best guess.
        std::int32_t const pos = c.position(id);
        cache.add(id, r == nullptr || c.is_leaf(static_cast<std::size_t>(pos)));
    }
    result.watermark = options.initial_watermark;
    std::set<std::int32_t> ever_received;
    bool driver_phase = false;
    while (true) {
        if (result.rounds >= options.max_rounds) {
            result.exceeded_max_rounds = true;
            break;
        }
        ++result.rounds;
        sync_request req;
        req.groups = options.groups;
        cache.lists(req.installed_non_leaf, req.other_cached, req.cached_driver_ids);
        req.skip_software_sync = driver_phase;
        req.watermark = result.watermark;
        req.page_size = options.page_size;
        req.client_supports_1_8_fields = options.client_supports_1_8_fields;

        sync_round round;
        round.round = result.rounds;
        round.driver_pass = driver_phase;
        round.installed_non_leaf_sent = req.installed_non_leaf.size();
        round.other_cached_sent = req.other_cached.size();
        round.cached_drivers_sent = req.cached_driver_ids.size();
        round.installed_non_leaf = req.installed_non_leaf;
        round.other_cached = req.other_cached;
        round.cached_drivers = req.cached_driver_ids;

        sync_outcome outcome = model.get_sync_info(c, req);
        if (auto* e = std::get_if<duplicate_key_error>(&outcome)) {
            round.failure = *e;
            result.failure = *e;
            result.failed_round = result.rounds;
            result.trace.push_back(std::move(round));
            break;
        }
        auto& res = std::get<sync_result>(outcome);
        round.new_update_ids = ids_of(res.new_updates);
        round.out_of_scope = res.out_of_scope;
        round.changed_update_ids = ids_of(res.changed_updates);
        round.truncated = res.truncated;
        result.resolved.insert(result.resolved.end(), res.resolved.begin(), res.resolved.end());

        for (std::int32_t const id : res.out_of_scope) {
            cache.drop(id);
        }
        for (auto const& u : res.changed_updates) {
            cache.set_leaf(u.id, u.is_leaf);
        }
        for (auto const& u : res.new_updates) {
            if (!ever_received.insert(u.id).second || cache.contains(u.id)) {
                result.received_twice.push_back(u.id);
            }
            cache.add(u.id, u.is_leaf);
        }
        result.updates_received += res.new_updates.size();
        result.watermark = res.new_watermark;
        bool const done = driver_phase ? !res.truncated : res.new_updates.empty() && !res.truncated;
        if (options.keep_responses) {
            round.response = std::move(res);
        }
        result.trace.push_back(std::move(round));
        if (done) {
            if (driver_phase || !options.driver_pass) {
                break;
            }
            driver_phase = true;
        }
    }
    cache.lists(result.installed_non_leaf, result.other_cached, result.cached_drivers);
    return result;
}

installed_predicate installed_on(protocol::machine_state machine) {
    auto state = std::make_shared<
        std::pair<protocol::machine_state, std::unordered_map<std::int32_t, bool>>>(
        std::move(machine), std::unordered_map<std::int32_t, bool>{});
    return [state](const revision& r) {
        auto& memo = state->second;
        auto const it = memo.find(r.revision_id);
        if (it != memo.end()) {
            return it->second;
        }
        auto parsed = protocol::parse_applicability(r.applicability_xml);
        auto const* rules = std::get_if<protocol::applicability_rules>(&parsed);
        bool const v = rules != nullptr && protocol::evaluate_state(*rules, state->first) ==
                                               protocol::applicability_state::installed;
        memo.emplace(r.revision_id, v);
        return v;
    };
}

}  // namespace wsuslab::mitigation
