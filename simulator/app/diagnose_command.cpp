// `wsuslab diagnose`: find the stray deployment rows (two rows for one revision and target
// group) that make the legacy GetSyncInfo fail, say which client profiles they break, list the
// ordinary multi-group approvals as resolved by precedence, and optionally write a repaired copy
// of the scenario (the KB954960 workaround: approve, then decline) and verify it
// (docs/models.md §3, docs/kb954960-lab.md).
//
// Exit codes: 0 no anomaly, or the workaround was applied and verified; 1 anomalies found and
// not fixed (or the repaired copy still fails); 2 usage or load error.

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include <wsuslab/mitigation/diagnosis.hpp>
#include <wsuslab/mitigation/scenario_loader.hpp>

#include "commands.hpp"

namespace wsuslab::app {
namespace {

struct diagnose_args {
    std::string scenario;
    std::string apply_to;  ///< --apply-workaround OUT.xml
    bool json = false;
    std::string workaround = "approve-then-decline";
    std::string date;
};

int usage_error(const std::string& message) {
    std::cerr << "wsuslab diagnose: " << message << "\n";
    return 2;
}

nlohmann::json row_json(const mitigation::deployment_row& r) {
    nlohmann::json j = {{"deployment_id", r.deployment_id},
                        {"revision_id", r.revision_id},
                        {"target_group", r.target_group},
                        {"action", std::string(protocol::deployment_action_name(r.action))},
                        {"is_assigned", r.is_assigned},
                        {"last_change_time", r.last_change_time},
                        {"line", r.line}};
    j["deadline"] = r.deadline ? nlohmann::json(*r.deadline) : nlohmann::json(nullptr);
    j["stray"] = r.stray.has_value();
    j["origin"] = r.stray ? nlohmann::json(std::string(mitigation::stray_origin_name(*r.stray)))
                          : nlohmann::json(nullptr);
    return j;
}

nlohmann::json verdicts_json(const std::vector<mitigation::profile_verdict>& verdicts) {
    nlohmann::json out = nlohmann::json::array();
    for (auto const& v : verdicts) {
        nlohmann::json j = {{"name", v.profile},
                            {"groups", v.groups},
                            {"effective_model", v.effective_model},
                            {"legacy_ok", v.legacy_ok},
                            {"rounds", v.rounds},
                            {"updates_received", v.updates_received},
                            {"exceeded_max_rounds", v.exceeded_max_rounds}};
        j["failure"] = v.failure ? nlohmann::json{{"table", v.failure->table},
                                                  {"key", v.failure->key_being_added},
                                                  {"message", v.failure->message()},
                                                  {"round", v.failed_round}}
                                 : nlohmann::json(nullptr);
        out.push_back(std::move(j));
    }
    return out;
}

nlohmann::json steps_json(const std::vector<mitigation::workaround_step>& steps) {
    nlohmann::json out = nlohmann::json::array();
    for (auto const& s : steps) {
        out.push_back({{"operation", s.operation},
                       {"update_id", s.update_id},
                       {"title", s.title},
                       {"revision_id", s.revision_id},
                       {"target_group", s.target_group},
                       {"rows_added", s.rows_added},
                       {"rows_removed", s.rows_removed},
                       {"also_declined", s.also_declined},
                       {"text", s.to_string()}});
    }
    return out;
}

nlohmann::json diagnosis_json(const mitigation::scenario& s, const mitigation::diagnosis& d) {
    nlohmann::json dups = nlohmann::json::array();
    for (auto const& dup : d.duplicates) {
        nlohmann::json rows = nlohmann::json::array();
        for (auto const& r : dup.rows) {
            rows.push_back(row_json(r));
        }
        dups.push_back({{"revision_id", dup.revision_id},
                        {"update_id", dup.update_id},
                        {"title", dup.title},
                        {"target_group", dup.target_group},
                        {"rows", rows},
                        {"group_sets", dup.group_sets},
                        {"profiles_hit", dup.profiles_hit},
                        {"profiles_exposed", dup.profiles_exposed},
                        {"profiles_failing", dup.profiles_failing}});
    }
    nlohmann::json merges = nlohmann::json::array();
    for (auto const& m : d.merges) {
        std::vector<std::int32_t> ids;
        for (auto const& r : m.rows) {
            ids.push_back(r.deployment_id);
        }
        merges.push_back({{"revision_id", m.revision_id},
                          {"title", m.title},
                          {"group_set", m.group_set},
                          {"deployment_ids", ids},
                          {"kept_deployment_id", m.kept_deployment_id},
                          {"rule", m.rule},
                          {"profiles", m.profiles}});
    }
    return {{"scenario",
             {{"name", s.name},
              {"path", s.source_path},
              {"revisions", s.revisions.size()},
              {"deployments", s.deployments.size()},
              {"profiles", s.profiles.size()}}},
            {"anomalies_found", d.anomalies_found()},
            {"legacy_fails", d.legacy_fails()},
            {"duplicates", dups},
            {"resolved_by_precedence", merges},
            {"profiles", verdicts_json(d.profiles)},
            {"workaround",
             {{"kind", d.kind == mitigation::workaround_kind::decline ? "decline"
                                                                      : "approve-then-decline"},
              {"steps", steps_json(d.workaround)},
              {"verified_on_copy", d.workaround_verified}}}};
}

bool same_file(const std::string& a, const std::string& b) {
    std::error_code ec;
    return std::filesystem::equivalent(a, b, ec) && !ec;
}

int run_diagnose(const diagnose_args& a) {
    auto loaded = mitigation::load_scenario_file(a.scenario);
    if (auto const* err = std::get_if<mitigation::scenario_error>(&loaded)) {
        return usage_error(err->to_string());
    }
    auto const& s = std::get<mitigation::scenario>(loaded);
    mitigation::diagnosis_options options;
    options.kind = a.workaround == "decline" ? mitigation::workaround_kind::decline
                                             : mitigation::workaround_kind::approve_then_decline;
    options.date = a.date;
    auto const d = mitigation::diagnose(s, options);
    bool const clean = !d.anomalies_found() && !d.legacy_fails();
    nlohmann::json json = diagnosis_json(s, d);
    std::string text = mitigation::diagnosis_report(s, d);
    int code = clean ? 0 : 1;

    if (!a.apply_to.empty()) {
        if (same_file(a.apply_to, a.scenario)) {
            return usage_error("--apply-workaround must name a new file, not the scenario itself");
        }
        mitigation::scenario repaired = s;
        auto const steps = mitigation::apply_workaround(repaired, options);
        {
            std::ofstream out(a.apply_to, std::ios::binary | std::ios::trunc);
            out << mitigation::write_scenario(repaired);
            out.close();
            if (!out) {
                return usage_error("cannot write " + a.apply_to);
            }
        }
        // Verify what was written, not the in-memory copy: reload the file and re-run.
        auto reloaded = mitigation::load_scenario_file(a.apply_to);
        if (auto const* err = std::get_if<mitigation::scenario_error>(&reloaded)) {
            return usage_error("the repaired scenario does not load: " + err->to_string());
        }
        auto const after = mitigation::diagnose(std::get<mitigation::scenario>(reloaded), options);
        bool const verified = !after.anomalies_found() && !after.legacy_fails();
        code = verified ? 0 : 1;
        text += "\nApplied the workaround and wrote " + a.apply_to + ":\n";
        for (std::size_t i = 0; i < steps.size(); ++i) {
            text += "  " + std::to_string(i + 1) + ". " + steps[i].to_string() + "\n";
        }
        if (steps.empty()) {
            text += "  (nothing to change; the file is a copy of the scenario)\n";
        }
        text += "Re-ran the legacy model on " + a.apply_to + ":\n";
        for (auto const& v : after.profiles) {
            text += "  " + v.profile + "  " +
                    (v.legacy_ok ? "ok (" + std::to_string(v.rounds) + " rounds, " +
                                       std::to_string(v.updates_received) + " updates)"
                                 : std::string("FAILS") +
                                       (v.failure ? ": " + v.failure->message() : ""));
            text += "\n";
        }
        text += verified ? "Verified: no stray deployment rows remain and every profile syncs "
                           "against the legacy model.\n"
                         : "NOT verified: the repaired scenario still fails; see above.\n";
        json["applied"] = {{"output", a.apply_to},
                           {"steps", steps_json(steps)},
                           {"duplicates_left", after.duplicates.size()},
                           {"profiles", verdicts_json(after.profiles)},
                           {"verified", verified}};
    }
    json["exit_code"] = code;
    if (a.json) {
        std::cout << json.dump(2) << "\n";
    } else {
        std::cout << text;
    }
    return code;
}

}  // namespace

command add_diagnose_command(CLI::App& app) {
    auto args = std::make_shared<diagnose_args>();
    command c;
    c.sub = app.add_subcommand(
        "diagnose",
        "Find stray deployment rows (two rows for one revision and target group) that break the "
        "legacy GetSyncInfo (KB954960), list the client profiles it fails for, and optionally "
        "write a repaired scenario");
    c.sub->add_option("--scenario", args->scenario, "Scenario file (docs/scenario-format.md)")
        ->required();
    c.sub->add_option("--apply-workaround", args->apply_to,
                      "Write a NEW scenario file with the workaround applied, then verify it");
    c.sub->add_flag("--json", args->json, "Print a JSON report instead of text");
    c.sub->add_option("--workaround", args->workaround,
                      "approve-then-decline (the workaround 2008 blog posts published, default) or "
                      "decline")
        ->check(CLI::IsMember({"approve-then-decline", "decline"}));
    c.sub->add_option("--date", args->date,
                      "LastChangeTime (YYYY-MM-DD) of the approval the workaround creates; default: "
                      "the latest date in the scenario");
    c.run = [args] {
        if (!args->date.empty() && (args->date.size() != 10 || args->date[4] != '-' ||
                                    args->date[7] != '-')) {
            return usage_error("--date '" + args->date + "' is not YYYY-MM-DD");
        }
        return run_diagnose(*args);
    };
    return c;
}

}  // namespace wsuslab::app
