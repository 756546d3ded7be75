#pragma once
/// Paths to shipped fixtures, independent of the working directory. WSUSLAB_FIXTURES_DIR in the
/// environment overrides the compiled-in path. A missing file fails the test loudly.

#include <string>

namespace wsuslab::test {

/// The fixtures directory (no trailing slash).
std::string fixtures_dir();
/// fixtures_dir() + "/" + relative; ADD_FAILURE()s and returns the path when the file is missing.
std::string fixture_path(const std::string& relative);
/// The whole file as bytes; ADD_FAILURE()s when it cannot be read.
std::string read_fixture(const std::string& relative);

}  // namespace wsuslab::test
