#include "rtcrypto/es/http_client.hpp"

#include <openssl/ssl.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <charconv>
#include <optional>

namespace rtcrypto::es {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

Url parse_url(std::string_view text) {
  Url u;
  auto sep = text.find("://");
  if (sep == std::string_view::npos) throw std::invalid_argument("URL needs http:// or https://");
  u.scheme = std::string(text.substr(0, sep));
  for (auto& c : u.scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (u.scheme != "http" && u.scheme != "https")
    throw std::invalid_argument("URL scheme must be http or https");
  std::string_view rest = text.substr(sep + 3);
  auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) u.path = std::string(rest.substr(slash));
  while (!u.path.empty() && u.path.back() == '/') u.path.pop_back();
  if (authority.find('@') != std::string_view::npos)
    throw std::invalid_argument("put credentials in the auth options, not in the URL");
  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {  // [::1]:9200
    auto close = authority.find(']');
    if (close == std::string_view::npos) throw std::invalid_argument("URL has a bad IPv6 host");
    host = authority.substr(1, close - 1);
    if (close + 1 < authority.size() && authority[close + 1] == ':')
      port = authority.substr(close + 2);
  } else if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) throw std::invalid_argument("URL has no host");
  u.host = std::string(host);
  if (port.empty()) {
    u.port = u.tls() ? 443 : 80;
  } else {
    unsigned p = 0;
    auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
    if (ec != std::errc() || ptr != port.data() + port.size() || p == 0 || p > 65535)
      throw std::invalid_argument("URL has a bad port");
    u.port = static_cast<std::uint16_t>(p);
  }
  return u;
}

