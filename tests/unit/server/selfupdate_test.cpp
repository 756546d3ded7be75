// GET/HEAD /selfupdate/...: the files of a SelfUpdate folder (service_options::selfupdate_dir),
// case-insensitive paths, single ranges as /Content, traversal and symlink escapes refused, and
// without a folder a 404 whose reason reaches the log once.

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "service_fixture.hpp"

namespace wsuslab::server::test {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

namespace fs = std::filesystem;

// Deterministic bytes: every value 0..255 appears, so an off-by-one range shows.
std::string pattern_bytes(std::size_t n, unsigned seed) {
    std::string out(n, '\0');
    for (std::size_t i = 0; i < n; ++i) {
        out[i] = static_cast<char>((i * 7 + seed) & 0xFF);
    }
    return out;
}

void write_file(const fs::path& p, const std::string& bytes) {
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << bytes;
}

class SelfUpdateTest : public ::testing::Test {
protected:
    void SetUp() override {
        root = fs::path(dir.path()) / "SelfUpdate";
        write_file(root / "wuident.cab", wuident);
        write_file(root / "AU" / "x86" / "XP" / "en" / "wuaueng.cab", wuaueng);
        write_file(fs::path(dir.path()) / "secret.txt", "not for agents\n");
        fs::create_directories(fs::path(dir.path()) / "outside");
        write_file(fs::path(dir.path()) / "outside" / "other.cab", "outside\n");
    }

    std::unique_ptr<service_harness> serve(service_options o = {}) {
        SCOPED_TRACE("a service serving /selfupdate from " + root.string());
        o.selfupdate_dir = root.string();
        o.log_path = dir.file("SoftwareDistribution.log");
        auto h = std::make_unique<service_harness>(std::move(o));
        EXPECT_TRUE(h->ok());
        return h;
    }

    temp_dir dir;
    fs::path root;
    const std::string wuident = pattern_bytes(5000, 3);
    const std::string wuaueng = pattern_bytes(777, 11);
};

TEST_F(SelfUpdateTest, GetServesTheFileWithLastModified) {
    auto h = serve();
    const http_response r = h->get("/selfupdate/wuident.cab");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, wuident);
    EXPECT_FALSE(r.head_only);
    EXPECT_EQ(r.header("Content-Type"), std::optional<std::string_view>("application/octet-stream"));
    EXPECT_EQ(r.header("Accept-Ranges"), std::optional<std::string_view>("bytes"));
    EXPECT_THAT(std::string(r.header("Last-Modified").value_or("")),
                MatchesRegex("[A-Z][a-z][a-z], [0-9][0-9] [A-Z][a-z][a-z] [0-9]+ [0-9:]+ GMT"));
    // Agents add a query string to defeat caches; it does not change the file.
    EXPECT_EQ(h->get("/selfupdate/wuident.cab?1213412397").body, wuident);
}

TEST_F(SelfUpdateTest, PathsMatchCaseInsensitivelyAsIisOnNtfs) {
    auto h = serve();
    EXPECT_EQ(h->get("/SelfUpdate/WUIDENT.CAB").body, wuident);
    EXPECT_EQ(h->get("/SELFUPDATE/au/X86/xp/EN/WuAuEng.cab").body, wuaueng);
    EXPECT_EQ(h->get("/selfupdate//AU///x86/XP/en/wuaueng.cab").body, wuaueng);
}

TEST_F(SelfUpdateTest, HeadAndRangesAreServedAsContentIs) {
    auto h = serve();
    http_response r = h->get("/selfupdate/wuident.cab", "HEAD");
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(r.head_only);
    EXPECT_EQ(r.body.size(), wuident.size());  // the session sends Content-Length from it
    r = h->get("/selfupdate/wuident.cab", "GET", {{"Range", "bytes=100-199"}});
    EXPECT_EQ(r.status, 206);
    EXPECT_EQ(r.header("Content-Range"), std::optional<std::string_view>("bytes 100-199/5000"));
    EXPECT_EQ(r.body, wuident.substr(100, 100));
    r = h->get("/selfupdate/wuident.cab", "GET", {{"Range", "bytes=-10"}});
    EXPECT_EQ(r.status, 206);
    EXPECT_EQ(r.body, wuident.substr(4990));
    r = h->get("/selfupdate/wuident.cab", "HEAD", {{"Range", "bytes=4999-"}});
    EXPECT_EQ(r.status, 206);
    EXPECT_TRUE(r.head_only);
    EXPECT_EQ(r.body.size(), 1U);
    r = h->get("/selfupdate/wuident.cab", "GET", {{"Range", "bytes=5000-"}});
    EXPECT_EQ(r.status, 416);
    EXPECT_EQ(r.header("Content-Range"), std::optional<std::string_view>("bytes */5000"));
    r = h->get("/selfupdate/wuident.cab", "GET", {{"Range", "bytes=0-1,5-6"}});
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, wuident);
}

