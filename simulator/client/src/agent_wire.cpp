// What each agent puts on the wire: the request bodies (the 2008 agent: the codec's envelope; the
// modern agent: the shape of the genuine Windows 11 captures, docs/client.md §2), the extra HTTP
// headers, and the HRESULT a fault becomes.
#include <string_view>

#include <wsuslab/protocol/messages.hpp>

#include "agent_impl.hpp"

namespace wsuslab::client {

std::string_view agent_kind_name(agent_kind k) {
    return k == agent_kind::modern ? "modern" : "2008";
}

std::optional<agent_kind> agent_kind_from_name(std::string_view name) {
    if (name == "2008") {
        return agent_kind::wua_2008;
    }
    if (name == "modern") {
        return agent_kind::modern;
    }
    return std::nullopt;
}

std::string_view round_rule_name(round_rule r) {
    return r == round_rule::until_empty ? "until-empty" : "spec";
}

std::optional<round_rule> round_rule_from_name(std::string_view name) {
    if (name == "spec") {
        return round_rule::spec;
    }
    if (name == "until-empty") {
        return round_rule::until_empty;
    }
    return std::nullopt;
}

std::string effective_protocol_version(const sync_options& options) {
    if (!options.protocol_version.empty()) {
        return options.protocol_version;
    }
    return options.agent == agent_kind::modern ? "2.90" : "1.6";
}

namespace detail {
namespace {

/// The agent version of the captured Windows 11 client (its User-Agent and WuClientVer show it).
constexpr std::string_view modern_agent_version = "1507.2601.30012.0";

constexpr std::string_view soap_body_open = "<soap:Body>";
constexpr std::string_view soap_body_close = "</soap:Body>";

// Inserts `text` after the first `anchor` (or before `fallback` when the anchor is absent).
void insert_after(std::string& xml, std::string_view anchor, std::string_view fallback,
                  const std::string& text) {
    if (auto const at = xml.find(anchor); at != std::string::npos) {
        xml.insert(at + anchor.size(), text);
    } else if (auto const before = xml.find(fallback); before != std::string::npos) {
        xml.insert(before, text);
    }
}

std::string architecture_name(const std::string& arch) {
    return arch == "amd64" || arch == "x64" || arch == "AMD64" ? "AMD64" : "X86";
}

}  // namespace

std::uint32_t agent::fault_hresult(protocol::fault_code code) const {
    return modern() ? hr::soapclient_soapfault : hresult_of_fault(code);
}

http_headers agent::wire_headers() const {
    if (!modern()) {
        return {};
    }
    // The header set of the captured agent (captures *.req.headers), minus its MS-CV correlation
    // vector, which carries no protocol meaning.
    return {{"Cache-Control", "no-cache"},
            {"Connection", "Keep-Alive"},
            {"Pragma", "no-cache"},
            {"Accept-Encoding", "xpress"},
            {"User-Agent", "Windows-Update-Agent/" + std::string(modern_agent_version) +
                               " Client-Protocol/" + protocol_version()}};
}

std::string agent::wire_body(const protocol::request& req) const {
    std::string const codec = protocol::serialize_request(req);
    if (!modern()) {
        return codec;
    }
    auto const open = codec.find(soap_body_open);
    auto const close = codec.rfind(soap_body_close);
    if (open == std::string::npos || close == std::string::npos) {
        return codec;
    }
    // The captured agent: prefix s:, no XML declaration, no xsi/xsd declarations; the codec
    // omits absent optional elements, so the body needs none.
    std::string body = "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>" +
                       codec.substr(open + soap_body_open.size(), close - open - soap_body_open.size()) +
                       "</s:Body></s:Envelope>";
    auto const& m = opt_.profile.machine;
    std::string const device_attributes =
        "App=WU_OS;AppVer=" + std::string(modern_agent_version) +
        ";DeviceFamily=Windows.Desktop;InstallationType=Client;OSArchitecture=" +
        architecture_name(m.processor_architecture) + ";OSVersion=" + std::to_string(m.os_major) + "." +
        std::to_string(m.os_minor) + "." + std::to_string(m.os_build) + ".0;ProductType=WinNT;";
    if (std::holds_alternative<protocol::sync_updates_request>(req)) {
        // Live-service SyncUpdateParameters after NeedTwoGroupOutOfScopeUpdates (docs/protocol-notes.md
        // §11.4), in the captured order; servers ignore what they do not know (captures fact 9).
        insert_after(body, "</NeedTwoGroupOutOfScopeUpdates>", "</parameters>",
                     "<AlsoPerformRegularSync>false</AlsoPerformRegularSync><ComputerSpec/>"
                     "<ProductsParameters><SyncCurrentVersionOnly>false</SyncCurrentVersionOnly>"
                     "<DeviceAttributes>" + protocol::xml_escape(device_attributes, protocol::xml_context::text) + "</DeviceAttributes>"
                     "<CallerAttributes>" + protocol::xml_escape(modern_caller_attributes, protocol::xml_context::text) +
                     "</CallerAttributes><Products/></ProductsParameters>");
    } else if (std::holds_alternative<protocol::get_extended_update_info_request>(req)) {
        insert_after(body, "</locales>", "</GetExtendedUpdateInfo>",
                     "<deviceAttributes>" + protocol::xml_escape(device_attributes, protocol::xml_context::text) + "</deviceAttributes>");
    }
    return body;
}

}  // namespace detail
}  // namespace wsuslab::client
