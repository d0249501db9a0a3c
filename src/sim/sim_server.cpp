#include "rtcrypto/sim/sim_server.hpp"

#include <utility>  // before Asio: Boost 1.74 awaitable.hpp uses std::exchange

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <charconv>
#include <deque>
#include <fstream>
#include <future>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <thread>
#include <unordered_set>

#include "rtcrypto/core/log.hpp"
#include "rtcrypto/sim/frames.hpp"
#include "rtcrypto/sim/rest_api.hpp"
#include "rtcrypto/sim/signature.hpp"
#include "rtcrypto/sim/synthetic_market.hpp"
#include "rtcrypto/sim/tls_identity.hpp"

namespace rtcrypto::sim {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = boost::asio::ip::tcp;
using SslStream = beast::ssl_stream<beast::tcp_stream>;

namespace {

// Market time runs `speed` times faster than the wall clock from the start.
class MarketClock final : public Clock {
 public:
  MarketClock(TimeNs market_start, TimeNs wall_start, double speed)
      : m0_(market_start), w0_(wall_start), speed_(speed) {}
  TimeNs now() const override {
    return m0_ + static_cast<TimeNs>(double(wall_now_ns() - w0_) * speed_);
  }

 private:
  TimeNs m0_, w0_;
  double speed_;
};

std::string query_value(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto item = query.substr(0, amp);
    const auto eq = item.find('=');
    if (item.substr(0, eq) == name) return eq == item.npos ? "" : std::string(item.substr(eq + 1));
    if (amp == query.npos) break;
    query.remove_prefix(amp + 1);
  }
  return {};
}

}  // namespace

std::pair<std::string, std::uint16_t> parse_listen(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    throw std::invalid_argument("--listen wants HOST:PORT, got '" + std::string(text) + "'");
  }
  std::string host(text.substr(0, colon));
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (host == "localhost") host = "127.0.0.1";
  const auto port_text = text.substr(colon + 1);
  unsigned port = 0;
  auto [p, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || p != port_text.data() + port_text.size() || port > 65535) {
    throw std::invalid_argument("--listen: bad port '" + std::string(port_text) + "'");
  }
  return {host, static_cast<std::uint16_t>(port)};
}

bool is_loopback_host(std::string_view host) {
  boost::system::error_code ec;
  auto addr = net::ip::make_address(std::string(host), ec);
  return !ec && addr.is_loopback();
}

class WsSession;
class HttpSession;

// One-shot fault counters (tests and /sim/inject).
struct Injections {
  int order_new_timeout = 0;
  int http_429 = 0;
  int http_503 = 0;
  int skip_sequence = 0;
  int malformed = 0;
  int cross_book = 0;
};

constexpr std::size_t kMaxJournal = 200000;

struct SimServer::Impl {
  explicit Impl(SimConfig c) : config(std::move(c)) {}

  SimConfig config;
  TlsIdentity identity;
  std::filesystem::path ca_file;
  std::unique_ptr<MarketClock> market_clock;
  WallClock wall_clock;
  std::unique_ptr<MatchingEngine> engine;
  std::unique_ptr<SyntheticMarket> market;
  std::unique_ptr<RestApi> rest;
  std::mt19937_64 fault_rng{12345};
  Injections inject;
  bool flow_paused = false;
  std::uint64_t v1_event_id = 7'000'000'000ULL;
  std::uint64_t ws_accepted = 0, ws_dropped = 0, ws_frames = 0, ws_skipped = 0, ws_malformed = 0,
                ws_crossed = 0, rest_timeouts = 0, rest_delayed = 0, journal_dropped = 0;
  std::vector<SimEvent> journal;  // SimServer::events(); loop thread only

  // Depth diffs waiting for the 100 ms / 1 s flush: symbol -> (side, price) -> total.
  struct Pending {
    std::map<std::pair<Side, Decimal>, Decimal> levels;
  };
  std::map<std::string, Pending> pending_100ms, pending_1s;
  std::map<std::string, std::pair<std::optional<BookLevel>, std::optional<BookLevel>>> last_top;

  std::unordered_set<WsSession*> ws_sessions;

  // The loop and its timers; declared last so they go first (handlers see a live Impl).
  net::io_context ioc{1};
  ssl::context ssl_ctx{ssl::context::tls_server};
  std::unique_ptr<tcp::acceptor> acceptor;
  std::unique_ptr<net::steady_timer> flow_timer, flush_100ms, flush_1s, heartbeat_timer, drop_timer;
  std::thread thread;
  std::thread::id loop_thread_id;
  bool running = false;
  std::uint16_t bound_port = 0;

  bool chance(double p) {
    if (p <= 0) return false;
    return std::uniform_real_distribution<double>(0, 1)(fault_rng) < p;
  }
  bool take(int& counter) {
    if (counter <= 0) return false;
    --counter;
    return true;
  }
  // Journals `e` stamped with the wall and market clocks (bounded: later entries are counted).
  void note(SimEvent e) {
    if (journal.size() >= kMaxJournal) {
      ++journal_dropped;
      return;
    }
    e.wall = wall_now_ns();
    e.market = market_clock->now();
    journal.push_back(std::move(e));
  }
  SimEvent ws_event(const char* kind, std::string symbol, std::uint64_t session, std::uint64_t u) {
    SimEvent e;
    e.kind = kind;
    e.symbol = std::move(symbol);
    e.session = session;
    e.u = u;
    return e;
  }
  std::string events_json();

