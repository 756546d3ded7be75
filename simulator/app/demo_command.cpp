// wsuslab demo: the training story of Security Advisory 954960, told by a real in-process mock
// WSUS and simulated clients (demo_story.hpp); --html writes the same story as one page.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <iostream>
#include <mutex>
#include <thread>
#include <variant>

#include <wsuslab/mitigation/scenario_loader.hpp>

#include "commands.hpp"
#include "demo_html.hpp"
#include "demo_story.hpp"
#include "demo_terminal.hpp"

namespace wsuslab::app {
namespace {

struct demo_settings {
    std::string html_path;
    std::string scenario_path;
    std::string work_dir;
    bool step_mode = false;
    bool no_color = false;
    int fault_status = 200;
};

/// Prints a progress line while a step runs for more than a second. Waiting on a condition
/// variable with a timeout is the ticker itself, not synchronisation by sleeping.
class progress_ticker {
public:
    progress_ticker(int step, bool terminal) : thread_([this, step, terminal] { run(step, terminal); }) {}
    ~progress_ticker() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            done_ = true;
        }
        cv_.notify_all();
        thread_.join();
    }
    progress_ticker(const progress_ticker&) = delete;
    progress_ticker& operator=(const progress_ticker&) = delete;

private:
    void run(int step, bool terminal) {
        std::unique_lock<std::mutex> lock(mutex_);
        int seconds = 0;
        bool printed = false;
        while (!cv_.wait_for(lock, std::chrono::seconds(1), [this] { return done_; })) {
            ++seconds;
            if (terminal) {
                std::cerr << "\r  ... step " << step << " running (" << seconds << " s)" << std::flush;
                printed = true;
            } else if (!printed) {
                std::cerr << "  ... step " << step << " is taking more than a second\n";
                printed = true;
            }
        }
        if (printed && terminal) {
            std::cerr << "\r" << std::string(40, ' ') << "\r" << std::flush;
        }
    }

    std::mutex mutex_;
    std::condition_variable cv_;
    bool done_ = false;
    std::thread thread_;
};

int run_demo(const demo_settings& settings) {
    demo::terminal_style style;
    style.color = !settings.no_color && isatty(STDOUT_FILENO) != 0;
    bool const stderr_terminal = isatty(STDERR_FILENO) != 0;

    demo::demo_options options;
    options.fault_status = settings.fault_status;
    options.work_dir = settings.work_dir;
    if (!settings.scenario_path.empty()) {
        auto loaded = mitigation::load_scenario_file(settings.scenario_path);
        if (auto* error = std::get_if<mitigation::scenario_error>(&loaded)) {
            std::cerr << "wsuslab demo: " << error->to_string() << "\n";
            return 2;
        }
        options.lab = std::make_shared<const mitigation::scenario>(
            std::move(std::get<mitigation::scenario>(loaded)));
    }
    std::unique_ptr<progress_ticker> ticker;
    options.on_step_start = [&](int number, const std::string&) {
        ticker = std::make_unique<progress_ticker>(number, stderr_terminal);
    };
    options.on_step_done = [&](const demo::step_result& step) {
        ticker.reset();
        demo::print_step(std::cout, step, style);
        std::cout.flush();
        if (settings.step_mode && step.number < 5) {
            std::cout << style.dim("Press Enter for the next step...") << std::flush;
            std::string ignored;
            std::getline(std::cin, ignored);
            std::cout << "\n";
        }
    };

    demo::print_banner(std::cout, style);
    demo::story const s = demo::run_story(options);
    demo::print_summary(std::cout, s, style);

    if (!settings.html_path.empty()) {
        std::ofstream out(settings.html_path, std::ios::binary | std::ios::trunc);
        out << demo::render_html(s);
        out.close();
        if (!out) {
            std::cerr << "wsuslab demo: cannot write " << settings.html_path << "\n";
            return 2;
        }
        std::cout << "HTML story written to " << settings.html_path << "\n";
    }
    return s.all_ok() ? 0 : 1;
}

}  // namespace

command add_demo_command(CLI::App& app) {
    auto settings = std::make_shared<demo_settings>();
    command c;
    c.sub = app.add_subcommand(
        "demo", "Tell the story of Security Advisory 954960: the failure, the fix, the workaround");
    c.sub->add_option("--html", settings->html_path,
                      "Also write the story as one self-contained HTML page");
    c.sub->add_flag("--step", settings->step_mode, "Pause between steps (live training)");
    c.sub->add_flag("--no-color", settings->no_color, "No colour, even on a terminal");
    c.sub->add_option("--scenario", settings->scenario_path,
                      "Lab scenario (default: the embedded kb954960 scenario)");
    c.sub->add_option("--fault-status", settings->fault_status,
                      "HTTP status of the SOAP fault: 200 (default; reproduces the advisory's 2008 "
                      "client line) or 500 (what SOAP 1.1 requires)")
        ->check(CLI::IsMember({200, 500}));
    c.sub->add_option("--work-dir", settings->work_dir,
                      "Where the servers' SoftwareDistribution.log files go (default: a temp folder)");
    c.run = [settings] { return run_demo(*settings); };
    return c;
}

}  // namespace wsuslab::app
