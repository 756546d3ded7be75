// libFuzzer target: the response and fault parser the simulated agent runs on a server's answer
// (response_input.hpp says what and which invariants).
#include <cstddef>
#include <cstdint>

#include "response_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return wsuslab::fuzz::run_fuzz_input(wsuslab::fuzz::run_response_input, data, size);
}