  void on_market(const MarketEvents& ev);
  void flush_depth(std::map<std::string, Pending>& pending, bool hundred_ms);
  void do_accept();
  void arm_flow();
  void arm_flush(bool hundred_ms);
  void arm_heartbeat();
  void arm_drop();
  std::string stats();

  template <class F>
  auto run_on_loop(F&& fn) -> decltype(fn()) {
    if (!running || std::this_thread::get_id() == loop_thread_id) return fn();
    std::packaged_task<decltype(fn())()> task(std::forward<F>(fn));
    auto fut = task.get_future();
    net::post(ioc, [&task] { task(); });
    return fut.get();
  }
};

// ------------------------------------------------------------------------------------------
// Websocket sessions.

class WsSession : public std::enable_shared_from_this<WsSession> {
 public:
  enum class Kind { Current, V1, V2 };

  WsSession(SslStream&& stream, SimServer::Impl& hub) : ws_(std::move(stream)), hub_(hub) {}
  ~WsSession() { hub_.ws_sessions.erase(this); }

  void accept(http::request<http::string_body> req) {
    const std::string target(req.target());
    const std::string_view path = std::string_view(target).substr(0, target.find('?'));
    const std::string_view query =
        path.size() < target.size() ? std::string_view(target).substr(path.size() + 1) : "";
    if (path.rfind("/v1/marketdata/", 0) == 0) {
      kind_ = Kind::V1;
      const SymbolInfo* info = hub_.engine->symbol(path.substr(15));
      if (!info) return reject(std::move(req), "unknown symbol");
      v1_symbol_ = info->symbol;
      v1_heartbeat_ = query_value(query, "heartbeat") == "true";
      v1_filter_.bids = query_value(query, "bids") != "false";
      v1_filter_.offers = query_value(query, "offers") != "false";
      v1_filter_.trades = query_value(query, "trades") != "false";
    } else if (path == "/v2/marketdata") {
      kind_ = Kind::V2;
    } else if (path == "/" || path.empty()) {
      kind_ = Kind::Current;
      const std::string snap = query_value(query, "snapshot");
      if (!snap.empty()) std::from_chars(snap.data(), snap.data() + snap.size(), snapshot_);
    } else {
      return reject(std::move(req), "unknown path");
    }
    websocket::stream_base::timeout t{};
    t.handshake_timeout = std::chrono::seconds(20);
    t.idle_timeout = std::chrono::seconds(20);
    t.keep_alive_pings = true;
    ws_.set_option(t);
    ws_.read_message_max(1 << 20);
    ws_.async_accept(req, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return;
      self->on_open();
    });
  }

  Kind kind() const { return kind_; }

  void on_open() {
    hub_.ws_sessions.insert(this);
    id_ = ++hub_.ws_accepted;
    if (kind_ == Kind::V1) {
      const SymbolInfo* info = hub_.engine->symbol(v1_symbol_);
      send(v1_initial_frame(*info, hub_.engine->book(v1_symbol_), ++hub_.v1_event_id, v1_filter_),
           false);
      hub_.note(hub_.ws_event("ws_snapshot", v1_symbol_, id_, 0));
      v1_seq_ = 1;
    }
    read();
  }

  void read() {
    ws_.async_read(in_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->closed();
      std::string msg = beast::buffers_to_string(self->in_.data());
      self->in_.consume(self->in_.size());
      self->on_message(msg);
      self->read();
    });
  }

  void closed() {
    hub_.ws_sessions.erase(this);
    open_ = false;
  }

  // Abrupt close (fault injection / stop): the peer sees the connection drop.
  void drop() {
    hub_.ws_sessions.erase(this);
    open_ = false;
    beast::error_code ec;
    beast::get_lowest_layer(ws_).socket().close(ec);
  }

  // Market data fan-out from the hub.
  void on_market(const MarketEvents& ev, const SymbolInfo& info, bool top_changed) {
    if (kind_ == Kind::V1) {
      if (ev.symbol != v1_symbol_) return;
      const std::string events = v1_events(info, ev, v1_filter_);
      if (events.empty()) return;
      const std::uint64_t seq = v1_seq_++;
      const std::uint64_t eid = ev.trades.empty() ? ++hub_.v1_event_id : ev.trades.front().tid;
      if (hub_.take(hub_.inject.skip_sequence) || hub_.chance(hub_.config.faults.ws_skip_rate)) {
        ++hub_.ws_skipped;
        hub_.note(hub_.ws_event("ws_skip", v1_symbol_, id_, seq));
        gap_pending_.insert(v1_symbol_);
        return;  // the socket_sequence is used up: the client sees a gap
      }
      note_gap_seen(v1_symbol_, seq);
      send(v1_update_frame(eid, ev.ts, seq, events), true);
    } else if (kind_ == Kind::V2) {
      if (!l2_.count(ev.symbol)) return;
      for (const auto& t : ev.trades) send(v2_trade_frame(info, t, t.tid), true);
      if (auto f = v2_l2_update_frame(info, ev); !f.empty()) send(std::move(f), true);
    } else {
      auto it = subs_.find(ev.symbol);
      if (it == subs_.end()) return;
      if (it->second.trade) {
        for (const auto& t : ev.trades) send(trade_frame(info, t), true);
      }
      if (it->second.book_ticker && top_changed) {
        send(book_ticker_frame(info, ev.ts, hub_.engine->book(ev.symbol),
                               hub_.engine->last_update_id(ev.symbol)),
             true);
      }
    }
  }

  // A depth diff batch for one symbol: every changed level with its current total.
  void on_depth(const SymbolInfo& info, TimeNs ts, std::uint64_t u,
                const std::vector<DepthLevel>& bids, const std::vector<DepthLevel>& asks,
                bool hundred_ms) {
    if (kind_ != Kind::Current) return;
    auto it = subs_.find(info.symbol);
    if (it == subs_.end()) return;
    Sub& s = it->second;
    if (!(hundred_ms ? s.depth_100ms : s.depth_1s)) return;
    if (u <= s.last_u) return;             // already in the snapshot this socket got
    const std::uint64_t first = s.last_u;  // next U == previous u, as on the wire
    s.last_u = u;
    if (u - first >= 2 &&
        (hub_.take(hub_.inject.skip_sequence) || hub_.chance(hub_.config.faults.ws_skip_rate))) {
      ++hub_.ws_skipped;
      hub_.note(hub_.ws_event("ws_skip", info.symbol, id_, u));
      gap_pending_.insert(info.symbol);
      return;  // withheld: the next frame's U is past what the client applied
    }
    note_gap_seen(info.symbol, u);
    const auto best_ask = hub_.engine->book(info.symbol).best_ask();
    if (best_ask &&
        (hub_.take(hub_.inject.cross_book) || hub_.chance(hub_.config.faults.ws_cross_rate))) {
      // A bid ~1 % above the best ask: a book no exchange would show; the client must drop
      // it and resubscribe.
      ++hub_.ws_crossed;
      hub_.note(hub_.ws_event("ws_cross", info.symbol, id_, u));
      const auto step = std::max<std::int64_t>(1, std::int64_t(best_ask->price.to_double()) / 100);
      std::vector<DepthLevel> crossed = bids;
      crossed.push_back(
          DepthLevel{best_ask->price + Decimal::from_int(step), Decimal::from_int(1)});
      send(depth_update_frame(info, ts, first, u, crossed, asks), true);
      return;
    }
    send(depth_update_frame(info, ts, first, u, bids, asks), true);
  }

  // The first frame after a withheld one: the moment the client can see the gap.
  void note_gap_seen(const std::string& symbol, std::uint64_t u) {
    if (gap_pending_.erase(symbol)) hub_.note(hub_.ws_event("ws_gap_seen", symbol, id_, u));
  }

  void on_partial(const SymbolInfo& info, bool hundred_ms) {
    if (kind_ != Kind::Current) return;
    auto it = subs_.find(info.symbol);
    if (it == subs_.end()) return;
    const int n = hundred_ms ? it->second.partial_100ms : it->second.partial_1s;
    if (n <= 0) return;
    send(partial_depth_frame(hub_.engine->book(info.symbol), info,
                             hub_.engine->last_update_id(info.symbol), std::size_t(n)),
         true);
  }

  void heartbeat(TimeNs now) {
    if (kind_ == Kind::V1 && v1_heartbeat_) {
      send(v1_heartbeat_frame(v1_seq_++), false);
    } else if (kind_ == Kind::V2) {
      send("{\"type\":\"heartbeat\",\"timestamp\":" + std::to_string(now / kNsPerMs) + "}", false);
    }
  }

  void send(std::string frame, bool market_data) {
    if (!open_) return;
    if (market_data &&
        (hub_.take(hub_.inject.malformed) || hub_.chance(hub_.config.faults.ws_malformed_rate))) {
      ++hub_.ws_malformed;
      out_.push_back("{\"e\":\"depthUpdate\",\"E\":17,\"s\":\"btcusd\",\"U\":");
    }
    if (out_.size() > 50000) {  // a consumer that stopped reading
      drop();
      return;
    }
    out_.push_back(std::move(frame));
    if (!writing_) write_next();
  }

 private:
  struct Sub {
    bool depth_100ms = false;
    bool depth_1s = false;
    bool trade = false;
    bool book_ticker = false;
    int partial_100ms = 0;
    int partial_1s = 0;
    std::uint64_t last_u = 0;
    std::set<std::string> names;
  };

  void reject(http::request<http::string_body> req, const char* why) {
    auto res =
        std::make_shared<http::response<http::string_body>>(http::status::not_found, req.version());
    res->set(http::field::content_type, "application/json");
    res->body() = error_body("EndpointNotFound", why);
    res->prepare_payload();
    http::async_write(ws_.next_layer(), *res,
                      [self = shared_from_this(), res](beast::error_code, std::size_t) {});
  }

  void write_next() {
    if (out_.empty() || !open_) {
      writing_ = false;
      return;
    }
    writing_ = true;
    ws_.text(true);
    ws_.async_write(net::buffer(out_.front()),
                    [self = shared_from_this()](beast::error_code ec, std::size_t) {
                      if (ec) {
                        self->writing_ = false;
                        return self->drop();
                      }
                      ++self->hub_.ws_frames;
                      self->out_.pop_front();
                      self->write_next();
                    });
  }

  void reply(const nlohmann::json& id, int status, const std::string& extra = {}) {
    send("{\"id\":" + id.dump() + ",\"status\":" + std::to_string(status) + extra + "}", false);
  }
  void error(const nlohmann::json& id, int status, int code, const std::string& msg) {
    reply(id, status,
          ",\"error\":{\"code\":" + std::to_string(code) +
              ",\"msg\":" + nlohmann::json(msg).dump() + "}");
  }

  // "btcusd@depth@100ms" -> applies to `s`; false when the name is not a stream we serve.
  bool parse_stream(const std::string& name, std::string& symbol, std::string& kind) {
    const auto at = name.find('@');
    if (at == std::string::npos) return false;
    const SymbolInfo* info = hub_.engine->symbol(name.substr(0, at));
    if (!info) return false;
    symbol = info->symbol;
    kind = name.substr(at + 1);
    static const std::set<std::string> kKinds = {
        "depth@100ms", "depth",   "trade",        "bookTicker",    "depth5",
        "depth10",     "depth20", "depth5@100ms", "depth10@100ms", "depth20@100ms"};
    return kKinds.count(kind) > 0;
  }

  void subscribe(const std::string& symbol, const std::string& kind, bool on) {
    Sub& s = subs_[symbol];
    const SymbolInfo& info = *hub_.engine->symbol(symbol);
    if (kind == "depth@100ms" || kind == "depth") {
      bool& flag = kind == "depth" ? s.depth_1s : s.depth_100ms;
      const int delay_ms = hub_.config.faults.ws_snapshot_delay_ms;
      if (on && !flag && delay_ms > 0) {
        // A slow snapshot: the stream (and its snapshot) starts later; trades flow meanwhile.
        auto t = std::make_shared<net::steady_timer>(ws_.get_executor(),
                                                     std::chrono::milliseconds(delay_ms));
        t->async_wait([self = shared_from_this(), t, symbol, kind](beast::error_code ec) {
          if (!ec && self->open_) self->start_depth(symbol, kind);
        });
        return;
      }
      if (!on) {
        flag = false;
      } else {
        start_depth(symbol, kind);
      }
    } else if (kind == "trade") {
      s.trade = on;
    } else if (kind == "bookTicker") {
      s.book_ticker = on;
    } else {
      const bool fast = kind.size() > 6 && kind.substr(kind.size() - 6) == "@100ms";
      const int n = std::atoi(kind.c_str() + 5);
      (fast ? s.partial_100ms : s.partial_1s) = on ? n : 0;
    }
  }

  // Turns a depth stream on: from the current update id, after a snapshot (?snapshot=N).
  void start_depth(const std::string& symbol, const std::string& kind) {
    Sub& s = subs_[symbol];
    bool& flag = kind == "depth" ? s.depth_1s : s.depth_100ms;
    if (flag) return;
    flag = true;
    const SymbolInfo& info = *hub_.engine->symbol(symbol);
    const std::uint64_t u = hub_.engine->last_update_id(symbol);
    s.last_u = u;
    gap_pending_.erase(symbol);
    if (snapshot_ != 0) {
      send(depth_snapshot_frame(info, hub_.market_clock->now(), hub_.engine->book(symbol), u,
                                snapshot_ < 0 ? 0 : std::size_t(snapshot_)),
           false);
      hub_.note(hub_.ws_event("ws_snapshot", symbol, id_, u));
    }
  }

  void on_message(const std::string& text) {
    if (kind_ == Kind::V1) return;  // v1 takes no requests
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (kind_ == Kind::V2) return on_v2(j);
    if (j.is_discarded() || !j.is_object()) return error(nullptr, 400, -1013, "Invalid JSON");
    const nlohmann::json id = j.contains("id") ? j["id"] : nlohmann::json(nullptr);
    std::string method = j.value("method", "");
    for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (method == "ping") return reply(id, 200);
    if (method == "time") {
      return reply(id, 200,
                   ",\"result\":{\"serverTime\":" +
                       std::to_string(hub_.market_clock->now() / kNsPerMs) + "}");
    }
    if (method == "subscribe" || method == "unsubscribe") {
      if (!j.contains("params") || !j["params"].is_array()) {
        return error(id, 400, -1013, "Invalid parameters");
      }
      std::vector<std::pair<std::string, std::string>> streams;
      for (const auto& p : j["params"]) {
        std::string symbol, kind;
        if (!p.is_string() || !parse_stream(p.get<std::string>(), symbol, kind)) {
          return error(id, 400, -1013,
                       "Invalid stream name: " + (p.is_string() ? p.get<std::string>() : p.dump()));
        }
        streams.emplace_back(symbol, kind);
      }
      const bool on = method == "subscribe";
      for (const auto& [symbol, kind] : streams) {
        subscribe(symbol, kind, on);
        auto& names = subs_[symbol].names;
        const std::string name = lower(symbol) + "@" + kind;
        if (on) {
          names.insert(name);
        } else {
          names.erase(name);
        }
      }
      return reply(id, 200);  // after the snapshots, as observed on the wire
    }
    if (method == "list_subscriptions") {
      nlohmann::json arr = nlohmann::json::array();
      for (const auto& [sym, s] : subs_) {
        for (const auto& n : s.names) arr.push_back(n);
      }
      return reply(id, 200, ",\"result\":" + arr.dump());
    }
    if (method == "depth") {
      const auto& p = j.contains("params") ? j["params"] : nlohmann::json();
      const SymbolInfo* info = p.is_object() && p.contains("symbol") && p["symbol"].is_string()
                                   ? hub_.engine->symbol(p["symbol"].get<std::string>())
                                   : nullptr;
      if (!info) return error(id, 400, -1013, "Invalid parameters");
      const int limit = std::clamp(p.value("limit", 100), 1, 5000);
      return reply(id, 200,
                   ",\"result\":" + partial_depth_frame(hub_.engine->book(info->symbol), *info,
                                                        hub_.engine->last_update_id(info->symbol),
                                                        std::size_t(limit)));
    }
    if (method.rfind("order.", 0) == 0) return error(id, 401, -1002, "Authentication required");
    return error(id, 400, -1020, "Unsupported operation");
  }

  void on_v2(const nlohmann::json& j) {
    if (j.is_discarded() || !j.is_object()) {
      return send("{\"result\":\"error\",\"reason\":\"InvalidJson\"}", false);
    }
    const std::string type = j.value("type", "");
    if ((type != "subscribe" && type != "unsubscribe") || !j.contains("subscriptions") ||
        !j["subscriptions"].is_array()) {
      return send("{\"result\":\"error\",\"reason\":\"InvalidJson\"}", false);
    }
    bool any = false;
    for (const auto& sub : j["subscriptions"]) {
      if (!sub.is_object() || sub.value("name", "") != "l2" || !sub.contains("symbols")) continue;
      for (const auto& s : sub["symbols"]) {
        const SymbolInfo* info =
            s.is_string() ? hub_.engine->symbol(s.get<std::string>()) : nullptr;
        if (!info) continue;
        any = true;
        if (type == "unsubscribe") {
          l2_.erase(info->symbol);
        } else if (l2_.insert(info->symbol).second) {
          send(v2_l2_snapshot_frame(*info, hub_.engine->book(info->symbol),
                                    hub_.engine->recent_trades(info->symbol)),
               false);
          hub_.note(hub_.ws_event("ws_snapshot", info->symbol, id_, 0));
        }
      }
    }
    if (!any) send("{\"result\":\"error\",\"reason\":\"NoValidTradingPairs\"}", false);
  }

  websocket::stream<SslStream> ws_;
  SimServer::Impl& hub_;
  beast::flat_buffer in_;
  std::deque<std::string> out_;
  bool writing_ = false;
  bool open_ = true;
  Kind kind_ = Kind::Current;
  int snapshot_ = 0;
  std::map<std::string, Sub> subs_;
  std::string v1_symbol_;
  V1Filter v1_filter_;
  bool v1_heartbeat_ = false;
  std::uint64_t v1_seq_ = 0;
  std::set<std::string> l2_;
  std::uint64_t id_ = 0;               // session number (journal)
  std::set<std::string> gap_pending_;  // symbols with a withheld frame not yet followed
};

