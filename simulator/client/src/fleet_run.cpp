// run_fleet: `concurrency` slot coroutines spread over `threads` event loops. A slot takes the
// next client index, waits for its start time under --rate, runs the agent (run_sync) on a
// coroutine_transport and records the outcome; then takes the next index. The calling thread
// samples the counters for the progress line until every loop has run dry.
#include <wsuslab/client/fleet.hpp>

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/coroutine/attributes.hpp>

#include <wsuslab/client/hresult.hpp>
#include <wsuslab/client/url.hpp>

#include "fleet_transport.hpp"

namespace wsuslab::client {
namespace {

namespace net = boost::asio;
using steady = std::chrono::steady_clock;

constexpr std::size_t max_clients = 1'000'000'000;
constexpr std::size_t max_shards = 1'000'000;
constexpr std::int64_t max_total_weight = 100'000;
// The server counts as unreachable when this many clients (or every client of a smaller run)
// ended with a connection error before any request got an HTTP answer.
constexpr std::uint64_t unreachable_after = 8;

struct fleet_state {
    fleet_state(const fleet_options& o, std::size_t begin, std::size_t end)
        : opt(o), first(begin), last(end), next(begin), network(o.transport, counters) {}

    const fleet_options& opt;
    std::size_t first;
    std::size_t last;
    std::atomic<std::size_t> next;
    steady::time_point t0 = steady::now();
    detail::fleet_counters counters;
    detail::fleet_network network;
    std::vector<sync_options> templates;  // one per member of the mix

    std::atomic<std::uint64_t> done{0};
    std::atomic<std::uint64_t> failed{0};
    std::atomic<std::uint64_t> in_flight{0};
    std::atomic<std::uint64_t> unreachable{0};
    std::atomic<bool> abort{false};

