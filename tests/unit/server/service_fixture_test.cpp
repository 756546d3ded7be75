// The shared helpers of the service tests (service_fixture.hpp), and a check of the scenario
// they rely on.

#include "service_fixture.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace wsuslab::server::test {

temp_dir::temp_dir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "wsuslab-service-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
        ADD_FAILURE() << "mkdtemp failed for " << pattern;
    }
    path_ = pattern;
}

temp_dir::~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        out.push_back(line);
    }
    return out;
}

namespace {

TEST(ServiceFixtureTest, ScenarioHasTheTwoRowsOfRevision8862) {
    const auto s = kb954960();
    int rows = 0;
    for (auto const& d : s->deployments) {
        rows += d.revision_id == 8862 ? 1 : 0;
    }
    EXPECT_EQ(rows, 2);
    EXPECT_EQ(s->server.protocol_version, "3.1");
    EXPECT_TRUE(s->server.registration_required);
}

}  // namespace
}  // namespace wsuslab::server::test