// ------------------------------------------------------------------------------------------
// HTTPS sessions: REST, /sim/* hooks, and the upgrade to a websocket.

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(tcp::socket&& socket, SimServer::Impl& hub)
      : stream_(std::move(socket), hub.ssl_ctx), hub_(hub), timer_(hub.ioc) {
    boost::system::error_code ec;
    auto ep = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
    remote_ = ec ? "?" : ep.address().to_string();
  }

  void run() {
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(15));
    stream_.async_handshake(ssl::stream_base::server,
                            [self = shared_from_this()](beast::error_code ec) {
                              if (!ec) self->read();
                            });
  }

 private:
  void read() {
    parser_.emplace();
    parser_->body_limit(1 << 16);
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(120));
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       if (ec) return;
                       self->on_request(self->parser_->release());
                     });
  }

  void on_request(http::request<http::string_body> req) {
    if (websocket::is_upgrade(req)) {
      beast::get_lowest_layer(stream_).expires_never();
      auto ws = std::make_shared<WsSession>(std::move(stream_), hub_);
      ws->accept(std::move(req));
      return;
    }
    const std::string target(req.target());
    keep_alive_ = req.keep_alive();
    version_ = req.version();
    if (target.rfind("/sim/inject", 0) == 0) {
      const auto q = target.find('?');
      const std::string_view query =
          q == std::string::npos ? "" : std::string_view(target).substr(q + 1);
      const std::string what = query_value(query, "what");
      const std::string count = query_value(query, "count");
      const int n = count.empty() ? 1 : std::max(1, std::atoi(count.c_str()));
      if (!inject_fault(hub_, what, n)) {
        return respond(400, error_body("Bad Request", "unknown fault '" + what + "'"));
      }
      return respond(200, "{\"result\":\"ok\"}");
    }
    const bool hook = target.rfind("/sim/", 0) == 0;
    if (target == "/sim/events") return respond(200, hub_.events_json());
    const FaultConfig& f = hub_.config.faults;
    // The journal entry of this request (hooks are not journaled).
    auto journal = [&](int status, const char* note) {
      if (hook) return;
      SimEvent e;
      e.kind = "rest";
      e.path = target.substr(0, target.find('?'));
      e.status = status;
      e.note = note;
      if (auto it = req.find("X-GEMINI-APIKEY"); it != req.end())
        e.api_key = std::string(it->value());
      if (auto it = req.find("X-GEMINI-PAYLOAD"); it != req.end()) {
        auto decoded = base64_decode(std::string(it->value()));
        auto j = decoded ? nlohmann::json::parse(*decoded, nullptr, false) : nlohmann::json();
        if (j.is_object() && j.contains("client_order_id") && j["client_order_id"].is_string())
          e.client_order_id = j["client_order_id"].get<std::string>();
      }
      hub_.note(std::move(e));
    };
    if (!hook && (hub_.take(hub_.inject.http_429) || hub_.chance(f.rest_429_rate))) {
      hub_.rest->count_status(429);
      journal(429, "429");
      return respond(429, error_body("RateLimit", "Too Many Requests"));
    }
    if (!hook && (hub_.take(hub_.inject.http_503) || hub_.chance(f.rest_503_rate))) {
      hub_.rest->count_status(503);
      journal(503, "503");
      return respond(503, error_body("Maintenance",
                                     "The Gemini Exchange is currently undergoing maintenance. "
                                     "Please try again later."));
    }
    RestRequest r;
    r.method = std::string(req.method_string());
    r.target = target;
    r.remote = remote_;
    auto header = [&](const char* name, std::string& out, bool& has) {
      auto it = req.find(name);
      has = it != req.end();
      if (has) out = std::string(it->value());
    };
    header("X-GEMINI-APIKEY", r.api_key, r.has_api_key);
    header("X-GEMINI-PAYLOAD", r.payload, r.has_payload);
    header("X-GEMINI-SIGNATURE", r.signature, r.has_signature);
    RestResponse res =
        target == "/sim/stats" ? RestResponse{200, hub_.stats(), {}} : hub_.rest->handle(r);
    const bool order_new = target.rfind("/v1/order/new", 0) == 0;
    if (!hook && ((order_new && hub_.take(hub_.inject.order_new_timeout)) ||
                  hub_.chance(f.rest_timeout_rate))) {
      // Processed, never answered: the client times out and must find out what happened.
      ++hub_.rest_timeouts;
      journal(0, "timeout");
      timer_.expires_after(std::chrono::milliseconds(f.rest_timeout_close_ms));
      timer_.async_wait([self = shared_from_this()](beast::error_code) {
        beast::error_code ec;
        beast::get_lowest_layer(self->stream_).socket().close(ec);
      });
      return;
    }
    if (!hook && hub_.chance(f.rest_delay_rate)) {
      ++hub_.rest_delayed;
      journal(res.status, "delayed");
      timer_.expires_after(std::chrono::milliseconds(f.rest_delay_ms));
      timer_.async_wait([self = shared_from_this(), res](beast::error_code ec) {
        if (!ec) self->respond(res.status, res.body);
      });
      return;
    }
    journal(res.status, "");
    respond(res.status, res.body);
  }

 public:
  static bool inject_fault(SimServer::Impl& hub, std::string_view what, int n) {
    if (what == "order_new_timeout") {
      hub.inject.order_new_timeout += n;
    } else if (what == "http_429") {
      hub.inject.http_429 += n;
    } else if (what == "http_503") {
      hub.inject.http_503 += n;
    } else if (what == "skip_sequence") {
      hub.inject.skip_sequence += n;
    } else if (what == "malformed") {
      hub.inject.malformed += n;
    } else if (what == "cross_book") {
      hub.inject.cross_book += n;
    } else if (what == "drop_ws") {
      std::vector<WsSession*> all(hub.ws_sessions.begin(), hub.ws_sessions.end());
      for (auto* s : all) s->drop();
      hub.ws_dropped += all.size();
    } else {
      return false;
    }
    return true;
  }

 private:
  void respond(int status, std::string body) {
    auto res = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(status), version_);
    res->set(http::field::server, "rtcrypto-sim");
    res->set(http::field::content_type, "application/json");
    res->keep_alive(keep_alive_);
    res->body() = std::move(body);
    res->prepare_payload();
    http::async_write(stream_, *res,
                      [self = shared_from_this(), res](beast::error_code ec, std::size_t) {
                        if (ec) return;
                        if (res->keep_alive()) return self->read();
                        self->stream_.async_shutdown([self](beast::error_code) {});
                      });
  }

  SslStream stream_;
  SimServer::Impl& hub_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  net::steady_timer timer_;
  std::string remote_;
  bool keep_alive_ = true;
  unsigned version_ = 11;
};

