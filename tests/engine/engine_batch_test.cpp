// The parsers hand a frame's levels to Engine::on_levels in batches; the engine must give
// exactly what on_level change by change gives (records, order, stats), with a signal and
// the paper exchange so that decisions, orders and fills happen.
#include <gtest/gtest.h>

#include <array>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "rtcrypto/core/forwarding_sink.hpp"
#include "rtcrypto/engine/engine.hpp"
#include "rtcrypto/feed/gemini_parsers.hpp"
#include "rtcrypto/paper/paper_exchange.hpp"
#include "test_support.hpp"

namespace rtcrypto {
namespace {

class AlternatingSignal final : public SignalSource {
 public:
  std::optional<SignalValue> signal_at(std::string_view, TimeNs t) override {
    SignalValue v;
    v.target_minute = floor_to_period(t, kNsPerMin) + kNsPerMin;
    v.side = (v.target_minute / kNsPerMin) % 2 == 0 ? OrderSide::Buy : OrderSide::Sell;
    return v;
  }
  std::string describe() const override { return "alternating"; }
};

struct Lines final : RecordSink {
  std::vector<std::string> lines;
  void write(const Record& r) override { lines.push_back(to_document_json(r, "t")); }
};

// An engine with the alternating signal trading on the paper exchange (5 s windows), its
// records as lines.
struct PaperEngine {
  AlternatingSignal signal;
  std::unique_ptr<Engine> engine;
  PaperExchange paper{paper_config()};
  Lines sink;

  PaperEngine() {
    EngineConfig cfg;
    cfg.window_length = 5 * kNsPerSec;
    cfg.run_id = "t";
    engine = std::make_unique<Engine>(cfg, &signal, &paper);
    paper.set_order_listener([this](const Order& o) { engine->on_order_update(o); });
    engine->add_sink(&sink);
  }
  ~PaperEngine() { engine.reset(); }  // before the exchange it points to
  PaperEngine(const PaperEngine&) = delete;
  PaperEngine& operator=(const PaperEngine&) = delete;

