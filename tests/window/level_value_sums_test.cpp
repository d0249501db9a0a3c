// The AVX2 level-sum kernel must add exactly what the portable one adds (same doubles, same
// order), and that must be what WindowAggregator::add(LevelChange) adds change by change.
#include "rtcrypto/window/level_value_sums.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "rtcrypto/window/window_aggregator.hpp"
#include "test_support.hpp"

namespace rtcrypto {
namespace {

using I = __int128;

// Sums as a kernel leaves them.
struct LevelValueSums {
  double ask = 0;
  double bid = 0;
  std::uint64_t asks = 0;
};

void add_scalar(const std::vector<PackedLevel>& levels, LevelValueSums& s) {
  s.asks += add_level_values_scalar(levels, s.ask, s.bid);
}
// False (and `s` untouched) where the AVX2 kernel refuses the levels.
bool add_avx2(const std::vector<PackedLevel>& levels, LevelValueSums& s) {
  const std::uint64_t asks = add_level_values_avx2(levels, s.ask, s.bid);
  if (asks == kLevelValuesRefused) return false;
  s.asks += asks;
  return true;
}
// The same for the AVX-512 kernel (which takes and refuses what the AVX2 one does).
bool add_avx512(const std::vector<PackedLevel>& levels, LevelValueSums& s) {
  const std::uint64_t asks = add_level_values_avx512(levels, s.ask, s.bid);
  if (asks == kLevelValuesRefused) return false;
  s.asks += asks;
  return true;
}
void add_best(const std::vector<PackedLevel>& levels, LevelValueSums& s) {
  s.asks += add_level_values(levels, s.ask, s.bid);
}

std::uint64_t bits(double d) {
  return std::bit_cast<std::uint64_t>(d);
}

void expect_same(const LevelValueSums& a, const LevelValueSums& b) {
  EXPECT_EQ(bits(a.ask), bits(b.ask));
  EXPECT_EQ(bits(a.bid), bits(b.bid));
  EXPECT_EQ(a.asks, b.asks);
}

// A magnitude of `bits` bits with random low bits (and exact ties now and then).
I random_magnitude(std::mt19937_64& rng, int nbits) {
  unsigned __int128 u = (static_cast<unsigned __int128>(rng()) << 64) | rng();
  u >>= (128 - nbits);
  u |= static_cast<unsigned __int128>(1) << (nbits - 1);
  if (nbits > 54 && rng() % 4 == 0) {  // a tie at the 53-bit rounding point
    const int cut = nbits - 53;
    u = (u >> cut) << cut;
    u |= static_cast<unsigned __int128>(1) << (cut - 1);
  }
  return static_cast<I>(u);
}

std::vector<PackedLevel> random_levels(std::mt19937_64& rng, std::size_t n, int max_bits,
                                       bool negative_quantities) {
  std::vector<PackedLevel> out;
  for (std::size_t i = 0; i < n; ++i) {
    const I price = random_magnitude(rng, 1 + static_cast<int>(rng() % max_bits));
    I qty = rng() % 8 == 0 ? 0 : random_magnitude(rng, 1 + static_cast<int>(rng() % max_bits));
    if (negative_quantities && rng() % 16 == 0) qty = -qty;  // bad input the window still sums
    out.push_back(PackedLevel{rng() % 2 ? -price : price, qty});
  }
  return out;
}

TEST(LevelValueSums, ScalarKernelAddsWhatTheWindowAddsPerChange) {
  std::mt19937_64 rng(7);
  const auto levels = random_levels(rng, 5000, 110, true);
  LevelValueSums sums;
  add_scalar(levels, sums);
  double ask = 0, bid = 0;
  std::uint64_t asks = 0;
  for (const PackedLevel& l : levels) {
    const double v = int128_to_double(l.price().raw()) * int128_to_double(l.quantity) * 1e-36;
    if (l.side() == Side::Ask) {
      ask += v;
      ++asks;
    } else {
      bid += v;
    }
  }
  EXPECT_EQ(bits(sums.ask), bits(ask));
  EXPECT_EQ(bits(sums.bid), bits(bid));
  EXPECT_EQ(sums.asks, asks);
}

TEST(LevelValueSums, Avx2KernelMatchesScalarBitForBit) {
  if (!level_values_avx2_usable()) GTEST_SKIP() << "no AVX2";
  std::mt19937_64 rng(11);
  for (int round = 0; round < 3000; ++round) {
    const std::size_t n = rng() % 40;  // odd and even counts, empty ones
    const auto levels = random_levels(rng, n, 103, false);
    LevelValueSums start;
    if (round % 2) start = LevelValueSums{12345.678, 0.5, 3};  // sums carried over
    LevelValueSums a = start, b = start;
    add_scalar(levels, a);
    ASSERT_TRUE(add_avx2(levels, b)) << round;
    expect_same(a, b);
  }
}

// Levels copied to the end of a page followed by an inaccessible one: a kernel reading past
// the last level faults.
class GuardedLevels {
 public:
  bool ok() const { return pages_.ok(); }
  std::span<const PackedLevel> place(const std::vector<PackedLevel>& levels) {
    const char* at = pages_.place(levels.data(), levels.size() * sizeof(PackedLevel));
    return {reinterpret_cast<const PackedLevel*>(at), levels.size()};
  }

