#pragma once
// The fleet's transport: the agent's `transport` interface implemented with Beast's
// asynchronous calls inside a stackful coroutine (boost::asio::spawn). post() starts the
// connect/write/read, suspends the calling coroutine (the agent's run_sync) on its yield context
// and resumes it when the answer is there, so one event-loop thread carries thousands of agents.
// Same behaviour as http_transport (docs/client.md §4): one keep-alive connection per origin,
// HTTPS with verification, HTTP proxy, deadlines, the same transport_error mapping. It also
// counts requests, connections and latencies for the fleet summary.

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/spawn.hpp>
#include <boost/asio/ssl/context.hpp>

#include <wsuslab/client/fleet_result.hpp>
#include <wsuslab/client/http_transport.hpp>
#include <wsuslab/client/transport.hpp>
#include <wsuslab/client/url.hpp>
#include <wsuslab/protocol/operations.hpp>

namespace wsuslab::client::detail {

/// The coroutines' yield context. The fleet spawns them with a handler bound to the plain
/// io_context executor rather than an executor (which would wrap each in a strand behind a
/// type-erased executor): each loop has one thread, so there is nothing to serialise.
void fleet_coroutine_done();
using fleet_yield = boost::asio::basic_yield_context<
    boost::asio::executor_binder<void (*)(), boost::asio::io_context::executor_type>>;

/// Counters every client's transport adds to, read by the progress line while the fleet runs.
/// Relaxed atomics: each is an independent tally.
struct fleet_counters {
    static constexpr std::size_t op_count = std::size(protocol::all_operations) + 1;  // + content

    std::atomic<std::uint64_t> requests{0};
    std::atomic<std::uint64_t> answered{0};  ///< requests that got an HTTP response
    std::atomic<std::uint64_t> connections{0};
    std::array<std::atomic<std::uint64_t>, op_count> by_operation{};
    std::array<std::atomic<std::uint64_t>, latency_histogram::bucket_count> latency{};

    void count_request(std::size_t op_slot, std::uint64_t microseconds, bool answered_by_server);
    latency_histogram latency_snapshot() const;
};

/// What every client's transport shares: options, the TLS context, the parsed proxy, resolved
/// addresses (as an OS resolver cache would), the counters.
class fleet_network {
public:
    fleet_network(http_transport_options options, fleet_counters& counters);

    const http_transport_options& options() const { return opt_; }
    boost::asio::ssl::context& tls() { return tls_; }
    const std::optional<url>& proxy() const { return proxy_; }
    /// A setup problem (CA file unreadable, bad proxy URL) every request reports; "" when none.
    const std::string& tls_setup_error() const { return tls_error_; }
    const std::string& proxy_setup_error() const { return proxy_error_; }
    fleet_counters& counters() { return counters_; }

    /// Cached resolution of host:port; resolves (suspending the coroutine) on the first use.
    boost::asio::ip::tcp::resolver::results_type resolve(const std::string& host, std::uint16_t port,
                                                         boost::asio::io_context& loop,
                                                         fleet_yield yield,
                                                         boost::system::error_code& ec);

private:
    http_transport_options opt_;
    boost::asio::ssl::context tls_;
    std::optional<url> proxy_;
    std::string tls_error_;
    std::string proxy_error_;
    fleet_counters& counters_;
    std::mutex resolved_mutex_;
    std::map<std::string, boost::asio::ip::tcp::resolver::results_type> resolved_;
};

/// One client's transport: lives for one client, inside its coroutine.
class coroutine_transport final : public transport {
public:
    coroutine_transport(fleet_network& network, boost::asio::io_context& loop,
                        fleet_yield yield);
    ~coroutine_transport() override;
    coroutine_transport(const coroutine_transport&) = delete;
    coroutine_transport& operator=(const coroutine_transport&) = delete;

    transport_result post(const std::string& url, const std::string& soap_action,
                          const std::string& body) override;
    transport_result head(const std::string& url) override;
    transport_result get(const std::string& url) override;

    /// Closes the kept-alive connection (the client is done).
    void close();

    struct connection;

private:
    transport_result request(int verb, const std::string& text, const std::string* action,
                             const std::string* body);

    fleet_network& net_;
    boost::asio::io_context& loop_;
    fleet_yield yield_;
    std::unique_ptr<connection> conn_;
};

}  // namespace wsuslab::client::detail
