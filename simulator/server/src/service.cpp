#include <wsuslab/server/service.hpp>

#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>

#include <openssl/sha.h>

#include <wsuslab/mitigation/scenario_loader.hpp>
#include <wsuslab/protocol/text.hpp>

#include "router.hpp"
#include "service_impl.hpp"
#include "service_time.hpp"
#include "targeting.hpp"

namespace wsuslab::server {

std::string_view log_level_name(log_level level) {
    switch (level) {
        case log_level::error: return "error";
        case log_level::warning: return "warning";
        case log_level::info: return "info";
        case log_level::verbose: return "verbose";
    }
    return "info";
}

std::optional<log_level> log_level_from_name(std::string_view name) {
    for (const log_level l : {log_level::error, log_level::warning, log_level::info, log_level::verbose}) {
        if (protocol::iequals(name, log_level_name(l))) {
            return l;
        }
    }
    return std::nullopt;
}

namespace detail {

scenario_data::scenario_data(std::shared_ptr<const mitigation::scenario> s, mitigation::model_kind default_kind,
                             const mitigation::legacy_options& legacy)
    : scenario(std::move(s)),
      catalog(*scenario),
      index(*scenario),
      default_model(default_kind),
      legacy_model(mitigation::make_legacy_model(legacy)),
      fixed_model(mitigation::make_fixed_model()) {}

const mitigation::get_sync_info_model& scenario_data::model(mitigation::model_kind kind) const {
    return kind == mitigation::model_kind::legacy ? *legacy_model : *fixed_model;
}

}  // namespace detail

wsus_service::impl::impl(service_options o, cookie_codec c, std::unique_ptr<const detail::scenario_data> d,
                         std::string identity, std::int64_t config_ms)
    : options(std::move(o)),
      data(std::move(d)),
      codec(std::move(c)),
      log(options.log_path, options.level, options.log_thread_id, options.clock),
      state(std::move(identity), config_ms, options.base_url) {}

detail::endpoint_context wsus_service::impl::endpoint() { return {options, log, metrics, state}; }

std::optional<detail::operation_context> wsus_service::impl::operations() {
    if (!data) {
        return std::nullopt;
    }
    return detail::operation_context{endpoint(), *data, codec};
}

namespace {

std::string strip_trailing_slashes(std::string url) {
    while (!url.empty() && url.back() == '/') {
        url.pop_back();
    }
    return url;
}

// The server identity of replicas sharing a cookie key: a GUID-shaped digest of the key, so
// every replica started with the same key issues and accepts the same identity.
std::string identity_from_key(const std::string& key) {
    std::string const input = "wsuslab server identity\n" + key;
    unsigned char d[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(input.data()), input.size(), d);
    d[6] = static_cast<unsigned char>((d[6] & 0x0FU) | 0x40U);
    d[8] = static_cast<unsigned char>((d[8] & 0x3FU) | 0x80U);
    char buf[40];
    std::snprintf(buf, sizeof buf, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", d[0],
                  d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8], d[9], d[10], d[11], d[12], d[13], d[14], d[15]);
    return buf;
}

// The options that need no file: fault status, cookie lifetime and key, base URL (trailing
// slashes dropped here).
std::optional<std::string> options_problem(service_options& options) {
    if (options.fault_status != 500 && options.fault_status != 200) {
        return "fault status must be 500 or 200, not " + std::to_string(options.fault_status);
    }
    if (options.cookie_lifetime.count() <= 0) {
        return std::string("cookie lifetime must be positive");
    }
    options.base_url = strip_trailing_slashes(std::move(options.base_url));
    if (options.base_url.rfind("http://", 0) != 0 && options.base_url.rfind("https://", 0) != 0) {
        return "base URL must start with http:// or https://, got '" + options.base_url + "'";
    }
    return std::nullopt;
}

// The scenario given or loaded from its file; null in replay-only mode.
std::variant<std::shared_ptr<const mitigation::scenario>, std::string> scenario_of(const service_options& options) {
    std::shared_ptr<const mitigation::scenario> scenario = options.scenario;
    if (!scenario && !options.scenario_path.empty()) {
        auto loaded = mitigation::load_scenario_file(options.scenario_path);
        if (auto* err = std::get_if<mitigation::scenario_error>(&loaded)) {
            return err->to_string();
        }
        scenario = std::make_shared<const mitigation::scenario>(std::get<mitigation::scenario>(std::move(loaded)));
    }
    if (!scenario && options.replay_dir.empty()) {
        return std::string("no scenario: give a scenario file (or a replay directory)");
    }
    return scenario;
}

// The scenario's data with the default model (the option, else the scenario's); null without a
// scenario.
std::variant<std::unique_ptr<const detail::scenario_data>, std::string> data_of(
    std::shared_ptr<const mitigation::scenario> scenario, const service_options& options) {
    if (!scenario) {
        return std::unique_ptr<const detail::scenario_data>();
    }
    std::optional<mitigation::model_kind> kind = options.model;
    if (!kind) {
        kind = detail::model_from_name(scenario->server.default_model);
    }
    if (!kind) {
        return "scenario default model must be legacy or fixed, not '" + scenario->server.default_model + "'";
    }
    return std::make_unique<const detail::scenario_data>(std::move(scenario), *kind, options.legacy);
}

// Opens the log, loads the recordings to replay and opens the recording folder, as configured.
std::optional<std::string> open_files(wsus_service::impl& p) {
    const service_options& o = p.options;
    if (auto err = p.log.open()) {
        return err;
    }
    if (!o.replay_dir.empty()) {
        auto loaded = exchange_replayer::load(o.replay_dir, replay_options{o.limits, {}, {}, o.replay_repeat});
        if (!loaded) {
            return loaded.error().message();
        }
        p.replayer = std::shared_ptr<exchange_replayer>(std::move(loaded.value()));
    }
    if (!o.record_dir.empty()) {
        const mitigation::scenario* scenario = p.data ? p.data->scenario.get() : nullptr;
        recording_info info;
        info.scenario = scenario ? scenario->name : std::string();
        info.model = scenario ? std::string(mitigation::model_name(p.data->default_model)) : std::string();
        info.source = "recorded from wsuslab serve" +
                      (scenario ? " --scenario " + scenario->name + " --model " + info.model : std::string());
        auto opened = exchange_recorder::open(o.record_dir, std::move(info));
        if (!opened) {
            return opened.error().message();
        }
        p.recorder = std::shared_ptr<exchange_recorder>(std::move(opened.value()));
    }
    return std::nullopt;
}

void log_start(wsus_service::impl& p) {
    const std::filesystem::path& selfupdate = p.selfupdate.root;
    std::string started = "wsuslab mock WSUS started: ";
    started += p.data ? "scenario " + p.data->scenario->name + ", model " +
                            std::string(mitigation::model_name(p.data->default_model))
                      : std::string("replay only");
    started += ", server identity " + p.state.snapshot().identity + ", fault status " +
               std::to_string(p.options.fault_status);
    if (!selfupdate.empty()) {
        started += ", SelfUpdate folder " + selfupdate.string();
    }
    p.log.write(log_line{log_severity::info, "WebService.Start", started, {}});
    if (!selfupdate.empty() && !detail::has_wuident(selfupdate)) {
        p.log.write(log_line{log_severity::warning, "WebService.Start",
                             "SelfUpdate folder " + selfupdate.string() +
                                 " has no wuident.cab at its top: agents ask for /selfupdate/wuident.cab first",
                             {}});
    }
}

// Whether a request is answered from the recordings: not /metrics, /healthz, or /selfupdate
// when a SelfUpdate folder or the stand-in is served (they are not in recordings), and not a POST without
// SOAPAction, refused as ASP.NET refuses it, whatever was recorded.
bool replays(const wsus_service::impl& p, const detail::route_match& m, const http_request& request) {
    if (!p.replayer || m.kind == detail::route_kind::metrics || m.kind == detail::route_kind::healthz) {
        return false;
    }
    if (m.kind == detail::route_kind::selfupdate && (!p.selfupdate.root.empty() || p.selfupdate.stand_in)) {
        return false;
    }
    return request.method != "POST" || request.header("SOAPAction").has_value();
}

detail::routed replay(wsus_service::impl& p, const http_request& request) {
    detail::routed r;
    r.response = p.replayer->respond(request);
    const auto action = request.header("SOAPAction");
    const auto op = action ? protocol::operation_from_action(*action) : std::nullopt;
    r.metric_label = op ? std::string(protocol::operation_name(*op)) : std::string("Replay");
    r.log_source = "Replay." + r.metric_label;
    return r;
}

// The per-request Info line (at verbose only for /metrics and /healthz), with the detail and the
// latency at verbose.
void log_request(wsus_service::impl& p, const http_request& request, const detail::routed& r, double seconds) {
    const bool log_it = !r.quiet || p.log.verbose();
    if (!log_it || !p.log.enabled(log_severity::info)) {
        return;
    }
    std::string line = request.method + " " + request.target;
    if (!request.remote_address.empty()) {
        line += " from " + request.remote_address;
    }
    line += ": " + std::to_string(r.response.status) + ", client=" +
            (r.notes.client_id.empty() ? std::string("?") : r.notes.client_id);
    if (p.log.verbose()) {
        for (auto const& d : r.notes.detail) {
            line += ", " + d;
        }
        line += ", " + std::to_string(static_cast<long long>(seconds * 1e6)) + " us";
    }
    p.log.write(log_line{log_severity::info, r.log_source, line, {}});
}

}  // namespace

