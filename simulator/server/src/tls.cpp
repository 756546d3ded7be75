#include "tls.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio/ssl/error.hpp>

namespace wsuslab::server::detail {
namespace ssl = boost::asio::ssl;

namespace {

// Reading the file first gives "No such file or directory" instead of an OpenSSL code.
std::string unreadable(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return std::strerror(errno);
    }
    return {};
}

}  // namespace

tls_context_result make_tls_context(const std::string& cert_file, const std::string& key_file) {
    tls_context_result out;
    if (auto why = unreadable(cert_file); !why.empty()) {
        out.error = "cannot read TLS certificate file '" + cert_file + "': " + why;
        return out;
    }
    if (auto why = unreadable(key_file); !why.empty()) {
        out.error = "cannot read TLS key file '" + key_file + "': " + why;
        return out;
    }
    auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
    boost::system::error_code ec;
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                         ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                         ssl::context::no_tlsv1_1 | ssl::context::single_dh_use,
                     ec);
    if (ec) {
        out.error = "cannot configure TLS: " + ec.message();
        return out;
    }
    ctx->use_certificate_chain_file(cert_file, ec);
    if (ec) {
        out.error = "cannot load TLS certificate '" + cert_file + "' (PEM expected): " + ec.message();
        return out;
    }
    ctx->use_private_key_file(key_file, ssl::context::pem, ec);
    // OpenSSL checks the key against the loaded certificate here already.
    if (ec && ec.category() == boost::asio::error::get_ssl_category() &&
        ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == X509_R_KEY_VALUES_MISMATCH) {
        out.error = "TLS private key '" + key_file + "' does not match certificate '" + cert_file + "'";
        return out;
    }
    if (ec) {
        out.error = "cannot load TLS private key '" + key_file + "' (PEM expected): " + ec.message();
        return out;
    }
    if (SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
        ERR_clear_error();
        out.error = "TLS private key '" + key_file + "' does not match certificate '" + cert_file + "'";
        return out;
    }
    out.context = std::move(ctx);
    return out;
}

}  // namespace wsuslab::server::detail
