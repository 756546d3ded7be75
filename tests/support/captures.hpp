#pragma once
/// Where the genuine Windows 11 / Windows Server 2025 WSUS traffic lives (a folder outside the
/// repository, see docs/server.md "Interoperability with genuine traffic"). Tests that use it
/// GTEST_SKIP with a clear message when it is absent: a user's clone has no ../shared.

#include <filesystem>
#include <optional>

namespace wsuslab::test {

/// The captures folder: $WSUSLAB_CAPTURES_DIR when set and non-empty, else the compiled-in
/// `<source root>/../shared/captures`. nullopt when that folder does not exist.
std::optional<std::filesystem::path> captures_dir();

}  // namespace wsuslab::test