 private:
  test::GuardedPages pages_;
};

// Batch sizes around the four-level steps and the masked last step (1-4 levels), the
// levels ending where the readable memory ends.
TEST(LevelValueSums, Avx512KernelMatchesScalarBitForBit) {
  if (!level_values_avx512_usable()) GTEST_SKIP() << "no AVX-512";
  GuardedLevels guarded;
  ASSERT_TRUE(guarded.ok());
  std::mt19937_64 rng(19);
  for (int round = 0; round < 3000; ++round) {
    const std::size_t n = round < 40 ? round : rng() % 40;
    const auto levels = random_levels(rng, n, 103, false);
    LevelValueSums start;
    if (round % 2) start = LevelValueSums{12345.678, 0.5, 3};
    LevelValueSums a = start, b = start, c = start;
    add_scalar(levels, a);
    const std::uint64_t asks = add_level_values_avx512(guarded.place(levels), b.ask, b.bid);
    ASSERT_NE(asks, kLevelValuesRefused) << round;
    b.asks += asks;
    expect_same(a, b);
    ASSERT_TRUE(add_avx2(levels, c));
    expect_same(c, b);
  }
}

// The AVX2 kernel's masked last step the same way.
TEST(LevelValueSums, Avx2KernelReadsNothingPastTheLevels) {
  if (!level_values_avx2_usable()) GTEST_SKIP() << "no AVX2";
  GuardedLevels guarded;
  ASSERT_TRUE(guarded.ok());
  std::mt19937_64 rng(23);
  for (std::size_t n = 0; n < 40; ++n) {
    const auto levels = random_levels(rng, n, 103, false);
    LevelValueSums a, b;
    add_scalar(levels, a);
    const std::uint64_t asks = add_level_values_avx2(guarded.place(levels), b.ask, b.bid);
    ASSERT_NE(asks, kLevelValuesRefused) << n;
    b.asks = asks;
    expect_same(a, b);
  }
}

TEST(LevelValueSums, Avx2KernelRefusesWhatItCannotConvertAndLeavesSumsAlone) {
  if (!level_values_avx2_usable()) GTEST_SKIP() << "no AVX2";
  const I limit = static_cast<I>(1) << 103;
  struct Bad {
    bool in_price;
    I value;
  };
  const std::vector<Bad> bad = {{true, limit},
                                {true, -limit - 1},
                                {true, static_cast<I>(1) << 120},
                                {true, std::numeric_limits<I>::min() + 1},
                                {false, limit},
                                {false, -1},  // a negative quantity
                                {false, -limit},
                                {false, std::numeric_limits<I>::max()}};
  for (const Bad& b : bad) {
    for (std::size_t at : {0, 1, 2}) {  // first, second of a pair, the odd last one
      std::vector<PackedLevel> levels(3, PackedLevel{I{5} << 60, I{3} << 59});
      if (b.in_price) {
        levels[at].signed_price = b.value;
      } else {
        levels[at].quantity = b.value;
      }
      LevelValueSums sums{1.5, 2.5, 7};
      EXPECT_FALSE(add_avx2(levels, sums));
      EXPECT_EQ(sums.ask, 1.5);
      EXPECT_EQ(sums.bid, 2.5);
      EXPECT_EQ(sums.asks, 7u);
      if (level_values_avx512_usable()) {
        for (std::size_t lead : {0, 4}) {  // in the last step, or in a full one before it
          std::vector<PackedLevel> longer(lead, PackedLevel{I{5} << 60, I{3} << 59});
          longer.insert(longer.end(), levels.begin(), levels.end());
          EXPECT_FALSE(add_avx512(longer, sums)) << lead << " " << at;
          EXPECT_EQ(sums.ask, 1.5);
          EXPECT_EQ(sums.bid, 2.5);
          EXPECT_EQ(sums.asks, 7u);
        }
      }
      // The dispatcher then adds them with the scalar kernel.
      LevelValueSums x{1.5, 2.5, 7}, y{1.5, 2.5, 7};
      add_best(levels, x);
      add_scalar(levels, y);
      expect_same(x, y);
    }
  }
  // The edges that are taken: prices in [-2^103, 2^103), quantities in [0, 2^103).
  std::vector<PackedLevel> levels{{limit - 1, limit - 1}, {-limit, 0}, {-1, 1}, {1, 0}};
  LevelValueSums a, b;
  if (level_values_avx512_usable()) {
    LevelValueSums c;
    ASSERT_TRUE(add_avx512(levels, c));
    add_scalar(levels, a);
    expect_same(a, c);
    a = LevelValueSums{};
  }
  ASSERT_TRUE(add_avx2(levels, b));
  add_scalar(levels, a);
  expect_same(a, b);
  EXPECT_EQ(b.asks, 2u);
}

TEST(LevelValueSums, ZeroQuantitiesAddPlusZero) {
  // An ask of quantity 0 has the term +0.0 on the ask side, as add(LevelChange) gives.
  std::vector<PackedLevel> levels{{-(I{5} << 60), 0}, {I{5} << 60, 0}, {-(I{7} << 60), 0}};
  LevelValueSums a, b;
  add_scalar(levels, a);
  add_best(levels, b);
  expect_same(a, b);
  EXPECT_EQ(bits(b.ask), bits(0.0));
  EXPECT_EQ(bits(b.bid), bits(0.0));
  EXPECT_EQ(b.asks, 2u);
}

TEST(LevelValueSums, DispatcherMatchesScalarOnWideValues) {
  std::mt19937_64 rng(13);
  for (int round = 0; round < 500; ++round) {
    const auto levels = random_levels(rng, rng() % 20, 127, true);
    LevelValueSums a, b;
    add_best(levels, a);
    add_scalar(levels, b);
    expect_same(a, b);
  }
}

// The counted entry points (what WindowAggregator::add_levels calls): the same sums as the
// scalar kernel, asks and bids counted, over the four-level steps and their 0-3 level tails,
// and wide values the AVX2 kernel refuses (its fallback must still count once).
TEST(LevelValueSums, CountedKernelsMatchScalarAndCount) {
  std::mt19937_64 rng(17);
  for (int round = 0; round < 3000; ++round) {
    const std::size_t n = rng() % 24;
    const int max_bits = round % 3 == 0 ? 127 : 103;  // a third with values to refuse
    const auto levels = random_levels(rng, n, max_bits, round % 5 == 0);
    LevelValueSums start;
    std::uint64_t start_bids = 0;
    if (round % 2) {
      start = LevelValueSums{12345.678, 0.5, 3};
      start_bids = 4;
    }
    LevelValueSums want = start;
    add_scalar(levels, want);
    const std::uint64_t want_bids = start_bids + n - (want.asks - start.asks);
    std::vector<AddLevelValuesCounted> kernels = {&add_level_values_counted_scalar,
                                                  kAddLevelValuesCounted};
    if (level_values_avx2_usable()) kernels.push_back(&add_level_values_counted_avx2);
    if (level_values_avx512_usable()) kernels.push_back(&add_level_values_counted_avx512);
    for (AddLevelValuesCounted kernel : kernels) {
      LevelSums got{start.ask, start.bid, start.asks, start_bids};
      kernel(levels.data(), levels.size(), got);
      expect_same(want, LevelValueSums{got.ask, got.bid, got.asks});
      ASSERT_EQ(got.bids, want_bids) << round;
    }
  }
}

}  // namespace
}  // namespace rtcrypto