 private:
  PaperConfig paper_config() {
    PaperConfig pc;
    pc.book_lookup = [this](std::string_view s) { return engine->book(s); };
    pc.now = [this] { return engine->now(); };
    return pc;
  }
};

// Forwards every event, but batches the interface's default way: a batch as on_levels, and
// on_levels as on_level for each change.
class OneByOne final : public ForwardingSink {
 public:
  using ForwardingSink::ForwardingSink;
  void on_levels(std::span<const LevelChange> cs) override { MarketEventSink::on_levels(cs); }
  void on_level_batch(const LevelBatch& b) override { MarketEventSink::on_level_batch(b); }
  void on_trades(std::span<const TradeEvent> ts) override { MarketEventSink::on_trades(ts); }
};

struct EngineRun {
  std::vector<std::string> lines;
  EngineStats stats;
  BookBuilderStats book;
};

EngineRun run(const std::vector<std::string>& frames, bool batches) {
  PaperEngine pe;
  Engine* const engine = pe.engine.get();
  Lines& sink = pe.sink;
  OneByOne one(*engine);
  MarketEventSink& in = batches ? static_cast<MarketEventSink&>(*engine) : one;
  GeminiV2Parser parser;
  TimeNs t = 1'617'645'247'000'000'000;
  for (const std::string& f : frames) {
    t += 250 * kNsPerMs;
    parser.parse(f, t, in);
    engine->end_of_frame(t);
  }
  engine->flush(t);
  return EngineRun{sink.lines, engine->stats(), engine->book_builder().stats()};
}

TEST(EngineBatches, OnLevelsGivesWhatOnLevelGives) {
  RTC_SHARED_FILE_OR_SKIP(path, "gemini/v2-marketdata-frames.ndjson");
  const std::vector<std::string> frames = test::read_lines(path);
  ASSERT_EQ(frames.size(), 4038u);
  const EngineRun a = run(frames, true);
  const EngineRun b = run(frames, false);
  EXPECT_EQ(a.stats.changes, 48'041u);
  EXPECT_GT(a.stats.trades, 2'000u);  // a snapshot's trades: on_trades, or one by one
  EXPECT_EQ(a.stats.trades, b.stats.trades);
  EXPECT_GT(a.stats.windows, 100u);
  EXPECT_GT(a.stats.orders, 0u);
  EXPECT_EQ(a.stats.changes, b.stats.changes);
  EXPECT_EQ(a.stats.windows, b.stats.windows);
  EXPECT_EQ(a.stats.decisions, b.stats.decisions);
  EXPECT_EQ(a.stats.orders, b.stats.orders);
  EXPECT_EQ(a.stats.fills, b.stats.fills);
  EXPECT_EQ(a.book.changes, b.book.changes);
  EXPECT_EQ(a.book.changes_while_not_whole, b.book.changes_while_not_whole);
  EXPECT_EQ(a.book.crossed, b.book.crossed);
  ASSERT_EQ(a.lines.size(), b.lines.size());
  for (std::size_t i = 0; i < a.lines.size(); ++i) ASSERT_EQ(a.lines[i], b.lines[i]) << i;
}

// Hand-made batches through the engine's batch paths (a known id's fast path; a new id, an
// id of 0, an empty batch, a batch that closes its window, a batch that opens one that only
// on_time then closes): the same records and stats as the changes one by one.
EngineRun run_events(bool batches) {
  PaperEngine pe;
  Engine* const engine = pe.engine.get();
  Lines& sink = pe.sink;
  OneByOne one(*engine);
  MarketEventSink& in = batches ? static_cast<MarketEventSink&>(*engine) : one;
  const auto units = [](std::int64_t milli) {
    return Decimal::from_raw(static_cast<Decimal::Rep>(milli) * 1'000'000'000'000'000);
  };
  const std::array<std::string, 2> symbols = {"BTCUSD", "ETHUSD"};
  const std::array<std::uint32_t, 2> ids = {new_symbol_id(), new_symbol_id()};
  TimeNs t = 1'617'645'245'000'000'000;
  for (int i = 0; i < 2; ++i) {
    const std::vector<PackedLevel> snap = {
        PackedLevel::make(Side::Bid, units(100'000 * (i + 1)), units(1'500)),
        PackedLevel::make(Side::Ask, units(100'100 * (i + 1)), units(2'000))};
    LevelBatch b{symbols[i], ids[i], t, true, ChangeReason::Snapshot, snap};
    in.on_snapshot_begin(symbols[i], t);
    in.on_level_batch(b);
    in.on_snapshot_end(symbols[i], t);
  }
  for (int step = 0; step < 120; ++step) {
    t += (step % 7 == 3 ? 2'600 : 700) * kNsPerMs;  // some steps jump past a window end
    const int i = step % 2;
    std::vector<PackedLevel> flow;
    for (int k = 0; k <= step % 6; ++k) {  // 1 to 6 levels: four-level steps and their tails
      const Side side = (step + k) % 3 == 0 ? Side::Ask : Side::Bid;
      const std::int64_t price = (side == Side::Bid ? 99'000 : 100'200) * (i + 1) + 10 * k;
      flow.push_back(PackedLevel::make(side, units(price), units((step * 37 + k * 11) % 900)));
    }
    const std::uint32_t id = step % 11 == 5 ? 0 : ids[i];  // sometimes without an id
    in.on_level_batch(LevelBatch{symbols[i], id, t, false, ChangeReason::Update, flow});
    in.on_level_batch(LevelBatch{symbols[i], ids[i], t, false, ChangeReason::Update, {}});
    if (step % 4 == 1) {
      TradeEvent tr;
      tr.symbol = symbols[i];
      tr.price = units(99'500 * (i + 1));
      tr.quantity = units(250 + step);
      tr.ts = t;
      in.on_trade(tr);
    } else if (step % 4 == 3) {  // 1 to 3 trades at once, some past a window end
      std::vector<TradeEvent> trs;
      for (int k = 0; k <= step % 3; ++k) {
        TradeEvent tr;
        tr.symbol = symbols[i];
        tr.price = units(99'400 * (i + 1) + 7 * k);
        tr.quantity = units(100 + step + k);
        tr.ts = t + k * 2'600 * kNsPerMs;
        trs.push_back(tr);
      }
      // Sometimes the last of two or more is the other symbol's: they go one by one.
      if (step % 8 == 7 && trs.size() > 1) trs.back().symbol = symbols[1 - i];
      in.on_trades(trs);
      in.on_trades({});
    }
    in.on_time(t);
    engine->end_of_frame(t);
  }
  in.on_time(t + 20 * kNsPerSec);  // closes both open windows by time alone
  engine->flush(t + 20 * kNsPerSec);
  return EngineRun{sink.lines, engine->stats(), engine->book_builder().stats()};
}

TEST(EngineBatches, HandMadeBatchesGiveWhatOnLevelGives) {
  const EngineRun a = run_events(true);
  const EngineRun b = run_events(false);
  EXPECT_GT(a.stats.windows, 10u);
  EXPECT_EQ(a.stats.trades, 30u + 60u);  // 30 single trades, 30 batches of 1 to 3
  EXPECT_EQ(a.stats.changes, b.stats.changes);
  EXPECT_EQ(a.stats.windows, b.stats.windows);
  EXPECT_EQ(a.stats.trades, b.stats.trades);
  EXPECT_EQ(a.stats.decisions, b.stats.decisions);
  EXPECT_EQ(a.book.changes, b.book.changes);
  ASSERT_EQ(a.lines.size(), b.lines.size());
  for (std::size_t i = 0; i < a.lines.size(); ++i) ASSERT_EQ(a.lines[i], b.lines[i]) << i;
}

}  // namespace
}  // namespace rtcrypto

namespace rtcrypto {
namespace {

// A window opened by a trade (a level batch follows into it) closes on on_time alone: the
// trade's opening set the earliest window end; later trades into it change nothing there.
TEST(EngineBatches, WindowOpenedByATradeClosesOnTime) {
  EngineConfig cfg;
  cfg.window_length = 5 * kNsPerSec;
  Engine engine(cfg, nullptr, nullptr);
  Lines sink;
  engine.add_sink(&sink);
  const auto one = Decimal::from_int(1);
  const std::vector<PackedLevel> levels = {
      PackedLevel::make(Side::Bid, Decimal::from_int(100), one),
      PackedLevel::make(Side::Ask, Decimal::from_int(101), one)};
  const TimeNs t0 = 1'617'645'245'000'000'000;  // a multiple of 5 s
  const std::uint32_t id = new_symbol_id();
  engine.on_snapshot_begin("BTCUSD", t0);
  engine.on_level_batch(LevelBatch{"BTCUSD", id, t0, true, ChangeReason::Snapshot, levels});
  engine.on_snapshot_end("BTCUSD", t0);
  for (int w = 0; w < 3; ++w) {  // three windows, each opened by a trade
    const TimeNs t = t0 + w * 5 * kNsPerSec + kNsPerMs;
    for (int k = 0; k < 3; ++k) {
      TradeEvent tr;
      tr.symbol = "BTCUSD";
      tr.price = Decimal::from_int(100);
      tr.quantity = one;
      tr.ts = t + k;
      engine.on_trade(tr);
    }
    engine.on_level_batch(LevelBatch{"BTCUSD", id, t + 5, false, ChangeReason::Update, levels});
    const std::size_t before = sink.lines.size();
    engine.on_time(t + 4 * kNsPerSec);  // before its end: nothing closes
    EXPECT_EQ(sink.lines.size(), before) << w;
    engine.on_time(t0 + (w + 1) * 5 * kNsPerSec);   // its end: the window's records
    EXPECT_EQ(sink.lines.size(), before + 5) << w;  // ask, bid, price_volume, ticker, decision
    EXPECT_EQ(engine.stats().windows, static_cast<std::uint64_t>(w + 1));
  }
}

// Batches without an id (0) and with ids of every slot residue, first thing on a fresh
// engine (every id slot still empty): each goes by its symbol, none finds an empty slot.
TEST(EngineBatches, BatchesIntoEmptyIdSlotsGoByName) {
  for (std::uint32_t first : {0u, 1u, 63u, 64u, 65u, 127u}) {
    EngineConfig cfg;
    cfg.window_length = 5 * kNsPerSec;
    Engine engine(cfg, nullptr, nullptr);
    const auto one = Decimal::from_int(1);
    const std::vector<PackedLevel> levels = {
        PackedLevel::make(Side::Bid, Decimal::from_int(100), one),
        PackedLevel::make(Side::Ask, Decimal::from_int(101), one)};
    const TimeNs t = 1'617'645'245'000'000'000;
    engine.on_level_batch(LevelBatch{"BTCUSD", first, t, false, ChangeReason::Update, levels});
    engine.on_level_batch(LevelBatch{"BTCUSD", first, t + 1, false, ChangeReason::Update, levels});
    engine.on_level_batch(LevelBatch{"ETHUSD", 0, t + 2, false, ChangeReason::Update, levels});
    EXPECT_EQ(engine.stats().changes, 6u) << first;
    ASSERT_NE(engine.book("BTCUSD"), nullptr);
    ASSERT_NE(engine.book("ETHUSD"), nullptr);
    EXPECT_EQ(engine.book("BTCUSD")->depth(Side::Bid), 1u);
    EXPECT_EQ(engine.book("ETHUSD")->depth(Side::Ask), 1u);
    EXPECT_EQ(engine.book("BTCUSD")->last_update(), t + 1);
  }
}

}  // namespace
}  // namespace rtcrypto
