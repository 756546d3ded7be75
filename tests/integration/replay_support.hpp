#pragma once
// Helpers of the record/replay integration suites: the kb954960 scenario, the mock WSUS on
// 127.0.0.1:0 (live, recording or replaying), the simulated agent over real HTTP, and how the
// shipped recordings in fixtures/exchanges are produced (one function, used both to regenerate
// them and to check that they still describe what the service and the agent do).

#include <atomic>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <memory>
#include <ostream>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include <gtest/gtest.h>

#include <wsuslab/client/agent.hpp>
#include <wsuslab/client/http_transport.hpp>
#include <wsuslab/mitigation/scenario_loader.hpp>
#include <wsuslab/server/exchange_store.hpp>
#include <wsuslab/server/service.hpp>

#include "fixtures.hpp"
#include "scenarios.hpp"
#include "services.hpp"
#include "test_server.hpp"

namespace wsuslab::replay_test {

/// The public base URL the recordings use, so that no random port ends up in a response body.
inline const std::string recorded_base_url = "http://wsusebc:8530";

/// The shipped recordings: folder under fixtures/exchanges, model, clients in run order.
struct recording_plan {
    std::string folder;
    mitigation::model_kind model;
    std::vector<std::string> clients;
};

/// GoogleTest prints a plan by its folder name.
inline void PrintTo(const recording_plan& p, std::ostream* os) {
    *os << p.folder;
}

inline const std::vector<recording_plan>& shipped_plans() {
    static const std::vector<recording_plan> plans = {
        {"kb954960-legacy",
         mitigation::model_kind::legacy,
         {"office2003-workstation", "plain-workstation"}},
        {"kb954960-fixed",
         mitigation::model_kind::fixed,
         {"office2003-workstation", "plain-workstation"}},
    };
    return plans;
}

/// The command that rewrites the shipped recordings (documented in fixtures/exchanges/README.md).
inline const char* regenerate_command =
    "WSUSLAB_REGENERATE_EXCHANGES=$PWD/fixtures/exchanges "
    "<build>/tests/integration/integration_tests "
    "--gtest_filter='*ReplayRecordingsTest*'";

inline std::shared_ptr<const mitigation::scenario> kb954960() { return test::shipped_kb954960(); }

inline const mitigation::client_profile& profile(const std::string& name) { return test::shipped_profile(name); }

/// A fresh folder under the GoogleTest temp dir.
inline std::string fresh_dir(const std::string& tag) {
    static std::atomic<int> counter{0};
    auto const* info = ::testing::UnitTest::GetInstance()->current_test_info();
    const std::filesystem::path dir =
        std::filesystem::path(::testing::TempDir()) /
        ("wsuslab-replay-" + std::string(info != nullptr ? info->name() : "x") + "-" + tag + "-" +
         std::to_string(counter++));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir.string();
}

/// The instant the recordings are made at (the advisory's server log time, docs/history.md §3.4).
inline std::chrono::system_clock::time_point recording_time() {
    return std::chrono::system_clock::time_point(
        std::chrono::seconds(1213412397));  // 2008-06-14T02:59:57Z
}

/// The mock WSUS behind test_server. Live (optionally recording into `record_dir` with the
/// recorder's client keys taken from the scenario's profile names) or replay-only.
class wsus_under_test {
public:
    static std::unique_ptr<wsus_under_test> live(mitigation::model_kind model,
                                                 const std::string& record_dir = {}) {
        server::service_options o;
        o.scenario = kb954960();
        o.model = model;
        return std::unique_ptr<wsus_under_test>(
            new wsus_under_test(std::move(o), record_dir, model));
    }
    static std::unique_ptr<wsus_under_test> replaying(const std::string& dir) {
        server::service_options o;
        o.replay_dir = dir;
        return std::unique_ptr<wsus_under_test>(
            new wsus_under_test(std::move(o), {}, std::nullopt));
    }

    std::string url() const { return http_->url(); }
    std::size_t recorded() const { return recorder_ ? recorder_->recorded() : 0; }

private:
    wsus_under_test(server::service_options o, const std::string& record_dir,
                    std::optional<mitigation::model_kind> model) {
        o.base_url = recorded_base_url;
        o.clock = [] { return recording_time(); };
        service_ = test::create_service(std::move(o));
        server::request_handler handler = test::handler_of(service_);
        if (!record_dir.empty()) {
            server::recording_info info;
            info.scenario = "kb954960";
            info.model = std::string(mitigation::model_name(*model));
            info.source =
                "recorded from wsus_service (what wsuslab serve runs) --scenario "
                "fixtures/scenarios/kb954960.xml"
                " --model " +
                info.model +
                ", clients run by wsuslab::client::run_sync over 127.0.0.1; regenerate: " +
                regenerate_command;
            info.clock = [] { return std::string("2008-06-14T02:59:57Z"); };
            info.client_namer = [](std::string_view id, std::string_view dns) {
                for (auto const& p : kb954960()->profiles) {
                    if (p.client_id == id || p.dns_name == dns) {
                        return p.name;
                    }
                }
                return std::string(dns);
            };
            auto opened = server::exchange_recorder::open(record_dir, std::move(info));
            if (!opened) {
                throw std::runtime_error(opened.error().message());
            }
            recorder_ = std::shared_ptr<server::exchange_recorder>(std::move(opened).value());
            handler = server::recording_handler(
                std::move(handler), recorder_, [](const server::exchange_error& e) {
                    ADD_FAILURE() << "recording failed: " << e.message();
                });
        }
        http_ = std::make_unique<test::test_server>(std::move(handler));
    }

