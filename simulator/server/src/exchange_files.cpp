// Reading and writing one exchange folder (docs/exchanges-format.md).
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <system_error>

#include <nlohmann/json.hpp>

#include <wsuslab/server/exchange_store.hpp>

#include "exchange_detail.hpp"

namespace wsuslab::server {
namespace fs = std::filesystem;

std::string exchange_error::message() const {
    return file + ": " + problem;
}

namespace detail {

std::string meta_to_json(const exchange_meta& m) {
    nlohmann::ordered_json j;
    j["sequence"] = m.sequence;
    j["client"] = m.client;
    if (!m.client_id.empty()) {
        j["client_id"] = m.client_id;
    }
    if (!m.dns_name.empty()) {
        j["dns_name"] = m.dns_name;
    }
    j["service"] = m.service;
    j["path"] = m.path;
    j["operation"] = m.operation;
    j["soap_action"] = m.soap_action;
    j["http_status"] = m.http_status;
    j["recorded_at"] = m.recorded_at;
    j["model"] = m.model;
    j["scenario"] = m.scenario;
    j["source"] = m.source;
    if (!m.remote_address.empty()) {
        j["remote_address"] = m.remote_address;
    }
    if (!m.request_parses) {
        j["request_parses"] = false;
    }
    if (!m.upstream.recorded_via.empty()) {
        j["recorded_via"] = m.upstream.recorded_via;
        j["sanitized"] = m.upstream.sanitized;
        nlohmann::ordered_json up = nlohmann::ordered_json::object();
        const std::pair<const char*, const std::string*> facts[] = {
            {"server", &m.upstream.server},
            {"aspnet_version", &m.upstream.aspnet_version},
            {"protocol_version", &m.upstream.protocol_version}};
        for (auto const& [key, value] : facts) {
            if (!value->empty()) {
                up[key] = *value;
            }
        }
        j["upstream"] = up;
    }
    return j.dump(2) + "\n";
}

namespace {

// The optional proxy keys: recorded_via, sanitized, upstream {server, aspnet_version,
// protocol_version}.
std::optional<exchange_error> upstream_from_json(const nlohmann::json& j, const std::string& file,
                                                 upstream_meta& out) {
    if (const auto via = j.find("recorded_via"); via != j.end()) {
        if (!via->is_string()) {
            return exchange_error{file, "field \"recorded_via\" must be a string"};
        }
        out.recorded_via = via->get<std::string>();
    }
    if (const auto s = j.find("sanitized"); s != j.end()) {
        if (!s->is_boolean()) {
            return exchange_error{file, "field \"sanitized\" must be true or false"};
        }
        out.sanitized = s->get<bool>();
    }
    const auto up = j.find("upstream");
    if (up == j.end()) {
        return std::nullopt;
    }
    if (!up->is_object()) {
        return exchange_error{file, "field \"upstream\" must be an object"};
    }
    const std::pair<const char*, std::string*> facts[] = {
        {"server", &out.server},
        {"aspnet_version", &out.aspnet_version},
        {"protocol_version", &out.protocol_version}};
    for (auto const& [key, value] : facts) {
        if (const auto it = up->find(key); it != up->end()) {
            if (!it->is_string()) {
                return exchange_error{file, std::string("field \"upstream.") + key +
                                                "\" must be a string"};
            }
            *value = it->get<std::string>();
        }
    }
    return std::nullopt;
}

}  // namespace

exchange_result<exchange_meta> meta_from_json(const std::string& text, const std::string& file) {
    // parse(..., allow_exceptions = false) yields a discarded value instead of throwing.
    const auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded()) {
        return exchange_error{file, "not valid JSON"};
    }
    if (!j.is_object()) {
        return exchange_error{file, "expected a JSON object"};
    }
    exchange_meta m;
    auto text_field = [&](const char* key, std::string& out,
                          bool required) -> std::optional<exchange_error> {
        const auto it = j.find(key);
        if (it == j.end()) {
            if (required) {
                return exchange_error{file, std::string("missing field \"") + key + "\""};
            }
            return std::nullopt;
        }
        if (!it->is_string()) {
            return exchange_error{file, std::string("field \"") + key + "\" must be a string"};
        }
        out = it->get<std::string>();
        return std::nullopt;
    };
    const auto seq = j.find("sequence");
    if (seq == j.end()) {
        return exchange_error{file, "missing field \"sequence\""};
    }
    if (!seq->is_number_unsigned()) {
        return exchange_error{file, "field \"sequence\" must be a non-negative integer"};
    }
    m.sequence = seq->get<std::size_t>();
    const auto status = j.find("http_status");
    if (status == j.end()) {
        return exchange_error{file, "missing field \"http_status\""};
    }
    if (!status->is_number_integer() || status->get<int>() < 100 || status->get<int>() > 599) {
        return exchange_error{file, "field \"http_status\" must be an HTTP status code (100-599)"};
    }
    m.http_status = status->get<int>();
    const std::pair<const char*, std::string*> required[] = {
        {"client", &m.client}, {"operation", &m.operation}, {"source", &m.source}};
    for (auto const& [key, out] : required) {
        if (auto e = text_field(key, *out, true)) {
            return *e;
        }
    }
    const std::pair<const char*, std::string*> optional[] = {{"client_id", &m.client_id},
                                                             {"dns_name", &m.dns_name},
                                                             {"service", &m.service},
                                                             {"path", &m.path},
                                                             {"soap_action", &m.soap_action},
                                                             {"recorded_at", &m.recorded_at},
                                                             {"model", &m.model},
                                                             {"scenario", &m.scenario},
                                                             {"remote_address", &m.remote_address}};
    for (auto const& [key, out] : optional) {
        if (auto e = text_field(key, *out, false)) {
            return *e;
        }
    }
    if (const auto rp = j.find("request_parses"); rp != j.end()) {
        if (!rp->is_boolean()) {
            return exchange_error{file, "field \"request_parses\" must be true or false"};
        }
        m.request_parses = rp->get<bool>();
    }
    if (m.source.empty()) {
        return exchange_error{file, "field \"source\" is empty; say where the exchange came from"};
    }
    if (auto e = upstream_from_json(j, file, m.upstream)) {
        return *e;
    }
    return m;
}

exchange_result<std::string> read_file(const fs::path& p) {
    std::error_code ec;
    if (!fs::is_regular_file(p, ec)) {
        return exchange_error{p.string(), fs::exists(p, ec) ? "not a regular file" : "missing"};
    }
    std::ifstream in(p, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    if (!in.good() && !in.eof()) {
        return exchange_error{p.string(), std::string("cannot read: ") + std::strerror(errno)};
    }
    return out.str();
}

exchange_result<bool> write_file(const fs::path& p, const std::string& bytes) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    if (!out) {
        return exchange_error{p.string(), std::string("cannot create: ") + std::strerror(errno)};
    }
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) {
        return exchange_error{p.string(), std::string("cannot write: ") + std::strerror(errno)};
    }
    return true;
}

}  // namespace detail

