// The training demo: the story holds step by step, the HTML page carries it, and the page renders
// in a real browser (Debian's headless Chromium), not only as strings.
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "demo_checks.hpp"
#include "demo_html.hpp"
#include "demo_story.hpp"
#include "demo_terminal.hpp"

namespace wsuslab::app::demo {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::filesystem::path temp_dir(const std::string& name) {
    std::mt19937 rng(std::random_device{}());
    auto dir = std::filesystem::temp_directory_path() /
               (name + "-" + std::to_string(rng() % 1000000U));
    std::filesystem::create_directories(dir);
    return dir;
}

/// The story is computed once for the whole suite: it starts three servers and four clients.
class DemoStoryTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        work_ = new std::filesystem::path(temp_dir("wsuslab-demo-test"));
        demo_options options;
        options.work_dir = work_->string();
        story_ = new story(run_story(options));
    }
    static void TearDownTestSuite() {
        std::filesystem::remove_all(*work_);
        delete story_;
        delete work_;
        story_ = nullptr;
        work_ = nullptr;
    }
    static const story& s() { return *story_; }

private:
    static story* story_;
    static std::filesystem::path* work_;
};

story* DemoStoryTest::story_ = nullptr;
std::filesystem::path* DemoStoryTest::work_ = nullptr;

TEST_F(DemoStoryTest, EveryStepBehavesAsExpected) {
    ASSERT_EQ(s().steps.size(), 5U);
    for (auto const& step : s().steps) {
        EXPECT_TRUE(step.ok) << "step " << step.number << ": " << step.observed;
    }
    EXPECT_TRUE(s().all_ok());
}

TEST_F(DemoStoryTest, LabStepNamesTheTwoRowsOfRevision8862) {
    EXPECT_EQ(s().steps[0].observed, "2 rows for revision 8862 (Office 2003 Service Pack 1)");
}

TEST_F(DemoStoryTest, FailureStepCorrelatesOneFaultIdAcrossBothLogs) {
    auto const& run = s().steps[1].runs.at(0);
    ASSERT_FALSE(run.fault_id.empty());
    auto const lines = historical_pt_lines(run.server_url, 200, run.fault_id);
    EXPECT_EQ(lines[2],
              "PT WARNING: SyncUpdates failure, error = 0x8024400E, soap client error = 7, soap "
              "error code = 400, HTTP status code = 200");
    std::size_t throw_lines = 0;
    for (auto const& l : run.server_log) {
        if (l.find("ThrowException: actor = " + run.server_url +
                   "/ClientWebService/client.asmx, ID=" + run.fault_id +
                   ", ErrorCode=InternalServerError, Message=, Client=?") != std::string::npos) {
            ++throw_lines;
        }
    }
    EXPECT_EQ(throw_lines, 1U);
    EXPECT_THAT(s().steps[1].observed, HasSubstr("retry after 5 h failed the same way"));
}

TEST_F(DemoStoryTest, FixStepLogsTheResolvedDuplicate) {
    auto const& run = s().steps[3].runs.at(0);
    EXPECT_EQ(run.outcome.verdict, client::sync_verdict::synced);
    bool named = false;
    for (auto const& l : run.server_log) {
        named = named || (l.find("Warning") != std::string::npos &&
                          l.find("revision 8862 has 2 deployment rows") != std::string::npos);
    }
    EXPECT_TRUE(named);
}

TEST_F(DemoStoryTest, SummaryTableListsEveryStep) {
    std::ostringstream out;
    print_summary(out, s(), terminal_style{});
    std::string const text = out.str();
    EXPECT_THAT(text, HasSubstr("Step  Expected"));
    EXPECT_THAT(text, HasSubstr("Every step behaved as expected."));
    EXPECT_THAT(text, Not(HasSubstr("as history says")));
    EXPECT_THAT(text, Not(HasSubstr("\033[")));  // no colour unless asked
}

// The closing verdict keeps what the public record shows apart from what the lab reconstructs
// (docs/history.md), on the terminal and on the page alike.
TEST_F(DemoStoryTest, VerdictSeparatesPublicRecordFromReconstruction) {
    auto const v = verdict_of(s());
    EXPECT_TRUE(v.ok);
    EXPECT_EQ(v.headline, "Every step behaved as expected.");
    EXPECT_THAT(v.public_record, HasSubstr("The public record (Security Advisory 954960, KB954960)"));
    EXPECT_THAT(v.public_record, HasSubstr("WSUS 3.0 and 3.0 SP1"));
    EXPECT_THAT(v.public_record, Not(HasSubstr("revision of Office 2003")));
    EXPECT_THAT(v.reconstruction, HasSubstr("The lab's reconstruction"));
    EXPECT_THAT(v.reconstruction, HasSubstr("that 8862 is a revision of Office 2003 Service Pack 1"));

    std::ostringstream out;
    print_summary(out, s(), terminal_style{});
    EXPECT_THAT(out.str(), HasSubstr("The public record (Security Advisory 954960, KB954960)"));
    EXPECT_THAT(out.str(), HasSubstr("The lab's reconstruction (docs/history.md"));
    std::string const html = render_html(s());
    EXPECT_THAT(html, HasSubstr("<p class=\"public-record\">The public record"));
    EXPECT_THAT(html, HasSubstr("<p class=\"reconstruction\">The lab&#39;s reconstruction"));
    EXPECT_THAT(html, Not(HasSubstr("as history says")));
    EXPECT_THAT(html, Not(HasSubstr("as in 2008")));
}

