#include <wsuslab/server/cookie_codec.hpp>

#include <array>
#include <charconv>
#include <stdexcept>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <wsuslab/protocol/text.hpp>

namespace wsuslab::server {
namespace {

constexpr std::string_view payload_magic = "WLC1";
constexpr std::size_t mac_size = 32;
// A cookie carries a handful of short strings; anything larger is not one of ours.
constexpr std::uint32_t max_field_bytes = 64 * 1024;
constexpr std::uint32_t max_groups = 1024;

void put_u32(std::string& out, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) {
        out.push_back(static_cast<char>((v >> shift) & 0xFFU));
    }
}

void put_field(std::string& out, std::string_view s) {
    put_u32(out, static_cast<std::uint32_t>(s.size()));
    out.append(s);
}

void put_i64(std::string& out, std::int64_t v) { put_field(out, std::to_string(v)); }

class reader {
public:
    explicit reader(std::string_view data) : data_(data) {}

    std::optional<std::uint32_t> u32() {
        if (data_.size() - pos_ < 4) {
            return std::nullopt;
        }
        std::uint32_t v = 0;
        for (int i = 0; i < 4; ++i) {
            v = (v << 8) | static_cast<unsigned char>(data_[pos_++]);
        }
        return v;
    }

    std::optional<std::string> field() {
        auto n = u32();
        if (!n || *n > max_field_bytes || data_.size() - pos_ < *n) {
            return std::nullopt;
        }
        std::string s(data_.substr(pos_, *n));
        pos_ += *n;
        return s;
    }

    // A decimal std::int64_t as to_string writes it; from_chars refuses a value out of range
    // (the hand-rolled digit loop overflowed on "-9323372036854775807", found by fuzz_cookie).
    std::optional<std::int64_t> i64() {
        auto s = field();
        if (!s || s->empty() || s->size() > 20) {
            return std::nullopt;
        }
        std::int64_t v = 0;
        const char* const end = s->data() + s->size();
        const auto [ptr, ec] = std::from_chars(s->data(), end, v);
        if (ec != std::errc{} || ptr != end) {
            return std::nullopt;
        }
        return v;
    }

    bool done() const { return pos_ == data_.size(); }

private:
    std::string_view data_;
    std::size_t pos_ = 0;
};

std::string encode_payload(const cookie_payload& p) {
    std::string out(payload_magic);
    out.push_back(static_cast<char>(p.kind));
    put_field(out, p.client_id);
    put_field(out, p.dns_name);
    put_u32(out, static_cast<std::uint32_t>(p.groups.size()));
    for (auto const& g : p.groups) {
        put_field(out, g);
    }
    put_field(out, p.server_identity);
    put_field(out, p.config_last_change);
    put_field(out, p.protocol_version);
    put_i64(out, p.issued_ms);
    put_i64(out, p.expires_ms);
    put_field(out, p.watermark);
    out.push_back(p.registered ? '\1' : '\0');
    return out;
}

std::optional<cookie_payload> decode_payload(std::string_view data) {
    if (data.size() < payload_magic.size() + 1 || data.substr(0, payload_magic.size()) != payload_magic) {
        return std::nullopt;
    }
    cookie_payload p;
    const auto kind = static_cast<unsigned char>(data[payload_magic.size()]);
    if (kind != static_cast<unsigned char>(cookie_kind::authorization) &&
        kind != static_cast<unsigned char>(cookie_kind::client)) {
        return std::nullopt;
    }
    p.kind = static_cast<cookie_kind>(kind);
    // The registered flag is the last byte; everything between is length-prefixed.
    if (data.size() < payload_magic.size() + 2) {
        return std::nullopt;
    }
    const char flag = data.back();
    if (flag != '\0' && flag != '\1') {
        return std::nullopt;
    }
    p.registered = flag == '\1';
    reader r(data.substr(payload_magic.size() + 1, data.size() - payload_magic.size() - 2));
    auto client_id = r.field();
    auto dns = r.field();
    auto count = r.u32();
    if (!client_id || !dns || !count || *count > max_groups) {
        return std::nullopt;
    }
    p.client_id = std::move(*client_id);
    p.dns_name = std::move(*dns);
    for (std::uint32_t i = 0; i < *count; ++i) {
        auto g = r.field();
        if (!g) {
            return std::nullopt;
        }
        p.groups.push_back(std::move(*g));
    }
    auto identity = r.field();
    auto last_change = r.field();
    auto version = r.field();
    auto issued = r.i64();
    auto expires = r.i64();
    auto watermark = r.field();
    if (!identity || !last_change || !version || !issued || !expires || !watermark || !r.done()) {
        return std::nullopt;
    }
    p.server_identity = std::move(*identity);
    p.config_last_change = std::move(*last_change);
    p.protocol_version = std::move(*version);
    p.issued_ms = *issued;
    p.expires_ms = *expires;
    p.watermark = std::move(*watermark);
    return p;
}

std::array<unsigned char, mac_size> hmac_sha256(std::string_view key, std::string_view data) {
    std::array<unsigned char, mac_size> out{};
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &len);
    return out;
}

void random_bytes(unsigned char* out, std::size_t n) {
    if (RAND_bytes(out, static_cast<int>(n)) != 1) {
        // OpenSSL's CSPRNG failing means the process cannot make keys at all.
        throw std::runtime_error("RAND_bytes failed");
    }
}

}  // namespace

bool cookie_payload::operator==(const cookie_payload& o) const {
    return kind == o.kind && client_id == o.client_id && dns_name == o.dns_name &&
           groups == o.groups && server_identity == o.server_identity &&
           config_last_change == o.config_last_change && protocol_version == o.protocol_version &&
           issued_ms == o.issued_ms && expires_ms == o.expires_ms && watermark == o.watermark &&
           registered == o.registered;
}

std::string_view cookie_open_error_name(cookie_open_error e) {
    switch (e) {
        case cookie_open_error::not_base64: return "not base64";
        case cookie_open_error::too_short: return "too short";
        case cookie_open_error::bad_signature: return "bad signature";
        case cookie_open_error::malformed: return "malformed payload";
    }
    return "unknown";
}

cookie_codec::cookie_codec(std::string key) : key_(std::move(key)) {
    if (key_.size() < 16) {
        key_.resize(16, '\0');
    }
}

cookie_codec cookie_codec::with_random_key() {
    std::string key(32, '\0');
    random_bytes(reinterpret_cast<unsigned char*>(key.data()), key.size());
    return cookie_codec(std::move(key));
}

std::string cookie_codec::seal(const cookie_payload& payload) const {
    std::string data = encode_payload(payload);
    auto mac = hmac_sha256(key_, data);
    data.append(reinterpret_cast<const char*>(mac.data()), mac.size());
    return base64_encode(data);
}

std::variant<cookie_payload, cookie_open_error> cookie_codec::open(std::string_view text) const {
    auto bytes = base64_decode(text);
    if (!bytes) {
        return cookie_open_error::not_base64;
    }
    if (bytes->size() <= mac_size) {
        return cookie_open_error::too_short;
    }
    const std::string_view data(bytes->data(), bytes->size() - mac_size);
    auto mac = hmac_sha256(key_, data);
    if (CRYPTO_memcmp(mac.data(), bytes->data() + data.size(), mac_size) != 0) {
        return cookie_open_error::bad_signature;
    }
    auto payload = decode_payload(data);
    if (!payload) {
        return cookie_open_error::malformed;
    }
    return std::move(*payload);
}

std::string random_guid() {
    std::array<unsigned char, 16> b{};
    random_bytes(b.data(), b.size());
    return protocol::make_guid(b);
}

}  // namespace wsuslab::server
