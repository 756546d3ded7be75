#include "fuzz_replay.hpp"

#include <algorithm>
#include <exception>
#include <filesystem>
#include <set>

#include <gtest/gtest.h>

#include "fixtures.hpp"

namespace wsuslab::test {

std::vector<std::string> fuzz_regression_inputs(const std::string& target) {
    std::vector<std::string> names;
    std::error_code ec;
    const std::filesystem::path dir = fixtures_dir() + "/fuzz/" + target;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        if (entry.is_regular_file()) {
            names.push_back(entry.path().filename().string());
        }
    }
    std::sort(names.begin(), names.end());
    return names;
}

void replay_fuzz_regressions(const std::string& target, const fuzz_input_runner& run,
                             const std::map<std::string, std::string>& expected) {
    const auto names = fuzz_regression_inputs(target);
    if (names.empty() && expected.empty()) {
        GTEST_SKIP() << "fixtures/fuzz/" << target << "/ holds no regression input yet";
    }
    const std::set<std::string> present(names.begin(), names.end());
    for (const auto& [name, outcome] : expected) {
        EXPECT_EQ(present.count(name), 1U)
            << "fixtures/fuzz/" << target << "/" << name << " is expected but missing";
    }
    for (const auto& name : names) {
        SCOPED_TRACE("fixtures/fuzz/" + target + "/" + name);
        const std::string bytes = read_fixture("fuzz/" + target + "/" + name);
        std::string outcome;
        try {
            outcome = run(bytes);
        } catch (const std::exception& e) {
            outcome = std::string("threw: ") + e.what();
        }
        const auto want = expected.find(name);
        if (want == expected.end()) {
            ADD_FAILURE() << "no expected outcome for this input; it gives: " << outcome;
            continue;
        }
        EXPECT_EQ(outcome, want->second);
    }
}

}  // namespace wsuslab::test
