#include "rtcrypto/web/http_server.hpp"

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

namespace rtcrypto::web {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

std::pair<std::string, std::uint16_t> parse_listen_address(const std::string& text) {
  std::string host = "127.0.0.1";
  std::string port = text;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':')
      throw std::invalid_argument("--http: expected [v6-address]:port");
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else if (auto colon = text.rfind(':'); colon != std::string::npos) {
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  unsigned p = 0;
  auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
  if (port.empty() || ec != std::errc() || ptr != port.data() + port.size() || p > 65535)
    throw std::invalid_argument("--http: bad port in '" + text + "'");
  boost::system::error_code bad;
  net::ip::make_address(host, bad);
  if (bad) throw std::invalid_argument("--http: '" + host + "' is not an IP address");
  return {host, static_cast<std::uint16_t>(p)};
}

std::string query_param(const std::string& query, const std::string& name) {
  std::size_t pos = 0;
  while (pos <= query.size()) {
    auto amp = query.find('&', pos);
    std::string part = query.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
    auto eq = part.find('=');
    if (part.substr(0, eq) == name) {
      std::string raw = eq == std::string::npos ? "" : part.substr(eq + 1), out;
      for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '+') {
          out += ' ';
        } else if (raw[i] == '%' && i + 2 < raw.size()) {
          unsigned v = 0;
          std::from_chars(raw.data() + i + 1, raw.data() + i + 3, v, 16);
          out += static_cast<char>(v);
          i += 2;
        } else {
          out += raw[i];
        }
      }
      return out;
    }
    if (amp == std::string::npos) break;
    pos = amp + 1;
  }
  return {};
}

struct HttpServer::Impl {
  HttpServerOptions opt;
  net::io_context ioc;
  tcp::acceptor acceptor{ioc};
  std::thread thread;
  std::map<std::string, std::function<HttpReply(const HttpRequest&)>> routes;
  std::map<std::string, std::function<SseOpen(const HttpRequest&)>> streams;
  std::uint16_t port = 0;
  bool running = false;

  struct SseClient : std::enable_shared_from_this<SseClient> {
    explicit SseClient(tcp::socket s) : socket(std::move(s)) {}
    tcp::socket socket;
    std::string path;
    std::uint64_t last_id = 0;
    std::deque<std::shared_ptr<const std::string>> out;
    std::size_t backlog = 0;
    bool writing = false;
    bool closed = false;
    char probe[256];
  };
  std::set<std::shared_ptr<SseClient>> clients;
  std::atomic<std::size_t> client_count{0};
  net::steady_timer ping{ioc};

  struct Session : std::enable_shared_from_this<Session> {
    Session(Impl& o, tcp::socket s) : owner(o), socket(std::move(s)) {}
    Impl& owner;
    tcp::socket socket;
    beast::flat_buffer buffer;
    http::request<http::string_body> req;
    http::response<http::string_body> res;

    void read() {
      req = {};
      auto self = shared_from_this();
      http::async_read(socket, buffer, req, [self](beast::error_code ec, std::size_t) {
        if (ec) return;
        self->dispatch();
      });
    }
    void dispatch() {
      HttpRequest r;
      r.method = std::string(req.method_string());
      std::string target(req.target());
      auto q = target.find('?');
      r.path = target.substr(0, q);
      if (q != std::string::npos) r.query = target.substr(q + 1);
      r.body = req.body();
      r.last_event_id = std::string(req["Last-Event-ID"]);
      if (auto s = owner.streams.find(r.path);
          s != owner.streams.end() && req.method() == http::verb::get) {
        owner.open_stream(std::move(socket), r, s->second);
        return;
      }
      HttpReply reply;
      auto it = owner.routes.find(r.path);
      if (it == owner.routes.end()) {
        reply = {404, "text/plain; charset=utf-8", "not found\n"};
      } else if (req.method() != http::verb::get && req.method() != http::verb::head) {
        reply = {405, "text/plain; charset=utf-8", "method not allowed\n"};
      } else {
        try {
          reply = it->second(r);
        } catch (const std::exception& e) {
          reply = {500, "text/plain; charset=utf-8", std::string("error: ") + e.what() + "\n"};
        }
      }
      res = {static_cast<http::status>(reply.status), req.version()};
      res.set(http::field::content_type, reply.content_type);
      res.set(http::field::cache_control, "no-store");
      res.set("X-Content-Type-Options", "nosniff");
      res.keep_alive(req.keep_alive());
      if (req.method() != http::verb::head) res.body() = std::move(reply.body);
      res.prepare_payload();
      auto self = shared_from_this();
      http::async_write(socket, res, [self](beast::error_code ec, std::size_t) {
        if (ec || !self->res.keep_alive()) {
          beast::error_code ignored;
          self->socket.shutdown(tcp::socket::shutdown_both, ignored);
          return;
        }
        self->read();
      });
    }
  };

  void accept() {
    acceptor.async_accept([this](beast::error_code ec, tcp::socket s) {
      if (ec) return;
      std::make_shared<Session>(*this, std::move(s))->read();
      accept();
    });
  }