// ------------------------------------------------------------------------------------------
// The hub: market-data fan-out and timers.

void SimServer::Impl::on_market(const MarketEvents& ev) {
  for (const auto& t : ev.trades) {
    market->on_trade(ev.symbol, ev.ts, t.price.to_double(), t.amount.to_double());
  }
  for (const auto& c : ev.changes) {
    pending_100ms[ev.symbol].levels[{c.side, c.price}] = c.remaining;
    pending_1s[ev.symbol].levels[{c.side, c.price}] = c.remaining;
  }
  const OrderBook& book = engine->book(ev.symbol);
  auto& top = last_top[ev.symbol];
  auto same = [](const std::optional<BookLevel>& a, const std::optional<BookLevel>& b) {
    return a.has_value() == b.has_value() &&
           (!a || (a->price == b->price && a->quantity == b->quantity));
  };
  const auto bb = book.best_bid(), ba = book.best_ask();
  const bool top_changed = !same(top.first, bb) || !same(top.second, ba);
  top = {bb, ba};
  const SymbolInfo& info = *engine->symbol(ev.symbol);
  std::vector<WsSession*> all(ws_sessions.begin(), ws_sessions.end());
  for (auto* s : all) {
    if (ws_sessions.count(s)) s->on_market(ev, info, top_changed);
  }
}

