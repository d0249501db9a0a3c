// LevelBatch and the default MarketEventSink::on_level_batch: a sink that takes LevelChanges
// sees each level of a batch, in order, as the LevelChange on_level would have carried.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rtcrypto/core/events.hpp"

namespace rtcrypto {
namespace {

using namespace literals;

struct Recorder final : MarketEventSink {
  std::vector<LevelChange> changes;
  std::vector<std::size_t> calls;  // size of each on_levels call
  void on_snapshot_begin(std::string_view, TimeNs) override {}
  void on_level(const LevelChange& c) override { changes.push_back(c); }
  void on_levels(std::span<const LevelChange> cs) override {
    calls.push_back(cs.size());
    MarketEventSink::on_levels(cs);
  }
  void on_snapshot_end(std::string_view, TimeNs) override {}
  void on_trade(const TradeEvent&) override {}
  void on_gap(std::string_view, TimeNs, std::string_view) override {}
};

TEST(LevelBatch, PackedLevelKeepsSidePriceAndQuantity) {
  const PackedLevel bid = PackedLevel::make(Side::Bid, "100.5"_d, "2"_d);
  const PackedLevel ask = PackedLevel::make(Side::Ask, "101"_d, "0"_d);
  EXPECT_EQ(bid.side(), Side::Bid);
  EXPECT_EQ(bid.price(), "100.5"_d);
  EXPECT_EQ(bid.remaining(), "2"_d);
  EXPECT_EQ(ask.side(), Side::Ask);
  EXPECT_EQ(ask.price(), "101"_d);
  EXPECT_TRUE(ask.remaining().is_zero());
}

TEST(LevelBatch, DefaultSinkGetsEveryLevelAsALevelChangeInChunksOf64) {
  std::vector<PackedLevel> levels;
  for (int i = 0; i < 130; ++i) {
    levels.push_back(PackedLevel::make(i % 2 ? Side::Ask : Side::Bid, Decimal::from_int(i + 1),
                                       Decimal::from_int(i)));
  }
  LevelBatch b;
  b.symbol = "BTCUSD";
  b.ts = 42;
  b.snapshot = true;
  b.reason = ChangeReason::Snapshot;
  b.levels = levels;
  Recorder r;
  r.on_level_batch(b);
  EXPECT_EQ(r.calls, (std::vector<std::size_t>{64, 64, 2}));
  ASSERT_EQ(r.changes.size(), 130u);
  for (int i = 0; i < 130; ++i) {
    const LevelChange& c = r.changes[static_cast<std::size_t>(i)];
    EXPECT_EQ(c.symbol, "BTCUSD");
    EXPECT_EQ(c.side, i % 2 ? Side::Ask : Side::Bid);
    EXPECT_EQ(c.price, Decimal::from_int(i + 1));
    EXPECT_EQ(c.remaining, Decimal::from_int(i));
    EXPECT_EQ(c.ts, 42);
    EXPECT_TRUE(c.snapshot);
    EXPECT_EQ(c.reason, ChangeReason::Snapshot);
    EXPECT_FALSE(c.has_delta);
    EXPECT_EQ(c.seq, -1);
  }
}

// on_trades' promise as the engine checks it: the same text, or equal texts.
TEST(TradeBatch, OneSymbolComparesEveryTradesSymbol) {
  const std::string btc = "BTCUSD", btc_copy = "BTCUSD", eth = "ETHUSD", btcu = "BTCUSDT";
  std::vector<TradeEvent> ts(3);
  for (TradeEvent& t : ts) t.symbol = btc;
  EXPECT_TRUE(one_symbol(ts));
  EXPECT_TRUE(one_symbol({}));
  ts[1].symbol = btc_copy;  // another buffer, equal text
  EXPECT_TRUE(one_symbol(ts));
  ts[2].symbol = eth;
  EXPECT_FALSE(one_symbol(ts));
  ts[2].symbol = std::string_view(btcu).substr(0, 6);  // a prefix: equal text
  EXPECT_TRUE(one_symbol(ts));
  ts[2].symbol = btcu;
  EXPECT_FALSE(one_symbol(ts));
}

}  // namespace
}  // namespace rtcrypto
