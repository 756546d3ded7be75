#include "scenarios.hpp"

#include <stdexcept>
#include <utility>
#include <variant>

#include <gtest/gtest.h>

#include "fixtures.hpp"

namespace wsuslab::test {

mitigation::scenario scenario_or_failure(mitigation::scenario_result loaded) {
    if (auto const* e = std::get_if<mitigation::scenario_error>(&loaded)) {
        ADD_FAILURE() << e->to_string();
        return {};
    }
    return std::get<mitigation::scenario>(std::move(loaded));
}

mitigation::scenario load_scenario_or_failure(const std::string& path) {
    return scenario_or_failure(mitigation::load_scenario_file(path));
}

std::shared_ptr<const mitigation::scenario> shipped_kb954960() {
    static std::shared_ptr<const mitigation::scenario> const loaded = [] {
        auto r = mitigation::load_scenario_file(fixture_path("scenarios/kb954960.xml"));
        if (auto const* e = std::get_if<mitigation::scenario_error>(&r)) {
            throw std::runtime_error("kb954960.xml: " + e->to_string());
        }
        return std::make_shared<const mitigation::scenario>(std::get<mitigation::scenario>(std::move(r)));
    }();
    return loaded;
}

const mitigation::client_profile& shipped_profile(const std::string& name) {
    auto const* p = shipped_kb954960()->find_profile(name);
    if (p == nullptr) {
        throw std::runtime_error("kb954960.xml has no profile " + name);
    }
    return *p;
}

}  // namespace wsuslab::test
