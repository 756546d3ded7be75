#pragma once
/// The small text rules every layer shares, written once: ASCII case and white space, XML
/// escaping, GUIDs, base64 and the s:dateTime forms of MS-WUSP traffic. Pure functions,
/// thread-safe, no locale: "case-insensitive" always means ASCII letters only.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>

namespace wsuslab::protocol {

// ---- ASCII case and white space -------------------------------------------------------------

char ascii_lower(char c);
std::string lower_copy(std::string_view s);
std::string upper_copy(std::string_view s);
/// Equal ignoring the case of ASCII letters.
bool iequals(std::string_view a, std::string_view b);
bool istarts_with(std::string_view s, std::string_view prefix);
bool iends_with(std::string_view s, std::string_view suffix);
/// The first position at or after `from` where `needle` stands in `haystack` ignoring ASCII case,
/// or npos. An empty needle is found at `from` (when `from` <= size).
std::size_t ifind(std::string_view haystack, std::string_view needle, std::size_t from = 0);
/// `s` without leading and trailing space, tab, CR and LF (XML's S production, which also covers
/// HTTP's optional white space).
std::string_view trim(std::string_view s);
/// `text` cut to `max` bytes, each byte outside printable ASCII written as \xNN and "..." after a
/// cut: untrusted header values and names made safe to quote in an error or a fault.
std::string printable(std::string_view text, std::size_t max = 200);

// ---- XML escaping ---------------------------------------------------------------------------

/// Where escaped text goes. Text content escapes `& < >` and CR (a literal CR would read back as
/// LF, XML 1.0 §2.11); an attribute value also escapes `"`, TAB and LF, which attribute-value
/// normalisation would otherwise turn into spaces.
enum class xml_context { text, attribute };

/// Appends `text` escaped for `where`. Characters XML 1.0 cannot carry (control characters other
/// than TAB, LF and CR, U+FFFE, U+FFFF, surrogates) and invalid UTF-8 are *replaced* by U+FFFD,
/// one per offending byte sequence as `sanitize_xml_text` does, so the output is always
/// well-formed and the reader still sees that something stood there.
void append_xml_escaped(std::string& out, std::string_view text, xml_context where);
std::string xml_escape(std::string_view text, xml_context where);

// ---- GUIDs ----------------------------------------------------------------------------------

/// A version-4 GUID in the canonical form (lower case, 8-4-4-4-12) made of 128 bits given as two
/// big-endian halves: the version nibble and the RFC 4122 variant bits are set, the rest kept.
std::string make_guid(std::uint64_t hi, std::uint64_t lo);
/// The same from 16 bytes (e.g. from a CSPRNG).
std::string make_guid(const std::array<unsigned char, 16>& bytes);
/// The same from a seeded generator: draws `hi`, then `lo` (deterministic for a seed).
std::string make_guid(std::mt19937_64& rng);
/// Whether `text` is exactly 8-4-4-4-12 hex digits of either case (no braces, no white space).
bool is_guid(std::string_view text);
/// The canonical lower-case form of a GUID, or nullopt when `text` is not one (is_guid).
std::optional<std::string> parse_guid(std::string_view text);

// ---- base64 (RFC 4648 §4, via OpenSSL) ------------------------------------------------------

/// Standard alphabet with `=` padding.
std::string base64_encode(std::string_view bytes);
/// Strict decode: a multiple of four characters of the standard alphabet, `=` only as the last one
/// or two characters, no white space; nullopt otherwise.
std::optional<std::string> base64_decode(std::string_view text);
/// xs:base64Binary as a schema validator reads it: like base64_decode, but XML white space may
/// stand anywhere.
bool is_base64_binary(std::string_view text);

/// The value of one hex digit of either case, or -1.
int hex_digit_value(char c);
/// The bytes an even number of hex digits (either case) spell; nullopt otherwise.
std::optional<std::string> hex_decode(std::string_view hex);

// ---- calendar and s:dateTime (docs/protocol-notes.md §2.3) ----------------------------------

/// Days since 1970-01-01 of a proleptic Gregorian date, and back.
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day);
struct civil_date {
    std::int64_t year;
    unsigned month;
    unsigned day;
};
civil_date civil_from_days(std::int64_t days);
/// Whether year-month-day is a real day of the proleptic Gregorian calendar (XML Schema has no
/// year 0).
bool is_calendar_day(std::int64_t year, int month, int day);

/// A parsed s:date or s:dateTime.
struct date_time {
    civil_date date{1970, 1, 1};
    bool has_time = false;
    int hour = 0;
    int minute = 0;
    int second = 0;
    std::uint32_t ticks = 0;             ///< the fraction in 100-ns units (7 digits; more are cut)
    std::optional<int> zone_minutes;     ///< east of UTC; nullopt: no zone written (read as UTC)
};

/// Which spellings a caller accepts beyond the XML Schema lexical forms.
struct date_time_syntax {
    /// An s:dateTime is needed: a bare date is refused.
    bool time_required = false;
    /// Also "YYYY-MM-DD hh:mm:ss" and the zones "z", "UTC", "+hh", "+hhmm" (hand-written input).
    bool relaxed = false;
};

/// "YYYY-MM-DD", optionally "Thh:mm:ss" with a fraction of any number of digits (real agents send
/// seven, the server two or none), optionally a zone "Z" or "+hh:mm" (hh <= 14) after the date or
/// the time. The day must exist (2007-02-29 does not), hh <= 23, mm and ss <= 59.
std::optional<date_time> parse_date_time(std::string_view text, date_time_syntax syntax = {});
/// "Z", "z", "UTC", "+hh:mm", "+hhmm" or "+hh" (either sign, hh <= 14, mm <= 59) as minutes east
/// of UTC.
std::optional<int> parse_utc_offset(std::string_view text);

/// The instant as 100-ns ticks since 1970-01-01T00:00:00Z (a value without a zone is UTC).
std::int64_t unix_ticks(const date_time& t);
/// The instant in whole milliseconds since the Unix epoch (rounded towards the past).
std::int64_t unix_ms(const date_time& t);
/// The UTC broken-down form of a Unix time in milliseconds (zone "Z").
date_time date_time_of_unix_ms(std::int64_t ms);
/// "2008-06-14T02:59:57.642Z": s:dateTime in UTC with milliseconds, as the lab writes it.
std::string format_date_time_ms(std::int64_t unix_ms);

}  // namespace wsuslab::protocol
