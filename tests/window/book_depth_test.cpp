// depth_quantity_within (window code): the same doubles as OrderBook::depth_quantity_within
// for any book, band and quantity size, band edges included.
#include "rtcrypto/window/book_depth.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <limits>
#include <random>

namespace rtcrypto {
namespace {

std::uint64_t bits(double d) {
  std::uint64_t b;
  std::memcpy(&b, &d, sizeof b);
  return b;
}

// Each side alone and both at once (depth_quantities_within, a window close's call).
void expect_same(const OrderBook& book, double pct) {
  const BookDepth both = depth_quantities_within(book, pct);
  if (const auto mid = book.mid()) {  // the close's call, with the mid it has
    const BookDepth around = depth_quantities_around(book, *mid, pct);
    EXPECT_EQ(bits(around.bid), bits(both.bid)) << "around, pct " << pct;
    EXPECT_EQ(bits(around.ask), bits(both.ask)) << "around, pct " << pct;
  }
  for (Side side : {Side::Bid, Side::Ask}) {
    const double want = book.depth_quantity_within(side, pct);
    const double got = depth_quantity_within(book, side, pct);
    EXPECT_EQ(bits(got), bits(want))
        << "pct " << pct << " side " << static_cast<int>(side) << ": " << got << " vs " << want;
    const double fused = side == Side::Bid ? both.bid : both.ask;
    EXPECT_EQ(bits(fused), bits(want))
        << "both sides, pct " << pct << " side " << static_cast<int>(side);
  }
}

TEST(BookDepth, DecimalToDoubleIsDecimalsOwn) {
  for (const char* text :
       {"0", "0.000000000000000001", "0.1", "1", "18.446744073709551615", "18.446744073709551616",
        "12345.678901234567890123", "-3.5", "-0.000000000000000001", "-18.446744073709551616",
        "9223372036854775807.999999999999999999",
        // around 2^82 raw units (the inline path's end): 4835703.278458516698824704
        "4835703.278458516698824703", "4835703.278458516698824704", "4835703.278458516698824705",
        "999999.999999999999999999"}) {
    const Decimal d = decimal_or_throw(text);
    EXPECT_EQ(bits(decimal_to_double(d)), bits(d.to_double())) << text;
  }
  // Each integral part's first and last raw value below 2^81 (the reciprocal's edges).
  for (std::uint64_t ip :
       {0ULL, 1ULL, 2ULL, 17ULL, 18ULL, 19ULL, 1234567ULL, 2417850ULL, 2417851ULL}) {
    for (Decimal::Rep raw : {static_cast<Decimal::Rep>(ip) * Decimal::kOne,
                             static_cast<Decimal::Rep>(ip + 1) * Decimal::kOne - 1}) {
      const Decimal d = Decimal::from_raw(raw);
      ASSERT_EQ(bits(decimal_to_double(d)), bits(d.to_double())) << d.to_string();
    }
  }
  std::mt19937_64 rng(7);
  for (int i = 0; i < 100000; ++i) {
    const auto raw = (static_cast<Decimal::Rep>(rng() >> (i % 64)) << (i % 50)) + rng() % 1000;
    const Decimal d = Decimal::from_raw(raw);
    ASSERT_EQ(bits(decimal_to_double(d)), bits(d.to_double())) << d.to_string();
  }
}

TEST(BookDepth, EmptyOrOneSidedBookHasNoDepth) {
  OrderBook book{"BTCUSD"};
  EXPECT_EQ(depth_quantity_within(book, Side::Bid, 1.0), 0.0);
  book.set_level(Side::Bid, decimal_or_throw("100"), decimal_or_throw("2"));
  EXPECT_EQ(depth_quantity_within(book, Side::Bid, 1.0), 0.0);  // no ask: no mid
  expect_same(book, 1.0);
}

TEST(BookDepth, LevelsExactlyOnTheBandEdgesCount) {
  // mid 100: band [99, 101] at 1 %.
  OrderBook book{"BTCUSD"};
  book.set_level(Side::Bid, decimal_or_throw("99.5"), decimal_or_throw("1"));
  book.set_level(Side::Bid, decimal_or_throw("99"), decimal_or_throw("2"));
  book.set_level(Side::Bid, decimal_or_throw("98.999999999999999999"), decimal_or_throw("4"));
  book.set_level(Side::Ask, decimal_or_throw("100.5"), decimal_or_throw("1"));
  book.set_level(Side::Ask, decimal_or_throw("101"), decimal_or_throw("8"));
  book.set_level(Side::Ask, decimal_or_throw("101.000000000000000001"), decimal_or_throw("16"));
  expect_same(book, 1.0);
  EXPECT_EQ(depth_quantity_within(book, Side::Ask, 1.0),
            book.depth_quantity_within(Side::Ask, 1.0));
}

TEST(BookDepth, MatchesTheBookOnRandomBooks) {
  std::mt19937_64 rng(42);
  for (int round = 0; round < 300; ++round) {
    OrderBook book{"BTCUSD"};
    // Prices around a mid of 10^k with a tick of 10^-t; quantities from dust to huge.
    const int k = static_cast<int>(rng() % 7);
    const int t = static_cast<int>(rng() % 9);
    Decimal::Rep mid = Decimal::kOne, tick = Decimal::kOne;
    for (int i = 0; i < k; ++i) mid *= 10;
    for (int i = 0; i < t; ++i) tick /= 10;
    const int levels = 1 + static_cast<int>(rng() % 60);
    for (int i = 0; i < levels; ++i) {
      const auto steps = static_cast<Decimal::Rep>(1 + rng() % 20000);
      const Decimal q = Decimal::from_raw(static_cast<Decimal::Rep>(rng() >> (rng() % 64)) *
                                          static_cast<Decimal::Rep>(1 + rng() % 1000));
      if (mid - steps * tick > 0)
        book.set_level(Side::Bid, Decimal::from_raw(mid - steps * tick), q);
      book.set_level(Side::Ask, Decimal::from_raw(mid + steps * tick), q);
    }
    for (double pct : {0.0, 0.01, 0.5, 1.0, 2.5, 50.0, 100.0, 150.0, -1.0}) {
      expect_same(book, pct);
    }
  }
}

TEST(BookDepth, CrossedAndOddBandsMatchTheBook) {
  OrderBook book{"BTCUSD"};
  book.set_level(Side::Bid, decimal_or_throw("101"), decimal_or_throw("1"));  // crossed
  book.set_level(Side::Bid, decimal_or_throw("100"), decimal_or_throw("2"));
  book.set_level(Side::Ask, decimal_or_throw("99"), decimal_or_throw("3"));
  book.set_level(Side::Ask, decimal_or_throw("100"), decimal_or_throw("4"));
  for (double pct : {0.0, 1.0, 1e300, -1e300, std::numeric_limits<double>::infinity(),
                     std::numeric_limits<double>::quiet_NaN()}) {
    expect_same(book, pct);
  }
}

// Several best levels beyond the far edge (bids above hi, asks below lo: the walk's exact
// first part) before the levels inside; and prices whose edges are out of the raw bounds'
// range (every level exact).
TEST(BookDepth, DeeplyCrossedAndHugeBooksMatchTheBook) {
  for (const char* base : {"100", "2000000000000"}) {
    const Decimal mid = decimal_or_throw(base);
    const Decimal step = mid * decimal_or_throw("0.004");
    OrderBook book{"BTCUSD"};
    for (int i = -6; i <= 6; ++i) {
      const Decimal off = step * Decimal::from_int(i);
      book.set_level(Side::Bid, mid + off, Decimal::from_int(1 + (i + 6)));
      book.set_level(Side::Ask, mid - off + Decimal::from_raw(step.raw() / 3),
                     Decimal::from_int(100 + (i + 6)));
    }
    ASSERT_TRUE(book.crossed());
    for (double pct : {0.5, 1.0, 1.7, 3.0, 10.0}) expect_same(book, pct);
    EXPECT_GT(depth_quantity_within(book, Side::Bid, 1.7), 0.0) << base;
  }
}

// Quantities in each of the walk's conversion cases: below 2^64 units, up to 2^63 · 2^64
// units (hardware division) and beyond (the library conversion), and a negative one.
TEST(BookDepth, QuantitiesOfEverySizeMatchTheBook) {
  OrderBook book{"BTCUSD"};
  const char* sizes[] = {"0.00000001",
                         "18.446744073709551615",
                         "18.446744073709551616",
                         "123456.789",
                         "9223372036854775807.5",
                         "9300000000000000000",
                         "100000000000000000000.25"};
  int i = 0;
  for (const char* q : sizes) {
    book.set_level(Side::Bid, Decimal::from_int(1000 - i), decimal_or_throw(q));
    book.set_level(Side::Ask, Decimal::from_int(1001 + i), decimal_or_throw(q));
    ++i;
  }
  book.set_level(Side::Ask, Decimal::from_int(1001 + i), decimal_or_throw("-2.5"));
  for (double pct : {0.1, 1.0, 5.0}) expect_same(book, pct);
}

}  // namespace
}  // namespace rtcrypto
