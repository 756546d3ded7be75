// libFuzzer target: one recorded exchange folder as `serve --replay` loads it (exchange_input.hpp
// says what, the input layout and which invariants).
#include <cstddef>
#include <cstdint>

#include "exchange_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return wsuslab::fuzz::run_fuzz_input(wsuslab::fuzz::run_exchange_input, data, size);
}
