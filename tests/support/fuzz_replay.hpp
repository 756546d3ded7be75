#pragma once
/// Replays the regression inputs of a libFuzzer target (fixtures/fuzz/<target>/, docs/testing.md
/// "Fuzzing") through the same function the target runs (tests/fuzz/<name>_input.hpp) and checks
/// each outcome exactly. A minimised crasher dropped into the folder fails the replay until its
/// expected outcome is written into the test's table, so every input states what it must give.

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace wsuslab::test {

/// File names (not paths) of fixtures/fuzz/<target>/, sorted; empty when the folder is missing.
std::vector<std::string> fuzz_regression_inputs(const std::string& target);

/// One input's run: the outcome line, or the what() of the exception it threw (a broken fuzz
/// invariant or any other), prefixed "threw: ".
using fuzz_input_runner = std::function<std::string(std::string_view)>;

/// Runs every file of fixtures/fuzz/<target>/ through `run` and EXPECTs, per file, the outcome in
/// `expected` (file name -> outcome). A file without an entry, an entry without a file, and an
/// exception all fail. GTEST_SKIPs when the folder has no file and nothing is expected.
void replay_fuzz_regressions(const std::string& target, const fuzz_input_runner& run,
                             const std::map<std::string, std::string>& expected);

}  // namespace wsuslab::test