void SimServer::Impl::flush_depth(std::map<std::string, Pending>& pending, bool hundred_ms) {
  const TimeNs now = market_clock->now();
  std::vector<WsSession*> all(ws_sessions.begin(), ws_sessions.end());
  for (auto& [symbol, p] : pending) {
    if (p.levels.empty()) continue;
    std::vector<DepthLevel> bids, asks;
    for (const auto& [key, total] : p.levels) {
      (key.first == Side::Bid ? bids : asks).push_back(DepthLevel{key.second, total});
    }
    p.levels.clear();
    const SymbolInfo& info = *engine->symbol(symbol);
    const std::uint64_t u = engine->last_update_id(symbol);
    for (auto* s : all) {
      if (ws_sessions.count(s)) s->on_depth(info, now, u, bids, asks, hundred_ms);
    }
  }
  for (const auto& info : engine->symbols()) {
    for (auto* s : all) {
      if (ws_sessions.count(s)) s->on_partial(info, hundred_ms);
    }
  }
}

void SimServer::Impl::do_accept() {
  acceptor->async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted) return;
    if (!ec) std::make_shared<HttpSession>(std::move(socket), *this)->run();
    do_accept();
  });
}

void SimServer::Impl::arm_flow() {
  flow_timer->expires_after(std::chrono::milliseconds(std::max(1, config.flow.step_ms)));
  flow_timer->async_wait([this](beast::error_code ec) {
    if (ec) return;
    if (!flow_paused && config.synthetic_flow) market->step(market_clock->now());
    arm_flow();
  });
}

