#pragma once
/// A JUnit XML writer for CI systems (Jenkins, GitLab, GitHub test reporters). It writes one
/// <testsuite> root that is valid against the common JUnit schema (Apache Ant's JUnit.xsd, as
/// Jenkins' junit-10 schema accepts the same documents): the required attributes name, timestamp,
/// hostname, tests, failures, errors and time; the required <properties>, <system-out> and
/// <system-err> elements in that order; testcase name/classname/time; failure/error with message
/// and type attributes. Nothing outside the intersection of the two schemas is written.
///
/// All text is escaped for XML, and characters XML 1.0 cannot carry at all (C0 controls other than
/// tab/LF/CR, U+FFFE/U+FFFF, invalid UTF-8 bytes) are replaced by U+FFFD, so any string a server
/// sends can be reported. Pure functions; thread-safe.

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wsuslab::client {

struct junit_problem {
    std::string message;  ///< one line: the attribute CI tools show in their summary
    std::string type;     ///< e.g. "wsuslab.RuleViolation"
    std::string text;     ///< element content: every detail, one per line
};

enum class junit_result {
    passed,
    failure,  ///< the check ran and found a problem
    error,    ///< the check could not run
};

/// One <testcase>. The schema allows at most one <failure> or <error> per test case and no other
/// children, so a test case carries one result and at most one problem.
struct junit_testcase {
    std::string name;
    std::string classname;
    double time_seconds = 0;
    junit_result result = junit_result::passed;
    junit_problem problem;  ///< written unless result is passed
};

struct junit_testsuite {
    std::string name;
    std::string timestamp;  ///< ISO 8601 without zone, e.g. "2008-06-14T02:59:57" (UTC)
    std::string hostname = "localhost";
    double time_seconds = 0;
    std::vector<std::pair<std::string, std::string>> properties;
    std::vector<junit_testcase> testcases;
    std::string system_out;
    std::string system_err;

    std::size_t failures() const;
    std::size_t errors() const;
};

/// The whole document, UTF-8, with an XML declaration and a trailing newline.
std::string write_junit(const junit_testsuite& suite);

/// protocol::xml_escape with xml_context::attribute when `attribute` is true, else
/// xml_context::text (kept for the JUnit writer's tests).
std::string xml_escape(std::string_view text, bool attribute);

/// "2008-06-14T02:59:57": the UTC time now, in the form the timestamp attribute wants.
std::string junit_timestamp_now();

}  // namespace wsuslab::client
