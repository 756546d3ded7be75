// `wsuslab serve`: the mock WSUS (wsus_service) on the HTTP transport (http_server). Prints its
// URL as the first line on stdout, serves until SIGINT or SIGTERM, then stops accepting,
// finishes in-flight requests within --grace, flushes the logs and exits 0. A startup problem
// (port in use, bad TLS file, bad scenario) is one line on stderr and exit code 1.

#include <atomic>
#include <chrono>
#include <cctype>
#include <csignal>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <variant>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <wsuslab/server/server.hpp>
#include <wsuslab/server/service.hpp>
#include <wsuslab/server/service_routes.hpp>

#include "commands.hpp"
#include "request_limits.hpp"

namespace wsuslab::app {

namespace {

/// "30s" for 30000 ms, "250ms" for 250 ms: a default as --help shows it and parse_duration reads it.
std::string duration_text(std::chrono::milliseconds d) {
    return d.count() % 1000 == 0 ? std::to_string(d.count() / 1000) + "s" : std::to_string(d.count()) + "ms";
}

// The transport defaults are server_config's, so that they are written once.
const server::server_config transport_defaults;

struct serve_args {
    std::string listen = transport_defaults.listen;
    unsigned threads = transport_defaults.threads;
    std::string tls_cert;
    std::string tls_key;
    request_limit_args limits;
    std::string header_timeout = duration_text(transport_defaults.header_timeout);
    std::string body_timeout = duration_text(transport_defaults.body_timeout);
    std::string idle_timeout = duration_text(transport_defaults.idle_timeout);
    std::string write_timeout = duration_text(transport_defaults.write_timeout);
    std::string grace = "10s";
    std::string transport_log = "warning";

    std::string scenario = std::string(WSUSLAB_FIXTURES_DIR) + "/scenarios/kb954960.xml";
    std::string model;
    std::string replay;
    bool replay_repeat = false;
    std::string record;
    int fault_status = 500;
    std::string log;
    std::string log_level = "info";
    std::string base_url;
    std::string selfupdate;
    bool no_selfupdate = false;
    std::string cookie_key_file;
};

int startup_error(const std::string& message) {
    std::cerr << "wsuslab serve: " << message << "\n";
    return 1;
}

/// "250ms", "30s", "2m", or a plain number of seconds.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
    std::size_t digits = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') {
        ++digits;
    }
    if (digits == 0 || digits > 9) {
        return std::nullopt;
    }
    long long const value = std::stoll(std::string(text.substr(0, digits)));
    std::string_view const unit = text.substr(digits);
    if (unit == "ms") {
        return std::chrono::milliseconds(value);
    }
    if (unit.empty() || unit == "s") {
        return std::chrono::seconds(value);
    }
    if (unit == "m") {
        return std::chrono::minutes(value);
    }
    return std::nullopt;
}

std::optional<server::transport_log_level> parse_transport_level(std::string_view name) {
    for (auto level : {server::transport_log_level::debug, server::transport_log_level::info,
                       server::transport_log_level::warning, server::transport_log_level::error}) {
        if (server::transport_log_level_name(level) == name) {
            return level;
        }
    }
    return std::nullopt;
}

struct cookie_key {
    std::string value;
};

// The cookie key shared by replicas: the file's text without trailing white space, at least 32
// characters (e.g. `openssl rand -hex 32 > cookie.key`).
std::variant<std::string, cookie_key> read_cookie_key(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in) {
        return "cannot read cookie key file '" + path + "'";
    }
    std::string key = text.str();
    while (!key.empty() && std::isspace(static_cast<unsigned char>(key.back())) != 0) {
        key.pop_back();
    }
    if (key.size() < 32) {
        return "cookie key file '" + path + "' holds " + std::to_string(key.size()) +
               " characters; it needs at least 32 (e.g. openssl rand -hex 32)";
    }
    return cookie_key{key};
}

