// libFuzzer target: the SOAP envelope and request parser the mock WSUS runs on a POST body
// (request_input.hpp says what and which invariants).
#include <cstddef>
#include <cstdint>

#include "request_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return wsuslab::fuzz::run_fuzz_input(wsuslab::fuzz::run_request_input, data, size);
}
