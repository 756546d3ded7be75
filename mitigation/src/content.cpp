#include <wsuslab/mitigation/content.hpp>

#include <algorithm>
#include <array>
#include <map>
#include <mutex>
#include <utility>

#include <openssl/evp.h>

#include <wsuslab/protocol/text.hpp>

namespace wsuslab::mitigation {
namespace {

constexpr std::size_t block_size = 4096;
constexpr std::size_t sha1_length = 20;

/// Streaming SHA-1 over OpenSSL's EVP interface (the SHA1_* functions are deprecated in 3.0).
class sha1_stream {
public:
    sha1_stream() : ctx_(EVP_MD_CTX_new()) { EVP_DigestInit_ex(ctx_, EVP_sha1(), nullptr); }
    ~sha1_stream() { EVP_MD_CTX_free(ctx_); }
    sha1_stream(const sha1_stream&) = delete;
    sha1_stream& operator=(const sha1_stream&) = delete;
    void update(std::string_view bytes) { EVP_DigestUpdate(ctx_, bytes.data(), bytes.size()); }
    std::array<unsigned char, sha1_length> finish() {
        std::array<unsigned char, sha1_length> digest{};
        unsigned int n = 0;
        EVP_DigestFinal_ex(ctx_, digest.data(), &n);
        return digest;
    }

private:
    EVP_MD_CTX* ctx_;
};
constexpr std::size_t chunk_size = 64 * 1024;

std::string header_of(const content_file& f) {
    return "wsuslab content " + f.name + " " + std::to_string(f.size) + "\n";
}

std::string block_of(const std::string& name) {
    // FNV-1a of the name seeds xorshift64*, so each file name has its own filler.
    std::uint64_t h = 1469598103934665603ULL;
    for (char const c : name) {
        h ^= static_cast<unsigned char>(c);
        h *= 1099511628211ULL;
    }
    std::uint64_t x = h == 0 ? 0x9E3779B97F4A7C15ULL : h;
    std::string block(block_size, '\0');
    for (std::size_t i = 0; i < block_size; i += 8) {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        std::uint64_t const v = x * 2685821657736338717ULL;
        for (std::size_t b = 0; b < 8; ++b) {
            block[i + b] = static_cast<char>((v >> (8 * b)) & 0xFFU);
        }
    }
    return block;
}

/// Writes the bytes of [offset, offset + out.size()) into `out`.
void fill(const std::string& header, const std::string& block, std::uint64_t offset,
          std::string& out) {
    for (std::size_t i = 0; i < out.size();) {
        std::uint64_t const pos = offset + i;
        if (pos < header.size()) {
            out[i] = header[static_cast<std::size_t>(pos)];
            ++i;
            continue;
        }
        // Copy a run from the repeated block rather than byte by byte.
        auto const in_block = static_cast<std::size_t>(pos % block_size);
        std::size_t const run = std::min(block_size - in_block, out.size() - i);
        std::copy_n(block.data() + in_block, run, out.data() + i);
        i += run;
    }
}

std::string to_hex(const unsigned char* digest, std::size_t n) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(n * 2);
    for (std::size_t i = 0; i < n; ++i) {
        hex += digits[digest[i] >> 4U];
        hex += digits[digest[i] & 0x0FU];
    }
    return hex;
}

}  // namespace

void for_each_content_chunk(const content_file& f,
                            const std::function<void(std::string_view)>& sink) {
    std::string const header = header_of(f);
    std::string const block = block_of(f.name);
    std::string chunk;
    for (std::uint64_t offset = 0; offset < f.size; offset += chunk_size) {
        chunk.resize(static_cast<std::size_t>(std::min<std::uint64_t>(chunk_size, f.size - offset)));
        fill(header, block, offset, chunk);
        sink(chunk);
    }
}

std::string content_range(const content_file& f, std::uint64_t offset, std::size_t length) {
    if (offset >= f.size) {
        return {};
    }
    std::string out(static_cast<std::size_t>(std::min<std::uint64_t>(length, f.size - offset)), '\0');
    fill(header_of(f), block_of(f.name), offset, out);
    return out;
}

std::string content_bytes(const content_file& f) {
    return content_range(f, 0, static_cast<std::size_t>(f.size));
}

std::string sha1_hex(std::string_view bytes) {
    sha1_stream sha;
    sha.update(bytes);
    auto const digest = sha.finish();
    return to_hex(digest.data(), digest.size());
}

std::string content_sha1_hex(const content_file& f) {
    static std::mutex mutex;
    static std::map<std::pair<std::string, std::uint64_t>, std::string> memo;
    auto const key = std::make_pair(f.name, f.size);
    {
        std::lock_guard<std::mutex> lock(mutex);
        if (auto it = memo.find(key); it != memo.end()) {
            return it->second;
        }
    }
    sha1_stream sha;
    for_each_content_chunk(f, [&sha](std::string_view chunk) { sha.update(chunk); });
    auto const digest = sha.finish();
    std::string hex = to_hex(digest.data(), digest.size());
    std::lock_guard<std::mutex> lock(mutex);
    memo.emplace(key, hex);
    return hex;
}

std::string sha1_hex_to_base64(std::string_view hex) {
    auto const raw = hex.size() == 2 * sha1_length ? protocol::hex_decode(hex) : std::nullopt;
    return raw ? protocol::base64_encode(*raw) : std::string();
}

}  // namespace wsuslab::mitigation
