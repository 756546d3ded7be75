#pragma once
// Invariant checks inside the fuzz targets: a broken invariant prints what broke and aborts, which
// libFuzzer reports as a crash and saves the input under build/fuzz/crashes/<target>/.

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace wsuslab::fuzz {

[[noreturn]] inline void invariant_failed(const char* what, const char* file, int line) {
    std::fprintf(stderr, "%s:%d: fuzz invariant broken: %s\n", file, line, what);
    std::abort();
}

inline std::string_view as_text(const unsigned char* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

}  // namespace wsuslab::fuzz

// A macro (not a function) so that the message names the expression and the line.
#define WSUSLAB_FUZZ_CHECK(cond)                                                   \
    do {                                                                           \
        if (!(cond)) {                                                             \
            ::wsuslab::fuzz::invariant_failed(#cond, __FILE__, __LINE__);          \
        }                                                                          \
    } while (false)
