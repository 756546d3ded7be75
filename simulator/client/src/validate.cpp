// `wsuslab validate`: running the probes, checking their exchanges, deciding the verdict.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <limits>
#include <string>
#include <utility>

#include <wsuslab/client/url.hpp>
#include <wsuslab/client/validate.hpp>
#include <wsuslab/protocol/codec.hpp>

namespace wsuslab::client {

namespace {

// The checker reads what the client sent and received whatever its size: the server's limits
// are not the validator's business.
protocol::limits unlimited() {
    protocol::limits lim;
    lim.max_body_bytes = std::numeric_limits<std::size_t>::max();
    lim.max_children = std::numeric_limits<std::size_t>::max();
    lim.max_attributes = std::numeric_limits<std::size_t>::max();
    lim.max_installed_non_leaf_ids = std::numeric_limits<std::size_t>::max();
    lim.max_array_items = std::numeric_limits<std::size_t>::max();
    return lim;
}

std::string hex_hresult(std::uint32_t hr) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08X", hr);
    return buf;
}

// "a", "a and b", "a, b and c".
std::string join_names(const std::vector<std::string>& names) {
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i > 0) {
            out += i + 1 == names.size() ? " and " : ", ";
        }
        out += names[i];
    }
    return out;
}

bool is_kb954960_signature(const sync_outcome& o) {
    return o.verdict == sync_verdict::failed && o.fault &&
           o.fault->op == protocol::operation::sync_updates && o.fault->fault.error &&
           *o.fault->fault.error == "InternalServerError";
}

bool unreachable(const probe_result& p) {
    return p.ran && (p.outcome.verdict == sync_verdict::connection_error ||
                     p.outcome.verdict == sync_verdict::local_error);
}

std::string plural(std::size_t n, const std::string& word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

// The Office 2003 probe synced and every other probe too: PATCHED with evidence, NOT AFFECTED
// when the Office 2003 path ran without it, INCONCLUSIVE when it did not run.
std::pair<validation_verdict, std::string> synced_office_verdict(const probe_result& office,
                                                                  const std::vector<std::string>& others_synced) {
    using v = validation_verdict;
    office_evidence const e = office.evidence.value_or(office_evidence{});
    std::string const others = others_synced.empty() ? std::string() : "; " + join_names(others_synced) + " sync too";
    if (e.duplicate_revision && e.duplicate_revision_received) {
        return {v::patched, office.profile + " received revision " + std::to_string(*e.duplicate_revision) +
                                ", named by --duplicate-revision as carrying duplicate deployment rows, and synced" +
                                others};
    }
    if (auto const n = e.duplicates_resolved(); n && *n > 0) {
        return {v::patched, "the server reports resolving " + plural(*n, "duplicate deployment row") +
                                " while answering " + office.profile +
                                " (wsuslab_duplicates_resolved_total on /metrics), and " + office.profile +
                                " synced" + others};
    }
    if (e.exercised()) {
        std::string not_received;
        if (e.duplicate_revision) {
            not_received = "; revision " + std::to_string(*e.duplicate_revision) +
                           " (--duplicate-revision) was not delivered";
        }
        return {v::not_affected,
                office.profile + " reported " + plural(e.reported_installed.size(), "Office 2003 revision") +
                    " installed and synced without the KB954960 fault, but nothing shows the server is patched "
                    "(it may simply hold no duplicate deployment rows)" + not_received + others};
    }
    if (e.office_revisions.empty()) {
        return {v::inconclusive,
                office.profile + " synced, but the server offered it no Office 2003 revision (none of the " +
                    plural(office.outcome.cache.revisions.size(), "revision") +
                    " received looks at Office 2003's registry key or folder), so the KB954960 code path was not "
                    "exercised"};
    }
    return {v::inconclusive, office.profile + " received " +
                                 plural(e.office_revisions.size(), "Office 2003 revision") +
                                 " but reported none installed, so the server never computed the Office 2003 "
                                 "layer where KB954960 fails"};
}

// wsuslab_duplicates_resolved_total from <server>/metrics, nullopt when the server has none.
std::optional<std::uint64_t> read_resolved(const std::string& server_url, const transport_factory& make) {
    auto net = make();
    transport_result r = net->get(server_url + "/metrics");
    if (!r.ok() || r.reply().status != 200) {
        return std::nullopt;
    }
    return parse_duplicates_resolved(r.reply().body);
}

}  // namespace

