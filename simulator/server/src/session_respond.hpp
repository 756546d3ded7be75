#pragma once
// http_session: calling the handler and writing its response. Included by session.hpp.

#include <exception>
#include <string>
#include <utility>

namespace wsuslab::server::detail {

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

}  // namespace wsuslab::server::detail
