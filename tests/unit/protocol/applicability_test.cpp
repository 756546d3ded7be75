// Applicability rules: parsing (with exact error messages), evaluation on a simulated machine,
// and the canonical writer.
#include <string>

#include <gtest/gtest.h>

#include <wsuslab/protocol/applicability.hpp>

namespace wsuslab::protocol {
namespace {

applicability_rules parse_ok(const std::string& xml) {
    auto r = parse_applicability(xml);
    if (auto* e = std::get_if<rule_error>(&r)) {
        ADD_FAILURE() << e->problem;
        return {};
    }
    return std::get<applicability_rules>(r);
}

std::string parse_error(const std::string& xml) {
    auto r = parse_applicability(xml);
    if (auto* e = std::get_if<rule_error>(&r)) {
        return e->problem;
    }
    return "(parsed)";
}

/// The verdict of an IsInstalled rule `rule` on `m`.
bool installed(const std::string& rule, const machine_state& m) {
    auto const rules = parse_ok("<ApplicabilityRules><IsInstalled>" + rule +
                                "</IsInstalled></ApplicabilityRules>");
    return evaluate(rules.is_installed, m, false);
}

machine_state office_machine() {
    machine_state m;
    m.os_major = 5;
    m.os_minor = 1;
    m.os_build = 2600;
    m.sp_major = 3;
    m.registry["HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Office\\11.0\\Common\\InstallRoot"] = {
        {"Path", "C:\\Program Files\\Microsoft Office\\OFFICE11\\"}};
    m.registry["HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\HotFix\\KB1"] =
        {{"Installed", "1"}};
    m.registry["HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Internet Explorer"] = {
        {"Version", "7.0.5730.13"}};
    m.files["C:\\Program Files\\Microsoft Office\\OFFICE11\\WINWORD.EXE"] = "11.0.8169.0";
    return m;
}

TEST(ApplicabilityTest, LogicalRules) {
    machine_state const m;
    EXPECT_TRUE(installed("<True />", m));
    EXPECT_FALSE(installed("<False />", m));
    EXPECT_TRUE(installed("<Not><False /></Not>", m));
    EXPECT_FALSE(installed("<And><True /><False /></And>", m));
    EXPECT_TRUE(installed("<Or><False /><True /></Or>", m));
    EXPECT_TRUE(installed("<lar.And><True /><lar:Not><False /></lar:Not></lar.And>", m));
}

TEST(ApplicabilityTest, RegistryRules) {
    machine_state const m = office_machine();
    EXPECT_TRUE(installed(
        R"(<b.RegKeyExists Key="HKEY_LOCAL_MACHINE" Subkey="software\microsoft\office\11.0" />)", m))
        << "a key exists when a subkey is recorded; names are case-insensitive";
    EXPECT_FALSE(installed(
        R"(<b.RegKeyExists Key="HKEY_LOCAL_MACHINE" Subkey="SOFTWARE\Microsoft\Office\12.0" />)", m));
    EXPECT_TRUE(installed(R"(<b.RegValueExists Key="HKEY_LOCAL_MACHINE" Subkey="SOFTWARE\Microsoft\Internet Explorer" Value="Version" />)", m));
    EXPECT_TRUE(installed(R"(<b.RegSz Key="HKEY_LOCAL_MACHINE" Subkey="SOFTWARE\Microsoft\Office\11.0\Common\InstallRoot" Value="Path" Comparison="Contains" Data="office11" />)", m));
    EXPECT_FALSE(installed(R"(<b.RegSz Key="HKEY_LOCAL_MACHINE" Subkey="SOFTWARE\Microsoft\Office\11.0\Common\InstallRoot" Value="Path" Comparison="BeginsWith" Data="D:\" />)", m));
    EXPECT_TRUE(installed(R"(<b.RegDword Key="HKEY_LOCAL_MACHINE" Subkey="SOFTWARE\Microsoft\Windows NT\CurrentVersion\HotFix\KB1" Value="Installed" Comparison="EqualTo" Data="1" />)", m));
    EXPECT_TRUE(installed(R"(<b.RegDword Key="HKEY_LOCAL_MACHINE" Subkey="SOFTWARE\Microsoft\Windows NT\CurrentVersion\HotFix\KB1" Value="Installed" Comparison="LessThan" Data="0x2" />)", m));
    EXPECT_FALSE(installed(R"(<b.RegDword Key="HKEY_LOCAL_MACHINE" Subkey="SOFTWARE\Microsoft\Windows NT\CurrentVersion\HotFix\KB2" Value="Installed" Comparison="EqualTo" Data="1" />)", m))
        << "a missing value never matches";
    EXPECT_TRUE(installed(R"(<b.RegSzToVersion Key="HKEY_LOCAL_MACHINE" Subkey="SOFTWARE\Microsoft\Internet Explorer" Value="Version" Comparison="GreaterThanOrEqualTo" Data="7.0.5730.11" />)", m));
    EXPECT_FALSE(installed(R"(<b.RegSzToVersion Key="HKEY_LOCAL_MACHINE" Subkey="SOFTWARE\Microsoft\Internet Explorer" Value="Version" Comparison="GreaterThan" Data="7.0.5730.13" />)", m));
}

TEST(ApplicabilityTest, FileRulesResolveCsidl) {
    machine_state const m = office_machine();
    EXPECT_TRUE(installed(R"(<b.FileExists Csidl="38" Path="\Microsoft Office\OFFICE11\WINWORD.EXE" />)", m));
    EXPECT_TRUE(installed(R"(<b.FileExists Path="C:\PROGRAM FILES\Microsoft Office\OFFICE11\winword.exe" Version="11.0.8169.0" />)", m));
    EXPECT_FALSE(installed(R"(<b.FileExists Csidl="38" Path="Microsoft Office\OFFICE11\EXCEL.EXE" />)", m));
    EXPECT_TRUE(installed(R"(<b.FileVersion Csidl="38" Path="Microsoft Office\OFFICE11\WINWORD.EXE" Comparison="GreaterThanOrEqualTo" Version="11.0.6359.0" />)", m));
    EXPECT_FALSE(installed(R"(<b.FileVersion Csidl="38" Path="Microsoft Office\OFFICE11\WINWORD.EXE" Comparison="LessThan" Version="11.0.8169" />)", m))
        << "missing version parts are 0";
}

TEST(ApplicabilityTest, WindowsVersionComparesPresentPartsInOrder) {
    machine_state xp_sp3 = office_machine();
    EXPECT_TRUE(installed(R"(<b.WindowsVersion Comparison="EqualTo" MajorVersion="5" MinorVersion="1" ProductType="1" />)", xp_sp3));
    EXPECT_TRUE(installed(R"(<b.WindowsVersion Comparison="GreaterThanOrEqualTo" MajorVersion="5" MinorVersion="1" ServicePackMajor="2" />)", xp_sp3));
    EXPECT_FALSE(installed(R"(<b.WindowsVersion Comparison="LessThan" MajorVersion="5" MinorVersion="1" ServicePackMajor="3" />)", xp_sp3));
    EXPECT_TRUE(installed(R"(<b.WindowsVersion MajorVersion="5" />)", xp_sp3)) << "EqualTo by default";
    EXPECT_FALSE(installed(R"(<b.WindowsVersion ProductType="3" />)", xp_sp3));
    machine_state server = xp_sp3;
    server.os_minor = 2;
    server.os_build = 3790;
    server.sp_major = 2;
    server.product_type = 3;
    EXPECT_TRUE(installed(R"(<b.WindowsVersion Comparison="GreaterThan" MajorVersion="5" MinorVersion="1" ServicePackMajor="3" />)", server))
        << "5.2 SP2 is after 5.1 SP3";
    EXPECT_TRUE(installed(R"(<b.Processor Architecture="0" />)", server));
    EXPECT_FALSE(installed(R"(<b.Processor Architecture="9" />)", server));
    EXPECT_TRUE(installed(R"(<b.WindowsLanguage Language="EN" />)", server));
}

TEST(ApplicabilityTest, EvaluateStateUsesInstalledThenInstallable) {
    machine_state const m = office_machine();
    auto const installed_rules = parse_ok(
        "<ApplicabilityRules><IsInstalled><True /></IsInstalled><IsInstallable><False />"
        "</IsInstallable></ApplicabilityRules>");
    EXPECT_EQ(evaluate_state(installed_rules, m), applicability_state::installed);
    auto const needed = parse_ok(
        "<ApplicabilityRules><IsInstalled><False /></IsInstalled></ApplicabilityRules>");
    EXPECT_EQ(evaluate_state(needed, m), applicability_state::needed);
    auto const not_applicable = parse_ok(
        "<ApplicabilityRules><IsInstallable><False /></IsInstallable></ApplicabilityRules>");
    EXPECT_EQ(evaluate_state(not_applicable, m), applicability_state::not_applicable);
    EXPECT_EQ(evaluate_state(applicability_rules{}, m), applicability_state::needed);
}

TEST(ApplicabilityTest, FindsRulesInsideACoreFragment) {
    auto const rules = parse_ok(
        R"(<UpdateIdentity UpdateID="u" RevisionNumber="1" /><Properties UpdateType="Detectoid" />)"
        R"(<Relationships></Relationships><ApplicabilityRules><IsInstalled><True /></IsInstalled>)"
        R"(</ApplicabilityRules>)");
    EXPECT_TRUE(evaluate(rules.is_installed, machine_state{}, false));
    auto const none = parse_ok(R"(<UpdateIdentity UpdateID="u" RevisionNumber="1" />)");
    EXPECT_EQ(none.is_installed, nullptr);
}

TEST(ApplicabilityTest, ErrorsNameTheElementAndProblem) {
    auto wrap = [](const std::string& rule) {
        return "<ApplicabilityRules><IsInstalled>" + rule + "</IsInstalled></ApplicabilityRules>";
    };
    EXPECT_EQ(parse_error(wrap("<b.WmiQuery Namespace=\"x\" />")), "b.WmiQuery: missing WqlQuery");
    EXPECT_EQ(parse_error(wrap("<b.Frobnicate />")), "unknown rule element 'b.Frobnicate'");
    EXPECT_EQ(parse_error(wrap("<m.RegSz />")), "unknown rule element 'm.RegSz'");
    EXPECT_EQ(parse_error(wrap("<b.RegSz Subkey=\"S\" Value=\"V\" Comparison=\"EqualTo\" Data=\"d\" />")),
              "b.RegSz: missing Key");
    EXPECT_EQ(parse_error(wrap("<b.RegSz Key=\"HKLM\" Subkey=\"S\" Comparison=\"EqualTo\" Data=\"d\" />")),
              "b.RegSz: unknown Key 'HKLM'");
    EXPECT_EQ(parse_error(wrap("<b.RegDword Key=\"HKEY_LOCAL_MACHINE\" Subkey=\"S\" Value=\"V\" Comparison=\"Bigger\" Data=\"1\" />")),
              "b.RegDword: unknown Comparison 'Bigger'");
    EXPECT_EQ(parse_error(wrap("<b.RegDword Key=\"HKEY_LOCAL_MACHINE\" Subkey=\"S\" Value=\"V\" Comparison=\"Contains\" Data=\"1\" />")),
              "b.RegDword: unknown Comparison 'Contains'");
    EXPECT_EQ(parse_error(wrap("<b.RegDword Key=\"HKEY_LOCAL_MACHINE\" Subkey=\"S\" Value=\"V\" Comparison=\"EqualTo\" Data=\"one\" />")),
              "b.RegDword: Data 'one' is not a DWORD");
    EXPECT_EQ(parse_error(wrap("<b.FileVersion Csidl=\"99\" Path=\"x\" Comparison=\"EqualTo\" Version=\"1\" />")),
              "b.FileVersion: unknown Csidl '99'");
    EXPECT_EQ(parse_error(wrap("<b.FileVersion Path=\"x\" Comparison=\"EqualTo\" Version=\"1.x\" />")),
              "b.FileVersion: Version '1.x' is not a version");
    EXPECT_EQ(parse_error(wrap("<b.WindowsVersion Major=\"5\" />")),
              "b.WindowsVersion: unknown attribute 'Major'");
    EXPECT_EQ(parse_error(wrap("<Not><True /><True /></Not>")),
              "Not: expected exactly one child rule, found 2");
    EXPECT_EQ(parse_error(wrap("<And />")), "And: no child rules");
    EXPECT_EQ(parse_error(wrap("<True /><False />")), "IsInstalled: expected exactly one rule, found 2");
    EXPECT_EQ(parse_error("<ApplicabilityRules><IsNeeded><True /></IsNeeded></ApplicabilityRules>"),
              "unknown element 'IsNeeded' in ApplicabilityRules");
    EXPECT_EQ(parse_error("<ApplicabilityRules><IsInstalled><True /></IsInstalled><IsInstalled>"
                          "<True /></IsInstalled></ApplicabilityRules>"),
              "ApplicabilityRules: duplicate IsInstalled");
    EXPECT_EQ(parse_error("<ApplicabilityRules><IsInstalled><True>"),
              "malformed XML at byte 38: Start-end tags mismatch");
}

TEST(ApplicabilityTest, RejectsRulesNestedTooDeep) {
    std::string rule = "<True />";
    for (std::size_t i = 0; i < max_rule_depth + 1; ++i) {
        rule = "<Not>" + rule + "</Not>";
    }
    EXPECT_EQ(parse_error("<ApplicabilityRules><IsInstalled>" + rule +
                          "</IsInstalled></ApplicabilityRules>"),
              "rules nested deeper than 32 levels");
}

TEST(ApplicabilityTest, WriterIsCanonicalAndRoundTrips) {
    std::string const source =
        "<ApplicabilityRules>\n  <IsInstallable><b.WindowsVersion   Comparison=\"EqualTo\" "
        "MajorVersion=\"5\"/></IsInstallable>\n  <IsInstalled><And><b.RegSz Key=\"HKEY_LOCAL_MACHINE\" "
        "Subkey=\"A&amp;B\" Value=\"\" Comparison=\"EqualTo\" Data=\"&lt;x&gt;\"/><True/></And>"
        "</IsInstalled></ApplicabilityRules>";
    std::string const canonical =
        "<ApplicabilityRules><IsInstalled><And><b.RegSz Key=\"HKEY_LOCAL_MACHINE\" Subkey=\"A&amp;B\" "
        "Value=\"\" Comparison=\"EqualTo\" Data=\"&lt;x&gt;\" /><True /></And></IsInstalled>"
        "<IsInstallable><b.WindowsVersion Comparison=\"EqualTo\" MajorVersion=\"5\" />"
        "</IsInstallable></ApplicabilityRules>";
    auto const rules = parse_ok(source);
    EXPECT_EQ(write_applicability(rules), canonical);
    EXPECT_EQ(write_applicability(parse_ok(canonical)), canonical);
    EXPECT_EQ(write_applicability(applicability_rules{}), "");
    EXPECT_EQ(to_string(rules.is_installable), "b.WindowsVersion(Comparison=\"EqualTo\", MajorVersion=\"5\")");
}

}  // namespace
}  // namespace wsuslab::protocol
