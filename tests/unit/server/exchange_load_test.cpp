#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <wsuslab/protocol/codec.hpp>
#include <wsuslab/server/exchange_store.hpp>

#include "exchange_test_support.hpp"

namespace wsuslab::server {
namespace {

namespace fs = std::filesystem;
using namespace wsuslab::test::exchange;

// A recording of one client (six exchanges) to break in various ways.
class ExchangeLoadTest : public ::testing::Test {
protected:
    void SetUp() override {
        recording_info info;
        info.source = "recorded by ExchangeLoadTest";
        auto rec = exchange_recorder::open(dir_.str(), info).value();
        for (auto const& [req, resp] : make_script("pc1", 0, "127.0.0.1:50001").steps) {
            ASSERT_TRUE(rec->record(req, resp).ok());
        }
    }

    fs::path folder(const std::string& name) const { return dir_.path() / name; }

    void overwrite(const fs::path& p, const std::string& text) const {
        std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
    }

    std::string meta_file(const std::string& name) const { return (folder(name) / "meta.json").string(); }

    // The load error once meta.json of folder `name` holds `json`.
    std::string error_with_meta(const std::string& name, const std::string& json) const {
        SCOPED_TRACE("meta.json of " + name + ": " + json);
        overwrite(folder(name) / "meta.json", json);
        return load_error();
    }

    static constexpr const char* auth_folder = "0002-pc1-GetAuthorizationCookie";

    std::string load_error() const {
        SCOPED_TRACE("loading the broken recording " + dir_.str());
        auto r = exchange_replayer::load(dir_.str());
        EXPECT_FALSE(r.ok());
        return r.ok() ? std::string() : r.error().message();
    }

