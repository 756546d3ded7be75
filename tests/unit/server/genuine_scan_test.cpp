// A genuine Windows 11 agent's requests (the captures folder, outside the repository) posted to
// wsus_service on the kb954960 scenario with live cookies spliced in: each gets its own
// operation's response, except StartCategoryScan, which a protocol 3.1 server does not know.
// Skipped when the captures are absent.

#include <algorithm>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "captures.hpp"
#include "genuine_scan.hpp"
#include "service_fixture.hpp"

namespace wsuslab::server::test {
namespace {

using ::testing::ElementsAre;
using wsuslab::test::genuine_request;

constexpr const char* skip_text =
    "genuine captures not found: put them in ../shared/captures next to the source tree or set "
    "WSUSLAB_CAPTURES_DIR";

struct exchange {
    genuine_request request;
    http_response response;
};

// Posts every genuine request in order, splicing in what the server issued before.
std::vector<exchange> run_scan(service_harness& h, const std::vector<genuine_request>& scan) {
    std::vector<exchange> out;
    wsuslab::test::genuine_splicer splicer;
    for (auto const& g : scan) {
        auto req = splicer.request_for(g);
        if (const auto* err = std::get_if<std::string>(&req)) {
            ADD_FAILURE() << *err;
            break;
        }
        http_response r = h.svc().handle(std::get<http_request>(req));
        splicer.learn(g.op, r.body);
        out.push_back({g, std::move(r)});
    }
    return out;
}

// The response parses as `g.op`'s response (not a fault) and came with 200.
std::optional<protocol::response> expect_own_response(const exchange& e) {
    SCOPED_TRACE(e.request.name);
    EXPECT_EQ(e.response.status, 200) << e.response.body;
    auto parsed = protocol::parse_response(e.request.op, e.response.body);
    if (!parsed) {
        ADD_FAILURE() << "not a " << protocol::operation_name(e.request.op)
                      << " response: " << parsed.error().description << "\n" << e.response.body;
        return std::nullopt;
    }
    const auto* resp = std::get_if<protocol::response>(&parsed.value());
    if (resp == nullptr) {
        ADD_FAILURE() << "a fault: " << std::get<protocol::soap_fault>(parsed.value()).faultstring;
        return std::nullopt;
    }
    EXPECT_EQ(protocol::operation_of(*resp), e.request.op);
    return *resp;
}

class GenuineScanTest : public ::testing::Test {
protected:
    void SetUp() override {
        const auto dir = wsuslab::test::captures_dir();
        if (!dir) {
            GTEST_SKIP() << skip_text;
        }
        auto loaded = wsuslab::test::load_genuine_scan(*dir);
        if (const auto* err = std::get_if<std::string>(&loaded)) {
            FAIL() << *err;
        }
        scan = std::get<std::vector<genuine_request>>(std::move(loaded));
    }

    std::vector<genuine_request> scan;
};

TEST_F(GenuineScanTest, TheScanHasElevenRequestsInTheAgentsOrder) {
    std::vector<protocol::operation> ops;
    for (auto const& g : scan) {
        ops.push_back(g.op);
        EXPECT_EQ(g.method, "POST") << g.name;
    }
    using op = protocol::operation;
    EXPECT_THAT(ops, ElementsAre(op::get_config, op::get_authorization_cookie, op::get_cookie, op::register_computer,
                                 op::start_category_scan, op::sync_updates, op::sync_updates, op::sync_updates,
                                 op::get_extended_update_info, op::get_extended_update_info,
                                 op::report_event_batch));
}

TEST_F(GenuineScanTest, EveryRequestGetsItsOwnResponseButStartCategoryScanOnAProtocol31Server) {
    service_harness h;
    ASSERT_TRUE(h.ok());
    const auto exchanges = run_scan(h, scan);
    ASSERT_EQ(exchanges.size(), scan.size());
    for (auto const& e : exchanges) {
        if (e.request.op != protocol::operation::start_category_scan) {
            expect_own_response(e);
            continue;
        }
        // WSUS 3.0 SP1 (protocol 3.1) has no StartCategoryScan web method (docs/limits-and-faults.md).
        EXPECT_EQ(e.response.status, 500);
        auto f = protocol::parse_fault(e.response.body);
        ASSERT_TRUE(f.ok()) << e.response.body;
        EXPECT_EQ(f.value().code, protocol::fault_code::client);
        EXPECT_EQ(f.value().faultstring,
                  "Server did not recognize the value of HTTP Header SOAPAction: "
                  "http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/StartCategoryScan.");
        EXPECT_EQ(f.value().error, std::nullopt);
    }
    EXPECT_EQ(h.svc().events_received(), 2U);
}

TEST_F(GenuineScanTest, OnAProtocol32ServerStartCategoryScanIsAnsweredToo) {
    service_harness h({}, kb954960_with([](mitigation::scenario& s) { s.server.protocol_version = "3.2"; }));
    ASSERT_TRUE(h.ok());
    const auto exchanges = run_scan(h, scan);
    ASSERT_EQ(exchanges.size(), scan.size());
    for (auto const& e : exchanges) {
        auto resp = expect_own_response(e);
        if (resp && e.request.op == protocol::operation::start_category_scan) {
            // The agent asks for a category the lab catalog does not have.
            const auto& scan_resp = std::get<protocol::start_category_scan_response>(*resp);
            EXPECT_THAT(scan_resp.requested_category_ids_in_error.value_or(protocol::string_list{}),
                        ElementsAre("dd78b8a1-0b20-45c1-add6-4da72e9364cf"));
        }
    }
}

TEST_F(GenuineScanTest, TheGenuineGetConfigWithoutItsSoapActionIsRefused) {
    service_harness h;
    ASSERT_TRUE(h.ok());
    auto req = std::get<http_request>(wsuslab::test::genuine_splicer{}.request_for(scan.front()));
    ASSERT_TRUE(req.header("SOAPAction").has_value());
    req.headers.erase(std::remove_if(req.headers.begin(), req.headers.end(),
                                     [](auto const& hd) { return hd.first == "SOAPAction"; }),
                      req.headers.end());
    expect_missing_soap_action_fault(h.svc().handle(req));
}

}  // namespace
}  // namespace wsuslab::server::test
