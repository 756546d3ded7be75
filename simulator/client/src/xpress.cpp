// The xpress content encoding (MS-WUSP §2.1.1 framing, plain LZ77 + DIRECT2 blocks), written from
// the format description in docs/client.md §4.
#include <wsuslab/client/xpress.hpp>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace wsuslab::client {
namespace {

constexpr std::size_t no_position = static_cast<std::size_t>(-1);
constexpr std::size_t max_offset = 8192;  // 13 bits of (offset - 1)
constexpr std::size_t min_match = 3;

std::uint32_t read_u16(std::string_view in, std::size_t pos) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(in[pos])) |
           static_cast<std::uint32_t>(static_cast<unsigned char>(in[pos + 1])) << 8;
}

std::uint32_t read_u32(std::string_view in, std::size_t pos) {
    return read_u16(in, pos) | read_u16(in, pos + 2) << 16;
}

void put_u16(std::string& out, std::uint32_t v) {
    out.push_back(static_cast<char>(v & 0xff));
    out.push_back(static_cast<char>((v >> 8) & 0xff));
}

void put_u32(std::string& out, std::uint32_t v) {
    put_u16(out, v & 0xffff);
    put_u16(out, v >> 16);
}

void set_u32(std::string& out, std::size_t pos, std::uint32_t v) {
    for (std::size_t i = 0; i < 4; ++i) {
        out[pos + i] = static_cast<char>((v >> (8 * i)) & 0xff);
    }
}

// The long-length tail of a match whose 3-bit length field is 7 (the nibble already read as
// `nibble`): 15 escapes to a byte, 255 escapes to a 16-bit (or, when that is 0, 32-bit) total.
std::variant<std::size_t, std::string> long_length(std::string_view in, std::size_t& pos,
                                                   std::size_t nibble) {
    std::size_t length = nibble;
    if (length == 15) {
        if (pos >= in.size()) {
            return std::string("the length byte of a match is missing");
        }
        length = static_cast<unsigned char>(in[pos++]);
        if (length == 255) {
            if (in.size() - pos < 2) {
                return std::string("the 16-bit length of a match is cut off");
            }
            length = read_u16(in, pos);
            pos += 2;
            if (length == 0) {
                if (in.size() - pos < 4) {
                    return std::string("the 32-bit length of a match is cut off");
                }
                length = read_u32(in, pos);
                pos += 4;
            }
            if (length < 15 + 7) {
                return "a long match length of " + std::to_string(length) + " is below 22";
            }
            length -= 15 + 7;
        }
        length += 15;
    }
    return length + 7;
}

class block_writer {
public:
    explicit block_writer(std::string& out) : out_(out) { open_flags(); }

    void literal(char c) {
        flag(false);
        out_.push_back(c);
    }

    void match(std::size_t length, std::size_t offset) {
        flag(true);
        std::size_t const v = length - min_match;
        std::uint32_t const head = static_cast<std::uint32_t>((offset - 1) << 3);
        if (v < 7) {
            put_u16(out_, head | static_cast<std::uint32_t>(v));
            return;
        }
        put_u16(out_, head | 7u);
        std::size_t const rest = v - 7;
        auto const nibble = static_cast<unsigned char>(std::min<std::size_t>(rest, 15));
        // Two consecutive long matches share one byte: low nibble first, then high nibble.
        if (half_ == no_position) {
            half_ = out_.size();
            out_.push_back(static_cast<char>(nibble));
        } else {
            out_[half_] = static_cast<char>(static_cast<unsigned char>(out_[half_]) | (nibble << 4));
            half_ = no_position;
        }
        if (rest < 15) {
            return;
        }
        if (rest - 15 < 255) {
            out_.push_back(static_cast<char>(rest - 15));
            return;
        }
        out_.push_back(static_cast<char>(0xff));
        if (v <= 0xffff) {
            put_u16(out_, static_cast<std::uint32_t>(v));
        } else {
            put_u16(out_, 0);
            put_u32(out_, static_cast<std::uint32_t>(v));
        }
    }

    // Pads the last flags word with 1 bits: a decoder that stops at "match flag with no input
    // left" ends there.
    void finish() {
        if (count_ == 32) {
            set_u32(out_, flags_pos_, flags_);
            open_flags();
        }
        int const unused = 32 - count_;
        std::uint32_t const pad = unused == 32 ? 0xffffffffu : (1u << unused) - 1;
        set_u32(out_, flags_pos_, (unused == 32 ? 0u : flags_ << unused) | pad);
    }

private:
    void open_flags() {
        flags_pos_ = out_.size();
        out_.append(4, '\0');
        flags_ = 0;
        count_ = 0;
    }

    void flag(bool is_match) {
        if (count_ == 32) {
            set_u32(out_, flags_pos_, flags_);
            open_flags();
        }
        flags_ = (flags_ << 1) | (is_match ? 1u : 0u);
        ++count_;
    }

    std::string& out_;
    std::size_t flags_pos_ = 0;
    std::uint32_t flags_ = 0;
    int count_ = 0;
    std::size_t half_ = no_position;
};

std::size_t hash3(std::string_view in, std::size_t i) {
    auto const b = [&](std::size_t k) { return static_cast<std::size_t>(static_cast<unsigned char>(in[i + k])); };
    return ((b(0) << 8) ^ (b(1) << 4) ^ b(2)) & 0xfff;
}

