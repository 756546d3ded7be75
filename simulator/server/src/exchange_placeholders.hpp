#pragma once
// Internal: the placeholders a sanitized `wsuslab proxy` recording holds instead of cookies,
// client identities, names and addresses (docs/exchanges-format.md "Placeholders"), and what the
// replayer does with them: an identity field whose recorded value is a placeholder matches any
// live value, and placeholder_base_url in a replayed answer becomes the live server's base URL.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <wsuslab/server/http_types.hpp>

#include "exchange_compare.hpp"

namespace wsuslab::server::detail {

/// The DNS suffix of every name placeholder (RFC 6761 reserves .invalid).
inline constexpr std::string_view placeholder_suffix = ".sanitized.invalid";

/// "wsuslabSanitizedCookie000001": valid xs:base64Binary (28 characters, a multiple of 4).
std::string cookie_placeholder(std::size_t n);
/// "00000000-0000-0000-0000-000000000001": a GUID, as clientId and TargetID/Sid are.
std::string client_id_placeholder(std::size_t n);
/// "<prefix>-0001" (e.g. computer-0001), or "<prefix>-0001.sanitized.invalid" with `qualified`.
std::string name_placeholder(std::string_view prefix, std::size_t n, bool qualified);

/// Whether `value` is a placeholder of a client identity (client ID, computer or user name) or a
/// name ending in .sanitized.invalid. The nil GUID is not a placeholder.
bool is_identity_placeholder(std::string_view value);

/// The request elements that identify a client: clientId, dnsName, DnsName, Sid,
/// ComputerDnsName, UserAccountName.
const std::vector<std::string>& identity_field_names();

/// The identity field names (sorted, unique) that hold a placeholder anywhere in `fields`.
std::vector<std::string> placeholder_identity_fields(const field_node& fields);

/// `fields` without the elements named in `names`, at any depth.
void strip_fields(field_node& fields, const std::vector<std::string>& names);

/// Replaces placeholder_base_url in the body and header values of `response` with the base URL
/// the live request reached ("http://" or "https://" + its Host header). No Host: unchanged.
void rebase_placeholder_urls(http_response& response, const http_request& live);

}  // namespace wsuslab::server::detail
