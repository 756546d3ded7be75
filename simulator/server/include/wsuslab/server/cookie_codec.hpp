#pragma once
/// Cookies the server can verify (docs/protocol-notes.md §3): an HMAC-SHA256 (OpenSSL) over a small
/// binary payload, base64 in EncryptedData / CookieData. The key is drawn per server process, so a
/// cookie from another server (or one edited by a client) fails verification; the server
/// identity GUID inside lets the service tell "issued by an earlier identity" (ServerChanged)
/// from "not ours" (InvalidCookie). The payload is signed, not encrypted: it is readable by
/// whoever holds the bytes, which is fine for a lab server.
///
/// Thread-safety: a cookie_codec is immutable after construction; seal/open are const and may be
/// called from several threads.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <wsuslab/protocol/text.hpp>

namespace wsuslab::server {

/// Which cookie: the SimpleAuth AuthorizationCookie or the ClientWebService Cookie. Each is
/// rejected where the other is expected.
enum class cookie_kind : std::uint8_t { authorization = 1, client = 2 };

struct cookie_payload {
    cookie_kind kind = cookie_kind::client;
    std::string client_id;
    std::string dns_name;
    std::vector<std::string> groups;  ///< target groups, "All Computers" included
    std::string server_identity;      ///< GUID of the issuing server identity
    std::string config_last_change;   ///< GetConfig LastChange the cookie was issued under
    std::string protocol_version;     ///< client protocolVersion from GetCookie ("" unknown)
    std::int64_t issued_ms = 0;       ///< Unix epoch milliseconds
    std::int64_t expires_ms = 0;      ///< authoritative expiry (Expiration is a copy)
    std::string watermark;            ///< max Deployment LastChangeTime already sent
    bool registered = false;          ///< RegisterComputer seen for this client

    bool operator==(const cookie_payload& o) const;
};

enum class cookie_open_error {
    not_base64,     ///< EncryptedData is not strict base64
    too_short,      ///< shorter than a signature
    bad_signature,  ///< tampered, or signed with another key (another server)
    malformed,      ///< signature fine but the payload does not decode (format version)
};
std::string_view cookie_open_error_name(cookie_open_error e);

class cookie_codec {
public:
    /// `key` must hold at least 16 bytes; shorter keys are padded with zeros (tests only).
    explicit cookie_codec(std::string key);
    /// A codec with a fresh 32-byte key from OpenSSL's RAND_bytes.
    static cookie_codec with_random_key();

    /// base64(payload || HMAC-SHA256(key, payload)).
    std::string seal(const cookie_payload& payload) const;
    std::variant<cookie_payload, cookie_open_error> open(std::string_view base64) const;

private:
    std::string key_;
};

/// RFC 4648 base64 with padding; strict decode (wsuslab/protocol/text.hpp).
using protocol::base64_decode;
using protocol::base64_encode;

/// A random version-4 GUID in lower case ("c0a7445f-b989-43fa-ac20-11f8ca65fa8c").
std::string random_guid();

}  // namespace wsuslab::server
