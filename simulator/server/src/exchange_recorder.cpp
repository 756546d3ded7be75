// exchange_recorder: one folder per exchange, client keys derived from the traffic.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <system_error>

#include <nlohmann/json.hpp>

#include <wsuslab/server/exchange_store.hpp>

#include "exchange_detail.hpp"

namespace wsuslab::server {
namespace fs = std::filesystem;

struct exchange_recorder::impl {
    std::string dir;
    recording_info info;
    protocol::limits lim;

    mutable std::mutex mu;
    std::size_t next_sequence = 1;
    std::size_t written = 0;

    struct identity {
        std::string client_id;
        std::string dns_name;
    };
    std::map<std::string, identity>
        identities;  // client key -> what it said in GetAuthorizationCookie
    std::map<std::string, std::string> cookie_to_key;   // EncryptedData / CookieData -> client key
    std::map<std::string, std::string> address_to_key;  // peer "ip:port" -> client key
    // Folders recorded as "anonymous" from a peer whose client was not known yet.
    std::map<std::string, std::vector<exchange_meta>> pending;

    struct index_entry {
        std::size_t sequence;
        std::string name;
        std::string client;
        std::string operation;
        int http_status;
    };
    std::vector<index_entry> index;

    std::string name_client(const std::string& client_id, const std::string& dns_name) const {
        if (info.client_namer) {
            return detail::sanitize_key(info.client_namer(client_id, dns_name));
        }
        return detail::default_client_key(client_id, dns_name);
    }

    void write_index() const {
        nlohmann::ordered_json j;
        j["scenario"] = info.scenario;
        j["model"] = info.model;
        j["source"] = info.source;
        auto& list = j["exchanges"] = nlohmann::ordered_json::array();
        for (auto const& e : index) {
            list.push_back({{"sequence", e.sequence},
                            {"name", e.name},
                            {"client", e.client},
                            {"operation", e.operation},
                            {"http_status", e.http_status}});
        }
        // index.json is derived data: a failed refresh loses nothing, the folders are the truth.
        const fs::path tmp = fs::path(dir) / ".index.json.partial";
        if (detail::write_file(tmp, j.dump(2) + "\n")) {
            std::error_code ec;
            fs::rename(tmp, fs::path(dir) / "index.json", ec);
        }
    }

    // Who is this? Caller's word first, then the identity the request states, then the cookies
    // it presents, then the connection it came on. Empty: not known (yet).
    std::string client_key(const detail::request_facts& facts, const http_request& request,
                           const exchange_annotations& notes) {
        if (notes.client_key && !notes.client_key->empty()) {
            return detail::sanitize_key(*notes.client_key);
        }
        if (!facts.client_id.empty() || !facts.dns_name.empty()) {
            std::string key = name_client(facts.client_id, facts.dns_name);
            identities[key] = identity{facts.client_id, facts.dns_name};
            return key;
        }
        for (auto const& c : facts.cookies) {
            if (auto it = cookie_to_key.find(c); it != cookie_to_key.end()) {
                return it->second;
            }
        }
        if (!request.remote_address.empty()) {
            if (auto it = address_to_key.find(request.remote_address); it != address_to_key.end()) {
                return it->second;
            }
        }
        return {};
    }

    // Ties the cookies the exchange presents and hands out, and its peer address, to `key`.
    void remember_client(const std::string& key, const detail::request_facts& facts,
                         const std::vector<std::string>& handed_out, const http_request& request) {
        for (auto const& c : facts.cookies) {
            cookie_to_key[c] = key;
        }
        for (auto const& c : handed_out) {
            cookie_to_key[c] = key;
        }
        if (!request.remote_address.empty()) {
            address_to_key[request.remote_address] = key;
            adopt_pending(request.remote_address, key);
        }
    }

    // meta.json of exchange number `sequence` of client `key`.
    exchange_meta make_meta(std::size_t sequence, const std::string& key, const detail::request_facts& facts,
                            const http_request& request, const http_response& response,
                            const exchange_annotations& notes) const {
        exchange_meta m;
        m.sequence = sequence;
        m.client = key;
        if (auto id = identities.find(key); id != identities.end()) {
            m.client_id = id->second.client_id;
            m.dns_name = id->second.dns_name;
        }
        m.path = std::string(detail::path_of(request.target));
        m.service = detail::service_name(facts, m.path);
        m.operation = facts.operation_name;
        m.soap_action = std::string(request.header("SOAPAction").value_or(""));
        m.http_status = response.status;
        m.recorded_at = info.clock ? info.clock() : detail::utc_now_text();
        m.model = notes.model.value_or(info.model);
        m.scenario = info.scenario;
        m.source = info.source.empty() ? "recorded by wsuslab" : info.source;
        m.remote_address = request.remote_address;
        m.request_parses = facts.parsed || !detail::is_soap_exchange(request);
        if (notes.upstream) {
            m.upstream = *notes.upstream;
        }
        return m;
    }

