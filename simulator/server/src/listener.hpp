#pragma once
// The accept loop, after the Boost 1.74 listener, with the two fixes of
// docs/limits-and-faults.md §5.3: it is built through a factory that returns the open/bind/listen error instead of a
// half-built object, and accept errors are classified instead of always re-armed.

#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "http_server_state.hpp"

namespace wsuslab::server::detail {

class listener : public std::enable_shared_from_this<listener> {
    struct private_tag {};

public:
    struct create_result {
        std::shared_ptr<listener> value;
        std::string error;  ///< "cannot listen on 127.0.0.1:8530: Address already in use"
    };

    /// Opens, binds and listens. `tls` (may be null) must outlive the listener and its sessions.
    static create_result create(boost::asio::io_context& ioc,
                                const boost::asio::ip::tcp::endpoint& endpoint,
                                std::shared_ptr<server_state> state,
                                boost::asio::ssl::context* tls);

    listener(private_tag /*unused*/, boost::asio::io_context& ioc,
             std::shared_ptr<server_state> state, boost::asio::ssl::context* tls);

    /// Starts accepting (on the listener's strand).
    void run();
    /// Thread-safe: closes the acceptor on its strand; the loop ends with operation_aborted.
    void stop();

    boost::asio::ip::tcp::endpoint local_endpoint() const { return endpoint_; }

private:
    void do_accept();
    void on_accept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket);
    void back_off();
    void on_backoff(boost::system::error_code ec);
    void on_stop();

    boost::asio::io_context& ioc_;
    std::shared_ptr<server_state> state_;
    boost::asio::ssl::context* tls_;
    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::steady_timer backoff_;
    boost::asio::ip::tcp::endpoint endpoint_;
    unsigned consecutive_errors_ = 0;
    bool stopped_ = false;
};

}  // namespace wsuslab::server::detail
