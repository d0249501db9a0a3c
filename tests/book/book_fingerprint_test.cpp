#include "rtcrypto/book/book_fingerprint.hpp"

#include <gtest/gtest.h>

#include <iterator>
#include <string>
#include <vector>

#include "rtcrypto/book/book_builder.hpp"

namespace rtcrypto {
namespace {

using namespace literals;

OrderBook sample(bool reversed) {
  OrderBook b("BTCUSD");
  if (reversed) {
    b.set_level(Side::Ask, "102.5"_d, "4"_d);
    b.set_level(Side::Ask, "102"_d, "3"_d);
    b.set_level(Side::Bid, "101"_d, "2"_d);
    b.set_level(Side::Bid, "100"_d, "1.50"_d);
  } else {
    b.set_level(Side::Bid, "100"_d, "1.5"_d);
    b.set_level(Side::Bid, "101"_d, "2"_d);
    b.set_level(Side::Ask, "102"_d, "3"_d);
    b.set_level(Side::Ask, "102.5"_d, "4"_d);
  }
  return b;
}

TEST(BookFingerprint, SameLevelsSameFingerprintWhateverTheOrderOfChanges) {
  EXPECT_EQ(book_fingerprint(sample(false)), book_fingerprint(sample(true)));
  EXPECT_EQ(format_fingerprint(book_fingerprint(OrderBook("X"))), "cbf29ce484222325");
  EXPECT_EQ(format_fingerprint(0x1a).size(), 16u);
}

TEST(BookFingerprint, AnyDifferenceChangesIt) {
  const auto base = book_fingerprint(sample(false));
  OrderBook qty = sample(false);
  qty.set_level(Side::Bid, "100"_d, "1.6"_d);
  EXPECT_NE(book_fingerprint(qty), base);
  OrderBook extra = sample(false);
  extra.set_level(Side::Ask, "103"_d, "1"_d);
  EXPECT_NE(book_fingerprint(extra), base);
  OrderBook side = sample(false);  // the same price and quantity on the other side
  side.set_level(Side::Bid, "101"_d, "0"_d);
  side.set_level(Side::Ask, "101"_d, "2"_d);
  EXPECT_NE(book_fingerprint(side), base);
}

TEST(BookBuilder, CrossedListenerHearsEveryDroppedBook) {
  BookBuilder builder;
  std::vector<std::string> heard;
  builder.set_crossed_listener([&](std::string_view s) { heard.emplace_back(s); });
  builder.on_snapshot_begin("BTCUSD", 1);
  builder.on_level(LevelChange{"BTCUSD", Side::Bid, "100"_d, "1"_d});
  builder.on_level(LevelChange{"BTCUSD", Side::Ask, "101"_d, "1"_d});
  builder.on_snapshot_end("BTCUSD", 1);
  builder.end_of_frame(1);
  EXPECT_TRUE(heard.empty());
  builder.on_level(LevelChange{"BTCUSD", Side::Bid, "102"_d, "1"_d});  // above the ask
  builder.end_of_frame(2);
  ASSERT_EQ(heard, std::vector<std::string>{"BTCUSD"});
  EXPECT_FALSE(builder.find("BTCUSD")->whole());
  EXPECT_EQ(builder.stats().crossed, 1u);
  builder.on_level(LevelChange{"BTCUSD", Side::Bid, "103"_d, "1"_d});  // not whole: no news
  builder.end_of_frame(3);
  EXPECT_EQ(heard.size(), 1u);
}

TEST(BookBuilder, CrossedSnapshotsOfOneFrameAreDroppedInSymbolOrderEachOnce) {
  BookBuilder builder;
  std::vector<std::string> heard;
  builder.set_crossed_listener([&](std::string_view s) { heard.emplace_back(s); });
  auto crossed_snapshot = [&](std::string_view sym) {
    builder.on_snapshot_begin(sym, 1);
    builder.on_level(LevelChange{sym, Side::Bid, "102"_d, "1"_d});
    builder.on_level(LevelChange{sym, Side::Ask, "101"_d, "1"_d});
    builder.on_snapshot_end(sym, 1);
  };
  for (std::string_view sym : {"ZECBTC", "ETHUSD", "ZECBTC", "BTCUSD"}) crossed_snapshot(sym);
  builder.on_snapshot_begin("LTCUSD", 1);  // a sound book among them stays
  builder.on_level(LevelChange{"LTCUSD", Side::Bid, "100"_d, "1"_d});
  builder.on_snapshot_end("LTCUSD", 1);
  builder.end_of_frame(1);
  // In symbol order, ZECBTC once.
  EXPECT_EQ(heard, (std::vector<std::string>{"BTCUSD", "ETHUSD", "ZECBTC"}));
  EXPECT_EQ(builder.stats().crossed, 3u);
  EXPECT_TRUE(builder.find("LTCUSD")->whole());
  builder.end_of_frame(2);  // nothing left over
  EXPECT_EQ(heard.size(), 3u);
}

// Batches find their book by symbol id (a slot per id modulo 64: ids 1 and 65 share one)
// or, without an id (0), by name.
TEST(BookBuilder, BatchesReachTheirBookByIdOrByName) {
  BookBuilder builder;
  struct Sym {
    std::string_view name;
    std::uint32_t id;
  };
  const Sym syms[] = {{"BTCUSD", 1}, {"ETHUSD", 65}, {"ZECBTC", 0}, {"LTCUSD", 2}};
  for (int round = 0; round < 3; ++round) {
    for (std::size_t k = 0; k < std::size(syms); ++k) {
      const Decimal::Rep p = Decimal::kOne * static_cast<Decimal::Rep>(100 * (k + 1) + round);
      const PackedLevel levels[] = {{p, Decimal::kOne * static_cast<Decimal::Rep>(k + 1)}};
      LevelBatch b;
      b.symbol = syms[k].name;
      b.symbol_id = syms[k].id;
      b.levels = levels;
      builder.on_level_batch(b);
    }
  }
  for (std::size_t k = 0; k < std::size(syms); ++k) {
    const OrderBook* book = builder.find(syms[k].name);
    ASSERT_NE(book, nullptr) << syms[k].name;
    ASSERT_EQ(book->depth(Side::Bid), 3u) << syms[k].name;
    for (int round = 0; round < 3; ++round) {
      EXPECT_EQ(book->level(Side::Bid, static_cast<std::size_t>(2 - round)).price.raw(),
                Decimal::kOne * static_cast<Decimal::Rep>(100 * (k + 1) + round))
          << syms[k].name;
    }
  }
  EXPECT_EQ(builder.books().size(), std::size(syms));
  EXPECT_EQ(builder.stats().changes, 12u);
}

// A gap of a book already found (the engine's) does what a gap by name does: clears that book
// only, counts, and goes downstream; a null book (none) still counts and goes downstream.
TEST(BookBuilder, GapOfAFoundBookMatchesGapByName) {
  struct Gaps final : MarketEventSink {
    std::vector<std::string> seen;
    void on_snapshot_begin(std::string_view, TimeNs) override {}
    void on_level(const LevelChange&) override {}
    void on_snapshot_end(std::string_view, TimeNs) override {}
    void on_trade(const TradeEvent&) override {}
    void on_gap(std::string_view s, TimeNs, std::string_view why) override {
      seen.push_back(std::string(s) + " " + std::string(why));
    }
  };
  Gaps next;
  BookBuilder builder(&next);
  for (std::string_view sym : {"BTCUSD", "ETHUSD"}) {
    OrderBook& b = builder.get(sym);
    b.set_level(Side::Bid, "100"_d, "1"_d);
    b.set_level(Side::Ask, "101"_d, "2"_d);
    b.set_whole(true);
  }
  OrderBook* btc = builder.find("BTCUSD");
  ASSERT_NE(btc, nullptr);
  EXPECT_EQ(&builder.get("BTCUSD"), btc);
  builder.on_gap(btc, "BTCUSD", 5, "new session");
  EXPECT_EQ(btc->depth(Side::Bid), 0u);
  EXPECT_EQ(btc->depth(Side::Ask), 0u);
  EXPECT_FALSE(btc->whole());
  EXPECT_EQ(btc->last_update(), 5);
  const OrderBook* eth = builder.find("ETHUSD");
  EXPECT_EQ(eth->depth(Side::Bid), 1u);
  EXPECT_TRUE(eth->whole());
  builder.on_gap(nullptr, "XRPUSD", 6, "none");
  builder.on_gap("ETHUSD", 7, "by name");
  EXPECT_EQ(eth->depth(Side::Ask), 0u);
  EXPECT_EQ(builder.stats().gaps, 3u);
  EXPECT_EQ(builder.books().size(), 2u);
  EXPECT_EQ(next.seen,
            (std::vector<std::string>{"BTCUSD new session", "XRPUSD none", "ETHUSD by name"}));
}

}  // namespace
}  // namespace rtcrypto
