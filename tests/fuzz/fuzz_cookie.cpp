// libFuzzer target: the server's cookie codec (cookie_input.hpp says what and which invariants).
#include <cstddef>
#include <cstdint>

#include "cookie_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return wsuslab::fuzz::run_fuzz_input(wsuslab::fuzz::run_cookie_input, data, size);
}
