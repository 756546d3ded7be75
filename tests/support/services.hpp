#pragma once
/// The mock WSUS as the integration suites build it: created or the test fails with the problem,
/// and handed to an HTTP server as a request handler.

#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

#include <wsuslab/server/http_types.hpp>
#include <wsuslab/server/service.hpp>

namespace wsuslab::test {

/// wsus_service::create; throws std::runtime_error("wsus_service::create: <problem>") when it
/// refuses the options.
inline std::shared_ptr<server::wsus_service> create_service(server::service_options options) {
    auto created = server::wsus_service::create(std::move(options));
    if (auto const* e = std::get_if<std::string>(&created)) {
        throw std::runtime_error("wsus_service::create: " + *e);
    }
    return std::shared_ptr<server::wsus_service>(std::get<std::unique_ptr<server::wsus_service>>(std::move(created)));
}

/// A request handler that asks `service`.
inline server::request_handler handler_of(std::shared_ptr<server::wsus_service> service) {
    return [svc = std::move(service)](const server::http_request& r) { return svc->handle(r); };
}

}  // namespace wsuslab::test