    temp_dir dir_;
};

TEST_F(ExchangeLoadTest, LoadsAnIntactRecording) {
    auto r = exchange_replayer::load(dir_.str());
    ASSERT_TRUE(r.ok()) << r.error().message();
    EXPECT_EQ(r.value()->exchanges().size(), 6U);
    EXPECT_EQ(r.value()->unconsumed(), 6U);
    EXPECT_EQ(r.value()->exchanges()[3].name, "0004-pc1-SyncUpdates");
}

TEST_F(ExchangeLoadTest, MissingFileIsNamed) {
    fs::remove(folder("0003-pc1-GetCookie") / "response.xml");
    EXPECT_EQ(load_error(), (folder("0003-pc1-GetCookie") / "response.xml").string() + ": missing");
}

TEST_F(ExchangeLoadTest, MissingMetaJsonIsNamed) {
    fs::remove(folder("0005-pc1-SyncUpdates") / "meta.json");
    EXPECT_EQ(load_error(), (folder("0005-pc1-SyncUpdates") / "meta.json").string() + ": missing");
}

TEST_F(ExchangeLoadTest, InvalidMetaJsonIsNamed) {
    EXPECT_EQ(error_with_meta(auth_folder, "{\"sequence\": 2,"), meta_file(auth_folder) + ": not valid JSON");
}

TEST_F(ExchangeLoadTest, MetaJsonWithoutOperationIsNamed) {
    EXPECT_EQ(error_with_meta(auth_folder, R"({"sequence": 2, "client": "pc1", "http_status": 200, "source": "x"})"),
              meta_file(auth_folder) + ": missing field \"operation\"");
}

TEST_F(ExchangeLoadTest, MetaJsonWithWrongTypeIsNamed) {
    EXPECT_EQ(error_with_meta(auth_folder, R"({"sequence": "2", "client": "pc1", "operation": )"
                                           R"("GetAuthorizationCookie", "http_status": 200, "source": "x"})"),
              meta_file(auth_folder) + ": field \"sequence\" must be a non-negative integer");
}

TEST_F(ExchangeLoadTest, MetaJsonSequenceMustMatchTheFolder) {
    EXPECT_EQ(error_with_meta(auth_folder, R"({"sequence": 8, "client": "pc1", "operation": )"
                                           R"("GetAuthorizationCookie", "http_status": 200, "source": "x"})"),
              meta_file(auth_folder) + ": sequence 8 does not match the folder number 2");
}

TEST_F(ExchangeLoadTest, MetaJsonOperationMustMatchTheRequest) {
    EXPECT_EQ(error_with_meta("0004-pc1-SyncUpdates", R"({"sequence": 4, "client": "pc1", "operation": "GetCookie", )"
                                                      R"("http_status": 200, "source": "x"})"),
              meta_file("0004-pc1-SyncUpdates") +
                  ": operation \"GetCookie\" disagrees with the request, which is SyncUpdates");
}

TEST_F(ExchangeLoadTest, UnparseableRequestXmlIsNamed) {
    const std::string broken =
        "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>";
    overwrite(folder("0004-pc1-SyncUpdates") / "request.xml", broken);
    const std::string action = "\"" + client_ns + "/SyncUpdates\"";
    const auto expected = protocol::parse_request(broken, std::string_view(action));
    ASSERT_FALSE(expected.ok());
    EXPECT_EQ(load_error(),
              (folder("0004-pc1-SyncUpdates") / "request.xml").string() +
                  ": does not parse as a SOAP request: " + expected.error().description);
}

TEST_F(ExchangeLoadTest, UnparseableResponseXmlIsNamed) {
    overwrite(folder("0004-pc1-SyncUpdates") / "response.xml", "<soap:Envelope>");
    EXPECT_THAT(load_error(), ::testing::StartsWith(
                                  (folder("0004-pc1-SyncUpdates") / "response.xml").string() +
                                  ": does not parse as a SyncUpdates response or SOAP fault: "));
}

TEST_F(ExchangeLoadTest, MalformedHeaderLineIsNamed) {
    overwrite(folder("0001-pc1-GetConfig") / "request.http-headers",
              "POST /ClientWebService/client.asmx HTTP/1.1\nHost 127.0.0.1\n");
    EXPECT_EQ(load_error(), (folder("0001-pc1-GetConfig") / "request.http-headers").string() +
                                ": line 2: expected \"Name: value\", got \"Host 127.0.0.1\"");
}

TEST_F(ExchangeLoadTest, StatusMustAgreeWithMetaJson) {
    overwrite(folder("0001-pc1-GetConfig") / "response.http-headers",
              "HTTP/1.1 500 Internal Server Error\n");
    EXPECT_EQ(load_error(),
              (folder("0001-pc1-GetConfig") / "meta.json").string() +
                  ": http_status 200 disagrees with response.http-headers status 500");
}

TEST_F(ExchangeLoadTest, DuplicateSequenceNumbersAreNamed) {
    fs::copy(folder("0001-pc1-GetConfig"), folder("0001-pc2-GetConfig"));
    EXPECT_EQ(load_error(), folder("0001-pc2-GetConfig").string() +
                                ": sequence number 1 is also used by 0001-pc1-GetConfig");
}

TEST_F(ExchangeLoadTest, StrayFolderIsNamed) {
    fs::create_directory(folder("notes"));
    EXPECT_EQ(
        load_error(),
        folder("notes").string() +
            ": not an exchange folder: the name must start with a sequence number, e.g. 0001-");
}

TEST_F(ExchangeLoadTest, DotFoldersAndTopLevelFilesAreSkipped) {
    fs::create_directory(folder(".0099-pc1-GetConfig.partial"));
    std::ofstream(folder("README.md")) << "notes\n";
    auto r = exchange_replayer::load(dir_.str());
    ASSERT_TRUE(r.ok()) << r.error().message();
    EXPECT_EQ(r.value()->exchanges().size(), 6U);
}

TEST(ExchangeLoadDirTest, MissingAndEmptyFoldersAreErrors) {
    temp_dir dir;
    const std::string missing = (dir.path() / "nope").string();
    EXPECT_EQ(exchange_replayer::load(missing).error().message(), missing + ": missing");
    EXPECT_EQ(exchange_replayer::load(dir.str()).error().message(),
              dir.str() + ": holds no exchange folders");
}

}  // namespace
}  // namespace wsuslab::server
