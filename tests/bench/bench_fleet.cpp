// bench_fleet: the fleet at scale (docs/performance.md "The fleet at scale"). Starts
// `wsuslab serve --model fixed` as a child process on 127.0.0.1:0, runs a fleet of the default
// mix (every kb954960 profile once) in this process with full detections, and prints wall time,
// clients/s, requests/s, peak RSS and CPU time of both processes as a Markdown table row.
// Not a Google Benchmark loop: one run per size. Usage:
//   bench_fleet [clients ...] [--concurrency C] [--threads T] [--server-threads S] [--serve PATH]
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include <wsuslab/client/fleet.hpp>
#include <wsuslab/mitigation/scenario_loader.hpp>

#include "embedded_scenario.hpp"

extern char** environ;

namespace {

using namespace wsuslab;

struct server_process {
    pid_t pid = -1;
    std::string url;

    server_process(const std::string& binary, unsigned threads) {
        int out[2];
        if (pipe(out) != 0) {
            throw std::runtime_error("pipe failed");
        }
        std::vector<std::string> args{binary, "serve", "--listen", "127.0.0.1:0", "--model", "fixed",
                                      "--max-connections", "4096", "--threads", std::to_string(threads)};
        std::vector<char*> argv;
        for (auto& a : args) {
            argv.push_back(a.data());
        }
        argv.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, out[1], 1);
        posix_spawn_file_actions_addclose(&actions, out[0]);
        if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) {
            throw std::runtime_error("cannot start " + binary);
        }
        posix_spawn_file_actions_destroy(&actions);
        close(out[1]);
        // The first stdout line is the URL, printed once the socket listens.
        char c = 0;
        while (read(out[0], &c, 1) == 1 && c != '\n') {
            url += c;
        }
        close(out[0]);
        if (url.rfind("http://", 0) != 0) {
            throw std::runtime_error("wsuslab serve printed no URL");
        }
    }
    ~server_process() {
        kill(pid, SIGTERM);
        int status = 0;
        waitpid(pid, &status, 0);
    }
};

// A "Name:   123 kB" field of /proc/<pid>/status, in MiB.
double status_mib(const std::string& pid, const std::string& field) {
    std::ifstream in("/proc/" + pid + "/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(field + ":", 0) == 0) {
            return std::stod(line.substr(field.size() + 1)) / 1024.0;
        }
    }
    return 0;
}

// utime + stime of a process in seconds (/proc/<pid>/stat fields 14 and 15).
double cpu_seconds(const std::string& pid) {
    std::ifstream in("/proc/" + pid + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::istringstream rest(stat.substr(stat.rfind(')') + 2));
    std::string field;
    double ticks = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i) {
        if (i >= 14) {
            ticks += std::stod(field);
        }
    }
    return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::size_t> sizes;
    std::size_t concurrency = 0;
    unsigned threads = 0;
    unsigned server_threads = 1;
    std::string serve = WSUSLAB_CLI_PATH;
    for (int i = 1; i < argc; ++i) {
        std::string const a = argv[i];
        if (a == "--concurrency" && i + 1 < argc) {
            concurrency = std::stoul(argv[++i]);
        } else if (a == "--threads" && i + 1 < argc) {
            threads = static_cast<unsigned>(std::stoul(argv[++i]));
        } else if (a == "--server-threads" && i + 1 < argc) {
            server_threads = static_cast<unsigned>(std::stoul(argv[++i]));
        } else if (a == "--serve" && i + 1 < argc) {
            serve = argv[++i];
        } else {
            sizes.push_back(std::stoul(a));
        }
    }
    if (sizes.empty()) {
        sizes = {10000};
    }
    auto loaded = mitigation::load_scenario_text(app::embedded_kb954960_scenario(), "kb954960.xml");
    auto const& lab = std::get<mitigation::scenario>(loaded);
    std::cout << "| clients | wall s | clients/s | requests | requests/s | p50 | p99 | fleet RSS MiB | server RSS MiB "
                 "| fleet CPU s | server CPU s | failed |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
    for (std::size_t n : sizes) {
        server_process server(serve, server_threads);
        client::fleet_options o;
        o.server_url = server.url;
        for (auto const& p : lab.profiles) {
            o.mix.push_back({p, 1});
        }
        o.clients = n;
        o.concurrency = concurrency;
        o.threads = threads;
        rusage before{};
        getrusage(RUSAGE_SELF, &before);
        auto run = client::run_fleet(o);
        rusage after{};
        getrusage(RUSAGE_SELF, &after);
        if (auto const* err = std::get_if<std::string>(&run)) {
            std::cerr << "bench_fleet: " << *err << "\n";
            return 1;
        }
        auto const& r = std::get<client::fleet_result>(run);
        auto seconds_of = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
        double const fleet_cpu = seconds_of(after.ru_utime) + seconds_of(after.ru_stime) -
                                 seconds_of(before.ru_utime) - seconds_of(before.ru_stime);
        std::string const spid = std::to_string(server.pid);
        char row[512];
        std::snprintf(row, sizeof row, "| %zu | %.2f | %.0f | %llu | %.0f | %s | %s | %.0f | %.0f | %.1f | %.1f | %llu |\n", n,
                      r.seconds, r.clients_per_second(), static_cast<unsigned long long>(r.requests),
                      r.requests_per_second(), client::format_latency(r.latency.percentile_us(0.5)).c_str(),
                      client::format_latency(r.latency.percentile_us(0.99)).c_str(), status_mib("self", "VmHWM"),
                      status_mib(spid, "VmHWM"), fleet_cpu, cpu_seconds(spid),
                      static_cast<unsigned long long>(r.failed));
        std::cout << row << std::flush;
        if (r.failed != 0) {
            std::cerr << client::format_fleet_summary(r);
        }
    }
    return 0;
}
