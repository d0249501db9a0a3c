// Tick-to-order latency: frame bytes received → order/new request bytes ready, through the
// daemon's real components over loopback TLS, with a decision (and so, mostly, an order) on
// every frame:
//
//   in-process SimServer (v2 feed: one frame per market event, --speed scales the flow)
//     → MarketDataClient (Beast websocket over TLS)
//     → v2 FeedParser → Engine (BookBuilder, window, a bench signal alternating buy/sell,
//       BookStrategy, RiskManager; EngineConfig::decide_every_update)
//     → GeminiExchange → GeminiRestClient (nonce, JSON body, HMAC-SHA384, base64, HTTP header)
//
//   t0 = steady clock at the top of the frame callback: the websocket read that completed
//        the frame has returned, the bytes are in our buffer, nothing parsed yet;
//   t1 = steady clock in GeminiRestClient's order-write probe: the signed order/new request
//        is fully built (one contiguous buffer), just before the write to the TLS socket.
//
// The REST client's private lane sends one request at a time (nonce order), so an order may
// queue behind the previous order's round trip or a fill's mytrades/balances calls. The
// headline figures count only orders that went out on an idle lane ("idle"); the queued ones
// are counted and shown apart. The event loop itself never waits for a round trip.
// On an idle, connected lane the REST client signs and builds the order and begins its write
// inside place(), so t1 falls inside the frame handler (no event-loop hop before the bytes
// exist); the write itself (TLS record, loopback send) follows t1 before the handler returns.
// An idle order that must first (re)connect goes through the lane's coroutine, its t1 after
// the handler: both are idle orders, their split is shown under the headline.
//
// Where the work runs: the simulator has its own thread and io_context (it makes the frames
// and answers the REST calls); the daemon side (feed client, parser, engine, exchange, REST
// client) runs on the bench's one io_context thread. Nothing of the sim runs on that thread,
// but on a shared 2-core machine it competes for the CPU with it (as a real peer would not).
//
// Baseline (same run): the frames received above, already in memory, through a fresh parser
// and engine of the same configuration into an exchange that builds the same signed order
// bytes (nonce, order_new_payload, PayloadSigner, the same request head) with no
// network and no event-loop hops; t0 before parse, t1 when the bytes are ready.
//
//   bench_tick_to_order [--orders N] [--speed X] [--step-ms MS] [--max-seconds S] [--seed S]
//
// Prints count, p50, p90, p99, p99.9 and max in µs for both paths and the ratios; exit 0 when
// the idle-lane p99 is under 50 µs (the target), 1 when it is not, 2 on a setup failure.
#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "rtcrypto/core/forwarding_sink.hpp"
#include "rtcrypto/core/log.hpp"
#include "rtcrypto/engine/engine.hpp"
#include "rtcrypto/feed/feed_parser.hpp"
#include "rtcrypto/net/gemini_auth.hpp"
#include "rtcrypto/net/gemini_exchange.hpp"
#include "rtcrypto/net/gemini_json.hpp"
#include "rtcrypto/net/gemini_rest_client.hpp"
#include "rtcrypto/net/market_data_client.hpp"
#include "rtcrypto/sim/sim_server.hpp"

namespace rtcrypto {
namespace {

using Clock = std::chrono::steady_clock;
inline std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

constexpr const char* kRunId = "ttob";
constexpr const char* kKey = "benchkey";
constexpr const char* kSecret = "benchsecret";

struct Options {
  std::size_t orders = 10000;  // idle-lane orders to time
  double speed = 150;
  int step_ms = 5;
  double max_seconds = 240;
  std::uint64_t seed = 7;
};

// The bench-only signal: buy, sell, buy, ... one per decision, whatever the time.
class AlternatingSignal final : public SignalSource {
 public:
  std::optional<SignalValue> signal_at(std::string_view, TimeNs t) override {
    SignalValue v;
    v.side = (n_++ & 1) ? OrderSide::Sell : OrderSide::Buy;
    v.target_minute = t;
    v.source = "bench";
    return v;
  }
  std::string describe() const override { return "alternating buy/sell (bench)"; }

