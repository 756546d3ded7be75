#pragma once
// What the MS-WUSP operations of the mock WSUS work with (docs/architecture.md, "The server"):
// the shared context (immutable after load, plus the thread-safe log, metrics and state), the
// per-request call, and the outcome an operation decides. An operation is a free function of
// (context, call, typed request) -> outcome: no HTTP, no envelope, testable alone.

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include <wsuslab/mitigation/catalog.hpp>
#include <wsuslab/mitigation/get_sync_info.hpp>
#include <wsuslab/mitigation/scenario.hpp>
#include <wsuslab/protocol/fault.hpp>
#include <wsuslab/protocol/messages.hpp>
#include <wsuslab/server/cookie_codec.hpp>
#include <wsuslab/server/metrics.hpp>
#include <wsuslab/server/server_log.hpp>
#include <wsuslab/server/service_options.hpp>

#include "service_index.hpp"
#include "service_state.hpp"

namespace wsuslab::server::detail {

/// An MS-WUSP application fault decided by an operation. `prelude` lines (the .NET exception of
/// the 954960 failure) are written right before the ThrowException line, in the same block.
struct app_fault {
    protocol::error_code code;
    std::string message;
    std::vector<log_line> prelude;
};

/// A SOAP fault without MS-WUSP detail (an operation the server's protocol version lacks).
struct plain_fault {
    protocol::fault_code code = protocol::fault_code::client;
    std::string faultstring;
};

using op_outcome = std::variant<protocol::response, app_fault, plain_fault>;

/// What a request tells the per-request log line and the recorder, whoever answered it.
struct request_notes {
    std::string client_id;            ///< "" when unknown
    std::string model;                ///< GetSyncInfo model that answered, "" if none
    std::vector<std::string> detail;  ///< verbose-level facts, "key=value"
};

/// One SOAP request as the operations see it: what it came with, and what they leave for the log.
struct soap_call {
    std::string soap_action;  ///< raw header, quotes kept ("" when absent)
    std::string actor_path;   ///< canonical endpoint path (fault actor, logs)
    protocol::operation op = protocol::operation::get_config;
    std::int64_t now_ms = 0;
    state_snapshot state;  ///< identity, configuration and base URL as of the request's start
    // Filled by the operations.
    request_notes notes;
    std::vector<log_line> extra_log;  ///< Warning lines (resolved duplicates, targeting notes)
};

/// What a scenario gives the operations, built once and immutable afterwards (no lock): the
/// scenario, mitigation's catalog, the content/category index and both GetSyncInfo models.
struct scenario_data {
    scenario_data(std::shared_ptr<const mitigation::scenario> s, mitigation::model_kind default_kind,
                  const mitigation::legacy_options& legacy);
    scenario_data(const scenario_data&) = delete;
    scenario_data& operator=(const scenario_data&) = delete;

    /// The model of `kind`.
    const mitigation::get_sync_info_model& model(mitigation::model_kind kind) const;

    std::shared_ptr<const mitigation::scenario> scenario;
    mitigation::catalog catalog;
    scenario_index index;
    mitigation::model_kind default_model;
    std::unique_ptr<mitigation::get_sync_info_model> legacy_model;
    std::unique_ptr<mitigation::get_sync_info_model> fixed_model;
};

/// What the SOAP endpoint needs with or without a scenario: the options, and where faults are
/// logged, counted and kept. Log, metrics and state are thread-safe themselves.
struct endpoint_context {
    const service_options& options;  ///< limits, cookie lifetime, fault status
    server_log& log;
    metrics_registry& metrics;
    service_state& state;
};

/// What every operation shares: the endpoint's parts, the scenario's data and the cookie codec.
struct operation_context : endpoint_context {
    const scenario_data& data;
    const cookie_codec& codec;

    const mitigation::scenario& scenario() const { return *data.scenario; }
};

}  // namespace wsuslab::server::detail
