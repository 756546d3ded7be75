#pragma once
// Member definitions of http_session (included at the end of session.hpp).

#include <exception>
#include <string_view>
#include <utility>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/stream_base.hpp>

namespace wsuslab::server::detail {

template <class Stream>
http_session<Stream>::~http_session() {
    state_->unregister_session(id_);
}

template <class Stream>
void http_session<Stream>::run() {
    // Every member touches the stream, so everything runs on the connection's strand.
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&http_session::on_run, this->shared_from_this()));
}

template <class Stream>
void http_session<Stream>::request_stop() {
    net::post(stream_.get_executor(), beast::bind_front_handler(&http_session::on_stop_requested,
                                                                this->shared_from_this()));
}

template <class Stream>
void http_session<Stream>::force_close() {
    net::post(stream_.get_executor(),
              beast::bind_front_handler(&http_session::close_now, this->shared_from_this()));
}

template <class Stream>
void http_session<Stream>::on_stop_requested() {
    stop_requested_ = true;
    // Nothing is in flight while waiting for a request or a handshake: close at once. Otherwise
    // the current request is finished and answered with Connection: close.
    if (phase_ == phase::idle || phase_ == phase::handshake) {
        close_now();
    }
}

template <class Stream>
void http_session<Stream>::expires_at(clock::time_point deadline) {
    if constexpr (has_socket) {
        beast::get_lowest_layer(stream_).expires_at(deadline);
    }
}

template <class Stream>
void http_session<Stream>::expires_never() {
    if constexpr (has_socket) {
        beast::get_lowest_layer(stream_).expires_never();
    }
}

template <class Stream>
std::string http_session<Stream>::remote_address() {
    if constexpr (has_socket) {
        beast::error_code ec;
        auto const ep = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
        if (ec) {
            return "unknown";
        }
        return format_endpoint(ep.address().to_string(), ep.address().is_v6(), ep.port());
    } else {
        return "test";
    }
}

template <class Stream>
void http_session<Stream>::on_run() {
    remote_ = remote_address();
    // The first request's header must be complete within header_timeout of the accept,
    // including the TLS handshake and the wait for its first byte.
    first_deadline_ = clock::now() + state_->config.header_timeout;
    if constexpr (is_tls) {
        phase_ = phase::handshake;
        if (stopping()) {
            close_now();
            return;
        }
        expires_at(first_deadline_);
        stream_.async_handshake(
            net::ssl::stream_base::server,
            beast::bind_front_handler(&http_session::on_handshake, this->shared_from_this()));
    } else {
        start_request();
    }
}

template <class Stream>
void http_session<Stream>::on_handshake(beast::error_code ec) {
    if (phase_ == phase::closed) {
        return;  // force-closed while the operation was completing
    }
    if (ec) {
        if (ec == beast::error::timeout) {
            state_->timeouts.fetch_add(1, std::memory_order_relaxed);
        }
        state_->log(transport_log_level::debug, "TLS handshake with " + remote_ + " failed: " + ec.message());
        close_now();
        return;
    }
    start_request();
}

template <class Stream>
void http_session<Stream>::start_request() {
    if (reject_busy_) {
        state_->capacity_rejects.fetch_add(1, std::memory_order_relaxed);
        send(make_busy_response(state_->config.max_connections), 11, false, false);
        return;
    }
    if (stopping()) {
        close_now();
        return;
    }
    // Bytes of a pipelined request may already be buffered: no need to wait for them.
    if (buffer_.size() > 0) {
        do_read_header();
    } else {
        do_wait_first_byte();
    }
}

template <class Stream>
void http_session<Stream>::do_wait_first_byte() {
    phase_ = phase::idle;
    expires_at(first_request_ ? first_deadline_ : clock::now() + state_->config.idle_timeout);
    // A raw read separates the idle keep-alive wait from the header read, which has its own timer.
    stream_.async_read_some(
        buffer_.prepare(1024),
        beast::bind_front_handler(&http_session::on_first_bytes, this->shared_from_this()));
}

template <class Stream>
void http_session<Stream>::on_first_bytes(beast::error_code ec, std::size_t n) {
    if (phase_ == phase::closed) {
        return;  // force-closed while the operation was completing
    }
    if (ec) {
        if (ec == beast::error::timeout) {
            state_->timeouts.fetch_add(1, std::memory_order_relaxed);
            state_->log(transport_log_level::debug, "idle timeout: closing " + remote_);
        }
        close_now();
        return;
    }
    buffer_.commit(n);
    do_read_header();
}

