#pragma once
/// The indexed, immutable form of a scenario's revisions and deployment rows that the models
/// query per request. Built once (O(revisions + rows)); shared read-only between threads.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <wsuslab/mitigation/scenario.hpp>

namespace wsuslab::mitigation {

class catalog {
public:
    catalog(std::vector<revision> revisions, std::vector<deployment_row> deployments);
    explicit catalog(const scenario& s);

    const std::vector<revision>& revisions() const { return revisions_; }
    const std::vector<deployment_row>& deployments() const { return deployments_; }
    /// nullptr when unknown.
    const revision* find(std::int32_t revision_id) const;

    // The implementation adds its indexes below (by revision ID, by UpdateID, rows by group,
    // reverse prerequisite edges, IsLeaf).
private:
    std::vector<revision> revisions_;
    std::vector<deployment_row> deployments_;
};

}  // namespace wsuslab::mitigation
