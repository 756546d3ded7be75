// The rule table, the text helpers and the run-level driver of the MS-WUSP rule checker.

#include <algorithm>
#include <cstdint>
#include <limits>
#include <set>
#include <sstream>
#include <string>
#include <utility>

#include <pugixml.hpp>

#include <wsuslab/mitigation/rule_checker.hpp>

#include "rule_checker_detail.hpp"

namespace wsuslab::mitigation {

namespace {

// Report order: response-level rules, then the SyncInfo rules, then the fault rules.
const std::vector<rule_descriptor> rules_table = {
    {"response-parseable", "the answer parses as the expected response or as a SOAP fault",
     "SOAP 1.1 §4; docs/protocol-notes.md §2.2, §4"},
    {"response-http-status", "an answer that is not a fault comes with HTTP 200",
     "docs/protocol-notes.md §2.3"},
    {"sync-result-present", "a SyncUpdates answer carries SyncUpdatesResult",
     "MS-WUSP §2.2.2.2.4; docs/protocol-notes.md §4.6"},
    {"new-cookie-present", "SyncInfo carries NewCookie",
     "MS-WUSP §3.1.5.7 (NewCookie MUST be returned); docs/protocol-notes.md §7.1"},
    {"truncated-not-empty", "Truncated=true only with a non-empty NewUpdates",
     "MS-WUSP §2.2.2.2.4 (Truncated); docs/protocol-notes.md §4.6; docs/validation-guide.md"},
    {"truncated-false-means-complete",
     "Truncated=false only when NewUpdates held every missing revision",
     "MS-WUSP §2.2.2.2.4 (Truncated), §3.1.5.7; docs/validation-guide.md"},
    {"unique-revision-id", "no revision ID twice in NewUpdates",
     "MS-WUSP §3.1.5.7; docs/protocol-notes.md §7.1"},
    {"one-revision-per-update", "at most one revision per UpdateID in NewUpdates",
     "MS-WUSP §3.1.5.7 (MUST send no more than one revision for a given Update)"},
    {"new-not-out-of-scope", "no revision ID in both NewUpdates and OutOfScopeRevisionIDs",
     "MS-WUSP §3.1.5.7 (OutOfScope = Cached - Needed, New = Needed - Cached)"},
    {"new-not-cached", "nothing in NewUpdates that the request declared cached",
     "MS-WUSP §3.1.5.7 (NewUpdates = Needed - CachedRevisions)"},
    {"changed-must-be-cached", "ChangedUpdates names only revisions the request declared cached",
     "MS-WUSP §3.1.5.7 (ChangedUpdates within Needed and Cached)"},
    {"update-xml-present", "every NewUpdates UpdateInfo carries its Core Xml",
     "MS-WUSP §2.2.2.2.4 (Xml MUST be populated); docs/protocol-notes.md §4.6"},
    {"update-xml-identity", "the Core Xml starts with an UpdateIdentity (GUID UpdateID, int RevisionNumber)",
     "MS-WUSP §3.1.1.1; docs/protocol-notes.md §6.2"},
    {"deployment-present", "every UpdateInfo in NewUpdates and ChangedUpdates carries a Deployment",
     "MS-WUSP §3.1.5.7; docs/protocol-notes.md §7.1"},
    {"deployment-action-valid", "Deployment Action is a DeploymentAction value other than Block",
     "MS-WUSP §2.2.2.2.4 (DeploymentAction; Block MUST NOT be deployed)"},
    {"deployment-last-change-time", "Deployment LastChangeTime is present and an s:date",
     "MS-WUSP §2.2.2.2.4 (LastChangeTime MUST be present); "
     "docs/protocol-notes.md §12 erratum 17"},
    {"deployment-client-1-8-fields",
     "AutoSelect/AutoDownload/SupersedenceBehavior/FlagBitmask are \"0\" and never sent below 1.8",
     "MS-WUSP §2.2.2.2.4; docs/protocol-notes.md §4.2, §4.6"},
    {"fault-http-status", "a fault comes with HTTP 500 (200 only when configured with the 200 of the advisory's log line)",
     "SOAP 1.1 §6.2; docs/protocol-notes.md §5.5; docs/kb954960-lab.md §7"},
    {"fault-error-code-known", "a fault carries a detail ErrorCode from the MS-WUSP table",
     "MS-WUSP §2.2.2.4; docs/protocol-notes.md §5.1, §5.2"},
    {"fault-code-matches-error",
     "faultcode Server for InternalServerError and ServerBusy, Client for every other ErrorCode",
     "docs/protocol-notes.md §5.4"},
    {"fault-id-guid", "a fault's detail ID is a GUID",
     "MS-WUSP §2.2.2.4; docs/protocol-notes.md §5.1"},
    {"fault-method-present", "a fault's detail Method names the operation called",
     "MS-WUSP §2.2.2.4; docs/protocol-notes.md §5.1, §5.4"},
};

bool all_digits(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::set<std::int32_t> id_set(const std::optional<protocol::id_list>& ids) {
    return ids ? std::set<std::int32_t>(ids->begin(), ids->end()) : std::set<std::int32_t>{};
}

std::set<std::string> string_set(const std::optional<protocol::string_list>& s) {
    std::set<std::string> out;
    if (s) {
        for (auto const& v : *s) {
            out.insert(protocol::lower_copy(v));
        }
    }
    return out;
}

const protocol::sync_info* sync_info_of(const checked_exchange& e) {
    if (!e.reply || !std::holds_alternative<protocol::response>(*e.reply)) {
        return nullptr;
    }
    auto const& r = std::get<protocol::response>(*e.reply);
    if (auto const* s = std::get_if<protocol::sync_updates_response>(&r); s && s->result) {
        return &*s->result;
    }
    return nullptr;
}

// Two software-pass requests ask for the same Needed set when they report the same installed
// non-leaf revisions and the same category filter (docs/protocol-notes.md §7.1, step 2).
bool same_needed_inputs(const protocol::sync_update_parameters& a,
                        const protocol::sync_update_parameters& b) {
    return !a.skip_software_sync && !b.skip_software_sync &&
           id_set(a.installed_non_leaf_update_ids) == id_set(b.installed_non_leaf_update_ids) &&
           string_set(a.filter_category_ids) == string_set(b.filter_category_ids);
}

std::set<std::int32_t> declared_cached(const protocol::sync_update_parameters& p) {
    auto c = id_set(p.installed_non_leaf_update_ids);
    auto const other = id_set(p.other_cached_update_ids);
    c.insert(other.begin(), other.end());
    return c;
}

// The cross-round rule: round N said Truncated=false, round N+1 asked for the same Needed set,
// yet received revisions that were already missing at round N.
void check_truncated_false(const checked_exchange& prev, const checked_exchange& next,
                           std::vector<violation>& out) {
    auto const* a = sync_info_of(prev);
    auto const* b = sync_info_of(next);
    if (a == nullptr || b == nullptr || a->truncated || !prev.parameters || !next.parameters ||
        !same_needed_inputs(*prev.parameters, *next.parameters) || !b->new_updates) {
        return;
    }
    // Known at round N: what the client declared cached plus what round N delivered.
    auto known = declared_cached(*prev.parameters);
    if (a->new_updates) {
        for (auto const& u : *a->new_updates) {
            known.insert(u.id);
        }
    }
    std::vector<std::int32_t> withheld;
    for (auto const& u : *b->new_updates) {
        if (known.count(u.id) == 0 &&
            std::find(withheld.begin(), withheld.end(), u.id) == withheld.end()) {
            withheld.push_back(u.id);
        }
    }
    if (withheld.empty()) {
        return;
    }
    std::ostringstream m;
    m << "Truncated was false, yet round " << next.round << " received " << withheld.size()
      << (withheld.size() == 1 ? " revision" : " revisions") << " (" << detail::join_ids(withheld)
      << ") missing at this round, with the same InstalledNonLeafUpdateIDs";
    out.push_back({"truncated-false-means-complete", prev.index, prev.round, prev.op, m.str()});
}

}  // namespace

const std::vector<rule_descriptor>& all_rules() { return rules_table; }

const rule_descriptor* find_rule(std::string_view id) {
    for (auto const& r : rules_table) {
        if (r.id == id) {
            return &r;
        }
    }
    return nullptr;
}

std::string violation::to_string() const {
    std::ostringstream s;
    s << protocol::operation_name(op);
    if (round != 0) {
        s << " round " << round;
    }
    s << " (exchange " << exchange << "): [" << rule << "] " << message;
    return s.str();
}

bool violation::operator==(const violation& o) const {
    return rule == o.rule && exchange == o.exchange && round == o.round && op == o.op &&
           message == o.message;
}

bool is_valid_last_change_time(std::string_view text) {
    return protocol::parse_date_time(text).has_value();
}

std::optional<protocol::update_identity> core_update_identity(std::string_view core_xml) {
    // A Core fragment is a sequence of top-level elements, not a document: wrap it in a root so
    // that an XML parser accepts it, and look only at top-level UpdateIdentity elements (the
    // ones inside Relationships name prerequisites, not this revision).
    std::string wrapped;
    wrapped.reserve(core_xml.size() + 7);
    wrapped.append("<r>").append(core_xml).append("</r>");
    pugi::xml_document doc;
    auto const parsed = doc.load_buffer(wrapped.data(), wrapped.size(), pugi::parse_default,
                                        pugi::encoding_utf8);
    if (!parsed) {
        return std::nullopt;
    }
    auto const identity = doc.first_child().child("UpdateIdentity");
    if (!identity) {
        return std::nullopt;
    }
    std::string_view const update_id = identity.attribute("UpdateID").value();
    std::string_view number = identity.attribute("RevisionNumber").value();
    bool const negative = !number.empty() && number[0] == '-';
    if (!is_guid(update_id) || !all_digits(negative ? number.substr(1) : number) ||
        number.size() > 11) {
        return std::nullopt;
    }
    long long value = 0;
    for (char c : negative ? number.substr(1) : number) {
        value = value * 10 + (c - '0');
    }
    value = negative ? -value : value;
    if (value < std::numeric_limits<std::int32_t>::min() ||
        value > std::numeric_limits<std::int32_t>::max()) {
        return std::nullopt;
    }
    return protocol::update_identity{protocol::lower_copy(update_id), static_cast<std::int32_t>(value)};
}

namespace detail {

void violation_sink::add(std::string_view rule, std::string message) {
    items_.push_back({std::string(rule), e_.index, e_.round, e_.op, std::move(message)});
}

std::string revision_text(std::int32_t id) { return "revision " + std::to_string(id); }

std::string join_ids(const std::vector<std::int32_t>& ids) {
    std::string out;
    for (auto id : ids) {
        if (!out.empty()) {
            out += ", ";
        }
        out += std::to_string(id);
    }
    return out;
}

}  // namespace detail

std::vector<violation> check_exchange(const checked_exchange& e, const rule_options& o) {
    return detail::check_with_history(e, o, nullptr);
}

std::vector<violation> detail::check_with_history(const checked_exchange& e, const rule_options& o,
                                                  const delivery_history* history) {
    detail::violation_sink out(e);
    if (!e.reply) {
        out.add("response-parseable", "the answer could not be parsed: " +
                                          (e.parse_problem.empty() ? std::string("no reason given")
                                                                   : e.parse_problem));
        return std::move(out.items());
    }
    if (auto const* fault = std::get_if<protocol::soap_fault>(&*e.reply)) {
        detail::check_fault(e, *fault, o, out);
        return std::move(out.items());
    }
    if (e.http_status != 200) {
        out.add("response-http-status", "HTTP status " + std::to_string(e.http_status) + " with a " +
                                            std::string(protocol::operation_name(e.op)) +
                                            " answer that is not a fault (expected 200)");
    }
    auto const& r = std::get<protocol::response>(*e.reply);
    if (auto const* s = std::get_if<protocol::sync_updates_response>(&r)) {
        if (!s->result) {
            out.add("sync-result-present", "the SyncUpdatesResponse holds no SyncUpdatesResult");
        } else {
            detail::check_sync_info(e, *s->result, o, out, history);
        }
    } else if (auto const* p = std::get_if<protocol::sync_printer_catalog_response>(&r)) {
        if (!p->result) {
            out.add("sync-result-present",
                    "the SyncPrinterCatalogResponse holds no SyncPrinterCatalogResult");
        } else {
            detail::check_sync_info(e, *p->result, o, out);
        }
    }
    return std::move(out.items());
}

std::vector<violation> check_run(const std::vector<checked_exchange>& run, const rule_options& o) {
    std::vector<violation> out;
    const checked_exchange* previous_round = nullptr;
    detail::delivery_history delivered;  // of the current detection (rounds restart at 1)
    for (auto const& e : run) {
        bool const sync = e.op == protocol::operation::sync_updates;
        if (sync && (previous_round == nullptr || e.round <= previous_round->round)) {
            delivered.clear();
        }
        auto v = detail::check_with_history(e, o, sync ? &delivered : nullptr);
        out.insert(out.end(), std::make_move_iterator(v.begin()), std::make_move_iterator(v.end()));
        if (!sync) {
            continue;
        }
        if (previous_round != nullptr && e.round == previous_round->round + 1) {
            check_truncated_false(*previous_round, e, out);
        }
        if (auto const* info = sync_info_of(e); info != nullptr && info->new_updates) {
            for (auto const& u : *info->new_updates) {
                delivered.emplace(u.id, e.round);
            }
        }
        previous_round = &e;
    }
    // The cross-round rule reports on the earlier round; keep the documented exchange order.
    std::stable_sort(out.begin(), out.end(),
                     [](const violation& a, const violation& b) { return a.exchange < b.exchange; });
    return out;
}

}  // namespace wsuslab::mitigation
