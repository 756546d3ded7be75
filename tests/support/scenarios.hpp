#pragma once
/// Scenarios for tests: a load that must succeed (the test fails with the loader's message
/// otherwise) and the shipped kb954960.xml, loaded once per process.

#include <memory>
#include <string>

#include <wsuslab/mitigation/scenario.hpp>
#include <wsuslab/mitigation/scenario_loader.hpp>

namespace wsuslab::test {

/// The scenario of `loaded`; on a scenario_error ADD_FAILURE()s with its message and returns an
/// empty scenario.
mitigation::scenario scenario_or_failure(mitigation::scenario_result loaded);

/// scenario_or_failure(load_scenario_file(path)).
mitigation::scenario load_scenario_or_failure(const std::string& path);

/// fixtures/scenarios/kb954960.xml, loaded once per process and read-only afterwards (hashing its
/// content files is the slow part). Throws std::runtime_error with the loader's message when the
/// shipped file does not load, which fails every test that needs it.
std::shared_ptr<const mitigation::scenario> shipped_kb954960();

/// The profile `name` of shipped_kb954960(); throws std::runtime_error when it has none.
const mitigation::client_profile& shipped_profile(const std::string& name);

}  // namespace wsuslab::test
