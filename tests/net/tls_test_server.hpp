#pragma once
// Test-only loopback servers over real TLS: a self-signed certificate made with OpenSSL in
// the test, an HTTPS server whose replies a test scripts, and a websocket server. Each
// runs its own io_context on its own thread; stop() (or the destructor) joins it.
#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <mutex>
#include <thread>

#include "../../src/net/asio.hpp"

namespace rtcrypto::net::testing {

struct TestCert {
  std::string cert_pem;  // also the CA file clients trust (self-signed, CA:TRUE)
  std::string key_pem;
};

// Self-signed EC certificate for 127.0.0.1 and localhost.
inline TestCert make_test_cert() {
  EVP_PKEY* pkey = EVP_PKEY_new();
  EC_KEY* ec = EC_KEY_new_by_curve_name(NID_X9_62_prime256v1);
  EC_KEY_generate_key(ec);
  EVP_PKEY_assign_EC_KEY(pkey, ec);
  X509* x = X509_new();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
  X509_gmtime_adj(X509_getm_notBefore(x), -3600);
  X509_gmtime_adj(X509_getm_notAfter(x), 3600 * 24);
  X509_set_pubkey(x, pkey);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("rtcrypto-test"), -1, -1, 0);
  X509_set_issuer_name(x, name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
  for (auto [nid, value] : {std::pair{NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost"},
                            std::pair{NID_basic_constraints, "critical,CA:TRUE"}}) {
    X509_EXTENSION* e = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    X509_add_ext(x, e, -1);
    X509_EXTENSION_free(e);
  }
  X509_sign(x, pkey, EVP_sha256());
  auto to_pem = [](auto write) {
    BIO* b = BIO_new(BIO_s_mem());
    write(b);
    char* data = nullptr;
    long n = BIO_get_mem_data(b, &data);
    std::string s(data, static_cast<std::size_t>(n));
    BIO_free(b);
    return s;
  };
  TestCert c;
  c.cert_pem = to_pem([&](BIO* b) { PEM_write_bio_X509(b, x); });
  c.key_pem = to_pem(
      [&](BIO* b) { PEM_write_bio_PrivateKey(b, pkey, nullptr, nullptr, 0, nullptr, nullptr); });
  X509_free(x);
  EVP_PKEY_free(pkey);
  return c;
}

inline std::shared_ptr<ssl::context> server_tls(const TestCert& c) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  ctx->use_certificate_chain(asio::buffer(c.cert_pem));
  ctx->use_private_key(asio::buffer(c.key_pem), ssl::context::pem);
  return ctx;
}

struct TestRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;
};

struct TestReply {
  int status = 200;
  std::string body = "{}";
  TimeNs delay = 0;   // pause before replying (a timeout test makes it long)
  bool drop = false;  // close the connection without a reply
};

class LoopbackServer {
 public:
  explicit LoopbackServer(TestCert cert)
      : cert_(std::move(cert)), tls_(server_tls(cert_)), acceptor_(io_) {
    tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
    acceptor_.open(ep.protocol());
    acceptor_.set_option(tcp::acceptor::reuse_address(true));
    acceptor_.bind(ep);
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
  }
  virtual ~LoopbackServer() { stop(); }
  void start() {
    asio::co_spawn(io_, accept_loop(), asio::detached);
    thread_ = std::thread([this] { io_.run(); });
  }
  void stop() {
    if (thread_.joinable()) {
      io_.stop();
      thread_.join();
    }
  }
  unsigned short port() const { return port_; }
  const TestCert& cert() const { return cert_; }
  int connections() const { return connections_.load(); }

 protected:
  virtual awaitable<void> serve(beast::ssl_stream<beast::tcp_stream> stream) = 0;
  asio::io_context io_;