// What the options say beyond the service: the transport's timeouts, the stop's grace and the
// two log levels.
struct serve_settings {
    server::server_config config;
    std::chrono::milliseconds grace{};
    server::transport_log_level transport_level = server::transport_log_level::warning;
    server::log_level service_level = server::log_level::info;
};

// Durations and levels come first: a typo is a usage error before anything is opened. The
// problem, or nullopt.
std::optional<std::string> read_settings(const serve_args& a, serve_settings& out) {
    struct named_duration {
        const char* option;
        const std::string& text;
        std::chrono::milliseconds& target;
    };
    for (auto const& d : {named_duration{"--header-timeout", a.header_timeout, out.config.header_timeout},
                          named_duration{"--body-timeout", a.body_timeout, out.config.body_timeout},
                          named_duration{"--idle-timeout", a.idle_timeout, out.config.idle_timeout},
                          named_duration{"--write-timeout", a.write_timeout, out.config.write_timeout},
                          named_duration{"--grace", a.grace, out.grace}}) {
        auto const parsed = parse_duration(d.text);
        if (!parsed || parsed->count() <= 0) {
            return std::string(d.option) + " '" + d.text + "' is not a positive duration (e.g. 500ms, 30s, 2m)";
        }
        d.target = *parsed;
    }
    auto const transport_level = parse_transport_level(a.transport_log);
    if (!transport_level) {
        return "--transport-log must be debug, info, warning or error";
    }
    auto const service_level = server::log_level_from_name(a.log_level);
    if (!service_level) {
        return "--log-level must be error, warning, info or verbose";
    }
    out.transport_level = *transport_level;
    out.service_level = *service_level;
    return std::nullopt;
}

// The mock WSUS the options describe, or the startup problem.
std::variant<std::shared_ptr<server::wsus_service>, std::string> create_service(const serve_args& a,
                                                                                 server::log_level level) {
    server::service_options options;
    options.scenario_path = a.scenario;
    if (a.model == "legacy") {
        options.model = mitigation::model_kind::legacy;
    } else if (a.model == "fixed") {
        options.model = mitigation::model_kind::fixed;
    }
    options.replay_dir = a.replay;
    options.replay_repeat = a.replay_repeat;
    options.record_dir = a.record;
    options.fault_status = a.fault_status;
    options.log_path = a.log;
    options.level = level;
    if (!a.base_url.empty()) {
        options.base_url = a.base_url;
    }
    options.selfupdate_dir = a.selfupdate;
    options.selfupdate_stand_in = !a.no_selfupdate;
    if (!a.cookie_key_file.empty()) {
        auto key = read_cookie_key(a.cookie_key_file);
        if (auto const* error = std::get_if<std::string>(&key)) {
            return *error;
        }
        options.cookie_key = std::get<1>(key).value;
    }
    auto created = server::wsus_service::create(std::move(options));
    if (auto const* error = std::get_if<std::string>(&created)) {
        return *error;
    }
    return std::shared_ptr<server::wsus_service>(std::move(std::get<std::unique_ptr<server::wsus_service>>(created)));
}

// Address, TLS, limits and the transport log sink (stderr, from `min` up) over the settings.
server::server_config transport_config(const serve_args& a, serve_settings settings) {
    server::server_config config = std::move(settings.config);
    config.listen = a.listen;
    config.threads = a.threads;
    config.tls_cert_file = a.tls_cert;
    config.tls_key_file = a.tls_key;
    apply_request_limits(a.limits, config);
    auto stderr_mutex = std::make_shared<std::mutex>();
    config.log = [stderr_mutex, min = settings.transport_level](server::transport_log_level level,
                                                                 std::string_view line) {
        if (static_cast<int>(level) >= static_cast<int>(min)) {
            std::lock_guard<std::mutex> lock(*stderr_mutex);
            std::cerr << "wsuslab serve: " << server::transport_log_level_name(level) << ": " << line << "\n";
        }
    };
    return config;
}

