// Seeded mutations of every valid fixture through the request, response and fault parsers: each
// input yields a value or an error with a description, never a crash (run under ASan/UBSan in CI).

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <wsuslab/protocol/codec.hpp>
#include <wsuslab/protocol/operations.hpp>

#include "fixtures.hpp"

namespace wsuslab::protocol {
namespace {

const std::vector<std::string> valid_fixtures{
    "soap/valid/GetConfig/request.xml",          "soap/valid/GetConfig/response.xml",
    "soap/valid/GetCookie/request.xml",          "soap/valid/RegisterComputer/request.xml",
    "soap/valid/SyncUpdates/request-3.xml",      "soap/valid/ReportEventBatch/request.xml",
    "soap/valid/Fault/getcookie-configchanged.xml"};

std::string mutate(std::string s, std::mt19937& rng) {
    static const std::string tokens[] = {"<", ">", "&", "&#0;", "/", "\"", "xmlns=\"\"", "\xC3",
                                         "\0", "<!--", "]]>", "xsi:nil=\"1\"", "<x>", "</x>"};
    std::uniform_int_distribution<int> kind(0, 3);
    const auto pos = [&] { return std::uniform_int_distribution<std::size_t>(0, s.size())(rng); };
    switch (kind(rng)) {
        case 0:  // flip a byte
            if (!s.empty()) {
                s[pos() % s.size()] = static_cast<char>(rng() & 0xFF);
            }
            break;
        case 1:  // truncate
            s.resize(pos());
            break;
        case 2: {  // insert a token
            const auto& t = tokens[rng() % (sizeof tokens / sizeof tokens[0])];
            s.insert(pos(), t.empty() ? std::string(1, '\0') : t);
            break;
        }
        default: {  // delete a span
            const std::size_t at = pos();
            s.erase(at, std::uniform_int_distribution<std::size_t>(1, 16)(rng));
            break;
        }
    }
    return s;
}

TEST(RobustnessTest, MutatedMessagesNeverCrashAndAlwaysExplainRejections) {
    std::mt19937 rng(954960);
    std::size_t rejected = 0;
    std::size_t total = 0;
    for (const std::string& file : valid_fixtures) {
        const std::string original = test::read_fixture(file);
        for (int i = 0; i < 300; ++i) {
            std::string input = mutate(original, rng);
            if (i % 3 == 0) {
                input = mutate(input, rng);
            }
            ++total;
            const auto rq = parse_request(input, std::nullopt);
            const auto rs = parse_response(operation::get_config, input);
            const auto f = parse_fault(input);
            for (const parse_error* e : {rq.ok() ? nullptr : &rq.error(),
                                         rs.ok() ? nullptr : &rs.error(),
                                         f.ok() ? nullptr : &f.error()}) {
                if (e != nullptr) {
                    EXPECT_FALSE(e->description.empty());
                    EXPECT_LE(e->offset, input.size() + 1);
                }
            }
            rejected += rq.ok() ? 0U : 1U;
            // Whatever parsed must serialize to something that parses to the same value again.
            if (rq.ok()) {
                const std::string again = serialize_request(rq.value().body);
                const auto back = parse_request(again, std::nullopt);
                ASSERT_TRUE(back.ok()) << back.error().description << "\n" << again;
                EXPECT_EQ(serialize_request(back.value().body), again);
            }
        }
    }
    EXPECT_GT(rejected, total / 4);  // the mutations do reach the error paths
}

}  // namespace
}  // namespace wsuslab::protocol