 private:
  awaitable<void> accept_loop() {
    for (;;) {
      boost::system::error_code ec;
      tcp::socket s = co_await acceptor_.async_accept(asio::redirect_error(use_awaitable, ec));
      if (ec) co_return;
      ++connections_;
      asio::co_spawn(io_, handshake_and_serve(std::move(s)), asio::detached);
    }
  }
  awaitable<void> handshake_and_serve(tcp::socket s) {
    beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(s)), *tls_);
    boost::system::error_code ec;
    co_await stream.async_handshake(ssl::stream_base::server,
                                    asio::redirect_error(use_awaitable, ec));
    if (ec) co_return;
    co_await serve(std::move(stream));
  }
  TestCert cert_;
  std::shared_ptr<ssl::context> tls_;
  tcp::acceptor acceptor_;
  unsigned short port_ = 0;
  std::atomic<int> connections_{0};
  std::thread thread_;
};

// HTTPS: every request goes to `handler` (on the server thread).
class HttpsTestServer : public LoopbackServer {
 public:
  using Handler = std::function<TestReply(const TestRequest&)>;
  HttpsTestServer(TestCert cert, Handler h)
      : LoopbackServer(std::move(cert)), handler_(std::move(h)) {
    start();
  }
  ~HttpsTestServer() override { stop(); }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(port()); }

 protected:
  awaitable<void> serve(beast::ssl_stream<beast::tcp_stream> stream) override {
    beast::flat_buffer buf;
    for (;;) {
      http::request<http::string_body> req;
      boost::system::error_code ec;
      co_await http::async_read(stream, buf, req, asio::redirect_error(use_awaitable, ec));
      if (ec) co_return;
      TestRequest tr;
      tr.method = std::string(req.method_string());
      tr.target = std::string(req.target());
      for (const auto& f : req) tr.headers[std::string(f.name_string())] = std::string(f.value());
      TestReply rep = handler_(tr);
      if (rep.delay > 0) co_await sleep_for(rep.delay);
      if (rep.drop) co_return;
      http::response<http::string_body> res{static_cast<http::status>(rep.status), 11};
      res.set(http::field::content_type, "application/json");
      res.body() = rep.body;
      res.prepare_payload();
      res.keep_alive(req.keep_alive());
      co_await http::async_write(stream, res, asio::redirect_error(use_awaitable, ec));
      if (ec || !req.keep_alive()) co_return;
    }
  }

 private:
  Handler handler_;
};

// Websocket: `on_session(index, target, send)` is called per accepted connection; it
// returns the frames to send; the server then reads until the client closes, or drops
// the connection at once when `drop_after_send`.
class WsTestServer : public LoopbackServer {
 public:
  struct Script {
    std::vector<std::string> frames;
    bool drop_after_send = true;
  };
  using Handler = std::function<Script(int index, const std::string& target)>;
  WsTestServer(TestCert cert, Handler h) : LoopbackServer(std::move(cert)), handler_(std::move(h)) {
    start();
  }
  ~WsTestServer() override { stop(); }
  std::string url() const { return "wss://127.0.0.1:" + std::to_string(port()); }
  std::vector<std::string> received() {
    std::lock_guard l(mu_);
    return received_;
  }

 protected:
  awaitable<void> serve(beast::ssl_stream<beast::tcp_stream> stream) override {
    websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws(std::move(stream));
    http::request<http::string_body> req;
    beast::flat_buffer buf;
    boost::system::error_code ec;
    co_await http::async_read(ws.next_layer(), buf, req, asio::redirect_error(use_awaitable, ec));
    if (ec) co_return;
    co_await ws.async_accept(req, asio::redirect_error(use_awaitable, ec));
    if (ec) co_return;
    Script s = handler_(index_++, std::string(req.target()));
    for (const auto& f : s.frames) {
      co_await ws.async_write(asio::buffer(f), asio::redirect_error(use_awaitable, ec));
      if (ec) co_return;
    }
    if (s.drop_after_send) {
      beast::get_lowest_layer(ws).close();
      co_return;
    }
    for (;;) {
      beast::flat_buffer in;
      co_await ws.async_read(in, asio::redirect_error(use_awaitable, ec));
      if (ec) co_return;
      std::lock_guard l(mu_);
      received_.push_back(beast::buffers_to_string(in.data()));
    }
  }

 private:
  Handler handler_;
  int index_ = 0;
  std::mutex mu_;
  std::vector<std::string> received_;
};

}  // namespace rtcrypto::net::testing