std::string base64_encode(std::string_view in) {
  static const char* tbl = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) |
                 (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    out += tbl[(v >> 18) & 63];
    out += tbl[(v >> 12) & 63];
    out += tbl[(v >> 6) & 63];
    out += tbl[v & 63];
  }
  if (i + 1 == in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    out += tbl[(v >> 18) & 63];
    out += tbl[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    unsigned v =
        (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
    out += tbl[(v >> 18) & 63];
    out += tbl[(v >> 12) & 63];
    out += tbl[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

std::string basic_authorization(std::string_view user, std::string_view password) {
  std::string creds(user);
  creds += ':';
  creds += password;
  return "Basic " + base64_encode(creds);
}

std::string api_key_authorization(std::string_view encoded_key) {
  return "ApiKey " + std::string(encoded_key);
}

struct HttpClient::Impl {
  Url base;
  HttpClientOptions opt;
  net::io_context ioc;
  ssl::context ctx{ssl::context::tls_client};
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;
  bool connected = false;

  Impl(Url b, HttpClientOptions o) : base(std::move(b)), opt(std::move(o)) {
    if (base.tls()) {
      ctx.set_default_verify_paths();
      if (!opt.ca_file.empty()) ctx.load_verify_file(opt.ca_file);
      ctx.set_verify_mode(opt.verify_tls ? ssl::verify_peer : ssl::verify_none);
    }
  }

  beast::tcp_stream& lowest() { return secure ? beast::get_lowest_layer(*secure) : *plain; }

  void drop() {
    beast::error_code ignored;
    if (secure || plain) lowest().socket().close(ignored);
    secure.reset();
    plain.reset();
    buffer.clear();
    connected = false;
  }

  // Runs the started async operation for at most `timeout`; on expiry closes the socket
  // (and cancels `resolver`), drains the handlers and reports timed_out.
  template <class Start>
  beast::error_code run(std::chrono::milliseconds timeout, Start&& start,
                        tcp::resolver* resolver = nullptr) {
    beast::error_code result;
    bool done = false;
    start([&](beast::error_code ec, auto&&...) {
      result = ec;
      done = true;
    });
    ioc.restart();
    ioc.run_for(timeout);
    if (!done) {
      if (resolver) resolver->cancel();
      if (secure || plain) {
        beast::error_code ignored;
        lowest().socket().close(ignored);
      }
      ioc.restart();
      ioc.run();
      return net::error::timed_out;
    }
    return result;
  }

  void connect() {
    drop();
    tcp::resolver resolver(ioc);
    tcp::resolver::results_type endpoints;
    auto ec = run(
        opt.connect_timeout,
        [&](auto handler) {
          resolver.async_resolve(
              base.host, std::to_string(base.port),
              [&, handler](beast::error_code e, tcp::resolver::results_type r) mutable {
                endpoints = std::move(r);
                handler(e);
              });
        },
        &resolver);
    if (ec) throw HttpUnreachable("resolve " + base.host + ": " + ec.message());
    if (base.tls()) {
      secure.emplace(ioc, ctx);
      if (!SSL_set_tlsext_host_name(secure->native_handle(), base.host.c_str()))
        throw HttpUnreachable("TLS: cannot set SNI host name");
      if (opt.verify_tls) secure->set_verify_callback(ssl::host_name_verification(base.host));
    } else {
      plain.emplace(ioc);
    }
    ec =
        run(opt.connect_timeout, [&](auto handler) { lowest().async_connect(endpoints, handler); });
    if (ec) {
      drop();
      throw HttpUnreachable("connect " + base.host + ":" + std::to_string(base.port) + ": " +
                            ec.message());
    }
    if (secure) {
      ec = run(opt.connect_timeout,
               [&](auto handler) { secure->async_handshake(ssl::stream_base::client, handler); });
      if (ec) {
        drop();
        throw HttpUnreachable("TLS handshake with " + base.host + ": " + ec.message());
      }
    }
    connected = true;
  }

  template <class Stream>
  beast::error_code exchange(Stream& stream, http::request<http::string_body>& req,
                             http::response_parser<http::string_body>& parser) {
    auto ec =
        run(opt.request_timeout, [&](auto handler) { http::async_write(stream, req, handler); });
    if (ec) return ec;
    return run(opt.request_timeout,
               [&](auto handler) { http::async_read(stream, buffer, parser, handler); });
  }

  HttpResponse once(http::request<http::string_body>& req) {
    http::response_parser<http::string_body> parser;
    parser.body_limit(256u * 1024 * 1024);
    auto ec = secure ? exchange(*secure, req, parser) : exchange(*plain, req, parser);
    if (ec) {
      drop();
      throw HttpUnreachable("HTTP " + std::string(req.method_string()) + " " +
                            std::string(req.target()) + ": " + ec.message());
    }
    auto res = parser.release();
    HttpResponse out;
    out.status = static_cast<int>(res.result_int());
    out.content_type = std::string(res[http::field::content_type]);
    out.body = std::move(res.body());
    if (!res.keep_alive()) drop();
    return out;
  }
};

HttpClient::HttpClient(Url base, HttpClientOptions options)
    : base_(base), impl_(std::make_unique<Impl>(std::move(base), std::move(options))) {}

HttpClient::~HttpClient() {
  impl_->drop();
}

void HttpClient::close() {
  impl_->drop();
}

HttpResponse HttpClient::request(std::string_view method, std::string_view target, std::string body,
                                 std::string_view content_type,
                                 const std::vector<std::pair<std::string, std::string>>& headers) {
  http::verb verb = http::string_to_verb(beast::string_view(method.data(), method.size()));
  if (verb == http::verb::unknown) throw std::invalid_argument("unknown HTTP method");
  http::request<http::string_body> req{verb, base_.path + std::string(target), 11};
  req.set(http::field::host, base_.host);
  req.set(http::field::user_agent, "rtcrypto");
  req.set(http::field::accept, "application/json");
  if (!impl_->opt.authorization.empty())
    req.set(http::field::authorization, impl_->opt.authorization);
  for (const auto& [k, v] : headers) req.set(k, v);
  if (!body.empty() || verb == http::verb::post || verb == http::verb::put) {
    req.set(http::field::content_type,
            beast::string_view(content_type.data(), content_type.size()));
    req.body() = std::move(body);
  }
  req.keep_alive(true);
  req.prepare_payload();
  bool reused = impl_->connected;
  if (!impl_->connected) impl_->connect();
  try {
    return impl_->once(req);
  } catch (const HttpUnreachable&) {
    if (!reused) throw;
  }
  // A kept-alive connection the server had closed: one fresh attempt.
  impl_->connect();
  return impl_->once(req);
}

}  // namespace rtcrypto::es
