// The Core fragment: exact MS-WUSP §3.1.1.1 shape, parsing what real servers send, round trip.
#include <string>

#include <gtest/gtest.h>

#include <wsuslab/protocol/core_fragment.hpp>

namespace wsuslab::protocol {
namespace {

core_fragment sample() {
    core_fragment f;
    f.identity = {"459295ba-9549-4960-ae66-c34d579679f8", 105};
    f.update_type = "Software";
    f.explicitly_deployable = "true";
    f.auto_select_on_web_sites = "true";
    f.prerequisites = {{{"35bcd20f-9549-4960-940c-77d1a83f8a81"}, false},
                       {{"f2e61df8-9549-4960-c9d4-a91c9ab38b30", "aaaaaaaa-9549-4960-0000-000000000001"},
                        true}};
    f.bundled_updates = {{{"0be02096-9549-4960-13af-5a68aada5b39", 102}}};
    f.applicability_xml =
        "<ApplicabilityRules><IsInstalled><False /></IsInstalled><IsInstallable><True />"
        "</IsInstallable></ApplicabilityRules>";
    return f;
}

core_fragment parse_ok(const std::string& xml) {
    auto r = parse_core_fragment(xml);
    if (auto* e = std::get_if<core_fragment_error>(&r)) {
        ADD_FAILURE() << e->problem;
        return {};
    }
    return std::get<core_fragment>(r);
}

std::string parse_error(const std::string& xml) {
    auto r = parse_core_fragment(xml);
    auto* e = std::get_if<core_fragment_error>(&r);
    return e != nullptr ? e->problem : "(parsed)";
}

TEST(CoreFragmentTest, WritesTheSpecShape) {
    EXPECT_EQ(write_core_fragment(sample()),
              "<UpdateIdentity UpdateID=\"459295ba-9549-4960-ae66-c34d579679f8\" RevisionNumber=\"105\" />"
              "<Properties UpdateType=\"Software\" ExplicitlyDeployable=\"true\" AutoSelectOnWebSites=\"true\" />"
              "<Relationships><Prerequisites>"
              "<UpdateIdentity UpdateID=\"35bcd20f-9549-4960-940c-77d1a83f8a81\" />"
              "<AtLeastOne IsCategory=\"true\">"
              "<UpdateIdentity UpdateID=\"f2e61df8-9549-4960-c9d4-a91c9ab38b30\" />"
              "<UpdateIdentity UpdateID=\"aaaaaaaa-9549-4960-0000-000000000001\" /></AtLeastOne>"
              "</Prerequisites><BundledUpdates>"
              "<UpdateIdentity UpdateID=\"0be02096-9549-4960-13af-5a68aada5b39\" RevisionNumber=\"102\" />"
              "</BundledUpdates></Relationships>"
              "<ApplicabilityRules><IsInstalled><False /></IsInstalled><IsInstallable><True />"
              "</IsInstallable></ApplicabilityRules>");
}

TEST(CoreFragmentTest, MinimalFragmentHasEmptyRelationships) {
    core_fragment f;
    f.identity = {"u", 1};
    f.update_type = "Detectoid";
    EXPECT_EQ(write_core_fragment(f),
              "<UpdateIdentity UpdateID=\"u\" RevisionNumber=\"1\" /><Properties UpdateType=\"Detectoid\" />"
              "<Relationships></Relationships>");
}

TEST(CoreFragmentTest, RoundTrips) {
    core_fragment const f = sample();
    EXPECT_EQ(parse_ok(write_core_fragment(f)), f);
    core_fragment multi = f;
    multi.bundled_updates = {{{"a", 1}, {"b", 2}}, {{"c", 3}}};
    multi.prerequisites.push_back({{"d"}, true});
    multi.eula_id = "e";
    multi.os_upgrade = "false";
    multi.applicability_xml.clear();
    EXPECT_EQ(parse_ok(write_core_fragment(multi)), multi);
}

TEST(CoreFragmentTest, ParsesRulesForTheClient) {
    auto r = parse_core_with_rules(write_core_fragment(sample()));
    ASSERT_TRUE(std::holds_alternative<parsed_core>(r));
    auto const& parsed = std::get<parsed_core>(r);
    EXPECT_EQ(evaluate_state(parsed.rules, machine_state{}), applicability_state::needed);
}

TEST(CoreFragmentTest, AcceptsWhatRealServersSend) {
    // pywsus-style: BundledUpdates children without AtLeastOne; a non-category AtLeastOne of one;
    // SupersededUpdates is ignored.
    auto const f = parse_ok(
        "<UpdateIdentity UpdateID=\"p\" RevisionNumber=\"204\" /><Properties UpdateType=\"Software\" "
        "ExplicitlyDeployable=\"true\" AutoSelectOnWebSites=\"true\" /><Relationships>"
        "<Prerequisites><AtLeastOne><UpdateIdentity UpdateID=\"q\" /></AtLeastOne></Prerequisites>"
        "<BundledUpdates><UpdateIdentity UpdateID=\"c1\" RevisionNumber=\"204\" />"
        "<UpdateIdentity UpdateID=\"c2\" RevisionNumber=\"7\" /></BundledUpdates>"
        "<SupersededUpdates><UpdateIdentity UpdateID=\"old\" /></SupersededUpdates></Relationships>");
    ASSERT_EQ(f.bundled_updates.size(), 2U);
    EXPECT_EQ(f.bundled_updates[1].front().update_id, "c2");
    EXPECT_EQ(f.bundled_updates[1].front().revision_number, 7);
    ASSERT_EQ(f.prerequisites.size(), 1U);
    EXPECT_EQ(f.prerequisites[0].update_ids, std::vector<std::string>{"q"});
    EXPECT_FALSE(f.prerequisites[0].is_category);
    EXPECT_TRUE(f.applicability_xml.empty());
}

TEST(CoreFragmentTest, KeepsARuleTheAgentDoesNotKnowAndEvaluatesItToAnError) {
    auto const parsed = parse_core_with_rules(
        "<UpdateIdentity UpdateID=\"u\" RevisionNumber=\"1\" /><Properties UpdateType=\"Software\" />"
        "<ApplicabilityRules><IsInstalled><b.Nope Level=\"3\" /></IsInstalled><IsInstallable><True />"
        "</IsInstallable></ApplicabilityRules>");
    ASSERT_TRUE(std::holds_alternative<parsed_core>(parsed));
    auto const& pc = std::get<parsed_core>(parsed);
    EXPECT_EQ(pc.fragment.applicability_xml,
              "<ApplicabilityRules><IsInstalled><b.Nope Level=\"3\" /></IsInstalled><IsInstallable>"
              "<True /></IsInstallable></ApplicabilityRules>");
    auto const e = evaluate_applicability(pc.rules, machine_state{});
    EXPECT_EQ(e.state, applicability_state::not_applicable);
    EXPECT_EQ(e.is_installed, rule_value::error);
    ASSERT_EQ(e.notes.size(), 1U);
    EXPECT_EQ(e.notes[0], "IsInstalled: b.Nope: unknown rule element; the agent's evaluator reports "
                          "WU_E_EE_UNKNOWN_EXPRESSION (0x8024E001)");
}

TEST(CoreFragmentTest, ErrorsNameTheProblem) {
    EXPECT_EQ(parse_error("<Properties UpdateType=\"Software\" />"), "missing UpdateIdentity");
    EXPECT_EQ(parse_error("<UpdateIdentity UpdateID=\"u\" />"),
              "UpdateIdentity: missing RevisionNumber");
    EXPECT_EQ(parse_error("<UpdateIdentity UpdateID=\"u\" RevisionNumber=\"x\" />"),
              "UpdateIdentity: RevisionNumber 'x' is not a number");
    EXPECT_EQ(parse_error("<UpdateIdentity UpdateID=\"u\" RevisionNumber=\"1\" />"),
              "missing Properties");
    EXPECT_EQ(parse_error("<UpdateIdentity UpdateID=\"u\" RevisionNumber=\"1\" /><Properties "
                          "UpdateType=\"Patch\" />"),
              "Properties: unknown UpdateType 'Patch'");
    EXPECT_EQ(parse_error("<UpdateIdentity UpdateID=\"u\" RevisionNumber=\"1\" /><Properties "
                          "UpdateType=\"Software\" IsBeta=\"true\" />"),
              "Properties: unknown attribute 'IsBeta'");
    EXPECT_EQ(parse_error("<UpdateIdentity UpdateID=\"u\" RevisionNumber=\"1\" /><Properties "
                          "UpdateType=\"Software\" /><Relationships><BundledUpdates>"
                          "<UpdateIdentity UpdateID=\"c\" /></BundledUpdates></Relationships>"),
              "BundledUpdates: UpdateIdentity: missing RevisionNumber");
    EXPECT_EQ(parse_error("<UpdateIdentity UpdateID=\"u\" RevisionNumber=\"1\" /><Properties "
                          "UpdateType=\"Software\" /><ApplicabilityRules><IsInstalled><True /><True />"
                          "</IsInstalled></ApplicabilityRules>"),
              "ApplicabilityRules: IsInstalled: expected exactly one rule, found 2");
    EXPECT_EQ(parse_error("<UpdateIdentity UpdateID=\"u\" RevisionNumber=\"1\" /><Files />"),
              "unexpected element 'Files' in a Core fragment");
    EXPECT_EQ(parse_error("<UpdateIdentity UpdateID=\"u\" RevisionNumber=\"1\" /><Properties "
                          "UpdateType=\"Software\" /><Relationships /><Relationships />"),
              "duplicate Relationships in a Core fragment");
    EXPECT_EQ(parse_error("<UpdateIdentity"), "malformed Core fragment at byte 14: Error parsing start element tag");
}

}  // namespace
}  // namespace wsuslab::protocol
