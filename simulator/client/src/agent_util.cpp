// Small helpers of the agent (SHA-1, error numbers) and the --download content check.
#include <cstdio>
#include <utility>

#include <openssl/sha.h>

#include "agent_impl.hpp"

namespace wsuslab::client::detail {

std::string sha1_base64(const std::string& data) {
    unsigned char digest[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
    return protocol::base64_encode(
        std::string_view(reinterpret_cast<const char*>(digest), SHA_DIGEST_LENGTH));
}

int soap_client_error_of(std::uint32_t hresult) {
    // WU_E_PT_SOAPCLIENT_* is 0x80244000 + the ATL enum; WinHTTP-style codes travel as SEND_ERROR
    // and HTTP status codes as SERVER_ERROR, as WUA logs print them.
    if (hresult >= 0x80244001 && hresult <= 0x8024400A) {
        return static_cast<int>(hresult - 0x80244000);
    }
    if (hresult >= 0x80244016 && hresult <= 0x80244024) {
        return static_cast<int>(soap_client_error::server_error);
    }
    if (hresult == hr::http_status_not_mapped) {
        return static_cast<int>(soap_client_error::server_error);
    }
    if (hresult == hr::winhttp_name_not_resolved) {
        return static_cast<int>(soap_client_error::send_error);
    }
    if (hresult == hr::invalid_url) {
        return static_cast<int>(soap_client_error::generate_error);
    }
    return 0;
}

std::map<std::string, std::string> agent::locate_files(const std::vector<protocol::file_location>& files,
                                                      const protocol::response& answer) {
    // GetFileLocations is authoritative for URLs; fall back to the GetExtendedUpdateInfo ones.
    std::map<std::string, std::string> url_of;
    for (auto const& f : files) {
        url_of[*f.file_digest] = f.url.value_or("");
    }
    auto const* resp = std::get_if<protocol::get_file_locations_response>(&answer);
    if (resp == nullptr || !resp->result) {
        return url_of;
    }
    if (resp->result->new_cookie) {
        cache_.cookie = *resp->result->new_cookie;
    }
    for (auto const& loc : resp->result->file_locations.value_or(std::vector<protocol::file_location>{})) {
        if (loc.file_digest && loc.url && url_of.count(*loc.file_digest) != 0) {
            url_of[*loc.file_digest] = *loc.url;
        }
    }
    return url_of;
}

transport_result agent::fetch_content(const char* method, const std::string& url) {
    exchange ex;
    ex.attempt = attempt_;
    ex.method = method;
    ex.url = url;
    ex.sent_at = clock_.now();
    transport_result tr = ex.method == "HEAD" ? net_.head(url) : net_.get(url);
    clock_.advance(opt_.round_trip_time);
    if (tr.ok()) {
        ex.http_status = tr.reply().status;
    } else {
        ex.error = tr.error();
    }
    out_.exchanges.push_back(std::move(ex));  // content bodies are not kept (size only)
    return tr;
}

download_record agent::download_one(const std::string& digest, const std::string& url) {
    download_record rec;
    rec.digest_base64 = digest;
    rec.url = url;
    auto const owner = file_owner_.find(digest);
    rec.revision_id = owner == file_owner_.end() ? 0 : owner->second;
    transport_result head = fetch_content("HEAD", rec.url);
    if (!head.ok()) {
        rec.error = "HEAD: " + head.error().message;
        return rec;
    }
    if ((rec.head_status = head.reply().status) != 200) {
        rec.error = "HEAD: HTTP status " + std::to_string(rec.head_status);
        return rec;
    }
    transport_result got = fetch_content("GET", rec.url);
    if (!got.ok()) {
        rec.error = "GET: " + got.error().message;
    } else if ((rec.get_status = got.reply().status) != 200) {
        rec.error = "GET: HTTP status " + std::to_string(rec.get_status);
    } else {
        rec.bytes = got.reply().body.size();
        rec.verified = sha1_base64(got.reply().body) == digest;
        if (!rec.verified) {
            rec.error = "SHA-1 of the content does not match FileDigest " + digest;
        }
    }
    return rec;
}

std::optional<failure> agent::download(const std::vector<protocol::file_location>& files) {
    if (files.empty()) {
        return std::nullopt;
    }
    protocol::string_list digests;
    for (auto const& f : files) {
        digests.push_back(*f.file_digest);
    }
    auto build = [this, &digests]() -> protocol::request {
        protocol::get_file_locations_request req;
        req.cookie_ = cache_.cookie;
        req.file_digests = digests;
        return req;
    };
    auto r = call(protocol::operation::get_file_locations, client_url(), build);
    if (auto* f = std::get_if<failure>(&r)) {
        return *f;
    }
    std::map<std::string, std::string> url_of = locate_files(files, std::get<protocol::response>(r));
    auto const tid = log_.ids().agent_tid;
    for (auto const& digest : digests) {
        download_record rec = download_one(digest, url_of[digest]);
        log_.write(tid, "DnldMgr",
                   rec.error.empty()
                       ? "* Downloaded " + rec.url + " (" + std::to_string(rec.bytes) + " bytes), SHA-1 verified"
                       : "WARNING: Download of " + rec.url + " failed: " + rec.error);
        if (!rec.error.empty()) {
            out_.warnings.push_back("download " + rec.url + ": " + rec.error);
        }
        out_.downloads.push_back(std::move(rec));
    }
    return std::nullopt;
}

}  // namespace wsuslab::client::detail
