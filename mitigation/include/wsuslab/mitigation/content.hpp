#pragma once
/// Deterministic content for the files a scenario declares. A real WSUS serves the bytes it
/// downloaded from Microsoft Update; wsuslab generates them from the file's name and size so
/// that the server, the simulated client and the tests agree on every byte and on the SHA-1
/// without shipping binaries. Layout: the ASCII header "wsuslab content <name> <size>\n"
/// (truncated when the file is shorter), then a 4096-byte block derived from the name (FNV-1a
/// seeded xorshift64*), repeated. Pure functions, thread-safe.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include <wsuslab/mitigation/scenario.hpp>

namespace wsuslab::mitigation {

/// All the bytes of `f` (`f.size` of them). For large files prefer content_range or
/// for_each_content_chunk.
std::string content_bytes(const content_file& f);

/// Bytes [offset, offset + length) of the file, clipped to its size (HTTP Range requests).
std::string content_range(const content_file& f, std::uint64_t offset, std::size_t length);

/// Calls `sink` with consecutive chunks (at most 64 KiB each) covering the whole file.
void for_each_content_chunk(const content_file& f,
                            const std::function<void(std::string_view)>& sink);

/// Lower-case hex SHA-1 of content_bytes(f) (40 characters), computed by streaming; results
/// are memoised per (name, size) for the life of the process.
std::string content_sha1_hex(const content_file& f);

/// SHA-1 of arbitrary bytes, lower-case hex.
std::string sha1_hex(std::string_view bytes);

/// Base64 of the 20 bytes a 40-character hex SHA-1 stands for (GetExtendedUpdateInfo
/// FileDigest, the Extended fragment's File/@Digest); "" when `hex` is not 40 hex digits.
std::string sha1_hex_to_base64(std::string_view hex);

}  // namespace wsuslab::mitigation
