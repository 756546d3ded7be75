#pragma once
// fuzz_scenario's work on one input (fuzz_check.hpp), also replayed by
// tests/unit/mitigation/fuzz_replay_test.cpp: bytes -> the scenario file loader
// (`wsuslab serve --scenario`, `diagnose`, `demo`).
// Invariants: an error names the file and a problem; a loaded scenario writes and loads back
// equal (load_scenario_text(write_scenario(s)) == s, scenario.hpp).
// Outcome: "refused: fuzz.xml[:line]: <problem>" or "loaded".
#include <cstdio>
#include <string>
#include <string_view>
#include <variant>

#include <wsuslab/mitigation/scenario_loader.hpp>

#include "fuzz_check.hpp"

namespace wsuslab::fuzz {

inline std::string run_scenario_input(std::string_view bytes) {
    namespace mit = mitigation;
    auto loaded = mit::load_scenario_text(bytes, "fuzz.xml");
    if (const auto* e = std::get_if<mit::scenario_error>(&loaded)) {
        WSUSLAB_FUZZ_CHECK(!e->problem.empty());
        WSUSLAB_FUZZ_CHECK(e->file == "fuzz.xml");
        return "refused: " + e->to_string();
    }
    const auto& s = std::get<mit::scenario>(loaded);
    const std::string written = mit::write_scenario(s);
    auto again = mit::load_scenario_text(written, "rewritten.xml");
    if (const auto* e = std::get_if<mit::scenario_error>(&again)) {
        std::fprintf(stderr, "re-load failed: %s\n%s\n", e->to_string().c_str(), written.c_str());
    }
    WSUSLAB_FUZZ_CHECK(std::holds_alternative<mit::scenario>(again));
    WSUSLAB_FUZZ_CHECK(std::get<mit::scenario>(again) == s);
    return "loaded";
}

}  // namespace wsuslab::fuzz
