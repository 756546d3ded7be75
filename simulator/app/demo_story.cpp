#include "demo_story.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <sstream>
#include <stdexcept>
#include <utility>
#include <variant>

#include <wsuslab/mitigation/diagnosis.hpp>
#include <wsuslab/mitigation/scenario_loader.hpp>

#include "demo_checks.hpp"
#include "demo_lab.hpp"
#include "embedded_scenario.hpp"

namespace wsuslab::app::demo {
namespace {

// A step with its number and title, not yet checked.
step_result numbered_step(int number, std::string title) {
    step_result step;
    step.number = number;
    step.title = std::move(title);
    return step;
}

using mitigation::model_kind;

const char* const office = "office2003-workstation";
const char* const plain = "plain-workstation";

std::string fresh_work_dir() {
    std::random_device rd;
    auto dir = std::filesystem::temp_directory_path() /
               ("wsuslab-demo-" + std::to_string(rd() % 1000000U));
    std::filesystem::create_directories(dir);
    return dir.string();
}

std::string rows_text(const mitigation::duplicate_deployment& d) {
    std::ostringstream out;
    for (std::size_t i = 0; i < d.rows.size(); ++i) {
        auto const& r = d.rows[i];
        out << (i == 0 ? "" : "; ") << "deployment " << r.deployment_id << " on '"
            << r.target_group << "' (" << protocol::deployment_action_name(r.action) << ", "
            << r.last_change_time << ")";
    }
    return out.str();
}

step_result lab_step(const mitigation::scenario& lab) {
    step_result step = numbered_step(1, "The lab");
    auto const d = mitigation::diagnose(lab);
    step.expected = "a stray twin of a deployment row reaches the Office 2003 clients' groups";
    step.narrative.push_back("Server: " + lab.server.name + ", WSUS 3.0 SP1, client web service " +
                             lab.server.product_version + " (a lab value: the public record names "
                             "only the fixed build 3.1.6001.66), protocol " +
                             lab.server.protocol_version + ", " +
                             std::to_string(lab.revisions.size()) + " revisions.");
    std::ostringstream groups;
    for (auto const& g : lab.target_groups) {
        groups << (groups.tellp() > 0 ? ", " : "") << g.name;
    }
    step.narrative.push_back("Target groups: " + groups.str() + ".");
    for (auto const& p : lab.profiles) {
        auto const gs = mitigation::profile_groups(lab, p);
        std::ostringstream line;
        line << "Client " << p.name << " (" << p.dns_name << ") is in: ";
        for (std::size_t i = 0; i < gs.size(); ++i) {
            line << (i == 0 ? "" : ", ") << gs[i];
        }
        step.narrative.push_back(line.str() + ".");
    }
    if (d.duplicates.empty()) {
        step.observed = "no revision has a stray twin deployment row";
        return step;
    }
    auto const& dup = d.duplicates.front();
    step.narrative.push_back("In the lab, revision " + std::to_string(dup.revision_id) + " (" +
                             dup.title + ") has " + std::to_string(dup.rows.size()) +
                             " deployment rows: " + rows_text(dup) + ".");
    step.narrative.push_back(
        "Public record: the advisory's server log shows Hashtable.Add inside GetSyncInfo throwing "
        "for the key 8862. It does not say which table, which update or which rows.");
    step.narrative.push_back(
        "The lab's reconstruction: ordinary approvals for several groups resolve to one row per "
        "revision by precedence; a stray twin of the winning row (same revision, same group) "
        "survives that step, GetSyncInfo's Add() of the revision ID throws on it, and only "
        "clients that report the Office 2003 detectoid installed ever reach this revision.");
    step.observed = std::to_string(dup.rows.size()) + " rows for revision " +
                    std::to_string(dup.revision_id) + " (" + dup.title + ")";
    step.ok = dup.rows.size() >= 2 &&
              std::find(dup.profiles_hit.begin(), dup.profiles_hit.end(), office) !=
                  dup.profiles_hit.end();
    return step;
}

step_result failure_step(lab_server& legacy) {
    step_result step = numbered_step(2, "Office 2003 workstation against WSUS 3.0 SP1");
    step.expected =
        "SyncUpdates fault InternalServerError, client 0x8024400E, same fault ID in both logs, "
        "and the same failure 5 hours later";
    auto run = legacy.run_client(office, 1);
    auto const check = check_historical_failure(run);
    step.observed = check.observed;
    step.ok = check.ok;
    step.narrative.push_back(
        "As the lab models it, the client walks the prerequisite layers: categories and detectoids "
        "first; once it reports the Office 2003 detectoid installed, revision 8862 enters the "
        "server's needed set and GetSyncInfo throws on that round.");
    step.narrative.push_back(
        "Public record: an affected client logged the advisory's nine PT lines and the server "
        "the ArgumentException for key 8862, with one fault ID in both; affected clients got no "
        "updates at all, and clearing the client's cache did not help (expta, 2009).");
    step.narrative.push_back(
        "The 'HTTP status code' in the client's line is the status the demo's server sends "
        "(--fault-status). The advisory's line says 200; whether 2008 servers really answered 200 "
        "is an open question (docs/kb954960-lab.md section 7).");
    step.runs.push_back(std::move(run));
    return step;
}

step_result plain_step(lab_server& legacy) {
    step_result step = numbered_step(3, "Workstation without Office, same server");
    step.expected = "syncs: it never reaches the Office 2003 revisions";
    auto run = legacy.run_client(plain, 0);
    auto const check = check_synced(run, resolved_duplicate::not_checked);
    step.observed = check.observed;
    step.ok = check.ok;
    step.narrative.push_back(
        "Public record: only computers with Office 2003 failed (Security Advisory 954960).");
    step.narrative.push_back(
        "The lab's reconstruction: this client's InstalledNonLeafUpdateIDs never holds the Office "
        "2003 detectoid, so the server never adds revision 8862 to the needed set and never meets "
        "the duplicate row.");
    step.runs.push_back(std::move(run));
    return step;
}

step_result fix_step(lab_server& fixed) {
    step_result step = numbered_step(4, "Mitigation A: KB954960 on the server (fixed model)");
    step.expected = "syncs; the server log names the duplicate it resolved";
    auto run = fixed.run_client(office, 0);
    auto const check = check_synced(run, resolved_duplicate::expected);
    step.observed = check.observed;
    step.ok = check.ok;
    step.narrative.push_back(
        "Public record: KB954960 replaces the client web service assembly (file version "
        "3.1.6001.66) of WSUS 3.0 SP1, and the failure stops. What the new code does inside is "
        "not public.");
    step.narrative.push_back(
        "The lab's reconstruction: the fixed model keeps one row per revision by a documented "
        "precedence instead of Add(), so one bad row no longer fails the request. The bad data is "
        "still there; it is tolerated.");
    step.runs.push_back(std::move(run));
    return step;
}

step_result workaround_step(const mitigation::scenario& lab, const demo_options& options,
                            shared_clock& time, const std::string& dir) {
    step_result step = numbered_step(5, "Mitigation B: approve, then decline Office 2003 SP1");
    step.expected = "the unpatched server syncs the client once the update is declined";
    auto repaired = std::make_shared<mitigation::scenario>(lab);
    auto const performed = mitigation::apply_workaround(*repaired);
    for (auto const& s : performed) {
        step.narrative.push_back("Administrator: " + s.to_string());
    }
    lab_server legacy(repaired, model_kind::legacy, options.fault_status,
                      dir + "/SoftwareDistribution-step5.log", time);
    auto run = legacy.run_client(office, 0);
    auto const check = check_synced(run, resolved_duplicate::not_checked);
    step.observed = std::to_string(performed.size()) + " console operations; " + check.observed;
    step.ok = !performed.empty() && check.ok;
    step.narrative.push_back(
        "Public record: 2008 and 2009 blog posts (expta) give approve-then-decline of Office 2003 "
        "Service Pack 1 as the fix; the WSUS SDK says declining removes every approval of every "
        "revision of an update. The advisory itself lists no workaround for WSUS 3.0 SP1.");
    step.narrative.push_back(
        "The lab's reconstruction: the decline deletes the stray row with the others. Why "
        "approving first matters is not public; our guess is that it makes the decline a real "
        "change even when the console already shows 'declined'.");
    step.runs.push_back(std::move(run));
    return step;
}

template <class F>
void run_step(story& s, const demo_options& options, int number, const std::string& title,
              F&& body) {
    if (options.on_step_start) {
        options.on_step_start(number, title);
    }
    auto const started = std::chrono::steady_clock::now();
    step_result step = body();
    step.duration = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    if (options.on_step_done) {
        options.on_step_done(step);
    }
    s.steps.push_back(std::move(step));
}

}  // namespace

bool story::all_ok() const {
    return !steps.empty() &&
           std::all_of(steps.begin(), steps.end(), [](const step_result& s) { return s.ok; });
}

closing_verdict verdict_of(const story& s) {
    closing_verdict v;
    std::string failed;
    for (auto const& st : s.steps) {
        if (!st.ok) {
            failed += (failed.empty() ? "" : ", ") + std::to_string(st.number);
        }
    }
    v.ok = s.all_ok();
    v.headline = v.ok ? "Every step behaved as expected."
                      : (failed.empty() ? std::string("No step ran.")
                                        : "Step(s) " + failed + " did not behave as expected.");
    v.public_record =
        "The public record (Security Advisory 954960, KB954960): on WSUS 3.0 and 3.0 SP1, clients "
        "with Office 2003 got no updates; SyncUpdates answered the SOAP fault InternalServerError, "
        "the client logged 0x8024400E and the nine PT lines, the server a duplicate key '8862' "
        "from Hashtable.Add in GetSyncInfo; KB954960 (client web service 3.1.6001.66) fixed WSUS "
        "3.0 SP1. Blog posts of 2008 and 2009 (expta) give approve-then-decline of Office 2003 "
        "Service Pack 1 as a workaround.";
    v.reconstruction =
        "The lab's reconstruction (docs/history.md, docs/kb954960-lab.md): that 8862 is a "
        "revision of Office 2003 Service Pack 1, that a stray twin of a deployment row collided "
        "with the winning row for one client's group, that an Office 2003 detectoid gates them, how the fix keeps one row, and why "
        "the workaround removes the stray row. No public source confirms these.";
    return v;
}

std::shared_ptr<const mitigation::scenario> embedded_lab() {
    auto loaded = mitigation::load_scenario_text(embedded_kb954960_scenario(), "kb954960.xml");
    if (auto* error = std::get_if<mitigation::scenario_error>(&loaded)) {
        throw std::runtime_error("embedded scenario: " + error->to_string());
    }
    return std::make_shared<const mitigation::scenario>(
        std::move(std::get<mitigation::scenario>(loaded)));
}

story run_story(const demo_options& options) {
    auto const lab = options.lab ? options.lab : embedded_lab();
    std::string const dir = options.work_dir.empty() ? fresh_work_dir() : options.work_dir;
    std::filesystem::create_directories(dir);

    story s;
    s.scenario_name = lab->name;
    s.server_product_version = lab->server.product_version;
    run_step(s, options, 1, "The lab", [&] { return lab_step(*lab); });

    // The advisory's client failed at 2008-06-13 19:59 PDT = 2008-06-14 02:59 UTC.
    shared_clock june(at("2008-06-14T02:59:53.383Z"));
    {
        lab_server legacy(lab, model_kind::legacy, options.fault_status,
                          dir + "/SoftwareDistribution-legacy.log", june);
        run_step(s, options, 2, "Office 2003 workstation against WSUS 3.0 SP1",
                 [&] { return failure_step(legacy); });
        run_step(s, options, 3, "Workstation without Office, same server",
                 [&] { return plain_step(legacy); });
    }
    // KB954960 was announced on 2008-07-09.
    shared_clock july(at("2008-07-09T16:00:00.000Z"));
    {
        lab_server fixed(lab, model_kind::fixed, options.fault_status,
                         dir + "/SoftwareDistribution-fixed.log", july);
        run_step(s, options, 4, "Mitigation A: KB954960 on the server (fixed model)",
                 [&] { return fix_step(fixed); });
    }
    run_step(s, options, 5, "Mitigation B: approve, then decline Office 2003 SP1",
             [&] { return workaround_step(*lab, options, july, dir); });
    return s;
}

}  // namespace wsuslab::app::demo
