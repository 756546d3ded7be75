// The TLS session (boost::asio::ssl over beast::tcp_stream): its own TU so the Beast and Asio SSL
// instantiations compile once.
#include "session.hpp"

namespace wsuslab::server::detail {

template class http_session<beast::ssl_stream<beast::tcp_stream>>;

}  // namespace wsuslab::server::detail
