// Differential property test (docs/models.md §3–§4): on seeded random catalogues, almost all
// with ordinary approvals of one revision for several groups and some with stray rows (a second
// row for a (revision, group) pair), the legacy and fixed models answer identically at every
// round of the simulated client until an anomaly is reached, and the legacy model fails exactly
// when the fixed model reports a reached anomaly: in the same round, on the lowest such revision.

#include <algorithm>
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
    std::size_t strays = 0;
};

const std::vector<std::string> all_groups{all_computers_group, "G1", "G2", "G3"};

enum class strays { none, sometimes };

// A layered prerequisite DAG (roots first), some updates with several revisions, bundles, and
// approvals over a small group hierarchy: a deployed revision is approved for one to three
// distinct groups (the console keeps one row per revision and group). With `strays::sometimes`
// about a third of the catalogues also get one or two stray rows repeating an existing pair.
generated generate(std::uint32_t seed, strays with_strays) {
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
    auto const random_row = [&](deployment_row& d) {
        d.action = r.pick(actions);
        d.last_change_time = "2008-06-" + std::to_string(10 + r.below(10));
        if (r.chance(30)) {
            d.deadline = "2008-07-0" + std::to_string(1 + r.below(9)) + "T00:00:00Z";
        }
    };
    for (std::uint32_t layer = 0; layer < layers; ++layer) {
        for (std::int32_t const id : layer_ids[layer]) {
            if (r.chance(layer + 1 == layers ? 75 : 20)) {
                // Usually two or three distinct groups, as administrators approve.
                std::vector<std::string> pool = all_groups;
                for (std::uint32_t k = r.chance(75) ? 2 + r.below(2) : 1; k > 0 && !pool.empty();
                     --k) {
                    std::size_t const at = r.below(static_cast<std::uint32_t>(pool.size()));
                    random_row(b.deploy(id, pool[at]));
                    pool.erase(pool.begin() + static_cast<std::ptrdiff_t>(at));
                }
            }
            if (r.chance(55)) {
                out.installed.insert(id);
            }
        }
    }
    if (with_strays == strays::sometimes && !b.rows().empty() && r.chance(35)) {
        for (std::uint32_t k = 1 + r.below(2); k > 0; --k) {
            deployment_row stray = r.pick(b.rows());
            stray.deployment_id = 900000 + static_cast<std::int32_t>(k);
            stray.deadline.reset();
            random_row(stray);
            stray.stray = stray_origin::revision_migration;
            b.rows().push_back(stray);
            ++out.strays;
        }
    }
    out.groups = {all_computers_group};
    for (std::size_t g = 1; g < all_groups.size(); ++g) {
        if (r.chance(65)) {
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

std::string describe_request(const sync_round& round) {
    std::ostringstream s;
    s << "round " << round.round << (round.driver_pass ? " driver" : " software") << " sent";
    for (auto const* l : {&round.installed_non_leaf, &round.other_cached, &round.cached_drivers}) {
        s << " {";
        for (std::int32_t const id : *l) {
            s << id << ',';
        }
        s << '}';
    }
    return s.str();
}

std::string describe(const sync_round& round) {
    std::ostringstream s;
    s << describe_request(round);
    if (round.failure) {
        return s.str() + " FAILED " + round.failure->message();
    }
    auto const& r = *round.response;
    s << "\nmerged by precedence: " << r.precedence_merges;
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
    refresh_outcome refresh_cache(const catalog& c, const refresh_request& r) const override {
        return inner_.refresh_cache(c, r);
    }

private:
    const get_sync_info_model& inner_;
};

protocol::id_list new_ids(const simulated_sync_result& r, std::size_t round) {
    return r.trace[round].new_update_ids;
}

// The 0-based round in which the fixed model first reports a deploymentTable anomaly; npos if
// it never does.
std::size_t first_anomaly_round(const simulated_sync_result& f) {
    for (std::size_t i = 0; i < f.trace.size(); ++i) {
        for (auto const& a : f.trace[i].response->resolved) {
            if (a.table == "deploymentTable") {
                return i;
            }
        }
    }
    return std::string::npos;
}

struct tally {
    std::size_t multi_group = 0;  // catalogues with a revision approved for several groups
    std::size_t with_merges = 0;  // catalogues where some response merged rows by precedence
    std::size_t with_strays = 0;  // catalogues with stray rows
    std::size_t reached = 0;      // ... and the client reached one
    std::size_t rounds = 0;
};

// The rows of `revision_id` for the client's groups.
std::vector<deployment_row> client_rows(const generated& g, std::int32_t revision_id) {
    std::vector<deployment_row> out;
    for (auto const& row : g.b.rows()) {
        if (row.revision_id == revision_id &&
            std::find(g.groups.begin(), g.groups.end(), row.target_group) != g.groups.end()) {
            out.push_back(row);
        }
    }
    return out;
}

// An independent check of the legacy failure: the key revision's kept row, as the fixed model
// sends it in that round, shares its (revision, group) pair with another of the client's rows.
void check_the_pair_repeats(const generated& g, const simulated_sync_result& f, std::size_t round,
                            std::int32_t key) {
    SCOPED_TRACE("key revision " + std::to_string(key) + " in round " + std::to_string(round));
    auto const& resp = *f.trace[round].response;
    for (auto const* list : {&resp.new_updates, &resp.changed_updates}) {
        for (auto const& u : *list) {
            if (u.id != key) {
                continue;
            }
            auto const rows = client_rows(g, key);
            auto const kept = std::find_if(rows.begin(), rows.end(), [&](const deployment_row& r) {
                return r.deployment_id == u.deploy->id;
            });
            ASSERT_NE(kept, rows.end());
            EXPECT_GE(std::count_if(rows.begin(), rows.end(),
                                    [&](const deployment_row& r) {
                                        return r.target_group == kept->target_group;
                                    }),
                      2);
        }
    }
}

void check_seed(std::uint32_t seed, const get_sync_info_model& legacy,
                const get_sync_info_model& fixed, tally& t) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    generated g = generate(seed, strays::sometimes);
    catalog const c = g.b.build();
    simulated_sync_result const l =
        run_simulated_sync(legacy, c, g.options, predicate(g.installed));
    simulated_sync_result const f = run_simulated_sync(fixed, c, g.options, predicate(g.installed));
    ASSERT_TRUE(f.ok());
    ASSERT_FALSE(l.exceeded_max_rounds);
    t.rounds += f.rounds;
    t.with_strays += g.strays != 0 ? 1 : 0;
    std::set<std::pair<std::int32_t, std::string>> pairs;
    std::set<std::int32_t> revisions;
    for (auto const& row : g.b.rows()) {
        if (!row.stray) {
            pairs.emplace(row.revision_id, row.target_group);
            revisions.insert(row.revision_id);
        }
    }
    t.multi_group += pairs.size() > revisions.size() ? 1 : 0;
    t.with_merges += std::any_of(f.trace.begin(), f.trace.end(), [](const sync_round& r) {
        return r.response->precedence_merges != 0;
    });
    std::size_t const k = first_anomaly_round(f);
    // The legacy model fails if and only if the fixed model reports a reached anomaly.
    ASSERT_EQ(l.failure.has_value(), k != std::string::npos);
    if (!l.failure) {
        ASSERT_EQ(l.trace.size(), f.trace.size());
        for (std::size_t i = 0; i < l.trace.size(); ++i) {
            ASSERT_EQ(describe(l.trace[i]), describe(f.trace[i])) << "round " << i + 1;
        }
        EXPECT_EQ(l.cache(), f.cache());
        EXPECT_TRUE(f.resolved.empty());
        return;
    }
    ++t.reached;
    ASSERT_EQ(l.failed_round, k + 1);
    for (std::size_t i = 0; i < k; ++i) {
        ASSERT_EQ(describe(l.trace[i]), describe(f.trace[i])) << "round " << i + 1;
    }
    EXPECT_EQ(describe_request(l.trace[k]), describe_request(f.trace[k]));
    // The key is the lowest revision ID that reaches the anomaly in that round.
    std::int32_t key = 0;
    for (auto const& a : f.trace[k].response->resolved) {
        key = key == 0 ? a.revision_id : std::min(key, a.revision_id);
    }
    EXPECT_EQ(l.failure->table, "deploymentTable");
    EXPECT_EQ(l.failure->message(), "Item has already been added. Key in dictionary: '" +
                                        std::to_string(key) + "'  Key being added: '" +
                                        std::to_string(key) + "'");
    check_the_pair_repeats(g, f, k, key);
    EXPECT_TRUE(f.received_twice.empty());
}

TEST(DifferentialTest, ModelsAgreeUntilAnAnomalyIsReachedAndDifferExactlyThere) {
    auto const legacy = make_legacy_model();
    auto const fixed = make_fixed_model();
    tally t;
    for (std::uint32_t seed = 1; seed <= seed_count; ++seed) {
        check_seed(seed, *legacy, *fixed, t);
        if (::testing::Test::HasFatalFailure()) {
            return;
        }
    }
    EXPECT_GT(t.rounds, 3 * seed_count);            // the catalogues really are layered
    EXPECT_GT(t.multi_group, seed_count * 9 / 10);  // ordinary multi-group approvals everywhere
    EXPECT_GT(t.with_merges, seed_count * 6 / 10);  // ... that most clients meet
    EXPECT_GT(t.with_strays, seed_count / 4);
    EXPECT_GT(t.reached, seed_count / 20);  // some clients reach a stray pair ...
    EXPECT_LT(t.reached, t.with_strays);    // ... and some never do
}

TEST(DifferentialTest, RepeatedCachedIdFailsLegacyStateTableWithAddOnly) {
    auto const legacy = make_legacy_model();
    auto const legacy_add = make_legacy_model(legacy_options{true});
    auto const fixed = make_fixed_model();
    std::size_t failures = 0;
    for (std::uint32_t seed = 1; seed <= seed_count; ++seed) {
        SCOPED_TRACE("seed " + std::to_string(seed));
        generated g = generate(seed, strays::none);
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