 private:
  std::uint64_t n_ = 0;
};

// Decisions on every book update, limits relaxed for the bench (config, not code): no notional,
// position or rate limit, no loss limits, no book-age guard (event time runs at --speed); the
// ratio band wide open so that the signal alone picks the side.
EngineConfig bench_engine_config() {
  EngineConfig c;
  c.symbols = {"BTCUSD"};
  c.run_id = kRunId;
  c.window_length = 3600 * kNsPerSec;  // few window resets: the open window has a ratio
  c.decide_every_update = true;
  c.strategy.band_low = 0;
  c.strategy.band_high = 1e300;
  c.strategy.trade_pct = Decimal::from_raw(Decimal::kOne / 1000);  // $1000 of $1M per buy
  c.risk = RiskLimits{};
  c.risk.max_book_age = 0;
  return c;
}

// client_order_id "<run>-<n>" → n (the engine numbers its orders from 1).
std::uint64_t order_seq(std::string_view cid) {
  auto dash = cid.rfind('-');
  std::uint64_t n = 0;
  if (dash == std::string_view::npos) return 0;
  std::from_chars(cid.data() + dash + 1, cid.data() + cid.size(), n);
  return n;
}

struct Percentiles {
  std::size_t count = 0;
  double p50 = 0, p90 = 0, p99 = 0, p999 = 0, max = 0;
};

Percentiles percentiles(std::vector<std::int64_t> ns) {
  Percentiles p;
  p.count = ns.size();
  if (ns.empty()) return p;
  std::sort(ns.begin(), ns.end());
  auto at = [&](double q) {
    std::size_t i = static_cast<std::size_t>(q * static_cast<double>(ns.size() - 1) + 0.5);
    return static_cast<double>(ns[std::min(i, ns.size() - 1)]) / 1000.0;
  };
  p.p50 = at(0.50);
  p.p90 = at(0.90);
  p.p99 = at(0.99);
  p.p999 = at(0.999);
  p.max = static_cast<double>(ns.back()) / 1000.0;
  return p;
}

void print_row(const char* name, const Percentiles& p) {
  std::printf("%-34s %8zu %9.2f %9.2f %9.2f %9.2f %10.2f\n", name, p.count, p.p50, p.p90, p.p99,
              p.p999, p.max);
}

void print_ratio(const char* name, const Percentiles& a, const Percentiles& b) {
  auto r = [](double x, double y) { return y > 0 ? x / y : 0.0; };
  std::printf("%-34s %8s %8.2fx %8.2fx %8.2fx %8.2fx %9.2fx\n", name, "", r(a.p50, b.p50),
              r(a.p90, b.p90), r(a.p99, b.p99), r(a.p999, b.p999), r(a.max, b.max));
}

// ---- the network path ------------------------------------------------------------------

struct Timings {
  std::vector<std::int64_t> t0;      // by order seq: receive time of the deciding frame
  std::vector<std::int64_t> tend;    // by order seq: when that frame's handler returned
  std::vector<std::int64_t> t1;      // by order seq: first write of its order/new (0 = none)
  std::vector<std::uint8_t> waited;  // by order seq: queued behind another request
  std::size_t written = 0, written_idle = 0;

