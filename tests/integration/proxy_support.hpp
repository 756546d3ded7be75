#pragma once
// Helpers of the `wsuslab proxy` integration suites: the mock WSUS as an upstream on 127.0.0.1:0
// (answering with its own live URL, so that the recording has an upstream address to remove),
// the proxy in-process (proxy_service on test_server, upstream through the CLI's
// http_transport-based forwarder), and what a recording must not contain.

#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include <wsuslab/server/proxy.hpp>
#include <wsuslab/server/service.hpp>

#include "proxy_upstream.hpp"
#include "replay_support.hpp"
#include "services.hpp"
#include "test_server.hpp"

namespace wsuslab::proxy_test {

using replay_test::fresh_dir;
using replay_test::run_client;

/// The mock WSUS on test_server, its base URL set to its live URL.
class live_upstream {
public:
    explicit live_upstream(mitigation::model_kind model) {
        server::service_options o;
        o.scenario = replay_test::kb954960();
        o.model = model;
        o.clock = [] { return replay_test::recording_time(); };
        service_ = test::create_service(std::move(o));
        http_ = std::make_unique<test::test_server>(test::handler_of(service_));
        service_->set_base_url(http_->url());
    }
    std::string url() const { return http_->url(); }
    std::uint16_t port() const { return http_->port(); }

private:
    std::shared_ptr<server::wsus_service> service_;
    std::unique_ptr<test::test_server> http_;
};

/// `wsuslab proxy` in-process: proxy_service behind test_server, forwarding to `upstream_url`.
class proxy_under_test {
public:
    proxy_under_test(const std::string& upstream_url, server::proxy_options o,
                     client::http_transport_options transport = {}) {
        auto described = app::describe_upstream(upstream_url);
        if (auto const* e = std::get_if<std::string>(&described)) {
            throw std::runtime_error(*e);
        }
        o.upstream = std::get<server::upstream_address>(std::move(described));
        o.log = [this](std::string_view line) {
            std::lock_guard<std::mutex> lock(mu_);
            log_.emplace_back(line);
        };
        auto created = server::proxy_service::create(o, app::make_http_upstream(upstream_url, transport));
        if (auto const* e = std::get_if<std::string>(&created)) {
            throw std::runtime_error("proxy_service::create: " + *e);
        }
        proxy_ = std::shared_ptr<server::proxy_service>(std::get<std::unique_ptr<server::proxy_service>>(std::move(created)));
        http_ = std::make_unique<test::test_server>([p = proxy_](const server::http_request& r) { return p->handle(r); });
    }
    static std::unique_ptr<proxy_under_test> recording(const std::string& upstream_url, const std::string& dir) {
        server::proxy_options o;
        o.record_dir = dir;
        return std::make_unique<proxy_under_test>(upstream_url, o);
    }

    std::string url() const { return http_->url(); }
    std::uint16_t port() const { return http_->port(); }
    server::proxy_stats stats() const { return proxy_->stats(); }
    std::vector<std::string> log() const {
        std::lock_guard<std::mutex> lock(mu_);
        return log_;
    }

private:
    std::shared_ptr<server::proxy_service> proxy_;
    std::unique_ptr<test::test_server> http_;
    mutable std::mutex mu_;
    std::vector<std::string> log_;
};

inline std::string read_text(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

inline std::string lower(std::string s) {
    for (auto& c : s) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return s;
}

/// Every value between `open` and `close` in `text`.
inline std::vector<std::string> values_between(const std::string& text, const std::string& open,
                                               const std::string& close) {
    std::vector<std::string> out;
    for (auto pos = text.find(open); pos != std::string::npos; pos = text.find(open, pos + 1)) {
        auto const from = pos + open.size();
        auto const to = text.find(close, from);
        if (to == std::string::npos) {
            break;
        }
        out.push_back(text.substr(from, to - from));
    }
    return out;
}

/// The distinct cookies (EncryptedData, CookieData) the client was handed.
inline std::vector<std::string> cookies_seen(const std::vector<client::sync_outcome>& outcomes) {
    std::vector<std::string> out;
    for (auto const& o : outcomes) {
        for (auto const& e : o.exchanges) {
            for (auto const* tag : {"EncryptedData", "CookieData"}) {
                for (auto& v : values_between(e.response_body, std::string("<") + tag + ">", std::string("</") + tag + ">")) {
                    if (std::find(out.begin(), out.end(), v) == out.end()) {
                        out.push_back(std::move(v));
                    }
                }
            }
        }
    }
    return out;
}

/// "<file>: <secret>" for every secret (compared case-insensitively) found in any file under
/// `dir`; empty when the recording holds none.
inline std::vector<std::string> leaks(const std::string& dir, const std::vector<std::string>& secrets) {
    std::vector<std::string> found;
    for (auto const& entry : std::filesystem::recursive_directory_iterator(dir)) {
        if (!entry.is_regular_file()) {
            continue;
        }
        const std::string text = lower(read_text(entry.path()));
        for (auto const& s : secrets) {
            if (!s.empty() && text.find(lower(s)) != std::string::npos) {
                found.push_back(entry.path().lexically_relative(dir).string() + ": " + s);
            }
        }
    }
    return found;
}

/// The "distinct" and "replaced" columns of a sanitize-report.txt line.
inline std::pair<std::size_t, std::size_t> report_counts(const std::string& report, const std::string& kind) {
    const auto pos = report.find("\n" + kind + " ");
    if (pos == std::string::npos) {
        return {0, 0};
    }
    std::istringstream line(report.substr(pos + 1 + kind.size()));
    std::size_t distinct = 0;
    std::size_t replaced = 0;
    line >> distinct >> replaced;
    return {distinct, replaced};
}

}  // namespace wsuslab::proxy_test