template <class Stream>
void http_session<Stream>::do_read_header() {
    phase_ = phase::header;
    // Limits apply only when set on the parser object before any byte is parsed (§6.1).
    parser_.emplace();
    parser_->header_limit(state_->config.header_limit);
    parser_->body_limit(state_->config.body_limit);
    expires_at(first_request_ ? first_deadline_ : clock::now() + state_->config.header_timeout);
    parse_header_bytes();
}

template <class Stream>
void http_session<Stream>::parse_header_bytes() {
    // The header is read here rather than with http::async_read_header so that the buffered
    // bytes can be checked between reads: Beast waits for CRLFCRLF, so a bare-LF header that
    // arrives in pieces would otherwise only end at the header timeout.
    for (;;) {
        beast::error_code ec;
        std::size_t const used = parser_->put(buffer_.data(), ec);
        buffer_.consume(used);
        if (ec == http::error::need_more) {
            break;
        }
        if (ec) {
            on_read_error(ec);
            return;
        }
        if (parser_->is_header_done()) {
            on_header();
            return;
        }
        if (used == 0) {
            break;
        }
    }
    auto const data = buffer_.data();
    if (has_bare_lf(std::string_view(static_cast<const char*>(data.data()), data.size()))) {
        on_read_error(http::error::bad_line_ending);
        return;
    }
    stream_.async_read_some(
        buffer_.prepare(4096),
        beast::bind_front_handler(&http_session::on_header_bytes, this->shared_from_this()));
}

template <class Stream>
void http_session<Stream>::on_header_bytes(beast::error_code ec, std::size_t n) {
    if (phase_ == phase::closed) {
        return;  // force-closed while the operation was completing
    }
    if (ec == net::error::eof) {
        // As http::read_some does: EOF inside a message is a partial message.
        if (parser_->got_some()) {
            parser_->put_eof(ec);
        } else {
            ec = http::error::end_of_stream;
        }
    }
    if (ec) {
        on_read_error(ec);
        return;
    }
    buffer_.commit(n);
    parse_header_bytes();
}

template <class Stream>
void http_session<Stream>::on_header() {
    first_request_ = false;
    auto const& req = parser_->get();
    auto const expect = req[http::field::expect];
    // .NET clients wait for 100 Continue before uploading; an oversized Content-Length was
    // already rejected by the parser (body_limit), so only acceptable uploads are invited.
    if (!parser_->is_done() && req.version() >= 11 && beast::iequals(expect, "100-continue")) {
        phase_ = phase::body;
        expires_at(clock::now() + state_->config.write_timeout);
        http::async_write(stream_, continue_,
                          beast::bind_front_handler(&http_session::on_continue_written,
                                                    this->shared_from_this()));
        return;
    }
    do_read_body();
}

template <class Stream>
void http_session<Stream>::on_continue_written(beast::error_code ec, std::size_t /*n*/) {
    if (phase_ == phase::closed) {
        return;  // force-closed while the operation was completing
    }
    if (ec) {
        if (ec == beast::error::timeout) {
            state_->timeouts.fetch_add(1, std::memory_order_relaxed);
        }
        close_now();
        return;
    }
    do_read_body();
}

template <class Stream>
void http_session<Stream>::do_read_body() {
    if (parser_->is_done()) {
        handle_request();
        return;
    }
    phase_ = phase::body;
    expires_at(clock::now() + state_->config.body_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&http_session::on_body, this->shared_from_this()));
}

template <class Stream>
void http_session<Stream>::on_body(beast::error_code ec, std::size_t /*n*/) {
    if (phase_ == phase::closed) {
        return;  // force-closed while the operation was completing
    }
    if (ec) {
        on_read_error(ec);
        return;
    }
    handle_request();
}

template <class Stream>
void http_session<Stream>::on_read_error(beast::error_code ec) {
    auto const data = buffer_.data();
    std::string_view const buffered(static_cast<const char*>(data.data()), data.size());
    read_failure failure = classify_read_error(ec, state_->config, buffered);
    switch (failure.what) {
        case read_failure::kind::quiet:
            close_now();
            return;
        case read_failure::kind::timeout:
            // The stream closed the socket when the timer fired: a 408 cannot be sent.
            state_->timeouts.fetch_add(1, std::memory_order_relaxed);
            state_->log(transport_log_level::debug, "read timeout: closing " + remote_);
            close_now();
            return;
        case read_failure::kind::reject:
            break;
    }
    state_->framing_rejects.fetch_add(1, std::memory_order_relaxed);
    state_->log(transport_log_level::debug, "rejecting request from " + remote_ + " with " +
                                      std::to_string(failure.status) + ": " + ec.message());
    // The parser's state is unknown after a framing error: answer, then close.
    send(make_plain_response(failure.status, std::move(failure.body)), 11, false, false);
}

