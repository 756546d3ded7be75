#include "fixtures.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace wsuslab::test {

std::string fixtures_dir() {
    if (const char* env = std::getenv("WSUSLAB_FIXTURES_DIR"); env != nullptr && *env != '\0') {
        return env;
    }
    return WSUSLAB_FIXTURES_DIR;
}

std::string fixture_path(const std::string& relative) {
    std::string path = fixtures_dir() + "/" + relative;
    if (!std::ifstream(path).good()) {
        ADD_FAILURE() << "fixture missing: " << path;
    }
    return path;
}

std::string read_fixture(const std::string& relative) {
    std::ifstream in(fixture_path(relative), std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

}  // namespace wsuslab::test