std::string_view validation_verdict_name(validation_verdict v) {
    switch (v) {
        case validation_verdict::patched: return "PATCHED";
        case validation_verdict::affected: return "AFFECTED BY KB954960";
        case validation_verdict::not_affected: return "NOT AFFECTED";
        case validation_verdict::inconclusive: return "INCONCLUSIVE";
    }
    return "INCONCLUSIVE";
}

std::string probe_result::summary() const {
    if (!ran) {
        return "not run (an earlier probe could not reach the server)";
    }
    auto const& o = outcome;
    switch (o.verdict) {
        case sync_verdict::synced:
            return "synced (" + std::to_string(o.rounds.size()) + " SyncUpdates rounds, " +
                   std::to_string(o.cache.revisions.size()) + " updates received)";
        case sync_verdict::connection_error: return "connection error: " + o.error;
        case sync_verdict::local_error: return "local error: " + o.error;
        case sync_verdict::failed: break;
    }
    if (o.fault) {
        auto const& f = o.fault->fault;
        std::string const what = f.error && !f.error->empty()
                                     ? *f.error
                                     : "(faultcode " + std::string(protocol::fault_code_name(f.code)) + ")";
        return std::string(protocol::operation_name(o.fault->op)) + " fault " + what + " (fault ID " +
               (f.id.empty() ? std::string("none") : f.id) + ", HTTP " +
               std::to_string(o.fault->http_status) + ", " + hex_hresult(o.fault->hresult) + ")";
    }
    return "failed: " + o.error + " (" + hex_hresult(o.hresult) + ")";
}

std::size_t validation_report::violation_count() const {
    std::size_t n = 0;
    for (auto const& p : probes) {
        n += p.violations.size();
    }
    return n;
}

int validation_report::exit_code() const {
    switch (verdict) {
        case validation_verdict::patched: return violation_count() == 0 ? 0 : 1;
        case validation_verdict::affected: return 1;
        case validation_verdict::inconclusive: return 2;
        case validation_verdict::not_affected: return violation_count() == 0 ? 3 : 1;
    }
    return 2;
}

std::variant<std::vector<mitigation::client_profile>, std::string> probe_profiles(
    const mitigation::scenario& s) {
    std::vector<mitigation::client_profile> out;
    for (auto name : {office_probe_profile, plain_probe_profile, server_probe_profile}) {
        auto const* p = s.find_profile(std::string(name));
        if (p == nullptr) {
            return "scenario '" + s.name + "' has no client profile '" + std::string(name) +
                   "' (validate needs " + std::string(office_probe_profile) + ", " +
                   std::string(plain_probe_profile) + " and " +
                   std::string(server_probe_profile) + ")";
        }
        out.push_back(*p);
    }
    return out;
}

std::pair<validation_verdict, std::string> decide_verdict(const std::vector<probe_result>& probes) {
    using v = validation_verdict;
    for (auto const& p : probes) {
        if (unreachable(p)) {
            return {v::inconclusive, "cannot complete the " + p.profile + " probe: " + p.summary()};
        }
    }
    auto const office = std::find_if(probes.begin(), probes.end(),
                                     [](const probe_result& p) { return p.office_2003; });
    if (office == probes.end()) {
        return {v::inconclusive, "no Office 2003 probe was run"};
    }
    std::vector<std::string> others_synced;
    std::vector<std::string> others_failed;
    for (auto const& p : probes) {
        if (&p == &*office) {
            continue;
        }
        if (p.outcome.verdict == sync_verdict::synced) {
            others_synced.push_back(p.profile);
        } else {
            others_failed.push_back(p.profile + ": " + p.summary());
        }
    }
    std::string const others =
        others_synced.empty() ? std::string() : " while " + join_names(others_synced) + " sync";
    if (office->outcome.verdict == sync_verdict::synced) {
        if (!others_failed.empty()) {
            return {v::inconclusive, office->profile + " syncs, but other probes fail: " +
                                         join_names(others_failed)};
        }
        return synced_office_verdict(*office, others_synced);
    }
    if (!is_kb954960_signature(office->outcome)) {
        return {v::inconclusive,
                office->profile + " failed with " + office->summary() +
                    ", not the KB954960 signature (InternalServerError on SyncUpdates)"};
    }
    if (!others_failed.empty()) {
        return {v::inconclusive, office->profile +
                                     " gets InternalServerError on SyncUpdates, but other probes "
                                     "fail too: " +
                                     join_names(others_failed)};
    }
    return {v::affected, office->profile + " gets the KB954960 fault (InternalServerError on "
                                           "SyncUpdates, fault ID " +
                             office->outcome.fault->fault.id + ")" + others};
}

