// The whole core on recorded data: shared v2 frames -> ReplayDriver -> Engine (books,
// 5 s windows, forecast table, book strategy, risk) -> PaperExchange -> records.
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <sstream>

#include "../test_support.hpp"
#include "rtcrypto/engine/engine.hpp"
#include "rtcrypto/feed/replay_driver.hpp"
#include "rtcrypto/paper/paper_exchange.hpp"
#include "rtcrypto/signal/forecast_table.hpp"

namespace rtcrypto {
namespace {

struct Collect : RecordSink {
  std::vector<Record> records;
  std::string jsonl;
  void write(const Record& r) override {
    records.push_back(r);
    jsonl += to_contract_json(r, "it") + "\n";
  }
  std::size_t count(std::string_view type) const {
    std::size_t n = 0;
    for (auto& r : records) n += r.doc_type == type;
    return n;
  }
};

// Alternating buy/sell minutes over the recorded days.
ForecastTable alternating_table() {
  std::ostringstream csv;
  csv << "ds,side\n";
  for (const char* day : {"2021-04-17", "2026-08-09"}) {
    TimeNs start = *parse_ymd_hms(day);
    for (int m = 0; m < 1440; ++m) {
      TimeNs ds = start + m * kNsPerMin;
      // Rows for even minutes say buy: decisions in 16:45 (row 16:46) buy, those in 16:46
      // (row 16:47) sell, inside the 30 s BTCUSD recording of 2021-04-17.
      csv << format_ymd_hms(ds) << "," << ((m % 2) ? "sell" : "buy") << "\n";
    }
  }
  return ForecastTable::parse(csv.str(), "alternating");
}

struct ReplayRun {
  Collect sink;
  EngineStats stats;
  std::vector<Balance> balances;
  PaperStats paper;
};

ReplayRun replay(const std::filesystem::path& tsv) {
  ForecastTable table = alternating_table();
  std::unique_ptr<Engine> engine;
  PaperConfig pc;
  pc.book_lookup = [&](std::string_view s) { return engine->book(s); };
  pc.now = [&] { return engine->now(); };
  PaperExchange paper(pc);
  EngineConfig cfg;
  cfg.symbols = {"BTCUSD"};
  cfg.window_length = 5 * kNsPerSec;
  cfg.run_id = "it";
  engine = std::make_unique<Engine>(cfg, &table, &paper);
  paper.set_order_listener([&](const Order& o) { engine->on_order_update(o); });
  ReplayRun run;
  engine->add_sink(&run.sink);
  ReplayReader reader(tsv);
  ReplayOptions opts;
  opts.symbols = {"BTCUSD"};
  opts.on_frame_end = [&](TimeNs t) { engine->end_of_frame(t); };
  ReplayStats rs = replay_into(reader, *engine, opts);
  engine->flush(rs.last_recv_ts);
  run.stats = engine->stats();
  run.balances = paper.balances();
  run.paper = paper.stats();
  engine.reset();  // before the exchange it points to
  return run;
}

TEST(PipelineReplay, SharedFramesTradeOnPaperDeterministically) {
  RTC_SHARED_FILE_OR_SKIP(tsv, "gemini/v2-marketdata-frames-with-recv-ts.tsv");
  ReplayRun a = replay(tsv);
  if (std::getenv("DUMP")) std::cout << a.sink.jsonl;
  const EngineStats& st = a.stats;
  EXPECT_GT(st.changes, 1000u);
  EXPECT_GE(st.windows, 6u);
  EXPECT_EQ(st.decisions, st.windows) << "a decision for every window";
  EXPECT_EQ(a.sink.count("price_volume"), st.windows);
  EXPECT_EQ(a.sink.count("ask"), st.windows);
  EXPECT_EQ(a.sink.count("bid"), st.windows);
  EXPECT_EQ(a.sink.count("decision"), st.windows);
  EXPECT_EQ(a.sink.count("ticker"), st.windows);
  // The alternating table makes the book's strategy buy and then sell on paper.
  EXPECT_GE(st.orders, 2u);
  EXPECT_EQ(a.sink.count("order"), st.orders);
  EXPECT_GE(st.fills, 2u);
  EXPECT_EQ(a.sink.count("balance"), 2 * st.fills);
  EXPECT_GE(st.scores, 1u);
  EXPECT_EQ(a.paper.fills, st.fills);
  for (const Balance& b : a.balances) EXPECT_FALSE(b.amount.is_negative()) << b.currency;
  // Fees were paid in USD: the account holds less than it started with plus PnL... exactly.
  Decimal usd, btc;
  for (const Balance& b : a.balances) {
    if (b.currency == "USD") usd = b.amount;
    if (b.currency == "BTC") btc = b.amount;
  }
  if (btc.is_zero()) {
    EXPECT_EQ(usd - Decimal::from_int(100000), st.realized_pnl)
        << "flat at the end: the USD change is exactly the scored PnL";
  }
  for (const Record& r : a.sink.records) {
    if (r.doc_type != "order") continue;
    auto* id = r.get("client_order_id");
    ASSERT_TRUE(id && std::holds_alternative<std::string>(*id));
    EXPECT_EQ(std::get<std::string>(*id).rfind("it-", 0), 0u);
  }

  ReplayRun b = replay(tsv);
  EXPECT_EQ(a.sink.jsonl, b.sink.jsonl) << "replay must be byte-identical";
}

}  // namespace
}  // namespace rtcrypto