void SimServer::Impl::arm_flush(bool hundred_ms) {
  auto& t = hundred_ms ? flush_100ms : flush_1s;
  t->expires_after(std::chrono::milliseconds(hundred_ms ? 100 : 1000));
  t->async_wait([this, hundred_ms](beast::error_code ec) {
    if (ec) return;
    flush_depth(hundred_ms ? pending_100ms : pending_1s, hundred_ms);
    arm_flush(hundred_ms);
  });
}

void SimServer::Impl::arm_heartbeat() {
  heartbeat_timer->expires_after(std::chrono::seconds(5));
  heartbeat_timer->async_wait([this](beast::error_code ec) {
    if (ec) return;
    const TimeNs now = market_clock->now();
    std::vector<WsSession*> all(ws_sessions.begin(), ws_sessions.end());
    for (auto* s : all) {
      if (ws_sessions.count(s)) s->heartbeat(now);
    }
    arm_heartbeat();
  });
}

void SimServer::Impl::arm_drop() {
  if (config.faults.ws_drop_every_s <= 0) {
    drop_timer->cancel();
    return;
  }
  drop_timer->expires_after(
      std::chrono::milliseconds(static_cast<long>(config.faults.ws_drop_every_s * 1000)));
  drop_timer->async_wait([this](beast::error_code ec) {
    if (ec) return;
    HttpSession::inject_fault(*this, "drop_ws", 1);
    arm_drop();
  });
}

