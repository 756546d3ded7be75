#pragma once
/// The "xpress" HTTP content encoding of MS-WUSP §2.1.1 (docs/client.md §4): the body is a
/// sequence of blocks, each prefixed by two little-endian signed 32-bit integers (the block's
/// original size, then its compressed size), each compressed with the plain LZ77 + DIRECT2
/// format (the one MS-XCA §2.3/§2.4 calls "Plain LZ77"). A block holds at most 65535 original
/// bytes. A modern agent asks for it with `Accept-Encoding: xpress`; a current WSUS then answers
/// with `Content-Encoding: xpress`.
///
/// Pure functions on byte strings; thread-safe. Bad input is an error value, never a throw, a
/// crash or an unbounded allocation.

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>

namespace wsuslab::client {

/// Largest original size of one block (MS-WUSP §2.1.1).
inline constexpr std::size_t xpress_max_block = 65535;

/// Why a body could not be decoded, e.g. "block 2 at byte 131: match offset 900 reaches before
/// the start of the block".
struct xpress_error {
    std::string problem;
};

/// Decompresses one plain-LZ77 block whose original size is `original_size`. Decoding stops when
/// that many bytes are out; running out of input first, or a match reaching before the start of
/// the output, is an error.
std::variant<std::string, xpress_error> lz77_plain_decompress(std::string_view block,
                                                              std::size_t original_size);

/// Compresses one block (at most xpress_max_block bytes) in the plain-LZ77 format: greedy matches
/// of 3 or more bytes within 8192 bytes back. Used by the tests' third-party servers; the output
/// decodes with lz77_plain_decompress and with the format's own end-of-data rule.
std::string lz77_plain_compress(std::string_view block);

/// Decodes a whole `Content-Encoding: xpress` body. `max_output` bounds the decoded size (a body
/// that claims more is an error, so a hostile server cannot exhaust memory).
std::variant<std::string, xpress_error> xpress_decode(std::string_view body,
                                                      std::size_t max_output = 64 * 1024 * 1024);

/// Encodes `data` as a `Content-Encoding: xpress` body (blocks of xpress_max_block bytes).
std::string xpress_encode(std::string_view data);

}  // namespace wsuslab::client