namespace {

// meta.json of the folder, its sequence checked against the folder's number.
exchange_result<exchange_meta> read_meta(const fs::path& dir, std::size_t number, const detail::file_reader& read) {
    const std::string meta_file = (dir / "meta.json").string();
    auto meta_text = read(dir / "meta.json");
    if (!meta_text) {
        return meta_text.error();
    }
    auto meta = detail::meta_from_json(meta_text.value(), meta_file);
    if (!meta) {
        return meta.error();
    }
    if (meta.value().sequence != number) {
        return exchange_error{meta_file, "sequence " + std::to_string(meta.value().sequence) +
                                             " does not match the folder number " +
                                             std::to_string(number)};
    }
    return meta;
}

// request.http-headers or response.http-headers, read and parsed by `parse`.
template <class Message>
exchange_result<Message> read_head(const fs::path& file,
                                   exchange_result<Message> (*parse)(std::string_view, const std::string&),
                                   const detail::file_reader& read) {
    auto text = read(file);
    if (!text) {
        return text.error();
    }
    return parse(text.value(), file.string());
}

// Where the files of one exchange are, for naming them in a cross-check's error.
struct exchange_files {
    bool soap = false;
    fs::path request_body;
    fs::path response_body;
    std::string meta_file;
};

// The files must agree with each other and with meta.json.
std::optional<exchange_error> cross_check(const recorded_exchange& e, const exchange_files& files,
                                          const protocol::limits& lim) {
    if (e.response.status != e.meta.http_status) {
        return exchange_error{files.meta_file, "http_status " + std::to_string(e.meta.http_status) +
                                                   " disagrees with response.http-headers status " +
                                                   std::to_string(e.response.status)};
    }
    if (!e.meta.path.empty() && !detail::iequals(e.meta.path, detail::path_of(e.request.target))) {
        return exchange_error{files.meta_file, "path \"" + e.meta.path +
                                                   "\" disagrees with request.http-headers target \"" +
                                                   e.request.target + "\""};
    }
    const auto facts = detail::inspect_request(e.request, lim);
    if (files.soap && !facts.parsed && e.meta.request_parses) {
        return exchange_error{files.request_body.string(),
                              "does not parse as a SOAP request: " + facts.parse_problem};
    }
    if (files.soap && facts.parsed && !e.meta.request_parses) {
        return exchange_error{files.meta_file, "request_parses is false, but request.xml parses as " +
                                                   facts.operation_name};
    }
    if (facts.operation_name != e.meta.operation) {
        return exchange_error{files.meta_file, "operation \"" + e.meta.operation +
                                                   "\" disagrees with the request, which is " +
                                                   facts.operation_name};
    }
    if (facts.op && detail::is_xml_content_type(e.response.header("Content-Type"))) {
        std::string problem;
        detail::issued_cookies(*facts.op, e.response, lim, &problem);
        if (!problem.empty()) {
            return exchange_error{files.response_body.string(),
                                  "does not parse as a " + facts.operation_name +
                                      " response or SOAP fault: " + problem};
        }
    }
    return std::nullopt;
}

}  // namespace

