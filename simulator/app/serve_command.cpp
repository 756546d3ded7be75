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

namespace wsuslab::app {

namespace {

struct serve_args {
    std::string listen = "127.0.0.1:8530";
    unsigned threads = 0;
    std::string tls_cert;
    std::string tls_key;
    std::uint64_t max_body = 4 * 1024 * 1024;
    std::uint64_t max_header = 8 * 1024;
    std::size_t max_connections = 256;
    std::string header_timeout = "30s";
    std::string body_timeout = "60s";
    std::string idle_timeout = "75s";
    std::string write_timeout = "60s";
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

int run_serve(const serve_args& a) {
    // Durations and levels first: a typo is a usage error before anything is opened.
    server::server_config config;
    struct named_duration {
        const char* option;
        const std::string& text;
        std::chrono::milliseconds& target;
    };
    std::chrono::milliseconds grace{};
    for (auto const& d : {named_duration{"--header-timeout", a.header_timeout, config.header_timeout},
                          named_duration{"--body-timeout", a.body_timeout, config.body_timeout},
                          named_duration{"--idle-timeout", a.idle_timeout, config.idle_timeout},
                          named_duration{"--write-timeout", a.write_timeout, config.write_timeout},
                          named_duration{"--grace", a.grace, grace}}) {
        auto const parsed = parse_duration(d.text);
        if (!parsed || parsed->count() <= 0) {
            std::cerr << "wsuslab serve: " << d.option << " '" << d.text
                      << "' is not a positive duration (e.g. 500ms, 30s, 2m)\n";
            return 2;
        }
        d.target = *parsed;
    }
    auto const transport_level = parse_transport_level(a.transport_log);
    if (!transport_level) {
        std::cerr << "wsuslab serve: --transport-log must be debug, info, warning or error\n";
        return 2;
    }
    auto const service_level = server::log_level_from_name(a.log_level);
    if (!service_level) {
        std::cerr << "wsuslab serve: --log-level must be error, warning, info or verbose\n";
        return 2;
    }

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
    options.level = *service_level;
    if (!a.base_url.empty()) {
        options.base_url = a.base_url;
    }
    options.selfupdate_dir = a.selfupdate;
    options.selfupdate_stand_in = !a.no_selfupdate;
    if (!a.cookie_key_file.empty()) {
        auto key = read_cookie_key(a.cookie_key_file);
        if (auto const* error = std::get_if<std::string>(&key)) {
            return startup_error(*error);
        }
        options.cookie_key = std::get<1>(key).value;
    }
    auto created = server::wsus_service::create(std::move(options));
    if (auto const* error = std::get_if<std::string>(&created)) {
        return startup_error(*error);
    }
    std::shared_ptr<server::wsus_service> service =
        std::move(std::get<std::unique_ptr<server::wsus_service>>(created));

    config.listen = a.listen;
    config.threads = a.threads;
    config.tls_cert_file = a.tls_cert;
    config.tls_key_file = a.tls_key;
    config.body_limit = a.max_body;
    config.header_limit = static_cast<std::uint32_t>(a.max_header);
    config.max_connections = a.max_connections;
    auto stderr_mutex = std::make_shared<std::mutex>();
    config.log = [stderr_mutex, min = *transport_level](server::transport_log_level level,
                                                         std::string_view line) {
        if (static_cast<int>(level) >= static_cast<int>(min)) {
            std::lock_guard<std::mutex> lock(*stderr_mutex);
            std::cerr << "wsuslab serve: " << server::transport_log_level_name(level) << ": "
                      << line << "\n";
        }
    };
    // The transport counters join the service's /metrics answer; the server exists only once
    // started, hence the shared slot.
    auto transport = std::make_shared<std::atomic<server::http_server*>>(nullptr);
    auto handler = [service, transport](const server::http_request& request) {
        server::http_response response = service->handle(request);
        server::http_server* const s = transport->load();
        if (s != nullptr && response.status == 200 && server::is_metrics_get(request)) {
            response.body += server::format_transport_metrics(s->stats());
        }
        return response;
    };

    // Catch the signals before anyone can learn the URL, so an early SIGTERM is not fatal.
    boost::asio::io_context signals_ioc;
    boost::asio::signal_set signals(signals_ioc, SIGINT, SIGTERM);

    auto started = server::http_server::start(std::move(config), std::move(handler));
    if (!started) {
        return startup_error(started.error);
    }
    auto& http = *started.server;
    transport->store(&http);
    if (a.base_url.empty()) {
        service->set_base_url(http.url());
    }
    std::cout << http.url() << std::endl;
    std::cerr << "wsuslab serve: listening on " << http.url() << " with "
              << http.config().threads << " I/O thread(s); SIGINT or SIGTERM stops\n";
    if (!a.selfupdate.empty()) {
        std::cerr << "wsuslab serve: serving /selfupdate/... from " << a.selfupdate << "\n";
    } else if (!a.no_selfupdate) {
        std::cerr << "wsuslab serve: /selfupdate/wuident.cab is a lab stand-in (enough for the simulated agent; a "
                     "real agent needs --selfupdate DIR; --no-selfupdate answers 404)\n";
    }

    int caught = 0;
    signals.async_wait([&caught](const boost::system::error_code& ec, int signal_number) {
        if (!ec) {
            caught = signal_number;
        }
    });
    signals_ioc.run();
    std::cerr << "wsuslab serve: " << (caught == SIGINT ? "SIGINT" : "SIGTERM")
              << ": stopping (grace " << grace.count() << " ms)\n";
    // Further signals stay caught by the signal_set (and ignored) while the stop is bounded.
    auto const report = http.stop(grace);
    transport->store(nullptr);
    service->flush();
    auto const stats = http.stats();
    std::cerr << "wsuslab serve: stopped; " << stats.accepted_connections << " connection(s), "
              << stats.requests << " request(s)";
    if (!report.graceful) {
        std::cerr << "; " << report.force_closed << " connection(s) closed at the grace limit";
    }
    std::cerr << "\n";
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
    s->add_option("--max-body", args->max_body, "request body limit in bytes (413 above; 4M, 64K ok)")
        ->transform(CLI::AsSizeValue(false))
        ->capture_default_str();
    s->add_option("--max-header", args->max_header, "request header limit in bytes (431 above)")
        ->transform(CLI::AsSizeValue(false))
        ->capture_default_str();
    s->add_option("--max-connections", args->max_connections,
                  "connections open at once (503 above)")
        ->capture_default_str();
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
