// GET/HEAD /Content/<last 2 hex>/<SHA1HEX>.<ext>: the deterministic bytes of the files a scenario
// declares (mitigation/content.hpp), with single-range requests (RFC 7233) as WUA's BITS and
// WinHTTP downloads use them.

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include <wsuslab/mitigation/content.hpp>

#include "service_impl.hpp"
#include "targeting.hpp"

namespace wsuslab::server {
namespace {

struct byte_range {
    std::uint64_t first = 0;
    std::uint64_t last = 0;  // inclusive
};

// What a Range header asks for: nothing usable (serve the whole file), a satisfiable range, or
// an unsatisfiable one.
enum class range_kind { none, satisfiable, unsatisfiable };

std::optional<std::uint64_t> parse_number(std::string_view s) {
    if (s.empty() || s.size() > 19) {
        return std::nullopt;
    }
    std::uint64_t v = 0;
    for (const char c : s) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return v;
}

// Only one range is served; a multi-range or malformed header is ignored (RFC 7233 §3.1 allows
// a server to ignore Range), so the client gets the whole file with 200.
range_kind parse_range(std::string_view header, std::uint64_t size, byte_range& out) {
    while (!header.empty() && header.front() == ' ') {
        header.remove_prefix(1);
    }
    constexpr std::string_view unit = "bytes=";
    if (header.size() < unit.size() || !detail::ci_equal(header.substr(0, unit.size()), unit)) {
        return range_kind::none;
    }
    std::string_view spec = header.substr(unit.size());
    while (!spec.empty() && spec.back() == ' ') {
        spec.remove_suffix(1);
    }
    if (spec.find(',') != std::string_view::npos) {
        return range_kind::none;
    }
    const auto dash = spec.find('-');
    if (dash == std::string_view::npos) {
        return range_kind::none;
    }
    const std::string_view first_text = spec.substr(0, dash);
    const std::string_view last_text = spec.substr(dash + 1);
    if (first_text.empty()) {
        auto suffix = parse_number(last_text);
        if (!suffix) {
            return range_kind::none;
        }
        if (*suffix == 0 || size == 0) {
            return range_kind::unsatisfiable;
        }
        out.first = *suffix >= size ? 0 : size - *suffix;
        out.last = size - 1;
        return range_kind::satisfiable;
    }
    auto first = parse_number(first_text);
    if (!first) {
        return range_kind::none;
    }
    std::uint64_t last = std::numeric_limits<std::uint64_t>::max();
    if (!last_text.empty()) {
        auto l = parse_number(last_text);
        if (!l || *l < *first) {
            return range_kind::none;
        }
        last = *l;
    }
    if (*first >= size) {
        return range_kind::unsatisfiable;
    }
    out.first = *first;
    out.last = last >= size ? size - 1 : last;
    return range_kind::satisfiable;
}

}  // namespace

http_response wsus_service::impl::handle_content(const http_request& request, std::string_view path) {
    http_response r;
    if (request.method != "GET" && request.method != "HEAD") {
        r.status = 405;
        r.set_header("Allow", "GET, HEAD");
        r.set_header("Content-Type", "text/plain; charset=utf-8");
        r.body = "The HTTP verb used to access this page is not allowed.\n";
        return r;
    }
    const detail::content_entry* entry = index ? index->content_by_path(path) : nullptr;
    if (entry == nullptr) {
        r.status = 404;
        r.set_header("Content-Type", "text/plain; charset=utf-8");
        r.body = "The resource cannot be found.\n";
        return r;
    }
    const mitigation::content_file& file = *entry->file;
    r.head_only = request.method == "HEAD";
    r.set_header("Content-Type", "application/octet-stream");
    r.set_header("Accept-Ranges", "bytes");
    r.set_header("ETag", "\"" + entry->sha1_hex + "\"");

    byte_range range;
    const auto header = request.header("Range");
    const range_kind kind = header ? parse_range(*header, file.size, range) : range_kind::none;
    if (kind == range_kind::unsatisfiable) {
        r.status = 416;
        r.set_header("Content-Range", "bytes */" + std::to_string(file.size));
        r.head_only = false;
        return r;
    }
    if (kind == range_kind::satisfiable) {
        r.status = 206;
        r.set_header("Content-Range", "bytes " + std::to_string(range.first) + "-" + std::to_string(range.last) +
                                          "/" + std::to_string(file.size));
        r.body = mitigation::content_range(file, range.first, static_cast<std::size_t>(range.last - range.first + 1));
        return r;
    }
    r.body = mitigation::content_bytes(file);
    return r;
}

}  // namespace wsuslab::server
