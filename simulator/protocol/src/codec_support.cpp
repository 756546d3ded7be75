#include "codec_support.hpp"

#include <wsuslab/protocol/operations.hpp>

namespace wsuslab::protocol::detail {

std::string_view envelope_namespace(soap_version v) {
    return v == soap_version::v1_2 ? soap12_envelope_ns : soap11_envelope_ns;
}

void open_envelope(std::string& out, soap_version v) {
    const std::string_view prefix = v == soap_version::v1_2 ? "soap12" : "soap";
    out += "<?xml version=\"1.0\" encoding=\"utf-8\"?><";
    out += prefix;
    out += ":Envelope xmlns:";
    out += prefix;
    out += "=\"";
    out += envelope_namespace(v);
    out += "\" xmlns:xsi=\"";
    out += xsi_ns;
    out += "\" xmlns:xsd=\"";
    out += xsd_ns;
    out += "\"><";
    out += prefix;
    out += ":Body>";
}

void close_envelope(std::string& out, soap_version v) {
    const std::string_view prefix = v == soap_version::v1_2 ? "soap12" : "soap";
    out += "</";
    out += prefix;
    out += ":Body></";
    out += prefix;
    out += ":Envelope>";
}

parse_error make_parse_error(parse_status status, pugi::xml_node at, std::string description) {
    const std::ptrdiff_t off = at ? at.offset_debug() : -1;
    return parse_error{status, off < 0 ? 0 : static_cast<std::size_t>(off), std::move(description),
                       {}};
}

}  // namespace wsuslab::protocol::detail
