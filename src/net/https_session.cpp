#include "https_session.hpp"

#include <cstring>

namespace rtcrypto::net {
namespace {
// Servers close idle keep-alive connections; do not risk an order on one that is stale.
constexpr TimeNs kMaxIdle = 15 * kNsPerSec;

HttpResult::Failure failure_of(const boost::system::error_code& ec) {
  if (ec == beast::error::timeout) return HttpResult::Failure::Timeout;
  if (ec.category() == asio::error::get_ssl_category() || ec == asio::ssl::error::stream_truncated)
    return HttpResult::Failure::Tls;
  return HttpResult::Failure::Network;
}

// Header values go into the request head verbatim: a line break would end or split it.
// memchr, not find_first_of: that one tests each byte against the set in a call of its own
// (microseconds over a signed order's ~600 bytes of payload and signature).
std::string line_break_in(std::span<const HttpHeader> headers) {
  for (const auto& h : headers) {
    const char* p = h.value.data();
    const std::size_t n = h.value.size();
    if (std::memchr(p, '\r', n) || std::memchr(p, '\n', n))
      return "header " + std::string(h.name) + " holds a line break; not sent";
  }
  return {};
}
}  // namespace

HttpsSession::HttpsSession(asio::any_io_executor ex, std::shared_ptr<ssl::context> tls, Url base)
    : ex_(std::move(ex)),
      tls_(std::move(tls)),
      base_(std::move(base)),
      host_header_(base_.host_header()) {
  wire_.reserve(1024);
}

void HttpsSession::close() {
  if (stream_) {
    boost::system::error_code ec;
    beast::get_lowest_layer(*stream_).socket().shutdown(tcp::socket::shutdown_both, ec);
    beast::get_lowest_layer(*stream_).close();
    stream_.reset();
  }
  buffer_.clear();
}

awaitable<HttpResult> HttpsSession::connect(TimeNs timeout) {
  HttpResult r;
  close();
  stream_.emplace(ex_, *tls_);
  boost::system::error_code ec;
  tcp::resolver resolver(ex_);
  auto endpoints = co_await resolver.async_resolve(base_.host, base_.port,
                                                   asio::redirect_error(use_awaitable, ec));
  if (ec) {
    r.failure = HttpResult::Failure::Network;
    r.error = "resolve " + base_.host + ": " + ec.message();
    co_return r;
  }
  auto& tcp_layer = beast::get_lowest_layer(*stream_);
  tcp_layer.expires_after(to_duration(timeout));
  co_await tcp_layer.async_connect(endpoints, asio::redirect_error(use_awaitable, ec));
  if (ec) {
    r.failure = failure_of(ec);
    r.error = "connect " + base_.host + ":" + base_.port + ": " + ec.message();
    co_return r;
  }
  tcp_layer.socket().set_option(tcp::no_delay(true), ec);
  std::string why;
  if (!set_peer_identity(stream_->native_handle(), base_.host, why)) {
    r.failure = HttpResult::Failure::Tls;
    r.error = why;
    co_return r;
  }
  co_await stream_->async_handshake(ssl::stream_base::client,
                                    asio::redirect_error(use_awaitable, ec));
  if (ec) {
    r.failure =
        ec == beast::error::timeout ? HttpResult::Failure::Timeout : HttpResult::Failure::Tls;
    r.error = "TLS handshake with " + base_.host + ": " + ec.message();
    long verify = SSL_get_verify_result(stream_->native_handle());
    if (verify != X509_V_OK)
      r.error += std::string(" (") + X509_verify_cert_error_string(verify) + ")";
  }
  co_return r;
}

bool HttpsSession::connected() const {
  return stream_ && wall_now_ns() - last_used_ <= kMaxIdle;
}

bool HttpsSession::build(http::verb verb, std::string_view target,
                         std::span<const HttpHeader> headers, std::string& error) {
  error = line_break_in(headers);
  if (!error.empty()) return false;
  wire_.clear();
  const auto verb_text = http::to_string(verb);
  wire_.append(verb_text.data(), verb_text.size());
  wire_ += ' ';
  wire_ += target;
  wire_ += " HTTP/1.1\r\nHost: ";
  wire_ += host_header_;
  wire_ += "\r\nUser-Agent: rtcrypto\r\n";
  for (const auto& h : headers) {
    wire_ += h.name;
    wire_ += ": ";
    wire_ += h.value;
    wire_ += "\r\n";
  }
  if (verb == http::verb::post) wire_ += "Content-Length: 0\r\n";
  wire_ += "\r\n";
  return true;
}

awaitable<HttpResult> HttpsSession::request(http::verb verb, std::string_view target,
                                            std::span<const HttpHeader> headers, TimeNs timeout,
                                            BeforeWrite before_write) {
  HttpResult r;
  r.error = line_break_in(headers);
  if (!r.error.empty()) {  // checked before connecting: such a request is never sent
    r.failure = HttpResult::Failure::Network;
    co_return r;
  }
  if (!connected()) {
    HttpResult c = co_await connect(timeout);
    if (c.failure != HttpResult::Failure::None) {
      close();
      co_return c;
    }
  }
  build(verb, target, headers, r.error);
  beast::get_lowest_layer(*stream_).expires_after(to_duration(timeout));
  if (before_write.fn) before_write.fn(before_write.context);
  boost::system::error_code ec;
  co_await asio::async_write(*stream_, asio::buffer(wire_),
                             asio::redirect_error(use_awaitable, ec));
  auto reading = after_write(ec);
  HttpResult got = co_await std::move(reading);
  co_return got;
}

awaitable<HttpResult> HttpsSession::after_write(boost::system::error_code ec) {
  HttpResult r;
  if (ec) {
    r.failure = failure_of(ec);
    r.error = "write: " + ec.message();
    close();
    co_return r;
  }
  r.sent = true;
  if (!stream_) {  // closed (stop()) between a write begun outside a coroutine and this read
    r.failure = HttpResult::Failure::Network;
    r.error = "read: connection closed";
    co_return r;
  }
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  co_await http::async_read(*stream_, buffer_, parser, asio::redirect_error(use_awaitable, ec));
  if (ec) {
    r.failure = failure_of(ec);
    r.error = "read: " + ec.message();
    close();
    co_return r;
  }
  auto res = parser.release();
  r.status = static_cast<int>(res.result_int());
  r.body = std::move(res.body());
  last_used_ = wall_now_ns();
  if (!res.keep_alive()) close();
  co_return r;
}

}  // namespace rtcrypto::net
