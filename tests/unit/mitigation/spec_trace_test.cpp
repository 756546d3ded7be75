// Reproduces the list growth of the MS-WUSP example trace (docs/protocol-notes.md §9): request 2
// carries 1 installed non-leaf + 29 other cached IDs, requests 3 and 4 (software end, driver pass)
// carry 2 + 58, with exactly the IDs the specification prints.

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <wsuslab/mitigation/simulated_sync.hpp>

#include "model_test_catalogs.hpp"

namespace wsuslab::mitigation {
namespace {

using test::catalog_builder;
using ::testing::ElementsAreArray;
using ::testing::IsEmpty;

protocol::id_list range(std::int32_t first, std::int32_t last) {
    protocol::id_list out;
    for (std::int32_t id = first; id <= last; ++id) {
        out.push_back(id);
    }
    return out;
}

protocol::id_list join(std::vector<protocol::id_list> parts) {
    protocol::id_list out;
    for (auto const& p : parts) {
        out.insert(out.end(), p.begin(), p.end());
    }
    return out;
}

// Roots (no prerequisites): product/category detectoids, 109 = "Windows XP" is installed.
const protocol::id_list roots = join({range(101, 115), range(378, 392)});
// Second layer: detectoids that require 109; 191 = "Windows XP SP2" is installed.
const protocol::id_list layer2 =
    join({range(39, 58), {97, 99, 100, 179, 181, 191}, range(196, 198), {210}});

// Every detectoid is named by some leaf update (so it is non-leaf and travels in its layer);
// each leaf also needs a detectoid this machine lacks, so no leaf is ever needed.
catalog spec_catalog() {
    catalog_builder b;
    for (std::int32_t const id : roots) {
        b.add(id, update_type::detectoid);
    }
    for (std::int32_t const id : layer2) {
        b.add(id, update_type::detectoid);
        b.prereq(id, {109});
    }
    std::int32_t leaf = 5000;
    for (std::int32_t const id : join({roots, layer2})) {
        if (id == 109) {
            continue;  // named by the second layer already
        }
        b.add(leaf);
        b.prereq(leaf, {id});
        if (id == 191) {
            b.prereq(leaf, {39});  // SP2 fixes that also need a feature the machine lacks
        }
        b.deploy(leaf);
        ++leaf;
    }
    return b.build();
}

class SpecTraceTest : public ::testing::TestWithParam<model_kind> {};

TEST_P(SpecTraceTest, ListsGrowAsInTheSpecificationExample) {
    catalog const c = spec_catalog();
    std::set<std::int32_t> const installed{109, 191};
    simulated_sync_result const r = run_simulated_sync(
        *make_model(GetParam()), c, {},
        [&](const revision& rev) { return installed.count(rev.revision_id) != 0; });
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r.rounds, 4U);

    EXPECT_THAT(r.trace[0].installed_non_leaf, IsEmpty());
    EXPECT_THAT(r.trace[0].other_cached, IsEmpty());
    EXPECT_THAT(r.trace[0].new_update_ids,
                ElementsAreArray(join({range(101, 115), range(378, 392)})));

    EXPECT_EQ(r.trace[1].installed_non_leaf_sent, 1U);
    EXPECT_EQ(r.trace[1].other_cached_sent, 29U);
    EXPECT_THAT(r.trace[1].installed_non_leaf, ElementsAreArray({109}));
    EXPECT_THAT(r.trace[1].other_cached,
                ElementsAreArray(join({range(101, 108), range(110, 115), range(378, 392)})));

    protocol::id_list const other58 = join({range(39, 58),
                                            {97},
                                            range(99, 108),
                                            range(110, 115),
                                            {179, 181},
                                            range(196, 198),
                                            {210},
                                            range(378, 392)});
    for (std::size_t i : {2U, 3U}) {
        EXPECT_EQ(r.trace[i].installed_non_leaf_sent, 2U);
        EXPECT_EQ(r.trace[i].other_cached_sent, 58U);
        EXPECT_THAT(r.trace[i].installed_non_leaf, ElementsAreArray({109, 191}));
        EXPECT_THAT(r.trace[i].other_cached, ElementsAreArray(other58));
        EXPECT_THAT(r.trace[i].new_update_ids, IsEmpty());
    }
    EXPECT_FALSE(r.trace[2].driver_pass);
    EXPECT_TRUE(r.trace[3].driver_pass);
    EXPECT_THAT(r.resolved, IsEmpty());
}

INSTANTIATE_TEST_SUITE_P(BothModels, SpecTraceTest,
                         ::testing::Values(model_kind::legacy, model_kind::fixed),
                         [](const ::testing::TestParamInfo<model_kind>& param_info) {
                             return param_info.param == model_kind::legacy ? "Legacy" : "Fixed";
                         });

}  // namespace
}  // namespace wsuslab::mitigation
