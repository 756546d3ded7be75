#pragma once
// http_session: life cycle, stop requests, deadlines and closing (included at the end of
// session.hpp with session_read.hpp and session_respond.hpp).

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