std::string encode_block(std::string_view chunk) {
    std::string out;
    std::string const data = lz77_plain_compress(chunk);
    // Incompressible data grows by a flags word per 32 bytes; split until it fits the header.
    if (data.size() > xpress_max_block && chunk.size() > 1) {
        std::size_t const half = chunk.size() / 2;
        return encode_block(chunk.substr(0, half)) + encode_block(chunk.substr(half));
    }
    put_u32(out, static_cast<std::uint32_t>(chunk.size()));
    put_u32(out, static_cast<std::uint32_t>(data.size()));
    return out + data;
}

}  // namespace

std::variant<std::string, xpress_error> lz77_plain_decompress(std::string_view in,
                                                              std::size_t original_size) {
    std::string out;
    out.reserve(original_size);
    std::size_t pos = 0;
    std::uint32_t flags = 0;
    int count = 0;
    std::size_t half = no_position;
    auto fail = [&pos](const std::string& what) {
        return xpress_error{"byte " + std::to_string(pos) + ": " + what};
    };
    while (out.size() < original_size) {
        if (count == 0) {
            if (in.size() - pos < 4) {
                return fail("the flags word is cut off");
            }
            flags = read_u32(in, pos);
            pos += 4;
            count = 32;
        }
        --count;
        if ((flags & (1u << count)) == 0) {
            if (pos >= in.size()) {
                return fail("a literal is missing");
            }
            out.push_back(in[pos++]);
            continue;
        }
        if (in.size() - pos < 2) {
            return fail("a match is cut off");
        }
        std::uint32_t const meta = read_u16(in, pos);
        pos += 2;
        std::size_t const offset = (meta >> 3) + 1;
        std::size_t length = meta & 7u;
        if (length == 7) {
            std::size_t nibble = 0;
            if (half == no_position) {
                if (pos >= in.size()) {
                    return fail("the length nibble of a match is missing");
                }
                half = pos;
                nibble = static_cast<unsigned char>(in[pos++]) & 0x0fu;
            } else {
                nibble = static_cast<unsigned char>(in[half]) >> 4;
                half = no_position;
            }
            auto l = long_length(in, pos, nibble);
            if (auto const* e = std::get_if<std::string>(&l)) {
                return fail(*e);
            }
            length = std::get<std::size_t>(l);
        }
        length += min_match;
        if (offset > out.size()) {
            return fail("match offset " + std::to_string(offset) + " reaches before the start of the block");
        }
        if (length > original_size - out.size()) {
            return fail("a match of " + std::to_string(length) + " bytes runs past the block's original size " +
                        std::to_string(original_size));
        }
        // Byte by byte: a match may overlap the bytes it produces ("aaaa" = a + match(1, 3)).
        std::size_t const from = out.size() - offset;
        for (std::size_t k = 0; k < length; ++k) {
            out.push_back(out[from + k]);
        }
    }
    return out;
}

std::string lz77_plain_compress(std::string_view in) {
    std::string out;
    block_writer w(out);
    std::vector<std::size_t> last(4096, no_position);
    std::size_t i = 0;
    while (i < in.size()) {
        std::size_t best = 0;
        std::size_t best_offset = 0;
        if (in.size() - i >= min_match) {
            std::size_t const h = hash3(in, i);
            std::size_t const cand = last[h];
            last[h] = i;
            if (cand != no_position && i - cand <= max_offset) {
                std::size_t n = 0;
                while (i + n < in.size() && in[cand + n] == in[i + n]) {
                    ++n;
                }
                if (n >= min_match) {
                    best = n;
                    best_offset = i - cand;
                }
            }
        }
        if (best == 0) {
            w.literal(in[i++]);
            continue;
        }
        w.match(best, best_offset);
        for (std::size_t k = i + 1; k < i + best && in.size() - k >= min_match; ++k) {
            last[hash3(in, k)] = k;
        }
        i += best;
    }
    w.finish();
    return out;
}

std::variant<std::string, xpress_error> xpress_decode(std::string_view body, std::size_t max_output) {
    std::string out;
    std::size_t pos = 0;
    for (int block = 1; pos < body.size(); ++block) {
        std::string const where = "block " + std::to_string(block) + " at byte " + std::to_string(pos);
        if (body.size() - pos < 8) {
            return xpress_error{where + ": the 8-byte block header is cut off"};
        }
        auto const original = static_cast<std::int32_t>(read_u32(body, pos));
        auto const compressed = static_cast<std::int32_t>(read_u32(body, pos + 4));
        pos += 8;
        if (original < 0 || compressed < 0 || static_cast<std::size_t>(original) > xpress_max_block ||
            static_cast<std::size_t>(compressed) > xpress_max_block) {
            return xpress_error{where + ": sizes " + std::to_string(original) + "/" + std::to_string(compressed) +
                                " are outside 0.." + std::to_string(xpress_max_block)};
        }
        auto const orig = static_cast<std::size_t>(original);
        auto const comp = static_cast<std::size_t>(compressed);
        if (comp > body.size() - pos) {
            return xpress_error{where + ": " + std::to_string(comp) + " compressed bytes announced, " +
                                std::to_string(body.size() - pos) + " present"};
        }
        if (orig > max_output - out.size()) {
            return xpress_error{where + ": the decoded body would exceed " + std::to_string(max_output) + " bytes"};
        }
        auto decoded = lz77_plain_decompress(body.substr(pos, comp), orig);
        if (auto const* e = std::get_if<xpress_error>(&decoded)) {
            return xpress_error{where + ": " + e->problem};
        }
        out += std::get<std::string>(decoded);
        pos += comp;
    }
    return out;
}

std::string xpress_encode(std::string_view data) {
    std::string out;
    for (std::size_t start = 0; start < data.size(); start += xpress_max_block) {
        out += encode_block(data.substr(start, xpress_max_block));
    }
    return out;
}

}  // namespace wsuslab::client