namespace rtcrypto {
namespace {

TEST(WindowAggregatorAddLevels, GivesWhatAddGivesChangeByChange) {
  const TimeNs t0 = 1'000 * kNsPerSec;
  const std::vector<PackedLevel> levels = {
      PackedLevel::make(Side::Bid, Decimal::from_raw(I{100} * 1'000'000'000'000'000'000),
                        Decimal::from_raw(I{2} * 1'000'000'000'000'000'000)),
      PackedLevel::make(Side::Ask, Decimal::from_raw(I{101} * 1'000'000'000'000'000'000),
                        Decimal::from_raw(3)),
      PackedLevel::make(Side::Ask, Decimal::from_raw(I{60'646} * 1'000'000'000'000'000'000 + 7),
                        Decimal::from_raw(0)),
  };
  WindowAggregator batch("BTCUSD", WindowConfig{5 * kNsPerSec});
  WindowAggregator single("BTCUSD", WindowConfig{5 * kNsPerSec});
  batch.add_levels({}, t0);  // no change: no window
  EXPECT_FALSE(batch.is_open());
  for (int round = 0; round < 3; ++round) {
    batch.add_levels(levels, t0 + round);
    LevelChange c;
    c.symbol = "BTCUSD";
    for (const PackedLevel& l : levels) {
      c.side = l.side();
      c.price = l.price();
      c.remaining = l.remaining();
      c.ts = t0 + round;
      single.add(c);
    }
  }
  const auto a = batch.flush(nullptr);
  const auto b = single.flush(nullptr);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->start, b->start);
  EXPECT_EQ(bits(a->ask_sum), bits(b->ask_sum));
  EXPECT_EQ(bits(a->bid_sum), bits(b->bid_sum));
  EXPECT_EQ(a->ask_changes, 6u);
  EXPECT_EQ(a->bid_changes, 3u);
  EXPECT_EQ(a->ask_changes, b->ask_changes);
  EXPECT_EQ(a->bid_changes, b->bid_changes);
}

}  // namespace
}  // namespace rtcrypto
