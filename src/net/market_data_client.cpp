#include "rtcrypto/net/market_data_client.hpp"

#include <mutex>
#include <nlohmann/json.hpp>
#include <random>

#include "asio.hpp"
#include "rtcrypto/core/log.hpp"
#include "rtcrypto/net/url.hpp"

namespace rtcrypto::net {

std::string_view to_string(ConnectionState s) {
  switch (s) {
    case ConnectionState::Connecting:
      return "connecting";
    case ConnectionState::Connected:
      return "connected";
    case ConnectionState::Subscribed:
      return "subscribed";
    case ConnectionState::Disconnected:
      return "disconnected";
  }
  return "?";
}

namespace {
using WsStream = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}
}  // namespace

struct Conn {
  std::size_t index = 0;
  std::vector<std::string> symbols;
  std::string target;
  std::shared_ptr<WsStream> ws;  // the live stream, null while down
  int failures = 0;              // consecutive, drives the backoff
  bool resync = false;
  std::string close_reason;
  TimeNs last_rx = 0;
  TimeNs last_ping = 0;
  TimeNs connected_at = 0;
  std::uint64_t session = 0;
  int next_id = 1;
  std::unique_ptr<asio::steady_timer> wait;  // the backoff pause, cancelled by resync/stop
};

struct MarketDataClient::Impl : std::enable_shared_from_this<Impl> {
  asio::io_context& io;
  MarketDataConfig cfg;
  FrameCallback on_frame;
  StateCallback on_state;
  Url base;
  std::shared_ptr<ssl::context> tls;
  std::vector<std::unique_ptr<Conn>> conns;
  std::uint64_t sessions = 0;
  bool stopped = false;
  bool started = false;
  std::mt19937_64 rng{std::random_device{}()};
  mutable std::mutex stats_mu;
  MarketDataStats st;
  log::RateLimiter rpc_log{5, 30 * kNsPerSec};

  Impl(asio::io_context& io_, MarketDataConfig cfg_, FrameCallback f, StateCallback s)
      : io(io_), cfg(std::move(cfg_)), on_frame(std::move(f)), on_state(std::move(s)) {
    auto u = parse_url(cfg.url);
    if (!u || u->scheme != "wss")
      throw std::invalid_argument("bad websocket URL (wss:// expected): " + cfg.url);
    if (cfg.symbols.empty()) throw std::invalid_argument("no symbols to subscribe");
    base = *u;
    tls = make_client_tls_context(cfg.ca_file);
    std::string prefix = base.path_prefix();
    auto add = [&](std::vector<std::string> syms, std::string target) {
      auto c = std::make_unique<Conn>();
      c->index = conns.size();
      c->symbols = std::move(syms);
      c->target = std::move(target);
      conns.push_back(std::move(c));
    };
    std::vector<std::string> syms;
    for (const auto& s : cfg.symbols) syms.push_back(upper(s));
    switch (cfg.protocol) {
      case FeedProtocol::Ws:
        add(syms, prefix + "/?snapshot=-1");
        break;
      case FeedProtocol::V2:
        add(syms, prefix + "/v2/marketdata");
        break;
      case FeedProtocol::V1:
        for (const auto& s : syms)
          add({s}, prefix + "/v1/marketdata/" + s +
                       "?heartbeat=true&bids=true&offers=true&trades=true&auctions=false");
        break;
    }
  }

  template <class F>
  void bump(F f) {
    std::lock_guard lock(stats_mu);
    f(st);
  }

  void emit(Conn& c, ConnectionState s, std::string reason) {
    ConnectionEvent ev{c.index, s, c.symbols, std::move(reason), c.session, wall_now_ns()};
    std::string line = "feed: " + std::string(to_string(cfg.protocol)) + " connection " +
                       std::to_string(c.index) + " " + std::string(to_string(s));
    if (!ev.reason.empty()) line += " (" + ev.reason + ")";
    if (s == ConnectionState::Disconnected)
      log::warn(line);
    else
      log::info(line);
    if (on_state) on_state(ev);
  }

  std::string subscribe_message(Conn& c) {
    if (cfg.protocol == FeedProtocol::Ws) {
      std::string m =
          "{\"id\":" + std::to_string(c.next_id++) + ",\"method\":\"subscribe\",\"params\":[";
      bool first = true;
      for (const auto& s : c.symbols) {
        for (const char* stream : {"@depth@100ms", "@trade"}) {
          if (!first) m += ',';
          first = false;
          m += "\"" + lower(s) + stream + "\"";
        }
      }
      return m + "]}";
    }
    if (cfg.protocol == FeedProtocol::V2) {
      std::string m = R"({"type":"subscribe","subscriptions":[{"name":"l2","symbols":[)";
      for (std::size_t i = 0; i < c.symbols.size(); ++i)
        m += (i ? ",\"" : "\"") + c.symbols[i] + "\"";
      return m + "]}]}";
    }
    return {};
  }

