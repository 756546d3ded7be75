#pragma once
// One HTTP/1.1 connection, after the Boost 1.74 http_server_async / advanced_server examples:
// do_x/on_x pairs on the connection's strand, error_code on every path, nothing thrown across a
// handler. Templated on the stream so the same code serves plain TCP, TLS and, in the unit tests,
// beast::test::stream. The two production instantiations live in session_plain.cpp and
// session_tls.cpp; everyone else sees them as extern templates.
//
// Life of a request: wait for the first byte (idle timeout, or the header timeout for the first
// request) -> read the header through a request_parser with the limits set beforehand (header
// timeout) -> answer Expect: 100-continue -> read the body (body timeout) -> call the handler ->
// write (write timeout) -> loop, or close with a lingering close.

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/optional.hpp>

#include "http_server_state.hpp"
#include "session_support.hpp"

namespace wsuslab::server::detail {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;

template <class Stream>
struct is_tls_stream : std::false_type {};
template <class Next>
struct is_tls_stream<beast::ssl_stream<Next>> : std::true_type {};

/// True when the stream sits on a real TCP socket (timeouts, half-close, lingering drain).
template <class Stream>
inline constexpr bool has_socket_v = std::is_same_v<
    std::decay_t<decltype(beast::get_lowest_layer(std::declval<Stream&>()))>, beast::tcp_stream>;

template <class Stream>
class http_session final : public session_base,
                           public std::enable_shared_from_this<http_session<Stream>> {
    struct private_tag {};

public:
    static constexpr bool is_tls = is_tls_stream<Stream>::value;
    static constexpr bool has_socket = has_socket_v<Stream>;

    /// Creates, registers and starts a session. `reject_busy`: answer 503 and close (the
    /// connection cap is reached). `stream_args` construct the Stream (a socket; for TLS also
    /// the ssl::context, which must outlive the session).
    template <class... Args>
    static std::shared_ptr<http_session> launch(std::shared_ptr<server_state> state,
                                                bool reject_busy, Args&&... stream_args) {
        auto s = std::make_shared<http_session>(private_tag{}, std::move(state), reject_busy,
                                                std::forward<Args>(stream_args)...);
        s->id_ = s->state_->register_session(s);
        s->run();
        return s;
    }

    template <class... Args>
    http_session(private_tag /*unused*/, std::shared_ptr<server_state> state, bool reject_busy,
                 Args&&... stream_args)
        : stream_(std::forward<Args>(stream_args)...),
          state_(std::move(state)),
          reject_busy_(reject_busy) {}

    ~http_session() override;
    http_session(const http_session&) = delete;
    http_session& operator=(const http_session&) = delete;
    http_session(http_session&&) = delete;
    http_session& operator=(http_session&&) = delete;

    void request_stop() override;
    void force_close() override;

private:
    enum class phase { starting, handshake, idle, header, body, responding, closing, closed };
    using clock = std::chrono::steady_clock;

    void run();
    void on_run();
    void on_handshake(beast::error_code ec);
    void start_request();
    void do_wait_first_byte();
    void on_first_bytes(beast::error_code ec, std::size_t n);
    void do_read_header();
    void parse_header_bytes();
    void on_header_bytes(beast::error_code ec, std::size_t n);
    void on_header();
    void on_continue_written(beast::error_code ec, std::size_t n);
    void do_read_body();
    void on_body(beast::error_code ec, std::size_t n);
    void on_read_error(beast::error_code ec);
    void handle_request();
    void send(http_response&& response, unsigned version, bool keep_alive, bool head_only);
    void on_write(beast::error_code ec, std::size_t n);
    void begin_close();
    void on_tls_shutdown(beast::error_code ec);
    void do_shutdown_send_and_drain();
    void do_drain();
    void on_drain(beast::error_code ec, std::size_t n);
    void close_now();
    void on_stop_requested();

    bool stopping() const {
        return stop_requested_ || state_->stopping.load(std::memory_order_relaxed);
    }
    void expires_at(clock::time_point deadline);
    void expires_never();
    std::string remote_address();

    Stream stream_;
    std::shared_ptr<server_state> state_;
    beast::flat_buffer buffer_;
    boost::optional<http::request_parser<http::string_body>> parser_;
    boost::optional<http::response<http::string_body>> res_;
    boost::optional<http::response_serializer<http::string_body>> serializer_;
    http::response<http::empty_body> continue_{http::status::continue_, 11};
    std::array<char, 4096> drain_{};
    std::uint64_t drained_ = 0;
    clock::time_point first_deadline_{};
    clock::time_point linger_deadline_{};
    std::string remote_;
    std::uint64_t id_ = 0;
    phase phase_ = phase::starting;
    bool reject_busy_ = false;
    bool first_request_ = true;
    bool stop_requested_ = false;
    bool keep_alive_ = false;
};

extern template class http_session<beast::tcp_stream>;
extern template class http_session<beast::ssl_stream<beast::tcp_stream>>;

}  // namespace wsuslab::server::detail

#include "session_impl.hpp"
#include "session_read.hpp"
#include "session_respond.hpp"