std::string SimServer::Impl::stats() {
  nlohmann::json extra;
  extra["ws_connections_open"] = ws_sessions.size();
  extra["ws_connections_accepted"] = ws_accepted;
  extra["ws_dropped_by_fault"] = ws_dropped;
  extra["ws_frames_sent"] = ws_frames;
  extra["ws_frames_skipped"] = ws_skipped;
  extra["ws_malformed_sent"] = ws_malformed;
  extra["ws_crossed_sent"] = ws_crossed;
  extra["journal_dropped"] = journal_dropped;
  extra["rest_timeouts_injected"] = rest_timeouts;
  extra["rest_delays_injected"] = rest_delayed;
  extra["market_time_ms"] = market_clock->now() / kNsPerMs;
  return rest->stats_json(extra.dump());
}

std::string SimServer::Impl::events_json() {
  nlohmann::json arr = nlohmann::json::array();
  for (const SimEvent& e : journal) {
    nlohmann::json j;
    j["wall_ns"] = e.wall;
    j["market_ns"] = e.market;
    j["kind"] = e.kind;
    if (!e.symbol.empty()) j["symbol"] = e.symbol;
    if (e.session) j["session"] = e.session;
    if (e.u) j["u"] = e.u;
    if (!e.path.empty()) j["path"] = e.path;
    if (!e.api_key.empty()) j["api_key"] = e.api_key;
    if (!e.client_order_id.empty()) j["client_order_id"] = e.client_order_id;
    if (e.kind == "rest") j["status"] = e.status;
    if (!e.note.empty()) j["note"] = e.note;
    arr.push_back(std::move(j));
  }
  return arr.dump();
}

// ------------------------------------------------------------------------------------------

SimServer::SimServer(SimConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}

SimServer::~SimServer() {
  stop();
}

