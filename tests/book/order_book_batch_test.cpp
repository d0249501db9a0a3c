// OrderBook::apply (a frame's batch) must leave exactly the book that set_level change by
// change leaves: in and out of snapshots, for ordered and disordered snapshots, duplicates,
// zeros, prices within one search key and prices beyond the keys' range.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "rtcrypto/book/book_fingerprint.hpp"
#include "rtcrypto/book/order_book.hpp"

namespace rtcrypto {
namespace {

using namespace literals;

struct Change {
  Side side;
  Decimal price;
  Decimal qty;
};

std::vector<PackedLevel> pack(const std::vector<Change>& cs) {
  std::vector<PackedLevel> out;
  for (const Change& c : cs) out.push_back(PackedLevel::make(c.side, c.price, c.qty));
  return out;
}

void expect_same(const OrderBook& a, const OrderBook& b) {
  for (Side side : {Side::Bid, Side::Ask}) {
    ASSERT_EQ(a.depth(side), b.depth(side));
    for (std::size_t i = 0; i < a.depth(side); ++i) {
      EXPECT_EQ(a.level(side, i).price, b.level(side, i).price) << i;
      EXPECT_EQ(a.level(side, i).quantity, b.level(side, i).quantity) << i;
    }
  }
  EXPECT_EQ(book_fingerprint(a), book_fingerprint(b));
}

// Applies `snapshot` as one bulk load and then `flow` in batches of `batch`, to one book by
// apply() and to another by set_level.
void check(const std::vector<Change>& snapshot, const std::vector<Change>& flow,
           std::size_t batch) {
  OrderBook by_batch, by_level;
  by_batch.begin_bulk();
  by_level.begin_bulk();
  const std::vector<PackedLevel> snap = pack(snapshot);
  by_batch.apply(snap);
  for (const Change& c : snapshot) by_level.set_level(c.side, c.price, c.qty);
  by_batch.end_bulk();
  by_level.end_bulk();
  expect_same(by_batch, by_level);
  const std::vector<PackedLevel> packed = pack(flow);
  for (std::size_t i = 0; i < packed.size(); i += batch) {
    const std::size_t n = std::min(batch, packed.size() - i);
    by_batch.apply(std::span<const PackedLevel>(packed.data() + i, n));
  }
  for (const Change& c : flow) by_level.set_level(c.side, c.price, c.qty);
  expect_same(by_batch, by_level);
  for (const Change& c : flow) {
    EXPECT_EQ(by_batch.quantity_at(c.side, c.price), by_level.quantity_at(c.side, c.price));
  }
}

Decimal tick(int i) {
  return Decimal::from_int(1000) +
         Decimal::from_raw(static_cast<Decimal::Rep>(i) * 10'000'000'000'000'000);
}

TEST(OrderBookBatch, OrderedSnapshotThenRandomFlowNearTheTop) {
  std::vector<Change> snapshot;
  for (int i = 0; i < 300; ++i) snapshot.push_back({Side::Bid, tick(500 - i), "1"_d});
  for (int i = 0; i < 300; ++i) snapshot.push_back({Side::Ask, tick(501 + i), "2"_d});
  std::mt19937 rng(7);
  std::vector<Change> flow;
  for (int i = 0; i < 20000; ++i) {
    const Side side = rng() % 2 ? Side::Bid : Side::Ask;
    const int depth = static_cast<int>(rng() % 40);  // mostly within the top levels
    const int p = side == Side::Bid ? 500 - depth : 501 + depth;
    const Decimal q =
        rng() % 3 == 0 ? Decimal{} : Decimal::from_int(static_cast<int>(rng() % 9) + 1);
    flow.push_back({side, tick(p), q});
  }
  for (std::size_t batch : {1u, 3u, 64u, 20000u}) check(snapshot, flow, batch);
}

TEST(OrderBookBatch, DisorderedSnapshotLastValueWinsAndZerosGo) {
  std::mt19937 rng(11);
  std::vector<Change> snapshot;
  for (int i = 0; i < 2000; ++i) {
    const Side side = rng() % 2 ? Side::Bid : Side::Ask;
    const int p =
        side == Side::Bid ? static_cast<int>(rng() % 100) : 200 + static_cast<int>(rng() % 100);
    const Decimal q =
        rng() % 5 == 0 ? Decimal{} : Decimal::from_int(static_cast<int>(rng() % 9) + 1);
    snapshot.push_back({side, tick(p), q});
  }
  check(snapshot, {{Side::Bid, tick(150), "1"_d}, {Side::Ask, tick(199), "1"_d}}, 1);
}

TEST(OrderBookBatch, PricesWithinOneKeyAndBeyondTheKeysRange) {
  // 1e-18 apart: one search key, so the exact price must order them.
  std::vector<Change> snapshot;
  for (int i = 0; i < 20; ++i) {
    snapshot.push_back({Side::Bid, Decimal::from_raw(Decimal::kOne * 5 - i), "1"_d});
    snapshot.push_back({Side::Ask, Decimal::from_raw(Decimal::kOne * 6 + i), "1"_d});
  }
  std::vector<Change> flow;
  const Decimal huge = decimal_or_throw("90000000000");  // beyond the keys' range
  for (int i = 0; i < 40; ++i) {
    flow.push_back(
        {Side::Bid, Decimal::from_raw(Decimal::kOne * 5 - 3 * i), Decimal::from_int(i % 3)});
    flow.push_back({Side::Ask, Decimal::from_raw(Decimal::kOne * 6 + 2 * i + 1), "2"_d});
    flow.push_back({Side::Ask, huge + Decimal::from_raw(i % 7), Decimal::from_int(i % 2)});
    flow.push_back({Side::Bid, huge - Decimal::from_int(1) + Decimal::from_raw(i % 5), "1"_d});
  }
  for (std::size_t batch : {1u, 7u, 200u}) check(snapshot, flow, batch);
}

TEST(OrderBookBatch, OrderedSnapshotWithPricesBeyondTheKeysRange) {
  // As a real BTCUSD snapshot: far asks above ~4.9e9, whose keys saturate; ordered, so it
  // still loads at once, and changes among those levels find them by their exact prices.
  for (int far : {1, 2, 3, 7}) {
    std::vector<Change> snapshot;
    for (int i = 0; i < 13; ++i) snapshot.push_back({Side::Bid, tick(500 - i), "1"_d});
    for (int i = 0; i < 10; ++i) snapshot.push_back({Side::Ask, tick(501 + i), "2"_d});
    for (int i = 0; i < far; ++i) {
      snapshot.push_back(
          {Side::Ask, decimal_or_throw("5678912345.67") + Decimal::from_int(i * 1000), "0.5"_d});
    }
    std::vector<Change> flow;
    for (int i = 0; i < far; ++i) {
      flow.push_back({Side::Ask, decimal_or_throw("5678912345.67") + Decimal::from_int(i * 1000),
                      i % 2 ? Decimal{} : "3"_d});
      flow.push_back(
          {Side::Ask, decimal_or_throw("5678912345.67") + Decimal::from_int(i * 1000 + 1), "4"_d});
    }
    flow.push_back({Side::Bid, tick(499), Decimal{}});
    for (std::size_t batch : {1u, 5u}) check(snapshot, flow, batch);
  }
}

TEST(OrderBookBatch, SnapshotInSeveralBatchesAndAfterLevelsAlreadyThere) {
  std::vector<Change> first, second;
  for (int i = 0; i < 50; ++i) first.push_back({Side::Bid, tick(100 - i), "1"_d});
  for (int i = 0; i < 50; ++i) second.push_back({Side::Bid, tick(60 - i), "3"_d});  // overlaps
  second.push_back({Side::Ask, tick(101), "1"_d});
  OrderBook a, b;
  a.begin_bulk();
  b.begin_bulk();
  a.apply(pack(first));
  a.apply(pack(second));
  for (const auto* cs : {&first, &second})
    for (const Change& c : *cs) b.set_level(c.side, c.price, c.qty);
  a.end_bulk();
  b.end_bulk();
  expect_same(a, b);
  EXPECT_EQ(*a.quantity_at(Side::Bid, tick(55)), "3"_d);  // the later value won
  EXPECT_EQ(a.best_bid()->price, tick(100));
  EXPECT_FALSE(a.crossed());
}

TEST(OrderBookBatch, CopiedBookIsIndependent) {
  OrderBook a;
  a.set_level(Side::Bid, "100"_d, "1"_d);
  a.set_level(Side::Ask, "101"_d, "1"_d);
  OrderBook b = a;
  b.set_level(Side::Bid, "100.5"_d, "2"_d);
  EXPECT_EQ(a.best_bid()->price, "100"_d);
  EXPECT_EQ(b.best_bid()->price, "100.5"_d);
  OrderBook c = std::move(b);
  EXPECT_EQ(c.depth(Side::Bid), 2u);
}

}  // namespace
}  // namespace rtcrypto
