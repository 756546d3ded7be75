// Presenting a validation_report: the text `wsuslab validate` prints, --json and --junit.

#include <cstdio>
#include <map>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include <wsuslab/client/validate.hpp>

namespace wsuslab::client {

namespace {

std::string hex_hresult(std::uint32_t hr) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08X", hr);
    return buf;
}

std::string probe_state(const probe_result& p) {
    return p.ran ? std::string(verdict_name(p.outcome.verdict)) : std::string("not-run");
}

// "office2003-workstation: SyncUpdates round 2 (exchange 7): [rule] message".
std::string violation_line(const probe_result& p, const mitigation::violation& v) {
    return p.profile + ": " + v.to_string();
}

nlohmann::json fault_json(const probe_result& p) {
    if (!p.ran || !p.outcome.fault) {
        return nullptr;
    }
    auto const& f = *p.outcome.fault;
    return {{"operation", std::string(protocol::operation_name(f.op))},
            {"error_code", f.fault.error ? nlohmann::json(*f.fault.error) : nlohmann::json(nullptr)},
            {"faultcode", std::string(protocol::fault_code_name(f.fault.code))},
            {"id", f.fault.id},
            {"http_status", f.http_status},
            {"hresult", hex_hresult(f.hresult)}};
}

nlohmann::json evidence_json(const probe_result& p) {
    if (!p.evidence) {
        return nullptr;
    }
    auto const& e = *p.evidence;
    auto const resolved = e.duplicates_resolved();
    return {{"office_revisions", e.office_revisions},
            {"reported_installed", e.reported_installed},
            {"exercised", e.exercised()},
            {"duplicate_revision", e.duplicate_revision ? nlohmann::json(*e.duplicate_revision) : nlohmann::json(nullptr)},
            {"duplicate_revision_received", e.duplicate_revision_received},
            {"duplicates_resolved", resolved ? nlohmann::json(*resolved) : nlohmann::json(nullptr)}};
}

// The evidence line of the Office 2003 probe, "" when there is none.
std::string evidence_text(const validation_report& r) {
    for (auto const& p : r.probes) {
        if (p.evidence) {
            return p.profile + ": " + p.evidence->summary();
        }
    }
    return {};
}

nlohmann::json violation_json(const probe_result& p, const mitigation::violation& v) {
    return {{"profile", p.profile},
            {"rule", v.rule},
            {"exchange", v.exchange},
            {"round", v.round},
            {"operation", std::string(protocol::operation_name(v.op))},
            {"message", v.message}};
}

}  // namespace

std::string format_validation_text(const validation_report& r) {
    std::ostringstream s;
    s << "wsuslab validate " << r.server_url << "\n";
    for (auto const& p : r.probes) {
        s << "  probe " << p.profile << (p.office_2003 ? " (Office 2003)" : "") << ": "
          << p.summary() << "\n";
    }
    auto const rules = mitigation::all_rules().size();
    s << "  protocol rules: " << rules << " checked, " << r.violation_count()
      << (r.violation_count() == 1 ? " violation" : " violations") << "\n";
    for (auto const& p : r.probes) {
        for (auto const& v : p.violations) {
            s << "    " << violation_line(p, v) << "\n";
        }
    }
    if (auto const e = evidence_text(r); !e.empty()) {
        s << "  evidence: " << e << "\n";
    }
    s << "verdict: " << validation_verdict_name(r.verdict) << "\n";
    s << "reason: " << r.reason << "\n";
    return s.str();
}

