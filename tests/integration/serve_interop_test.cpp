// `wsuslab serve` (a child process) against what real agents send: a genuine Windows 11 scan
// posted byte for byte with its captured headers (skipped without the captures folder), and the
// SelfUpdate folder that 2008-era agents fetch wuident.cab from, served with --selfupdate (or the
// lab's stand-in wuident.cab without it).

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <wsuslab/protocol/codec.hpp>

#include "captures.hpp"
#include "child_process.hpp"
#include "genuine_scan.hpp"
#include "raw_client.hpp"
#include "regression_support.hpp"

namespace wsuslab::test {
namespace {

using ::testing::HasSubstr;
using regression::read_file;
using regression::temp_dir;
using std::chrono::seconds;

// `wsuslab serve` on 127.0.0.1:0 with `extra` options; stops it with SIGTERM (exit 0 expected)
// and then its stderr can be read.
class serve_process {
public:
    explicit serve_process(std::vector<std::string> extra = {}) : child_(args(std::move(extra))) {
        url_ = child_.read_stdout_line(seconds(60));
    }
    const std::string& url() const { return url_; }
    std::uint16_t port() const { return port_of(url_); }
    /// SIGTERM, the exit code and everything written on stderr.
    std::pair<int, std::string> stop() {
        child_.signal(SIGTERM);
        const int code = child_.wait_exit(seconds(60));
        return {code, child_.read_all_stderr()};
    }

private:
    static std::vector<std::string> args(std::vector<std::string> extra) {
        std::vector<std::string> a{WSUSLAB_CLI_PATH, "serve", "--listen", "127.0.0.1:0", "--threads", "1"};
        a.insert(a.end(), extra.begin(), extra.end());
        return a;
    }
    child_process child_;
    std::string url_;
};

TEST(ServeInteropTest, AGenuineWindows11ScanIsAnsweredOverTheWire) {
    const auto dir = captures_dir();
    if (!dir) {
        GTEST_SKIP() << "genuine captures not found: put them in ../shared/captures next to the source tree or "
                        "set WSUSLAB_CAPTURES_DIR";
    }
    auto loaded = load_genuine_scan(*dir);
    ASSERT_EQ(loaded.index(), 0U) << std::get<std::string>(loaded);
    serve_process serve;  // the default scenario: kb954960, protocol 3.1
    ASSERT_FALSE(serve.url().empty());
    // One keep-alive connection, as the agent uses; closed before the stop so it is prompt.
    auto client = std::make_unique<raw_client>(serve.port());
    genuine_splicer splicer;
    for (auto const& g : std::get<std::vector<genuine_request>>(loaded)) {
        SCOPED_TRACE(g.name);
        auto req = splicer.request_for(g);
        ASSERT_EQ(req.index(), 0U) << std::get<std::string>(req);
        const raw_response r = client->request(to_wire(std::get<server::http_request>(req)), seconds(30));
        ASSERT_TRUE(r.complete);
        splicer.learn(g.op, r.body);
        auto parsed = protocol::parse_response(g.op, r.body);
        ASSERT_TRUE(parsed.ok()) << parsed.error().description << "\n" << r.body;
        if (g.op == protocol::operation::start_category_scan) {
            // A protocol 3.1 server (WSUS 3.0 SP1) has no such operation (docs/limits-and-faults.md).
            EXPECT_EQ(r.status, 500);
            const auto* f = std::get_if<protocol::soap_fault>(&parsed.value());
            ASSERT_NE(f, nullptr) << r.body;
            EXPECT_EQ(f->faultstring,
                      "Server did not recognize the value of HTTP Header SOAPAction: "
                      "http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/StartCategoryScan.");
            continue;
        }
        EXPECT_EQ(r.status, 200) << r.body;
        const auto* resp = std::get_if<protocol::response>(&parsed.value());
        ASSERT_NE(resp, nullptr) << r.body;
        EXPECT_EQ(protocol::operation_of(*resp), g.op);
    }
    client.reset();
    EXPECT_EQ(serve.stop().first, 0);
}

class ServeSelfUpdateTest : public ::testing::Test {
protected:
    void SetUp() override {
        folder = temp_dir("SelfUpdate");
        for (std::size_t i = 0; i < 3000; ++i) {
            wuident += static_cast<char>((i * 13 + 5) & 0xFF);
        }
        std::ofstream(folder + "/wuident.cab", std::ios::binary) << wuident;
        log = temp_dir("log") + "/SoftwareDistribution.log";
    }

