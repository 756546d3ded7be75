#pragma once
// The private state of wsus_service: it owns what the operations share (operation_context.hpp),
// the mutable state, the recorder and replayer, and answers HTTP requests (service.cpp,
// router.cpp). The SOAP endpoint and the operations are free functions (router.hpp,
// operations.hpp).

#include <memory>
#include <optional>

#include <wsuslab/server/cookie_codec.hpp>
#include <wsuslab/server/exchange_store.hpp>
#include <wsuslab/server/metrics.hpp>
#include <wsuslab/server/server_log.hpp>
#include <wsuslab/server/service.hpp>

#include "operation_context.hpp"
#include "router.hpp"
#include "service_state.hpp"

namespace wsuslab::server {

struct wsus_service::impl {
    /// `options.clock` must be set.
    impl(service_options o, cookie_codec c, std::unique_ptr<const detail::scenario_data> d, std::string identity,
         std::int64_t config_ms);

    service_options options;
    std::unique_ptr<const detail::scenario_data> data;  // null only in replay-only mode
    cookie_codec codec;
    server_log log;
    metrics_registry metrics;
    detail::service_state state;
    detail::selfupdate_folder selfupdate;
    std::shared_ptr<exchange_recorder> recorder;
    std::shared_ptr<exchange_replayer> replayer;

    detail::endpoint_context endpoint();
    /// The operations' context; nullopt without a scenario.
    std::optional<detail::operation_context> operations();

    // router.cpp
    detail::routed route(const detail::route_match& m, const http_request& request);
    detail::routed route_soap(const detail::route_match& m, const http_request& request);
    detail::routed route_monitoring(const detail::route_match& m, const http_request& request);
};

}  // namespace wsuslab::server
