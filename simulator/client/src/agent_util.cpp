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
    // GetFileLocations is authoritative for URLs; fall back to the GetExtendedUpdateInfo ones.
    std::map<std::string, std::string> url_of;
    for (auto const& f : files) {
        url_of[*f.file_digest] = f.url.value_or("");
    }
    if (auto const* resp = std::get_if<protocol::get_file_locations_response>(&std::get<protocol::response>(r));
        resp != nullptr && resp->result) {
        if (resp->result->new_cookie) {
            cache_.cookie = *resp->result->new_cookie;
        }
        for (auto const& loc : resp->result->file_locations.value_or(std::vector<protocol::file_location>{})) {
            if (loc.file_digest && loc.url && url_of.count(*loc.file_digest) != 0) {
                url_of[*loc.file_digest] = *loc.url;
            }
        }
    }
    auto const tid = log_.ids().agent_tid;
    for (auto const& digest : digests) {
        download_record rec;
        rec.digest_base64 = digest;
        rec.url = url_of[digest];
        auto const owner = file_owner_.find(digest);
        rec.revision_id = owner == file_owner_.end() ? 0 : owner->second;
        auto content = [&](const char* method) {
            exchange ex;
            ex.attempt = attempt_;
            ex.method = method;
            ex.url = rec.url;
            ex.sent_at = clock_.now();
            transport_result tr = ex.method == "HEAD" ? net_.head(rec.url) : net_.get(rec.url);
            clock_.advance(opt_.round_trip_time);
            if (tr.ok()) {
                ex.http_status = tr.reply().status;
            } else {
                ex.error = tr.error();
            }
            out_.exchanges.push_back(std::move(ex));  // content bodies are not kept (size only)
            return tr;
        };
        transport_result head = content("HEAD");
        if (!head.ok()) {
            rec.error = "HEAD: " + head.error().message;
        } else if ((rec.head_status = head.reply().status) != 200) {
            rec.error = "HEAD: HTTP status " + std::to_string(rec.head_status);
        } else {
            transport_result got = content("GET");
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
        }
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