  void grow(std::uint64_t seq) {
    if (seq >= t0.size()) {
      std::size_t n = std::max<std::size_t>(seq + 1, t0.size() * 2);
      t0.resize(n, 0);
      tend.resize(n, 0);
      t1.resize(n, 0);
      waited.resize(n, 0);
    }
  }
};

void on_order_write(void* ctx, const OrderRequest& req, bool waited) {
  const std::int64_t now = steady_ns();
  auto& t = *static_cast<Timings*>(ctx);
  const std::uint64_t seq = order_seq(req.client_order_id);
  if (seq == 0) return;
  t.grow(seq);
  if (t.t1[seq] != 0) return;  // a retry: the first write counts
  t.t1[seq] = now;
  t.waited[seq] = waited ? 1 : 0;
  ++t.written;
  if (!waited) ++t.written_idle;
}

template <class Pred>
bool run_until(boost::asio::io_context& io, Pred done, double seconds) {
  const auto end = Clock::now() + std::chrono::duration<double>(seconds);
  while (!done() && Clock::now() < end) {
    io.run_for(std::chrono::milliseconds(20));
    if (io.stopped()) io.restart();
  }
  return done();
}

struct NetworkRun {
  Timings timings;
  std::deque<std::string> frames;  // every frame, in order, for the baseline (no moves)
  std::uint64_t frame_count = 0;
  EngineStats engine;
  net::RestStats rest;
  net::GeminiExchangeStats exchange;
  FeedStats feed;
  std::string sim_stats;
};

// Passes events to the engine and notes gaps (the daemon's source does the same).
class GapTap final : public ForwardingSink {
 public:
  using ForwardingSink::ForwardingSink;
  void on_gap(std::string_view s, TimeNs ts, std::string_view why) override {
    gap = true;
    next_.on_gap(s, ts, why);
  }
  bool gap = false;
};

bool run_network(const Options& opt, const std::filesystem::path& cert_dir, NetworkRun& out) {
  sim::SimConfig sc;
  sc.cert_dir = cert_dir;
  sc.seed = opt.seed;
  sc.speed = opt.speed;
  sc.rate_limits = false;
  sc.history_minutes = 10;
  sc.flow.step_ms = opt.step_ms;
  sc.maker_fee_bps = sc.taker_fee_bps = 0;  // round trips must not drain the account
  sc.accounts.push_back(
      sim::parse_account_spec(std::string(kKey) + ":" + kSecret + ":USD=1000000,BTC=0"));
  sim::SimServer simulator(sc);
  simulator.start();
  const std::string host = "127.0.0.1:" + std::to_string(simulator.port());
  const std::string ca = simulator.ca_path().string();

  boost::asio::io_context io;
  net::RestConfig rc;
  rc.base_url = "https://" + host;
  rc.ca_file = ca;
  rc.request_timeout = 5 * kNsPerSec;
  rc.private_per_minute = rc.public_per_minute = 100'000'000;  // relaxed: orders on every frame
  rc.private_per_second = rc.public_per_second = 10'000'000;
  net::ApiCredentials creds;
  creds.key = kKey;
  creds.secret = net::SecretString(kSecret);
  net::GeminiRestClient rest(io, rc, creds);
  rest.set_order_write_probe(&on_order_write, &out.timings);
  net::GeminiExchangeConfig ec;
  ec.symbols = {"BTCUSD"};
  ec.client_id_prefix = std::string(kRunId) + "-";
  net::GeminiExchange exchange(io, rest, ec);

  std::optional<net::ReconcileReport> rep;
  exchange.reconcile([&](const net::ReconcileReport& r) { rep = r; });
  if (!run_until(
          io, [&] { return rep.has_value(); }, 30) ||
      !rep->ok()) {
    std::fprintf(stderr, "reconcile with the sim failed: %s\n",
                 rep && !rep->errors.empty() ? rep->errors[0].c_str() : "timeout");
    return false;
  }

  AlternatingSignal signal;
  Engine engine(bench_engine_config(), &signal, &exchange);
  GapTap tap(engine);
  auto parser = make_parser(FeedKind::V2);
  std::unique_ptr<net::MarketDataClient> client;
  Timings& tm = out.timings;
  tm.grow(1 << 16);

  net::MarketDataConfig mc;
  mc.protocol = net::FeedProtocol::V2;
  mc.url = "wss://" + host;
  mc.symbols = {"BTCUSD"};
  mc.ca_file = ca;
  auto on_frame = [&](std::string_view frame, TimeNs recv_ts, const net::FrameSource&) {
    const std::int64_t t0 = steady_ns();  // the read returned; nothing parsed yet
    const std::uint64_t before = engine.stats().orders;
    parser->parse(frame, recv_ts, tap);
    engine.end_of_frame(recv_ts);
    const std::uint64_t after = engine.stats().orders;
    const std::int64_t tend = steady_ns();
    for (std::uint64_t n = before + 1; n <= after; ++n) {  // client_order_id ttob-<n>
      tm.grow(n);
      tm.t0[n] = t0;
      tm.tend[n] = tend;
    }
    ++out.frame_count;
    out.frames.emplace_back(frame);  // for the baseline; after t1, outside the timed span
    if (tap.gap) {
      tap.gap = false;
      client->request_resync("BTCUSD", "sequence gap");
    }
  };
  auto on_state = [&](const net::ConnectionEvent& e) {
    if (e.state != net::ConnectionState::Connected) return;
    parser->reset();
    engine.on_gap("BTCUSD", e.ts, "reconnect");
  };
  client = std::make_unique<net::MarketDataClient>(io, mc, on_frame, on_state);
  client->start();

  const auto started = Clock::now();
  run_until(
      io, [&] { return tm.written_idle >= opt.orders; }, opt.max_seconds);
  const double secs = std::chrono::duration<double>(Clock::now() - started).count();

  client->stop();
  bool closed = false;
  exchange.shutdown(
      [&](const net::RestStatus&, const net::CancelSessionResult&) { closed = true; });
  run_until(
      io, [&] { return closed; }, 5);
  rest.stop();
  run_until(
      io, [] { return false; }, 0.1);
  out.engine = engine.stats();
  out.rest = rest.stats();
  out.exchange = exchange.stats();
  out.feed = parser->stats();
  out.sim_stats = simulator.stats_json();
  std::printf(
      "network run: %.1f s, %llu frames (%.0f/s), %llu decisions, %llu orders placed, "
      "%zu order/new writes (%zu on an idle lane)\n",
      secs, static_cast<unsigned long long>(out.frame_count),
      static_cast<double>(out.frame_count) / secs,
      static_cast<unsigned long long>(out.engine.decisions),
      static_cast<unsigned long long>(out.engine.orders), tm.written, tm.written_idle);
  std::printf(
      "  exchange: accepted %llu, rejected %llu, unknown %llu, fills %llu; REST requests "
      "%llu, retries %llu, 429s %llu; feed gaps %llu, parse errors %llu\n",
      static_cast<unsigned long long>(out.exchange.accepted),
      static_cast<unsigned long long>(out.exchange.rejected),
      static_cast<unsigned long long>(out.exchange.unknown),
      static_cast<unsigned long long>(out.exchange.fills),
      static_cast<unsigned long long>(out.rest.requests),
      static_cast<unsigned long long>(out.rest.retries),
      static_cast<unsigned long long>(out.rest.http_429),
      static_cast<unsigned long long>(out.feed.gaps),
      static_cast<unsigned long long>(out.feed.parse_errors));
  simulator.stop();
  return true;
}

// ---- the in-memory baseline --------------------------------------------------------------

// Builds exactly what GeminiRestClient sends for order/new — a nonce, the JSON body, its
// base64 payload and HMAC-SHA384 signature, and the Beast request header with the same fields
// — and stops there. Fills are instant (balances flip), so buys and sells alternate.
class MemoryOrderExchange final : public Exchange {
 public:
  explicit MemoryOrderExchange(std::vector<std::int64_t>& t1) : t1_(t1) {
    balances_ = {Balance{"BTC", {}, {}, {}},
                 Balance{"USD", Decimal::from_int(1'000'000), Decimal::from_int(1'000'000),
                         Decimal::from_int(1'000'000)}};
  }
  std::string_view name() const override { return "memory"; }
  void place(const OrderRequest& req, OrderCallback done) override {
    // The REST client's work for one order/new: payload, HMAC keyed once, and the request
    // head as one buffer (as HttpsSession writes it).
    net::write_order_new_payload(json_, req, nonces_.next(), {});
    signer_.sign_into(json_, sig_);
    const net::SignedPayload& sig = sig_;
    wire_.clear();
    wire_ += "POST /v1/order/new HTTP/1.1\r\nHost: 127.0.0.1:18443\r\nUser-Agent: rtcrypto\r\n";
    for (const auto& [k, v] :
         {std::pair<std::string_view, std::string_view>{"Content-Type", "text/plain"},
          {"Cache-Control", "no-cache"},
          {"X-GEMINI-APIKEY", kKey},
          {"X-GEMINI-PAYLOAD", sig.payload},
          {"X-GEMINI-SIGNATURE", sig.signature}}) {
      wire_ += k;
      wire_ += ": ";
      wire_ += v;
      wire_ += "\r\n";
    }
    wire_ += "Content-Length: 0\r\n\r\n";
    const std::int64_t now = steady_ns();
    std::uint64_t seq = order_seq(req.client_order_id);
    if (seq >= t1_.size()) t1_.resize(seq * 2 + 1, 0);
    t1_[seq] = now;
    bytes_ += wire_.size();  // keep it alive
    // Instant fill: the account flips between all quote and all base.
    const bool buy = req.side == OrderSide::Buy;
    balances_[0].amount = balances_[0].available = buy ? req.amount : Decimal{};
    balances_[1].amount = balances_[1].available = buy ? Decimal{} : Decimal::from_int(1'000'000);
    OrderOutcome o;
    o.kind = OutcomeKind::Rejected;  // the engine's accounting is not what is timed
    o.reason = "Bench";
    o.order.client_order_id = req.client_order_id;
    later_.emplace_back(std::move(done), std::move(o));
  }
  // Outcomes after the frame, outside the timed span (the network path answers later too).
  void deliver() {
    for (auto& [done, o] : later_)
      if (done) done(o);
    later_.clear();
  }
  void cancel(const std::string&, OrderCallback) override {}
  std::vector<Balance> balances() const override { return balances_; }
  std::optional<Order> order_by_client_id(const std::string&) const override {
    return std::nullopt;
  }
  std::vector<Order> open_orders() const override { return {}; }
  SymbolRules rules(const std::string& symbol) const override { return SymbolRules{symbol}; }
  void set_fill_listener(FillListener) override {}
  std::size_t bytes() const { return bytes_; }

