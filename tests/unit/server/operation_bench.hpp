#pragma once
// Runs the mock WSUS's operations directly, without HTTP or an envelope: an operation_context
// built from the kb954960 scenario (or a variant of it), a fixed clock at the advisory's moment,
// a fixed cookie key and server identity, and the handshake helpers the sync operations need.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <gtest/gtest.h>

#include "operations.hpp"
#include "service_fixture.hpp"
#include "service_time.hpp"

namespace wsuslab::server::test {

inline constexpr const char* bench_identity = "5b2c07a4-9549-4960-8d1e-2f6b0e4a1c37";
inline constexpr const char* bench_base_url = "http://wsusebc";

class operation_bench {
public:
    explicit operation_bench(mitigation::model_kind model = mitigation::model_kind::legacy,
                             std::shared_ptr<const mitigation::scenario> scenario = kb954960())
        : options_(fixed_clock_options()),
          data_(scenario, model, options_.legacy),
          state_(bench_identity,
                 detail::parse_datetime_ms(scenario->server.config_last_change).value_or(advisory_ms),
                 bench_base_url) {}

    const detail::operation_context& ctx() const { return ctx_; }
    const cookie_codec& codec() const { return codec_; }
    detail::service_state& state() { return state_; }
    std::string metrics_text() const { return metrics_.text(); }

    /// A call of `op` at the advisory's moment, seeing the current state.
    detail::soap_call call(protocol::operation op) const {
        detail::soap_call c;
        c.soap_action = "\"" + std::string(protocol::soap_action(op)) + "\"";
        c.actor_path = "/ClientWebService/client.asmx";
        c.op = op;
        c.now_ms = advisory_ms;
        c.state = state_.snapshot();
        return c;
    }

    /// The response of an outcome (a failure naming the fault otherwise).
    template <class Response>
    static Response response_of(const detail::op_outcome& outcome) {
        const auto* resp = std::get_if<protocol::response>(&outcome);
        if (resp == nullptr || !std::holds_alternative<Response>(*resp)) {
            ADD_FAILURE() << "expected a response, got "
                          << (std::holds_alternative<detail::app_fault>(outcome) ? "an application fault"
                                                                                 : "a plain fault");
            return Response{};
        }
        return std::get<Response>(*resp);
    }

    /// The application fault of an outcome (a failure otherwise).
    static detail::app_fault app_fault_of(const detail::op_outcome& outcome) {
        const auto* f = std::get_if<detail::app_fault>(&outcome);
        if (f == nullptr) {
            ADD_FAILURE() << "expected an application fault";
            return detail::app_fault{protocol::error_code::internal_server_error, "<none>", {}};
        }
        return *f;
    }

    /// GetAuthorizationCookie, then GetCookie (protocol 1.6): a Cookie for the client.
    protocol::cookie cookie(const std::string& client_id, const std::string& dns, const std::string& group = {}) {
        SCOPED_TRACE("handshake of " + client_id);
        protocol::get_authorization_cookie_request ar;
        ar.client_id = client_id;
        ar.dns_name = dns;
        ar.target_group_name = group;
        detail::soap_call ac = call(protocol::operation::get_authorization_cookie);
        auto auth = response_of<protocol::get_authorization_cookie_response>(
            detail::get_authorization_cookie(ctx_, ac, ar));
        protocol::get_cookie_request gr;
        gr.auth_cookies =
            std::vector<protocol::authorization_cookie>{auth.result.value_or(protocol::authorization_cookie{})};
        gr.last_change = state_.snapshot().config_last_change;
        gr.protocol_version = std::string("1.6");
        detail::soap_call gc = call(protocol::operation::get_cookie);
        auto resp = response_of<protocol::get_cookie_response>(detail::get_cookie(ctx_, gc, gr));
        return resp.result.value_or(protocol::cookie{});
    }

    /// RegisterComputer's outcome for a cookie.
    detail::op_outcome register_computer(const protocol::cookie& c, const std::string& dns) {
        protocol::register_computer_request r;
        r.cookie_ = c;
        protocol::computer_info info;
        info.dns_name = dns;
        r.info = info;
        detail::soap_call rc = call(protocol::operation::register_computer);
        return detail::register_computer(ctx_, rc, r);
    }

    /// A cookie of a registered client, ready for SyncUpdates.
    protocol::cookie registered_cookie(const std::string& client_id, const std::string& dns,
                                       const std::string& group = {}) {
        protocol::cookie c = cookie(client_id, dns, group);
        response_of<protocol::register_computer_response>(register_computer(c, dns));
        return c;
    }

    /// What a cookie carries (default payload when it does not open).
    cookie_payload payload_of(const protocol::cookie& c) const {
        auto opened = codec_.open(c.encrypted_data.value_or(""));
        const auto* p = std::get_if<cookie_payload>(&opened);
        EXPECT_NE(p, nullptr) << "the cookie does not open";
        return p != nullptr ? *p : cookie_payload{};
    }

private:
    static service_options fixed_clock_options() {
        service_options o;
        o.base_url = bench_base_url;
        o.clock = [] { return std::chrono::system_clock::time_point(std::chrono::milliseconds(advisory_ms)); };
        return o;
    }

    service_options options_;
    detail::scenario_data data_;
    cookie_codec codec_{"operation bench cookie key"};
    server_log log_{"", log_level::verbose, 12, options_.clock};
    metrics_registry metrics_;
    detail::service_state state_;
    detail::operation_context ctx_{{options_, log_, metrics_, state_}, data_, codec_};
};

/// Expects exactly this log line.
inline void expect_line(const log_line& line, log_severity severity, const std::string& source,
                        const std::string& message) {
    SCOPED_TRACE("log line " + line.source + " " + line.message);
    EXPECT_EQ(line.severity, severity);
    EXPECT_EQ(line.source, source);
    EXPECT_EQ(line.message, message);
}

/// Expects an application fault of `code` with `message` and no log lines before it.
inline void expect_app_fault(const detail::op_outcome& outcome, protocol::error_code code,
                             const std::string& message) {
    SCOPED_TRACE("expected fault " + std::string(protocol::error_code_name(code)) + " '" + message + "'");
    const detail::app_fault f = operation_bench::app_fault_of(outcome);
    EXPECT_EQ(f.code, code);
    EXPECT_EQ(f.message, message);
    EXPECT_TRUE(f.prelude.empty());
}

}  // namespace wsuslab::server::test
