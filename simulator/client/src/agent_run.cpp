// run_sync: options checks, client identity, cache load/save and the replayed detections.
#include <wsuslab/client/agent.hpp>

#include <utility>

#include <wsuslab/client/url.hpp>

#include "agent_impl.hpp"

namespace wsuslab::client {

std::string_view verdict_name(sync_verdict v) {
    switch (v) {
        case sync_verdict::synced: return "synced";
        case sync_verdict::failed: return "failed";
        case sync_verdict::connection_error: return "connection-error";
        case sync_verdict::local_error: return "local-error";
    }
    return "failed";
}

int exit_code_of(sync_verdict v) {
    switch (v) {
        case sync_verdict::synced: return 0;
        case sync_verdict::failed: return 1;
        case sync_verdict::connection_error:
        case sync_verdict::local_error: return 2;
    }
    return 2;
}

std::string client_service_url(const std::string& server_url) {
    return trim_trailing_slash(server_url) + "/ClientWebService/client.asmx";
}

std::string reporting_service_url(const std::string& server_url) {
    return trim_trailing_slash(server_url) + "/ReportingWebService/ReportingWebService.asmx";
}

std::string selfupdate_url(const std::string& server_url) {
    return trim_trailing_slash(server_url) + "/selfupdate/wuident.cab";
}

namespace {

sync_outcome early_error(sync_verdict v, std::uint32_t hresult, std::string error) {
    sync_outcome out;
    out.verdict = v;
    out.hresult = hresult;
    out.error = std::move(error);
    return out;
}

}  // namespace

sync_outcome run_sync(const sync_options& options, transport& net, clock& time,
                      client_cache& cache) {
    std::string const server = trim_trailing_slash(options.server_url);
    if (!parse_url(server)) {
        return early_error(sync_verdict::connection_error, hr::invalid_url,
                           "invalid server URL '" + options.server_url +
                               "': expected http://host[:port] or https://host[:port]");
    }
    if (options.max_rounds < 1 || options.max_recoveries < 0 || options.retries < 0) {
        return early_error(sync_verdict::local_error, hr::unexpected,
                           "max_rounds must be >= 1, max_recoveries and retries >= 0");
    }
    sync_outcome out;
    out.agent = std::string(agent_kind_name(options.agent));
    std::mt19937_64 id_rng(options.seed);
    std::string const& wanted_id = options.profile.client_id;
    if (!wanted_id.empty() && !cache.client_id.empty() && cache.client_id != wanted_id) {
        // The cache belongs to another machine (another SusClientId): start from scratch.
        out.warnings.push_back("the cache belonged to client " + cache.client_id +
                               "; discarded for client " + wanted_id);
        cache = client_cache{};
    }
    if (!wanted_id.empty()) {
        cache.client_id = wanted_id;
    } else if (cache.client_id.empty()) {
        cache.client_id = protocol::make_guid(id_rng);
    }
    bool moved = false;
    if (!cache.server_url.empty() && cache.server_url != server) {
        // A new WUServer: configuration, cookie and registration are the old server's.
        cache.config.reset();
        cache.cookie.reset();
        cache.registered = false;
        moved = true;
    }
    cache.server_url = server;

    wu_log log(time, options.utc_offset_minutes, make_log_identity(options.seed));
    detail::agent a(options, net, time, cache, out, log);
    if (moved) {
        a.server_moved();
    }
    for (int n = 1; n <= options.retries + 1; ++n) {
        attempt_result ar = a.detect(n);
        out.attempts.push_back(ar);
        if (ar.verdict == sync_verdict::synced || n == options.retries + 1) {
            break;
        }
        // Simulated time jumps to the scheduled retry (docs/protocol-notes.md §8.1).
        if (ar.next_detection && *ar.next_detection > time.now()) {
            time.advance(*ar.next_detection - time.now());
        }
    }
    attempt_result const& last = out.attempts.back();
    out.verdict = last.verdict;
    out.hresult = last.hresult;
    out.error = last.error;
    out.fault = last.fault;
    out.next_detection = last.next_detection;
    out.needed_revision_ids = a.needed_ids();
    out.needed = out.needed_revision_ids.size();
    for (auto const& [id, rev] : cache.revisions) {
        if (rev.kind != update_kind::software && rev.kind != update_kind::driver) {
            continue;
        }
        if (rev.state == protocol::applicability_state::installed) {
            ++out.installed;
        } else if (rev.state == protocol::applicability_state::not_applicable) {
            ++out.not_applicable;
        }
    }
    if (options.keep.log) {
        out.log = log.lines();
    }
    if (options.keep.cache) {
        out.cache = cache;
    }
    return out;
}

sync_outcome run_sync(const sync_options& options, transport& net, clock& time) {
    client_cache cache;
    if (options.state_dir) {
        if (options.reset_state) {
            if (auto err = reset_cache(*options.state_dir)) {
                return early_error(sync_verdict::local_error, hr::unexpected, *err);
            }
        }
        auto loaded = load_cache(*options.state_dir);
        if (auto* err = std::get_if<std::string>(&loaded)) {
            return early_error(sync_verdict::local_error, hr::unexpected,
                               *err + " (run with --reset to start from an empty cache)");
        }
        cache = std::move(std::get<client_cache>(loaded));
    }
    sync_outcome out = run_sync(options, net, time, cache);
    if (options.state_dir && !out.attempts.empty()) {
        if (auto err = save_cache(*options.state_dir, cache)) {
            out.warnings.push_back(*err);
            out.verdict = sync_verdict::local_error;
            out.error = *err;
        }
    }
    return out;
}

}  // namespace wsuslab::client
