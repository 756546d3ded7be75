// JUnit XML output (see junit.hpp for the schema it follows).

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <string>

#include <wsuslab/client/junit.hpp>

namespace wsuslab::client {

namespace {

constexpr std::string_view replacement = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

// Decodes one UTF-8 sequence at `i`; returns the code point and its length, or length 0 when the
// bytes are not a valid (shortest-form, non-surrogate) sequence.
std::pair<std::uint32_t, std::size_t> decode_utf8(std::string_view s, std::size_t i) {
    auto const b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) {
        return {b0, 1};
    }
    std::size_t len = 0;
    std::uint32_t cp = 0;
    std::uint32_t min = 0;
    if ((b0 & 0xE0U) == 0xC0U) {
        len = 2, cp = b0 & 0x1FU, min = 0x80;
    } else if ((b0 & 0xF0U) == 0xE0U) {
        len = 3, cp = b0 & 0x0FU, min = 0x800;
    } else if ((b0 & 0xF8U) == 0xF0U) {
        len = 4, cp = b0 & 0x07U, min = 0x10000;
    } else {
        return {0, 0};
    }
    if (i + len > s.size()) {
        return {0, 0};
    }
    for (std::size_t k = 1; k < len; ++k) {
        auto const b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xC0U) != 0x80U) {
            return {0, 0};
        }
        cp = (cp << 6U) | (b & 0x3FU);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return {0, 0};
    }
    return {cp, len};
}

// The XML 1.0 Char production.
bool is_xml_char(std::uint32_t cp) {
    return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
           (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

std::string seconds_text(double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", std::max(0.0, s));
    return buf;
}

void write_problem(std::string& out, const char* element, const junit_problem& p) {
    out += "    <";
    out += element;
    out += " message=\"" + xml_escape(p.message, true) + "\" type=\"" + xml_escape(p.type, true) +
           "\"";
    if (p.text.empty()) {
        out += "/>\n";
        return;
    }
    out += ">" + xml_escape(p.text, false) + "</" + element + ">\n";
}

}  // namespace

std::size_t junit_testsuite::failures() const {
    return static_cast<std::size_t>(
        std::count_if(testcases.begin(), testcases.end(),
                      [](const junit_testcase& t) { return t.result == junit_result::failure; }));
}

std::size_t junit_testsuite::errors() const {
    return static_cast<std::size_t>(
        std::count_if(testcases.begin(), testcases.end(),
                      [](const junit_testcase& t) { return t.result == junit_result::error; }));
}

std::string xml_escape(std::string_view text, bool attribute) {
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        auto const [cp, len] = decode_utf8(text, i);
        if (len == 0 || !is_xml_char(cp)) {
            out += replacement;
            i += len == 0 ? 1 : len;
            continue;
        }
        switch (cp) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += attribute ? "&quot;" : "\""; break;
            // Attribute-value normalisation would turn these into spaces; keep them as references.
            case '\t': out += attribute ? "&#9;" : "\t"; break;
            case '\n': out += attribute ? "&#10;" : "\n"; break;
            case '\r': out += "&#13;"; break;
            default: out.append(text.substr(i, len));
        }
        i += len;
    }
    return out;
}

std::string write_junit(const junit_testsuite& suite) {
    std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out += "<testsuite name=\"" + xml_escape(suite.name, true) + "\" timestamp=\"" +
           xml_escape(suite.timestamp, true) + "\" hostname=\"" + xml_escape(suite.hostname, true) +
           "\" tests=\"" + std::to_string(suite.testcases.size()) + "\" failures=\"" +
           std::to_string(suite.failures()) + "\" errors=\"" + std::to_string(suite.errors()) +
           "\" time=\"" +
           seconds_text(suite.time_seconds) + "\">\n";
    out += "  <properties>\n";
    for (auto const& [name, value] : suite.properties) {
        out += "    <property name=\"" + xml_escape(name, true) + "\" value=\"" +
               xml_escape(value, true) + "\"/>\n";
    }
    out += "  </properties>\n";
    for (auto const& t : suite.testcases) {
        out += "  <testcase name=\"" + xml_escape(t.name, true) + "\" classname=\"" +
               xml_escape(t.classname, true) + "\" time=\"" + seconds_text(t.time_seconds) + "\"";
        if (t.result == junit_result::passed) {
            out += "/>\n";
            continue;
        }
        out += ">\n";
        write_problem(out, t.result == junit_result::error ? "error" : "failure", t.problem);
        out += "  </testcase>\n";
    }
    out += "  <system-out>" + xml_escape(suite.system_out, false) + "</system-out>\n";
    out += "  <system-err>" + xml_escape(suite.system_err, false) + "</system-err>\n";
    out += "</testsuite>\n";
    return out;
}

std::string junit_timestamp_now() {
    std::time_t const now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm utc{};
    gmtime_r(&now, &utc);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &utc);
    return buf;
}

}  // namespace wsuslab::client
