// One detection with its WindowsUpdate.log framing (docs/history.md §3.1, §3.3), the event report,
// the retry schedule, and run_sync (cache load/save, replays of later detections).
#include <cstdio>
#include <utility>

#include <wsuslab/client/url.hpp>

#include "agent_impl.hpp"

namespace wsuslab::client::detail {
namespace {

constexpr const char* search_criteria =
    "IsInstalled=0 and DeploymentAction='Installation' or IsPresent=1 and "
    "DeploymentAction='Uninstallation' or IsInstalled=1 and DeploymentAction='Installation' and "
    "RebootRequired=1 or IsInstalled=0 and DeploymentAction='Uninstallation' and RebootRequired=1";

std::string hex8_lower(std::uint32_t v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%08x", v);
    return buf;
}

std::string local_stamp(time_point t, int offset) {
    std::string time = log_time(t, offset);
    return log_date(t, offset) + " " + time.substr(0, 8);
}

std::string offset_text(int minutes) {
    char buf[16];
    int const a = minutes < 0 ? -minutes : minutes;
    std::snprintf(buf, sizeof buf, "%c%02d%02d", minutes < 0 ? '-' : '+', a / 60, a % 60);
    return buf;
}

std::string processor_enum(const std::string& arch) {
    if (arch == "amd64" || arch == "x64" || arch == "AMD64") {
        return "Amd64Compatible";
    }
    if (arch == "ia64" || arch == "IA64") {
        return "IA64Compatible";
    }
    if (arch == "x86" || arch == "X86") {
        return "X86Compatible";
    }
    return "Unknown";
}

}  // namespace

void agent::log_start() {
    log_.au("#############");
    log_.au("## START ## AU: Search for updates");
    log_.au("#########");
    log_.au("<<## SUBMITTED ## AU: Search for updates [CallId = " + call_id_ + "]");
    log_.agent("*************");
    log_.agent("** START ** Agent: Finding updates [CallerId = AutomaticUpdates]");
    log_.agent("*********");
    log_.agent("* Online = Yes; Ignore download priority = No");
    log_.agent(std::string("* Criteria = \"") + search_criteria + "\"");
    log_.agent("* ServiceID = " + std::string(wsus_service_id));
}

void agent::log_success(std::size_t found, std::size_t categories) {
    std::size_t deployed = 0;
    for (auto const& [id, rev] : cache_.revisions) {
        deployed += rev.deploy ? 1 : 0;
    }
    log_.agent("* Found " + std::to_string(found) + " updates and " + std::to_string(categories) +
               " categories in search; evaluated appl. rules of " +
               std::to_string(cache_.revisions.size()) + " out of " + std::to_string(deployed) +
               " deployed entities");
    log_.agent("*********");
    log_.agent("** END ** Agent: Finding updates [CallerId = AutomaticUpdates]");
    log_.agent("*************");
    log_.au(">>## RESUMED ## AU: Search for updates [CallId = " + call_id_ + "]");
    log_.au("# " + std::to_string(found) + " updates detected");
    log_.au("#########");
    log_.au("## END ## AU: Search for updates [CallId = " + call_id_ + "]");
    log_.au("#############");
}

void agent::log_final_failure(const failure& f) {
    if (!f.selfupdate) {
        log_.pt("WARNING: PTError: " + format_hresult_lower(f.hresult));
        if (modern() && f.fault) {
            // The modern agent's recovery wrapper line (docs/protocol-notes.md §10.1, KB 0x80244007).
            log_.pt("WARNING: " + op_name(f.fault->op) + "_WithRecovery failed.: " + format_hresult(f.hresult));
        }
        log_.agent("WARNING: Failed to synchronize, error = " + format_hresult(f.hresult));
    }
    log_.agent("* WARNING: Exit code = " + format_hresult(f.hresult));
    log_.agent("*********");
    log_.agent("** END ** Agent: Finding updates [CallerId = AutomaticUpdates]");
    log_.agent("*************");
    log_.agent("WARNING: WU client failed Searching for update with error " +
               format_hresult_lower(f.hresult));
    log_.au(">>## RESUMED ## AU: Search for updates [CallId = " + call_id_ + "]");
    log_.au("# WARNING: Search callback failed, result = " + format_hresult(f.hresult));
    log_.au("# WARNING: Failed to find updates with error code " + hex8_lower(f.hresult));
    log_.au("#########");
    log_.au("## END ## AU: Search for updates [CallId = " + call_id_ + "]");
    log_.au("#############");
}

protocol::reporting_event agent::make_event(std::int16_t event_id, std::uint32_t hresult,
                                            std::string replacement) {
    protocol::basic_data b;
    b.target_id_sid = cache_.client_id;
    b.sequence_number = 0;
    b.time_at_target = format_iso8601(clock_.now());
    // Upper case, as the agent writes its event and call IDs ("{E6D82915-627F-418B-...}").
    b.event_instance_id = protocol::upper_copy(protocol::make_guid(rng_));
    b.namespace_id = 1;
    b.event_id = event_id;
    b.source_id = 101;
    b.update_id = protocol::update_identity{"00000000-0000-0000-0000-000000000000", 0};
    b.win32_hresult = hresult_as_int(hresult);
    b.app_name = "AutomaticUpdates";
    auto const& pc = opt_.profile.computer;
    auto const& m = opt_.profile.machine;
    protocol::extended_data e;
    e.replacement_strings = protocol::string_list{std::move(replacement)};
    e.misc_data = protocol::string_list{
        "Q=1",
        "G=" + std::to_string(pc.client_version_major_number) + "." +
            std::to_string(pc.client_version_minor_number) + "." +
            std::to_string(pc.client_version_build_number) + "." +
            std::to_string(pc.client_version_qfe_number),
        "J=" + std::to_string(rng_() % 1000)};
    e.computer_brand = pc.computer_manufacturer;
    e.computer_model = pc.computer_model;
    e.bios_revision = pc.bios_version;
    e.processor_architecture = processor_enum(m.processor_architecture);
    e.os_version = protocol::detailed_version{m.os_major, m.os_minor, m.os_build, 0, m.sp_major, m.sp_minor};
    e.os_locale_id = 1033;
    e.device_id = std::string{};
    protocol::reporting_event ev;
    ev.basic = std::move(b);
    ev.extended = std::move(e);
    ev.private_ = protocol::private_data{std::string{}, std::string{}};
    return ev;
}

void agent::report(bool succeeded, std::uint32_t hresult, std::size_t found, attempt_result& ar) {
    auto allowed = [this](int id) {
        auto const& ids = cache_.config ? cache_.config->allowed_event_ids : std::vector<std::int32_t>{};
        if (ids.empty()) {
            return true;
        }
        for (auto i : ids) {
            if (i == id) {
                return true;
            }
        }
        return false;
    };
    // WUA uploads after a random delay of 1-10 minutes (docs/protocol-notes.md §4.12, <64>).
    clock_.advance(std::chrono::seconds(60 + static_cast<long>(rng_() % 540)));
    std::vector<protocol::reporting_event> events;
    std::string const zero = "{00000000-0000-0000-0000-000000000000}";
    std::string const stamp = log_date(clock_.now(), opt_.utc_offset_minutes) + " " +
                              log_time(clock_.now(), opt_.utc_offset_minutes) +
                              offset_text(opt_.utc_offset_minutes);
    auto add = [&](std::int16_t id, std::uint32_t code, std::string repl, const std::string& status,
                   const std::string& text) {
        if (!allowed(id)) {
            return;
        }
        events.push_back(make_event(id, code, std::move(repl)));
        log_.report("REPORT EVENT: {" + events.back().basic->event_instance_id + "}\t" + stamp +
                    "\t1\t" + std::to_string(id) + "\t101\t" + zero + "\t0\t" +
                    (code == 0 ? std::string("0") : hex8_lower(code)) + "\tAutomaticUpdates\t" +
                    status + "\tSoftware Synchronization\t" + text);
    };
    add(141, 0, "", "Success", "Windows Update Client started detecting updates.");
    if (succeeded) {
        add(147, 0, std::to_string(found), "Success",
            "Windows Update Client successfully detected " + std::to_string(found) + " updates.");
    } else {
        add(148, hresult, format_hresult_lower(hresult), "Failure",
            "Windows Update Client failed to detect with error " + format_hresult_lower(hresult) + ".");
    }
    if (events.empty()) {
        return;
    }
    std::string const url = reporting_service_url(opt_.server_url);
    log_.report("Uploading " + std::to_string(events.size()) +
                " events using cached cookie, reporting URL = " + url);
    auto build = [this, &events]() -> protocol::request {
        protocol::report_event_batch_request req;
        req.cookie_ = cache_.cookie;
        req.client_time = format_iso8601(clock_.now());
        req.event_batch = events;
        return req;
    };
    auto r = call(protocol::operation::report_event_batch, url, build);
    if (auto* f = std::get_if<failure>(&r)) {
        log_.report("WARNING: Failed to upload events to the server with hr = " + hex8_lower(f->hresult));
        out_.warnings.push_back("ReportEventBatch: " + f->error);
        return;
    }
    auto const* resp = std::get_if<protocol::report_event_batch_response>(&std::get<protocol::response>(r));
    if (resp == nullptr || !resp->result) {
        log_.report("WARNING: The server did not accept the " + std::to_string(events.size()) + " events");
        out_.warnings.push_back("ReportEventBatch: ReportEventBatchResult is false");
        return;
    }
    log_.report("Reporter successfully uploaded " + std::to_string(events.size()) + " events.");
    ar.events_reported = true;
}

attempt_result agent::detect(int number) {
    attempt_ = number;
    rounds_ = 0;
    recoveries_ = 0;
    driver_sync_not_needed_.reset();
    file_owner_.clear();
    call_id_ = "{" + protocol::upper_copy(protocol::make_guid(rng_)) + "}";
    attempt_result ar;
    ar.number = number;
    ar.started = clock_.now();
    log_start();
    reevaluate();

    std::optional<failure> f = selfupdate_check();
    if (!f) {
        f = ensure_ready();
    }
    if (!f) {
        f = start_category_scan();
    }
    if (!f) {
        log_.pt("+++++++++++ PT: Synchronizing server updates +++++++++++");
        log_.pt("+ ServiceId = " + std::string(wsus_service_id) + ", Server URL = " + client_url());
        f = software_pass();
    }
    if (!f) {
        f = driver_pass();
    }
    std::vector<protocol::file_location> files;
    if (!f) {
        f = extended_info(files);
    }
    if (!f && opt_.download) {
        f = download(files);
    }
    std::size_t const found = f ? 0 : needed_ids().size();
    if (f) {
        log_final_failure(*f);
        ar.verdict = f->verdict;
        ar.hresult = f->hresult;
        ar.error = f->error;
        ar.fault = f->fault;
    } else {
        std::size_t categories = 0;
        for (auto const& [id, rev] : cache_.revisions) {
            categories += rev.kind == update_kind::category ? 1 : 0;
        }
        log_success(found, categories);
        ar.verdict = sync_verdict::synced;
    }
    // A failed detection is retried after 5 hours; a good one at 80-100 % of the frequency.
    std::chrono::milliseconds delay = opt_.retry_delay;
    if (!f) {
        auto const span = opt_.detection_frequency.count() / 5;
        delay = opt_.detection_frequency - std::chrono::milliseconds(
                                               span > 0 ? static_cast<std::int64_t>(rng_() % static_cast<std::uint64_t>(span)) : 0);
    }
    ar.next_detection = clock_.now() + delay;
    log_.au("AU setting next detection timeout to " + local_stamp(*ar.next_detection, opt_.utc_offset_minutes));
    ar.rounds = rounds_;
    ar.recoveries = recoveries_;
    cache_.last_detection = ar.started;
    cache_.next_detection = ar.next_detection;
    cache_.last_result = ar.hresult;
    if (opt_.report_events && cache_.cookie && cache_.config) {
        report(!f, ar.hresult, found, ar);
    }
    ar.finished = clock_.now();
    return ar;
}

}  // namespace wsuslab::client::detail
