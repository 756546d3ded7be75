#pragma once
// Runs `wsuslab <args>` in-process with stdout and stderr captured: the one runner of the CLI
// tests that read what a command printed.

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "commands.hpp"

namespace wsuslab::test {

struct cli_result {
    int code = 0;
    std::string out;
    std::string err;
};

inline cli_result run_wsuslab(std::vector<std::string> args) {
    args.insert(args.begin(), "wsuslab");
    std::vector<char*> argv;
    for (auto& a : args) {
        argv.push_back(a.data());
    }
    ::testing::internal::CaptureStdout();
    ::testing::internal::CaptureStderr();
    int const code = app::run_cli(static_cast<int>(argv.size()), argv.data());
    std::string out = ::testing::internal::GetCapturedStdout();
    return {code, std::move(out), ::testing::internal::GetCapturedStderr()};
}

}  // namespace wsuslab::test
