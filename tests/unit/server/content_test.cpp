// GET/HEAD /Content: the deterministic bytes of scenario files, single Range requests (206),
// unsatisfiable ranges (416), unknown files (404).

#include <gtest/gtest.h>

#include <wsuslab/mitigation/content.hpp>

#include "service_fixture.hpp"

namespace wsuslab::server::test {
namespace {

class ContentTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(h.ok());
        const auto* rev = kb954960()->find_revision(8862);
        ASSERT_TRUE(rev && !rev->files.empty());
        file = rev->files.front();
        std::string hex = mitigation::content_sha1_hex(file);
        for (char& c : hex) {
            c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
        path = "/Content/" + hex.substr(38) + "/" + hex + ".exe";
    }

    service_harness h;
    mitigation::content_file file;
    std::string path;
};

TEST_F(ContentTest, GetServesTheWholeFile) {
    const http_response r = h.get(path);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("Content-Type"), std::optional<std::string_view>("application/octet-stream"));
    EXPECT_EQ(r.header("Accept-Ranges"), std::optional<std::string_view>("bytes"));
    EXPECT_EQ(r.body.size(), file.size);
    EXPECT_EQ(mitigation::sha1_hex(r.body), mitigation::content_sha1_hex(file));
    EXPECT_FALSE(r.head_only);
}

TEST_F(ContentTest, PathMatchesCaseInsensitively) {
    std::string lower = path;
    for (char& c : lower) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    EXPECT_EQ(h.get(lower, "HEAD").status, 200);
}

TEST_F(ContentTest, HeadSendsHeadersForTheWholeFile) {
    const http_response r = h.get(path, "HEAD");
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(r.head_only);
    EXPECT_EQ(r.body.size(), file.size);  // the session sends Content-Length from it, not the bytes
}

TEST_F(ContentTest, SingleRangeIs206WithContentRange) {
    const http_response r = h.get(path, "GET", {{"Range", "bytes=100-199"}});
    EXPECT_EQ(r.status, 206);
    EXPECT_EQ(r.header("Content-Range"),
              std::optional<std::string_view>("bytes 100-199/" + std::to_string(file.size)));
    EXPECT_EQ(r.body, mitigation::content_range(file, 100, 100));
}

TEST_F(ContentTest, OpenAndSuffixRangesAreClippedToTheFile) {
    http_response r = h.get(path, "GET", {{"Range", "bytes=-10"}});
    EXPECT_EQ(r.status, 206);
    EXPECT_EQ(r.header("Content-Range"), std::optional<std::string_view>(
                                             "bytes " + std::to_string(file.size - 10) + "-" +
                                             std::to_string(file.size - 1) + "/" + std::to_string(file.size)));
    EXPECT_EQ(r.body, mitigation::content_range(file, file.size - 10, 10));
    r = h.get(path, "GET", {{"Range", "bytes=" + std::to_string(file.size - 5) + "-"}});
    EXPECT_EQ(r.status, 206);
    EXPECT_EQ(r.body.size(), 5U);
    r = h.get(path, "HEAD", {{"Range", "bytes=0-0"}});
    EXPECT_EQ(r.status, 206);
    EXPECT_TRUE(r.head_only);
    EXPECT_EQ(r.body.size(), 1U);
}

TEST_F(ContentTest, UnsatisfiableRangeIs416) {
    const http_response r = h.get(path, "GET", {{"Range", "bytes=" + std::to_string(file.size) + "-"}});
    EXPECT_EQ(r.status, 416);
    EXPECT_EQ(r.header("Content-Range"), std::optional<std::string_view>("bytes */" + std::to_string(file.size)));
    EXPECT_TRUE(r.body.empty());
    EXPECT_EQ(h.get(path, "GET", {{"Range", "bytes=-0"}}).status, 416);
}

TEST_F(ContentTest, MultipleOrMalformedRangesServeTheWholeFile) {
    EXPECT_EQ(h.get(path, "GET", {{"Range", "bytes=0-1,5-9"}}).status, 200);
    EXPECT_EQ(h.get(path, "GET", {{"Range", "bytes=9-1"}}).status, 200);
    EXPECT_EQ(h.get(path, "GET", {{"Range", "pages=1-2"}}).status, 200);
}

TEST_F(ContentTest, UnknownFileIs404) {
    EXPECT_EQ(h.get("/Content/00/0000000000000000000000000000000000000000.exe").status, 404);
    EXPECT_EQ(h.get(path + ".bak").status, 404);
}

}  // namespace
}  // namespace wsuslab::server::test
