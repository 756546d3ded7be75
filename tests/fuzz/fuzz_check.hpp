#pragma once
// What the fuzz targets and their GoogleTest replays (fixtures/fuzz/<target>/, docs/testing.md
// "Fuzzing") share. Each target's work on one input lives in tests/fuzz/<name>_input.hpp as a
// function from the input's bytes to a one-line outcome ("refused: ...", "accepted: ..."), so the
// replay test runs exactly the code the fuzzer ran and can assert the outcome.
// A broken invariant throws invariant_broken naming the expression and the line: the fuzz target
// turns it into abort() (run_fuzz_input), which libFuzzer reports as a crash and saves the input
// under build/fuzz/crashes/<target>/; a replay test reports it as a failure.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

// libFuzzer's entry point, which every fuzz_<name>.cpp defines (declared here so that clang's
// -Wmissing-prototypes has nothing to say about it).
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace wsuslab::fuzz {

struct invariant_broken : std::logic_error {
    using std::logic_error::logic_error;
};

[[noreturn]] inline void invariant_failed(const char* what, const char* file, int line) {
    throw invariant_broken(std::string(file) + ":" + std::to_string(line) +
                           ": fuzz invariant broken: " + what);
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

/// The body of LLVMFuzzerTestOneInput: runs one input, aborts on a broken invariant.
template <class Run>
int run_fuzz_input(Run run, const std::uint8_t* data, std::size_t size) {
    try {
        (void)run(as_text(data, size));
    } catch (const invariant_broken& e) {
        std::fprintf(stderr, "%s\n", e.what());
        std::abort();
    }
    return 0;
}

}  // namespace wsuslab::fuzz

// A macro (not a function) so that the message names the expression and the line.
#define WSUSLAB_FUZZ_CHECK(cond)                                                   \
    do {                                                                           \
        if (!(cond)) {                                                             \
            ::wsuslab::fuzz::invariant_failed(#cond, __FILE__, __LINE__);          \
        }                                                                          \
    } while (false)
