// The SelfUpdate check of Windows 8.1-and-earlier agents (docs/client.md §2): before the scan the
// agent fetches <server>/selfupdate/wuident.cab; WSUS troubleshooting guidance ties a missing
// SelfUpdate tree to clients that do not scan, and MS-WUSP §4 shows such a client reporting
// 0x80244019 (HTTP 404).
#include <utility>

#include "agent_impl.hpp"

namespace wsuslab::client::detail {

std::optional<failure> agent::selfupdate_check() {
    if (modern() || opt_.selfupdate == selfupdate_mode::skip) {
        return std::nullopt;
    }
    auto const& pc = opt_.profile.computer;
    std::string const version = std::to_string(pc.client_version_major_number) + "." +
                                std::to_string(pc.client_version_minor_number) + "." +
                                std::to_string(pc.client_version_build_number) + "." +
                                std::to_string(pc.client_version_qfe_number);
    std::uint32_t const tid = log_.ids().agent_tid;
    // These two lines are in a published 2008 log (docs/client.md §5); the rest of this check's
    // lines are wsuslab's reconstruction.
    log_.write(tid, "Setup", "Checking for agent SelfUpdate");
    log_.write(tid, "Setup", "Client version: Core: " + version + " Aux: " + version);
    std::string const url = selfupdate_url(opt_.server_url);
    int status = 0;
    for (const char* method : {"HEAD", "GET"}) {
        transport_result tr = fetch_content(method, url);
        if (!tr.ok()) {
            log_.write(tid, "Misc", "WARNING: DownloadFileInternal failed for " + url + ": error " +
                                        format_hresult(tr.error().hresult));
            failure f{sync_verdict::connection_error, tr.error().hresult,
                      "SelfUpdate: " + std::string(method) + " " + url + ": " + tr.error().message, std::nullopt};
            f.selfupdate = true;
            return f;
        }
        status = tr.reply().status;
        if (status != 200) {
            break;
        }
    }
    if (status == 200) {
        log_.write(tid, "Setup", "SelfUpdate check completed.  SelfUpdate is NOT required.");
        return std::nullopt;
    }
    std::uint32_t const code = hresult_of_http_status(status);
    std::string const hex = format_hresult(code);
    log_.write(tid, "Misc", "WARNING: DownloadFileInternal failed for " + url + ": error " + hex);
    log_.write(tid, "Setup", "FATAL: DownloadCabFileFromServer failed, err = " + hex);
    log_.write(tid, "Setup", "FATAL: SelfUpdate check failed, err = " + hex);
    log_.agent("  * WARNING: Skipping scan, self-update check returned " + hex);
    failure f{sync_verdict::failed, code,
              "SelfUpdate: " + url + " answered HTTP " + std::to_string(status) +
                  " (no SelfUpdate tree: a 2008 agent does not scan; --skip-selfupdate skips the check)",
              std::nullopt};
    f.selfupdate = true;
    return f;
}

}  // namespace wsuslab::client::detail
