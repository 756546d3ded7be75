#include "captures.hpp"

#include <cstdlib>
#include <system_error>

namespace wsuslab::test {

std::optional<std::filesystem::path> captures_dir() {
    std::filesystem::path dir = WSUSLAB_CAPTURES_DIR;
    if (const char* env = std::getenv("WSUSLAB_CAPTURES_DIR"); env != nullptr && *env != '\0') {
        dir = env;
    }
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
        return std::nullopt;
    }
    return dir;
}

}  // namespace wsuslab::test
