// Who the clients of a fleet are: shards, the weighted deal of profiles, and the identity of
// client N (client ID, DNS name, agent seed), all pure functions of the options and the index.
#include <wsuslab/client/fleet.hpp>

#include <algorithm>
#include <cstdio>
#include <thread>

#include <wsuslab/protocol/text.hpp>

namespace wsuslab::client {
namespace {

// splitmix64 (Steele, Lea, Flood 2014): a cheap, well-mixed 64-bit hash of a counter.
std::uint64_t mix64(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

// "ws-office-01.wsuslab.example" + 42 -> "ws-office-01-000042.wsuslab.example".
std::string dns_name_of(const std::string& profile_dns, std::size_t index) {
    char number[24];
    std::snprintf(number, sizeof number, "%06zu", index);
    std::string const dot = profile_dns.empty() ? std::string() : profile_dns.substr(0, profile_dns.find('.'));
    std::string label = dot.empty() ? std::string("client") : dot;
    std::string const suffix = std::string("-") + number;
    // A DNS label holds at most 63 characters.
    label = label.substr(0, 63 - std::min<std::size_t>(62, suffix.size())) + suffix;
    auto const rest = profile_dns.find('.');
    return rest == std::string::npos ? label : label + profile_dns.substr(rest);
}

}  // namespace

std::optional<fleet_shard> parse_shard(const std::string& text) {
    auto const slash = text.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 >= text.size() || text.size() > 20) {
        return std::nullopt;
    }
    auto number = [](const std::string& digits) -> std::optional<std::size_t> {
        std::size_t v = 0;
        for (char c : digits) {
            if (c < '0' || c > '9') {
                return std::nullopt;
            }
            v = v * 10 + static_cast<std::size_t>(c - '0');
        }
        return v;
    };
    auto const i = number(text.substr(0, slash));
    auto const n = number(text.substr(slash + 1));
    if (!i || !n || *n == 0 || *i >= *n) {
        return std::nullopt;
    }
    return fleet_shard{*i, *n};
}

std::pair<std::size_t, std::size_t> shard_range(std::size_t clients, fleet_shard shard) {
    if (shard.count == 0 || shard.index >= shard.count) {
        return {0, 0};
    }
    // Slice boundaries floor(k * clients / count): sizes differ by at most one. run_fleet caps
    // clients at 10^9 and count at 10^6, so the product fits in 64 bits.
    auto boundary = [&](std::size_t k) {
        return static_cast<std::size_t>(static_cast<std::uint64_t>(k) * clients / shard.count);
    };
    return {boundary(shard.index), boundary(shard.index + 1)};
}

std::size_t fleet_member_at(const std::vector<fleet_member>& mix, std::size_t index) {
    if (mix.empty()) {
        return 0;
    }
    // Smooth weighted round-robin (as nginx balances upstreams) over one cycle of W deals: each
    // member gets exactly its weight, interleaved rather than in blocks.
    std::int64_t total = 0;
    for (auto const& m : mix) {
        total += m.weight;
    }
    if (total == 0) {
        return 0;
    }
    std::size_t const step = index % static_cast<std::size_t>(total);
    std::vector<std::int64_t> current(mix.size(), 0);
    std::size_t pick = 0;
    for (std::size_t s = 0; s <= step; ++s) {
        pick = 0;
        for (std::size_t m = 0; m < mix.size(); ++m) {
            current[m] += mix[m].weight;
            if (current[m] > current[pick]) {
                pick = m;
            }
        }
        current[pick] -= total;
    }
    return pick;
}

fleet_client fleet_client_at(const fleet_options& options, std::size_t index) {
    fleet_client c;
    c.index = index;
    c.member = fleet_member_at(options.mix, index);
    std::uint64_t const base = mix64(options.seed ^ 0x666c656574ULL) ^ (static_cast<std::uint64_t>(index) * 0x9e3779b97f4a7c15ULL);
    // A version-4 GUID in lower case: what the server accepts as clientId (a-z, 0-9, '-').
    c.client_id = protocol::make_guid(mix64(base), mix64(base + 1));
    c.seed = mix64(base + 2);
    std::string const profile_dns = c.member < options.mix.size() ? options.mix[c.member].profile.dns_name : "";
    c.dns_name = dns_name_of(profile_dns, index);
    return c;
}

std::size_t default_concurrency() {
    std::size_t const cores = std::max(1U, std::thread::hardware_concurrency());
    return std::min<std::size_t>(256, 32 * cores);
}

}  // namespace wsuslab::client