std::string format_validation_json(const validation_report& r) {
    nlohmann::json probes = nlohmann::json::array();
    nlohmann::json violations = nlohmann::json::array();
    std::map<std::string, std::size_t> per_rule;
    for (auto const& p : r.probes) {
        nlohmann::json pv = nlohmann::json::array();
        for (auto const& v : p.violations) {
            pv.push_back(violation_json(p, v));
            violations.push_back(violation_json(p, v));
            ++per_rule[v.rule];
        }
        probes.push_back({{"profile", p.profile},
                          {"description", p.description},
                          {"office_2003", p.office_2003},
                          {"verdict", probe_state(p)},
                          {"summary", p.summary()},
                          {"hresult", hex_hresult(p.outcome.hresult)},
                          {"rounds", p.outcome.rounds.size()},
                          {"exchanges", p.outcome.exchanges.size()},
                          {"fault", fault_json(p)},
                          {"violations", pv},
                          {"evidence", evidence_json(p)}});
    }
    nlohmann::json rules = nlohmann::json::array();
    for (auto const& rule : mitigation::all_rules()) {
        std::string const id(rule.id);
        rules.push_back({{"id", id},
                         {"title", std::string(rule.title)},
                         {"source", std::string(rule.source)},
                         {"violations", per_rule.count(id) != 0 ? per_rule[id] : 0}});
    }
    nlohmann::json doc = {{"server_url", r.server_url},
                          {"verdict", std::string(validation_verdict_name(r.verdict))},
                          {"reason", r.reason},
                          {"exit_code", r.exit_code()},
                          {"probes", probes},
                          {"violations", violations},
                          {"rules", rules}};
    return doc.dump(2) + "\n";
}

junit_testsuite to_junit(const validation_report& r, std::string timestamp, std::string hostname) {
    junit_testsuite suite;
    suite.name = "wsuslab validate " + r.server_url;
    suite.timestamp = std::move(timestamp);
    suite.hostname = std::move(hostname);
    suite.properties = {{"server_url", r.server_url},
                        {"verdict", std::string(validation_verdict_name(r.verdict))},
                        {"reason", r.reason},
                        {"exit_code", std::to_string(r.exit_code())}};
    if (auto const e = evidence_text(r); !e.empty()) {
        suite.properties.emplace_back("evidence", e);
    }
    for (auto const& p : r.probes) {
        junit_testcase t;
        t.name = p.profile;
        t.classname = "wsuslab.validate.probe";
        t.time_seconds = static_cast<double>(p.elapsed.count()) / 1000.0;
        suite.time_seconds += t.time_seconds;
        if (!p.ran || p.outcome.verdict == sync_verdict::connection_error ||
            p.outcome.verdict == sync_verdict::local_error) {
            t.result = junit_result::error;
            t.problem = {p.profile + ": " + p.summary(), "wsuslab.ProbeError", p.outcome.error};
        } else if (p.outcome.verdict != sync_verdict::synced) {
            t.result = junit_result::failure;
            std::string text = p.outcome.error;
            for (auto const& line : p.outcome.log) {
                if (line.component == "PT" && line.text.rfind("WARNING:", 0) == 0) {
                    text += (text.empty() ? "" : "\n") + line.tagged();
                }
            }
            t.problem = {p.profile + ": " + p.summary(), "wsuslab.ProbeFailed", text};
        }
        suite.testcases.push_back(std::move(t));
    }
    for (auto const& rule : mitigation::all_rules()) {
        junit_testcase t;
        t.name = std::string(rule.id);
        t.classname = "wsuslab.validate.rule";
        std::vector<std::string> lines;
        for (auto const& p : r.probes) {
            for (auto const& v : p.violations) {
                if (v.rule == rule.id) {
                    lines.push_back(violation_line(p, v));
                }
            }
        }
        if (!lines.empty()) {
            t.result = junit_result::failure;
            std::string text = std::string(rule.title) + " (" + std::string(rule.source) + ")";
            for (auto const& l : lines) {
                text += "\n" + l;
            }
            t.problem = {std::to_string(lines.size()) +
                             (lines.size() == 1 ? " violation: " : " violations; first: ") + lines[0],
                         "wsuslab.RuleViolation", text};
        }
        suite.testcases.push_back(std::move(t));
    }
    suite.system_out = format_validation_text(r);
    return suite;
}

}  // namespace wsuslab::client
