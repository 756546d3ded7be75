// Bytes -> scenario file loader (`wsuslab serve --scenario`, `diagnose`, `demo`).
// Invariants: an error names a problem; a loaded scenario writes and loads back equal
// (load_scenario_text(write_scenario(s)) == s, scenario.hpp).
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include <wsuslab/mitigation/scenario_loader.hpp>

#include "fuzz_check.hpp"

namespace mit = wsuslab::mitigation;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto loaded = mit::load_scenario_text(wsuslab::fuzz::as_text(data, size), "fuzz.xml");
    if (const auto* e = std::get_if<mit::scenario_error>(&loaded)) {
        WSUSLAB_FUZZ_CHECK(!e->problem.empty());
        WSUSLAB_FUZZ_CHECK(e->file == "fuzz.xml");
        return 0;
    }
    const auto& s = std::get<mit::scenario>(loaded);
    const std::string written = mit::write_scenario(s);
    auto again = mit::load_scenario_text(written, "rewritten.xml");
    if (const auto* e = std::get_if<mit::scenario_error>(&again)) {
        std::fprintf(stderr, "re-load failed: %s\n%s\n", e->to_string().c_str(), written.c_str());
    }
    WSUSLAB_FUZZ_CHECK(std::holds_alternative<mit::scenario>(again));
    WSUSLAB_FUZZ_CHECK(std::get<mit::scenario>(again) == s);
    return 0;
}