template <class Stream>
void http_session<Stream>::handle_request() {
    phase_ = phase::responding;
    expires_never();
    state_->requests.fetch_add(1, std::memory_order_relaxed);
    http::request<http::string_body> req = parser_->release();
    parser_.reset();
    unsigned const version = req.version();
    bool const client_keep_alive = req.keep_alive();
    bool const head = req.method() == http::verb::head;
    http_request request = to_http_request(std::move(req), remote_, is_tls);
    http_response response;
    // The handler is someone else's code: nothing it throws may cross this async handler.
    try {
        response = state_->handler(request);
    } catch (const std::exception& e) {
        state_->handler_errors.fetch_add(1, std::memory_order_relaxed);
        state_->log(transport_log_level::error, std::string("request handler failed: ") + e.what());
        response = make_handler_error_response();
    } catch (...) {
        state_->handler_errors.fetch_add(1, std::memory_order_relaxed);
        state_->log(transport_log_level::error, "request handler failed with a non-standard exception");
        response = make_handler_error_response();
    }
    bool const keep_alive = client_keep_alive && !wants_close(response) && !stopping();
    bool const head_only = head || response.head_only;
    send(std::move(response), version, keep_alive, head_only);
}

template <class Stream>
void http_session<Stream>::send(http_response&& response, unsigned version, bool keep_alive,
                                bool head_only) {
    phase_ = phase::responding;
    keep_alive_ = keep_alive;
    res_.emplace();
    fill_beast_response(*res_, std::move(response), version, keep_alive);
    serializer_.emplace(*res_);
    expires_at(clock::now() + state_->config.write_timeout);
    auto handler = beast::bind_front_handler(&http_session::on_write, this->shared_from_this());
    if (head_only) {
        // Content-Length stays that of the body, which is not sent (RFC 9110 §9.3.2).
        http::async_write_header(stream_, *serializer_, std::move(handler));
    } else {
        http::async_write(stream_, *serializer_, std::move(handler));
    }
}

template <class Stream>
void http_session<Stream>::on_write(beast::error_code ec, std::size_t /*n*/) {
    serializer_.reset();
    res_.reset();
    if (ec) {
        if (ec == beast::error::timeout) {
            state_->timeouts.fetch_add(1, std::memory_order_relaxed);
            state_->log(transport_log_level::debug, "write timeout: closing " + remote_);
        }
        close_now();
        return;
    }
    if (!keep_alive_ || stopping()) {
        begin_close();
        return;
    }
    start_request();
}

template <class Stream>
void http_session<Stream>::begin_close() {
    phase_ = phase::closing;
    linger_deadline_ = clock::now() + state_->config.linger_timeout;
    if constexpr (is_tls) {
        // close_notify first, bounded by the linger deadline; a client still uploading makes it
        // fail, which is fine: the TCP half-close and drain below still run.
        expires_at(linger_deadline_);
        stream_.async_shutdown(
            beast::bind_front_handler(&http_session::on_tls_shutdown, this->shared_from_this()));
    } else {
        do_shutdown_send_and_drain();
    }
}

template <class Stream>
void http_session<Stream>::on_tls_shutdown(beast::error_code /*ec*/) {
    do_shutdown_send_and_drain();
}

template <class Stream>
void http_session<Stream>::do_shutdown_send_and_drain() {
    if constexpr (has_socket) {
        auto& tcp = beast::get_lowest_layer(stream_);
        beast::error_code ec;
        // Closing with unread input makes the kernel send RST, and the client may lose the
        // response: half-close, discard what still comes for a bounded time, then close.
        tcp.socket().shutdown(net::socket_base::shutdown_send, ec);
        if (ec || !tcp.socket().is_open()) {
            close_now();
            return;
        }
        tcp.expires_at(linger_deadline_);
        do_drain();
    } else {
        close_now();
    }
}

template <class Stream>
void http_session<Stream>::do_drain() {
    if constexpr (has_socket) {
        beast::get_lowest_layer(stream_).async_read_some(
            net::buffer(drain_),
            beast::bind_front_handler(&http_session::on_drain, this->shared_from_this()));
    }
}

template <class Stream>
void http_session<Stream>::on_drain(beast::error_code ec, std::size_t n) {
    drained_ += n;
    if (ec || drained_ > state_->config.linger_max_bytes) {
        close_now();
        return;
    }
    do_drain();
}

template <class Stream>
void http_session<Stream>::close_now() {
    if (phase_ == phase::closed) {
        return;
    }
    phase_ = phase::closed;
    if constexpr (has_socket) {
        beast::get_lowest_layer(stream_).close();
    } else {
        stream_.close();
    }
}

}  // namespace wsuslab::server::detail