  void open_stream(tcp::socket socket, const HttpRequest& r,
                   const std::function<SseOpen(const HttpRequest&)>& on_open) {
    auto c = std::make_shared<SseClient>(std::move(socket));
    c->path = r.path;
    SseOpen first;
    try {
      first = on_open(r);
    } catch (const std::exception&) {
    }
    c->last_id = first.last_id;
    clients.insert(c);
    client_count = clients.size();
    enqueue(c,
            std::make_shared<const std::string>(
                "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n"
                "Connection: keep-alive\r\nX-Accel-Buffering: no\r\n\r\nretry: 2000\n\n"));
    if (!first.initial.empty())
      enqueue(c, std::make_shared<const std::string>(std::move(first.initial)));
    // Reading only to notice that the browser went away.
    c->socket.async_read_some(net::buffer(c->probe), [this, c](beast::error_code ec, std::size_t) {
      if (ec) drop(c);
    });
  }

  void drop(const std::shared_ptr<SseClient>& c) {
    if (c->closed) return;
    c->closed = true;
    beast::error_code ignored;
    c->socket.shutdown(tcp::socket::shutdown_both, ignored);
    c->socket.close(ignored);
    clients.erase(c);
    client_count = clients.size();
  }

  void enqueue(const std::shared_ptr<SseClient>& c, std::shared_ptr<const std::string> bytes) {
    if (c->closed) return;
    c->backlog += bytes->size();
    if (c->backlog > opt.max_client_backlog) return drop(c);  // a stalled reader
    c->out.push_back(std::move(bytes));
    if (!c->writing) write_next(c);
  }

  void write_next(const std::shared_ptr<SseClient>& c) {
    if (c->out.empty() || c->closed) {
      c->writing = false;
      return;
    }
    c->writing = true;
    auto bytes = c->out.front();
    net::async_write(c->socket, net::buffer(*bytes),
                     [this, c, bytes](beast::error_code ec, std::size_t) {
                       c->backlog -= bytes->size();
                       c->out.pop_front();
                       if (ec) return drop(c);
                       write_next(c);
                     });
  }

  void schedule_ping() {
    ping.expires_after(std::chrono::seconds(15));
    ping.async_wait([this](beast::error_code ec) {
      if (ec) return;
      auto bytes = std::make_shared<const std::string>(": ping\n\n");
      for (auto c : std::vector<std::shared_ptr<SseClient>>(clients.begin(), clients.end()))
        enqueue(c, bytes);
      schedule_ping();
    });
  }
};

HttpServer::HttpServer(HttpServerOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->opt = std::move(options);
}

HttpServer::~HttpServer() {
  stop();
}

void HttpServer::route(std::string path, std::function<HttpReply(const HttpRequest&)> handler) {
  impl_->routes[std::move(path)] = std::move(handler);
}

void HttpServer::sse(std::string path, std::function<SseOpen(const HttpRequest&)> on_open) {
  impl_->streams[std::move(path)] = std::move(on_open);
}

void HttpServer::start() {
  auto& i = *impl_;
  if (i.running) return;
  boost::system::error_code ec;
  tcp::endpoint ep(net::ip::make_address(i.opt.bind, ec), i.opt.port);
  if (ec) throw std::runtime_error("http: bad bind address " + i.opt.bind);
  i.acceptor.open(ep.protocol(), ec);
  if (!ec) i.acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) i.acceptor.bind(ep, ec);
  if (!ec) i.acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    beast::error_code ignored;
    i.acceptor.close(ignored);
    throw std::runtime_error("http: cannot listen on " + i.opt.bind + ":" +
                             std::to_string(i.opt.port) + ": " + ec.message());
  }
  i.port = i.acceptor.local_endpoint().port();
  i.accept();
  i.schedule_ping();
  i.running = true;
  i.ioc.restart();
  i.thread = std::thread([&i] { i.ioc.run(); });
}

void HttpServer::stop() {
  auto& i = *impl_;
  if (!i.running) return;
  net::post(i.ioc, [&i] {
    beast::error_code ignored;
    i.acceptor.close(ignored);
    i.ping.cancel();
    for (auto c : std::vector<std::shared_ptr<Impl::SseClient>>(i.clients.begin(), i.clients.end()))
      i.drop(c);
  });
  // Sessions mid-request finish on their own; stop() bounds the wait.
  std::this_thread::sleep_for(std::chrono::milliseconds(10));
  i.ioc.stop();
  if (i.thread.joinable()) i.thread.join();
  i.running = false;
}

std::uint16_t HttpServer::port() const {
  return impl_->port;
}

void HttpServer::broadcast(const std::string& path, std::uint64_t id, std::string event_bytes) {
  auto bytes = std::make_shared<const std::string>(std::move(event_bytes));
  net::post(impl_->ioc, [this, path, id, bytes] {
    auto& i = *impl_;
    for (auto c :
         std::vector<std::shared_ptr<Impl::SseClient>>(i.clients.begin(), i.clients.end())) {
      if (c->path != path || (id != 0 && id <= c->last_id)) continue;
      if (id != 0) c->last_id = id;
      i.enqueue(c, bytes);
    }
  });
}

std::size_t HttpServer::sse_clients() const {
  return impl_->client_count.load();
}

}  // namespace rtcrypto::web