TEST_F(DemoStoryTest, StepsLabelPublicRecordAndReconstruction) {
    for (auto const& step : s().steps) {
        SCOPED_TRACE("step " + std::to_string(step.number));
        bool has_record = false;
        bool has_reconstruction = false;
        for (auto const& n : step.narrative) {
            has_record = has_record || n.rfind("Public record: ", 0) == 0;
            has_reconstruction = has_reconstruction || n.rfind("The lab's reconstruction: ", 0) == 0 ||
                                 n.rfind("As the lab models it, ", 0) == 0;
        }
        EXPECT_TRUE(has_record);
        EXPECT_TRUE(has_reconstruction);
    }
}

TEST_F(DemoStoryTest, HtmlPageCarriesTheWholeStoryWithoutFetches) {
    std::string const html = render_html(s());
    auto const& run = s().steps[1].runs.at(0);
    EXPECT_THAT(html, HasSubstr("<!DOCTYPE html>"));
    for (int i = 1; i <= 5; ++i) {
        EXPECT_THAT(html, HasSubstr("id=\"step-" + std::to_string(i) + "\""));
    }
    EXPECT_THAT(html, HasSubstr("<g class=\"exchange failing\">"));
    EXPECT_THAT(html, HasSubstr("<mark class=\"fault-id\">" + run.fault_id + "</mark>"));
    EXPECT_THAT(html, HasSubstr("The failing SyncUpdates call"));
    EXPECT_THAT(html, HasSubstr("&lt;ErrorCode&gt;InternalServerError&lt;/ErrorCode&gt;"));
    // Self-contained: no script, no stylesheet or image fetched from anywhere.
    EXPECT_THAT(html, Not(HasSubstr("<script")));
    EXPECT_THAT(html, Not(HasSubstr("src=")));
    EXPECT_THAT(html, Not(HasSubstr("<link")));
}

TEST(DemoHtmlTest, EscapesMarkup) {
    EXPECT_EQ(html_escape("<a href=\"x\">&'</a>"),
              "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
}

TEST(DemoTerminalTest, WrapsLongTextAtWordBoundaries) {
    EXPECT_EQ(wrap("one two three", 7), (std::vector<std::string>{"one two", "three"}));
    EXPECT_EQ(wrap("abcdefghij", 4), (std::vector<std::string>{"abcd", "efgh", "ij"}));
}

// ---- in a real browser -------------------------------------------------------------------

std::string chromium_binary() {
    for (const char* candidate : {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
        if (std::filesystem::exists(candidate)) {
            return candidate;
        }
    }
    return {};
}

/// Runs headless Chromium with the flags this machine needs (no sandbox as root, no background
/// networking on a closed network) and returns its exit status.
int run_chromium(const std::string& args, const std::filesystem::path& profile,
                 const std::filesystem::path& output) {
    std::string const command =
        "timeout 90 " + chromium_binary() +
        " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
        " --disable-background-networking --disable-component-update --disable-sync"
        " --user-data-dir=" + profile.string() + " " + args + " > " + output.string() +
        " 2>/dev/null";
    int const status = std::system(command.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

std::uint32_t be32(const std::string& s, std::size_t at) {
    return (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at])) << 24U) |
           (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 1])) << 16U) |
           (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 2])) << 8U) |
           static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 3]));
}

TEST_F(DemoStoryTest, HtmlPageRendersInHeadlessChromium) {
    if (chromium_binary().empty()) {
        GTEST_SKIP() << "Debian's chromium is not installed (make test installs it)";
    }
    auto const dir = temp_dir("wsuslab-demo-browser");
    auto const page = dir / "story.html";
    {
        std::ofstream out(page, std::ios::binary);
        out << render_html(s());
    }
    std::string const url = "file://" + page.string();

    // The DOM as the browser built it: every section parsed, the SVG and the highlight present.
    ASSERT_EQ(run_chromium("--dump-dom " + url, dir / "profile-a", dir / "dom.html"), 0);
    std::string const dom = slurp(dir / "dom.html");
    EXPECT_THAT(dom, HasSubstr("id=\"summary\""));
    EXPECT_THAT(dom, HasSubstr("class=\"sequence-diagram\""));
    EXPECT_THAT(dom, HasSubstr("<mark class=\"fault-id\">" + s().steps[1].runs.at(0).fault_id));

    // A screenshot of the rendered page: a PNG of the requested size with real content in it.
    ASSERT_EQ(run_chromium("--window-size=1280,2000 --screenshot=" + (dir / "shot.png").string() +
                               " " + url,
                           dir / "profile-b", dir / "shot.log"),
              0);
    std::string const png = slurp(dir / "shot.png");
    ASSERT_GT(png.size(), 24U);
    EXPECT_EQ(png.substr(1, 3), "PNG");
    EXPECT_EQ(be32(png, 16), 1280U);  // IHDR width
    EXPECT_EQ(be32(png, 20), 2000U);  // IHDR height
    // A blank page compresses to a few KiB; the story (text, diagram, logs) is far larger.
    EXPECT_GT(png.size(), 100U * 1024U);
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace wsuslab::app::demo
