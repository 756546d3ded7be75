// Differential property test (docs/kb954960-lab.md §5.7): on seeded random catalogues without
// duplicate rows the legacy and fixed models answer identically at every round of the simulated
// client; with one injected duplicate the legacy model fails with the exact message and key, and
// the fixed model sends every revision at most once and converges to the cache of the clean
// catalogue.

#include <cstddef>
#include <cstdint>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <wsuslab/mitigation/simulated_sync.hpp>

#include "model_test_catalogs.hpp"

namespace wsuslab::mitigation {
namespace {

using protocol::deployment_action;
using test::catalog_builder;

constexpr std::uint32_t seed_count = 1000;

// mt19937's output sequence is fixed by the standard (distributions are not), so all draws go
// through it directly.
struct rng {
    std::mt19937 g;
    explicit rng(std::uint32_t seed) : g(seed) {}
    std::uint32_t below(std::uint32_t n) { return static_cast<std::uint32_t>(g() % n); }
    bool chance(std::uint32_t percent) { return below(100) < percent; }
    template <typename T>
    const T& pick(const std::vector<T>& v) {
        return v[below(static_cast<std::uint32_t>(v.size()))];
    }
};

struct generated {
    catalog_builder b;
    std::vector<std::string> groups;
    std::set<std::int32_t> installed;
    simulated_sync_options options;
};

const std::vector<std::string> all_groups{all_computers_group, "G1", "G2", "G3"};

// A layered prerequisite DAG (roots first), some updates with several revisions, bundles,
// deployment rows (at most one per revision) spread over a small group hierarchy.
generated generate(std::uint32_t seed) {
    rng r(seed);
    generated out;
    catalog_builder& b = out.b;
    b.group("G1", all_computers_group).group("G2", all_computers_group).group("G3", "G1");
    std::uint32_t const layers = 2 + r.below(3);
    std::vector<std::vector<std::int32_t>> layer_ids(layers);
    // (UpdateID, last revision number) of the updates created in the current layer. A new
    // revision joins an update of its own layer, so prerequisites (always from lower layers)
    // keep the UpdateID graph acyclic. (With a cycle through an update's own revisions, e.g.
    // U rev 2 -> X -> U, the client can oscillate between the revisions until the round cap.)
    std::vector<std::pair<std::string, std::int32_t>> updates;
    std::vector<std::int32_t> software;
    auto next_id = static_cast<std::int32_t>(1 + r.below(40));
    for (std::uint32_t layer = 0; layer < layers; ++layer) {
        std::uint32_t const count = 2 + r.below(5);
        updates.clear();
        for (std::uint32_t i = 0; i < count; ++i) {
            std::int32_t const id = next_id;
            next_id += static_cast<std::int32_t>(1 + r.below(3));
            update_type type = update_type::software;
            if (layer == 0) {
                type = r.chance(70) ? update_type::detectoid : update_type::category;
            } else if (layer + 1 < layers) {
                type = r.chance(60) ? update_type::detectoid : update_type::software;
            } else if (r.chance(15)) {
                type = update_type::driver;
            }
            if (!updates.empty() && r.chance(15)) {
                auto& u = updates[r.below(static_cast<std::uint32_t>(updates.size()))];
                b.add(id, type, u.first, ++u.second);
            } else {
                b.add(id, type);
                updates.emplace_back(b.update_id(id), 1);
            }
            if (layer > 0) {
                for (std::uint32_t k = 1 + r.below(2); k > 0; --k) {
                    auto const& lower = layer_ids[r.below(layer)];
                    std::int32_t const a = r.pick(lower);
                    std::int32_t const c = r.pick(lower);
                    b.prereq(id, {a, c});
                }
            }
            if (type == update_type::software) {
                software.push_back(id);
            }
            layer_ids[layer].push_back(id);
        }
    }
    for (std::int32_t const id : software) {
        if (software.size() > 1 && r.chance(20)) {
            std::int32_t const m = r.pick(software);
            if (m != id) {
                b.bundle(id, {m});
            }
        }
    }
    const std::vector<deployment_action> actions{deployment_action::install,
                                                 deployment_action::install,
                                                 deployment_action::optional_install,
                                                 deployment_action::uninstall,
                                                 deployment_action::block,
                                                 deployment_action::pre_deployment_check};
    for (std::uint32_t layer = 0; layer < layers; ++layer) {
        for (std::int32_t const id : layer_ids[layer]) {
            if (r.chance(layer + 1 == layers ? 75 : 20)) {
                deployment_row& d = b.deploy(id, r.pick(all_groups), r.pick(actions),
                                             "2008-06-" + std::to_string(10 + r.below(10)));
                if (r.chance(30)) {
                    d.deadline = "2008-07-0" + std::to_string(1 + r.below(9)) + "T00:00:00Z";
                }
            }
            if (r.chance(55)) {
                out.installed.insert(id);
            }
        }
    }
    out.groups = {all_computers_group};
    for (std::size_t g = 1; g < all_groups.size(); ++g) {
        if (r.chance(50)) {
            out.groups.push_back(all_groups[g]);
        }
    }
    out.options.groups = out.groups;
    out.options.page_size = std::vector<std::size_t>{1, 2, 3, 5, 200}[r.below(5)];
    out.options.keep_responses = true;
    if (r.chance(20)) {
        for (auto const& l : layer_ids) {
            out.options.initial_cache.push_back(r.pick(l));
        }
        out.options.initial_cache.push_back(100000);  // unknown to the server
    }
    return out;
}

std::string describe(const protocol::update_info& u) {
    std::ostringstream s;
    s << u.id << (u.is_leaf ? " leaf " : " non-leaf ") << u.xml.value_or("-");
    if (u.deploy) {
        auto const& d = *u.deploy;
        s << " [" << d.id << ' ' << static_cast<int>(d.action) << ' ' << d.deadline.value_or("-")
          << ' ' << d.is_assigned << ' ' << d.last_change_time << ' '
          << d.download_priority.value_or("-") << ' ' << d.auto_select.value_or("-") << ']';
    }
    return s.str();
}

std::string describe(const sync_round& round) {
    std::ostringstream s;
    s << "round " << round.round << (round.driver_pass ? " driver" : " software") << " sent";
    for (auto const* l : {&round.installed_non_leaf, &round.other_cached, &round.cached_drivers}) {
        s << " {";
        for (std::int32_t const id : *l) {
            s << id << ',';
        }
        s << '}';
    }
    if (round.failure) {
        return s.str() + " FAILED " + round.failure->message();
    }
    auto const& r = *round.response;
    s << "\nnew:";
    for (auto const& u : r.new_updates) {
        s << "\n  " << describe(u);
    }
    s << "\nout of scope:";
    for (std::int32_t const id : r.out_of_scope) {
        s << ' ' << id;
    }
    s << "\nchanged:";
    for (auto const& u : r.changed_updates) {
        s << "\n  " << describe(u);
    }
    s << "\ntruncated " << r.truncated << " watermark " << r.new_watermark;
    return s.str();
}

installed_predicate predicate(const std::set<std::int32_t>& installed) {
    return [&installed](const revision& r) { return installed.count(r.revision_id) != 0; };
}

// Repeats one cached ID in the other list of every request: a client-driven stateTable duplicate.
class repeating_client final : public get_sync_info_model {
public:
    explicit repeating_client(const get_sync_info_model& inner) : inner_(inner) {}
    model_kind kind() const override { return inner_.kind(); }
    sync_outcome get_sync_info(const catalog& c, const sync_request& r) const override {
        sync_request copy(r);
        if (!copy.installed_non_leaf.empty()) {
            copy.other_cached.push_back(copy.installed_non_leaf.front());
        } else if (!copy.other_cached.empty()) {
            copy.other_cached.push_back(copy.other_cached.back());
        } else if (!copy.cached_driver_ids.empty()) {
            copy.cached_driver_ids.push_back(copy.cached_driver_ids.front());
        }
        return inner_.get_sync_info(c, copy);
    }

private:
    const get_sync_info_model& inner_;
};

protocol::id_list new_ids(const simulated_sync_result& r, std::size_t round) {
    return r.trace[round].new_update_ids;
}

TEST(DifferentialTest, ModelsAgreeOnEveryRoundWithoutDuplicates) {
    auto const legacy = make_legacy_model();
    auto const fixed = make_fixed_model();
    std::size_t rounds = 0;
    for (std::uint32_t seed = 1; seed <= seed_count; ++seed) {
        SCOPED_TRACE("seed " + std::to_string(seed));
        generated g = generate(seed);
        catalog const c = g.b.build();
        simulated_sync_result const a =
            run_simulated_sync(*legacy, c, g.options, predicate(g.installed));
        simulated_sync_result const b =
            run_simulated_sync(*fixed, c, g.options, predicate(g.installed));
        ASSERT_TRUE(a.ok() && b.ok());
        ASSERT_EQ(a.trace.size(), b.trace.size());
        for (std::size_t i = 0; i < a.trace.size(); ++i) {
            ASSERT_EQ(describe(a.trace[i]), describe(b.trace[i]));
        }
        EXPECT_EQ(a.cache(), b.cache());
        EXPECT_TRUE(a.received_twice.empty());
        EXPECT_TRUE(b.resolved.empty());
        rounds += a.rounds;
    }
    EXPECT_GT(rounds, 3 * seed_count);  // the catalogues really are layered
}

TEST(DifferentialTest, InjectedDuplicateRowFailsLegacyAndIsResolvedByFixed) {
    auto const legacy = make_legacy_model();
    auto const fixed = make_fixed_model();
    std::size_t injected = 0;
    for (std::uint32_t seed = 1; seed <= seed_count; ++seed) {
        SCOPED_TRACE("seed " + std::to_string(seed));
        generated g = generate(seed);
        catalog const clean = g.b.build();
        simulated_sync_result const base =
            run_simulated_sync(*fixed, clean, g.options, predicate(g.installed));
        ASSERT_TRUE(base.ok());
        // A revision the client ends up holding that has a row for one of its groups.
        std::vector<std::size_t> candidates;
        for (std::size_t i = 0; i < g.b.rows().size(); ++i) {
            auto const& row = g.b.rows()[i];
            auto const cache = base.cache();
            bool const in_groups =
                std::find(g.groups.begin(), g.groups.end(), row.target_group) != g.groups.end();
            if (in_groups && std::binary_search(cache.begin(), cache.end(), row.revision_id)) {
                candidates.push_back(i);
            }
        }
        if (candidates.empty()) {
            continue;
        }
        ++injected;
        rng r(seed * 7919U);
        deployment_row dup = g.b.rows()[r.pick(candidates)];
        dup.deployment_id = 900000;
        dup.target_group = r.pick(g.groups);  // the same group again, or another of the client's
        std::int32_t const key = dup.revision_id;
        g.b.rows().push_back(dup);
        catalog const dirty = g.b.build();

        simulated_sync_result const l =
            run_simulated_sync(*legacy, dirty, g.options, predicate(g.installed));
        ASSERT_TRUE(l.failure.has_value());
        EXPECT_EQ(l.failure->table, "deploymentTable");
        EXPECT_EQ(l.failure->message(), "Item has already been added. Key in dictionary: '" +
                                            std::to_string(key) + "'  Key being added: '" +
                                            std::to_string(key) + "'");

        simulated_sync_result const f =
            run_simulated_sync(*fixed, dirty, g.options, predicate(g.installed));
        ASSERT_TRUE(f.ok());
        EXPECT_TRUE(f.received_twice.empty());
        EXPECT_EQ(f.cache(), base.cache());
        ASSERT_EQ(f.rounds, base.rounds);
        for (std::size_t i = 0; i < f.trace.size(); ++i) {
            EXPECT_EQ(new_ids(f, i), new_ids(base, i));
        }
        ASSERT_FALSE(f.resolved.empty());
        for (auto const& a : f.resolved) {
            EXPECT_EQ(a.revision_id, key);
            EXPECT_EQ(a.deployment_ids.size(), 2U);
        }
    }
    EXPECT_GT(injected, seed_count / 2);
}

TEST(DifferentialTest, RepeatedCachedIdFailsLegacyStateTableWithAddOnly) {
    auto const legacy = make_legacy_model();
    auto const legacy_add = make_legacy_model(legacy_options{true});
    auto const fixed = make_fixed_model();
    std::size_t failures = 0;
    for (std::uint32_t seed = 1; seed <= seed_count; ++seed) {
        SCOPED_TRACE("seed " + std::to_string(seed));
        generated g = generate(seed);
        catalog const c = g.b.build();
        simulated_sync_result const base =
            run_simulated_sync(*fixed, c, g.options, predicate(g.installed));
        ASSERT_TRUE(base.ok());
        std::size_t first_non_empty = 0;
        for (auto const& round : base.trace) {
            if (round.installed_non_leaf_sent + round.other_cached_sent +
                    round.cached_drivers_sent !=
                0) {
                first_non_empty = round.round;
                break;
            }
        }
        repeating_client const with_add(*legacy_add);
        simulated_sync_result const l =
            run_simulated_sync(with_add, c, g.options, predicate(g.installed));
        if (first_non_empty == 0) {
            EXPECT_TRUE(l.ok());
            continue;
        }
        ++failures;
        ASSERT_TRUE(l.failure.has_value());
        EXPECT_EQ(l.failure->table, "stateTable");
        EXPECT_EQ(l.failed_round, first_non_empty);
        EXPECT_EQ(l.failure->key_in_dictionary, l.failure->key_being_added);

        // Overwrite semantics (the default) and the fixed model's sets see no difference.
        repeating_client const plain(*legacy);
        repeating_client const fixed_client(*fixed);
        for (auto const* m : {&plain, &fixed_client}) {
            simulated_sync_result const s =
                run_simulated_sync(*m, c, g.options, predicate(g.installed));
            ASSERT_TRUE(s.ok());
            EXPECT_EQ(s.cache(), base.cache());
            EXPECT_TRUE(s.received_twice.empty());
            ASSERT_EQ(s.rounds, base.rounds);
            for (std::size_t i = 0; i < s.trace.size(); ++i) {
                EXPECT_EQ(new_ids(s, i), new_ids(base, i));
            }
        }
    }
    EXPECT_GT(failures, seed_count / 2);
}

}  // namespace
}  // namespace wsuslab::mitigation
