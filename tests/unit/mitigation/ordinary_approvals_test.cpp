// A scenario whose updates are approved for several groups, as every WSUS administrator does,
// loads unchanged, has no anomaly, and syncs every profile against the legacy model with the
// same answers as the fixed model (docs/models.md §3, docs/scenario-format.md §6).

#include <fstream>
#include <sstream>
#include <string>
#include <variant>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <wsuslab/mitigation/catalog.hpp>
#include <wsuslab/mitigation/diagnosis.hpp>
#include <wsuslab/mitigation/get_sync_info.hpp>
#include <wsuslab/mitigation/scenario_loader.hpp>
#include <wsuslab/mitigation/simulated_sync.hpp>

#include "fixtures.hpp"

namespace wsuslab::mitigation {
namespace {

using ::testing::IsEmpty;

// The example of docs/scenario-format.md §11, with a third client group and a Block.
constexpr const char* two_groups = R"(<?xml version="1.0" encoding="utf-8"?>
<Scenario Name="two-groups" FormatVersion="1">
  <Server Name="LAB" ProductVersion="3.1.6001.65" ProtocolVersion="3.1"
          ConfigLastChange="2008-06-11T00:00:00Z" ClientSideTargeting="true" />
  <Updates>
    <Update RevisionID="1" UpdateID="aaaaaaaa-0000-0000-0000-000000000001" RevisionNumber="100"
            Type="Category" Title="Office 2003">
      <ApplicabilityRules><IsInstalled><True /></IsInstalled></ApplicabilityRules>
    </Update>
    <Update RevisionID="2" UpdateID="aaaaaaaa-0000-0000-0000-000000000002" RevisionNumber="100"
            Type="Detectoid" Title="Office 2003 installed">
      <Prerequisites>
        <AtLeastOne IsCategory="true"><UpdateIdentity UpdateID="aaaaaaaa-0000-0000-0000-000000000001" /></AtLeastOne>
      </Prerequisites>
      <ApplicabilityRules><IsInstalled>
        <b.RegKeyExists Key="HKEY_LOCAL_MACHINE" Subkey="SOFTWARE\Microsoft\Office\11.0" />
      </IsInstalled></ApplicabilityRules>
    </Update>
    <Update RevisionID="3" UpdateID="aaaaaaaa-0000-0000-0000-000000000003" RevisionNumber="105"
            Type="Software" Title="Office 2003 Service Pack 1" KB="842532">
      <Prerequisites>
        <UpdateIdentity UpdateID="aaaaaaaa-0000-0000-0000-000000000002" />
      </Prerequisites>
      <Files><File Name="sp1.exe" Size="65536" /></Files>
    </Update>
    <Update RevisionID="4" UpdateID="aaaaaaaa-0000-0000-0000-000000000004" RevisionNumber="100"
            Type="Software" Title="Some update" KB="1">
      <Prerequisites>
        <UpdateIdentity UpdateID="aaaaaaaa-0000-0000-0000-000000000002" />
      </Prerequisites>
    </Update>
  </Updates>
  <TargetGroups>
    <TargetGroup Name="Workstations" Parent="All Computers" />
    <TargetGroup Name="Pilot" Parent="Workstations" />
  </TargetGroups>
  <Deployments>
    <Deployment ID="1" RevisionID="3" TargetGroup="All Computers" Action="Install" LastChangeTime="2004-08-31" />
    <Deployment ID="2" RevisionID="3" TargetGroup="Workstations" Action="Install" Deadline="2008-07-01" LastChangeTime="2008-06-11" />
    <Deployment ID="3" RevisionID="3" TargetGroup="Pilot" Action="OptionalInstall" IsAssigned="false" LastChangeTime="2008-06-10" />
    <Deployment ID="4" RevisionID="4" TargetGroup="All Computers" Action="Install" LastChangeTime="2008-06-10" />
    <Deployment ID="5" RevisionID="4" TargetGroup="Pilot" Action="Block" LastChangeTime="2008-06-12" />
  </Deployments>
  <ClientProfiles>
    <ClientProfile Name="office" ClientID="bbbbbbbb-0000-0000-0000-000000000001" DnsName="office.example">
      <TargetGroup Name="Workstations" />
      <Registry><Key Path="HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Office\11.0\Common" /></Registry>
    </ClientProfile>
    <ClientProfile Name="pilot" ClientID="bbbbbbbb-0000-0000-0000-000000000002" DnsName="pilot.example">
      <TargetGroup Name="Workstations" />
      <TargetGroup Name="Pilot" />
      <Registry><Key Path="HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Office\11.0\Common" /></Registry>
    </ClientProfile>
    <ClientProfile Name="plain" ClientID="bbbbbbbb-0000-0000-0000-000000000003" DnsName="plain.example" />
  </ClientProfiles>
</Scenario>
)";

TEST(OrdinaryApprovalsTest, LegacyModelSyncsEveryProfileOfAMultiGroupScenario) {
    auto loaded = load_scenario_text(two_groups, "two-groups.xml");
    ASSERT_TRUE(std::holds_alternative<scenario>(loaded))
        << std::get<scenario_error>(loaded).to_string();
    scenario const& s = std::get<scenario>(loaded);
    catalog const c(s);
    auto const legacy = make_legacy_model();
    auto const fixed = make_fixed_model();
    for (auto const& p : s.profiles) {
        SCOPED_TRACE(p.name);
        simulated_sync_options o;
        o.groups = profile_groups(s, p);
        auto const l = run_simulated_sync(*legacy, c, o, installed_on(p.machine));
        auto const f = run_simulated_sync(*fixed, c, o, installed_on(p.machine));
        ASSERT_TRUE(l.ok()) << (l.failure ? l.failure->message() : "round cap");
        EXPECT_EQ(l.cache(), f.cache());
        EXPECT_EQ(l.rounds, f.rounds);
        EXPECT_THAT(f.resolved, IsEmpty());
    }
    auto const d = diagnose(s);
    EXPECT_FALSE(d.anomalies_found());
    EXPECT_FALSE(d.legacy_fails());
    EXPECT_EQ(d.merges.size(),
              4U);  // revision 3 for three group sets, revision 4 for one set of rows
}

TEST(OrdinaryApprovalsTest, EachProfileGetsTheRowOfItsDeepestGroup) {
    auto loaded = load_scenario_text(two_groups, "two-groups.xml");
    ASSERT_TRUE(std::holds_alternative<scenario>(loaded));
    scenario const& s = std::get<scenario>(loaded);
    catalog const c(s);
    auto const deployment_of = [&](const std::string& profile, std::int32_t revision_id) {
        simulated_sync_options o;
        o.groups = profile_groups(s, *s.find_profile(profile));
        o.keep_responses = true;
        auto const r = run_simulated_sync(*make_legacy_model(), c, o,
                                          installed_on(s.find_profile(profile)->machine));
        for (auto const& round : r.trace) {
            for (auto const& u : round.response->new_updates) {
                if (u.id == revision_id) {
                    return std::to_string(u.deploy->id) + " " +
                           std::string(protocol::deployment_action_name(u.deploy->action));
                }
            }
        }
        return std::string("(not sent)");
    };
    EXPECT_EQ(deployment_of("office", 3), "2 Install");
    EXPECT_EQ(deployment_of("pilot", 3), "3 OptionalInstall");
    EXPECT_EQ(deployment_of("pilot", 4), "5 PreDeploymentCheck");
    EXPECT_EQ(deployment_of("office", 4), "4 Install");
    EXPECT_EQ(deployment_of("plain", 3), "(not sent)");  // never reports the detectoid
}

// The example of docs/scenario-format.md §11, as the page shows it; `with_stray` uncomments its
// <StrayDeployment>.
std::string documented_example(bool with_stray) {
    SCOPED_TRACE(with_stray ? "docs/scenario-format.md §11 with its <StrayDeployment>" : "docs/scenario-format.md §11 as shown");
    std::ifstream in(test::fixtures_dir() + "/../docs/scenario-format.md");
    std::ostringstream page;
    page << in.rdbuf();
    std::string text = page.str();
    auto const section = text.find("## 11. A complete small example");
    auto const first = text.find("<?xml", section);
    auto const last = text.find("</Scenario>", first);
    EXPECT_NE(section, std::string::npos);
    EXPECT_NE(last, std::string::npos);
    text = text.substr(first, last + 11 - first);
    if (with_stray) {
        auto const open = text.find("<!-- <StrayDeployment");
        EXPECT_NE(open, std::string::npos);
        text.erase(open, 5);
        text.erase(text.find(" -->", open), 4);
    }
    return text;
}

TEST(OrdinaryApprovalsTest, TheDocumentedExampleSyncsAndItsStrayRowFailsTheLegacyModel) {
    for (bool const with_stray : {false, true}) {
        SCOPED_TRACE(with_stray ? "with the stray row" : "as shipped");
        auto loaded = load_scenario_text(documented_example(with_stray), "two-groups.xml");
        ASSERT_TRUE(std::holds_alternative<scenario>(loaded))
            << std::get<scenario_error>(loaded).to_string();
        scenario const& s = std::get<scenario>(loaded);
        catalog const c(s);
        simulated_sync_options o;
        o.groups = profile_groups(s, s.profiles.at(0));
        auto const installed = installed_on(s.profiles.at(0).machine);
        auto const l = run_simulated_sync(*make_legacy_model(), c, o, installed);
        auto const f =
            run_simulated_sync(*make_fixed_model(), c, o, installed_on(s.profiles.at(0).machine));
        ASSERT_TRUE(f.ok());
        if (!with_stray) {
            EXPECT_TRUE(l.ok());
            EXPECT_THAT(f.resolved, IsEmpty());
            continue;
        }
        ASSERT_TRUE(l.failure.has_value());
        EXPECT_EQ(l.failure->message(),
                  "Item has already been added. Key in dictionary: '3'  Key being added: '3'");
        ASSERT_FALSE(f.resolved.empty());
        EXPECT_EQ(f.resolved[0].kept_deployment_id, 2);
        EXPECT_EQ(f.resolved[0].rule, "latest LastChangeTime");
    }
}

}  // namespace
}  // namespace wsuslab::mitigation