    std::shared_ptr<server::wsus_service> service_;
    std::shared_ptr<server::exchange_recorder> recorder_;
    std::unique_ptr<test::test_server> http_;
};

/// The 2008 client start time of the advisory (docs/history.md §3.1), UTC.
inline client::time_point client_start() {
    return client::time_point(
        std::chrono::milliseconds(1213412393383LL));  // 2008-06-14T02:59:53.383Z
}

/// One detection of `profile_name` against `url`: fresh in-memory client, events reported.
inline client::sync_outcome run_client(const std::string& url, const std::string& profile_name) {
    client::sync_options o;
    o.server_url = url;
    o.profile = profile(profile_name);
    o.report_events = true;
    client::http_transport net;
    client::simulated_clock time(client_start());
    return client::run_sync(o, net, time);
}

/// Records plan `p` into `dir`: a live service on the plan's model, its clients one after another.
inline std::vector<client::sync_outcome> record_plan(const recording_plan& p,
                                                     const std::string& dir) {
    auto wsus = wsus_under_test::live(p.model, dir);
    std::vector<client::sync_outcome> outcomes;
    for (auto const& c : p.clients) {
        outcomes.push_back(run_client(wsus->url(), c));
    }
    return outcomes;
}

/// A log line with the (per-run) server URL replaced by "<server>".
inline std::vector<std::string> log_without_url(const client::sync_outcome& o,
                                                const std::string& url) {
    std::vector<std::string> out;
    for (auto const& l : o.log) {
        std::string t = l.tagged();
        for (auto pos = t.find(url); pos != std::string::npos; pos = t.find(url)) {
            t.replace(pos, url.size(), "<server>");
        }
        out.push_back(std::move(t));
    }
    return out;
}

/// Replaces the text between every `open` and the following `close` by "*".
inline std::string mask_between(std::string text, const std::string& open,
                                const std::string& close) {
    for (auto pos = text.find(open); pos != std::string::npos; pos = text.find(open, pos)) {
        const auto from = pos + open.size();
        const auto to = text.find(close, from);
        if (to == std::string::npos) {
            break;
        }
        text.replace(from, to - from, "*");
        pos = from + 1 + close.size();
    }
    return text;
}

/// Whether `s` holds a GUID (8-4-4-4-12 hex digits) at `pos`.
inline bool guid_at(const std::string& s, std::size_t pos) {
    constexpr std::size_t length = 36;
    if (pos + length > s.size()) {
        return false;
    }
    for (std::size_t i = 0; i < length; ++i) {
        const char c = s[pos + i];
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? c != '-' : std::isxdigit(static_cast<unsigned char>(c)) == 0) {
            return false;
        }
    }
    return true;
}

/// A body with what differs from run to run masked: cookie contents and fault IDs.
/// (Plain string scanning: std::regex trips GCC 12's -Wmaybe-uninitialized under -O1 + ASan.)
inline std::string mask_per_run(const std::string& body) {
    std::string out = mask_between(body, "<EncryptedData>", "</EncryptedData>");
    out = mask_between(out, "<CookieData>", "</CookieData>");
    for (auto pos = out.find("<ID>"); pos != std::string::npos; pos = out.find("<ID>", pos + 1)) {
        if (guid_at(out, pos + 4)) {
            out.replace(pos + 4, 36, "*");
        }
    }
    return out;
}

/// Log lines with the server URL and the fault ID (a fresh GUID per live run) masked.
inline std::vector<std::string> comparable_log(const client::sync_outcome& o,
                                               const std::string& url) {
    std::vector<std::string> out;
    for (auto line : log_without_url(o, url)) {
        if (line.find("ID:") != std::string::npos) {
            for (std::size_t pos = 0; pos < line.size(); ++pos) {
                if (guid_at(line, pos)) {
                    line.replace(pos, 36, "<guid>");
                }
            }
        }
        out.push_back(std::move(line));
    }
    return out;
}

}  // namespace wsuslab::replay_test
