#pragma once
/// An in-test HTTP server in the manner of a server wsuslab did not write: it answers each SOAP
/// operation with prepared message bodies (fixtures/interop/, or the genuine captures of
/// ../shared/captures), in order per operation (the last one repeats), and records every request.
/// With `xpress`, an answer goes out `Content-Encoding: xpress` when the request asked for it, as
/// a current WSUS does. Header-only: consumers link wsuslab::client (for the xpress encoder).
///
///     interop_server s{third_party_script()};
///     ... run a client against s.url() ...
///     EXPECT_EQ(s.count("SyncUpdates"), 2);

#include <algorithm>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include <wsuslab/client/xpress.hpp>
#include <wsuslab/server/http_types.hpp>

#include "captures.hpp"
#include "fixtures.hpp"
#include "test_server.hpp"

namespace wsuslab::test {

struct interop_script {
    /// Operation -> answer bodies in order. Operations are the SOAPAction's last segment
    /// ("GetConfig", "SyncUpdates", "ReportEventBatch", ...); "SyncUpdates-driver", when present,
    /// answers SyncUpdates requests with SkipSoftwareSync=true.
    std::map<std::string, std::vector<std::string>> answers;
    /// Encode answers as xpress for requests that send `Accept-Encoding: xpress`.
    bool xpress = false;
    /// Body of GET/HEAD /selfupdate/wuident.cab; empty: 404, as a server without the tree.
    std::string selfupdate_cab;
};

struct interop_request {
    std::string operation;  ///< as in interop_script::answers, "" for plain GET/HEAD
    std::string method;
    std::string target;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

class interop_server {
public:
    explicit interop_server(interop_script script)
        : script_(std::move(script)), server_([this](const server::http_request& r) { return answer(r); }) {}

    std::string url() const { return server_.url(); }

    /// Requests received for `operation` so far.
    int count(const std::string& operation) const {
        std::lock_guard<std::mutex> lock(mutex_);
        int n = 0;
        for (auto const& r : seen_) {
            n += r.operation == operation ? 1 : 0;
        }
        return n;
    }

    std::vector<interop_request> requests() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return seen_;
    }

private:
    static std::string operation_of(const server::http_request& r) {
        std::string action(r.header("SOAPAction").value_or(""));
        action.erase(std::remove(action.begin(), action.end(), '"'), action.end());
        auto const slash = action.rfind('/');
        return slash == std::string::npos ? action : action.substr(slash + 1);
    }

    server::http_response answer(const server::http_request& r) {
        std::lock_guard<std::mutex> lock(mutex_);
        interop_request seen{operation_of(r), r.method, r.target, r.headers, r.body};
        server::http_response res;
        if (r.method != "POST") {
            seen_.push_back(seen);
            bool const cab = r.target == "/selfupdate/wuident.cab" && !script_.selfupdate_cab.empty();
            res.status = cab ? 200 : 404;
            res.body = cab ? script_.selfupdate_cab : std::string("not found");
            res.head_only = r.method == "HEAD";
            return res;
        }
        std::string key = seen.operation;
        if (key == "SyncUpdates" && r.body.find("<SkipSoftwareSync>true</SkipSoftwareSync>") != std::string::npos &&
            script_.answers.count("SyncUpdates-driver") != 0) {
            key = "SyncUpdates-driver";
        }
        seen_.push_back(seen);
        auto const it = script_.answers.find(key);
        if (it == script_.answers.end() || it->second.empty()) {
            res.status = 404;
            res.body = "no answer scripted for " + key;
            return res;
        }
        std::size_t& next = next_[key];
        res.body = it->second[std::min(next, it->second.size() - 1)];
        ++next;
        // The IIS-like headers of the captured answers (captures *.resp.headers).
        res.set_header("Content-Type", "text/xml; charset=utf-8");
        res.set_header("Cache-Control", "private");
        res.set_header("Server", "Microsoft-IIS/10.0");
        res.set_header("X-AspNet-Version", "4.0.30319");
        res.set_header("X-Powered-By", "ASP.NET");
        auto const accept = r.header("Accept-Encoding");
        if (script_.xpress && accept && accept->find("xpress") != std::string_view::npos) {
            res.body = client::xpress_encode(res.body);
            res.set_header("Content-Encoding", "xpress");
            res.set_header("Vary", "Accept-Encoding");
        }
        return res;
    }

    mutable std::mutex mutex_;
    interop_script script_;
    std::map<std::string, std::size_t> next_;
    std::vector<interop_request> seen_;
    test_server server_;  // last: stopped (and its handler threads joined) before the rest goes
};

/// The third-party-style server of fixtures/interop/third-party-wsus (Anonymous plug-in, the
/// same two leaf updates with Truncated=false in every SyncUpdates answer). `get_config` names
/// the GetConfig file of that folder.
inline interop_script third_party_script(const std::string& get_config = "GetConfig.xml") {
    interop_script s;
    auto file = [](const std::string& name) { return read_fixture("interop/third-party-wsus/" + name); };
    s.answers["GetConfig"] = {file(get_config)};
    for (const char* op : {"GetAuthorizationCookie", "GetCookie", "RegisterComputer", "SyncUpdates",
                           "GetExtendedUpdateInfo", "ReportEventBatch"}) {
        s.answers[op] = {file(std::string(op) + ".xml")};
    }
    return s;
}

}  // namespace wsuslab::test
