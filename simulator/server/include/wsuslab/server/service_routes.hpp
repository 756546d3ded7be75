#pragma once
/// The mock WSUS's path rules for callers outside `wsus_service` that act on the same requests
/// (e.g. `wsuslab serve` appends the transport metrics to /metrics). The rules themselves live in
/// one table in the service (docs/architecture.md, "Who owns which rule").

#include <wsuslab/server/http_types.hpp>

namespace wsuslab::server {

/// Whether `request` is a GET of the service's Prometheus text: /metrics as the service matches
/// it (any case, any query).
bool is_metrics_get(const http_request& request);

}  // namespace wsuslab::server
