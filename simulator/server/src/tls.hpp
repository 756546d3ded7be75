#pragma once
// Loading the server's TLS certificate and key (boost::asio::ssl over OpenSSL 3).

#include <memory>
#include <string>

#include <boost/asio/ssl/context.hpp>

namespace wsuslab::server::detail {

/// `context` on success; otherwise `error` names the file and the problem.
struct tls_context_result {
    std::unique_ptr<boost::asio::ssl::context> context;
    std::string error;
};

/// A TLS 1.2+ server context from a PEM certificate chain and a PEM private key. Checks that both
/// files can be read, parse, and belong together.
tls_context_result make_tls_context(const std::string& cert_file, const std::string& key_file);

}  // namespace wsuslab::server::detail