    std::mutex mutex;  // guards `result` and the abort message
    fleet_result result;
};

std::optional<std::string> check(const fleet_options& o) {
    if (o.mix.empty()) {
        return std::string("the mix names no client profile");
    }
    std::int64_t total = 0;
    for (auto const& m : o.mix) {
        if (m.weight == 0) {
            return "profile '" + m.profile.name + "' has weight 0; weights must be positive";
        }
        total += m.weight;
    }
    if (total > max_total_weight) {
        return "the weights add up to " + std::to_string(total) + "; at most " + std::to_string(max_total_weight);
    }
    if (o.clients == 0 || o.clients > max_clients) {
        return "the number of clients must be between 1 and " + std::to_string(max_clients);
    }
    if (o.shard.count == 0 || o.shard.count > max_shards || o.shard.index >= o.shard.count) {
        return "shard " + std::to_string(o.shard.index) + "/" + std::to_string(o.shard.count) +
               " is not I/N with 0 <= I < N <= " + std::to_string(max_shards);
    }
    if (!parse_url(trim_trailing_slash(o.server_url))) {
        return "server URL '" + o.server_url + "' is not an http:// or https:// URL";
    }
    if (!(o.rate >= 0)) {
        return std::string("the rate must be >= 0 clients per second");
    }
    return std::nullopt;
}

void record(fleet_state& s, const fleet_client& who, const sync_outcome& out) {
    bool const synced = out.verdict == sync_verdict::synced;
    if (!synced) {
        s.failed.fetch_add(1, std::memory_order_relaxed);
    }
    std::lock_guard<std::mutex> lock(s.mutex);
    fleet_result& r = s.result;
    auto& p = r.by_profile[s.opt.mix[who.member].profile.name];
    ++p.clients;
    ++r.clients;
    if (synced) {
        ++p.synced;
        ++r.synced;
        return;
    }
    ++p.failed;
    ++r.failed;
    if (out.verdict == sync_verdict::connection_error) {
        ++r.connection_errors;
    }
    std::string const code = format_hresult(out.hresult);
    ++p.by_error[code];
    auto& e = r.by_error[code];
    if (e.count++ == 0) {
        e.example = out.error;
    }
    if (out.fault) {
        auto const& f = out.fault->fault;
        std::string const key = f.error ? *f.error : "(faultcode " + std::string(protocol::fault_code_name(f.code)) + ")";
        auto& sf = r.by_soap_error[key];
        if (sf.count++ == 0) {
            sf.operation = std::string(protocol::operation_name(out.fault->op));
            sf.example_fault_id = f.id;
        }
    }
    // A server nobody can reach: stop instead of failing every remaining client the same way.
    if (out.verdict == sync_verdict::connection_error && s.counters.answered.load() == 0) {
        auto const n = s.unreachable.fetch_add(1) + 1;
        if (n >= std::min<std::uint64_t>(unreachable_after, s.last - s.first) && !r.aborted) {
            r.aborted = "server unreachable: " + out.error;
            s.abort = true;
        }
    }
}

void run_client(fleet_state& s, net::io_context& loop, const detail::fleet_yield& yield, std::size_t index) {
    fleet_client const who = fleet_client_at(s.opt, index);
    sync_options o = s.templates[who.member];
    o.profile.client_id = who.client_id;
    o.profile.dns_name = who.dns_name;
    o.profile.computer.dns_name = who.dns_name;
    o.seed = who.seed;
    s.in_flight.fetch_add(1, std::memory_order_relaxed);
    sync_outcome out;
    {
        detail::coroutine_transport transport(s.network, loop, yield);
        simulated_clock clock(s.opt.start);
        client_cache cache;
        try {
            out = run_sync(o, transport, clock, cache);
        } catch (const std::exception& e) {
            out.verdict = sync_verdict::local_error;
            out.hresult = hr::unexpected;
            out.error = std::string("the agent threw: ") + e.what();
        }
    }
    s.in_flight.fetch_sub(1, std::memory_order_relaxed);
    record(s, who, out);
    s.done.fetch_add(1, std::memory_order_relaxed);
    if (s.opt.on_client) {
        s.opt.on_client(who, out);
    }
}

// One slot: runs clients one after the other until the shard is exhausted.
void run_slot(fleet_state& s, net::io_context& loop, const detail::fleet_yield& yield) {
    net::steady_timer timer(loop);
    for (;;) {
        if (s.abort.load()) {
            return;
        }
        std::size_t const index = s.next.fetch_add(1);
        if (index >= s.last) {
            return;
        }
        if (s.opt.rate > 0) {
            // Client k of the shard starts k / rate seconds after the first one.
            auto const offset = std::chrono::duration<double>(static_cast<double>(index - s.first) / s.opt.rate);
            timer.expires_at(s.t0 + std::chrono::duration_cast<steady::duration>(offset));
            boost::system::error_code ec;
            timer.async_wait(yield[ec]);
        }
        run_client(s, loop, yield, index);
    }
}

fleet_progress sample(const fleet_state& s) {
    fleet_progress p;
    p.total = s.last - s.first;
    p.done = s.done.load();
    p.failed = s.failed.load();
    p.in_flight = s.in_flight.load();
    p.requests = s.counters.requests.load();
    p.seconds = std::chrono::duration<double>(steady::now() - s.t0).count();
    auto const h = s.counters.latency_snapshot();
    p.p50_us = h.percentile_us(0.5);
    p.p99_us = h.percentile_us(0.99);
    return p;
}

void finish(fleet_state& s, double seconds) {
    fleet_result& r = s.result;
    r.seconds = seconds;
    r.requests = s.counters.requests.load();
    r.connections = s.counters.connections.load();
    r.latency = s.counters.latency_snapshot();
    for (std::size_t i = 0; i < detail::fleet_counters::op_count; ++i) {
        auto const n = s.counters.by_operation[i].load();
        if (n == 0) {
            continue;
        }
        bool const content = i + 1 == detail::fleet_counters::op_count;
        r.requests_by_operation[content ? std::string("content")
                                        : std::string(protocol::operation_name(protocol::all_operations[i]))] = n;
    }
    std::uint64_t const shard_clients = s.last - s.first;
    r.not_started = shard_clients - std::min<std::uint64_t>(shard_clients, r.clients);
    r.shards[std::to_string(s.opt.shard.index) + "/" + std::to_string(s.opt.shard.count)] = shard_clients;
    r.server_url = trim_trailing_slash(s.opt.server_url);
    r.seed = s.opt.seed;
}

}  // namespace

std::variant<fleet_result, std::string> run_fleet(const fleet_options& options) {
    if (auto err = check(options)) {
        return *err;
    }
    auto const [first, last] = shard_range(options.clients, options.shard);
    fleet_state s(options, first, last);
    for (auto const& m : options.mix) {
        sync_options o = options.agent;
        o.server_url = options.server_url;
        o.profile = m.profile;
        o.state_dir.reset();
        o.keep = options.keep;
        s.templates.push_back(std::move(o));
    }
    std::size_t const clients = last - first;
    std::size_t const concurrency =
        std::max<std::size_t>(1, std::min(clients, options.concurrency ? options.concurrency : default_concurrency()));
    unsigned const cores = std::max(1U, std::thread::hardware_concurrency());
    std::size_t const threads = std::min<std::size_t>(concurrency, options.threads ? options.threads : cores);

    std::mutex done_mutex;
    std::condition_variable done_cv;
    std::size_t loops_running = threads;
    std::vector<std::thread> workers;
    for (std::size_t t = 0; t < threads; ++t) {
        std::size_t const slots = concurrency / threads + (t < concurrency % threads ? 1 : 0);
        workers.emplace_back([&, slots] {
            net::io_context loop(1);
            for (std::size_t k = 0; k < slots; ++k) {
                net::spawn(net::bind_executor(loop.get_executor(), &detail::fleet_coroutine_done),
                           [&](const detail::fleet_yield& yield) { run_slot(s, loop, yield); },
                           boost::coroutines::attributes(options.stack_bytes));
            }
            loop.run();
            std::lock_guard<std::mutex> lock(done_mutex);
            --loops_running;
            done_cv.notify_all();
        });
    }
    {
        std::unique_lock<std::mutex> lock(done_mutex);
        while (loops_running > 0) {
            done_cv.wait_for(lock, options.progress_interval, [&] { return loops_running == 0; });
            if (options.on_progress && loops_running > 0) {
                lock.unlock();
                options.on_progress(sample(s));
                lock.lock();
            }
        }
    }
    for (auto& w : workers) {
        w.join();
    }
    finish(s, std::chrono::duration<double>(steady::now() - s.t0).count());
    return std::move(s.result);
}

}  // namespace wsuslab::client