// The service's handler with the transport counters joined to its /metrics answer; the server
// exists only once started, hence the shared slot.
using transport_slot = std::shared_ptr<std::atomic<server::http_server*>>;
server::request_handler metrics_joining_handler(std::shared_ptr<server::wsus_service> service,
                                                transport_slot transport) {
    return [service = std::move(service), transport = std::move(transport)](const server::http_request& request) {
        server::http_response response = service->handle(request);
        server::http_server* const s = transport->load();
        if (s != nullptr && response.status == 200 && server::is_metrics_get(request)) {
            response.body += server::format_transport_metrics(s->stats());
        }
        return response;
    };
}

// Blocks until SIGINT or SIGTERM arrives on `signals`; returns the signal.
int wait_for_signal(boost::asio::io_context& signals_ioc, boost::asio::signal_set& signals) {
    int caught = 0;
    signals.async_wait([&caught](const boost::system::error_code& ec, int signal_number) {
        if (!ec) {
            caught = signal_number;
        }
    });
    signals_ioc.run();
    return caught;
}

// Stops within `grace`, flushes the service's logs and prints the totals.
void stop_serving(server::http_server& http, server::wsus_service& service, const transport_slot& transport,
                  std::chrono::milliseconds grace) {
    // Further signals stay caught by the signal_set (and ignored) while the stop is bounded.
    auto const report = http.stop(grace);
    transport->store(nullptr);
    service.flush();
    auto const stats = http.stats();
    std::cerr << "wsuslab serve: stopped; " << stats.accepted_connections << " connection(s), "
              << stats.requests << " request(s)";
    if (!report.graceful) {
        std::cerr << "; " << report.force_closed << " connection(s) closed at the grace limit";
    }
    std::cerr << "\n";
}

int run_serve(const serve_args& a) {
    serve_settings settings;
    if (auto problem = read_settings(a, settings)) {
        std::cerr << "wsuslab serve: " << *problem << "\n";
        return 2;
    }
    auto created = create_service(a, settings.service_level);
    if (auto const* error = std::get_if<std::string>(&created)) {
        return startup_error(*error);
    }
    auto service = std::get<std::shared_ptr<server::wsus_service>>(std::move(created));
    auto const grace = settings.grace;
    server::server_config config = transport_config(a, std::move(settings));
    auto transport = std::make_shared<std::atomic<server::http_server*>>(nullptr);

    // Catch the signals before anyone can learn the URL, so an early SIGTERM is not fatal.
    boost::asio::io_context signals_ioc;
    boost::asio::signal_set signals(signals_ioc, SIGINT, SIGTERM);

    auto started = server::http_server::start(std::move(config), metrics_joining_handler(service, transport));
    if (!started) {
        return startup_error(started.error);
    }
    auto& http = *started.server;
    transport->store(&http);
    if (a.base_url.empty()) {
        service->set_base_url(http.url());
    }
    std::cout << http.url() << std::endl;
    std::cerr << "wsuslab serve: listening on " << http.url() << " with " << http.config().threads
              << " I/O thread(s); SIGINT or SIGTERM stops\n";
    if (!a.selfupdate.empty()) {
        std::cerr << "wsuslab serve: serving /selfupdate/... from " << a.selfupdate << "\n";
    } else if (!a.no_selfupdate) {
        std::cerr << "wsuslab serve: /selfupdate/wuident.cab is a lab stand-in (enough for the simulated agent; a "
                     "real agent needs --selfupdate DIR; --no-selfupdate answers 404)\n";
    }
    int const caught = wait_for_signal(signals_ioc, signals);
    std::cerr << "wsuslab serve: " << (caught == SIGINT ? "SIGINT" : "SIGTERM") << ": stopping (grace "
              << grace.count() << " ms)\n";
    stop_serving(http, *service, transport, grace);
    return 0;
}

}  // namespace

