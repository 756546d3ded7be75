// Bytes -> the server's cookie codec (EncryptedData / CookieData a client presents).
// The first byte picks the path: 0 hands the text to open() (base64, length, HMAC checks); 1 signs
// the bytes with the codec's key first, so that the payload decoder behind the HMAC check is
// reached (a client cannot forge that, but a bug there must still not crash the server).
// Invariants: base64 decode/encode/decode is stable; an opened payload seals and opens equal.
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <wsuslab/server/cookie_codec.hpp>

#include "fuzz_check.hpp"

namespace srv = wsuslab::server;

namespace {

const std::string key = "wsuslab-fuzz-key-0123456789abcdef";

// base64(payload || HMAC-SHA256(key, payload)), the layout cookie_codec.hpp documents.
std::string sign(std::string_view payload) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(payload.data()), payload.size(), mac, &len);
    std::string bytes(payload);
    bytes.append(reinterpret_cast<const char*>(mac), len);
    return srv::base64_encode(bytes);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const srv::cookie_codec codec(key);
    if (size == 0) {
        return 0;
    }
    const auto input = wsuslab::fuzz::as_text(data + 1, size - 1);

    if (auto decoded = srv::base64_decode(input)) {
        auto round = srv::base64_decode(srv::base64_encode(*decoded));
        WSUSLAB_FUZZ_CHECK(round && *round == *decoded);
    }
    const std::string text = (data[0] & 1U) != 0 ? sign(input) : std::string(input);
    auto opened = codec.open(text);
    if (const auto* p = std::get_if<srv::cookie_payload>(&opened)) {
        auto again = codec.open(codec.seal(*p));
        const auto* p2 = std::get_if<srv::cookie_payload>(&again);
        WSUSLAB_FUZZ_CHECK(p2 != nullptr);
        WSUSLAB_FUZZ_CHECK(*p2 == *p);
    } else {
        WSUSLAB_FUZZ_CHECK(!srv::cookie_open_error_name(std::get<srv::cookie_open_error>(opened)).empty());
    }
    return 0;
}
