// GET/HEAD /Content/<last 2 hex>/<SHA1HEX>.<ext>: the deterministic bytes of the files a scenario
// declares (mitigation/content.hpp), with single-range requests (RFC 7233) as WUA's BITS and
// WinHTTP downloads use them. GET/HEAD /selfupdate/...: the files of a SelfUpdate folder the
// operator copied from a real WSUS (docs/lab-guide.md), served by the same code.

#include <algorithm>
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <optional>
#include <string>

#include <sys/stat.h>

#include <wsuslab/mitigation/content.hpp>
#include <wsuslab/protocol/text.hpp>

#include "plain_response.hpp"
#include "router.hpp"

namespace wsuslab::server::detail {
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
    if (!protocol::istarts_with(header, unit)) {
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

// Reads `count` bytes at `first` of the file being served; nullopt when it cannot.
using range_reader = std::function<std::optional<std::string>(std::uint64_t first, std::size_t count)>;

// The one place a file is served from, for /Content and /selfupdate alike: 200 with the whole
// file, 206 with a single satisfiable range, 416 for an unsatisfiable one; HEAD gets the same
// headers (the body only sets Content-Length).
http_response serve_ranged(const http_request& request, std::uint64_t size, const range_reader& read) {
    http_response r;
    r.head_only = request.method == "HEAD";
    r.set_header("Content-Type", "application/octet-stream");
    r.set_header("Accept-Ranges", "bytes");

    byte_range range;
    const auto header = request.header("Range");
    const range_kind kind = header ? parse_range(*header, size, range) : range_kind::none;
    if (kind == range_kind::unsatisfiable) {
        r.status = 416;
        r.set_header("Content-Range", "bytes */" + std::to_string(size));
        r.head_only = false;
        return r;
    }
    if (kind == range_kind::satisfiable) {
        r.status = 206;
        r.set_header("Content-Range", "bytes " + std::to_string(range.first) + "-" + std::to_string(range.last) +
                                          "/" + std::to_string(size));
    } else {
        range = byte_range{0, size == 0 ? 0 : size - 1};
    }
    const std::size_t count = size == 0 ? 0 : static_cast<std::size_t>(range.last - range.first + 1);
    auto bytes = read(range.first, count);
    if (!bytes) {
        return plain_text_response(500, "internal error: the file could not be read\n");
    }
    r.body = std::move(*bytes);
    return r;
}

// A request path under /selfupdate turned into a file inside the SelfUpdate folder, or the
// answer that refuses it.
struct resolved_file {
    std::filesystem::path file;
    std::optional<http_response> refusal;
    std::string why;  ///< for the log when a refusal deserves a line
};

// IIS decodes %XX before mapping a URL to a file, so "%2e%2e" must be caught as "..".
std::optional<std::string> percent_decode(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') {
            out += s[i];
            continue;
        }
        const auto byte = protocol::hex_decode(s.substr(i + 1, 2));
        if (!byte || byte->size() != 1) {
            return std::nullopt;
        }
        out += *byte;
        i += 2;
    }
    return out;
}

// The entry of `dir` named `name`, compared case-insensitively as NTFS does (an exact match
// wins; among several case variants the first in byte order).
std::optional<std::filesystem::path> find_entry(const std::filesystem::path& dir, const std::string& name) {
    std::error_code ec;
    if (std::filesystem::exists(std::filesystem::symlink_status(dir / name, ec))) {
        return dir / name;
    }
    std::optional<std::filesystem::path> best;
    for (auto it = std::filesystem::directory_iterator(dir, ec); !ec && it != std::filesystem::directory_iterator();
         it.increment(ec)) {
        const std::string candidate = it->path().filename().string();
        if (protocol::iequals(candidate, name) && (!best || candidate < best->filename().string())) {
            best = it->path();
        }
    }
    return best;
}

bool inside(const std::filesystem::path& root, const std::filesystem::path& p) {
    auto r = root.begin();
    auto q = p.begin();
    for (; r != root.end(); ++r, ++q) {
        if (q == p.end() || *r != *q) {
            return false;
        }
    }
    return true;
}

resolved_file resolve_selfupdate(const std::filesystem::path& root, std::string_view rest) {
    resolved_file out;
    const auto decoded = percent_decode(rest);
    if (!decoded) {
        out.refusal = plain_text_response(400, "bad request: bad percent-encoding in the path\n");
        return out;
    }
    std::filesystem::path at = root;
    bool any = false;
    std::string_view remaining = *decoded;
    while (!remaining.empty()) {
        const auto slash = remaining.find('/');
        const std::string segment(remaining.substr(0, slash));
        remaining = slash == std::string_view::npos ? std::string_view{} : remaining.substr(slash + 1);
        if (segment.empty()) {
            continue;
        }
        if (segment == "." || segment == ".." ||
            std::any_of(segment.begin(), segment.end(), [](char c) { return c == '\\' || static_cast<unsigned char>(c) < 0x20; })) {
            out.refusal = plain_text_response(400, "bad request: the path may not contain '.' or '..' segments, backslashes or "
                                     "control characters\n");
            return out;
        }
        auto next = find_entry(at, segment);
        if (!next) {
            out.refusal = plain_text_response(404, "The resource cannot be found.\n");
            return out;
        }
        at = *next;
        any = true;
    }
    std::error_code ec;
    const std::filesystem::path real = std::filesystem::canonical(at, ec);
    if (!any || ec || !std::filesystem::is_regular_file(real, ec)) {
        out.refusal = plain_text_response(404, "The resource cannot be found.\n");
        return out;
    }
    // A symbolic link may point anywhere; only what really lies inside the folder is served.
    if (!inside(root, real)) {
        out.refusal = plain_text_response(404, "The resource cannot be found.\n");
        out.why = "resolves to " + real.string() + ", outside the SelfUpdate folder " + root.string() + "; refused";
        return out;
    }
    out.file = real;
    return out;
}

