// libFuzzer target: Core fragments and applicability rules (core_rules_input.hpp says what and
// which invariants).
#include <cstddef>
#include <cstdint>

#include "core_rules_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return wsuslab::fuzz::run_fuzz_input(wsuslab::fuzz::run_core_rules_input, data, size);
}
