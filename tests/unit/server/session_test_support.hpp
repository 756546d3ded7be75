#pragma once
// Drives one http_session over beast::test::stream (no sockets): the client's bytes are put in the
// server side's input, followed by end of stream (a client half-close); the session runs until it
// closes; the test reads what the client received.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <boost/beast/_experimental/test/stream.hpp>

#include <wsuslab/server/server.hpp>

#include "../../../simulator/server/src/session.hpp"

namespace wsuslab::server::detail::testing {

struct session_run {
    std::string output;          ///< every byte the session wrote
    server_stats stats;          ///< counters after the run
    bool ran_to_completion = false;
};

/// A config whose limits are small enough to hit from a test.
inline server_config small_limits() {
    server_config c;
    c.header_limit = 1024;
    c.body_limit = 64;
    return c;
}

/// Runs a session on `input` delivered `read_size` bytes per read. `fc` (optional) injects a
/// failure at its n-th operation.
inline session_run run_session(std::string_view input, std::size_t read_size,
                               std::shared_ptr<server_state> state,
                               boost::beast::test::fail_count* fc = nullptr) {
    boost::asio::io_context ioc;
    boost::beast::test::stream client{ioc};
    auto server_side = fc != nullptr ? boost::beast::test::stream{ioc, *fc}
                                     : boost::beast::test::stream{ioc};
    server_side.connect(client);
    server_side.append(boost::beast::string_view(input.data(), input.size()));
    server_side.read_size(read_size);
    // The client has sent everything: the session sees end of stream after the last byte.
    server_side.close_remote();
    http_session<boost::beast::test::stream>::launch(state, false, std::move(server_side));
    session_run out;
    // Bounded so that a session that never finishes fails the test instead of hanging it.
    ioc.run_for(std::chrono::seconds(10));
    out.ran_to_completion = ioc.stopped();
    out.output = std::string(client.str());
    out.stats = state->stats();
    return out;
}

inline session_run run_session(std::string_view input, std::size_t read_size,
                               const server_config& config, request_handler handler,
                               boost::beast::test::fail_count* fc = nullptr) {
    return run_session(input, read_size,
                       std::make_shared<server_state>(config, std::move(handler)), fc);
}

}  // namespace wsuslab::server::detail::testing