std::optional<std::string> read_part(const std::filesystem::path& file, std::uint64_t first, std::size_t count) {
    std::ifstream in(file, std::ios::binary);
    if (!in.seekg(static_cast<std::streamoff>(first))) {
        return std::nullopt;
    }
    std::string bytes(count, '\0');
    if (count > 0 && !in.read(bytes.data(), static_cast<std::streamsize>(count))) {
        return std::nullopt;
    }
    return bytes;
}

// Last-Modified as IIS sends it for a static file (RFC 9110 IMF-fixdate).
std::string http_date(const std::filesystem::path& file) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) {
        return {};
    }
    std::tm tm{};
    gmtime_r(&st.st_mtime, &tm);
    char buf[64];
    return std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm) ? std::string(buf) : std::string();
}

// What `serve` answers for wuident.cab without a SelfUpdate folder: a lab invention that says what
// it is. The simulated agent only asks that the file be there (docs/client.md §2); a real agent
// would refuse it as unsigned, which is why docs/lab-guide.md §7 tells QA to give a real folder.
http_response serve_stand_in(const http_request& request) {
    static constexpr std::string_view stand_in =
        "wsuslab stand-in for wuident.cab: not a Microsoft cabinet. A real Windows Update Agent needs a "
        "SelfUpdate folder copied from a real WSUS: wsuslab serve --selfupdate DIR.\n";
    http_response r = serve_ranged(request, stand_in.size(), [](std::uint64_t first, std::size_t count) {
        return std::optional<std::string>(stand_in.substr(static_cast<std::size_t>(first), count));
    });
    return r;
}

}  // namespace

std::variant<std::filesystem::path, std::string> selfupdate_root(const std::string& dir) {
    std::error_code ec;
    const std::filesystem::path root = std::filesystem::canonical(dir, ec);
    if (ec) {
        return "SelfUpdate folder '" + dir + "': " + ec.message();
    }
    if (!std::filesystem::is_directory(root, ec)) {
        return "SelfUpdate folder '" + dir + "' is not a directory";
    }
    return root;
}

bool has_wuident(const std::filesystem::path& root) {
    std::error_code ec;
    for (auto it = std::filesystem::directory_iterator(root, ec); !ec && it != std::filesystem::directory_iterator();
         it.increment(ec)) {
        if (protocol::iequals(it->path().filename().string(), "wuident.cab")) {
            return true;
        }
    }
    return false;
}

http_response handle_selfupdate(const selfupdate_folder& folder, server_log& log, const http_request& request,
                                std::string_view path) {
    if (request.method != "GET" && request.method != "HEAD") {
        return method_not_allowed("GET, HEAD");
    }
    if (folder.root.empty() && folder.stand_in &&
        protocol::iequals(path.substr(std::string_view("/selfupdate").size()), "/wuident.cab")) {
        return serve_stand_in(request);
    }
    if (folder.root.empty()) {
        if (!folder.hint_logged.exchange(true)) {
            log.write(log_line{log_severity::warning, "SelfUpdateHandler.ProcessRequest",
                               request.target + ": 404, no SelfUpdate folder is served; start wsuslab serve with "
                                                "--selfupdate DIR (a copy of a real WSUS's SelfUpdate folder) to serve it",
                               {}});
        }
        return plain_text_response(404, "The resource cannot be found. (No SelfUpdate folder is served: see wsuslab serve "
                          "--selfupdate.)\n");
    }
    resolved_file found = resolve_selfupdate(folder.root, path.substr(std::string_view("/selfupdate").size()));
    if (found.refusal) {
        if (!found.why.empty()) {
            log.write(log_line{log_severity::warning, "SelfUpdateHandler.ProcessRequest",
                               request.target + " " + found.why, {}});
        }
        return std::move(*found.refusal);
    }
    std::error_code ec;
    const std::uint64_t size = std::filesystem::file_size(found.file, ec);
    if (ec) {
        return plain_text_response(404, "The resource cannot be found.\n");
    }
    if (size > selfupdate_folder::max_file) {
        return plain_text_response(500, "internal error: " + found.file.filename().string() + " is larger than the " +
                              std::to_string(selfupdate_folder::max_file >> 20) + " MiB the lab server serves\n");
    }
    http_response r = serve_ranged(request, size, [&found](std::uint64_t first, std::size_t count) {
        return read_part(found.file, first, count);
    });
    if (auto modified = http_date(found.file); !modified.empty()) {
        r.set_header("Last-Modified", modified);
    }
    return r;
}

http_response handle_content(const scenario_index* index, const http_request& request, std::string_view path) {
    if (request.method != "GET" && request.method != "HEAD") {
        return method_not_allowed("GET, HEAD");
    }
    const content_entry* entry = index ? index->content_by_path(path) : nullptr;
    if (entry == nullptr) {
        return plain_text_response(404, "The resource cannot be found.\n");
    }
    const mitigation::content_file& file = *entry->file;
    http_response r = serve_ranged(request, file.size, [&file](std::uint64_t first, std::size_t count) {
        return std::optional<std::string>(mitigation::content_range(file, first, count));
    });
    r.set_header("ETag", "\"" + entry->sha1_hex + "\"");
    return r;
}

}  // namespace wsuslab::server::detail
