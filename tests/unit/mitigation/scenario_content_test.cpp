// Deterministic content files and their digests.
#include <string>

#include <gtest/gtest.h>

#include <wsuslab/mitigation/content.hpp>

namespace wsuslab::mitigation {
namespace {

TEST(ScenarioContentTest, BytesStartWithTheHeaderAndHaveTheSize) {
    content_file const f{"a.exe", 10000, ""};
    std::string const bytes = content_bytes(f);
    ASSERT_EQ(bytes.size(), 10000U);
    EXPECT_EQ(bytes.substr(0, 28), "wsuslab content a.exe 10000\n");
    content_file const tiny{"a.exe", 5, ""};
    EXPECT_EQ(content_bytes(tiny), "wsusl");
    EXPECT_EQ(content_bytes(content_file{"a.exe", 0, ""}), "");
}

TEST(ScenarioContentTest, RangesAndChunksAgreeWithTheWhole) {
    content_file const f{"Office2003SP1-KB842532-FullFile-ENU.exe", 200000, ""};
    std::string const whole = content_bytes(f);
    for (std::uint64_t offset : {0ULL, 7ULL, 40ULL, 4095ULL, 4096ULL, 70000ULL, 199999ULL}) {
        EXPECT_EQ(content_range(f, offset, 5000), whole.substr(offset, 5000)) << offset;
    }
    EXPECT_EQ(content_range(f, 200000, 10), "");
    EXPECT_EQ(content_range(f, 250000, 10), "");
    std::string joined;
    std::size_t chunks = 0;
    for_each_content_chunk(f, [&](std::string_view c) {
        joined.append(c);
        ++chunks;
    });
    EXPECT_EQ(joined, whole);
    EXPECT_EQ(chunks, 4U);
}

TEST(ScenarioContentTest, NamesGiveDifferentBytes) {
    std::string const a = content_bytes(content_file{"a.exe", 9000, ""});
    std::string const b = content_bytes(content_file{"b.exe", 9000, ""});
    EXPECT_NE(a.substr(100), b.substr(100));
}

TEST(ScenarioContentTest, Sha1) {
    EXPECT_EQ(sha1_hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
    EXPECT_EQ(sha1_hex(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    EXPECT_EQ(sha1_hex_to_base64("a9993e364706816aba3e25717850c26c9cd0d89d"),
              "qZk+NkcGgWq6PiVxeFDCbJzQ2J0=");
    EXPECT_EQ(sha1_hex_to_base64("a9993e"), "");
    EXPECT_EQ(sha1_hex_to_base64("z9993e364706816aba3e25717850c26c9cd0d89d"), "");
    content_file const f{"x.cab", 300000, ""};
    EXPECT_EQ(content_sha1_hex(f), sha1_hex(content_bytes(f)));
    EXPECT_EQ(content_sha1_hex(f), content_sha1_hex(f)) << "memoised result is the same";
}

}  // namespace
}  // namespace wsuslab::mitigation
