#include "raw_client.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace wsuslab::test {
namespace {

using clock = std::chrono::steady_clock;

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

int remaining_ms(clock::time_point deadline) {
    auto const left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
    return static_cast<int>(std::max<long long>(0, left.count()));
}

// Waits for `events` on fd until the deadline; returns the revents (0 on timeout).
short wait_for(int fd, short events, clock::time_point deadline) {
    pollfd p{fd, events, 0};
    for (;;) {
        int const r = ::poll(&p, 1, remaining_ms(deadline));
        if (r < 0 && errno == EINTR) {
            continue;
        }
        return r > 0 ? p.revents : static_cast<short>(0);
    }
}

// Parses the header block; returns false when it is malformed.
bool parse_head(std::string_view head, raw_response& out) {
    auto const line_end = head.find("\r\n");
    std::string_view status_line = head.substr(0, line_end);
    if (status_line.substr(0, 5) != "HTTP/" || status_line.size() < 12) {
        return false;
    }
    out.status = std::atoi(std::string(status_line.substr(9, 3)).c_str());
    out.reason = std::string(status_line.size() > 13 ? status_line.substr(13) : std::string_view{});
    std::size_t pos = line_end == std::string_view::npos ? head.size() : line_end + 2;
    while (pos < head.size()) {
        auto const end = head.find("\r\n", pos);
        std::string_view line = head.substr(pos, end == std::string_view::npos ? head.npos : end - pos);
        pos = end == std::string_view::npos ? head.size() : end + 2;
        auto const colon = line.find(':');
        if (colon == std::string_view::npos) {
            return false;
        }
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
            value.remove_prefix(1);
        }
        while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) {
            value.remove_suffix(1);
        }
        out.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
    }
    return true;
}

}  // namespace

std::optional<std::string> raw_response::header(std::string_view name) const {
    for (auto const& [key, value] : headers) {
        if (iequals(key, name)) {
            return value;
        }
    }
    return std::nullopt;
}

raw_client::raw_client(std::uint16_t port, const std::string& host) {
    sockaddr_storage addr{};
    socklen_t len = 0;
    int family = AF_INET;
    auto* v4 = reinterpret_cast<sockaddr_in*>(&addr);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&addr);
    if (::inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(port);
        len = sizeof(sockaddr_in);
    } else if (::inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
        family = AF_INET6;
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(port);
        len = sizeof(sockaddr_in6);
    } else {
        throw std::runtime_error("raw_client: '" + host + "' is not a numeric address");
    }
    fd_ = ::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) {
        throw std::runtime_error(std::string("raw_client: socket: ") + std::strerror(errno));
    }
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0) {
        std::string const why = std::strerror(errno);
        ::close(fd_);
        fd_ = -1;
        throw std::runtime_error("raw_client: connect to " + host + ":" + std::to_string(port) +
                                 ": " + why);
    }
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

raw_client::~raw_client() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

raw_client::raw_client(raw_client&& other) noexcept
    : fd_(other.fd_), pending_(std::move(other.pending_)), peer_closed_(other.peer_closed_) {
    other.fd_ = -1;
}

