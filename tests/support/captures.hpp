#pragma once
/// The genuine captures of a Windows 11 agent and a Windows Server 2025 WSUS (docs/client.md §9):
/// third-party data that is not in the repository. Tests read them from ../shared/captures next
/// to the source root (WSUSLAB_CAPTURES_DIR overrides) and GTEST_SKIP when the folder is absent:
///
///     if (!test::captures_present()) GTEST_SKIP() << test::captures_skip_message();

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace wsuslab::test {

/// The genuine captures (../shared/captures next to the source root; WSUSLAB_CAPTURES_DIR
/// overrides). Tests GTEST_SKIP when it does not exist.
inline std::string captures_dir() {
    if (const char* env = std::getenv("WSUSLAB_CAPTURES_DIR"); env != nullptr && *env != '\0') {
        return env;
    }
    return (std::filesystem::path(WSUSLAB_FIXTURES_DIR) / ".." / ".." / "shared" / "captures").lexically_normal().string();
}

inline bool captures_present() { return std::filesystem::is_directory(captures_dir()); }

inline std::string captures_skip_message() {
    return "the genuine captures are not present at " + captures_dir() +
           " (set WSUSLAB_CAPTURES_DIR to their folder to run this test)";
}

/// A file as bytes ("" and a test failure when it cannot be read).
inline std::string read_file_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        ADD_FAILURE() << "cannot read " << path;
        return {};
    }
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

inline std::string capture(const std::string& name) { return read_file_bytes(captures_dir() + "/" + name); }

}  // namespace wsuslab::test
