#pragma once
/// Where the genuine Windows 11 / Windows Server 2025 WSUS traffic lives: a folder outside the
/// repository (`<source root>/../shared/captures`, overridden by $WSUSLAB_CAPTURES_DIR; see
/// docs/server.md "Interoperability with genuine traffic"). It is third-party data that a user's
/// clone does not have: tests that read it GTEST_SKIP with captures_missing_message().

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace wsuslab::test {

/// The captures folder when it exists, nullopt otherwise.
std::optional<std::filesystem::path> captures_dir();

/// The names (not paths) of the files in `dir` whose name contains every one of `parts`, sorted.
std::vector<std::string> capture_files(const std::filesystem::path& dir,
                                       const std::vector<std::string>& parts);

/// A message for GTEST_SKIP naming where the captures were looked for.
std::string captures_missing_message();

/// Whether the captures folder exists.
inline bool captures_present() { return captures_dir().has_value(); }

/// The bytes of one capture file ("" and a test failure when it cannot be read).
std::string capture(const std::string& name);

}  // namespace wsuslab::test