std::vector<mitigation::checked_exchange> to_checked_exchanges(const std::vector<exchange>& exchanges) {
    std::vector<mitigation::checked_exchange> out;
    auto const lim = unlimited();
    int attempt = 0;
    std::size_t round = 0;
    for (std::size_t i = 0; i < exchanges.size(); ++i) {
        auto const& x = exchanges[i];
        if (!x.op || x.error || x.http_status == 0) {
            continue;
        }
        mitigation::checked_exchange e;
        e.index = i + 1;
        e.op = *x.op;
        // The transport quotes the action on the wire (transport.hpp); faults echo that form.
        e.soap_action = "\"" + x.soap_action + "\"";
        e.http_status = x.http_status;
        if (e.op == protocol::operation::sync_updates) {
            if (x.attempt != attempt) {
                attempt = x.attempt;
                round = 0;
            }
            e.round = ++round;
            auto const req = protocol::parse_request(x.request_body, e.soap_action, lim);
            if (req) {
                if (auto const* s = std::get_if<protocol::sync_updates_request>(&req.value().body)) {
                    e.parameters = s->parameters;
                }
            }
        }
        auto reply = protocol::parse_response(e.op, x.response_body, lim);
        if (reply) {
            e.reply = std::move(reply.value());
        } else {
            e.parse_problem = reply.error().description;
        }
        out.push_back(std::move(e));
    }
    return out;
}

validation_report run_validation(const validation_options& options,
                                 const transport_factory& make_transport) {
    validation_report report;
    report.server_url = options.server_url;
    bool stop = false;
    for (auto const& profile : options.probes) {
        if (stop) {
            probe_result skipped;
            skipped.profile = profile.name;
            skipped.description = profile.description;
            skipped.office_2003 = profile.name == options.office_profile;
            skipped.ran = false;
            report.probes.push_back(std::move(skipped));
            continue;
        }
        sync_options so = options.client;
        so.server_url = options.server_url;
        so.profile = profile;
        so.state_dir.reset();
        so.reset_state = false;
        so.retries = 0;
        so.rounds = options.rounds;
        mitigation::rule_options rules = options.rules;
        if (!rules.client_protocol_version) {
            rules.client_protocol_version = effective_protocol_version(so);
        }

        probe_result p;
        p.profile = profile.name;
        p.description = profile.description;
        p.office_2003 = profile.name == options.office_profile;
        auto const started = std::chrono::steady_clock::now();
        std::optional<std::uint64_t> resolved_before;
        if (p.office_2003 && options.read_server_metrics) {
            resolved_before = read_resolved(trim_trailing_slash(options.server_url), make_transport);
        }
        auto net = make_transport();
        simulated_clock time(std::chrono::time_point_cast<std::chrono::milliseconds>(
            std::chrono::system_clock::now()));
        p.outcome = run_sync(so, *net, time);
        p.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - started);
        p.violations = mitigation::check_run(to_checked_exchanges(p.outcome.exchanges), rules);
        if (p.office_2003) {
            p.evidence = gather_office_evidence(p.outcome, options.duplicate_revision);
            p.evidence->resolved_before = resolved_before;
            if (resolved_before) {
                p.evidence->resolved_after = read_resolved(trim_trailing_slash(options.server_url), make_transport);
            }
        }
        // The next probes would only wait for the same connection timeout.
        stop = unreachable(p);
        report.probes.push_back(std::move(p));
    }
    std::tie(report.verdict, report.reason) = decide_verdict(report.probes);
    return report;
}

}  // namespace wsuslab::client
