// `wsuslab validate`: running the probes, checking their exchanges, deciding the verdict.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <limits>
#include <string>
#include <utility>

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

}  // namespace

std::string_view validation_verdict_name(validation_verdict v) {
    switch (v) {
        case validation_verdict::patched: return "PATCHED";
        case validation_verdict::affected: return "AFFECTED BY KB954960";
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
        return {v::patched, office->profile + " syncs" +
                                (others_synced.empty() ? std::string()
                                                       : ", and so do " + join_names(others_synced))};
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
        mitigation::rule_options rules = options.rules;
        if (!rules.client_protocol_version) {
            rules.client_protocol_version = so.protocol_version;
        }

        probe_result p;
        p.profile = profile.name;
        p.description = profile.description;
        p.office_2003 = profile.name == options.office_profile;
        auto const started = std::chrono::steady_clock::now();
        auto net = make_transport();
        simulated_clock time(std::chrono::time_point_cast<std::chrono::milliseconds>(
            std::chrono::system_clock::now()));
        p.outcome = run_sync(so, *net, time);
        p.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - started);
        p.violations = mitigation::check_run(to_checked_exchanges(p.outcome.exchanges), rules);
        // The next probes would only wait for the same connection timeout.
        stop = unreachable(p);
        report.probes.push_back(std::move(p));
    }
    std::tie(report.verdict, report.reason) = decide_verdict(report.probes);
    return report;
}

}  // namespace wsuslab::client
