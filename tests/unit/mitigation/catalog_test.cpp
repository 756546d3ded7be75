#include <cstddef>
#include <cstdint>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <wsuslab/mitigation/catalog.hpp>

#include "model_test_catalogs.hpp"

namespace wsuslab::mitigation {
namespace {

using test::catalog_builder;
using ::testing::ElementsAre;

std::vector<std::int32_t> ids_at(const catalog& c, index_range positions) {
    std::vector<std::int32_t> out;
    for (std::int32_t const p : positions) {
        out.push_back(c.revision_id_at(static_cast<std::size_t>(p)));
    }
    return out;
}

TEST(CatalogTest, KeepsRevisionsSortedByIdAndFindsThem) {
    catalog_builder b;
    b.add(30);
    b.add(10);
    b.add(20);
    catalog const c = b.build();
    ASSERT_EQ(c.size(), 3U);
    EXPECT_EQ(c.revisions()[0].revision_id, 10);
    EXPECT_EQ(c.revisions()[2].revision_id, 30);
    EXPECT_EQ(c.position(20), 1);
    EXPECT_EQ(c.position(25), catalog::npos);
    ASSERT_NE(c.find(30), nullptr);
    EXPECT_EQ(c.find(30)->title, "revision 30");
    EXPECT_EQ(c.find(31), nullptr);
}

TEST(CatalogTest, FindsRevisionsByIdentityAndListsAnUpdatesRevisionsByNumber) {
    catalog_builder b;
    b.add(30, update_type::software, "u", 7);
    b.add(10, update_type::software, "u", 9);
    b.add(20, update_type::software, "u", 8);
    b.add(40);
    catalog const c = b.build();
    std::int32_t const u = c.update_index_of("u");
    ASSERT_NE(u, catalog::npos);
    std::vector<std::int32_t> ids;
    for (std::int32_t const pos : c.update_revisions(u)) {
        ids.push_back(c.revision_id_at(static_cast<std::size_t>(pos)));
    }
    EXPECT_THAT(ids, ElementsAre(30, 20, 10));  // RevisionNumber 7, 8, 9
    EXPECT_EQ(c.position_of("u", 8), c.position(20));
    EXPECT_EQ(c.position_of("u", 6), catalog::npos);
    EXPECT_EQ(c.position_of("v", 8), catalog::npos);
}

TEST(CatalogTest, PrerequisiteEdgesNameTheLatestRevisionOfEachUpdate) {
    catalog_builder b;
    b.add(1, update_type::detectoid, "office", 5);
    b.add(2, update_type::detectoid, "office", 7);  // the highest RevisionNumber
    b.add(3, update_type::detectoid, "office", 6);
    b.add(9);
    b.prereq(9, {1});
    catalog const c = b.build();
    auto const pos = static_cast<std::size_t>(c.position(9));
    EXPECT_THAT(ids_at(c, c.prerequisite_targets(pos)), ElementsAre(2));
    EXPECT_EQ(c.clause_count(pos), 1U);
    EXPECT_EQ(c.clause(pos, 0).size(), 1U);
    EXPECT_EQ(c.update_index(static_cast<std::size_t>(c.position(1))),
              c.update_index(static_cast<std::size_t>(c.position(3))));
    EXPECT_TRUE(c.has_several_revisions(c.update_index_of("office")));
    EXPECT_FALSE(c.has_several_revisions(c.update_index(pos)));
}

TEST(CatalogTest, IsLeafIsFalseForEveryRevisionOfANamedUpdate) {
    catalog_builder b;
    b.add(1, update_type::detectoid, "office", 1);
    b.add(2, update_type::detectoid, "office", 2);
    b.add(3);
    b.prereq(3, {2});
    catalog const c = b.build();
    EXPECT_FALSE(c.is_leaf(static_cast<std::size_t>(c.position(1))));
    EXPECT_FALSE(c.is_leaf(static_cast<std::size_t>(c.position(2))));
    EXPECT_TRUE(c.is_leaf(static_cast<std::size_t>(c.position(3))));
}

TEST(CatalogTest, UnknownPrerequisiteUpdateIdIsAnUnsatisfiableMember) {
    catalog_builder b;
    b.add(5);
    prerequisite_clause cl;
    cl.update_ids = {"no-such-update"};
    b.get(5).prerequisites.push_back(cl);
    catalog const c = b.build();
    auto const pos = static_cast<std::size_t>(c.position(5));
    ASSERT_EQ(c.clause_count(pos), 1U);
    EXPECT_THAT(std::vector<std::int32_t>(c.clause(pos, 0).begin(), c.clause(pos, 0).end()),
                ElementsAre(catalog::npos));
    EXPECT_TRUE(c.prerequisite_targets(pos).empty());
}

TEST(CatalogTest, BundleMembersAndReverseFlag) {
    catalog_builder b;
    b.add(7);
    b.add(8);
    b.add(6);
    b.bundle(6, {8, 7, 999});  // 999 is unknown and ignored
    catalog const c = b.build();
    EXPECT_THAT(ids_at(c, c.bundle_members(static_cast<std::size_t>(c.position(6)))),
                ElementsAre(7, 8));
    EXPECT_TRUE(c.is_bundle_member(static_cast<std::size_t>(c.position(7))));
    EXPECT_FALSE(c.is_bundle_member(static_cast<std::size_t>(c.position(6))));
}

TEST(CatalogTest, RowsIndexedByGroupAndRevisionInFileOrder) {
    catalog_builder b;
    b.add(1);
    b.add(2);
    b.deploy(2, "Office");
    b.deploy(1, all_computers_group);
    b.deploy(2, all_computers_group);
    b.deploy(77, all_computers_group);  // unknown revision: kept in deployments(), not indexed
    catalog const c = b.build();
    EXPECT_EQ(c.deployments().size(), 4U);
    std::int32_t const all = c.group_index(all_computers_group);
    ASSERT_NE(all, catalog::npos);
    EXPECT_THAT(std::vector<std::int32_t>(c.rows_of_group(all).begin(), c.rows_of_group(all).end()),
                ElementsAre(1, 2));
    auto const rows2 = c.rows_of_revision(static_cast<std::size_t>(c.position(2)));
    EXPECT_THAT(std::vector<std::int32_t>(rows2.begin(), rows2.end()), ElementsAre(0, 2));
    EXPECT_EQ(c.row_position(3), catalog::npos);
    EXPECT_EQ(c.row_group(3), catalog::npos);
    EXPECT_EQ(c.group_index("Nobody"), catalog::npos);
}

TEST(CatalogTest, GroupDepthFollowsParents) {
    catalog_builder b;
    b.add(1);
    b.group("Desktops", all_computers_group)
        .group("Desktops-L1", "Desktops")
        .group("Desktops-L2", "Desktops-L1");
    for (auto const* g : {"All Computers", "Desktops", "Desktops-L2", "Servers"}) {
        b.deploy(1, g);
    }
    catalog const c = b.build();
    EXPECT_EQ(c.group_depth(c.group_index(all_computers_group)), 0);
    EXPECT_EQ(c.group_depth(c.group_index("Desktops")), 1);
    EXPECT_EQ(c.group_depth(c.group_index("Desktops-L2")), 3);
    EXPECT_EQ(c.group_depth(c.group_index("Servers")), 1);  // no declared parent
}

TEST(CatalogTest, EarliestChangeTime) {
    catalog_builder b;
    b.add(1);
    EXPECT_EQ(b.build().earliest_change_time(), "");
    b.deploy(1, all_computers_group, protocol::deployment_action::install, "2008-06-10");
    b.deploy(1, "Office", protocol::deployment_action::install, "2007-01-31");
    EXPECT_EQ(b.build().earliest_change_time(), "2007-01-31");
}

}  // namespace
}  // namespace wsuslab::mitigation
