#pragma once
// http_session: reading a request (first byte, header with its bare-LF check, 100-continue,
// body) and classifying read errors. Included by session.hpp.

#include <string>
#include <string_view>

namespace wsuslab::server::detail {

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
    // Limits apply only when set on the parser object before any byte is parsed
    // (docs/limits-and-faults.md §5.1).
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

}  // namespace wsuslab::server::detail
