// --source gemini: the websocket feed (ws / v2 / v1) on the daemon's Asio loop, on the main
// thread, with the Gemini exchange's callbacks on the same loop. Frames go through the feed
// parser into the engine; a 1 s tick gives the engine wall time so quiet markets still close
// their windows. A gap or a reconnect drops the symbol's book (no orders on it) and asks the
// client for a fresh snapshot.
#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <map>

#include "live_loop.hpp"
#include "rtcrypto/app/commands.hpp"
#include "rtcrypto/app/run_context.hpp"
#include "rtcrypto/book/book_fingerprint.hpp"
#include "rtcrypto/core/forwarding_sink.hpp"
#include "rtcrypto/core/log.hpp"
#include "rtcrypto/net/endpoints.hpp"
#include "rtcrypto/net/market_data_client.hpp"

namespace rtcrypto::app {

std::function<void(const RunContext&)> g_live_status_hook;

namespace {

// Passes events through to the daemon's sink and notes the symbols that reported a gap.
class GapTap final : public ForwardingSink {
 public:
  using ForwardingSink::ForwardingSink;
  void on_gap(std::string_view s, TimeNs ts, std::string_view why) override {
    gaps_.emplace_back(s);
    next_.on_gap(s, ts, why);
  }
  std::vector<std::string> take_gaps() { return std::exchange(gaps_, {}); }

