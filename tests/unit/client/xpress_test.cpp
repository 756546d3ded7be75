// The xpress content encoding: the plain-LZ77 examples of the format's specification, round trips
// through our encoder, the MS-WUSP block framing, and hostile input that must fail cleanly.
#include <random>
#include <string>

#include <gtest/gtest.h>

#include <wsuslab/client/xpress.hpp>

namespace wsuslab::client {
namespace {

std::string bytes(std::initializer_list<int> values) {
    std::string out;
    for (int v : values) {
        out.push_back(static_cast<char>(v));
    }
    return out;
}

std::string decoded(const std::variant<std::string, xpress_error>& r) {
    if (auto const* e = std::get_if<xpress_error>(&r)) {
        ADD_FAILURE() << e->problem;
        return {};
    }
    return std::get<std::string>(r);
}

std::string problem(const std::variant<std::string, xpress_error>& r) {
    if (auto const* e = std::get_if<xpress_error>(&r)) {
        return e->problem;
    }
    ADD_FAILURE() << "decoded although it should not";
    return {};
}

std::string abc300() {
    std::string s;
    for (int i = 0; i < 100; ++i) {
        s += "abc";
    }
    return s;
}

// The two plain-LZ77 examples of the format specification (MS-XCA §3.1).
TEST(XpressTest, DecodesTheSpecificationExamples) {
    std::string alphabet = bytes({0x3f, 0, 0, 0});
    alphabet += "abcdefghijklmnopqrstuvwxyz";
    EXPECT_EQ(decoded(lz77_plain_decompress(alphabet, 26)), "abcdefghijklmnopqrstuvwxyz");
    // abc, then a match at distance 3 whose length 297 escapes through nibble, byte and 16 bits.
    auto const abc = bytes({0xff, 0xff, 0xff, 0x1f, 0x61, 0x62, 0x63, 0x17, 0x00, 0x0f, 0xff, 0x26, 0x01});
    EXPECT_EQ(decoded(lz77_plain_decompress(abc, 300)), abc300());
}

TEST(XpressTest, EncodesTheSpecificationExamplesTheSameWay) {
    std::string alphabet = bytes({0x3f, 0, 0, 0});
    alphabet += "abcdefghijklmnopqrstuvwxyz";
    EXPECT_EQ(lz77_plain_compress("abcdefghijklmnopqrstuvwxyz"), alphabet);
    EXPECT_EQ(lz77_plain_compress(abc300()),
              bytes({0xff, 0xff, 0xff, 0x1f, 0x61, 0x62, 0x63, 0x17, 0x00, 0x0f, 0xff, 0x26, 0x01}));
}

TEST(XpressTest, RoundTripsSeededDataOfEveryShape) {
    std::mt19937 rng(954960);
    for (int n : {0, 1, 2, 31, 32, 33, 1000, 65535}) {
        std::string text;
        std::string noise;
        for (int i = 0; i < n; ++i) {
            text.push_back("<UpdateInfo>ID"[rng() % 14]);
            noise.push_back(static_cast<char>(rng() % 256));
        }
        for (auto const& data : {text, noise}) {
            SCOPED_TRACE(n);
            EXPECT_EQ(decoded(lz77_plain_decompress(lz77_plain_compress(data), data.size())), data);
        }
    }
}

TEST(XpressTest, TwoLongMatchesShareOneLengthByte) {
    // Two matches of 16 bytes (length field 7, then a nibble each): the second match's nibble goes
    // into the byte the first one opened, so no byte follows the second match.
    std::string const x = "0123456789abcdef";
    std::string const y = "ghijklmnopqrstuv";
    std::string const data = x + x + y + y;
    auto const packed = lz77_plain_compress(data);
    // Two flags words (34 items), 32 literals, 2 + 1 bytes for the first match, 2 for the second.
    EXPECT_EQ(packed.size(), 4U + 16U + 3U + 16U + 4U + 2U);
    EXPECT_EQ(static_cast<unsigned char>(packed[4 + 16 + 2]), 0x66U);
    EXPECT_EQ(decoded(lz77_plain_decompress(packed, data.size())), data);
}

TEST(XpressTest, FramesBlocksOfAtMost65535Bytes) {
    std::string big;
    for (int i = 0; big.size() < 200000; ++i) {
        big += "<UpdateInfo><ID>" + std::to_string(i) + "</ID></UpdateInfo>";
    }
    std::string const body = xpress_encode(big);
    // The first header: original 65535, compressed below that, both little-endian int32.
    EXPECT_EQ(body.substr(0, 4), bytes({0xff, 0xff, 0, 0}));
    EXPECT_EQ(decoded(xpress_decode(body)), big);
    EXPECT_EQ(decoded(xpress_decode("")), "");
}

TEST(XpressTest, KeepsIncompressibleBlocksUnderTheSizeLimit) {
    std::mt19937 rng(7);
    std::string noise;
    for (int i = 0; i < 70000; ++i) {
        noise.push_back(static_cast<char>(rng() % 256));
    }
    EXPECT_EQ(decoded(xpress_decode(xpress_encode(noise))), noise);
}

TEST(XpressTest, RejectsBadBlocksWithTheReason) {
    auto const abc = bytes({0xff, 0xff, 0xff, 0x1f, 0x61, 0x62, 0x63, 0x17, 0x00, 0x0f, 0xff, 0x26, 0x01});
    EXPECT_EQ(problem(lz77_plain_decompress(abc.substr(0, 9), 300)), "byte 9: the length nibble of a match is missing");
    EXPECT_EQ(problem(lz77_plain_decompress(abc, 200)),
              "byte 13: a match of 297 bytes runs past the block's original size 200");
    // A match 5 bytes back after one literal.
    auto const early = bytes({0xff, 0xff, 0xff, 0x7f, 0x61, 0x20, 0x00});
    EXPECT_EQ(problem(lz77_plain_decompress(early, 10)), "byte 7: match offset 5 reaches before the start of the block");
    EXPECT_EQ(problem(lz77_plain_decompress(bytes({0, 0}), 1)), "byte 0: the flags word is cut off");
    EXPECT_EQ(problem(lz77_plain_decompress(bytes({0, 0, 0, 0}), 1)), "byte 4: a literal is missing");
}

TEST(XpressTest, RejectsBadFramingWithTheReason) {
    EXPECT_EQ(problem(xpress_decode(bytes({1, 0, 0}))), "block 1 at byte 0: the 8-byte block header is cut off");
    EXPECT_EQ(problem(xpress_decode(bytes({0, 0, 1, 0, 4, 0, 0, 0}))),
              "block 1 at byte 0: sizes 65536/4 are outside 0..65535");
    EXPECT_EQ(problem(xpress_decode(bytes({3, 0, 0, 0, 9, 0, 0, 0, 0}))),
              "block 1 at byte 0: 9 compressed bytes announced, 1 present");
    auto const body = xpress_encode("hello, hello, hello");
    EXPECT_EQ(problem(xpress_decode(body, 5)), "block 1 at byte 0: the decoded body would exceed 5 bytes");
    std::string two = body + body.substr(0, 6);
    EXPECT_EQ(problem(xpress_decode(two)), "block 2 at byte " + std::to_string(body.size()) +
                                               ": the 8-byte block header is cut off");
}

TEST(XpressTest, SeededMutationsNeverCrash) {
    std::string const body = xpress_encode(abc300() + "<SyncUpdatesResult><Truncated>false</Truncated>");
    std::mt19937 rng(954960);
    for (int i = 0; i < 2000; ++i) {
        std::string m = body;
        for (int k = 0; k < 3; ++k) {
            m[rng() % m.size()] = static_cast<char>(rng() % 256);
        }
        auto const r = xpress_decode(m, 4096);
        if (auto const* s = std::get_if<std::string>(&r)) {
            EXPECT_LE(s->size(), 4096U);
        }
    }
}

}  // namespace
}  // namespace wsuslab::client
