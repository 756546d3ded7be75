// The shared text module (text.hpp): exact outputs for case, trim, XML escaping, GUIDs, base64
// and the dateTime forms of docs/protocol-notes.md §2.3.
#include <iterator>
#include <random>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <wsuslab/protocol/text.hpp>
#include <wsuslab/protocol/utf8.hpp>

namespace wsuslab::protocol {
namespace {

const std::string fffd = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

TEST(TextCaseTest, ComparesAsciiLettersOnly) {
    EXPECT_TRUE(iequals("Content-Length", "content-LENGTH"));
    EXPECT_FALSE(iequals("Content-Length", "Content-Lengt"));
    EXPECT_FALSE(iequals("caf\xC3\xA9", "CAF\xC3\x89"));  // é and É are not ASCII
    EXPECT_TRUE(iequals("", ""));
    EXPECT_EQ(lower_copy("ABC-xyz_09\xC3\x89"), "abc-xyz_09\xC3\x89");
    EXPECT_EQ(upper_copy("c0a7445f-b989"), "C0A7445F-B989");
    EXPECT_EQ(ascii_lower('Q'), 'q');
    EXPECT_EQ(ascii_lower('['), '[');
}

TEST(TextCaseTest, FindsPrefixesSuffixesAndSubstrings) {
    EXPECT_TRUE(istarts_with("SOFTWARE\\Microsoft", "software\\"));
    EXPECT_FALSE(istarts_with("SOFT", "software"));
    EXPECT_TRUE(iends_with("wsus.Contoso.example", ".CONTOSO.example"));
    EXPECT_FALSE(iends_with("example", "an example"));
    EXPECT_EQ(ifind("Office 2003 PRINTER driver", "printer"), 12U);
    EXPECT_EQ(ifind("aAaA", "aa", 1), 1U);
    EXPECT_EQ(ifind("abc", "d"), std::string_view::npos);
    EXPECT_EQ(ifind("abc", ""), 0U);
    EXPECT_EQ(ifind("abc", "", 3), 3U);
    EXPECT_EQ(ifind("abc", "a", 4), std::string_view::npos);
}

TEST(TextTrimTest, TrimsXmlWhiteSpaceOnly) {
    EXPECT_EQ(trim(" \t\r\n value with  inner space \n"), "value with  inner space");
    EXPECT_EQ(trim("\f keep\v"), "\f keep\v");
    EXPECT_EQ(trim("   "), "");
    EXPECT_EQ(trim(""), "");
}

TEST(TextXmlEscapeTest, EscapesMarkupPerContext) {
    EXPECT_EQ(xml_escape("a<b>&\"c\"", xml_context::text), "a&lt;b&gt;&amp;\"c\"");
    EXPECT_EQ(xml_escape("a<b>&\"c\"", xml_context::attribute), "a&lt;b&gt;&amp;&quot;c&quot;");
    EXPECT_EQ(xml_escape("x\ty\nz\r", xml_context::attribute), "x&#9;y&#10;z&#13;");
    EXPECT_EQ(xml_escape("x\ty\nz\r", xml_context::text), "x\ty\nz&#13;");
    EXPECT_EQ(xml_escape("]]>", xml_context::text), "]]&gt;");
    EXPECT_EQ(xml_escape("it's", xml_context::attribute), "it's");
    EXPECT_EQ(xml_escape("caf\xC3\xA9 \xF0\x9F\x98\x80", xml_context::text), "caf\xC3\xA9 \xF0\x9F\x98\x80");
    std::string out = "<a>";
    append_xml_escaped(out, "1 & 2", xml_context::text);
    EXPECT_EQ(out, "<a>1 &amp; 2");
}

TEST(TextXmlEscapeTest, ReplacesWhatXmlCannotCarry) {
    EXPECT_EQ(xml_escape(std::string("a\0b", 3), xml_context::text), "a" + fffd + "b");
    EXPECT_EQ(xml_escape("a\x01\x1F" "b", xml_context::attribute), "a" + fffd + fffd + "b");
    EXPECT_EQ(xml_escape("\xFF", xml_context::text), fffd);                              // not UTF-8
    EXPECT_EQ(xml_escape("\xC0\xAF", xml_context::text), fffd + fffd);                   // overlong '/'
    EXPECT_EQ(xml_escape("\xED\xA0\x80", xml_context::text), fffd + fffd + fffd);        // surrogate
    EXPECT_EQ(xml_escape("\xEF\xBF\xBE", xml_context::text), fffd);                      // U+FFFE
    EXPECT_EQ(xml_escape("\xE2\x82", xml_context::text), fffd + fffd);                   // truncated
    EXPECT_EQ(xml_escape("\xF4\x90\x80\x80", xml_context::text), fffd + fffd + fffd + fffd);  // > U+10FFFF
    EXPECT_EQ(xml_escape("<\x0B>", xml_context::text), "&lt;" + fffd + "&gt;");
}

// The one-pass escaper against its definition (escape each character of sanitize_xml_text's
// output for the context), on seeded random texts mixing markup characters, controls, valid
// multi-byte UTF-8, non-characters and invalid sequences.
TEST(TextXmlEscapeTest, OnePassEqualsSanitizeThenEscapeInBothContexts) {
    const std::string pieces[] = {"a", "Z", " ", "&", "<", ">", "\"", "'", "\r", "\n", "\t", std::string(1, '\0'),
                                  "\x01", "\x1F", "\x7F", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80",
                                  "\xEF\xBF\xBE", "\xED\xA0\x80", "\xC0\xAF", "\xFF", "\xE2\x82", "\x80"};
    std::mt19937 rng(954960);
    for (int round = 0; round < 2000; ++round) {
        std::string text;
        for (auto n = rng() % 24; n > 0; --n) {
            text += pieces[rng() % std::size(pieces)];
        }
        for (const xml_context where : {xml_context::text, xml_context::attribute}) {
            const bool attribute = where == xml_context::attribute;
            std::string expected;
            for (const char c : sanitize_xml_text(text)) {
                switch (c) {
                    case '&': expected += "&amp;"; break;
                    case '<': expected += "&lt;"; break;
                    case '>': expected += "&gt;"; break;
                    case '\r': expected += "&#13;"; break;
                    case '"': expected += attribute ? "&quot;" : "\""; break;
                    case '\t': expected += attribute ? "&#9;" : "\t"; break;
                    case '\n': expected += attribute ? "&#10;" : "\n"; break;
                    default: expected += c;
                }
            }
            SCOPED_TRACE("round " + std::to_string(round) + (attribute ? ", attribute" : ", text"));
            EXPECT_EQ(xml_escape(text, where), expected);
        }
    }
}

TEST(TextGuidTest, MakesVersionFourGuidsFromBitsBytesAndSeeds) {
    EXPECT_EQ(make_guid(0, 0), "00000000-0000-4000-8000-000000000000");
    EXPECT_EQ(make_guid(~0ULL, ~0ULL), "ffffffff-ffff-4fff-bfff-ffffffffffff");
    EXPECT_EQ(make_guid(0x0123456789ABCDEFULL, 0xFEDCBA9876543210ULL), "01234567-89ab-4def-bedc-ba9876543210");
    std::array<unsigned char, 16> bytes{};
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        bytes[i] = static_cast<unsigned char>(i * 17);
    }
    EXPECT_EQ(make_guid(bytes), "00112233-4455-4677-8899-aabbccddeeff");
    std::mt19937_64 a{42};
    std::mt19937_64 b{42};
    std::uint64_t const hi = b();
    std::uint64_t const lo = b();
    EXPECT_EQ(make_guid(a), make_guid(hi, lo));
    EXPECT_NE(make_guid(a), make_guid(hi, lo));
}

TEST(TextGuidTest, ValidatesAndCanonicalises) {
    EXPECT_TRUE(is_guid("c0a7445f-b989-43fa-ac20-11f8ca65fa8c"));
    EXPECT_TRUE(is_guid("C0A7445F-B989-43FA-AC20-11F8CA65FA8C"));
    for (auto const* bad : {"", "{c0a7445f-b989-43fa-ac20-11f8ca65fa8c}", "c0a7445fb98943faac2011f8ca65fa8c",
                            "c0a7445f-b989-43fa-ac20-11f8ca65fa8g", " c0a7445f-b989-43fa-ac20-11f8ca65fa8c",
                            "c0a7445f-b989-43fa-ac20-11f8ca65fa8", "c0a7445f-b989-43fa-ac2011-f8ca65fa8c",
                            "c0a7445f-b989-43fa-ac20-11f8ca65fa8c0"}) {
        SCOPED_TRACE(bad);
        EXPECT_FALSE(is_guid(bad));
        EXPECT_EQ(parse_guid(bad), std::nullopt);
    }
    EXPECT_EQ(parse_guid("C0A7445F-B989-43fa-AC20-11F8CA65FA8C"), "c0a7445f-b989-43fa-ac20-11f8ca65fa8c");
}

TEST(TextBase64Test, EncodesWithPadding) {
    EXPECT_EQ(base64_encode(""), "");
    EXPECT_EQ(base64_encode("f"), "Zg==");
    EXPECT_EQ(base64_encode("fo"), "Zm8=");
    EXPECT_EQ(base64_encode("foo"), "Zm9v");
    EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
    EXPECT_EQ(base64_encode(std::string("\0\xFF\xFE", 3)), "AP/+");
}

TEST(TextBase64Test, DecodesStrictlyAndDropsPadding) {
    EXPECT_EQ(base64_decode(""), std::string());
    EXPECT_EQ(base64_decode("Zg=="), std::string("f"));
    EXPECT_EQ(base64_decode("Zm8="), std::string("fo"));
    EXPECT_EQ(base64_decode("Zm9vYmFy"), std::string("foobar"));
    EXPECT_EQ(base64_decode("AP/+"), std::string("\0\xFF\xFE", 3));
    for (auto const* bad : {"Zm8", "Zm=8", "Zm 8", " Zm8=", "Zm8=\n", "====", "Z===", "Zg==Zg==", "Zm8*",
                            "Zm9v-_==", "Zg=\n"}) {
        SCOPED_TRACE(bad);
        EXPECT_EQ(base64_decode(bad), std::nullopt);
    }
    std::string all;
    for (int i = 0; i < 256; ++i) {
        all.push_back(static_cast<char>(i));
    }
    EXPECT_EQ(base64_decode(base64_encode(all)), all);
}

TEST(TextBase64Test, SchemaValidatorAllowsWhiteSpaceAnywhere) {
    EXPECT_TRUE(is_base64_binary(""));
    EXPECT_TRUE(is_base64_binary(" Zm9v\r\nYmE=\t"));
    EXPECT_TRUE(is_base64_binary("Zg= ="));
    EXPECT_FALSE(is_base64_binary("Zm9vY"));
    EXPECT_FALSE(is_base64_binary("Zg==Zg=="));
    EXPECT_FALSE(is_base64_binary("Zm9v\fYmE="));
}

TEST(TextCalendarTest, ConvertsCivilDatesBothWays) {
    EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
    EXPECT_EQ(days_from_civil(2000, 3, 1), 11017);
    EXPECT_EQ(days_from_civil(1969, 12, 31), -1);
    EXPECT_EQ(days_from_civil(1601, 1, 1), -134774);
    for (std::int64_t const d : {-134774LL, -1LL, 0LL, 11016LL, 11017LL, 14044LL, 2932896LL}) {
        SCOPED_TRACE(d);
        civil_date const c = civil_from_days(d);
        EXPECT_EQ(days_from_civil(c.year, c.month, c.day), d);
    }
    civil_date const leap = civil_from_days(11016);
    EXPECT_EQ(leap.year, 2000);
    EXPECT_EQ(leap.month, 2U);
    EXPECT_EQ(leap.day, 29U);
    EXPECT_TRUE(is_calendar_day(2000, 2, 29));
    EXPECT_FALSE(is_calendar_day(1900, 2, 29));
    EXPECT_FALSE(is_calendar_day(2008, 4, 31));
    EXPECT_FALSE(is_calendar_day(0, 1, 1));
}

std::string round_trip(std::string_view text, date_time_syntax syntax = {}) {
    auto const t = parse_date_time(text, syntax);
    return t ? format_date_time_ms(unix_ms(*t)) : "(invalid)";
}

TEST(TextDateTimeTest, ReadsTheFormsRealTrafficCarries) {
    // Seven fractional digits (cookie Expiration), two (LastChange), none (currentTime),
    // date-only (Deployment/LastChangeTime), no zone (client values): docs/protocol-notes.md §2.3.
    EXPECT_EQ(round_trip("2006-05-26T16:58:01.8749472Z"), "2006-05-26T16:58:01.874Z");
    EXPECT_EQ(round_trip("2026-10-04T15:03:36.27Z"), "2026-10-04T15:03:36.270Z");
    EXPECT_EQ(round_trip("2026-10-04T15:03:36Z"), "2026-10-04T15:03:36.000Z");
    EXPECT_EQ(round_trip("2026-10-04"), "2026-10-04T00:00:00.000Z");
    EXPECT_EQ(round_trip("2006-05-23T04:06:32.9843746"), "2006-05-23T04:06:32.984Z");
    EXPECT_EQ(round_trip("2008-06-13T19:59:56-07:00"), "2008-06-14T02:59:56.000Z");
    EXPECT_EQ(round_trip("2008-06-10+02:00"), "2008-06-09T22:00:00.000Z");
    EXPECT_EQ(round_trip("1969-12-31T23:59:59.9999999Z"), "1969-12-31T23:59:59.999Z");
    EXPECT_EQ(round_trip("2008-06-14T02:59:57.123456789Z"), "2008-06-14T02:59:57.123Z");
}

TEST(TextDateTimeTest, KeepsTheParts) {
    auto const t = parse_date_time("2006-05-26T16:58:01.8749472+05:30");
    ASSERT_TRUE(t);
    EXPECT_EQ(t->date.year, 2006);
    EXPECT_EQ(t->date.month, 5U);
    EXPECT_EQ(t->date.day, 26U);
    EXPECT_TRUE(t->has_time);
    EXPECT_EQ(t->hour, 16);
    EXPECT_EQ(t->minute, 58);
    EXPECT_EQ(t->second, 1);
    EXPECT_EQ(t->ticks, 8749472U);
    EXPECT_EQ(t->zone_minutes, 330);
    EXPECT_EQ(unix_ticks(*t), (days_from_civil(2006, 5, 26) * 86400 + 16 * 3600 + 58 * 60 + 1 - 330 * 60) *
                                      10000000 + 8749472);
    auto const d = parse_date_time("2008-06-10");
    ASSERT_TRUE(d);
    EXPECT_FALSE(d->has_time);
    EXPECT_EQ(d->zone_minutes, std::nullopt);
}

TEST(TextDateTimeTest, RefusesInvalidForms) {
    for (auto const* bad : {"", "yesterday", "2008-6-10", "x008-06-13T00:00:00Z", "2007-02-29", "1900-02-29",
                            "2008-13-01", "2008-04-31", "0000-01-01", "2008-06-10T24:00:00", "2008-06-10T12:60:00",
                            "2008-06-10T12:00:60", "2008-06-10T12:00", "2008-06-10 12:00:00",
                            "2008-06-10T12:00:00.", "2008-06-10T12:00:00.Z", "2008-06-10+15:00",
                            "2008-06-10T00:00:00+0100", "2008-06-10T00:00:00z", "2008-06-10T00:00:00UTC",
                            "2008-06-10T00:00:00Z ", "2008-06-10T00:00:00+01:60", "2008-06-10T"}) {
        SCOPED_TRACE(bad);
        EXPECT_EQ(parse_date_time(bad), std::nullopt);
    }
    date_time_syntax time_required;
    time_required.time_required = true;
    EXPECT_EQ(parse_date_time("2008-06-13", time_required), std::nullopt);
    EXPECT_TRUE(parse_date_time("2008-06-13T00:00:00", time_required));
}

TEST(TextDateTimeTest, RelaxedSyntaxTakesHandWrittenSpellings) {
    date_time_syntax relaxed;
    relaxed.time_required = true;
    relaxed.relaxed = true;
    EXPECT_EQ(round_trip("2000-02-29 23:59:59+0100", relaxed), "2000-02-29T22:59:59.000Z");
    EXPECT_EQ(round_trip("2008-06-14T02:59:53.383z", relaxed), "2008-06-14T02:59:53.383Z");
    EXPECT_EQ(round_trip("2008-06-14T02:59:53UTC", relaxed), "2008-06-14T02:59:53.000Z");
    EXPECT_EQ(round_trip("2008-06-14T02:59:53-07", relaxed), "2008-06-14T09:59:53.000Z");
    EXPECT_EQ(round_trip("2008-06-13", relaxed), "(invalid)");
    EXPECT_EQ(round_trip("2008-06-13T00:00:00+25:00", relaxed), "(invalid)");
}

TEST(TextDateTimeTest, ParsesUtcOffsets) {
    EXPECT_EQ(parse_utc_offset("-07:00"), -420);
    EXPECT_EQ(parse_utc_offset("+0530"), 330);
    EXPECT_EQ(parse_utc_offset("+14"), 840);
    EXPECT_EQ(parse_utc_offset("Z"), 0);
    EXPECT_EQ(parse_utc_offset("UTC"), 0);
    for (auto const* bad : {"", "7", "+7", "+15:00", "+01:60", "+01-00", "+01:0", "+0100Z", "utc"}) {
        SCOPED_TRACE(bad);
        EXPECT_EQ(parse_utc_offset(bad), std::nullopt);
    }
}

TEST(TextDateTimeTest, FormatsMillisecondsInUtc) {
    EXPECT_EQ(format_date_time_ms(0), "1970-01-01T00:00:00.000Z");
    EXPECT_EQ(format_date_time_ms(-1), "1969-12-31T23:59:59.999Z");
    EXPECT_EQ(format_date_time_ms(1213412397642), "2008-06-14T02:59:57.642Z");
    date_time const t = date_time_of_unix_ms(-86400000);
    EXPECT_EQ(t.date.day, 31U);
    EXPECT_EQ(t.date.month, 12U);
    EXPECT_EQ(t.zone_minutes, 0);
}

TEST(TextPrintableTest, EscapesBytesOutsidePrintableAsciiAndMarksACut) {
    EXPECT_EQ(printable("http://www.microsoft.com/SoftwareDistribution"),
              "http://www.microsoft.com/SoftwareDistribution");
    EXPECT_EQ(printable(std::string("a\tb\x00\x7F\xC3\xA9", 7)), "a\\x09b\\x00\\x7F\\xC3\\xA9");
    EXPECT_EQ(printable("abcdef", 3), "abc...");
    EXPECT_EQ(printable("abc", 3), "abc");
    EXPECT_EQ(printable(std::string(201, 'x')), std::string(200, 'x') + "...");
}

}  // namespace
}  // namespace wsuslab::protocol
