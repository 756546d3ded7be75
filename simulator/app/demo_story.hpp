#pragma once
/// The training story of Security Advisory 954960 as data: five steps, each run against a real
/// in-process mock WSUS on a free loopback port with simulated Windows Update clients, and what
/// each step expected and observed. `wsuslab demo` prints it; demo_html renders it as a page.
///
/// Steps (docs/training.md):
///  1. the lab: server build, target groups, clients, and the two deployment rows of 8862;
///  2. the Office 2003 workstation fails against unpatched WSUS 3.0 SP1 (legacy model), again
///     5 h later;
///  3. the workstation without Office syncs against the same server;
///  4. mitigation A: the server with KB954960 (fixed model) - the client syncs, the server log
///     names the duplicate it resolved;
///  5. mitigation B: approve-then-decline Office 2003 SP1 on the unpatched server - it syncs.
/// The narrative labels what is public record and what is the lab's reconstruction
/// (docs/history.md); the legacy and fixed models are reconstructions.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <wsuslab/client/sync_outcome.hpp>
#include <wsuslab/mitigation/scenario.hpp>

namespace wsuslab::app::demo {

/// One simulated client's detection against one server, with both sides' logs.
struct client_run {
    std::string profile;
    std::string server_label;  ///< e.g. "WSUS 3.0 SP1 (legacy model)"
    std::string server_url;
    client::sync_outcome outcome;
    std::vector<std::string> server_log;  ///< SoftwareDistribution.log lines written meanwhile
    std::string fault_id;                 ///< the fault GUID, "" when the client synced
};

struct step_result {
    int number = 0;
    std::string title;
    std::string expected;
    std::string observed;
    bool ok = false;
    std::vector<std::string> narrative;  ///< what the trainer says, one paragraph a line
    std::vector<client_run> runs;
    std::chrono::milliseconds duration{0};
};

struct story {
    std::string scenario_name;
    std::string server_product_version;
    std::vector<step_result> steps;
    bool all_ok() const;
};

struct demo_options {
    /// The lab; the embedded kb954960 scenario when null.
    std::shared_ptr<const mitigation::scenario> lab;
    /// HTTP status of the SOAP fault: 200 reproduces the 2008 client line exactly
    /// (docs/kb954960-lab.md §7); 500 is what SOAP 1.1 requires.
    int fault_status = 200;
    /// Where the per-step SoftwareDistribution.log files go; a fresh temporary folder when empty.
    std::string work_dir;
    /// Called before each step starts (number, title) and after it ends.
    std::function<void(int, const std::string&)> on_step_start;
    std::function<void(const step_result&)> on_step_done;
};

/// How the demo closes, as docs/history.md tells the story: whether the steps behaved as
/// expected, then what the public record shows and what the lab reconstructs, kept apart.
struct closing_verdict {
    bool ok = false;
    std::string headline;        ///< "Every step behaved as expected." or the steps that did not
    std::string public_record;   ///< what Security Advisory 954960, KB954960 and others state
    std::string reconstruction;  ///< what the lab infers or invents
};

closing_verdict verdict_of(const story& s);

/// Loads the embedded scenario (throws std::runtime_error naming the problem if it is broken).
std::shared_ptr<const mitigation::scenario> embedded_lab();

/// Runs the five steps. Throws std::runtime_error only when the lab cannot be set up at all
/// (no loopback port, unreadable scenario); a step that misbehaves is reported, not thrown.
story run_story(const demo_options& options);

}  // namespace wsuslab::app::demo