bool raw_client::send(std::string_view bytes) {
    while (!bytes.empty()) {
        ssize_t const n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return false;
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

void raw_client::shutdown_write() { ::shutdown(fd_, SHUT_WR); }

bool raw_client::fill(clock::time_point deadline) {
    if (peer_closed_) {
        return false;
    }
    if ((wait_for(fd_, POLLIN, deadline) & (POLLIN | POLLHUP | POLLERR)) == 0) {
        return false;
    }
    std::array<char, 16384> buf{};
    ssize_t const n = ::recv(fd_, buf.data(), buf.size(), 0);
    if (n <= 0) {
        peer_closed_ = true;
        return false;
    }
    pending_.append(buf.data(), static_cast<std::size_t>(n));
    return true;
}

raw_response raw_client::read_response(ms timeout, bool head_request) {
    auto const deadline = clock::now() + timeout;
    raw_response out;
    std::size_t head_end = std::string::npos;
    while ((head_end = pending_.find("\r\n\r\n")) == std::string::npos) {
        if (!fill(deadline)) {
            return out;
        }
    }
    if (!parse_head(std::string_view(pending_).substr(0, head_end), out)) {
        return out;
    }
    std::size_t const body_start = head_end + 4;
    bool const no_body = head_request || out.status / 100 == 1 || out.status == 204 ||
                         out.status == 304;
    auto const length = out.header("Content-Length");
    if (no_body) {
        pending_.erase(0, body_start);
        out.complete = true;
        return out;
    }
    if (length) {
        std::size_t const want = static_cast<std::size_t>(std::stoull(*length));
        while (pending_.size() - body_start < want) {
            if (!fill(deadline)) {
                out.body = pending_.substr(body_start);
                return out;
            }
        }
        out.body = pending_.substr(body_start, want);
        pending_.erase(0, body_start + want);
        out.complete = true;
        return out;
    }
    // No Content-Length: the body is delimited by the end of the connection.
    while (fill(deadline)) {
    }
    out.body = pending_.substr(body_start);
    pending_.clear();
    out.complete = peer_closed_;
    return out;
}

raw_response raw_client::request(std::string_view bytes, ms timeout, bool head_request) {
    send(bytes);
    return read_response(timeout, head_request);
}

bool raw_client::wait_closed(ms timeout) {
    auto const deadline = clock::now() + timeout;
    while (!peer_closed_) {
        if (!fill(deadline) && !peer_closed_) {
            return false;
        }
        pending_.clear();
    }
    return true;
}

raw_response raw_client::upload_until_response(std::string_view head, std::string_view chunk,
                                               std::size_t max_bytes, ms timeout) {
    auto const deadline = clock::now() + timeout;
    send(head);
    std::size_t sent = 0;
    bool writable = true;
    while (clock::now() < deadline) {
        auto const want = static_cast<short>(writable && sent < max_bytes ? POLLIN | POLLOUT : POLLIN);
        short const got = wait_for(fd_, want, deadline);
        if ((got & (POLLIN | POLLHUP | POLLERR)) != 0) {
            return read_response(std::chrono::duration_cast<ms>(deadline - clock::now()));
        }
        if ((got & POLLOUT) != 0) {
            std::size_t const n = std::min(chunk.size(), max_bytes - sent);
            ssize_t const w = ::send(fd_, chunk.data(), n, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                writable = false;  // the server stopped reading; the response may still come
            } else if (w > 0) {
                sent += static_cast<std::size_t>(w);
            }
        }
    }
    return {};
}

bool raw_client::trickle_until_closed(std::string_view bytes, ms interval, ms max_duration) {
    auto const deadline = clock::now() + max_duration;
    for (char c : bytes) {
        if (clock::now() >= deadline) {
            return false;
        }
        if (!send(std::string_view(&c, 1))) {
            return true;
        }
        // The pause doubles as the wait for the server's close.
        auto const pause_end = std::min(deadline, clock::now() + interval);
        while (fill(pause_end)) {
        }
        if (peer_closed_) {
            return true;
        }
    }
    return wait_closed(std::chrono::duration_cast<ms>(deadline - clock::now()));
}

std::string make_request(std::string_view method, std::string_view target,
                         const std::vector<std::string>& extra_headers, std::string_view body) {
    std::string out;
    out.append(method).append(" ").append(target).append(" HTTP/1.1\r\nHost: wsuslab\r\n");
    for (auto const& h : extra_headers) {
        out.append(h).append("\r\n");
    }
    if (!body.empty() || method == "POST" || method == "PUT") {
        out.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
    }
    out.append("\r\n").append(body);
    return out;
}

}  // namespace wsuslab::test
