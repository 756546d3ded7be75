// proxy_service: forward to the upstream, answer the client, record (docs/proxy.md).
#include <wsuslab/server/proxy.hpp>

#include <atomic>
#include <exception>
#include <filesystem>
#include <mutex>
#include <optional>
#include <system_error>
#include <utility>

#include <wsuslab/protocol/codec.hpp>

#include "exchange_detail.hpp"
#include "proxy_sanitizer.hpp"
#include "plain_response.hpp"

namespace wsuslab::server {
namespace fs = std::filesystem;

namespace {

bool in_list(std::string_view name, std::initializer_list<std::string_view> list) {
    for (auto n : list) {
        if (detail::iequals(name, n)) {
            return true;
        }
    }
    return false;
}

// Fields that describe one connection (RFC 9110 §7.6.1) and are never forwarded.
bool is_hop_by_hop(std::string_view name) {
    return in_list(name, {"Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate",
                          "Proxy-Authorization", "TE", "Trailer", "Transfer-Encoding", "Upgrade"});
}

std::string_view first_segment(std::string_view target) {
    std::string_view p = detail::path_of(target);
    while (!p.empty() && p.front() == '/') {
        p.remove_prefix(1);
    }
    return p.substr(0, p.find('/'));
}

bool is_soap_service(const http_request& r) {
    return in_list(first_segment(r.target), {"ClientWebService", "SimpleAuthWebService", "ReportingWebService"});
}

std::string_view failure_text(upstream_failure_kind kind) {
    switch (kind) {
        case upstream_failure_kind::unreachable:
            return "cannot be reached";
        case upstream_failure_kind::timed_out:
            return "did not answer in time";
        case upstream_failure_kind::bad_response:
            return "did not answer with a usable HTTP response";
        case upstream_failure_kind::too_large:
            return "answered more than the proxy accepts";
    }
    return "failed";
}

// The upstream's answer as the client gets it: its status, headers and body; the framing is the
// session's (Content-Length), and only "Connection: close" of the connection fields is kept.
http_response client_response(http_response reply, bool head) {
    http_response out;
    out.status = reply.status;
    for (auto& [name, value] : reply.headers) {
        if (detail::iequals(name, "Connection")) {
            if (detail::iequals(value, "close")) {
                out.headers.emplace_back(std::move(name), std::move(value));
            }
            continue;
        }
        if (is_hop_by_hop(name) || detail::iequals(name, "Content-Length")) {
            continue;
        }
        out.headers.emplace_back(std::move(name), std::move(value));
    }
    out.body = std::move(reply.body);
    out.head_only = head;
    return out;
}

// The ProtocolVersion property of a GetConfig answer, if it is one.
std::string protocol_version_of(const http_response& r, const protocol::limits& lim) {
    auto reply = protocol::parse_response(protocol::operation::get_config, r.body, lim);
    if (!reply) {
        return {};
    }
    const auto* res = std::get_if<protocol::response>(&reply.value());
    const auto* cfg = res != nullptr ? std::get_if<protocol::get_config_response>(res) : nullptr;
    if (cfg == nullptr || !cfg->result || !cfg->result->properties) {
        return {};
    }
    for (auto const& [name, value] : *cfg->result->properties) {
        if (name == "ProtocolVersion") {
            return value;
        }
    }
    return {};
}

// Why a recorded exchange would not load (docs/exchanges-format.md "What loading checks"), or "".
std::string load_problem(const http_request& req, const http_response& res, const protocol::limits& lim) {
    const auto facts = detail::inspect_request(req, lim);
    if (!facts.op || !detail::is_xml_content_type(res.header("Content-Type"))) {
        return {};
    }
    std::string problem;
    detail::issued_cookies(*facts.op, res, lim, &problem);
    if (problem.empty()) {
        return {};
    }
    return "the answer is not a " + facts.operation_name + " response or SOAP fault: " + problem;
}

bool holds_exchanges(const std::string& dir) {
    std::error_code ec;
    for (auto const& entry : fs::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (entry.is_directory(ec) && !name.empty() && name.front() != '.' && detail::folder_number(name)) {
            return true;
        }
    }
    return false;
}

}  // namespace

http_request upstream_request(const http_request& request) {
    http_request out;
    out.method = detail::iequals(request.method, "HEAD") ? "GET" : request.method;
    out.target = request.target;
    out.version = 11;
    out.body = detail::iequals(request.method, "HEAD") ? std::string() : request.body;
    out.remote_address = request.remote_address;
    out.tls = request.tls;
    for (auto const& [name, value] : request.headers) {
        if (is_hop_by_hop(name) ||
            in_list(name, {"Host", "Content-Length", "Accept-Encoding", "Expect"})) {
            continue;
        }
        out.headers.emplace_back(name, value);
    }
    return out;
}

struct proxy_service::impl {
    proxy_options options;
    upstream_forwarder upstream;
    std::shared_ptr<exchange_recorder> recorder;

    std::mutex record_mutex;  // sanitizer, facts, report: one exchange at a time
    std::optional<detail::sanitizer> cleaner;
    upstream_meta facts;

    std::atomic<std::uint64_t> forwarded{0};
    std::atomic<std::uint64_t> failures{0};
    std::atomic<std::uint64_t> recorded{0};
    std::atomic<std::uint64_t> skipped{0};

    void log(const std::string& line) const {
        if (options.log) {
            options.log(line);
        }
    }

    void not_recorded(const http_request& request, const std::string& why) {
        skipped.fetch_add(1, std::memory_order_relaxed);
        log("not recorded: " + request.method + " " + std::string(detail::path_of(request.target)) + ": " + why);
    }

