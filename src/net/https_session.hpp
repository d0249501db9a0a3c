#pragma once
// Internal: one kept-alive HTTPS connection to one host, (re)connected on demand. Requests
// on a session must not overlap (the REST client's lanes make sure of that).
#include <optional>
#include <vector>

#include "asio.hpp"
#include "rtcrypto/net/url.hpp"

namespace rtcrypto::net {

struct HttpResult {
  enum class Failure { None, Timeout, Network, Tls } failure = Failure::None;
  std::string error;  // text of the failure
  int status = 0;
  std::string body;
  bool sent = false;  // the request bytes were written (a reply may have been lost)
};

// Called with its context once the request is built, just before its bytes are written.
struct BeforeWrite {
  void (*fn)(void* context) = nullptr;
  void* context = nullptr;
};

class HttpsSession {
 public:
  HttpsSession(asio::any_io_executor ex, std::shared_ptr<ssl::context> tls, Url base);
  awaitable<HttpResult> request(http::verb verb, const std::string& target,
                                const std::vector<std::pair<std::string, std::string>>& headers,
                                TimeNs timeout, BeforeWrite before_write = {});
  void close();

 private:
  awaitable<HttpResult> connect(TimeNs deadline_ns);
  asio::any_io_executor ex_;
  std::shared_ptr<ssl::context> tls_;
  Url base_;
  std::optional<beast::ssl_stream<beast::tcp_stream>> stream_;
  beast::flat_buffer buffer_;
  TimeNs last_used_ = 0;
};

}  // namespace rtcrypto::net
