// exchange_replayer: answers requests from a recording, in order per client.
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <system_error>
#include <tuple>

#include <wsuslab/protocol/codec.hpp>
#include <wsuslab/protocol/fault.hpp>
#include <wsuslab/server/cookie_codec.hpp>
#include <wsuslab/server/exchange_store.hpp>

#include "exchange_compare.hpp"
#include "exchange_detail.hpp"
#include "exchange_placeholders.hpp"

namespace wsuslab::server {
namespace fs = std::filesystem;

std::vector<std::string> default_ignored_fields() {
    return {"cookie",        "oldCookie",    "CookieData",     "Expiration",
            "EncryptedData", "currentTime",  "clientTime",     "lastChange",
            "LastChange",    "TimeAtTarget", "EventInstanceID"};
}

std::string replay_mismatch::message() const {
    if (nearest.empty()) {
        return "no recorded exchange matches: " + difference;
    }
    return "no recorded exchange matches: nearest " + nearest + " differs in " + difference;
}

struct exchange_replayer::impl {
    replay_options options;
    std::vector<recorded_exchange> exchanges;

    struct entry {
        detail::comparable_request cmp;
        bool anonymous = false;
        std::vector<std::string> presented;  // cookies in the recorded request
        std::vector<std::string> issued;     // cookies in the recorded response
        // Identity fields holding a placeholder: left out of the comparison on both sides.
        std::vector<std::string> wildcards;
        std::size_t sequence_index = 0;      // into `sequences`
        bool consumed = false;
    };
    std::vector<entry> entries;  // parallel to `exchanges`
    std::map<std::string, std::vector<std::size_t>> by_operation;  // operation -> entries, in order

    // The live request as each entry compares it: without that entry's wildcard fields.
    class live_request {
    public:
        explicit live_request(const detail::comparable_request& cmp) : cmp_(cmp) {}
        const detail::comparable_request& for_entry(const entry& e) {
            if (e.wildcards.empty()) {
                return cmp_;
            }
            auto it = stripped_.find(e.wildcards);
            if (it == stripped_.end()) {
                detail::comparable_request copy = cmp_;
                detail::strip_fields(copy.fields, e.wildcards);
                it = stripped_.emplace(e.wildcards, std::move(copy)).first;
            }
            return it->second;
        }
        const detail::comparable_request& plain() const { return cmp_; }

    private:
        const detail::comparable_request& cmp_;
        std::map<std::vector<std::string>, detail::comparable_request> stripped_;
    };

    struct client_sequence {
        std::string client;
        std::vector<std::size_t> members;  // entry indexes in recording order
        bool bound = false;
    };
    std::vector<client_sequence> sequences;  // ordered by their first exchange

    std::map<std::string, std::set<std::size_t>> recorded_cookies;  // cookie -> sequences using it
    std::map<std::string, std::size_t> live_cookies;  // cookie -> sequence, learned while replaying
    // Peer address -> the sequence its last answer came from: a client keeps its connection
    // between GetConfig and GetAuthorizationCookie, which matters when identities are placeholders.
    std::map<std::string, std::size_t> live_peers;

    mutable std::mutex mu;

    // The exchanges of a sequence that may answer next: its unconsumed anonymous exchanges up to
    // and including the first unconsumed exchange that carries an identity.
    std::vector<std::size_t> eligible(const client_sequence& s) const {
        std::vector<std::size_t> out;
        for (std::size_t i : s.members) {
            if (entries[i].consumed) {
                continue;
            }
            out.push_back(i);
            if (!entries[i].anonymous) {
                break;
            }
        }
        return out;
    }

    // The sequences a request may belong to, most likely first.
    std::vector<std::size_t> candidates(const detail::request_facts& facts,
                                        const std::string& peer) const {
        for (auto const& c : facts.cookies) {
            if (auto it = live_cookies.find(c); it != live_cookies.end()) {
                return {it->second};
            }
        }
        for (auto const& c : facts.cookies) {
            if (auto it = recorded_cookies.find(c); it != recorded_cookies.end()) {
                return std::vector<std::size_t>(it->second.begin(), it->second.end());
            }
        }
        // Unknown or no cookie: the sequence this connection follows, then sequences nobody
        // follows yet, then the others.
        std::vector<std::size_t> out;
        const auto same_peer = peer.empty() ? live_peers.end() : live_peers.find(peer);
        if (same_peer != live_peers.end()) {
            out.push_back(same_peer->second);
        }
        for (int pass = 0; pass < 2; ++pass) {
            for (std::size_t i = 0; i < sequences.size(); ++i) {
                const bool taken = same_peer != live_peers.end() && same_peer->second == i;
                if (sequences[i].bound == (pass == 1) && !taken) {
                    out.push_back(i);
                }
            }
        }
        return out;
    }