std::variant<std::unique_ptr<wsus_service>, std::string> wsus_service::create(service_options options) {
    if (auto problem = options_problem(options)) {
        return *problem;
    }
    auto scenario = scenario_of(options);
    if (auto* err = std::get_if<std::string>(&scenario)) {
        return *err;
    }
    std::filesystem::path selfupdate;
    if (!options.selfupdate_dir.empty()) {
        auto root = detail::selfupdate_root(options.selfupdate_dir);
        if (auto* err = std::get_if<std::string>(&root)) {
            return *err;
        }
        selfupdate = std::get<std::filesystem::path>(std::move(root));
    }
    if (!options.cookie_key.empty() && options.cookie_key.size() < 16) {
        return std::string("cookie key must hold at least 16 bytes");
    }
    auto data = data_of(std::get<0>(std::move(scenario)), options);
    if (auto* err = std::get_if<std::string>(&data)) {
        return *err;
    }
    if (!options.clock) {
        options.clock = [] { return std::chrono::system_clock::now(); };
    }
    cookie_codec codec = options.cookie_key.empty() ? cookie_codec::with_random_key() : cookie_codec(options.cookie_key);
    std::string identity = options.cookie_key.empty() ? random_guid() : identity_from_key(options.cookie_key);
    auto& loaded = std::get<0>(data);
    const std::string configured = loaded ? loaded->scenario->server.config_last_change : std::string();
    const std::int64_t config_ms =
        detail::parse_datetime_ms(configured).value_or(detail::to_unix_ms(options.clock()));
    auto p = std::make_unique<impl>(std::move(options), std::move(codec), std::move(loaded), std::move(identity),
                                    config_ms);
    p->selfupdate.root = std::move(selfupdate);
    p->selfupdate.stand_in = p->options.selfupdate_stand_in;
    if (auto err = open_files(*p)) {
        return *err;
    }
    log_start(*p);
    return std::unique_ptr<wsus_service>(new wsus_service(std::move(p)));
}

