#include <wsuslab/protocol/operations.hpp>

#include <array>
#include <string>

namespace wsuslab::protocol {
namespace {

struct operation_entry {
    operation op;
    service svc;
    std::string_view name;
    std::string_view action;
};

// One row per operation, in enum order (docs/protocol-notes.md §2.5).
constexpr std::array<operation_entry, 12> entries{{
    {operation::get_authorization_cookie, service::simple_auth, "GetAuthorizationCookie",
     "http://www.microsoft.com/SoftwareDistribution/Server/SimpleAuthWebService/GetAuthorizationCookie"},
    {operation::get_config, service::client, "GetConfig",
     "http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/GetConfig"},
    {operation::get_cookie, service::client, "GetCookie",
     "http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/GetCookie"},
    {operation::register_computer, service::client, "RegisterComputer",
     "http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/RegisterComputer"},
    {operation::start_category_scan, service::client, "StartCategoryScan",
     "http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/StartCategoryScan"},
    {operation::sync_updates, service::client, "SyncUpdates",
     "http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/SyncUpdates"},
    {operation::sync_printer_catalog, service::client, "SyncPrinterCatalog",
     "http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/SyncPrinterCatalog"},
    {operation::refresh_cache, service::client, "RefreshCache",
     "http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/RefreshCache"},
    {operation::get_extended_update_info, service::client, "GetExtendedUpdateInfo",
     "http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/GetExtendedUpdateInfo"},
    {operation::get_extended_update_info2, service::client, "GetExtendedUpdateInfo2",
     "http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/GetExtendedUpdateInfo2"},
    {operation::get_file_locations, service::client, "GetFileLocations",
     "http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/GetFileLocations"},
    {operation::report_event_batch, service::reporting, "ReportEventBatch",
     "http://www.microsoft.com/SoftwareDistribution/ReportEventBatch"},
}};

const operation_entry& entry(operation op) { return entries.at(static_cast<std::size_t>(op)); }

std::string_view strip_quotes(std::string_view s) {
    if (s.size() >= 2 && s.front() == '"' && s.back() == '"') {
        return s.substr(1, s.size() - 2);
    }
    return s;
}

}  // namespace

std::string_view operation_name(operation op) { return entry(op).name; }
std::string_view soap_action(operation op) { return entry(op).action; }
service service_of(operation op) { return entry(op).svc; }

std::string_view service_namespace(service s) {
    switch (s) {
        case service::client:
            return client_ns;
        case service::simple_auth:
            return simple_auth_ns;
        case service::reporting:
            return reporting_ns;
    }
    return client_ns;
}

std::optional<operation> operation_from_action(std::string_view action) {
    action = strip_quotes(action);
    for (auto const& e : entries) {
        if (e.action == action) {
            return e.op;
        }
    }
    return std::nullopt;
}

std::optional<operation> operation_from_wrapper(std::string_view ns, std::string_view local_name) {
    for (auto const& e : entries) {
        if (e.name == local_name && service_namespace(e.svc) == ns) {
            return e.op;
        }
    }
    return std::nullopt;
}

}  // namespace wsuslab::protocol