 private:
  std::vector<std::int64_t>& t1_;
  net::NonceSource nonces_;
  net::SecretString secret_{kSecret};
  net::PayloadSigner signer_{secret_};
  std::string json_;  // payload and signature buffers reused, as the REST client does
  net::SignedPayload sig_;
  std::string wire_;
  std::vector<Balance> balances_;
  std::vector<std::pair<OrderCallback, OrderOutcome>> later_;
  std::size_t bytes_ = 0;
};

std::vector<std::int64_t> run_baseline(const std::deque<std::string>& frames,
                                       std::size_t min_orders) {
  std::vector<std::int64_t> lat;
  // Passes over the recorded frames until enough orders (a fresh engine and parser each).
  for (int pass = 0; pass < 50 && lat.size() < min_orders; ++pass) {
    std::vector<std::int64_t> t1(1 << 16, 0);
    MemoryOrderExchange exchange(t1);
    AlternatingSignal signal;
    Engine engine(bench_engine_config(), &signal, &exchange);
    auto parser = make_parser(FeedKind::V2);
    TimeNs recv = wall_now_ns();
    for (const std::string& f : frames) {
      recv += 1000;
      const std::int64_t t0 = steady_ns();
      const std::uint64_t before = engine.stats().orders;
      parser->parse(f, recv, engine);
      engine.end_of_frame(recv);
      const std::uint64_t after = engine.stats().orders;
      for (std::uint64_t n = before + 1; n <= after; ++n)
        if (n < t1.size() && t1[n] != 0) lat.push_back(t1[n] - t0);
      exchange.deliver();
    }
  }
  return lat;
}

int usage(const char* why) {
  std::fprintf(stderr,
               "%s\nusage: bench_tick_to_order [--orders N] [--speed X] [--step-ms MS] "
               "[--max-seconds S] [--seed S]\n",
               why);
  return 2;
}

int run(int argc, char** argv) {
  Options opt;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (i + 1 >= argc) return usage(("missing value for " + a).c_str());
    const char* v = argv[++i];
    char* end = nullptr;
    if (a == "--orders") {
      opt.orders = std::strtoull(v, &end, 10);
    } else if (a == "--speed") {
      opt.speed = std::strtod(v, &end);
    } else if (a == "--step-ms") {
      opt.step_ms = static_cast<int>(std::strtol(v, &end, 10));
    } else if (a == "--max-seconds") {
      opt.max_seconds = std::strtod(v, &end);
    } else if (a == "--seed") {
      opt.seed = std::strtoull(v, &end, 10);
    } else {
      return usage(("unknown option " + a).c_str());
    }
    if (!end || *end != '\0') return usage(("bad value for " + a).c_str());
  }
  if (opt.orders == 0 || !(opt.speed > 0) || opt.step_ms < 1 || !(opt.max_seconds > 0))
    return usage("--orders, --speed, --step-ms and --max-seconds must be positive");
  log::set_level(log::Level::Warn);