    http_response fault_for(const http_request& request, const detail::request_facts& facts,
                            const std::string& message) const {
        http_response r;
        r.status = 500;
        if (!detail::is_soap_exchange(request)) {
            r.status = 404;
            r.set_header("Content-Type", "text/plain; charset=utf-8");
            r.body = message + "\n";
            return r;
        }
        protocol::soap_fault f;
        f.code = protocol::fault_code::client;
        f.faultstring = message;
        f.error = std::string(protocol::error_code_name(protocol::error_code::invalid_parameters));
        f.message = message;
        f.id = options.fault_id ? options.fault_id() : random_guid();
        f.method = std::string(request.header("SOAPAction").value_or(""));
        r.body = protocol::serialize_fault(f, facts.version);
        r.set_header("Content-Type", facts.version == protocol::soap_version::v1_2
                                         ? "application/soap+xml; charset=utf-8"
                                         : "text/xml; charset=utf-8");
        return r;
    }

    // The recorded answer of exchange `i`, as this request gets it.
    replay_match match_of(std::size_t i, const http_request& request) const {
        replay_match m{exchanges[i].name, exchanges[i].response};
        m.response.head_only = detail::iequals(request.method, "HEAD");
        detail::rebase_placeholder_urls(m.response, request);
        return m;
    }

    // replay_options::repeat: the earliest exchange of the operation that matches, answered or
    // not; the caller holds the lock and has found no unanswered match.
    std::optional<replay_match> answer_again(const http_request& request, const std::string& operation,
                                             live_request& live) const {
        auto it = by_operation.find(operation);
        if (it == by_operation.end()) {
            return std::nullopt;
        }
        for (std::size_t i : it->second) {
            if (detail::differences(entries[i].cmp, live.for_entry(entries[i])).empty()) {
                return match_of(i, request);
            }
        }
        return std::nullopt;
    }

    replay_mismatch mismatch(const http_request& request, const detail::request_facts& facts,
                             live_request& live, const std::vector<std::size_t>& cands) const {
        const detail::comparable_request& cmp = live.plain();
        replay_mismatch m;
        std::set<std::size_t> eligible_set;
        std::set<std::size_t> candidate_seqs(cands.begin(), cands.end());
        for (std::size_t s : cands) {
            for (std::size_t i : eligible(sequences[s])) {
                eligible_set.insert(i);
            }
        }
        // Nearest = fewest differences among exchanges of the same operation; ties go to an
        // exchange that could have answered now, then to one not yet replayed, then the earliest.
        std::size_t best = entries.size();
        std::vector<std::string> best_diff;
        auto rank = [&](std::size_t i) {
            return std::make_tuple(eligible_set.count(i) ? 0 : 1, entries[i].consumed ? 1 : 0, i);
        };
        const auto same_operation = by_operation.find(cmp.operation);
        static const std::vector<std::size_t> none;
        for (std::size_t i : same_operation == by_operation.end() ? none : same_operation->second) {
            auto d = detail::differences(entries[i].cmp, live.for_entry(entries[i]));
            if (best == entries.size() || d.size() < best_diff.size() ||
                (d.size() == best_diff.size() && rank(i) < rank(best))) {
                best = i;
                best_diff = std::move(d);
            }
        }
        if (cmp.soap && !cmp.parsed && (best == entries.size() || !best_diff.empty())) {
            // Only a byte-identical recorded bad request could have matched; say why it is bad.
            m.difference = "request does not parse: " + facts.parse_problem;
        } else if (best == entries.size()) {
            m.difference = "no recorded " + cmp.operation + " exchange";
        } else {
            m.nearest = exchanges[best].name;
            if (!best_diff.empty()) {
                std::string joined;
                for (auto const& d : best_diff) {
                    joined += (joined.empty() ? "" : "; ") + d;
                }
                m.difference = joined;
            } else if (entries[best].consumed) {
                m.difference = "order: already replayed";
            } else if (!candidate_seqs.count(entries[best].sequence_index)) {
                m.difference = "order: it belongs to client " +
                               sequences[entries[best].sequence_index].client +
                               ", but the request's cookie belongs to another client";
            } else {
                const auto next = eligible(sequences[entries[best].sequence_index]);
                m.difference = "order: client " + sequences[entries[best].sequence_index].client +
                               " is at " + exchanges[next.back()].name;
            }
        }
        m.fault = fault_for(request, facts, m.message());
        return m;
    }
};

exchange_replayer::exchange_replayer(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
exchange_replayer::~exchange_replayer() = default;

exchange_result<std::unique_ptr<exchange_replayer>> exchange_replayer::load(
    const std::string& dir, replay_options options) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        return exchange_error{dir, fs::exists(dir, ec) ? "not a folder" : "missing"};
    }
    std::vector<std::pair<std::size_t, fs::path>> folders;
    for (auto const& entry : fs::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.empty() || name.front() == '.' || !entry.is_directory()) {
            continue;
        }
        const auto number = detail::folder_number(name);
        if (!number) {
            return exchange_error{
                entry.path().string(),
                "not an exchange folder: the name must start with a sequence number, e.g. 0001-"};
        }
        folders.emplace_back(*number, entry.path());
    }
    if (ec) {
        return exchange_error{dir, "cannot list: " + ec.message()};
    }
    if (folders.empty()) {
        return exchange_error{dir, "holds no exchange folders"};
    }
    std::sort(folders.begin(), folders.end());
    for (std::size_t i = 1; i < folders.size(); ++i) {
        if (folders[i].first == folders[i - 1].first) {
            return exchange_error{folders[i].second.string(),
                                  "sequence number " + std::to_string(folders[i].first) +
                                      " is also used by " +
                                      folders[i - 1].second.filename().string()};
        }
    }
    if (options.ignored_fields.empty()) {
        options.ignored_fields = default_ignored_fields();
    }

    auto p = std::make_unique<impl>();
    p->options = std::move(options);
    std::map<std::string, std::size_t> sequence_of_client;
    for (auto const& [number, path] : folders) {
        auto e = read_exchange(path.string(), p->options.limits);
        if (!e) {
            return e.error();
        }
        impl::entry en;
        const auto parsed = detail::parse_soap(e.value().request, p->options.limits);
        en.cmp = detail::make_comparable(e.value().request, parsed, p->options.limits, p->options.ignored_fields);
        en.wildcards = detail::placeholder_identity_fields(en.cmp.fields);
        detail::strip_fields(en.cmp.fields, en.wildcards);
        const auto facts = detail::inspect_request(e.value().request, parsed);
        en.anonymous = facts.anonymous();
        en.presented = facts.cookies;
        if (facts.op) {
            en.issued = detail::issued_cookies(*facts.op, e.value().response, p->options.limits);
        }
        const std::string& client = e.value().meta.client;
        auto [it, fresh] = sequence_of_client.emplace(client, p->sequences.size());
        if (fresh) {
            p->sequences.push_back(impl::client_sequence{client, {}, false});
        }
        en.sequence_index = it->second;
        p->sequences[it->second].members.push_back(p->entries.size());
        for (auto const& c : en.presented) {
            p->recorded_cookies[c].insert(it->second);
        }
        for (auto const& c : en.issued) {
            p->recorded_cookies[c].insert(it->second);
        }
        p->by_operation[en.cmp.operation].push_back(p->entries.size());
        p->entries.push_back(std::move(en));
        p->exchanges.push_back(std::move(e.value()));
    }
    return std::unique_ptr<exchange_replayer>(new exchange_replayer(std::move(p)));
}

