// JUnit XML output (see junit.hpp for the schema it follows).

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <string>

#include <wsuslab/client/junit.hpp>
#include <wsuslab/protocol/text.hpp>

namespace wsuslab::client {

namespace {

std::string escaped_attribute(std::string_view v) {
    return protocol::xml_escape(v, protocol::xml_context::attribute);
}

std::string escaped_text(std::string_view v) {
    return protocol::xml_escape(v, protocol::xml_context::text);
}

std::string seconds_text(double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", std::max(0.0, s));
    return buf;
}

void write_problem(std::string& out, const char* element, const junit_problem& p) {
    out += "    <";
    out += element;
    out += " message=\"" + escaped_attribute(p.message) + "\" type=\"" + escaped_attribute(p.type) +
           "\"";
    if (p.text.empty()) {
        out += "/>\n";
        return;
    }
    out += ">" + escaped_text(p.text) + "</" + element + ">\n";
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
    return attribute ? escaped_attribute(text) : escaped_text(text);
}

std::string write_junit(const junit_testsuite& suite) {
    std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out += "<testsuite name=\"" + escaped_attribute(suite.name) + "\" timestamp=\"" +
           escaped_attribute(suite.timestamp) + "\" hostname=\"" + escaped_attribute(suite.hostname) +
           "\" tests=\"" + std::to_string(suite.testcases.size()) + "\" failures=\"" +
           std::to_string(suite.failures()) + "\" errors=\"" + std::to_string(suite.errors()) +
           "\" time=\"" +
           seconds_text(suite.time_seconds) + "\">\n";
    out += "  <properties>\n";
    for (auto const& [name, value] : suite.properties) {
        out += "    <property name=\"" + escaped_attribute(name) + "\" value=\"" +
               escaped_attribute(value) + "\"/>\n";
    }
    out += "  </properties>\n";
    for (auto const& t : suite.testcases) {
        out += "  <testcase name=\"" + escaped_attribute(t.name) + "\" classname=\"" +
               escaped_attribute(t.classname) + "\" time=\"" + seconds_text(t.time_seconds) + "\"";
        if (t.result == junit_result::passed) {
            out += "/>\n";
            continue;
        }
        out += ">\n";
        write_problem(out, t.result == junit_result::error ? "error" : "failure", t.problem);
        out += "  </testcase>\n";
    }
    out += "  <system-out>" + escaped_text(suite.system_out) + "</system-out>\n";
    out += "  <system-err>" + escaped_text(suite.system_err) + "</system-err>\n";
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
