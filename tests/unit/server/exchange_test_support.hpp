#pragma once
// Test helpers for the exchange recorder and replayer: SOAP request/response builders written as
// literal XML (independent of the codec's serializer) and a self-removing temporary folder.

#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <wsuslab/server/http_types.hpp>

#include <unistd.h>

namespace wsuslab::test::exchange {

inline const std::string client_ns =
    "http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService";
inline const std::string auth_ns =
    "http://www.microsoft.com/SoftwareDistribution/Server/SimpleAuthWebService";
inline const std::string client_path = "/ClientWebService/client.asmx";
inline const std::string auth_path = "/SimpleAuthWebService/SimpleAuth.asmx";

/// A fresh folder under the GoogleTest temp dir, removed (recursively) on destruction.
class temp_dir {
public:
    temp_dir() {
        static std::atomic<int> counter{0};
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        path_ = std::filesystem::path(::testing::TempDir()) /
                ("wsuslab-" + std::string(info ? info->name() : "x") + "-" +
                 std::to_string(::getpid()) + "-" + std::to_string(counter++));
        std::filesystem::remove_all(path_);
        std::filesystem::create_directories(path_);
    }
    ~temp_dir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    std::string str() const { return path_.string(); }
    std::filesystem::path path() const { return path_; }

private:
    std::filesystem::path path_;
};

inline std::string envelope(const std::string& body) {
    return "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
           "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\" "
           "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
           "xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\"><soap:Body>" +
           body + "</soap:Body></soap:Envelope>";
}

inline server::http_request soap_request(const std::string& path, const std::string& ns,
                                         const std::string& op, const std::string& inner,
                                         const std::string& remote = "127.0.0.1:50000") {
    server::http_request r;
    r.method = "POST";
    r.target = path;
    r.headers = {{"Host", "127.0.0.1:8530"},
                 {"Content-Type", "text/xml; charset=utf-8"},
                 {"SOAPAction", "\"" + ns + "/" + op + "\""}};
    r.body = envelope("<" + op + " xmlns=\"" + ns + "\">" + inner + "</" + op + ">");
    r.remote_address = remote;
    return r;
}

inline server::http_response soap_response(const std::string& ns, const std::string& op,
                                           const std::string& inner, int status = 200) {
    server::http_response r;
    r.status = status;
    r.headers = {{"Content-Type", "text/xml; charset=utf-8"}, {"Cache-Control", "private"}};
    r.body =
        envelope("<" + op + "Response xmlns=\"" + ns + "\">" + inner + "</" + op + "Response>");
    return r;
}

inline std::string int_list(const std::string& name, const std::vector<int>& ids) {
    std::string out = "<" + name + ">";
    for (int id : ids) {
        out += "<int>" + std::to_string(id) + "</int>";
    }
    return out + "</" + name + ">";
}

inline std::string cookie_xml(const std::string& element, const std::string& data,
                              const std::string& expiration = "2008-06-19T02:59:53Z") {
    return "<" + element + "><Expiration>" + expiration + "</Expiration><EncryptedData>" + data +
           "</EncryptedData></" + element + ">";
}

// ---- requests
// ------------------------------------------------------------------------------------
inline server::http_request get_config(const std::string& remote = "127.0.0.1:50000") {
    return soap_request(client_path, client_ns, "GetConfig",
                        "<protocolVersion>1.6</protocolVersion>", remote);
}

inline server::http_request get_authorization_cookie(
    const std::string& client_id, const std::string& dns,
    const std::string& remote = "127.0.0.1:50000") {
    return soap_request(
        auth_path, auth_ns, "GetAuthorizationCookie",
        "<clientId>" + client_id + "</clientId><targetGroupName /><dnsName>" + dns + "</dnsName>",
        remote);
}

inline server::http_request get_cookie(const std::string& auth_cookie,
                                       const std::string& current_time,
                                       const std::string& remote = "127.0.0.1:50000") {
    return soap_request(
        client_path, client_ns, "GetCookie",
        "<authCookies><AuthorizationCookie><PlugInId>SimpleTargeting</PlugInId><CookieData>" +
            auth_cookie +
            "</CookieData></AuthorizationCookie></authCookies>"
            "<lastChange>2008-06-01T00:00:00Z</lastChange><currentTime>" +
            current_time + "</currentTime><protocolVersion>1.6</protocolVersion>",
        remote);
}

inline server::http_request sync_updates(const std::string& cookie,
                                         const std::vector<int>& installed,
                                         const std::vector<int>& other, bool skip_software = false,
                                         const std::string& remote = "127.0.0.1:50000",
                                         const std::string& expiration = "2008-06-19T02:59:53Z") {
    return soap_request(client_path, client_ns, "SyncUpdates",
                        cookie_xml("cookie", cookie, expiration) +
                            "<parameters><ExpressQuery>false</ExpressQuery>" +
                            int_list("InstalledNonLeafUpdateIDs", installed) +
                            int_list("OtherCachedUpdateIDs", other) + "<SkipSoftwareSync>" +
                            (skip_software ? "true" : "false") + "</SkipSoftwareSync></parameters>",
                        remote);
}

// ---- responses
// -----------------------------------------------------------------------------------
inline server::http_response get_config_response() {
    return soap_response(
        client_ns, "GetConfig",
        "<GetConfigResult><LastChange>2008-06-01T00:00:00Z</LastChange>"
        "<IsRegistrationRequired>false</IsRegistrationRequired><AuthInfo><AuthPlugInInfo>"
        "<PlugInID>SimpleTargeting</PlugInID><ServiceUrl>SimpleAuthWebService/SimpleAuth.asmx"
        "</ServiceUrl></AuthPlugInInfo></AuthInfo></GetConfigResult>");
}

inline server::http_response get_authorization_cookie_response(const std::string& data) {
    return soap_response(
        auth_ns, "GetAuthorizationCookie",
        "<GetAuthorizationCookieResult><PlugInId>SimpleTargeting</PlugInId><CookieData>" + data +
            "</CookieData></GetAuthorizationCookieResult>");
}

inline server::http_response get_cookie_response(const std::string& data) {
    return soap_response(client_ns, "GetCookie", cookie_xml("GetCookieResult", data));
}

inline server::http_response sync_updates_response(const std::string& new_cookie,
                                                   const std::vector<int>& new_ids) {
    std::string updates = "<NewUpdates>";
    for (int id : new_ids) {
        updates +=
            "<UpdateInfo><ID>" + std::to_string(id) +
            "</ID><Deployment><ID>1</ID><Action>Install</Action><IsAssigned>true</IsAssigned>"
            "<LastChangeTime>2008-06-10</LastChangeTime></Deployment><IsLeaf>true</IsLeaf>"
            "<Xml>&lt;UpdateIdentity UpdateID=\"3f0b5c6e-2003-4a51-9d2e-0ff1ce2003a1\" "
            "RevisionNumber=\"" +
            std::to_string(id) + "\" /&gt;</Xml></UpdateInfo>";
    }
    updates += "</NewUpdates>";
    return soap_response(client_ns, "SyncUpdates",
                         "<SyncUpdatesResult>" + updates + "<Truncated>false</Truncated>" +
                             cookie_xml("NewCookie", new_cookie) + "</SyncUpdatesResult>");
}

inline std::string base64(const std::string& in) {
    static const char* alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        const unsigned v = (static_cast<unsigned char>(in[i]) << 16U) |
                           (static_cast<unsigned char>(in[i + 1]) << 8U) |
                           static_cast<unsigned char>(in[i + 2]);
        out += {alphabet[(v >> 18U) & 63U], alphabet[(v >> 12U) & 63U], alphabet[(v >> 6U) & 63U],
                alphabet[v & 63U]};
    }
    if (i + 1 == in.size()) {
        const unsigned v = static_cast<unsigned>(static_cast<unsigned char>(in[i])) << 16U;
        out += {alphabet[(v >> 18U) & 63U], alphabet[(v >> 12U) & 63U], '=', '='};
    } else if (i + 2 == in.size()) {
        const unsigned v = (static_cast<unsigned char>(in[i]) << 16U) |
                           (static_cast<unsigned char>(in[i + 1]) << 8U);
        out += {alphabet[(v >> 18U) & 63U], alphabet[(v >> 12U) & 63U], alphabet[(v >> 6U) & 63U],
                '='};
    }
    return out;
}