  TimeNs backoff(int failures) {
    TimeNs b = cfg.backoff_initial;
    for (int i = 1; i < failures && b < cfg.backoff_max; ++i) b *= 2;
    b = std::min(b, cfg.backoff_max);
    std::uniform_real_distribution<double> j(0.0, cfg.backoff_jitter);
    return b + static_cast<TimeNs>(static_cast<double>(b) * j(rng));
  }

  void check_rpc_reply(std::string_view frame) {
    if (frame.size() > 2048 || frame.find("\"status\"") == std::string_view::npos) return;
    auto j = nlohmann::json::parse(frame, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("id") || !j.contains("status")) return;
    if (j["status"].is_number_integer() && j["status"].get<int>() == 200) return;
    bump([](MarketDataStats& s) { ++s.rpc_errors; });
    std::uint64_t suppressed = 0;
    if (rpc_log.allow(suppressed)) {
      std::string msg = j.contains("error") ? j["error"].dump() : j.dump();
      log::error("feed: ws request " + j["id"].dump() + " failed: " + msg);
    }
  }

  awaitable<std::string> session(Conn& c) {
    auto ex = co_await asio::this_coro::executor;
    boost::system::error_code ec;
    tcp::resolver resolver(ex);
    auto eps = co_await resolver.async_resolve(base.host, base.port,
                                               asio::redirect_error(use_awaitable, ec));
    if (ec) co_return "resolve " + base.host + ": " + ec.message();
    auto ws = std::make_shared<WsStream>(ex, *tls);
    c.ws = ws;  // stop()/resync can now close it
    auto& lowest = beast::get_lowest_layer(*ws);
    lowest.expires_after(to_duration(cfg.connect_timeout));
    co_await lowest.async_connect(eps, asio::redirect_error(use_awaitable, ec));
    if (ec) co_return "connect " + base.host + ":" + base.port + ": " + ec.message();
    lowest.socket().set_option(tcp::no_delay(true), ec);
    std::string why;
    if (!set_peer_identity(ws->next_layer().native_handle(), base.host, why)) co_return why;
    co_await ws->next_layer().async_handshake(ssl::stream_base::client,
                                              asio::redirect_error(use_awaitable, ec));
    if (ec) {
      std::string m = "TLS handshake: " + ec.message();
      long v = SSL_get_verify_result(ws->next_layer().native_handle());
      if (v != X509_V_OK) m += std::string(" (") + X509_verify_cert_error_string(v) + ")";
      co_return m;
    }
    lowest.expires_never();
    websocket::stream_base::timeout to{to_duration(cfg.connect_timeout),
                                       websocket::stream_base::none(), false};
    ws->set_option(to);
    ws->read_message_max(cfg.max_frame_bytes);
    ws->set_option(websocket::stream_base::decorator(
        [](websocket::request_type& req) { req.set(http::field::user_agent, "rtcrypto"); }));
    const std::string host = base.host_header();  // a named local: see gemini_rest_client.cpp
    co_await ws->async_handshake(host, c.target, asio::redirect_error(use_awaitable, ec));
    if (ec) co_return "websocket handshake " + c.target + ": " + ec.message();
    if (stopped || c.resync) co_return "stopped during connect";

    c.session = ++sessions;
    c.connected_at = c.last_rx = wall_now_ns();
    c.last_ping = c.connected_at;
    bump([](MarketDataStats& s) { ++s.connects; });
    emit(c, ConnectionState::Connected, c.target);
    ws->control_callback(
        [&c](websocket::frame_type, beast::string_view) { c.last_rx = wall_now_ns(); });

    if (std::string sub = subscribe_message(c); !sub.empty()) {
      ws->text(true);
      co_await ws->async_write(asio::buffer(sub), asio::redirect_error(use_awaitable, ec));
      if (ec) co_return "subscribe: " + ec.message();
    }
    emit(c, ConnectionState::Subscribed, {});

    // Watchdog: pings an idle ws connection, closes any connection that stays silent.
    auto self = shared_from_this();
    asio::co_spawn(ex, watchdog(c, ws), asio::detached);

    FrameSource src{
        c.index,
        cfg.protocol == FeedProtocol::V1 ? std::string_view(c.symbols[0]) : std::string_view(),
        c.session, cfg.protocol};
    beast::flat_buffer buf;
    for (;;) {
      co_await ws->async_read(buf, asio::redirect_error(use_awaitable, ec));
      if (ec) {
        if (!c.close_reason.empty()) co_return c.close_reason;
        co_return "read: " + ec.message();
      }
      TimeNs now = wall_now_ns();
      c.last_rx = now;
      std::string_view frame(static_cast<const char*>(buf.data().data()), buf.size());
      bump([&](MarketDataStats& s) {
        ++s.frames;
        s.bytes += frame.size();
      });
      if (cfg.protocol == FeedProtocol::Ws && !frame.empty() &&
          frame.find("\"id\"") != std::string_view::npos)
        check_rpc_reply(frame);
      if (on_frame) on_frame(frame, now, src);
      buf.consume(buf.size());
      if (stopped) co_return "stopped";
    }
  }