TEST_F(SelfUpdateTest, TraversalAttemptsAreBadRequests) {
    auto h = serve();
    const std::string bad_segment =
        "bad request: the path may not contain '.' or '..' segments, backslashes or control characters\n";
    for (const char* target : {"/selfupdate/../secret.txt", "/selfupdate/AU/../../secret.txt",
                               "/selfupdate/%2e%2e/secret.txt", "/selfupdate/%2E%2E%2Fsecret.txt",
                               "/selfupdate/AU/..%5C..%5Csecret.txt", "/selfupdate/./wuident.cab",
                               "/selfupdate/wuident.cab%00.txt"}) {
        SCOPED_TRACE(target);
        const http_response r = h->get(target);
        EXPECT_EQ(r.status, 400);
        EXPECT_EQ(r.body, bad_segment);
    }
    const http_response r = h->get("/selfupdate/%zz");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.body, "bad request: bad percent-encoding in the path\n");
}

TEST_F(SelfUpdateTest, SymbolicLinksOutOfTheFolderAreNotFollowed) {
    fs::create_symlink(fs::path(dir.path()) / "secret.txt", root / "secret.txt");
    fs::create_directory_symlink(fs::path(dir.path()) / "outside", root / "outside");
    fs::create_symlink(root / "wuident.cab", root / "alias.cab");
    auto h = serve();
    for (const char* target : {"/selfupdate/secret.txt", "/selfupdate/outside/other.cab"}) {
        SCOPED_TRACE(target);
        const http_response r = h->get(target);
        EXPECT_EQ(r.status, 404);
        EXPECT_EQ(r.body, "The resource cannot be found.\n");
    }
    // A link that stays inside the folder is fine.
    EXPECT_EQ(h->get("/selfupdate/alias.cab").body, wuident);
    h->svc().flush();
    EXPECT_THAT(read_text(dir.file("SoftwareDistribution.log")),
                HasSubstr("SelfUpdateHandler.ProcessRequest /selfupdate/secret.txt resolves to " +
                          (fs::canonical(dir.path()) / "secret.txt").string() +
                          ", outside the SelfUpdate folder " + fs::canonical(root).string() + "; refused"));
}

TEST_F(SelfUpdateTest, FoldersMissingFilesAndOtherMethodsAreRefused) {
    auto h = serve();
    for (const char* target : {"/selfupdate", "/selfupdate/", "/selfupdate/AU", "/selfupdate/nothing.cab",
                               "/selfupdate/wuident.cab/more"}) {
        SCOPED_TRACE(target);
        EXPECT_EQ(h->get(target).status, 404);
    }
    const http_response r = h->get("/selfupdate/wuident.cab", "POST");
    EXPECT_EQ(r.status, 405);
    EXPECT_EQ(r.header("Allow"), std::optional<std::string_view>("GET, HEAD"));
    EXPECT_THAT(h->svc().metrics_text(), HasSubstr("wsuslab_requests_total{operation=\"SelfUpdate\",status=\"404\"} 5\n"));
}

TEST_F(SelfUpdateTest, WithoutAFolderItIs404AndTheLogSaysWhyOnce) {
    service_options const o = logged_options(dir, log_level::info);
    service_harness h(o);
    ASSERT_TRUE(h.ok());
    for (int i = 0; i < 2; ++i) {
        const http_response r = h.get("/selfupdate/wuident.cab");
        EXPECT_EQ(r.status, 404);
        EXPECT_EQ(r.body,
                  "The resource cannot be found. (No SelfUpdate folder is served: see wsuslab serve --selfupdate.)\n");
    }
    h.svc().flush();
    const std::string log = read_text(dir.file("SoftwareDistribution.log"));
    const std::string hint =
        "Warning w3wp.12 SelfUpdateHandler.ProcessRequest /selfupdate/wuident.cab: 404, no SelfUpdate folder is "
        "served; start wsuslab serve with --selfupdate DIR (a copy of a real WSUS's SelfUpdate folder) to serve it";
    EXPECT_THAT(log, HasSubstr(hint));
    EXPECT_EQ(log.find(hint), log.rfind(hint));
}

