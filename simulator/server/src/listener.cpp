#include "listener.hpp"

#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/system/error_code.hpp>

#include "session.hpp"

namespace wsuslab::server::detail {
namespace net = boost::asio;
using tcp = boost::asio::ip::tcp;

namespace {

// Per-connection accept errors are normal; these mean the process or the system is out of a
// resource, and retrying at once would spin.
bool is_resource_exhaustion(const boost::system::error_code& ec) {
    namespace errc = boost::system::errc;
    return ec == errc::too_many_files_open || ec == errc::too_many_files_open_in_system ||
           ec == errc::no_buffer_space || ec == errc::not_enough_memory;
}

std::string endpoint_text(const tcp::endpoint& ep) {
    return format_endpoint(ep.address().to_string(), ep.address().is_v6(), ep.port());
}

// After this many accept errors in a row even an unclassified error backs off.
constexpr unsigned max_immediate_retries = 8;

}  // namespace

listener::listener(private_tag /*unused*/, net::io_context& ioc,
                   std::shared_ptr<server_state> state, net::ssl::context* tls)
    : ioc_(ioc),
      state_(std::move(state)),
      tls_(tls),
      acceptor_(net::make_strand(ioc)),
      backoff_(acceptor_.get_executor()) {}

listener::create_result listener::create(net::io_context& ioc, const tcp::endpoint& endpoint,
                                         std::shared_ptr<server_state> state,
                                         net::ssl::context* tls) {
    create_result out;
    auto l = std::make_shared<listener>(private_tag{}, ioc, std::move(state), tls);
    boost::system::error_code ec;
    auto fail = [&](const char* what) {
        out.error = std::string(what) + " " + endpoint_text(endpoint) + ": " + ec.message();
        return out;
    };
    l->acceptor_.open(endpoint.protocol(), ec);
    if (ec) {
        return fail("cannot open a socket for");
    }
    // Allows a restart while old connections sit in TIME_WAIT; a live listener still conflicts.
    l->acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (ec) {
        return fail("cannot set SO_REUSEADDR for");
    }
    l->acceptor_.bind(endpoint, ec);
    if (ec) {
        return fail("cannot listen on");
    }
    l->acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
        return fail("cannot listen on");
    }
    l->endpoint_ = l->acceptor_.local_endpoint(ec);
    if (ec) {
        return fail("cannot read the local address of");
    }
    out.value = std::move(l);
    return out;
}

void listener::run() {
    net::post(acceptor_.get_executor(),
              boost::beast::bind_front_handler(&listener::do_accept, shared_from_this()));
}

void listener::stop() {
    net::post(acceptor_.get_executor(),
              boost::beast::bind_front_handler(&listener::on_stop, shared_from_this()));
}

void listener::on_stop() {
    stopped_ = true;
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    backoff_.cancel();
}

void listener::do_accept() {
    if (stopped_) {
        return;
    }
    // Each connection gets its own strand.
    acceptor_.async_accept(
        net::make_strand(ioc_),
        boost::beast::bind_front_handler(&listener::on_accept, shared_from_this()));
}

void listener::on_accept(boost::system::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || stopped_ || !acceptor_.is_open()) {
        return;
    }
    if (ec) {
        ++consecutive_errors_;
        if (is_resource_exhaustion(ec) || consecutive_errors_ >= max_immediate_retries) {
            state_->log(transport_log_level::warning,
                        "accept: " + ec.message() + "; pausing accepts for " +
                            std::to_string(state_->config.accept_backoff.count()) + " ms");
            back_off();
        } else {
            state_->log(transport_log_level::warning, "accept: " + ec.message());
            do_accept();
        }
        return;
    }
    consecutive_errors_ = 0;
    state_->accepted_connections.fetch_add(1, std::memory_order_relaxed);
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    std::size_t const live = state_->live_sessions();
    std::size_t const cap = state_->config.max_connections;
    if (live >= 2 * cap) {
        // Even the 503 answers are capped: past twice the limit the socket is just closed.
        state_->capacity_rejects.fetch_add(1, std::memory_order_relaxed);
        socket.close(ignored);
    } else if (tls_ != nullptr) {
        http_session<boost::beast::ssl_stream<boost::beast::tcp_stream>>::launch(
            state_, live >= cap, std::move(socket), *tls_);
    } else {
        http_session<boost::beast::tcp_stream>::launch(state_, live >= cap, std::move(socket));
    }
    do_accept();
}

void listener::back_off() {
    backoff_.expires_after(state_->config.accept_backoff);
    backoff_.async_wait(boost::beast::bind_front_handler(&listener::on_backoff, shared_from_this()));
}

void listener::on_backoff(boost::system::error_code ec) {
    if (ec || stopped_) {
        return;
    }
    do_accept();
}

}  // namespace wsuslab::server::detail