  awaitable<void> watchdog(Conn& c, std::shared_ptr<WsStream> ws) {
    auto self = shared_from_this();
    TimeNs tick =
        std::max<TimeNs>(10 * kNsPerMs, std::min(cfg.ping_interval, cfg.silence_timeout) / 4);
    while (!stopped && c.ws == ws) {
      if (!co_await sleep_for(tick)) co_return;
      if (stopped || c.ws != ws) co_return;
      TimeNs now = wall_now_ns();
      if (now - c.last_rx > cfg.silence_timeout) {
        bump([](MarketDataStats& s) { ++s.silence_timeouts; });
        c.close_reason = "silent for " + std::to_string((now - c.last_rx) / kNsPerMs) + " ms";
        beast::get_lowest_layer(*ws).close();
        co_return;
      }
      if (cfg.protocol == FeedProtocol::Ws && now - c.last_rx >= cfg.ping_interval &&
          now - c.last_ping >= cfg.ping_interval) {
        c.last_ping = now;
        std::string ping = "{\"id\":" + std::to_string(c.next_id++) + ",\"method\":\"ping\"}";
        boost::system::error_code ec;
        co_await ws->async_write(asio::buffer(ping), asio::redirect_error(use_awaitable, ec));
        if (!ec) bump([](MarketDataStats& s) { ++s.pings_sent; });
      }
    }
  }

  awaitable<void> run(Conn& c) {
    auto self = shared_from_this();
    while (!stopped) {
      c.close_reason.clear();
      c.resync = false;
      emit(c, ConnectionState::Connecting, base.scheme + "://" + base.host_header() + c.target);
      std::string reason;
      try {
        reason = co_await session(c);
      } catch (const std::exception& e) {
        reason = std::string("error: ") + e.what();
      }
      bool was_up = c.connected_at != 0;
      TimeNs lived = was_up ? wall_now_ns() - c.connected_at : 0;
      if (c.ws) {
        boost::system::error_code ec;
        beast::get_lowest_layer(*c.ws).socket().close(ec);
        c.ws.reset();
      }
      c.connected_at = 0;
      if (was_up) {
        bump([](MarketDataStats& s) { ++s.disconnects; });
      } else {
        bump([](MarketDataStats& s) { ++s.connect_failures; });
      }
      emit(c, ConnectionState::Disconnected, reason);
      if (stopped) break;
      TimeNs delay = 0;
      if (c.resync && lived >= kNsPerSec) {
        c.failures = 0;  // a resync of a healthy connection goes at once
      } else {
        if (was_up && lived >= cfg.stable_after) c.failures = 0;
        delay = backoff(++c.failures);
      }
      if (delay > 0) {
        log::info("feed: reconnecting connection " + std::to_string(c.index) + " in " +
                  std::to_string(delay / kNsPerMs) + " ms");
        c.wait = std::make_unique<asio::steady_timer>(io, to_duration(delay));
        boost::system::error_code ec;
        co_await c.wait->async_wait(asio::redirect_error(use_awaitable, ec));
        c.wait.reset();
      }
    }
  }

  void resync(std::string_view symbol, std::string why) {
    std::string sym = upper(std::string(symbol));
    for (auto& c : conns) {
      if (std::find(c->symbols.begin(), c->symbols.end(), sym) == c->symbols.end()) continue;
      if (!c->ws || c->resync) continue;  // down already, or resync under way
      c->resync = true;
      c->close_reason = "resync " + sym + ": " + why;
      bump([](MarketDataStats& s) { ++s.resyncs; });
      beast::get_lowest_layer(*c->ws).close();
    }
  }

  void stop() {
    stopped = true;
    for (auto& c : conns) {
      if (c->ws) beast::get_lowest_layer(*c->ws).close();
      if (c->wait) c->wait->cancel();
    }
  }
};

MarketDataClient::MarketDataClient(boost::asio::io_context& io, MarketDataConfig config,
                                   FrameCallback on_frame, StateCallback on_state)
    : impl_(std::make_shared<Impl>(io, std::move(config), std::move(on_frame),
                                   std::move(on_state))) {}

MarketDataClient::~MarketDataClient() {
  impl_->on_frame = nullptr;
  impl_->on_state = nullptr;
  stop();
}

void MarketDataClient::start() {
  auto impl = impl_;
  asio::post(impl->io, [impl] {
    if (impl->started || impl->stopped) return;
    impl->started = true;
    for (auto& c : impl->conns) asio::co_spawn(impl->io, impl->run(*c), asio::detached);
  });
}

void MarketDataClient::stop() {
  auto impl = impl_;
  impl->stopped = true;
  asio::post(impl->io, [impl] { impl->stop(); });
}

void MarketDataClient::request_resync(std::string_view symbol, std::string_view why) {
  auto impl = impl_;
  asio::post(impl->io,
             [impl, s = std::string(symbol), w = std::string(why)] { impl->resync(s, w); });
}

MarketDataStats MarketDataClient::stats() const {
  std::lock_guard lock(impl_->stats_mu);
  return impl_->st;
}

std::vector<std::string> MarketDataClient::connection_targets() const {
  std::vector<std::string> out;
  for (const auto& c : impl_->conns) out.push_back(c->target);
  return out;
}

}  // namespace rtcrypto::net
