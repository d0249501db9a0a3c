#pragma once
// A small blocking HTTP/1.1 client (Boost.Beast) over plain TCP or TLS, with one kept-alive
// connection, timeouts on every step, and TLS certificate + host-name verification. Used
// by the Elasticsearch sink's background thread and by `rtcrypto kibana-setup`; never call
// it from the trading loop.
#include <chrono>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rtcrypto::es {

struct Url {
  std::string scheme;  // http | https
  std::string host;
  std::uint16_t port = 0;
  std::string path;  // prefix without trailing slash ("" for none)
  bool tls() const { return scheme == "https"; }
};
// Parses "http[s]://host[:port][/prefix]"; throws std::invalid_argument with the reason.
// Credentials in the URL (user:pass@) are refused so they never reach a log line.
Url parse_url(std::string_view text);

struct HttpResponse {
  int status = 0;
  std::string body;
  std::string content_type;
};

// Connection-level failure (refused, reset, timeout, TLS): the server was not reached.
struct HttpUnreachable : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct HttpClientOptions {
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds request_timeout{15000};
  std::string ca_file;        // extra CA bundle (PEM); system roots otherwise
  bool verify_tls = true;     // only tests against a self-signed server turn this off
  std::string authorization;  // full Authorization header value, or empty
};

class HttpClient {
 public:
  HttpClient(Url base, HttpClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // `target` is appended to the base path ("/_bulk"). Throws HttpUnreachable when no HTTP
  // answer came back (after one reconnect when a kept-alive connection had gone stale).
  HttpResponse request(std::string_view method, std::string_view target, std::string body = {},
                       std::string_view content_type = "application/json",
                       const std::vector<std::pair<std::string, std::string>>& headers = {});
  void close();
  const Url& url() const { return base_; }

 private:
  struct Impl;
  Url base_;
  std::unique_ptr<Impl> impl_;
};

// Authorization header values. Basic: base64("user:pass"); API key: "ApiKey <key>".
std::string basic_authorization(std::string_view user, std::string_view password);
std::string api_key_authorization(std::string_view encoded_key);
std::string base64_encode(std::string_view bytes);

}  // namespace rtcrypto::es