    std::string folder;
    std::string wuident;
    std::string log;
};

TEST_F(ServeSelfUpdateTest, ServesHeadGetAndRangesOfTheFolder) {
    serve_process serve({"--selfupdate", folder, "--log", log});
    ASSERT_FALSE(serve.url().empty());
    auto client = std::make_unique<raw_client>(serve.port());
    raw_response r = client->request(make_request("HEAD", "/selfupdate/wuident.cab"), seconds(30), true);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("Content-Length"), std::optional<std::string>("3000"));
    EXPECT_EQ(r.header("Accept-Ranges"), std::optional<std::string>("bytes"));
    EXPECT_TRUE(r.body.empty());
    r = client->request(make_request("GET", "/SelfUpdate/WUIDENT.cab?1213412397"));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, wuident);
    r = client->request(make_request("GET", "/selfupdate/wuident.cab", {"Range: bytes=2990-"}));
    EXPECT_EQ(r.status, 206);
    EXPECT_EQ(r.header("Content-Range"), std::optional<std::string>("bytes 2990-2999/3000"));
    EXPECT_EQ(r.body, wuident.substr(2990));
    r = client->request(make_request("GET", "/selfupdate/../SelfUpdate/wuident.cab"));
    EXPECT_EQ(r.status, 400);
    client.reset();
    const auto [code, err] = serve.stop();
    EXPECT_EQ(code, 0);
    EXPECT_THAT(err, HasSubstr("wsuslab serve: serving /selfupdate/... from " + folder + "\n"));
}

TEST_F(ServeSelfUpdateTest, WithNoSelfUpdateItIs404AndTheLogNamesTheOption) {
    serve_process serve({"--no-selfupdate", "--log", log});
    ASSERT_FALSE(serve.url().empty());
    const raw_response r = raw_client{serve.port()}.request(make_request("GET", "/selfupdate/wuident.cab"));
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(serve.stop().first, 0);
    EXPECT_THAT(read_file(log), HasSubstr("no SelfUpdate folder is served; start wsuslab serve with --selfupdate DIR"));
}

// Without --selfupdate, wuident.cab is a stand-in that says what it is; nothing else is served.
TEST_F(ServeSelfUpdateTest, WithoutTheOptionWuidentIsALabStandIn) {
    serve_process serve;
    ASSERT_FALSE(serve.url().empty());
    raw_client client{serve.port()};
    raw_response r = client.request(make_request("GET", "/selfupdate/wuident.cab"));
    EXPECT_EQ(r.status, 200);
    EXPECT_THAT(r.body, HasSubstr("wsuslab stand-in for wuident.cab: not a Microsoft cabinet."));
    EXPECT_EQ(raw_client{serve.port()}.request(make_request("GET", "/selfupdate/AU/x86/XP/en/wuaueng.cab")).status, 404);
    const auto [code, err] = serve.stop();
    EXPECT_EQ(code, 0);
    EXPECT_THAT(err, HasSubstr("wsuslab serve: /selfupdate/wuident.cab is a lab stand-in (enough for the simulated "
                               "agent; a real agent needs --selfupdate DIR; --no-selfupdate answers 404)\n"));
}

// The simulated 2008 agent checks the SelfUpdate tree by default, as Windows 8.1-and-earlier
// agents do (docs/client.md §2): it syncs against a serve with a folder or the stand-in, and
// fails as a real agent does against one without a tree. The fleet's default is the same agent.
TEST_F(ServeSelfUpdateTest, TheDefault2008SyncNeedsATree) {
    serve_process with_tree({"--selfupdate", folder});
    ASSERT_FALSE(with_tree.url().empty());
    child_process ok{{WSUSLAB_CLI_PATH, "sync", "--server", with_tree.url(), "--profile", "plain-workstation"}};
    EXPECT_EQ(ok.wait_exit(seconds(120)), 0) << ok.read_all_stderr();
    EXPECT_EQ(with_tree.stop().first, 0);

    serve_process stand_in({"--model", "fixed"});
    ASSERT_FALSE(stand_in.url().empty());
    child_process fleet{{WSUSLAB_CLI_PATH, "fleet", "--server", stand_in.url(), "--clients", "30", "--no-progress"}};
    EXPECT_EQ(fleet.wait_exit(seconds(120)), 0) << fleet.read_all_stderr();
    EXPECT_EQ(stand_in.stop().first, 0);

    serve_process without({"--no-selfupdate"});
    ASSERT_FALSE(without.url().empty());
    child_process refused{{WSUSLAB_CLI_PATH, "sync", "--server", without.url(), "--profile", "plain-workstation"}};
    EXPECT_EQ(refused.wait_exit(seconds(120)), 1);
    std::string out;
    for (int i = 0; i < 100; ++i) {  // the child has exited: at end of file every read returns at once
        out += refused.read_stdout_line(seconds(5)) + "\n";
    }
    EXPECT_EQ(without.stop().first, 0);
    EXPECT_THAT(out, HasSubstr("verdict: failed 0x80244019 (WU_E_PT_HTTP_STATUS_NOT_FOUND): SelfUpdate: "));
}

TEST_F(ServeSelfUpdateTest, AMissingFolderIsAStartupError) {
    child_process serve{{WSUSLAB_CLI_PATH, "serve", "--listen", "127.0.0.1:0", "--selfupdate", folder + "/none"}};
    EXPECT_EQ(serve.wait_exit(seconds(60)), 1);
    EXPECT_EQ(serve.read_all_stderr(),
              "wsuslab serve: SelfUpdate folder '" + folder + "/none': No such file or directory\n");
}

}  // namespace
}  // namespace wsuslab::test
