#pragma once
/// The mock WSUS web services as a plain function of request -> response (no sockets): routing
/// (ClientWebService, SimpleAuth, Reporting, /Content, /metrics, /healthz, WSDL), the MS-WUSP
/// operations computed from a scenario through a GetSyncInfo model, verifiable cookies, the
/// 954960 fault, SoftwareDistribution.log, metrics, record/replay. See docs/server.md.
///
/// Thread-safety: every public member may be called from several threads at once. Scenario,
/// catalog and models are immutable after create(); mutable state (registrations, events,
/// identity, metrics, log) sits behind its own mutex. handle() never throws and never blocks on
/// I/O other than the log file and record/replay directories.

#include <cstddef>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include <wsuslab/server/http_types.hpp>
#include <wsuslab/server/service_options.hpp>

namespace wsuslab::server {

class wsus_service {
public:
    /// Loads the scenario, builds the catalog and models, draws a fresh cookie key and server
    /// identity, opens the log. Errors are returned as text naming the problem (e.g. the
    /// scenario loader's "file:line: problem", or "cannot open log file '...': ...").
    static std::variant<std::unique_ptr<wsus_service>, std::string> create(service_options options);

    ~wsus_service();
    wsus_service(const wsus_service&) = delete;
    wsus_service& operator=(const wsus_service&) = delete;

    /// Answers one HTTP request. Never throws; unknown paths give 404, wrong methods 405 with
    /// Allow, wrong Content-Type on SOAP endpoints 415, bad SOAP a SOAP fault.
    http_response handle(const http_request& request);

    /// Replaces the public base URL (no trailing slash), e.g. after binding port 0.
    void set_base_url(std::string base_url);
    std::string base_url() const;

    /// Prometheus text exposition (what GET /metrics returns).
    std::string metrics_text() const;

    /// Flushes the server log and the recorder.
    void flush();

    /// Draws a new server identity GUID: cookies issued before are then answered ServerChanged
    /// (the cookie key stays, so they still verify). For tests and for replaying ServerChanged.
    void rotate_identity();
    std::string server_identity() const;

    /// Moves the configuration LastChange forward: cookies issued before -> ConfigChanged.
    void bump_config();
    std::string config_last_change() const;

    /// The fault IDs (GUIDs) answered so far, oldest first, at most the last 1000.
    std::vector<std::string> last_fault_ids() const;

    /// How many ReportEventBatch events were received and kept in memory.
    std::size_t events_received() const;

    const service_options& options() const;

    struct impl;

private:
    explicit wsus_service(std::unique_ptr<impl> p);
    std::unique_ptr<impl> impl_;
};

}  // namespace wsuslab::server
