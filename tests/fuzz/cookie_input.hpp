#pragma once
// fuzz_cookie's work on one input (fuzz_check.hpp), also replayed by
// tests/unit/server/fuzz_replay_test.cpp: bytes -> the server's cookie codec
// (EncryptedData / CookieData a client presents).
// The first byte picks the path: bit 0 clear hands the text to open() (base64, length, HMAC
// checks); set signs the bytes with the codec's key first, so that the payload decoder behind the
// HMAC check is reached (a client cannot forge that, but a bug there must still not crash the
// server).
// Invariants: base64 decode/encode/decode is stable; an opened payload seals and opens equal.
// Outcome: "empty", "opened" or "refused: <cookie_open_error_name>".
#include <string>
#include <string_view>
#include <variant>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <wsuslab/server/cookie_codec.hpp>

#include "fuzz_check.hpp"

namespace wsuslab::fuzz {

inline constexpr std::string_view cookie_key = "wsuslab-fuzz-key-0123456789abcdef";

/// base64(payload || HMAC-SHA256(cookie_key, payload)), the layout cookie_codec.hpp documents.
inline std::string sign_cookie(std::string_view payload) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), cookie_key.data(), static_cast<int>(cookie_key.size()),
         reinterpret_cast<const unsigned char*>(payload.data()), payload.size(), mac, &len);
    std::string bytes(payload);
    bytes.append(reinterpret_cast<const char*>(mac), len);
    return server::base64_encode(bytes);
}

inline std::string run_cookie_input(std::string_view bytes) {
    static const server::cookie_codec codec{std::string(cookie_key)};
    if (bytes.empty()) {
        return "empty";
    }
    const std::string_view input = bytes.substr(1);

    if (auto decoded = server::base64_decode(input)) {
        auto round = server::base64_decode(server::base64_encode(*decoded));
        WSUSLAB_FUZZ_CHECK(round && *round == *decoded);
    }
    const bool sign_first = (static_cast<unsigned char>(bytes[0]) & 1U) != 0;
    const std::string text = sign_first ? sign_cookie(input) : std::string(input);
    auto opened = codec.open(text);
    if (const auto* p = std::get_if<server::cookie_payload>(&opened)) {
        auto again = codec.open(codec.seal(*p));
        const auto* p2 = std::get_if<server::cookie_payload>(&again);
        WSUSLAB_FUZZ_CHECK(p2 != nullptr);
        WSUSLAB_FUZZ_CHECK(*p2 == *p);
        return "opened";
    }
    const auto name = server::cookie_open_error_name(std::get<server::cookie_open_error>(opened));
    WSUSLAB_FUZZ_CHECK(!name.empty());
    return "refused: " + std::string(name);
}

}  // namespace wsuslab::fuzz