replay_outcome exchange_replayer::answer(const http_request& request) {
    impl& s = *impl_;
    // One parse of the live request serves both the client's identity and the comparison.
    const auto parsed = detail::parse_soap(request, s.options.limits);
    const auto facts = detail::inspect_request(request, parsed);
    const auto cmp = detail::make_comparable(request, parsed, s.options.limits, s.options.ignored_fields);

    impl::live_request live(cmp);

    std::lock_guard<std::mutex> lock(s.mu);
    const auto cands = s.candidates(facts, request.remote_address);
    for (std::size_t seq : cands) {
        for (std::size_t i : s.eligible(s.sequences[seq])) {
            if (s.entries[i].cmp.operation != cmp.operation ||
                !detail::differences(s.entries[i].cmp, live.for_entry(s.entries[i])).empty()) {
                continue;
            }
            auto& en = s.entries[i];
            en.consumed = true;
            s.sequences[seq].bound = true;
            // From now on this client is known by every cookie it showed or was handed.
            for (auto const& c : facts.cookies) {
                s.live_cookies[c] = seq;
            }
            for (auto const& c : en.issued) {
                s.live_cookies[c] = seq;
            }
            if (!request.remote_address.empty()) {
                s.live_peers[request.remote_address] = seq;
            }
            return s.match_of(i, request);
        }
    }
    if (s.options.repeat) {
        if (auto again = s.answer_again(request, cmp.operation, live)) {
            return *again;
        }
    }
    return s.mismatch(request, facts, live, cands);
}

http_response exchange_replayer::respond(const http_request& request) {
    auto outcome = answer(request);
    if (auto* m = std::get_if<replay_match>(&outcome)) {
        return std::move(m->response);
    }
    return std::move(std::get<replay_mismatch>(outcome).fault);
}

const std::vector<recorded_exchange>& exchange_replayer::exchanges() const {
    return impl_->exchanges;
}

std::size_t exchange_replayer::unconsumed() const {
    std::lock_guard<std::mutex> lock(impl_->mu);
    return static_cast<std::size_t>(std::count_if(impl_->entries.begin(), impl_->entries.end(),
                                                  [](auto const& e) { return !e.consumed; }));
}

void exchange_replayer::reset() {
    std::lock_guard<std::mutex> lock(impl_->mu);
    for (auto& e : impl_->entries) {
        e.consumed = false;
    }
    for (auto& s : impl_->sequences) {
        s.bound = false;
    }
    impl_->live_cookies.clear();
    impl_->live_peers.clear();
}

request_handler replay_handler(std::shared_ptr<exchange_replayer> replayer) {
    return [replayer = std::move(replayer)](const http_request& request) {
        return replayer->respond(request);
    };
}

}  // namespace wsuslab::server
