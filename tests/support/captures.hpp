#pragma once
/// The genuine captures outside the repository (../shared/captures relative to the source root,
/// WSUSLAB_CAPTURES_DIR in the environment overrides it). They are third-party data that a
/// user's clone does not have: tests that read them GTEST_SKIP when the folder is absent.

#include <optional>
#include <string>
#include <vector>

namespace wsuslab::test {

/// The captures directory when it exists, nullopt otherwise.
std::optional<std::string> captures_dir();

/// The names (not paths) of the files in `dir` whose name contains every one of `parts`, sorted.
std::vector<std::string> capture_files(const std::string& dir, const std::vector<std::string>& parts);

/// A message for GTEST_SKIP naming where the captures were looked for.
std::string captures_missing_message();

}  // namespace wsuslab::test
