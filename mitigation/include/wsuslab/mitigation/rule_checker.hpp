#pragma once
/// The MS-WUSP rule checker: inspects what a server answered to one client run (every SyncUpdates
/// response, every fault) and lists each protocol rule the server broke. The rules, their exact
/// definitions and their sources are in docs/validation-guide.md; `all_rules()` lists them.
///
/// Pure functions on protocol types: no I/O, no global state, thread-safe. Input is copied or
/// read only; nothing is retained after a call returns. Bad input (an unreadable Core fragment,
/// an unknown enum value) is itself reported as a violation, never thrown.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <wsuslab/protocol/codec.hpp>
#include <wsuslab/protocol/messages.hpp>
#include <wsuslab/protocol/operations.hpp>
#include <wsuslab/protocol/text.hpp>

namespace wsuslab::mitigation {

/// A rule the checker knows: stable id (used in reports and JUnit test names), one-line title,
/// and where the rule comes from.
struct rule_descriptor {
    std::string_view id;     ///< e.g. "one-revision-per-update"
    std::string_view title;  ///< e.g. "at most one revision per UpdateID in NewUpdates"
    std::string_view source; ///< e.g. "MS-WUSP §3.1.5.7; docs/protocol-notes.md §7.1"
};

/// Every rule, in report order. The ids never change once shipped.
const std::vector<rule_descriptor>& all_rules();

/// nullptr when `id` is not a rule id.
const rule_descriptor* find_rule(std::string_view id);

/// One HTTP exchange of a client run, as the checker sees it.
struct checked_exchange {
    std::size_t index = 0;  ///< 1-based position among all HTTP exchanges of the run
    std::size_t round = 0;  ///< 1-based SyncUpdates round of the run; 0 for other operations
    protocol::operation op = protocol::operation::sync_updates;
    std::string soap_action;  ///< the SOAPAction header the client sent (quotes included)
    /// The SyncUpdates parameters as sent; nullopt for other operations.
    std::optional<protocol::sync_update_parameters> parameters;
    int http_status = 0;
    /// The parsed answer; nullopt when the body could not be parsed as the expected response
    /// or as a SOAP fault (then `parse_problem` says why).
    std::optional<protocol::reply> reply;
    std::string parse_problem;
};

struct rule_options {
    /// The server is configured to answer faults with HTTP 200 (the status the advisory's 2008
    /// client line prints, docs/kb954960-lab.md §7). Only then is a fault with status 200 accepted.
    bool fault_status_200_configured = false;
    /// The client's protocolVersion ("1.6", "1.8"...). When set and below 1.8, the Deployment
    /// fields AutoSelect/AutoDownload/SupersedenceBehavior/FlagBitmask must be absent.
    std::optional<std::string> client_protocol_version;
};

/// A broken rule. `message` names the revision IDs, UpdateIDs or fault fields involved.
struct violation {
    std::string rule;        ///< a rule_descriptor id
    std::size_t exchange = 0;  ///< checked_exchange::index
    std::size_t round = 0;     ///< checked_exchange::round (0: not a SyncUpdates round)
    protocol::operation op = protocol::operation::sync_updates;
    std::string message;

    /// "SyncUpdates round 3 (exchange 7): [unique-revision-id] revision 8862 appears 2 times in
    /// NewUpdates"; without a round: "GetCookie (exchange 2): [...] ...".
    std::string to_string() const;
    bool operator==(const violation& o) const;
};

/// Checks one exchange on its own (every rule except the cross-round one).
std::vector<violation> check_exchange(const checked_exchange& e, const rule_options& o = {});

/// Checks a whole run in order: every exchange, plus the rule that needs two consecutive
/// SyncUpdates rounds (truncated-false-means-complete). A revision resent after the request
/// declared it cached (new-not-cached) is also named with the earlier round of the same detection
/// that delivered it: "... (already delivered in round 1)". Violations come in exchange order.
std::vector<violation> check_run(const std::vector<checked_exchange>& run,
                                 const rule_options& o = {});

/// The UpdateIdentity of a Core fragment (docs/protocol-notes.md §6.2): the first <UpdateIdentity>
/// element with a GUID UpdateID and an integer RevisionNumber. nullopt when the text holds none or
/// is not readable as a sequence of XML elements.
std::optional<protocol::update_identity> core_update_identity(std::string_view core_xml);

/// Whether `text` is a GUID in the MS-WUSP `guid` pattern (8-4-4-4-12 hex digits, no braces).
using protocol::is_guid;

/// Whether `text` is valid Deployment/LastChangeTime text: an s:date "YYYY-MM-DD" with a real
/// calendar day, optionally followed by an s:dateTime time part ("T12:00:00", fraction, zone).
bool is_valid_last_change_time(std::string_view text);

}  // namespace wsuslab::mitigation