    // Gives the earlier anonymous folders of `address` their client key (rename + new meta.json).
    void adopt_pending(const std::string& address, const std::string& key) {
        auto it = pending.find(address);
        if (it == pending.end()) {
            return;
        }
        for (auto& meta : it->second) {
            const std::string old_name =
                detail::folder_name(meta.sequence, "anonymous", meta.operation);
            const std::string new_name = detail::folder_name(meta.sequence, key, meta.operation);
            meta.client = key;
            const auto id = identities.find(key);
            if (id != identities.end()) {
                meta.client_id = id->second.client_id;
                meta.dns_name = id->second.dns_name;
            }
            std::error_code ec;
            const fs::path from = fs::path(dir) / old_name;
            const fs::path to = fs::path(dir) / new_name;
            if (fs::exists(to, ec)) {
                continue;
            }
            // meta.json first, then the rename: either way the folder stays complete and loadable.
            if (!detail::write_file(from / "meta.json", detail::meta_to_json(meta))) {
                continue;
            }
            fs::rename(from, to, ec);
            if (ec) {
                continue;
            }
            for (auto& e : index) {
                if (e.name == old_name) {
                    e.name = new_name;
                    e.client = key;
                }
            }
        }
        pending.erase(it);
    }
};

exchange_recorder::exchange_recorder(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
exchange_recorder::~exchange_recorder() = default;

exchange_result<std::unique_ptr<exchange_recorder>> exchange_recorder::open(const std::string& dir,
                                                                            recording_info info) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec || !fs::is_directory(dir, ec)) {
        return exchange_error{
            dir, "cannot create recording folder: " + (ec ? ec.message() : "not a directory")};
    }
    auto p = std::make_unique<impl>();
    p->dir = dir;
    p->info = std::move(info);
    // Continue after what is already there; existing folders stay as they are.
    std::vector<impl::index_entry> existing;
    for (auto const& entry : fs::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        const auto number = detail::folder_number(name);
        if (!number || name.front() == '.' || !entry.is_directory()) {
            continue;
        }
        p->next_sequence = std::max(p->next_sequence, *number + 1);
        impl::index_entry e{*number, name, "", "", 0};
        if (auto text = detail::read_file(entry.path() / "meta.json")) {
            if (auto meta = detail::meta_from_json(text.value(), name)) {
                e.client = meta.value().client;
                e.operation = meta.value().operation;
                e.http_status = meta.value().http_status;
            }
        }
        existing.push_back(std::move(e));
    }
    if (ec) {
        return exchange_error{dir, "cannot list recording folder: " + ec.message()};
    }
    std::sort(existing.begin(), existing.end(),
              [](auto const& a, auto const& b) { return a.sequence < b.sequence; });
    p->index = std::move(existing);
    return std::unique_ptr<exchange_recorder>(new exchange_recorder(std::move(p)));
}

exchange_result<std::string> exchange_recorder::record(const http_request& request,
                                                       const http_response& response,
                                                       const exchange_annotations& notes) {
    impl& s = *impl_;
    const auto facts = detail::inspect_request(request, s.lim);
    std::vector<std::string> handed_out;
    if (facts.op) {
        handed_out = detail::issued_cookies(*facts.op, response, s.lim);
    }

    std::lock_guard<std::mutex> lock(s.mu);
    const std::size_t sequence = s.next_sequence++;
    std::string key = s.client_key(facts, request, notes);
    const bool anonymous = key.empty();
    if (anonymous) {
        key = "anonymous";
    } else {
        s.remember_client(key, facts, handed_out, request);
    }

    recorded_exchange e;
    e.meta = s.make_meta(sequence, key, facts, request, response, notes);
    e.name = detail::folder_name(sequence, key, facts.operation_name);
    e.request = request;
    e.response = response;

    auto written = write_exchange(s.dir, e);
    if (!written) {
        return written.error();
    }
    ++s.written;
    if (anonymous && !request.remote_address.empty()) {
        s.pending[request.remote_address].push_back(e.meta);
    }
    s.index.push_back(impl::index_entry{sequence, e.name, key, e.meta.operation, response.status});
    s.write_index();
    return e.name;
}

std::size_t exchange_recorder::recorded() const {
    std::lock_guard<std::mutex> lock(impl_->mu);
    return impl_->written;
}

const std::string& exchange_recorder::directory() const {
    return impl_->dir;
}

request_handler recording_handler(request_handler inner,
                                  std::shared_ptr<exchange_recorder> recorder,
                                  std::function<void(const exchange_error&)> on_error) {
    return [inner = std::move(inner), recorder = std::move(recorder),
            on_error = std::move(on_error)](const http_request& request) {
        http_response response = inner(request);
        auto r = recorder->record(request, response);
        if (!r) {
            if (on_error) {
                on_error(r.error());
            } else {
                std::cerr << "wsuslab: recording failed: " << r.error().message() << "\n";
            }
        }
        return response;
    };
}

}  // namespace wsuslab::server
