#include "captures.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <system_error>

#include <gtest/gtest.h>

namespace wsuslab::test {
namespace {

std::filesystem::path configured_dir() {
    if (const char* env = std::getenv("WSUSLAB_CAPTURES_DIR"); env != nullptr && *env != '\0') {
        return env;
    }
    return WSUSLAB_CAPTURES_DIR;
}

}  // namespace

std::optional<std::filesystem::path> captures_dir() {
    std::error_code ec;
    std::filesystem::path dir = configured_dir();
    if (!std::filesystem::is_directory(dir, ec)) {
        return std::nullopt;
    }
    return dir;
}

std::vector<std::string> capture_files(const std::filesystem::path& dir,
                                       const std::vector<std::string>& parts) {
    std::vector<std::string> out;
    std::error_code ec;
    for (auto const& entry : std::filesystem::directory_iterator(dir, ec)) {
        std::string const name = entry.path().filename().string();
        if (std::all_of(parts.begin(), parts.end(),
                        [&](const std::string& p) { return name.find(p) != std::string::npos; })) {
            out.push_back(name);
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::string captures_missing_message() {
    return "genuine captures not found at '" + configured_dir().string() +
           "' (third-party data outside the repository; set WSUSLAB_CAPTURES_DIR to a copy of "
           "shared/captures to run this test)";
}

std::string capture(const std::string& name) {
    std::filesystem::path const path = configured_dir() / name;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        ADD_FAILURE() << "cannot read capture " << path.string();
        return {};
    }
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

}  // namespace wsuslab::test
