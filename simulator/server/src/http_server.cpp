#include <wsuslab/server/server.hpp>

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "http_server_state.hpp"
#include "listener.hpp"
#include "session_support.hpp"
#include "tls.hpp"

namespace wsuslab::server {
namespace net = boost::asio;
using tcp = boost::asio::ip::tcp;

// Member order matters for destruction: the io_context may still own handlers that hold
// sessions, and sessions use the state and the TLS context, so those two outlive it.
struct http_server::impl {
    explicit impl(unsigned thread_count) : ioc(static_cast<int>(thread_count)) {}

    std::shared_ptr<detail::server_state> state;
    std::unique_ptr<net::ssl::context> tls;
    net::io_context ioc;
    std::shared_ptr<detail::listener> listener;
    tcp::endpoint endpoint;
    std::vector<std::thread> threads;

    std::mutex run_mutex;
    std::condition_variable run_cv;
    std::size_t running = 0;

    std::mutex stop_mutex;
    std::optional<stop_report> stopped;

    void run_thread();
};

void http_server::impl::run_thread() {
    // Handlers must not throw; if one does anyway, log it and keep serving the others.
    for (;;) {
        try {
            ioc.run();
            break;
        } catch (const std::exception& e) {
            state->log(transport_log_level::error, std::string("I/O thread caught: ") + e.what());
        } catch (...) {
            state->log(transport_log_level::error, "I/O thread caught a non-standard exception");
        }
    }
    {
        std::lock_guard<std::mutex> lock(run_mutex);
        --running;
    }
    run_cv.notify_all();
}

namespace {

std::string validate(const server_config& c) {
    if (c.header_limit == 0) {
        return "the header limit must be positive";
    }
    if (c.body_limit == 0) {
        return "the body limit must be positive";
    }
    if (c.max_connections == 0) {
        return "the connection limit must be positive";
    }
    using ms = std::chrono::milliseconds;
    for (ms t : {c.header_timeout, c.body_timeout, c.idle_timeout, c.write_timeout,
                 c.linger_timeout, c.accept_backoff}) {
        if (t <= ms::zero()) {
            return "timeouts must be positive";
        }
    }
    if (c.tls_cert_file.empty() != c.tls_key_file.empty()) {
        return "TLS needs both a certificate file and a key file";
    }
    return {};
}

}  // namespace

start_result http_server::start(server_config config, request_handler handler) {
    start_result out;
    if (!handler) {
        out.error = "no request handler";
        return out;
    }
    if (auto why = validate(config); !why.empty()) {
        out.error = why;
        return out;
    }
    auto const parsed = parse_listen_address(config.listen);
    if (!parsed) {
        out.error = parsed.error;
        return out;
    }
    if (config.threads == 0) {
        config.threads = std::max(1U, std::thread::hardware_concurrency());
    }
    auto p = std::make_unique<impl>(config.threads);
    if (!config.tls_cert_file.empty()) {
        auto tls = detail::make_tls_context(config.tls_cert_file, config.tls_key_file);
        if (!tls.context) {
            out.error = tls.error;
            return out;
        }
        p->tls = std::move(tls.context);
    }
    tcp::endpoint const endpoint(net::ip::make_address(parsed.address.host), parsed.address.port);
    p->state = std::make_shared<detail::server_state>(std::move(config), std::move(handler));
    auto created = detail::listener::create(p->ioc, endpoint, p->state, p->tls.get());
    if (!created.value) {
        out.error = created.error;
        return out;
    }
    p->listener = std::move(created.value);
    p->endpoint = p->listener->local_endpoint();
    // The accept is queued before any thread runs, so ioc.run() never returns for lack of work.
    p->listener->run();
    unsigned const n = p->state->config.threads;
    p->running = n;
    p->threads.reserve(n);
    for (unsigned i = 0; i < n; ++i) {
        p->threads.emplace_back([raw = p.get()] { raw->run_thread(); });
    }
    out.server.reset(new http_server(std::move(p)));
    return out;
}

http_server::http_server(std::unique_ptr<impl> p) : impl_(std::move(p)) {}

http_server::~http_server() { stop(default_grace); }

std::uint16_t http_server::port() const noexcept { return impl_->endpoint.port(); }

std::string http_server::local_endpoint() const {
    auto const& a = impl_->endpoint.address();
    return detail::format_endpoint(a.to_string(), a.is_v6(), impl_->endpoint.port());
}

std::string http_server::url() const {
    auto a = impl_->endpoint.address();
    if (a.is_unspecified()) {
        a = a.is_v6() ? net::ip::address(net::ip::address_v6::loopback())
                      : net::ip::address(net::ip::address_v4::loopback());
    }
    return std::string(tls() ? "https://" : "http://") +
           detail::format_endpoint(a.to_string(), a.is_v6(), impl_->endpoint.port());
}

bool http_server::tls() const noexcept { return impl_->tls != nullptr; }

const server_config& http_server::config() const noexcept { return impl_->state->config; }

server_stats http_server::stats() const noexcept { return impl_->state->stats(); }

bool http_server::wait_idle(std::chrono::milliseconds timeout) const {
    return impl_->state->wait_idle_until(std::chrono::steady_clock::now() + timeout);
}

std::string format_transport_metrics(const server_stats& stats) {
    std::string out;
    auto family = [&out](const char* name, const char* type, const char* help,
                         std::uint64_t value) {
        out.append("# HELP ").append(name).append(" ").append(help).append("\n");
        out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
        out.append(name).append(" ").append(std::to_string(value)).append("\n");
    };
    family("wsuslab_http_connections_accepted_total", "counter",
           "Connections accepted by the HTTP transport.", stats.accepted_connections);
    family("wsuslab_http_requests_total", "counter",
           "Complete requests handed to the request handler.", stats.requests);
    family("wsuslab_http_framing_rejects_total", "counter",
           "Requests rejected by the transport with 400, 413 or 431.", stats.framing_rejects);
    family("wsuslab_http_capacity_rejects_total", "counter",
           "Connections refused at the connection limit.", stats.capacity_rejects);
    family("wsuslab_http_timeouts_total", "counter",
           "Connections closed silently by a header, body, idle or write timeout.",
           stats.timeouts);
    family("wsuslab_http_handler_errors_total", "counter",
           "Request handler exceptions answered with 500.", stats.handler_errors);
    family("wsuslab_http_live_sessions", "gauge", "Connections open now.", stats.live_sessions);
    return out;
}

stop_report http_server::stop(std::chrono::milliseconds grace) {
    std::lock_guard<std::mutex> stop_lock(impl_->stop_mutex);
    if (impl_->stopped) {
        return *impl_->stopped;
    }
    auto& state = *impl_->state;
    stop_report report;
    state.stopping.store(true);
    impl_->listener->stop();
    for (auto const& s : state.sessions()) {
        s->request_stop();
    }
    report.graceful = state.wait_idle_until(std::chrono::steady_clock::now() + grace);
    if (!report.graceful) {
        {
            auto left = state.sessions();
            report.force_closed = left.size();
            for (auto const& s : left) {
                s->force_close();
            }
        }
        state.log(transport_log_level::warning, "stop: grace period over, closed " +
                                          std::to_string(report.force_closed) + " connection(s)");
        state.wait_idle_until(std::chrono::steady_clock::now() + std::chrono::seconds(2));
    }
    // With the acceptor closed and no session left, run() returns by itself; stopping the
    // io_context is only the last resort when something still holds work.
    {
        std::unique_lock<std::mutex> lock(impl_->run_mutex);
        if (!impl_->run_cv.wait_for(lock, std::chrono::seconds(2),
                                    [this] { return impl_->running == 0; })) {
            state.log(transport_log_level::warning, "stop: I/O threads still busy; stopping the io_context");
            impl_->ioc.stop();
        }
    }
    for (auto& t : impl_->threads) {
        if (t.joinable()) {
            t.join();
        }
    }
    impl_->stopped = report;
    return report;
}

}  // namespace wsuslab::server
