// `wsuslab proxy`: a forwarding proxy in front of a WSUS that records what it answers
// (docs/proxy.md). Prints its URL as the first line on stdout, forwards until SIGINT or SIGTERM,
// then stops accepting, finishes in-flight requests within --grace and exits 0. A usage problem is
// exit code 2, a startup problem (port in use, recording folder not usable) exit code 1.

#include <algorithm>
#include <chrono>
#include <csignal>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <variant>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <wsuslab/client/url.hpp>
#include <wsuslab/server/proxy.hpp>
#include <wsuslab/server/server.hpp>

#include "client_options.hpp"
#include "commands.hpp"
#include "proxy_upstream.hpp"
#include "request_limits.hpp"

namespace wsuslab::app {

namespace {

struct proxy_args {
    std::string listen = "127.0.0.1:8530";
    std::string upstream;
    std::string record;
    bool record_content = false;
    bool sanitize = true;
    std::string lab_url;
    transport_args transport;
    unsigned threads = 8;
    std::string tls_cert;
    std::string tls_key;
    request_limit_args limits;
    std::uint64_t max_response = 64 * 1024 * 1024;
    double grace_seconds = 10;
};

int usage_error(const std::string& message) {
    std::cerr << "wsuslab proxy: " << message << "\n";
    return 2;
}

int startup_error(const std::string& message) {
    std::cerr << "wsuslab proxy: " << message << "\n";
    return 1;
}

// Waits for SIGINT or SIGTERM; returns the signal's name.
const char* wait_for_stop_signal() {
    boost::asio::io_context ioc;
    boost::asio::signal_set signals(ioc, SIGINT, SIGTERM);
    int caught = 0;
    signals.async_wait([&caught](const boost::system::error_code& ec, int signal_number) {
        if (!ec) {
            caught = signal_number;
        }
    });
    ioc.run();
    return caught == SIGINT ? "SIGINT" : "SIGTERM";
}

int run_proxy(const proxy_args& a) {
    if (auto why = check_transport_args(a.transport); !why.empty()) {
        return usage_error(why);
    }
    auto described = describe_upstream(a.upstream);
    if (auto const* err = std::get_if<std::string>(&described)) {
        return usage_error(*err);
    }
    if (!a.lab_url.empty() && !client::parse_url(a.lab_url)) {
        return usage_error("--lab-url '" + a.lab_url + "' is not an http:// or https:// URL");
    }
    if (!(a.grace_seconds > 0) || a.grace_seconds > 3600) {
        return usage_error("--grace must be between 0 and 3600 seconds");
    }
    auto stderr_mutex = std::make_shared<std::mutex>();
    auto say = [stderr_mutex](std::string_view line) {
        std::lock_guard<std::mutex> lock(*stderr_mutex);
        std::cerr << "wsuslab proxy: " << line << "\n";
    };

    client::http_transport_options transport = make_transport_options(a.transport);
    transport.max_response_bytes = a.max_response;
    server::proxy_options options;
    options.upstream = std::get<server::upstream_address>(std::move(described));
    options.record_dir = a.record;
    options.record_content = a.record_content;
    options.sanitize = a.sanitize;
    if (!a.lab_url.empty()) {
        options.lab_url = client::trim_trailing_slash(a.lab_url);
    }
    options.log = say;
    auto created = server::proxy_service::create(options, make_http_upstream(options.upstream.url, transport));
    if (auto const* err = std::get_if<std::string>(&created)) {
        return startup_error(*err);
    }
    std::shared_ptr<server::proxy_service> proxy = std::move(std::get<std::unique_ptr<server::proxy_service>>(created));

    server::server_config config;
    config.listen = a.listen;
    config.threads = a.threads;
    config.tls_cert_file = a.tls_cert;
    config.tls_key_file = a.tls_key;
    apply_request_limits(a.limits, config);
    config.log = [say](server::transport_log_level level, std::string_view line) {
        if (level >= server::transport_log_level::warning) {
            say(std::string(server::transport_log_level_name(level)) + ": " + std::string(line));
        }
    };
    auto started = server::http_server::start(std::move(config), [proxy](const server::http_request& r) {
        return proxy->handle(r);
    });
    if (!started) {
        return startup_error(started.error);
    }
    auto& http = *started.server;
    std::cout << http.url() << std::endl;
    say("listening on " + http.url() + " with " + std::to_string(http.config().threads) +
        " I/O thread(s), forwarding to " + options.upstream.url +
        (a.record.empty() ? std::string() : ", recording into " + a.record + (a.sanitize ? " (sanitized)" : " (not sanitized)")) +
        "; SIGINT or SIGTERM stops");

    const char* signal_name = wait_for_stop_signal();
    auto const grace = std::chrono::milliseconds(static_cast<std::int64_t>(a.grace_seconds * 1000));
    say(std::string(signal_name) + ": stopping (grace " + std::to_string(grace.count()) + " ms)");
    http.stop(grace);
    auto const st = proxy->stats();
    say("stopped; " + std::to_string(st.forwarded) + " request(s) forwarded, " + std::to_string(st.upstream_failures) +
        " upstream failure(s), " + std::to_string(st.recorded) + " exchange(s) recorded, " +
        std::to_string(st.not_recorded) + " not recorded");
    return 0;
}

}  // namespace

command add_proxy_command(CLI::App& app) {
    auto args = std::make_shared<proxy_args>();
    command c;
    c.sub = app.add_subcommand("proxy", "Forward WSUS clients to a real WSUS and record the conversation (sanitized)");
    auto* s = c.sub;
    s->add_option("--listen", args->listen, "ADDR:PORT to listen on (port 0 picks a free port)")->capture_default_str();
    s->add_option("--upstream", args->upstream, "the WSUS to forward to, e.g. http://wsus01:8530")->required();
    s->add_option("--record", args->record, "record the SOAP exchanges into DIR (exchanges format)");
    s->add_flag("--record-content", args->record_content,
                "also record /Content and other non-SOAP requests, bodies included");
    s->add_flag("--sanitize,!--no-sanitize", args->sanitize,
                "replace cookies, client IDs, names, addresses and site URLs in the recording (default on)");
    s->add_option("--lab-url", args->lab_url,
                  "what the site's URLs become in a sanitized recording (default: a placeholder the replay "
                  "server answers with its own URL)");
    add_transport_options(*s, args->transport);
    s->add_option("--max-response", args->max_response, "largest upstream answer accepted, bytes (502 above)")
        ->transform(CLI::AsSizeValue(false))
        ->capture_default_str();
    s->add_option("--threads", args->threads, "I/O threads; each request in flight holds one")->capture_default_str();
    s->add_option("--tls-cert", args->tls_cert, "PEM certificate chain: listen with HTTPS");
    s->add_option("--tls-key", args->tls_key, "PEM private key for --tls-cert");
    add_request_limit_options(*s, args->limits);
    s->add_option("--grace", args->grace_seconds, "seconds given to in-flight requests on SIGINT/SIGTERM")
        ->capture_default_str();
    c.run = [args] { return run_proxy(*args); };
    return c;
}

}  // namespace wsuslab::app