    void write_report() const {
        const fs::path file = fs::path(options.record_dir) / "sanitize-report.txt";
        if (!detail::write_file(file, cleaner->report(recorded.load()))) {
            log("cannot write " + file.string());
        }
    }

    http_response failure(const upstream_failure& f) {
        failures.fetch_add(1, std::memory_order_relaxed);
        const int status = f.kind == upstream_failure_kind::timed_out ? 504 : 502;
        std::string line = "upstream " + options.upstream.url + " " + std::string(failure_text(f.kind)) + ": " + f.message;
        log(std::to_string(status) + ": " + line);
        return detail::plain_text_response(status, "wsuslab proxy: " + line + "\n");
    }

    void record(const http_request& request, const http_response& response);
};

void proxy_service::impl::record(const http_request& request, const http_response& response) {
    if (auto enc = response.header("Content-Encoding"); enc && !detail::iequals(*enc, "identity")) {
        // The proxy asks for plain bodies; a server that compresses anyway cannot be recorded.
        not_recorded(request, "the upstream answered Content-Encoding: " + std::string(*enc) +
                                  " although the proxy asked for a plain body");
        return;
    }
    if (auto why = load_problem(request, response, options.limits); !why.empty()) {
        not_recorded(request, why);
        return;
    }
    http_request req = request;
    http_response res = response;
    res.head_only = false;
    std::lock_guard<std::mutex> lock(record_mutex);
    if (cleaner) {
        const bool parsed = detail::inspect_request(req, options.limits).parsed;
        cleaner->sanitize(req, res);
        if (detail::inspect_request(req, options.limits).parsed != parsed) {
            not_recorded(request, "the sanitized request no longer parses");
            return;
        }
        if (auto why = load_problem(req, res, options.limits); !why.empty()) {
            not_recorded(request, "after sanitizing, " + why);
            return;
        }
    }
    if (auto server = res.header("Server")) {
        facts.server = std::string(*server);
    }
    if (auto aspnet = res.header("X-AspNet-Version")) {
        facts.aspnet_version = std::string(*aspnet);
    }
    const auto op = detail::inspect_request(req, options.limits).op;
    if (op == protocol::operation::get_config) {
        if (auto v = protocol_version_of(res, options.limits); !v.empty()) {
            facts.protocol_version = v;
        }
    }
    exchange_annotations notes;
    notes.upstream = facts;
    auto written = recorder->record(req, res, notes);
    if (!written) {
        skipped.fetch_add(1, std::memory_order_relaxed);
        log("recording failed: " + written.error().message());
        return;
    }
    recorded.fetch_add(1, std::memory_order_relaxed);
    if (cleaner) {
        write_report();
    }
}

std::variant<std::unique_ptr<proxy_service>, std::string> proxy_service::create(proxy_options options,
                                                                                upstream_forwarder upstream) {
    if (!upstream) {
        return std::string("no upstream forwarder");
    }
    auto p = std::make_unique<impl>();
    p->upstream = std::move(upstream);
    p->facts.recorded_via = "wsuslab proxy";
    p->facts.sanitized = options.sanitize;
    if (!options.record_dir.empty()) {
        if (options.sanitize && holds_exchanges(options.record_dir)) {
            return "recording folder " + options.record_dir +
                   " already holds exchanges; a sanitized recording starts in an empty folder "
                   "(the proxy keeps no table of replaced values between runs)";
        }
        recording_info info;
        info.source = options.sanitize ? std::string("recorded from a real server through wsuslab proxy, sanitized")
                                       : "recorded from " + options.upstream.url + " through wsuslab proxy";
        info.clock = options.clock;
        auto opened = exchange_recorder::open(options.record_dir, std::move(info));
        if (!opened) {
            return opened.error().message();
        }
        p->recorder = std::shared_ptr<exchange_recorder>(std::move(opened).value());
        if (options.sanitize) {
            detail::sanitizer_config c;
            c.upstream_host = options.upstream.host;
            c.upstream_port = options.upstream.port;
            c.upstream_addresses = options.upstream.addresses;
            c.lab_url = options.lab_url;
            p->cleaner.emplace(std::move(c));
        }
    }
    p->options = std::move(options);
    if (p->cleaner) {
        p->write_report();
    }
    return std::unique_ptr<proxy_service>(new proxy_service(std::move(p)));
}

proxy_service::proxy_service(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
proxy_service::~proxy_service() = default;

http_response proxy_service::handle(const http_request& request) {
    impl& s = *impl_;
    try {
        if (!in_list(request.method, {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"})) {
            return detail::plain_text_response(501, "wsuslab proxy: method " + request.method + " is not forwarded\n");
        }
        auto result = s.upstream(upstream_request(request));
        if (auto const* f = std::get_if<upstream_failure>(&result)) {
            return s.failure(*f);
        }
        s.forwarded.fetch_add(1, std::memory_order_relaxed);
        http_response response = client_response(std::get<http_response>(std::move(result)),
                                                 detail::iequals(request.method, "HEAD"));
        if (s.recorder && (is_soap_service(request) || s.options.record_content)) {
            s.record(request, response);
        }
        return response;
    } catch (const std::exception& e) {
        s.log(std::string("proxy error: ") + e.what());
        return detail::plain_text_response(502, std::string("wsuslab proxy: internal error: ") + e.what() + "\n");
    }
}

proxy_stats proxy_service::stats() const {
    proxy_stats st;
    st.forwarded = impl_->forwarded.load();
    st.upstream_failures = impl_->failures.load();
    st.recorded = impl_->recorded.load();
    st.not_recorded = impl_->skipped.load();
    return st;
}

}  // namespace wsuslab::server