  char tmpl[] = "/tmp/rtc-ttob-XXXXXX";
  if (!mkdtemp(tmpl)) return usage("cannot make a temporary directory");
  const std::filesystem::path cert_dir = tmpl;
  NetworkRun net_run;
  bool ok = false;
  try {
    ok = run_network(opt, cert_dir, net_run);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "network run failed: %s\n", e.what());
  }
  std::error_code ec;
  std::filesystem::remove_all(cert_dir, ec);
  if (!ok) return 2;

  const Timings& tm = net_run.timings;
  std::vector<std::int64_t> idle, queued, all, idle_in_handler, idle_after_handler;
  std::size_t unmatched = 0;
  for (std::size_t n = 1; n < tm.t1.size(); ++n) {
    if (tm.t1[n] == 0) continue;
    if (tm.t0[n] == 0) {
      ++unmatched;
      continue;
    }
    const std::int64_t d = tm.t1[n] - tm.t0[n];
    all.push_back(d);
    (tm.waited[n] ? queued : idle).push_back(d);
    if (!tm.waited[n]) (tm.t1[n] <= tm.tend[n] ? idle_in_handler : idle_after_handler).push_back(d);
  }
  const std::vector<std::int64_t> base = run_baseline(net_run.frames, idle.size());

  const Percentiles pi = percentiles(idle), pq = percentiles(queued), pa = percentiles(all),
                    pb = percentiles(base);
  std::printf(
      "\ntick-to-order latency, µs (t0 = websocket read returned, t1 = signed order/new "
      "bytes ready, before the socket write)\n");
  std::printf("%-34s %8s %9s %9s %9s %9s %10s\n", "path", "count", "p50", "p90", "p99", "p99.9",
              "max");
  print_row("loopback TLS, idle lane [headline]", pi);
  print_row("  idle, t1 inside the frame handler", percentiles(idle_in_handler));
  print_row("  idle, t1 after it (connect first)", percentiles(idle_after_handler));
  print_row("loopback TLS, queued behind a call", pq);
  print_row("loopback TLS, every order", pa);
  print_row("in-memory baseline (no network)", pb);
  print_ratio("ratio idle / baseline", pi, pb);
  if (unmatched) std::printf("(%zu order writes without a frame time ignored)\n", unmatched);
  const bool enough = pi.count >= opt.orders;
  const bool pass = enough && pi.p99 < 50.0;
  std::printf("\ntarget: p99 < 50 µs over >= %zu idle-lane orders: %s (p99 %.2f µs over %zu)\n",
              opt.orders, pass ? "PASS" : "FAIL", pi.p99, pi.count);
  return pass ? 0 : 1;
}

}  // namespace
}  // namespace rtcrypto

int main(int argc, char** argv) {
  return rtcrypto::run(argc, argv);
}
