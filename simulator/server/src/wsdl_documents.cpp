// GET <endpoint>.asmx?wsdl: the MS-WUSP WSDL of the service (embedded at build time, see
// simulator/server/wsdl/PROVENANCE.md) with its soap:address locations pointing at this server.

#include <string>
#include <string_view>

#include "router.hpp"

namespace wsuslab::server::detail {

// Defined in the generated wsdl_embedded.cpp; empty when unknown.
std::string_view embedded_wsdl(std::string_view name);

namespace {

// Rewrites every location="http://localhost/..." attribute value to `url`.
std::string relocate(std::string_view wsdl, const std::string& url) {
    constexpr std::string_view marker = "location=\"http://localhost/";
    std::string out;
    out.reserve(wsdl.size() + 256);
    std::size_t pos = 0;
    while (true) {
        const auto hit = wsdl.find(marker, pos);
        if (hit == std::string_view::npos) {
            out.append(wsdl.substr(pos));
            return out;
        }
        const auto value = hit + std::string_view("location=\"").size();
        const auto end = wsdl.find('"', value);
        if (end == std::string_view::npos) {
            out.append(wsdl.substr(pos));
            return out;
        }
        out.append(wsdl.substr(pos, value - pos));
        out.append(url);
        pos = end;
    }
}

}  // namespace

http_response handle_wsdl(protocol::service s, std::string_view actor_path, const std::string& base_url) {
    std::string_view name = "client";
    if (s == protocol::service::simple_auth) {
        name = "simpleauth";
    } else if (s == protocol::service::reporting) {
        name = "reporting";
    }
    http_response r;
    r.set_header("Content-Type", "text/xml; charset=utf-8");
    r.body = relocate(embedded_wsdl(name), base_url + std::string(actor_path));
    return r;
}

}  // namespace wsuslab::server::detail
