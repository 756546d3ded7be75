#pragma once
// Internal: the semantic comparison behind replay matching. A SOAP request is parsed with the
// protocol codec, re-serialized in canonical form (schema order, one namespace spelling, nil and
// absent alike, unknown children dropped) and reduced to a tree of fields; two trees are then
// compared field by field, ID lists as sets, ignored fields (cookies, timestamps, per-run GUIDs)
// skipped. Non-SOAP requests and requests the codec rejects are compared byte for byte.

#include <string>
#include <vector>

#include <wsuslab/protocol/codec.hpp>
#include <wsuslab/protocol/limits.hpp>
#include <wsuslab/server/http_types.hpp>

namespace wsuslab::server::detail {

/// One element: local name, trimmed text (leaves only) and element children in document order.
struct field_node {
    std::string name;
    std::string text;
    std::vector<field_node> children;
};

/// A request reduced to what matching looks at.
struct comparable_request {
    bool soap = false;    ///< POST
    bool parsed = false;  ///< the codec accepted the body; `fields` is valid
    std::string method;
    std::string path;  ///< as received, without query
    std::string query;
    std::string media_type;  ///< lower-cased Content-Type without parameters
    std::string range;       ///< Range header (non-SOAP)
    std::string operation;   ///< operation name, "Invalid", or the HTTP method
    field_node fields;       ///< the operation wrapper's content
    std::string body;        ///< raw body, compared when !parsed
};

/// `ignored` holds element local names skipped at any depth.
comparable_request make_comparable(const http_request& r, const protocol::limits& lim,
                                   const std::vector<std::string>& ignored);
/// The same from the codec's parse of `r.body` the caller already has (the replayer parses a
/// live request once for this and for request_facts).
comparable_request make_comparable(const http_request& r, const protocol::result<protocol::parsed_request>& parsed,
                                   const protocol::limits& lim, const std::vector<std::string>& ignored);

/// The differences between a recorded request and a live one, each "<field path>: <detail>",
/// e.g. "parameters.InstalledNonLeafUpdateIDs: missing {8851}, extra {}" where "missing" lists
/// what the recording has and the request lacks. Empty when they match.
std::vector<std::string> differences(const comparable_request& recorded,
                                     const comparable_request& request);

}  // namespace wsuslab::server::detail
