// The stale-book guard in a quiet market, through the live source (`run_daemon`, paper mode,
// in-process) against the simulator whose flow is paused once the book is whole: the book
// no longer changes, yet the pongs to the client's pings on the same
// connection prove it current: read once a second through the live status hook, the age the
// stale-book guard would measure stays young (risk_manager.hpp, max_book_age).
#include <gtest/gtest.h>

#include "rtcrypto/app/run_command.hpp"
#include "rtcrypto/app/run_context.hpp"
#include "rtcrypto/sim/sim_server.hpp"
#include "test_support.hpp"

namespace rtcrypto {
namespace {

TEST(QuietBookFresh, PongsKeepAnUnchangedBookFreshThroughTheLiveSource) {
  test::TempDir dir;
  sim::SimConfig sc;
  sc.cert_dir = dir.path() / "simcert";
  sc.seed = 5;
  sc.speed = 1;
  sc.flow.step_ms = 50;
  sc.history_minutes = 5;
  sim::SimServer sim(sc);
  sim.start();
  const std::string host = "127.0.0.1:" + std::to_string(sim.port());

  app::RunConfig cfg;
  cfg.mode = "paper";
  cfg.feed = "ws";
  cfg.ws_url = "wss://" + host;
  cfg.rest_url = "https://" + host;
  cfg.ca_file = sim.ca_path().string();
  cfg.store = (dir.path() / "q.db").string();
  cfg.run_id = "quiet";
  cfg.window_seconds = 1;
  cfg.risk.max_book_age_ms = 3000;  // ws pings every 1 s then (max_book_age / 3, at least 1 s)
  cfg.duration_seconds = 8;
  int ticks_whole = 0, checked = 0;
  TimeNs oldest = 0, quiet_since = -1, last_change = -1;
  app::g_live_status_hook = [&](const app::RunContext& ctx) {
    const OrderBook* b = ctx.engine->book("BTCUSD");
    if (!b || !b->whole()) return;
    if (++ticks_whole == 1) {
      sim.set_flow_paused(true);  // from here the market is quiet
      return;
    }
    if (ticks_whole == 2) {  // frames sent before the pause have arrived by now
      quiet_since = b->last_update();
      return;
    }
    last_change = b->last_update();
    // What decide() measures: the engine clock (this tick's wall time) minus the freshness.
    oldest = std::max(oldest, ctx.engine->now() - ctx.engine->fresh_at("BTCUSD"));
    ++checked;
  };
  app::run_daemon(cfg);
  app::g_live_status_hook = nullptr;
  sim.stop();

  // ~7 ticks on a whole, unchanged book: without the proofs the age would grow past 3 s.
  ASSERT_GE(checked, 4) << "too few ticks on a whole book";
  EXPECT_EQ(last_change, quiet_since) << "the book changed: not a quiet market";
  EXPECT_LT(oldest, 3000 * kNsPerMs) << "a quiet book went stale although the connection was alive";
  EXPECT_GE(oldest, 0);
}

}  // namespace
}  // namespace rtcrypto