/// One simulated client session: GetConfig, GetAuthorizationCookie, GetCookie and three
/// SyncUpdates rounds, with cookies unique to `name` and a final update ID that depends on
/// `salt` (so two clients' answers differ).
struct client_script {
    std::string name;
    std::string remote;
    std::vector<std::pair<server::http_request, server::http_response>> steps;

    std::string cookie(int n) const { return base64("cookie-" + std::to_string(n) + "-" + name); }
};

inline client_script make_script(const std::string& name, int salt, const std::string& remote) {
    client_script s{name, remote, {}};
    const std::string auth = base64("auth-" + name);
    const int last = 8862 + salt;
    s.steps.emplace_back(get_config(remote), get_config_response());
    s.steps.emplace_back(
        get_authorization_cookie("5c7f4f80-3896-4d10-8a38-46928600000" + std::to_string(salt),
                                 name + ".wsuslab.test", remote),
        get_authorization_cookie_response(auth));
    s.steps.emplace_back(get_cookie(auth, "2008-06-14T02:59:50Z", remote),
                         get_cookie_response(s.cookie(1)));
    s.steps.emplace_back(sync_updates(s.cookie(1), {}, {}, false, remote),
                         sync_updates_response(s.cookie(2), {8851, 8855}));
    s.steps.emplace_back(sync_updates(s.cookie(2), {8851}, {8855}, false, remote),
                         sync_updates_response(s.cookie(3), {last}));
    s.steps.emplace_back(sync_updates(s.cookie(3), {8851}, {8855, last}, false, remote),
                         sync_updates_response(s.cookie(4), {}));
    return s;
}

}  // namespace wsuslab::test::exchange
