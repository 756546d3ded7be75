#pragma once
// Hand-built catalogues for the model tests: revisions named by revision ID, UpdateIDs derived
// from the ID ("u<id>") unless given, prerequisites written as revision IDs.

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <wsuslab/mitigation/catalog.hpp>
#include <wsuslab/mitigation/get_sync_info.hpp>
#include <wsuslab/mitigation/scenario.hpp>

namespace wsuslab::mitigation::test {

// The matchers and the action the model tests (in this namespace) write unqualified.
using protocol::deployment_action;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

class catalog_builder {
public:
    revision& add(std::int32_t id, update_type type = update_type::software,
                  std::string update_id = {}, std::int32_t revision_number = 1) {
        revision r;
        r.revision_id = id;
        r.update_id = update_id.empty() ? "u" + std::to_string(id) : std::move(update_id);
        r.revision_number = revision_number;
        r.type = type;
        r.title = "revision " + std::to_string(id);
        r.core_xml = "<UpdateIdentity UpdateID=\"" + r.update_id + "\" RevisionNumber=\"" +
                     std::to_string(revision_number) + "\" />";
        revisions_.push_back(std::move(r));
        return revisions_.back();
    }

    /// One AND-clause: any of the revisions' UpdateIDs satisfies it.
    catalog_builder& prereq(std::int32_t id, std::initializer_list<std::int32_t> any_of) {
        prerequisite_clause cl;
        for (std::int32_t const p : any_of) {
            cl.update_ids.push_back(update_id(p));
        }
        get(id).prerequisites.push_back(std::move(cl));
        return *this;
    }

    catalog_builder& bundle(std::int32_t id, std::initializer_list<std::int32_t> members) {
        for (std::int32_t const m : members) {
            get(id).bundled_revisions.push_back({m});
        }
        return *this;
    }

    deployment_row& deploy(
        std::int32_t id, std::string group = all_computers_group,
        protocol::deployment_action action = protocol::deployment_action::install,
        std::string last_change = "2008-06-10") {
        deployment_row d;
        d.deployment_id = next_deployment_++;
        d.revision_id = id;
        d.target_group = std::move(group);
        d.action = action;
        d.last_change_time = std::move(last_change);
        rows_.push_back(std::move(d));
        return rows_.back();
    }

    catalog_builder& group(std::string name, std::optional<std::string> parent) {
        groups_.push_back({std::move(name), std::move(parent), std::nullopt});
        return *this;
    }

    revision& get(std::int32_t id) {
        for (auto& r : revisions_) {
            if (r.revision_id == id) {
                return r;
            }
        }
        return add(id);
    }

    std::string update_id(std::int32_t id) { return get(id).update_id; }

    std::vector<deployment_row>& rows() { return rows_; }
    const std::vector<deployment_row>& rows() const { return rows_; }
    catalog build() const { return catalog(revisions_, rows_, groups_); }

private:
    std::vector<revision> revisions_;
    std::vector<deployment_row> rows_;
    std::vector<target_group> groups_;
    std::int32_t next_deployment_ = 1001;
};

/// Revision 100 behind the detectoids 1 to 5 (one prerequisite each), deployed: one round of
/// five non-leaf updates before it.
inline catalog_builder behind_five_detectoids() {
    catalog_builder b;
    b.add(100);
    for (std::int32_t id = 1; id <= 5; ++id) {
        b.add(id, update_type::detectoid);
        b.prereq(100, {id});
    }
    b.deploy(100);
    return b;
}

/// Update `id` behind the detectoid `detectoid` (its one prerequisite), deployed for All Computers.
inline catalog_builder behind_a_detectoid(std::int32_t detectoid, std::int32_t id) {
    catalog_builder b;
    b.add(detectoid, update_type::detectoid);
    b.add(id);
    b.prereq(id, {detectoid});
    b.deploy(id);
    return b;
}

inline sync_request request(protocol::id_list installed = {}, protocol::id_list other = {},
                            std::vector<std::string> groups = {all_computers_group}) {
    sync_request r;
    r.groups = std::move(groups);
    r.installed_non_leaf = std::move(installed);
    r.other_cached = std::move(other);
    return r;
}

inline protocol::id_list ids(const std::vector<protocol::update_info>& updates) {
    protocol::id_list out;
    for (auto const& u : updates) {
        out.push_back(u.id);
    }
    return out;
}

/// The result of a call that must not fail (the test fails loudly otherwise).
inline sync_result must_succeed(const sync_outcome& o) {
    if (auto const* e = std::get_if<duplicate_key_error>(&o)) {
        ADD_FAILURE() << "unexpected failure: " << e->message();
        return {};
    }
    return std::get<sync_result>(o);
}

}  // namespace wsuslab::mitigation::test
