// bench_server: SyncUpdates requests per second on loopback with keep-alive, for the kb954960
// lab, answered three ways in the same run on the same machine:
//   computed - wsus_service with the legacy model computes every answer from the scenario;
//   replayed - wsus_service answers from a recording of the same exchanges;
//   static   - the same http_server answering the same response bytes from memory: the ceiling
//              of the transport, i.e. what the SOAP work costs on top of HTTP.
// Not a Google Benchmark loop: each mode runs a fixed number of requests per connection from
// client threads using the simulated agent's HTTP transport, and prints a Markdown table for
// docs/performance.md. Usage: bench_server [requests_per_connection] [connections]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include <wsuslab/client/agent.hpp>
#include <wsuslab/client/http_transport.hpp>
#include <wsuslab/server/server.hpp>
#include <wsuslab/server/service.hpp>

#include "demo_story.hpp"

namespace {

using namespace wsuslab;
using steady = std::chrono::steady_clock;

struct running {
    std::unique_ptr<server::wsus_service> service;
    std::unique_ptr<server::http_server> http;
};

running start_service(server::service_options options) {
    auto created = server::wsus_service::create(std::move(options));
    if (auto* error = std::get_if<std::string>(&created)) {
        throw std::runtime_error(*error);
    }
    running r;
    r.service = std::move(std::get<std::unique_ptr<server::wsus_service>>(created));
    server::server_config config;
    config.listen = "127.0.0.1:0";
    config.threads = 1;  // one I/O thread: the figure is per core
    server::wsus_service* s = r.service.get();
    auto started = server::http_server::start(config, [s](const server::http_request& q) { return s->handle(q); });
    if (!started) {
        throw std::runtime_error(started.error);
    }
    r.http = std::move(started.server);
    r.service->set_base_url(r.http->url());
    return r;
}

struct captured {
    std::vector<client::exchange> session;  // the agent's whole conversation, in order
    client::exchange sync;                  // the SyncUpdates call with the largest answer
};

/// The SyncUpdates call of a session with the largest answer: the page the benchmark repeats.
client::exchange largest_sync(const std::vector<client::exchange>& exchanges) {
    client::exchange best;
    for (auto const& e : exchanges) {
        if (e.op == protocol::operation::sync_updates && e.response_body.size() > best.response_body.size()) {
            best = e;
        }
    }
    if (best.request_body.empty()) {
        throw std::runtime_error("the session made no SyncUpdates call");
    }
    return best;
}

/// Runs the agent once against a recording computed server and picks the SyncUpdates request the
/// benchmark repeats; the recording then gets `copies` more answers to it for the replay mode.
captured capture(const std::shared_ptr<const mitigation::scenario>& lab, const std::string& record_dir,
                 int copies) {
    server::service_options options;
    options.scenario = lab;
    options.model = mitigation::model_kind::legacy;
    options.record_dir = record_dir;
    options.level = server::log_level::error;
    running r = start_service(options);

    client::sync_options so;
    so.server_url = r.http->url();
    so.profile = *lab->find_profile("plain-workstation");
    so.report_events = false;
    client::http_transport net;
    client::simulated_clock clock(client::time_point(std::chrono::milliseconds(1213412393383LL)));
    auto outcome = client::run_sync(so, net, clock);
    if (outcome.verdict != client::sync_verdict::synced) {
        throw std::runtime_error("capture run did not sync: " + outcome.error);
    }
    captured c;
    c.session = outcome.exchanges;
    c.sync = largest_sync(outcome.exchanges);
    for (int i = 0; i < copies; ++i) {
        auto reply = net.post(c.sync.url, c.sync.soap_action, c.sync.request_body);
        if (!reply || reply.reply().status != 200) {
            throw std::runtime_error("recording the repeated SyncUpdates failed");
        }
    }
    r.service->flush();
    return c;
}

struct result {
    std::string mode;
    int connections = 0;
    long requests = 0;
    double seconds = 0;
    std::size_t response_bytes = 0;
};

/// "http://127.0.0.1:PORT" of a full URL.
std::string base_of(const std::string& url) { return url.substr(0, url.find('/', url.find("//") + 2)); }

/// `connections` threads, each with one keep-alive connection, each sending `n` requests.
result hammer(const std::string& mode, const std::string& url, const client::exchange& call, int connections,
              int n, const std::vector<client::exchange>& preamble = {}) {
    std::atomic<long> failures{0};
    std::vector<std::unique_ptr<client::http_transport>> nets;
    for (int i = 0; i < connections; ++i) {
        nets.push_back(std::make_unique<client::http_transport>());
        // The replayer walks a recorded sequence in order: replay the session that came first.
        for (auto const& e : preamble) {
            // The recorded URL names the capture server's port: keep only its path.
            std::string const path = e.url.substr(e.url.find('/', e.url.find("//") + 2));
            if (e.op && !nets.back()->post(base_of(url) + path, e.soap_action, e.request_body)) {
                ++failures;
            }
        }
    }
    std::size_t bytes = 0;
    auto const begin = steady::now();
    std::vector<std::thread> threads;
    for (int i = 0; i < connections; ++i) {
        threads.emplace_back([&, i] {
            for (int k = 0; k < n; ++k) {
                auto reply = nets[static_cast<std::size_t>(i)]->post(url, call.soap_action, call.request_body);
                if (!reply || reply.reply().status != 200) {
                    ++failures;
                } else if (i == 0 && k == 0) {
                    bytes = reply.reply().body.size();
                }
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    double const seconds = std::chrono::duration<double>(steady::now() - begin).count();
    if (failures.load() != 0) {
        throw std::runtime_error(mode + ": " + std::to_string(failures.load()) + " requests failed");
    }
    return {mode, connections, static_cast<long>(connections) * n, seconds, bytes};
}

}  // namespace

int main(int argc, char** argv) {
    int const per_connection = argc > 1 ? std::atoi(argv[1]) : 2000;
    int const max_connections = argc > 2 ? std::atoi(argv[2]) : 4;
    try {
        auto lab = app::demo::embedded_lab();
        auto const dir = std::filesystem::temp_directory_path() /
                         ("wsuslab-bench-" + std::to_string(std::random_device{}() % 1000000U));
        std::vector<result> results;

        captured const c = capture(lab, (dir / "recording").string(), per_connection);

        server::service_options computed;
        computed.scenario = lab;
        computed.model = mitigation::model_kind::legacy;
        computed.level = server::log_level::error;
        running comp = start_service(computed);
        std::string const comp_url = comp.http->url() + "/ClientWebService/client.asmx";
        // The captured cookie came from another server instance (other key): handshake again.
        client::sync_options so;
        so.server_url = comp.http->url();
        so.profile = *lab->find_profile("plain-workstation");
        so.report_events = false;
        client::http_transport handshake;
        client::simulated_clock clock(client::time_point(std::chrono::milliseconds(1213412393383LL)));
        auto fresh = client::run_sync(so, handshake, clock);
        client::exchange const call = largest_sync(fresh.exchanges);
        for (int conns = 1; conns <= max_connections; conns *= 4) {
            results.push_back(hammer("computed (legacy model)", comp_url, call, conns, per_connection));
        }

        server::service_options replayed;
        replayed.scenario = lab;
        replayed.replay_dir = (dir / "recording").string();
        replayed.level = server::log_level::error;
        running rep = start_service(replayed);
        std::string const rep_url = rep.http->url() + "/ClientWebService/client.asmx";
        results.push_back(hammer("replayed", rep_url, c.sync, 1, per_connection, c.session));

        std::string const bytes = comp.service->handle([&] {
            server::http_request q;
            q.method = "POST";
            q.target = "/ClientWebService/client.asmx";
            q.headers = {{"Content-Type", "text/xml; charset=utf-8"}, {"SOAPAction", "\"" + call.soap_action + "\""}};
            q.body = call.request_body;
            return q;
        }()).body;
        server::server_config config;
        config.listen = "127.0.0.1:0";
        config.threads = 1;
        auto fixed_bytes = server::http_server::start(config, [&bytes](const server::http_request&) {
            server::http_response r;
            r.set_header("Content-Type", "text/xml; charset=utf-8");
            r.body = bytes;
            return r;
        });
        if (!fixed_bytes) {
            throw std::runtime_error(fixed_bytes.error);
        }
        std::string const static_url = fixed_bytes.server->url() + "/ClientWebService/client.asmx";
        for (int conns = 1; conns <= max_connections; conns *= 4) {
            results.push_back(hammer("static bytes (transport ceiling)", static_url, call, conns, per_connection));
        }

        std::printf("| mode | connections | requests | seconds | requests/s | response bytes |\n");
        std::printf("| --- | ---: | ---: | ---: | ---: | ---: |\n");
        for (auto const& r : results) {
            std::printf("| %s | %d | %ld | %.2f | %.0f | %zu |\n", r.mode.c_str(), r.connections, r.requests,
                        r.seconds, static_cast<double>(r.requests) / r.seconds, r.response_bytes);
        }
        std::filesystem::remove_all(dir);
    } catch (const std::exception& e) {
        std::cerr << "bench_server: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
