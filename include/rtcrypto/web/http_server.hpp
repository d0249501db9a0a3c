#pragma once
// A small HTTP/1.1 server (Boost.Beast) on its own thread, meant for loopback: plain
// request -> reply routes, and server-sent-event streams. broadcast() is thread-safe and
// never waits: it posts to the server thread, and a client whose unsent backlog grows past
// a bound (a stalled browser) is disconnected instead of slowing anyone down.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>

namespace rtcrypto::web {

struct HttpRequest {
  std::string method;
  std::string path;   // without the query
  std::string query;  // after '?', undecoded
  std::string body;
  std::string last_event_id;  // SSE reconnects
};

struct HttpReply {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

// First SSE bytes for a new client and the id of the last event they contain.
struct SseOpen {
  std::string initial;
  std::uint64_t last_id = 0;
};

struct HttpServerOptions {
  std::string bind = "127.0.0.1";
  std::uint16_t port = 0;  // 0: any free port (see port())
  std::size_t max_client_backlog = 8u << 20;
};

class HttpServer {
 public:
  explicit HttpServer(HttpServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Register before start(). Handlers run on the server thread; keep them quick.
  void route(std::string path, std::function<HttpReply(const HttpRequest&)> handler);
  void sse(std::string path, std::function<SseOpen(const HttpRequest&)> on_open);

  // Binds and starts the thread; throws std::runtime_error when the address is taken.
  void start();
  void stop();
  std::uint16_t port() const;

  // Sends `event_bytes` (a whole "id:/event:/data:" block) to every client of `path` whose
  // stream has not already carried event `id`.
  void broadcast(const std::string& path, std::uint64_t id, std::string event_bytes);
  std::size_t sse_clients() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Parses "127.0.0.1:8080" / "[::1]:8080" / "8080"; throws std::invalid_argument.
std::pair<std::string, std::uint16_t> parse_listen_address(const std::string& text);
// "%xx" and '+' decoding of one query parameter value, or "" when absent.
std::string query_param(const std::string& query, const std::string& name);

}  // namespace rtcrypto::web
