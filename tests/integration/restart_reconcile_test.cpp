// The restart reconcile of `rtcrypto run --mode sandbox` (in-process) against the simulator,
// from a store that disagrees with the exchange: the saved position is overridden by the
// exchange's balance (and recorded as differing), the last buy price and the kill switch come
// from the store, an in-flight order the exchange executed is recorded once, one it never
// saw is dropped, and the order counter passes every id the journal knew. LABEL
// integration_sim; a few seconds.
#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <regex>

#include "rtcrypto/app/order_journal.hpp"
#include "rtcrypto/app/run_command.hpp"
#include "rtcrypto/engine/engine_state_codec.hpp"
#include "rtcrypto/sim/matching_engine.hpp"
#include "rtcrypto/sim/sim_server.hpp"
#include "rtcrypto/store/sqlite_store.hpp"
#include "test_support.hpp"

namespace rtcrypto::app {
namespace {

Decimal dec(const std::string& s) {
  return *Decimal::parse(s);
}

std::optional<Decimal> raw_decimal(const std::string& body, const std::string& key) {
  std::smatch m;
  if (!std::regex_search(body, m, std::regex("\"" + key + "\":(-?[0-9.]+)"))) return std::nullopt;
  return Decimal::parse(m[1].str());
}

TEST(RestartReconcile, StoreThatDisagreesWithTheExchangeIsReconciledBeforeTrading) {
  test::TempDir dir;
  sim::SimConfig sc;
  sc.cert_dir = dir.path() / "simcert";
  sc.seed = 11;
  sc.speed = 60;
  sc.accounts.push_back(sim::parse_account_spec("rkey:rsecret-4d1e:USD=100000,BTC=10"));
  sim::SimServer sim(sc);
  sim.start();
  const std::string host = "127.0.0.1:" + std::to_string(sim.port());

  // "While the daemon was down": its in-flight buy rt-40 executed on the exchange.
  Decimal executed, avg;
  {
    const auto ask = sim.true_book("BTCUSD").book.best_ask();
    ASSERT_TRUE(ask.has_value());
    sim.with_engine([&](sim::MatchingEngine& e) {
      sim::NewOrder o;
      o.account = "rkey";
      o.symbol = "BTCUSD";
      o.side = OrderSide::Buy;
      o.amount = dec("0.1");
      o.price = (ask->price * dec("1.01")).floor_to(dec("0.01"));
      o.tif = TimeInForce::ImmediateOrCancel;
      o.client_order_id = "rt-40";
      auto res = e.place(o);
      if (auto* so = std::get_if<sim::SimOrder>(&res)) {
        executed = so->executed;
        avg = so->avg_price();
      }
    });
  }
  ASSERT_TRUE(executed.is_positive());
  Decimal btc;
  sim.with_engine([&](sim::MatchingEngine& e) {
    for (const auto& b : e.balances("rkey"))
      if (b.currency == "BTC") btc = b.total;
  });

  // The store: 3 BTC at 50000 with the kill switch on, order counter at 7, and two intents
  // in flight (rt-40 executed, rt-41 never reached the exchange).
  const auto db = dir.path() / "rt.db";
  {
    SqliteStore store(db, "rt");
    EngineState st;
    st.positions["BTCUSD"] = EnginePosition{dec("50000"), dec("3"), dec("1.5")};
    st.risk.killed = true;
    st.risk.kill_reason = "daily loss 6000 reached the limit 5000";
    st.next_order_seq = 7;
    store.put_state("sandbox/engine", encode_engine_state(st));
    JournalEntries j;
    for (const char* cid : {"rt-40", "rt-41"}) {
      JournalEntry e;
      e.client_order_id = cid;
      e.symbol = "BTCUSD";
      e.side = "buy";
      e.amount = dec("0.1");
      e.price = dec("70000");
      e.status = "in_flight";
      j[cid] = e;
    }
    store.put_state("sandbox/orders", encode_journal(j));
  }

  ::setenv("GEMINI_API_KEY", "rkey", 1);
  ::setenv("GEMINI_API_SECRET", "rsecret-4d1e", 1);
  RunConfig cfg;
  cfg.mode = "sandbox";
  cfg.ws_url = "wss://" + host;
  cfg.rest_url = "https://" + host;
  cfg.ca_file = sim.ca_path().string();
  cfg.store = db.string();
  cfg.run_id = "rt";
  cfg.duration_seconds = 1;
  RunSummary sum = run_daemon(cfg);
  ::unsetenv("GEMINI_API_SECRET");
  ::unsetenv("GEMINI_API_KEY");
  EXPECT_EQ(sum.orders, 0u);  // no signal, and the kill switch is on

  SqliteStore store(db, "rt");
  const auto recs = store.documents("rt", "reconcile");
  ASSERT_EQ(recs.size(), 1u);
  const std::string& body = recs[0];
  const auto r = nlohmann::json::parse(body);
  // The exchange is the position; the store's view is recorded beside it.
  EXPECT_EQ(raw_decimal(body, "position_BTCUSD"), btc) << body;
  EXPECT_EQ(raw_decimal(body, "store_position_BTCUSD"), dec("3") + executed) << body;
  EXPECT_TRUE(r["position_differs_BTCUSD"].get<bool>()) << body;
  EXPECT_EQ(r["positions_differing"].get<int>(), 1);
  // The entry price: the store's 3 BTC at 50000 and the in-flight buy, weighted.
  const Decimal entry =
      *(dec("50000") * dec("3") + avg * executed).checked_div(dec("3") + executed);
  auto lbp = raw_decimal(body, "last_buy_price_BTCUSD");
  ASSERT_TRUE(lbp.has_value()) << body;
  EXPECT_LT(*lbp - entry, dec("0.000001")) << body;
  EXPECT_GT(*lbp - entry, dec("-0.000001")) << body;
  // Kill switch and counter from the store; the counter passes rt-41.
  EXPECT_TRUE(r["kill_switch"].get<bool>());
  EXPECT_EQ(r["kill_reason"], "daily loss 6000 reached the limit 5000");
  EXPECT_EQ(r["next_order_seq"].get<int>(), 42);
  // The in-flight orders: one found (recorded once), one never placed.
  EXPECT_EQ(r["in_flight"].get<int>(), 2);
  EXPECT_EQ(r["in_flight_found"].get<int>(), 1);
  EXPECT_EQ(r["in_flight_never_placed"].get<int>(), 1);
  std::size_t rt40 = 0;
  for (const auto& o : store.documents("rt", "order")) {
    auto j = nlohmann::json::parse(o);
    if (j["client_order_id"] != "rt-40") continue;
    ++rt40;
    EXPECT_EQ(raw_decimal(o, "executed_amount"), executed) << o;
  }
  EXPECT_EQ(rt40, 1u);
  // The journal is empty again, and the saved engine state holds the exchange's position.
  EXPECT_TRUE(decode_journal(*store.get_state("sandbox/orders")).empty());
  EngineState after = decode_engine_state(*store.get_state("sandbox/engine"));
  EXPECT_EQ(after.positions["BTCUSD"].entry_amount, btc);
  EXPECT_TRUE(after.risk.killed);
  EXPECT_GE(after.next_order_seq, 42u);
  sim.stop();
}

}  // namespace
}  // namespace rtcrypto::app
