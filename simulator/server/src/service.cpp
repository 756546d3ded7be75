#include <wsuslab/server/service.hpp>

#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>

#include <openssl/sha.h>

#include <wsuslab/mitigation/scenario_loader.hpp>

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
        if (detail::ci_equal(name, log_level_name(l))) {
            return l;
        }
    }
    return std::nullopt;
}

wsus_service::impl::impl(service_options o, cookie_codec c)
    : options(std::move(o)),
      codec(std::move(c)),
      log(options.log_path, options.level, options.log_thread_id, options.clock) {
    if (!options.clock) {
        options.clock = [] { return std::chrono::system_clock::now(); };
    }
}

std::int64_t wsus_service::impl::now_ms() const { return detail::to_unix_ms(options.clock()); }

detail::state_snapshot wsus_service::impl::snapshot() const {
    std::lock_guard<std::mutex> lock(mutex);
    return {identity, config_text, base_url};
}

bool wsus_service::impl::is_registered(const std::string& client_id) const {
    std::lock_guard<std::mutex> lock(mutex);
    return registered.count(client_id) != 0;
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

bool is_monitoring(const http_request& request) {
    std::string_view path = request.target;
    path = path.substr(0, path.find('?'));
    return detail::ci_equal(path, "/metrics") || detail::ci_equal(path, "/healthz");
}

bool is_selfupdate(const http_request& request) {
    const std::string path = detail::lower_copy(std::string_view(request.target).substr(0, request.target.find('?')));
    return path == "/selfupdate" || path.rfind("/selfupdate/", 0) == 0;
}

// The canonical SelfUpdate folder, or why it cannot be served.
std::variant<std::filesystem::path, std::string> selfupdate_root(const std::string& dir) {
    std::error_code ec;
    const std::filesystem::path root = std::filesystem::canonical(dir, ec);
    if (ec) {
        return "SelfUpdate folder '" + dir + "': " + ec.message();
    }
    if (!std::filesystem::is_directory(root, ec)) {
        return "SelfUpdate folder '" + dir + "' is not a directory";
    }
    return root;
}

// Whether the folder holds wuident.cab at its top (any case), as a copied SelfUpdate tree does.
bool has_wuident(const std::filesystem::path& root) {
    std::error_code ec;
    for (auto it = std::filesystem::directory_iterator(root, ec); !ec && it != std::filesystem::directory_iterator();
         it.increment(ec)) {
        if (detail::ci_equal(it->path().filename().string(), "wuident.cab")) {
            return true;
        }
    }
    return false;
}

}  // namespace

std::variant<std::unique_ptr<wsus_service>, std::string> wsus_service::create(service_options options) {
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

    std::filesystem::path selfupdate;
    if (!options.selfupdate_dir.empty()) {
        auto root = selfupdate_root(options.selfupdate_dir);
        if (auto* err = std::get_if<std::string>(&root)) {
            return *err;
        }
        selfupdate = std::get<std::filesystem::path>(std::move(root));
    }

    if (!options.cookie_key.empty() && options.cookie_key.size() < 16) {
        return std::string("cookie key must hold at least 16 bytes");
    }
    cookie_codec codec = options.cookie_key.empty() ? cookie_codec::with_random_key() : cookie_codec(options.cookie_key);
    auto p = std::make_unique<impl>(std::move(options), std::move(codec));
    p->selfupdate_root = selfupdate;
    const service_options& o = p->options;
    p->scenario = scenario;
    if (scenario) {
        if (o.model) {
            p->default_model = *o.model;
        } else if (auto kind = detail::model_from_name(scenario->server.default_model)) {
            p->default_model = *kind;
        } else {
            return "scenario default model must be legacy or fixed, not '" + scenario->server.default_model + "'";
        }
        p->catalog = std::make_unique<mitigation::catalog>(*scenario);
        p->index = std::make_unique<detail::scenario_index>(*scenario);
        p->legacy_model = mitigation::make_legacy_model(o.legacy);
        p->fixed_model = mitigation::make_fixed_model();
    }

    p->identity = o.cookie_key.empty() ? random_guid() : identity_from_key(o.cookie_key);
    p->base_url = o.base_url;
    const std::string configured = scenario ? scenario->server.config_last_change : std::string();
    p->config_ms = detail::parse_datetime_ms(configured).value_or(p->now_ms());
    p->config_text = detail::format_datetime(p->config_ms);

    if (auto err = p->log.open()) {
        return *err;
    }
    if (!o.replay_dir.empty()) {
        auto loaded = exchange_replayer::load(o.replay_dir, replay_options{o.limits, {}, {}, o.replay_repeat});
        if (!loaded) {
            return loaded.error().message();
        }
        p->replayer = std::shared_ptr<exchange_replayer>(std::move(loaded.value()));
    }
    if (!o.record_dir.empty()) {
        recording_info info;
        info.scenario = scenario ? scenario->name : std::string();
        info.model = scenario ? std::string(mitigation::model_name(p->default_model)) : std::string();
        info.source = "recorded from wsuslab serve" +
                      (scenario ? " --scenario " + scenario->name + " --model " + info.model : std::string());
        auto opened = exchange_recorder::open(o.record_dir, std::move(info));
        if (!opened) {
            return opened.error().message();
        }
        p->recorder = std::shared_ptr<exchange_recorder>(std::move(opened.value()));
    }

    std::string started = "wsuslab mock WSUS started: ";
    started += scenario ? "scenario " + scenario->name + ", model " +
                              std::string(mitigation::model_name(p->default_model))
                        : std::string("replay only");
    started += ", server identity " + p->identity + ", fault status " + std::to_string(o.fault_status);
    if (!selfupdate.empty()) {
        started += ", SelfUpdate folder " + selfupdate.string();
    }
    p->log.write(log_line{log_severity::info, "WebService.Start", started, {}});
    if (!selfupdate.empty() && !has_wuident(selfupdate)) {
        p->log.write(log_line{log_severity::warning, "WebService.Start",
                              "SelfUpdate folder " + selfupdate.string() +
                                  " has no wuident.cab at its top: agents ask for /selfupdate/wuident.cab first",
                              {}});
    }
    return std::unique_ptr<wsus_service>(new wsus_service(std::move(p)));
}

