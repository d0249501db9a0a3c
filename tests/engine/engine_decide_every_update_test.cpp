// EngineConfig::decide_every_update: a decision after every frame that changed a traded book,
// on the open window as it stands; nothing extra when it is off (the default).
#include <gtest/gtest.h>

#include "level_change_for_test.hpp"
#include "rtcrypto/engine/engine.hpp"

namespace rtcrypto {
namespace {

using namespace rtcrypto::literals;

class AlwaysBuy final : public SignalSource {
 public:
  std::optional<SignalValue> signal_at(std::string_view, TimeNs t) override {
    SignalValue v;
    v.side = OrderSide::Buy;
    v.target_minute = t;
    return v;
  }
  std::string describe() const override { return "always buy"; }
};

// Records what is placed and rejects it (so the account stays flat: a buy every time).
class RecordingExchange final : public Exchange {
 public:
  std::vector<OrderRequest> placed;
  std::string_view name() const override { return "recording"; }
  void place(const OrderRequest& r, OrderCallback done) override {
    placed.push_back(r);
    OrderOutcome out;
    out.kind = OutcomeKind::Rejected;
    out.reason = "Test";
    done(out);
  }
  void cancel(const std::string&, OrderCallback) override {}
  std::vector<Balance> balances() const override {
    return {Balance{"USD", "1000"_d, "1000"_d, "1000"_d}, Balance{"BTC", {}, {}, {}}};
  }
  std::optional<Order> order_by_client_id(const std::string&) const override {
    return std::nullopt;
  }
  std::vector<Order> open_orders() const override { return {}; }
  SymbolRules rules(const std::string& s) const override { return SymbolRules{s}; }
  void set_fill_listener(FillListener) override {}
};

struct VectorSink : RecordSink {
  std::vector<Record> records;
  void write(const Record& r) override { records.push_back(r); }
  std::size_t count(std::string_view type) const {
    std::size_t n = 0;
    for (const auto& r : records) n += r.doc_type == type;
    return n;
  }
};

constexpr TimeNs kT0 = 26'666'666LL * 60 * kNsPerSec;  // on a minute boundary

LevelChange lc(Side side, const char* price, const char* qty, TimeNs ts, bool snap = false) {
  return level_change(side, price, qty, ts, snap);
}

struct Frames {
  AlwaysBuy signal;
  RecordingExchange ex;
  VectorSink sink;
  Engine engine;
  explicit Frames(bool every)
      : engine(
            [&] {
              EngineConfig c;
              c.symbols = {"BTCUSD"};
              c.run_id = "t";
              c.decide_every_update = every;
              c.strategy.band_low = 0;
              c.strategy.band_high = 1e9;
              return c;
            }(),
            &signal, &ex) {
    engine.add_sink(&sink);
  }
  // Frames: a snapshot, two one-change frames, a trade-only frame, a two-change frame.
  void play() {
    engine.on_snapshot_begin("BTCUSD", kT0);
    engine.on_level(lc(Side::Bid, "100", "10", kT0, true));
    engine.on_level(lc(Side::Ask, "101", "10", kT0, true));
    engine.on_snapshot_end("BTCUSD", kT0);
    engine.end_of_frame(kT0);
    engine.on_level(lc(Side::Bid, "99.5", "2", kT0 + kNsPerSec));
    engine.end_of_frame(kT0 + kNsPerSec);
    engine.on_level(lc(Side::Ask, "101.5", "1", kT0 + 2 * kNsPerSec));
    engine.end_of_frame(kT0 + 2 * kNsPerSec);
    TradeEvent t;
    t.symbol = "BTCUSD";
    t.price = "101"_d;
    t.quantity = "0.1"_d;
    t.ts = kT0 + 3 * kNsPerSec;
    engine.on_trade(t);
    engine.end_of_frame(kT0 + 3 * kNsPerSec);
    const LevelChange two[] = {lc(Side::Bid, "99", "1", kT0 + 4 * kNsPerSec),
                               lc(Side::Ask, "102", "1", kT0 + 4 * kNsPerSec)};
    engine.on_levels(two);
    engine.end_of_frame(kT0 + 4 * kNsPerSec);
  }
};

TEST(EngineDecideEveryUpdate, OneDecisionPerFrameThatChangedTheBook) {
  Frames r(true);
  r.play();
  // The snapshot frame has no flow yet (no open window) and the trade frame changes no book.
  EXPECT_EQ(r.engine.stats().decisions, 3u);
  EXPECT_EQ(r.sink.count("decision"), 3u);
  EXPECT_EQ(r.sink.count("price_volume"), 0u);  // window records only at close
  EXPECT_EQ(r.engine.stats().windows, 0u);
  // The first decision sees only bid flow (no ratio); the next two buy at the best ask.
  ASSERT_EQ(r.ex.placed.size(), 2u);
  EXPECT_EQ(r.ex.placed[0].client_order_id, "t-1");
  EXPECT_EQ(r.ex.placed[0].side, OrderSide::Buy);
  EXPECT_EQ(r.ex.placed[0].price, "101"_d);
  EXPECT_EQ(r.ex.placed[1].client_order_id, "t-2");
  const Record& last = r.sink.records.back();
  ASSERT_EQ(last.doc_type, "order");  // the rejection of t-2 follows its decision
  const Record* d = nullptr;
  for (const auto& rec : r.sink.records)
    if (rec.doc_type == "decision") d = &rec;
  ASSERT_NE(d, nullptr);
  const FieldValue* end = d->get("window_end");
  ASSERT_NE(end, nullptr);
  EXPECT_EQ(std::get<std::int64_t>(*end), kT0 + 60 * kNsPerSec);  // the open window's end
}

TEST(EngineDecideEveryUpdate, OffByDefaultDecidesOnlyAtWindowClose) {
  EXPECT_FALSE(EngineConfig{}.decide_every_update);
  Frames r(false);
  r.play();
  EXPECT_EQ(r.engine.stats().decisions, 0u);
  EXPECT_TRUE(r.ex.placed.empty());
  r.engine.flush(kT0 + 5 * kNsPerSec);
  EXPECT_EQ(r.engine.stats().decisions, 1u);
  EXPECT_EQ(r.engine.stats().windows, 1u);
}

}  // namespace
}  // namespace rtcrypto
