#include "rtcrypto/book/order_book.hpp"

#include <gtest/gtest.h>

#include <map>
#include <random>

namespace rtcrypto {
namespace {

using namespace literals;

TEST(OrderBook, SetsReplacesAndRemovesLevels) {
  OrderBook b("BTCUSD");
  b.set_level(Side::Bid, "100"_d, "1"_d);
  b.set_level(Side::Bid, "101"_d, "2"_d);
  b.set_level(Side::Ask, "103"_d, "3"_d);
  b.set_level(Side::Ask, "102"_d, "4"_d);
  EXPECT_EQ(b.best_bid()->price, "101"_d);
  EXPECT_EQ(b.best_ask()->price, "102"_d);
  EXPECT_EQ(*b.mid(), "101.5"_d);
  EXPECT_EQ(*b.spread(), "1"_d);
  EXPECT_EQ(b.set_level(Side::Bid, "101"_d, "5"_d), "2"_d);  // new total, returns old
  EXPECT_EQ(b.best_bid()->quantity, "5"_d);
  b.set_level(Side::Bid, "101"_d, "0"_d);
  EXPECT_EQ(b.best_bid()->price, "100"_d);
  EXPECT_EQ(b.depth(Side::Bid), 1u);
  b.set_level(Side::Bid, "99"_d, "0"_d);  // removing an absent level is a no-op
  EXPECT_EQ(b.depth(Side::Bid), 1u);
  EXPECT_FALSE(b.crossed());
  b.set_level(Side::Bid, "102"_d, "1"_d);
  EXPECT_TRUE(b.crossed());
  b.clear();
  EXPECT_TRUE(b.empty());
  EXPECT_FALSE(b.whole());
}

TEST(OrderBook, LevelsFromBestOutward) {
  OrderBook b;
  for (int p : {5, 1, 3, 2, 4}) b.set_level(Side::Ask, Decimal::from_int(p), "1"_d);
  for (std::size_t i = 0; i < 5; ++i)
    EXPECT_EQ(b.level(Side::Ask, i).price, Decimal::from_int(static_cast<int>(i) + 1));
}

TEST(OrderBook, DepthWithinBand) {
  OrderBook b;
  b.set_level(Side::Bid, "99"_d, "1"_d);
  b.set_level(Side::Bid, "98.5"_d, "2"_d);
  b.set_level(Side::Bid, "90"_d, "100"_d);
  b.set_level(Side::Ask, "101"_d, "3"_d);
  // mid 100, band ±1.5% = [98.5, 101.5]
  EXPECT_DOUBLE_EQ(b.depth_quantity_within(Side::Bid, 1.5), 3.0);
  EXPECT_DOUBLE_EQ(b.depth_notional_within(Side::Bid, 1.5), 99 + 197.0);
  EXPECT_DOUBLE_EQ(b.depth_quantity_within(Side::Ask, 1.5), 3.0);
}

// Random operations against std::map as the model: same levels, same order.
TEST(OrderBook, MatchesReferenceModelUnderRandomChanges) {
  std::mt19937 rng(42);
  OrderBook b;
  std::map<Decimal, Decimal> bids;
  for (int i = 0; i < 20000; ++i) {
    Decimal p = Decimal::from_int(1000 + static_cast<int>(rng() % 200));
    Decimal q = (rng() % 3 == 0) ? Decimal{} : Decimal::from_int(static_cast<int>(rng() % 50) + 1);
    b.set_level(Side::Bid, p, q);
    if (q.is_zero())
      bids.erase(p);
    else
      bids[p] = q;
  }
  ASSERT_EQ(b.depth(Side::Bid), bids.size());
  std::size_t i = 0;
  for (auto it = bids.rbegin(); it != bids.rend(); ++it, ++i) {
    EXPECT_EQ(b.level(Side::Bid, i).price, it->first);
    EXPECT_EQ(b.level(Side::Bid, i).quantity, it->second);
  }
}

}  // namespace
}  // namespace rtcrypto

namespace rtcrypto {
namespace {

using namespace literals;

TEST(OrderBook, BulkSnapshotSortsOnceLastValueWinsZerosDropped) {
  OrderBook b;
  b.set_level(Side::Bid, "1"_d, "9"_d);
  b.clear();
  b.begin_bulk();
  for (int p = 100; p >= 1; --p) b.set_level(Side::Bid, Decimal::from_int(p), "1"_d);  // best first
  b.set_level(Side::Bid, "50"_d, "7"_d);  // a later total for the same price wins
  b.set_level(Side::Bid, "10"_d, "0"_d);  // zero removes
  b.set_level(Side::Ask, "101"_d, "2"_d);
  b.end_bulk();
  EXPECT_EQ(b.depth(Side::Bid), 99u);
  EXPECT_EQ(b.best_bid()->price, "100"_d);
  EXPECT_EQ(*b.quantity_at(Side::Bid, "50"_d), "7"_d);
  EXPECT_FALSE(b.quantity_at(Side::Bid, "10"_d));
  EXPECT_EQ(b.level(Side::Bid, 98).price, "1"_d);
  EXPECT_EQ(b.best_ask()->price, "101"_d);
  b.set_level(Side::Bid, "100.5"_d, "1"_d);  // normal sorted updates afterwards
  EXPECT_EQ(b.best_bid()->price, "100.5"_d);
}

}  // namespace
}  // namespace rtcrypto
