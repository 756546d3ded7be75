// The plain-TCP session: its own TU so the Beast instantiations compile once, in parallel with
// the TLS one.
#include "session.hpp"

namespace wsuslab::server::detail {

template class http_session<beast::tcp_stream>;

}  // namespace wsuslab::server::detail