// Without a folder, `selfupdate_stand_in` answers wuident.cab (any case, ranges as files) with a
// text that says it is the lab's stand-in; every other SelfUpdate path stays 404.
TEST_F(SelfUpdateTest, TheStandInAnswersOnlyWuident) {
    service_options o;
    o.selfupdate_stand_in = true;
    service_harness h(o);
    ASSERT_TRUE(h.ok());
    const std::string expected =
        "wsuslab stand-in for wuident.cab: not a Microsoft cabinet. A real Windows Update Agent needs a "
        "SelfUpdate folder copied from a real WSUS: wsuslab serve --selfupdate DIR.\n";
    http_response r = h.get("/selfupdate/WUIDENT.CAB");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, expected);
    EXPECT_EQ(r.header("Content-Type"), std::optional<std::string_view>("application/octet-stream"));
    r = h.get("/selfupdate/wuident.cab", "HEAD");
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(r.head_only);
    EXPECT_EQ(r.body.size(), expected.size());  // the session sends Content-Length from it
    r = h.get("/selfupdate/wuident.cab", "GET", {{"Range", "bytes=0-6"}});
    EXPECT_EQ(r.status, 206);
    EXPECT_EQ(r.body, "wsuslab");
    for (const char* target : {"/selfupdate/AU/x86/XP/en/wuaueng.cab", "/selfupdate/", "/selfupdate/wuident.cab/x"}) {
        SCOPED_TRACE(target);
        EXPECT_EQ(h.get(target).status, 404);
    }
}

TEST_F(SelfUpdateTest, AFolderThatIsNotThereIsAStartupError) {
    service_options o;
    o.scenario = kb954960();
    o.selfupdate_dir = dir.file("missing");
    auto r = wsus_service::create(o);
    ASSERT_TRUE(std::holds_alternative<std::string>(r));
    EXPECT_EQ(std::get<std::string>(r), "SelfUpdate folder '" + dir.file("missing") + "': No such file or directory");
    o.selfupdate_dir = (root / "wuident.cab").string();
    r = wsus_service::create(o);
    ASSERT_TRUE(std::holds_alternative<std::string>(r));
    EXPECT_EQ(std::get<std::string>(r), "SelfUpdate folder '" + o.selfupdate_dir + "' is not a directory");
}

TEST_F(SelfUpdateTest, TheStartLineNamesTheFolderAndWarnsWithoutWuident) {
    fs::remove(root / "wuident.cab");
    auto h = serve();
    h->svc().flush();
    const std::string log = read_text(dir.file("SoftwareDistribution.log"));
    EXPECT_THAT(log, HasSubstr(", SelfUpdate folder " + fs::canonical(root).string() + "\n"));
    EXPECT_THAT(log, HasSubstr("Warning w3wp.12 WebService.Start SelfUpdate folder " + fs::canonical(root).string() +
                               " has no wuident.cab at its top: agents ask for /selfupdate/wuident.cab first"));
}

TEST_F(SelfUpdateTest, FilesAreNotRecordedAndAreServedInReplayMode) {
    temp_dir recordings;
    {
        service_options rec;
        rec.record_dir = recordings.path();
        auto h = serve(rec);
        h->last_change();
        EXPECT_EQ(h->get("/selfupdate/wuident.cab").status, 200);
    }
    std::size_t folders = 0;
    for (auto const& e : fs::directory_iterator(recordings.path())) {
        folders += e.is_directory() && e.path().filename().string().front() != '.' ? 1 : 0;
    }
    EXPECT_EQ(folders, 1U);  // GetConfig only
    service_options play;
    play.replay_dir = recordings.path();
    auto h = serve(play);
    EXPECT_EQ(h->get("/selfupdate/wuident.cab").body, wuident);
}

}  // namespace
}  // namespace wsuslab::server::test
