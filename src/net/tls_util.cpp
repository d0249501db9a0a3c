#include <openssl/x509v3.h>

#include "asio.hpp"
#include "rtcrypto/net/url.hpp"

namespace rtcrypto::net {

std::shared_ptr<ssl::context> make_client_tls_context(const std::string& ca_file) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  boost::system::error_code ec;
  ctx->set_default_verify_paths(ec);  // the system store; absence is not fatal with a CA file
  if (!ca_file.empty()) {
    ctx->load_verify_file(ca_file, ec);
    if (ec) throw std::runtime_error("cannot load CA file " + ca_file + ": " + ec.message());
  }
  ctx->set_verify_mode(ssl::verify_peer);
  return ctx;
}

bool set_peer_identity(SSL* ssl, const std::string& host, std::string& why) {
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  if (is_ip_literal(host)) {
    if (X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) != 1) {
      why = "cannot set the IP to verify";
      return false;
    }
    return true;
  }
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  if (X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size()) != 1) {
    why = "cannot set the host name to verify";
    return false;
  }
  if (SSL_set_tlsext_host_name(ssl, host.c_str()) != 1) {
    why = "cannot set SNI";
    return false;
  }
  return true;
}

awaitable<bool> sleep_for(TimeNs ns) {
  asio::steady_timer t(co_await asio::this_coro::executor, to_duration(std::max<TimeNs>(0, ns)));
  boost::system::error_code ec;
  co_await t.async_wait(asio::redirect_error(use_awaitable, ec));
  co_return !ec;
}

}  // namespace rtcrypto::net