command add_serve_command(CLI::App& app) {
    auto args = std::make_shared<serve_args>();
    command c;
    c.sub = app.add_subcommand(
        "serve", "Run the mock WSUS (MS-WUSP ClientWebService, SimpleAuth, Reporting) over HTTP");
    auto* s = c.sub;
    s->add_option("--listen", args->listen, "ADDR:PORT to listen on (port 0 picks a free port)")
        ->capture_default_str();
    s->add_option("--threads", args->threads, "I/O threads (0 = one per core)")
        ->capture_default_str();
    s->add_option("--tls-cert", args->tls_cert, "PEM certificate chain: serve HTTPS");
    s->add_option("--tls-key", args->tls_key, "PEM private key for --tls-cert");
    add_request_limit_options(*s, args->limits);
    s->add_option("--header-timeout", args->header_timeout,
                  "time for a whole request header (e.g. 30s, 500ms)")
        ->capture_default_str();
    s->add_option("--body-timeout", args->body_timeout, "time for a whole request body")
        ->capture_default_str();
    s->add_option("--idle-timeout", args->idle_timeout, "keep-alive wait for the next request")
        ->capture_default_str();
    s->add_option("--write-timeout", args->write_timeout, "time to write one response")
        ->capture_default_str();
    s->add_option("--grace", args->grace, "on SIGINT/SIGTERM, time given to in-flight requests")
        ->capture_default_str();
    s->add_option("--transport-log", args->transport_log,
                  "stderr level of transport lines: debug, info, warning, error")
        ->capture_default_str();
    s->add_option("--scenario", args->scenario, "scenario file (server state as data)")
        ->capture_default_str();
    s->add_option("--model", args->model,
                  "GetSyncInfo model as the lab reconstructs it: legacy (unpatched WSUS 3.0 SP1) or "
                  "fixed (with KB954960); default: the scenario's")
        ->check(CLI::IsMember({"legacy", "fixed"}));
    auto* replay = s->add_option("--replay", args->replay, "answer SOAP exchanges from recordings in DIR");
    s->add_flag("--replay-repeat", args->replay_repeat,
                "with --replay: an exchange that has answered may answer again when nothing else matches, so "
                "one recorded session serves any number of clients (default: each exchange answers once)")
        ->needs(replay);
    s->add_option("--record", args->record, "record every SOAP exchange into DIR");
    s->add_option("--fault-status", args->fault_status,
                  "HTTP status of SOAP faults: 500 (SOAP 1.1) or 200 (the status the advisory's 2008 "
                  "client line prints)")
        ->check(CLI::IsMember({500, 200}))
        ->capture_default_str();
    s->add_option("--log", args->log, "SoftwareDistribution.log-style server log file");
    s->add_option("--log-level", args->log_level, "error, warning, info or verbose")
        ->capture_default_str();
    s->add_option("--base-url", args->base_url,
                  "public base URL for WSDL and /Content links (default: the listening URL)");
    s->add_option("--selfupdate", args->selfupdate,
                  "serve /selfupdate/... (wuident.cab first) from DIR, a SelfUpdate folder copied from a real "
                  "WSUS (docs/lab-guide.md §7); without it wuident.cab is a lab stand-in that only the "
                  "simulated agent accepts");
    s->add_flag("--no-selfupdate", args->no_selfupdate,
                "no SelfUpdate tree at all: /selfupdate/... is 404, as on a WSUS whose SelfUpdate directory is "
                "missing (a 2008 agent then does not scan, 0x80244019)")
        ->excludes("--selfupdate");
    s->add_option("--cookie-key-file", args->cookie_key_file,
                  "file holding the cookie key (32+ characters): replicas sharing it and the scenario "
                  "accept each other's cookies (default: a random key per process)");
    c.run = [args] { return run_serve(*args); };
    return c;
}

}  // namespace wsuslab::app
