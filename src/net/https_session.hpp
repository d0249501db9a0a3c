#pragma once
// Internal: one kept-alive HTTPS connection to one host, (re)connected on demand. Requests
// on a session must not overlap (the REST client's lanes make sure of that).
#include <optional>
#include <span>
#include <string_view>

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

// One request header; the views must outlive the request() call.
struct HttpHeader {
  std::string_view name;
  std::string_view value;
};

class HttpsSession {
 public:
  HttpsSession(asio::any_io_executor ex, std::shared_ptr<ssl::context> tls, Url base);
  // The request head is written as one contiguous buffer (reused between requests): no
  // per-request field container, no serializer.
  awaitable<HttpResult> request(http::verb verb, std::string_view target,
                                std::span<const HttpHeader> headers, TimeNs timeout,
                                BeforeWrite before_write = {});

  // The same request in three steps, for a caller that builds and writes it without a
  // coroutine hop (an order decided in a frame handler): connected() says whether a request
  // can go out without connecting; build() makes its bytes (false with `error` set when a
  // header holds a line break); start_write() initiates the write (Asio tries the socket at
  // once) and hands its error code to `done`; after_write(ec) then reads the response.
  bool connected() const;
  bool build(http::verb verb, std::string_view target, std::span<const HttpHeader> headers,
             std::string& error);
  template <class Done>
  void start_write(TimeNs timeout, Done done) {
    beast::get_lowest_layer(*stream_).expires_after(to_duration(timeout));
    asio::async_write(*stream_, asio::buffer(wire_),
                      [done = std::move(done)](const boost::system::error_code& ec,
                                               std::size_t) mutable { done(ec); });
  }
  awaitable<HttpResult> after_write(boost::system::error_code ec);
  void close();

 private:
  awaitable<HttpResult> connect(TimeNs deadline_ns);
  asio::any_io_executor ex_;
  std::shared_ptr<ssl::context> tls_;
  Url base_;
  std::string host_header_;  // base_.host_header(), built once
  std::optional<beast::ssl_stream<beast::tcp_stream>> stream_;
  beast::flat_buffer buffer_;
  std::string wire_;  // the request bytes of the current request
  TimeNs last_used_ = 0;
};

}  // namespace rtcrypto::net