exchange_result<recorded_exchange> read_exchange(const std::string& folder,
                                                 const protocol::limits& lim) {
    return detail::read_exchange_from(folder, lim, detail::read_file);
}

exchange_result<recorded_exchange> detail::read_exchange_from(const std::string& folder,
                                                              const protocol::limits& lim,
                                                              const file_reader& read) {
    const fs::path dir(folder);
    recorded_exchange e;
    e.name = dir.filename().string();
    const auto number = detail::folder_number(e.name);
    if (!number) {
        return exchange_error{folder, "folder name does not start with a sequence number and '-'"};
    }
    auto meta = read_meta(dir, *number, read);
    if (!meta) {
        return meta.error();
    }
    e.meta = std::move(meta.value());

    auto req = read_head<http_request>(dir / "request.http-headers", detail::parse_request_head, read);
    if (!req) {
        return req.error();
    }
    e.request = std::move(req.value());
    exchange_files files;
    files.soap = detail::is_soap_exchange(e.request);
    files.request_body = dir / (files.soap ? "request.xml" : "request.body");
    files.response_body = dir / (files.soap ? "response.xml" : "response.body");
    files.meta_file = (dir / "meta.json").string();
    auto body = read(files.request_body);
    if (!body) {
        return body.error();
    }
    e.request.body = std::move(body.value());
    e.request.remote_address = e.meta.remote_address;

    auto resp = read_head<http_response>(dir / "response.http-headers", detail::parse_response_head, read);
    if (!resp) {
        return resp.error();
    }
    e.response = std::move(resp.value());
    auto rbody = read(files.response_body);
    if (!rbody) {
        return rbody.error();
    }
    e.response.body = std::move(rbody.value());
    if (auto problem = cross_check(e, files, lim)) {
        return *problem;
    }
    return e;
}

exchange_result<bool> write_exchange(const std::string& dir, const recorded_exchange& e) {
    const fs::path final_dir = fs::path(dir) / e.name;
    // Written under a dot-name (which readers skip) and renamed into place when complete.
    const fs::path tmp_dir = fs::path(dir) / ("." + e.name + ".partial");
    std::error_code ec;
    if (fs::exists(final_dir, ec)) {
        return exchange_error{final_dir.string(),
                              "already exists; an exchange is never overwritten"};
    }
    fs::remove_all(tmp_dir, ec);
    if (!fs::create_directories(tmp_dir, ec) && ec) {
        return exchange_error{tmp_dir.string(), "cannot create folder: " + ec.message()};
    }
    const bool soap = detail::is_soap_exchange(e.request);
    const std::pair<const char*, std::string> files[] = {
        {"meta.json", detail::meta_to_json(e.meta)},
        {"request.http-headers", detail::format_request_head(e.request)},
        {soap ? "request.xml" : "request.body", e.request.body},
        {"response.http-headers", detail::format_response_head(e.response)},
        {soap ? "response.xml" : "response.body", e.response.body},
    };
    for (auto const& [name, bytes] : files) {
        auto w = detail::write_file(tmp_dir / name, bytes);
        if (!w) {
            return exchange_error{(final_dir / name).string(), w.error().problem};
        }
    }
    fs::rename(tmp_dir, final_dir, ec);
    if (ec) {
        return exchange_error{final_dir.string(), "cannot rename " + tmp_dir.filename().string() +
                                                      " into place: " + ec.message()};
    }
    return true;
}

}  // namespace wsuslab::server
