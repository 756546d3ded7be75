#include "demo_lab.hpp"

#include <algorithm>
#include <cstddef>
#include <fstream>
#include <stdexcept>
#include <utility>
#include <variant>

#include <wsuslab/client/agent.hpp>
#include <wsuslab/client/http_transport.hpp>

namespace wsuslab::app::demo {

client::time_point at(const char* iso8601) {
    auto const t = client::parse_iso8601(iso8601);
    if (!t) {
        throw std::runtime_error(std::string("bad demo time ") + iso8601);
    }
    return *t;
}

lab_server::lab_server(std::shared_ptr<const mitigation::scenario> lab,
                       mitigation::model_kind model, int fault_status, std::string log_path,
                       shared_clock& time)
    : lab_(std::move(lab)), time_(&time), log_path_(std::move(log_path)) {
    label_ = model == mitigation::model_kind::legacy
                 ? "WSUS 3.0 SP1 " + lab_->server.product_version + " (legacy model)"
                 : "WSUS 3.0 SP1 + KB954960, 3.1.6001.66 (fixed model)";

    server::service_options options;
    options.scenario = lab_;
    options.model = model;
    options.fault_status = fault_status;
    options.log_path = log_path_;
    options.level = server::log_level::warning;
    options.clock = [&time] { return time.system_now(); };
    auto created = server::wsus_service::create(std::move(options));
    if (auto* error = std::get_if<std::string>(&created)) {
        throw std::runtime_error("cannot start the mock WSUS: " + *error);
    }
    service_ = std::move(std::get<std::unique_ptr<server::wsus_service>>(created));

    server::server_config config;
    config.listen = "127.0.0.1:0";  // a free loopback port: the demo never collides with a real WSUS
    config.threads = 1;
    server::wsus_service* service = service_.get();
    auto started = server::http_server::start(
        config, [service](const server::http_request& r) { return service->handle(r); });
    if (!started) {
        throw std::runtime_error("cannot listen on loopback: " + started.error);
    }
    http_ = std::move(started.server);
    service_->set_base_url(http_->url());
}

lab_server::~lab_server() {
    if (http_) {
        http_->stop(std::chrono::seconds(2));
    }
    if (service_) {
        service_->flush();
    }
}

std::string lab_server::url() const { return http_->url(); }

std::vector<std::string> lab_server::log_lines() const {
    std::vector<std::string> lines;
    std::ifstream in(log_path_);
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    return lines;
}

client_run lab_server::run_client(const std::string& profile, int retries) {
    const mitigation::client_profile* p = lab_->find_profile(profile);
    if (p == nullptr) {
        throw std::runtime_error("the lab has no client profile '" + profile + "'");
    }
    service_->flush();
    std::size_t const before = log_lines().size();

    client::sync_options options;
    options.server_url = url();
    options.profile = *p;
    options.retries = retries;
    client::http_transport net;
    client_run run;
    run.profile = profile;
    run.server_label = label_;
    run.server_url = url();
    run.outcome = client::run_sync(options, net, *time_);

    service_->flush();
    auto all = log_lines();
    run.server_log.assign(all.begin() + static_cast<std::ptrdiff_t>(std::min(before, all.size())),
                          all.end());
    // The story follows the first detection; retries repeat it with their own fault IDs.
    for (auto const& a : run.outcome.attempts) {
        if (a.fault) {
            run.fault_id = a.fault->fault.id;
            break;
        }
    }
    return run;
}

}  // namespace wsuslab::app::demo