wsus_service::wsus_service(std::unique_ptr<impl> p) : impl_(std::move(p)) {}

wsus_service::~wsus_service() { flush(); }

http_response wsus_service::handle(const http_request& request) {
    const auto started = std::chrono::steady_clock::now();
    detail::routed r;
    try {
        const detail::route_match m = detail::match_route(request);
        r = replays(*impl_, m, request) ? replay(*impl_, request) : impl_->route(m, request);
    } catch (const std::exception& e) {
        // Nothing should throw here; if something does, answer and keep the server alive.
        r = detail::routed{};
        r.response.status = 500;
        r.response.set_header("Content-Type", "text/plain; charset=utf-8");
        r.response.body = "internal error\n";
        r.metric_label = "Error";
        r.log_source = "WebService.HandleRequest";
        impl_->log.write(log_line{log_severity::error, "WebService.HandleRequest",
                                  std::string("unexpected exception: ") + e.what(), {}});
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    impl_->metrics.record_request(r.metric_label, r.response.status, seconds);
    log_request(*impl_, request, r, seconds);
    if (impl_->recorder && r.record) {
        exchange_annotations notes;
        if (!r.notes.model.empty()) {
            notes.model = r.notes.model;
        }
        auto written = impl_->recorder->record(request, r.response, notes);
        if (!written) {
            impl_->log.write(log_line{log_severity::warning, "ExchangeRecorder.Record",
                                      written.error().message(), {}});
        }
    }
    return std::move(r.response);
}

void wsus_service::set_base_url(std::string base_url) {
    impl_->state.set_base_url(strip_trailing_slashes(std::move(base_url)));
}

std::string wsus_service::base_url() const { return impl_->state.snapshot().base_url; }

std::string wsus_service::metrics_text() const { return impl_->metrics.text(); }

void wsus_service::flush() { impl_->log.flush(); }

void wsus_service::rotate_identity() { impl_->state.set_identity(random_guid()); }

std::string wsus_service::server_identity() const { return impl_->state.snapshot().identity; }

void wsus_service::bump_config() { impl_->state.bump_config(detail::to_unix_ms(impl_->options.clock())); }

std::string wsus_service::config_last_change() const { return impl_->state.snapshot().config_last_change; }

std::vector<std::string> wsus_service::last_fault_ids() const { return impl_->state.fault_ids(); }

std::size_t wsus_service::events_received() const { return impl_->state.events_total(); }

const service_options& wsus_service::options() const { return impl_->options; }

}  // namespace wsuslab::server