 private:
  std::vector<std::string> gaps_;
};

}  // namespace

void run_live_source(RunContext& ctx) {
  const RunConfig& cfg = ctx.cfg;
  auto mode = net::parse_trading_mode(cfg.mode);
  auto feed = net::parse_feed_protocol(cfg.feed);
  if (!mode) throw UsageError("--mode: must be paper, sandbox or live");
  if (!feed) throw UsageError("--feed: must be ws, v2 or v1 (got '" + cfg.feed + "')");
  if (!ctx.loop) ctx.loop = std::make_shared<LiveLoop>();
  LiveLoop& loop = *ctx.loop;

  net::MarketDataConfig mc;
  mc.protocol = *feed;
  mc.url = net::resolve_endpoints(*mode, *feed, cfg.ws_url, cfg.rest_url).ws_url;
  for (const auto& s : cfg.symbols) mc.symbols.push_back(normalize_symbol(s));
  mc.ca_file = cfg.ca_file;
  // ws: a quiet book stays fresh through the pongs to our pings (on_feed_current below), so
  // ping well within the stale-book limit (v1/v2 heartbeats come every 5 s by themselves).
  if (cfg.risk.max_book_age_ms > 0) {
    mc.ping_interval =
        std::clamp<TimeNs>(cfg.risk.max_book_age_ms * kNsPerMs / 3, kNsPerSec, mc.ping_interval);
  }

  GapTap tap(ctx.sink());
  std::map<std::size_t, std::unique_ptr<FeedParser>> parsers;  // v1: one per connection
  auto parser_for = [&](const net::FrameSource& src) -> FeedParser& {
    auto& p = parsers[*feed == FeedKind::V1 ? src.connection : 0];
    if (!p) p = make_parser(*feed, src.symbol, ParserOptions{mc.max_frame_bytes});
    return *p;
  };
  std::unique_ptr<net::MarketDataClient> client;
  std::uint64_t sequence_gaps = 0, crossed_books = 0;
  // A book found crossed after a frame was dropped by the engine: a missed update, so the
  // same fresh snapshot as for a gap (no orders on it meanwhile: it is not whole).
  ctx.engine->book_builder().set_crossed_listener([&](std::string_view s) {
    ++crossed_books;
    client->request_resync(s, "crossed book");
  });
  // Every frame, after its events, proves the books its connection carries current as of
  // its receipt (TCP delivers in order: nothing before it was missed) — heartbeats, pongs
  // and trades included; a frame the parser could not read suspends that for them until
  // their next change (Engine::on_feed_current / on_feed_suspect; risk_manager.hpp).
  auto prove_current = [&](const net::FrameSource& src, TimeNs recv_ts, bool unreadable) {
    auto one = [&](std::string_view s) {
      if (unreadable) {
        ctx.engine->on_feed_suspect(s);
      } else {
        ctx.engine->on_feed_current(s, recv_ts);
      }
    };
    if (*feed == FeedKind::V1) {
      one(src.symbol);
    } else {
      for (const auto& s : mc.symbols) one(s);
    }
  };
  auto on_frame = [&](std::string_view frame, TimeNs recv_ts, const net::FrameSource& src) {
    FeedParser& parser = parser_for(src);
    auto unreadable = [&parser] {
      const FeedStats& fs = parser.stats();
      return fs.parse_errors + fs.oversized + fs.unknown_types;
    };
    const std::uint64_t unreadable_before = unreadable();
    parser.parse(frame, recv_ts, tap);
    ctx.end_of_frame(recv_ts);
    prove_current(src, recv_ts, unreadable() != unreadable_before);
    for (const auto& s : tap.take_gaps()) {
      ++sequence_gaps;
      client->request_resync(s, "sequence gap");
    }
  };
  auto on_state = [&](const net::ConnectionEvent& e) {
    std::string syms;
    for (const auto& s : e.symbols) syms += (syms.empty() ? "" : ",") + s;
    log::info("feed connection " + std::to_string(e.connection) + " (" + syms + "): " +
              std::string(net::to_string(e.state)) + (e.reason.empty() ? "" : " - " + e.reason));
    if (e.state != net::ConnectionState::Connected && e.state != net::ConnectionState::Disconnected)
      return;
    // A new connection starts from a snapshot: drop the books it carries until then.
    if (auto it = parsers.find(*feed == FeedKind::V1 ? e.connection : 0); it != parsers.end())
      it->second->reset();
    for (const auto& s : e.symbols) ctx.sink().on_gap(s, e.ts ? e.ts : wall_now_ns(), "reconnect");
  };
  client = std::make_unique<net::MarketDataClient>(loop.io, mc, on_frame, on_state);
  log::info("feed: " + std::string(to_string(*feed)) + " at " + mc.url);

  // Wall time for the engine once a second (windows close on quiet markets), and the status.
  boost::asio::steady_timer tick(loop.io);
  std::function<void()> arm = [&] {
    tick.expires_after(std::chrono::seconds(1));
    tick.async_wait([&](const boost::system::error_code& ec) {
      if (ec) return;
      ctx.sink().on_time(wall_now_ns());
      if (g_live_status_hook) g_live_status_hook(ctx);
      arm();
    });
  };
  client->start();
  arm();
  loop.run_until([&] { return ctx.should_stop(); }, std::numeric_limits<TimeNs>::max() / 4);

  // The books as the run ended (before the feed closes): the fingerprint compares them with
  // another copy (the simulator's true book in tests).
  for (const auto& s : mc.symbols) {
    const OrderBook* b = ctx.engine->book(s);
    if (!b) continue;
    log::info("feed: " + s + " book at exit: " + (b->whole() ? "whole" : "not whole") + ", " +
              std::to_string(b->depth(Side::Bid)) + " bids, " +
              std::to_string(b->depth(Side::Ask)) + " asks, fingerprint " +
              format_fingerprint(book_fingerprint(*b)));
  }
  log::info("stopping: no more orders; closing the feed");
  tick.cancel();
  client->stop();
  ctx.engine->book_builder().set_crossed_listener(nullptr);
  shutdown_remote_exchange(ctx);
  loop.run_until([] { return false; }, 100 * kNsPerMs);  // let the closes run

  const auto ms = client->stats();
  ctx.summary.frames += ms.frames;
  for (const auto& [i, p] : parsers) {
    const FeedStats& fs = p->stats();
    ctx.summary.parse_errors += fs.parse_errors + fs.unknown_types + fs.oversized;
  }
  log::info("feed: " + std::to_string(ms.frames) + " frames, " + std::to_string(ms.connects) +
            " connect(s), " + std::to_string(ms.disconnects) + " disconnect(s), " +
            std::to_string(ms.resyncs) + " resync(s) (" + std::to_string(sequence_gaps) +
            " sequence gap(s), " + std::to_string(crossed_books) + " crossed book(s))");
}

}  // namespace rtcrypto::app
