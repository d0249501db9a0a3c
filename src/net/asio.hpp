#pragma once
// Internal: the Asio/Beast includes and TLS helpers shared by the net part's sources.
#include <utility>  // Boost 1.74's awaitable.hpp uses std::exchange without including it

// GCC 12 misreads Asio's coroutine frame allocator as a new/delete mismatch.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "rtcrypto/core/time.hpp"

namespace rtcrypto::net {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = boost::asio::ip::tcp;
using boost::asio::awaitable;
using boost::asio::use_awaitable;

inline std::chrono::nanoseconds to_duration(TimeNs ns) {
  return std::chrono::nanoseconds(ns);
}

// A TLS client context that verifies peers against the system store, plus `ca_file` when
// given (the simulator's CA). Throws std::runtime_error when the CA file cannot be loaded.
std::shared_ptr<ssl::context> make_client_tls_context(const std::string& ca_file);

// Sets SNI (host names only) and the name or IP the certificate must match. Returns false
// with `why` set when OpenSSL refuses the settings.
bool set_peer_identity(SSL* ssl, const std::string& host, std::string& why);

// Sleeps on a steady timer; returns false when the wait was cancelled.
awaitable<bool> sleep_for(TimeNs ns);

}  // namespace rtcrypto::net
