#include <string>

#include <gtest/gtest.h>

#include <wsuslab/protocol/utf8.hpp>

namespace wsuslab::protocol {
namespace {

TEST(Utf8Test, AcceptsAsciiAndEveryEncodingLength) {
    EXPECT_EQ(find_invalid_utf8(""), std::nullopt);
    EXPECT_EQ(find_invalid_utf8("plain ASCII <a/>"), std::nullopt);
    EXPECT_EQ(find_invalid_utf8("\xC2\x80"), std::nullopt);              // U+0080
    EXPECT_EQ(find_invalid_utf8("\xDF\xBF"), std::nullopt);              // U+07FF
    EXPECT_EQ(find_invalid_utf8("\xE0\xA0\x80"), std::nullopt);          // U+0800
    EXPECT_EQ(find_invalid_utf8("\xED\x9F\xBF"), std::nullopt);          // U+D7FF
    EXPECT_EQ(find_invalid_utf8("\xEE\x80\x80"), std::nullopt);          // U+E000
    EXPECT_EQ(find_invalid_utf8("\xEF\xBB\xBF"), std::nullopt);          // BOM
    EXPECT_EQ(find_invalid_utf8("\xF0\x90\x80\x80"), std::nullopt);      // U+10000
    EXPECT_EQ(find_invalid_utf8("\xF4\x8F\xBF\xBF"), std::nullopt);      // U+10FFFF
    EXPECT_EQ(find_invalid_utf8("caf\xC3\xA9 \xE2\x80\xA6"), std::nullopt);
}

TEST(Utf8Test, RejectsOverlongForms) {
    EXPECT_EQ(find_invalid_utf8("ab\xC0\xAF"), 2U);
    EXPECT_EQ(find_invalid_utf8("\xC1\xBF"), 0U);
    EXPECT_EQ(find_invalid_utf8("x\xE0\x80\xAF"), 1U);
    EXPECT_EQ(find_invalid_utf8("\xE0\x9F\xBF"), 0U);
    EXPECT_EQ(find_invalid_utf8("\xF0\x80\x80\xAF"), 0U);
    EXPECT_EQ(find_invalid_utf8("\xF0\x8F\xBF\xBF"), 0U);
}

TEST(Utf8Test, RejectsSurrogates) {
    EXPECT_EQ(find_invalid_utf8("<a>\xED\xA0\x80</a>"), 3U);   // U+D800
    EXPECT_EQ(find_invalid_utf8("<a>\xED\xBF\xBF</a>"), 3U);   // U+DFFF
}

TEST(Utf8Test, RejectsCodePointsAboveU10FFFF) {
    EXPECT_EQ(find_invalid_utf8("\xF4\x90\x80\x80"), 0U);
    EXPECT_EQ(find_invalid_utf8("ok\xF5\x80\x80\x80"), 2U);
    EXPECT_EQ(find_invalid_utf8("\xFF"), 0U);
    EXPECT_EQ(find_invalid_utf8("\xFE"), 0U);
}

TEST(Utf8Test, RejectsStrayContinuationAndTruncatedSequences) {
    EXPECT_EQ(find_invalid_utf8("abc\x80"), 3U);
    EXPECT_EQ(find_invalid_utf8("<a>\xC3\x28</a>"), 3U);
    EXPECT_EQ(find_invalid_utf8("\xE2\x82"), 0U);
    EXPECT_EQ(find_invalid_utf8("\xF0\x9F\x98"), 0U);
    EXPECT_EQ(find_invalid_utf8("ok\xC3"), 2U);
}

TEST(Utf8Test, ReportsTheFirstInvalidSequence) {
    const std::string s = std::string(17, 'a') + "\xFF" + "b\xC0";
    EXPECT_EQ(find_invalid_utf8(s), 17U);
}

TEST(Utf8Test, XmlCharRanges) {
    EXPECT_TRUE(is_xml_char(0x9));
    EXPECT_TRUE(is_xml_char(0xA));
    EXPECT_TRUE(is_xml_char(0xD));
    EXPECT_TRUE(is_xml_char(0x20));
    EXPECT_TRUE(is_xml_char(0xD7FF));
    EXPECT_TRUE(is_xml_char(0xE000));
    EXPECT_TRUE(is_xml_char(0xFFFD));
    EXPECT_TRUE(is_xml_char(0x10000));
    EXPECT_TRUE(is_xml_char(0x10FFFF));
    EXPECT_FALSE(is_xml_char(0x0));
    EXPECT_FALSE(is_xml_char(0x1));
    EXPECT_FALSE(is_xml_char(0x1F));
    EXPECT_FALSE(is_xml_char(0xD800));
    EXPECT_FALSE(is_xml_char(0xFFFE));
    EXPECT_FALSE(is_xml_char(0xFFFF));
    EXPECT_FALSE(is_xml_char(0x110000));
}

TEST(Utf8Test, SanitizeReplacesWhatXmlCannotCarry) {
    EXPECT_EQ(sanitize_xml_text("caf\xC3\xA9\tok\r\n"), "caf\xC3\xA9\tok\r\n");
    EXPECT_EQ(sanitize_xml_text(std::string("a\0b", 3)), "a\xEF\xBF\xBD" "b");
    EXPECT_EQ(sanitize_xml_text("a\x01" "b"), "a\xEF\xBF\xBD" "b");
    EXPECT_EQ(sanitize_xml_text("a\xFF" "b"), "a\xEF\xBF\xBD" "b");
    EXPECT_EQ(sanitize_xml_text("\xEF\xBF\xBE"), "\xEF\xBF\xBD");  // U+FFFE
    EXPECT_EQ(sanitize_xml_text("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

}  // namespace
}  // namespace wsuslab::protocol