wsus_service::wsus_service(std::unique_ptr<impl> p) : impl_(std::move(p)) {}

wsus_service::~wsus_service() { flush(); }

http_response wsus_service::handle(const http_request& request) {
    const auto started = std::chrono::steady_clock::now();
    detail::routed r;
    try {
        // A SelfUpdate folder is served in replay mode too: its files are not in recordings. A
        // POST without SOAPAction is refused as ASP.NET refuses it, whatever was recorded.
        const bool selfupdate =
            (!impl_->selfupdate_root.empty() || impl_->options.selfupdate_stand_in) && is_selfupdate(request);
        const bool no_action = request.method == "POST" && !request.header("SOAPAction");
        if (impl_->replayer && !is_monitoring(request) && !selfupdate && !no_action) {
            r.response = impl_->replayer->respond(request);
            const auto action = request.header("SOAPAction");
            const auto op = action ? protocol::operation_from_action(*action) : std::nullopt;
            r.metric_label = op ? std::string(protocol::operation_name(*op)) : std::string("Replay");
            r.log_source = "Replay." + r.metric_label;
        } else {
            r = impl_->route(request);
        }
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

    const bool log_request = !r.quiet || impl_->log.verbose();
    if (log_request && impl_->log.enabled(log_severity::info)) {
        std::string line = request.method + " " + request.target;
        if (!request.remote_address.empty()) {
            line += " from " + request.remote_address;
        }
        line += ": " + std::to_string(r.response.status) + ", client=" +
                (r.client_id.empty() ? std::string("?") : r.client_id);
        if (impl_->log.verbose()) {
            for (auto const& d : r.detail) {
                line += ", " + d;
            }
            line += ", " + std::to_string(static_cast<long long>(seconds * 1e6)) + " us";
        }
        impl_->log.write(log_line{log_severity::info, r.log_source, line, {}});
    }
    if (impl_->recorder && r.record) {
        exchange_annotations notes;
        if (!r.model.empty()) {
            notes.model = r.model;
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
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->base_url = strip_trailing_slashes(std::move(base_url));
}

std::string wsus_service::base_url() const { return impl_->snapshot().base_url; }

std::string wsus_service::metrics_text() const { return impl_->metrics.text(); }

void wsus_service::flush() { impl_->log.flush(); }

void wsus_service::rotate_identity() {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->identity = random_guid();
}

std::string wsus_service::server_identity() const { return impl_->snapshot().identity; }

void wsus_service::bump_config() {
    const std::int64_t now = impl_->now_ms();
    std::lock_guard<std::mutex> lock(impl_->mutex);
    // Strictly later than before, even with a frozen test clock.
    impl_->config_ms = std::max(now, impl_->config_ms + 1000);
    impl_->config_text = detail::format_datetime(impl_->config_ms);
}

std::string wsus_service::config_last_change() const { return impl_->snapshot().config_last_change; }

std::vector<std::string> wsus_service::last_fault_ids() const {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    return {impl_->fault_ids.begin(), impl_->fault_ids.end()};
}

std::size_t wsus_service::events_received() const {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    return impl_->events_total;
}

const service_options& wsus_service::options() const { return impl_->options; }

}  // namespace wsuslab::server
