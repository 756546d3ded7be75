#include <wsuslab/mitigation/scenario.hpp>

namespace wsuslab::mitigation {

const revision* scenario::find_revision(std::int32_t revision_id) const {
    for (auto const& r : revisions) {
        if (r.revision_id == revision_id) {
            return &r;
        }
    }
    return nullptr;
}

const client_profile* scenario::find_profile(const std::string& profile_name) const {
    for (auto const& p : profiles) {
        if (p.name == profile_name) {
            return &p;
        }
    }
    return nullptr;
}

}  // namespace wsuslab::mitigation
