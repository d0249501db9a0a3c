#include "rtcrypto/paper/consumed_overlay.hpp"

#include <gtest/gtest.h>

namespace rtcrypto {
namespace {

using namespace literals;

TEST(ConsumedOverlay, SubtractsUntilTheLevelChanges) {
  ConsumedOverlay o;
  EXPECT_EQ(o.available("BTCUSD", Side::Ask, "100"_d, "2"_d), "2"_d);
  o.consume("BTCUSD", Side::Ask, "100"_d, "2"_d, "0.5"_d);
  o.consume("BTCUSD", Side::Ask, "100"_d, "2"_d, "1"_d);
  EXPECT_EQ(o.available("BTCUSD", Side::Ask, "100"_d, "2"_d), "0.5"_d);
  // Keys are per symbol, side and price.
  EXPECT_EQ(o.available("ETHUSD", Side::Ask, "100"_d, "2"_d), "2"_d);
  EXPECT_EQ(o.available("BTCUSD", Side::Bid, "100"_d, "2"_d), "2"_d);
  EXPECT_EQ(o.available("BTCUSD", Side::Ask, "101"_d, "2"_d), "2"_d);
  // Over-consumption never gives a negative quantity.
  o.consume("BTCUSD", Side::Ask, "100"_d, "2"_d, "1"_d);
  EXPECT_EQ(o.available("BTCUSD", Side::Ask, "100"_d, "2"_d), "0"_d);
  // A different displayed quantity resets the entry.
  EXPECT_EQ(o.available("BTCUSD", Side::Ask, "100"_d, "3"_d), "3"_d);
  EXPECT_EQ(o.size(), 0u);
}

TEST(ConsumedOverlay, PruneDropsMovedLevelsOfOneSymbol) {
  OrderBook book("BTCUSD");
  book.set_level(Side::Ask, "100"_d, "1"_d);
  book.set_level(Side::Ask, "101"_d, "2"_d);
  ConsumedOverlay o;
  o.consume("BTCUSD", Side::Ask, "100"_d, "1"_d, "1"_d);
  o.consume("BTCUSD", Side::Ask, "101"_d, "2"_d, "1"_d);
  o.consume("BTCUSD", Side::Bid, "99"_d, "1"_d, "1"_d);  // level gone from the book
  o.consume("ETHUSD", Side::Ask, "100"_d, "5"_d, "1"_d);
  book.set_level(Side::Ask, "101"_d, "3"_d);
  o.prune("BTCUSD", book);
  EXPECT_EQ(o.size(), 2u);  // BTCUSD 100 unchanged, ETHUSD untouched
  EXPECT_EQ(o.available("BTCUSD", Side::Ask, "100"_d, "1"_d), "0"_d);
  EXPECT_EQ(o.available("ETHUSD", Side::Ask, "100"_d, "5"_d), "4"_d);
}

}  // namespace
}  // namespace rtcrypto