void SimServer::start() {
  Impl& m = *impl_;
  if (m.running) return;
  const SimConfig& c = m.config;
  if (!c.allow_non_loopback && !is_loopback_host(c.listen_host)) {
    throw std::invalid_argument("--listen " + c.listen_host +
                                " is not a loopback address (add --allow-non-loopback)");
  }
  if (c.speed <= 0) throw std::invalid_argument("--speed must be positive");
  if (c.symbols.empty()) throw std::invalid_argument("--symbols: at least one symbol");

  m.identity = make_tls_identity();
  if (!c.cert_dir.empty()) {
    std::filesystem::create_directories(c.cert_dir);
    m.ca_file = c.cert_dir / "ca.pem";
    std::ofstream out(m.ca_file, std::ios::trunc);
    out << m.identity.ca_cert_pem;
    if (!out) throw std::runtime_error("cannot write " + m.ca_file.string());
  }
  m.ssl_ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                        ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  m.ssl_ctx.use_certificate_chain(
      net::buffer(m.identity.server_cert_pem.data(), m.identity.server_cert_pem.size()));
  m.ssl_ctx.use_private_key(
      net::buffer(m.identity.server_key_pem.data(), m.identity.server_key_pem.size()),
      ssl::context::pem);

  const TimeNs wall0 = wall_now_ns();
  m.market_clock = std::make_unique<MarketClock>(c.start_time.value_or(wall0), wall0, c.speed);
  std::vector<SymbolInfo> infos;
  for (const auto& s : c.symbols) infos.push_back(default_symbol_info(s));
  m.engine = std::make_unique<MatchingEngine>(
      infos, Decimal::from_raw(Decimal::kOne / 10000 * c.maker_fee_bps),
      Decimal::from_raw(Decimal::kOne / 10000 * c.taker_fee_bps), *m.market_clock);
  for (const auto& a : c.accounts) m.engine->add_account(a.key, a.balances);
  m.market = std::make_unique<SyntheticMarket>(*m.engine, m.config, m.market_clock->now());
  m.fault_rng.seed(c.seed ^ 0xFA17);
  if (c.synthetic_flow) m.market->seed_books();
  m.engine->set_listener([&m](const MarketEvents& ev) { m.on_market(ev); });
  m.rest =
      std::make_unique<RestApi>(*m.engine, m.market.get(), m.config, *m.market_clock, m.wall_clock);

  tcp::endpoint ep(net::ip::make_address(c.listen_host), c.port);
  m.acceptor = std::make_unique<tcp::acceptor>(m.ioc);
  m.acceptor->open(ep.protocol());
  m.acceptor->set_option(net::socket_base::reuse_address(true));
  boost::system::error_code ec;
  m.acceptor->bind(ep, ec);
  if (ec) {
    throw std::runtime_error("sim: cannot listen on " + c.listen_host + ":" +
                             std::to_string(c.port) + ": " + ec.message());
  }
  m.acceptor->listen(net::socket_base::max_listen_connections);
  m.bound_port = m.acceptor->local_endpoint().port();

  m.flow_timer = std::make_unique<net::steady_timer>(m.ioc);
  m.flush_100ms = std::make_unique<net::steady_timer>(m.ioc);
  m.flush_1s = std::make_unique<net::steady_timer>(m.ioc);
  m.heartbeat_timer = std::make_unique<net::steady_timer>(m.ioc);
  m.drop_timer = std::make_unique<net::steady_timer>(m.ioc);
  m.do_accept();
  m.arm_flow();
  m.arm_flush(true);
  m.arm_flush(false);
  m.arm_heartbeat();
  m.arm_drop();
  m.running = true;
  std::promise<void> started;
  auto ready = started.get_future();
  m.thread = std::thread([&m, &started] {
    m.loop_thread_id = std::this_thread::get_id();
    started.set_value();
    m.ioc.run();
  });
  ready.wait();
}

void SimServer::stop() {
  Impl& m = *impl_;
  if (!m.running) return;
  net::post(m.ioc, [&m] {
    boost::system::error_code ec;
    m.acceptor->close(ec);
    std::vector<WsSession*> all(m.ws_sessions.begin(), m.ws_sessions.end());
    for (auto* s : all) s->drop();
    m.ioc.stop();
  });
  if (m.thread.joinable()) m.thread.join();
  m.running = false;
}

std::uint16_t SimServer::port() const {
  return impl_->bound_port;
}
std::string SimServer::host() const {
  return impl_->config.listen_host;
}
const std::string& SimServer::ca_pem() const {
  return impl_->identity.ca_cert_pem;
}
std::filesystem::path SimServer::ca_path() const {
  return impl_->ca_file;
}
TimeNs SimServer::market_now() const {
  return impl_->market_clock ? impl_->market_clock->now() : wall_now_ns();
}

BookSnapshot SimServer::true_book(const std::string& symbol) {
  return impl_->run_on_loop([&] {
    return BookSnapshot{impl_->engine->book(symbol), impl_->engine->last_update_id(symbol),
                        impl_->market_clock->now()};
  });
}

std::string SimServer::stats_json() {
  return impl_->run_on_loop([&] { return impl_->stats(); });
}

void SimServer::set_faults(const FaultConfig& faults) {
  impl_->run_on_loop([&] {
    impl_->config.faults = faults;
    if (impl_->running) impl_->arm_drop();  // the drop period may have changed
    return 0;
  });
}

void SimServer::set_flow_paused(bool paused) {
  impl_->run_on_loop([&] {
    impl_->flow_paused = paused;
    return 0;
  });
}

bool SimServer::inject(std::string_view what, int count) {
  return impl_->run_on_loop([&] { return HttpSession::inject_fault(*impl_, what, count); });
}

std::vector<SimEvent> SimServer::events() {
  return impl_->run_on_loop([&] { return impl_->journal; });
}

void SimServer::with_engine(const std::function<void(MatchingEngine&)>& fn) {
  impl_->run_on_loop([&] {
    fn(*impl_->engine);
    return 0;
  });
}

}  // namespace rtcrypto::sim
