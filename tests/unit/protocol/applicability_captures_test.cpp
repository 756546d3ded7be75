// Genuine WSUS metadata (Windows Server 2025, captured by a third party, outside the repository):
// every UpdateInfo/Xml Core fragment of the captured SyncUpdates responses is read the way the
// simulated agent reads it, and none may be rejected; every rule must evaluate without error on
// a Windows 11 machine. Skips when the captures are absent.
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <pugixml.hpp>

#include <wsuslab/protocol/core_fragment.hpp>

#include "captures.hpp"

namespace wsuslab::protocol {
namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

/// The text of every UpdateInfo/Xml element (pugixml undoes the entity escaping).
std::vector<std::string> core_fragments(const std::string& response) {
    pugi::xml_document doc;
    if (!doc.load_buffer(response.data(), response.size())) {
        ADD_FAILURE() << "response is not XML";
        return {};
    }
    std::vector<std::string> out;
    for (auto const& x : doc.select_nodes("//*[local-name()='UpdateInfo']/*[local-name()='Xml']")) {
        out.emplace_back(x.node().text().get());
    }
    return out;
}

machine_state windows_11() {
    machine_state m;
    m.os_major = 10;
    m.os_minor = 0;
    m.os_build = 26200;
    m.sp_major = 0;
    m.product_type = 1;
    m.suite_mask = 0x0100;
    m.processor_architecture = "amd64";
    m.language = "en-US";
    return m;
}

TEST(ApplicabilityCapturesTest, EveryGenuineCoreFragmentIsReadAndEvaluated) {
    auto const dir = test::captures_dir();
    if (!dir) {
        GTEST_SKIP() << test::captures_missing_message();
    }
    auto const files = test::capture_files(*dir, {"SyncUpdates", ".resp.xml"});
    ASSERT_FALSE(files.empty()) << "no *SyncUpdates*.resp.xml in " << dir->string();
    std::size_t revisions = 0;
    for (auto const& name : files) {
        SCOPED_TRACE(name);
        for (auto const& fragment : core_fragments(read_file((*dir / name).string()))) {
            ++revisions;
            auto const parsed = parse_core_with_rules(fragment);
            if (auto const* e = std::get_if<core_fragment_error>(&parsed)) {
                ADD_FAILURE() << "rejected as bad Core XML: " << e->problem << "\n" << fragment;
                continue;
            }
            auto const eval = evaluate_applicability(std::get<parsed_core>(parsed).rules, windows_11());
            for (auto const v : {eval.is_installed, eval.is_installable, eval.is_superseded}) {
                EXPECT_NE(v, rule_value::error) << ::testing::PrintToString(eval.notes) << "\n"
                                                << fragment;
            }
        }
    }
    EXPECT_GT(revisions, 0U);
    std::cout << "[ captures ] " << revisions << " revisions in " << files.size()
              << " SyncUpdates responses read and evaluated\n";
}

}  // namespace
}  // namespace wsuslab::protocol
