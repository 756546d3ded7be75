#pragma once
// fuzz_exchange's work on one input (fuzz_check.hpp), also replayed by
// tests/unit/server/fuzz_replay_test.cpp: bytes -> one recorded exchange folder, as
// `wsuslab serve --replay DIR` loads it: meta.json (nlohmann-json, strict fields),
// request/response .http-headers, the SOAP bodies and every cross-check of read_exchange, through
// the read_exchange_from seam with the files in memory.
//
// Input: the folder name, then meta.json, request.http-headers, the request body,
// response.http-headers and the response body, separated by lines "--file--"
// (tests/fuzz/wsuslab.dict has it).
// Invariants: an error names a file of the folder and a problem; a loaded exchange's meta.json and
// header files are written back by the recorder's own writers and read back to the same text.
// Outcome: "skipped" (a folder name with '/'), "refused: <file>: <problem>" or "loaded".
#include <array>
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include <wsuslab/server/exchange_store.hpp>

#include "exchange_detail.hpp"
#include "fuzz_check.hpp"

namespace wsuslab::fuzz {

inline constexpr std::string_view exchange_separator = "\n--file--\n";

struct exchange_parts {
    enum index : std::size_t {
        name, meta, request_head, request_body, response_head, response_body, count };
    std::array<std::string, count> text;
};

inline exchange_parts split_exchange(std::string_view input) {
    exchange_parts parts;
    for (std::size_t i = 0; i < exchange_parts::count; ++i) {
        const auto at = input.find(exchange_separator);
        if (i + 1 == exchange_parts::count || at == std::string_view::npos) {
            parts.text[i] = std::string(input);
            break;
        }
        parts.text[i] = std::string(input.substr(0, at));
        input.remove_prefix(at + exchange_separator.size());
    }
    return parts;
}

inline std::string run_exchange_input(std::string_view bytes) {
    namespace detail = server::detail;
    using parts_index = exchange_parts::index;
    const exchange_parts parts = split_exchange(bytes);
    // A folder name with a path separator would leave the in-memory folder; real names never do.
    if (parts.text[parts_index::name].find('/') != std::string::npos) {
        return "skipped";
    }
    const std::string folder = "rec/" + parts.text[parts_index::name];
    const auto reader =
        [&](const std::filesystem::path& p) -> server::exchange_result<std::string> {
        const std::string file = p.filename().string();
        if (file == "meta.json") {
            return parts.text[parts_index::meta];
        }
        if (file == "request.http-headers") {
            return parts.text[parts_index::request_head];
        }
        if (file == "request.xml" || file == "request.body") {
            return parts.text[parts_index::request_body];
        }
        if (file == "response.http-headers") {
            return parts.text[parts_index::response_head];
        }
        if (file == "response.xml" || file == "response.body") {
            return parts.text[parts_index::response_body];
        }
        return server::exchange_error{p.string(), "missing"};
    };

    auto loaded = detail::read_exchange_from(folder, {}, reader);
    if (!loaded) {
        WSUSLAB_FUZZ_CHECK(!loaded.error().problem.empty());
        WSUSLAB_FUZZ_CHECK(loaded.error().file.rfind(folder, 0) == 0);
        return "refused: " + loaded.error().message();
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
    return "loaded";
}

}  // namespace wsuslab::fuzz
