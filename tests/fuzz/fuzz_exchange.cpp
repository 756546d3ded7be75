// Bytes -> one recorded exchange folder, as `wsuslab serve --replay DIR` loads it: meta.json
// (nlohmann-json, strict fields), request/response .http-headers, the SOAP bodies and every
// cross-check of read_exchange, through the read_exchange_from seam with the files in memory.
//
// Input: the folder name, then meta.json, request.http-headers, the request body,
// response.http-headers and the response body, separated by lines "--file--" (tests/fuzz/wsuslab.dict has it).
// Invariants: an error names a file of the folder and a problem; a loaded exchange's meta.json and
// header files are written back by the recorder's own writers and read back to the same text.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <wsuslab/server/exchange_store.hpp>

#include "exchange_detail.hpp"
#include "fuzz_check.hpp"

namespace srv = wsuslab::server;
namespace detail = wsuslab::server::detail;

namespace {

constexpr std::string_view separator = "\n--file--\n";
enum part : std::size_t { name, meta, request_head, request_body, response_head, response_body, count };

std::array<std::string, part::count> split(std::string_view input) {
    std::array<std::string, part::count> parts;
    for (std::size_t i = 0; i < part::count; ++i) {
        const auto at = input.find(separator);
        if (i + 1 == part::count || at == std::string_view::npos) {
            parts[i] = std::string(input);
            break;
        }
        parts[i] = std::string(input.substr(0, at));
        input.remove_prefix(at + separator.size());
    }
    return parts;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto parts = split(wsuslab::fuzz::as_text(data, size));
    // A folder name with a path separator would leave the in-memory folder; real names never do.
    if (parts[part::name].find('/') != std::string::npos) {
        return 0;
    }
    const std::string folder = "rec/" + parts[part::name];
    const auto reader = [&](const std::filesystem::path& p) -> srv::exchange_result<std::string> {
        const std::string file = p.filename().string();
        if (file == "meta.json") {
            return parts[part::meta];
        }
        if (file == "request.http-headers") {
            return parts[part::request_head];
        }
        if (file == "request.xml" || file == "request.body") {
            return parts[part::request_body];
        }
        if (file == "response.http-headers") {
            return parts[part::response_head];
        }
        if (file == "response.xml" || file == "response.body") {
            return parts[part::response_body];
        }
        return srv::exchange_error{p.string(), "missing"};
    };

    auto loaded = detail::read_exchange_from(folder, {}, reader);
    if (!loaded) {
        WSUSLAB_FUZZ_CHECK(!loaded.error().problem.empty());
        WSUSLAB_FUZZ_CHECK(loaded.error().file.rfind(folder, 0) == 0);
        return 0;
    }
    const auto& e = loaded.value();

    const std::string meta_text = detail::meta_to_json(e.meta);
    auto meta_again = detail::meta_from_json(meta_text, "meta.json");
    WSUSLAB_FUZZ_CHECK(meta_again.ok());
    WSUSLAB_FUZZ_CHECK(detail::meta_to_json(meta_again.value()) == meta_text);

    const std::string req_text = detail::format_request_head(e.request);
    auto req_again = detail::parse_request_head(req_text, "request.http-headers");
    WSUSLAB_FUZZ_CHECK(req_again.ok());
    WSUSLAB_FUZZ_CHECK(detail::format_request_head(req_again.value()) == req_text);

    const std::string resp_text = detail::format_response_head(e.response);
    auto resp_again = detail::parse_response_head(resp_text, "response.http-headers");
    WSUSLAB_FUZZ_CHECK(resp_again.ok());
    WSUSLAB_FUZZ_CHECK(detail::format_response_head(resp_again.value()) == resp_text);
    return 0;
}
