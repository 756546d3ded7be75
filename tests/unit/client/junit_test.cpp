// The JUnit writer: exact output, escaping, and the structure the common JUnit schema requires.

#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <pugixml.hpp>

#include <wsuslab/client/junit.hpp>

namespace wsuslab::client {
namespace {

junit_testsuite sample_suite() {
    junit_testsuite s;
    s.name = "wsuslab validate http://127.0.0.1:8530";
    s.timestamp = "2008-06-14T02:59:57";
    s.hostname = "lab";
    s.time_seconds = 1.5;
    s.properties = {{"verdict", "AFFECTED BY KB954960"}};
    junit_testcase ok;
    ok.name = "plain-workstation";
    ok.classname = "wsuslab.validate.probe";
    ok.time_seconds = 0.25;
    junit_testcase failed;
    failed.name = "office2003-workstation";
    failed.classname = "wsuslab.validate.probe";
    failed.time_seconds = 1.25;
    failed.result = junit_result::failure;
    failed.problem = {"SyncUpdates fault InternalServerError", "wsuslab.ProbeFailed",
                      "PT WARNING: ErrorCode:InternalServerError(5)"};
    junit_testcase err;
    err.name = "server-2003";
    err.classname = "wsuslab.validate.probe";
    err.result = junit_result::error;
    err.problem = {"not run", "wsuslab.ProbeError", ""};
    s.testcases = {ok, failed, err};
    s.system_out = "verdict: AFFECTED BY KB954960\n";
    return s;
}

TEST(JunitTest, WritesTheDocumentExactly) {
    EXPECT_EQ(write_junit(sample_suite()),
              "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
              "<testsuite name=\"wsuslab validate http://127.0.0.1:8530\" timestamp=\"2008-06-14T02:59:57\" "
              "hostname=\"lab\" tests=\"3\" failures=\"1\" errors=\"1\" time=\"1.500\">\n"
              "  <properties>\n"
              "    <property name=\"verdict\" value=\"AFFECTED BY KB954960\"/>\n"
              "  </properties>\n"
              "  <testcase name=\"plain-workstation\" classname=\"wsuslab.validate.probe\" time=\"0.250\"/>\n"
              "  <testcase name=\"office2003-workstation\" classname=\"wsuslab.validate.probe\" time=\"1.250\">\n"
              "    <failure message=\"SyncUpdates fault InternalServerError\" type=\"wsuslab.ProbeFailed\">"
              "PT WARNING: ErrorCode:InternalServerError(5)</failure>\n"
              "  </testcase>\n"
              "  <testcase name=\"server-2003\" classname=\"wsuslab.validate.probe\" time=\"0.000\">\n"
              "    <error message=\"not run\" type=\"wsuslab.ProbeError\"/>\n"
              "  </testcase>\n"
              "  <system-out>verdict: AFFECTED BY KB954960\n</system-out>\n"
              "  <system-err></system-err>\n"
              "</testsuite>\n");
}

TEST(JunitTest, EscapesMarkupInTextAndAttributes) {
    EXPECT_EQ(xml_escape("a<b>&\"c\"", false), "a&lt;b&gt;&amp;\"c\"");
    EXPECT_EQ(xml_escape("a<b>&\"c\"", true), "a&lt;b&gt;&amp;&quot;c&quot;");
    EXPECT_EQ(xml_escape("x\ty\nz\r", true), "x&#9;y&#10;z&#13;");
    EXPECT_EQ(xml_escape("x\ty\nz\r", false), "x\ty\nz&#13;");
    EXPECT_EQ(xml_escape("]]>", false), "]]&gt;");
    EXPECT_EQ(xml_escape("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80", false),
              "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
}

TEST(JunitTest, ReplacesCharactersXmlCannotCarry) {
    std::string const fffd = "\xEF\xBF\xBD";
    EXPECT_EQ(xml_escape(std::string("a\x01" "b", 3), false), "a" + fffd + "b");
    EXPECT_EQ(xml_escape(std::string("\0", 1), false), fffd);
    EXPECT_EQ(xml_escape("\xFF", false), fffd);                       // not UTF-8 at all
    EXPECT_EQ(xml_escape("\xC0\xAF", false), fffd + fffd);            // overlong '/'
    EXPECT_EQ(xml_escape("\xED\xA0\x80", false), fffd + fffd + fffd);  // UTF-16 surrogate
    EXPECT_EQ(xml_escape("\xEF\xBF\xBE", false), fffd);               // U+FFFE
    EXPECT_EQ(xml_escape("\xE2\x82", false), fffd + fffd);            // truncated sequence
    EXPECT_EQ(xml_escape("\xF4\x90\x80\x80", false), fffd + fffd + fffd + fffd);  // > U+10FFFF
}

TEST(JunitTest, HostileTextStillGivesAWellFormedDocument) {
    auto s = sample_suite();
    s.testcases[1].problem.message = std::string("<&\"'>\x01\xFF\n", 8);
    s.testcases[1].problem.text = "]]></failure><x>";
    s.properties.emplace_back("reason", "ID '<none>' \"quoted\"\ttab");
    pugi::xml_document doc;
    auto const text = write_junit(s);
    ASSERT_TRUE(doc.load_string(text.c_str())) << text;
    auto const failure = doc.child("testsuite").find_child_by_attribute("testcase", "name", "office2003-workstation")
                             .child("failure");
    EXPECT_EQ(std::string(failure.attribute("message").value()), "<&\"'>\xEF\xBF\xBD\xEF\xBF\xBD\n");
    EXPECT_EQ(std::string(failure.child_value()), "]]></failure><x>");
    EXPECT_EQ(std::string(doc.child("testsuite").child("properties").last_child().attribute("value").value()),
              "ID '<none>' \"quoted\"\ttab");
}

// The structure Apache Ant's JUnit.xsd (and Jenkins' junit-10.xsd) require of a <testsuite> root.
TEST(JunitTest, FollowsTheCommonJunitSchema) {
    pugi::xml_document doc;
    auto const text = write_junit(sample_suite());
    ASSERT_TRUE(doc.load_string(text.c_str()));
    auto const suite = doc.document_element();
    ASSERT_STREQ(suite.name(), "testsuite");
    std::regex const timestamp("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}");
    std::regex const decimal("[0-9]+(\\.[0-9]+)?");
    std::vector<std::string> attributes;
    for (auto a : suite.attributes()) {
        attributes.emplace_back(a.name());
    }
    EXPECT_EQ(attributes, (std::vector<std::string>{"name", "timestamp", "hostname", "tests",
                                                    "failures", "errors", "time"}));
    EXPECT_TRUE(std::regex_match(suite.attribute("timestamp").value(), timestamp));
    EXPECT_TRUE(std::regex_match(suite.attribute("time").value(), decimal));
    std::vector<std::string> children;
    int testcases = 0, failures = 0, errors = 0;
    for (auto c : suite.children()) {
        children.emplace_back(c.name());
        if (std::string(c.name()) != "testcase") {
            continue;
        }
        ++testcases;
        EXPECT_FALSE(std::string(c.attribute("name").value()).empty());
        EXPECT_FALSE(std::string(c.attribute("classname").value()).empty());
        EXPECT_TRUE(std::regex_match(c.attribute("time").value(), decimal));
        std::size_t n = 0;
        for (auto r : c.children()) {
            ++n;
            std::string const kind = r.name();
            ASSERT_TRUE(kind == "failure" || kind == "error") << kind;
            (kind == "failure" ? failures : errors)++;
            EXPECT_TRUE(r.attribute("message"));
            EXPECT_FALSE(std::string(r.attribute("type").value()).empty());
        }
        EXPECT_LE(n, 1U);
    }
    EXPECT_EQ(children, (std::vector<std::string>{"properties", "testcase", "testcase", "testcase",
                                                  "system-out", "system-err"}));
    EXPECT_EQ(suite.attribute("tests").as_int(), testcases);
    EXPECT_EQ(suite.attribute("failures").as_int(), failures);
    EXPECT_EQ(suite.attribute("errors").as_int(), errors);
}

TEST(JunitTest, TimestampNowHasTheSchemaForm) {
    EXPECT_TRUE(std::regex_match(junit_timestamp_now(),
                                 std::regex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}")));
}

}  // namespace
}  // namespace wsuslab::client
