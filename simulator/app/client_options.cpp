#include "client_options.hpp"

#include <algorithm>
#include <filesystem>

#include <wsuslab/client/url.hpp>
#include <wsuslab/mitigation/scenario_loader.hpp>

namespace wsuslab::app {

void add_transport_options(CLI::App& sub, transport_args& args) {
    sub.add_option("--proxy", args.proxy, "HTTP proxy URL (absolute URIs for http, CONNECT for https)");
    sub.add_option("--ca-file", args.ca_file, "PEM file of CAs trusted for https");
    sub.add_flag("--insecure", args.insecure, "Do not verify the server certificate");
    sub.add_option("--timeout", args.timeout_seconds, "Seconds allowed per request")->capture_default_str();
}

std::string check_transport_args(const transport_args& args) {
    if (!args.proxy.empty()) {
        auto const p = client::parse_url(args.proxy);
        if (!p || p->scheme != "http") {
            return "--proxy '" + args.proxy + "' is not an http:// URL";
        }
    }
    if (!(args.timeout_seconds > 0) || args.timeout_seconds > 3600) {
        return "--timeout must be between 0 and 3600 seconds";
    }
    return {};
}

client::http_transport_options make_transport_options(const transport_args& args) {
    client::http_transport_options t;
    if (!args.proxy.empty()) {
        t.proxy_url = args.proxy;
    }
    if (!args.ca_file.empty()) {
        t.ca_file = args.ca_file;
    }
    t.insecure = args.insecure;
    t.request_timeout = std::chrono::milliseconds(static_cast<std::int64_t>(args.timeout_seconds * 1000));
    t.connect_timeout = std::min(t.connect_timeout, t.request_timeout);
    return t;
}

void add_retries_option(CLI::App& sub, int& retries) {
    sub.add_option("--retries", retries, "Replay N later detections after a failure (5 h apart, simulated)")
        ->check(CLI::Range(0, 100));
}

bool is_profile_file(const std::string& name_or_file) {
    std::error_code ec;
    return std::filesystem::is_regular_file(name_or_file, ec);
}

std::variant<mitigation::client_profile, std::string> resolve_profile(const std::string& name_or_file,
                                                                      const mitigation::scenario& scenario,
                                                                      const std::string& scenario_label) {
    if (is_profile_file(name_or_file)) {
        auto loaded = mitigation::load_scenario_file(name_or_file);
        if (auto const* err = std::get_if<mitigation::scenario_error>(&loaded)) {
            return "cannot load profile file: " + err->to_string();
        }
        auto const& s = std::get<mitigation::scenario>(loaded);
        if (s.profiles.size() != 1) {
            return "profile file " + name_or_file + " holds " + std::to_string(s.profiles.size()) +
                   " <ClientProfile> elements; it must hold exactly one";
        }
        return s.profiles.front();
    }
    if (auto const* p = scenario.find_profile(name_or_file)) {
        return *p;
    }
    std::string names;
    for (auto const& p : scenario.profiles) {
        names += (names.empty() ? "" : ", ") + p.name;
    }
    return "no profile '" + name_or_file + "' in " + scenario_label + " (profiles: " +
           (names.empty() ? std::string("none") : names) + "); pass a name or a profile file";
}

}  // namespace wsuslab::app
