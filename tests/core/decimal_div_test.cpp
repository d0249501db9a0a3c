// Decimal::checked_div takes two base-1e9 steps for operands below ~3.4e29 raw and the
// base-10 long division otherwise: both must give floor(a*1e18/b) (truncated toward zero),
// compared here against a plain digit-by-digit long division on random and edge operands.
// Decimal::checked_mul against the plain 128-bit arithmetic it replaced, and to_string of
// values with 64-bit and 128-bit integral parts.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "rtcrypto/core/decimal.hpp"

namespace rtcrypto {
namespace {

using Rep = Decimal::Rep;
using URep = unsigned __int128;

// floor(|a|*1e18/|b|) by 18 base-10 steps in unsigned arithmetic; none when it exceeds Rep.
std::optional<Rep> reference_div(Rep a, Rep b) {
  const bool neg = (a < 0) != (b < 0);
  const URep ua = a < 0 ? static_cast<URep>(-(a + 1)) + 1 : static_cast<URep>(a);
  const URep ub = b < 0 ? static_cast<URep>(-(b + 1)) + 1 : static_cast<URep>(b);
  const URep kRepMax = ~URep{0} >> 1;
  URep q = ua / ub, r = ua % ub;
  for (int k = 0; k < 18; ++k) {
    if (q > kRepMax / 10) return std::nullopt;
    // r < ub < 2^127: r*10 fits the unsigned 128 bits.
    const URep r10 = r * 10;
    q = q * 10 + r10 / ub;
    r = r10 % ub;
    if (q > kRepMax) return std::nullopt;
  }
  return neg ? -static_cast<Rep>(q) : static_cast<Rep>(q);
}

void expect_div(Rep a, Rep b) {
  const auto got = Decimal::from_raw(a).checked_div(Decimal::from_raw(b));
  const auto want = reference_div(a, b);
  ASSERT_EQ(got.has_value(), want.has_value());
  if (got) {
    ASSERT_TRUE(got->raw() == *want);
  }
}

TEST(DecimalDiv, EdgeOperandsAgreeWithLongDivision) {
  const Rep one = Decimal::kOne;
  const URep limit = ~URep{0} / 1'000'000'000;  // the two-step path's bound
  const Rep edges[] = {1,
                       2,
                       3,
                       7,
                       one - 1,
                       one,
                       one + 1,
                       one * 3,
                       one * 90'000,
                       static_cast<Rep>(limit) - 1,
                       static_cast<Rep>(limit),
                       static_cast<Rep>(limit) + 1,
                       static_cast<Rep>(~URep{0} >> 2),
                       static_cast<Rep>(~URep{0} >> 1)};
  for (Rep a : edges)
    for (Rep b : edges) {
      expect_div(a, b);
      expect_div(-a, b);
      expect_div(a, -b);
    }
  EXPECT_FALSE(Decimal::from_raw(one).checked_div(Decimal{}).has_value());
}

TEST(DecimalDiv, RandomOperandsAgreeWithLongDivision) {
  std::mt19937_64 rng(20261121);
  for (int i = 0; i < 200'000; ++i) {
    // Magnitudes from 1 raw unit to ~2^126: amounts, prices, notionals and beyond.
    const auto draw = [&] {
      const int bits = 1 + static_cast<int>(rng() % 126);
      const URep v = (static_cast<URep>(rng()) << 64) | rng();
      const URep m = v & ((URep{1} << bits) - 1);
      return static_cast<Rep>(m == 0 ? 1 : m);
    };
    const Rep a = draw(), b = draw();
    expect_div(rng() % 2 ? a : -a, b);
  }
  // Typical: a notional over an amount, an amount over a price (exact values).
  const auto d = [](const char* s) { return *Decimal::parse(s); };
  EXPECT_EQ(d("1234.5").checked_div(d("0.5"))->to_string(), "2469");
  EXPECT_EQ(d("100").checked_div(d("87123.45"))->to_string(), "0.00114779660355507");
  EXPECT_EQ(d("-1").checked_div(d("3"))->to_string(), "-0.333333333333333333");
}

// checked_mul as it was written with plain 128-bit divisions (the reference for the split
// by divmod_1e18).
std::optional<Rep> reference_mul(Rep a, Rep b) {
  const Rep one = Decimal::kOne;
  const bool neg = (a < 0) != (b < 0);
  if (a < 0) a = -a;
  if (b < 0) b = -b;
  Rep ai = a / one, af = a % one, bi = b / one, bf = b % one;
  Rep t1, t2, t3, sum;
  if (__builtin_mul_overflow(ai, bi, &t1) || __builtin_mul_overflow(t1, one, &t1)) return {};
  if (__builtin_mul_overflow(ai, bf, &t2) || __builtin_mul_overflow(af, bi, &t3)) return {};
  const Rep t4 = af * bf / one;
  if (__builtin_add_overflow(t1, t2, &sum) || __builtin_add_overflow(sum, t3, &sum) ||
      __builtin_add_overflow(sum, t4, &sum))
    return {};
  return neg ? -sum : sum;
}

TEST(DecimalMul, RandomOperandsAgreeWithPlainArithmetic) {
  std::mt19937_64 rng(1121);
  for (int i = 0; i < 200'000; ++i) {
    const auto draw = [&] {
      const int bits = 1 + static_cast<int>(rng() % 126);
      const URep v = (static_cast<URep>(rng()) << 64) | rng();
      const Rep m = static_cast<Rep>(v & ((URep{1} << bits) - 1));
      return rng() % 2 ? m : -m;
    };
    const Rep a = draw(), b = draw();
    const auto got = Decimal::from_raw(a).checked_mul(Decimal::from_raw(b));
    const auto want = reference_mul(a, b);
    ASSERT_EQ(got.has_value(), want.has_value());
    if (got) {
      ASSERT_TRUE(got->raw() == *want);
    }
  }
}

// One operand below 2^64 units takes a 192-bit product and hardware divisions: edge
// operands around that bound and around the result's overflow, both signs.
TEST(DecimalMul, SmallTimesLargeEdgesAgreeWithPlainArithmetic) {
  const Rep one = Decimal::kOne;
  const Rep rep_max = static_cast<Rep>(~URep{0} >> 1);
  const Rep two64 = static_cast<Rep>(URep{1} << 64);
  const Rep smalls[] = {0,         1,     2,        999'999'999'999'999'999, one, one + 1, one * 18,
                        two64 - 1, two64, two64 + 1};
  std::vector<Rep> larges = {
      1,           one,         two64 - 1,    two64,        rep_max,
      rep_max - 1, rep_max / 2, rep_max / 18, rep_max / 17, static_cast<Rep>(URep{1} << 100)};
  for (Rep s : {one, one * 18, two64 - 1}) {  // results right at and past 2^127 - 1
    const Rep at = static_cast<Rep>((static_cast<URep>(rep_max) / static_cast<URep>(s)) * one);
    for (Rep d : {Rep{-one}, Rep{-1}, Rep{0}, Rep{1}, Rep{one}}) {
      Rep v;  // skips the steps past 2^127 - 1 (the sum itself would overflow)
      if (!__builtin_add_overflow(at, d, &v)) larges.push_back(v);
    }
  }
  for (Rep a : smalls) {
    for (Rep b : larges) {
      for (int signs = 0; signs < 4; ++signs) {
        const Rep x = signs & 1 ? -a : a, y = signs & 2 ? -b : b;
        for (const auto& [p, q] : {std::pair{x, y}, std::pair{y, x}}) {
          const auto got = Decimal::from_raw(p).checked_mul(Decimal::from_raw(q));
          const auto want = reference_mul(p, q);
          ASSERT_EQ(got.has_value(), want.has_value());
          if (got) {
            ASSERT_TRUE(got->raw() == *want);
          }
        }
      }
    }
  }
}

TEST(DecimalToString, IntegralPartsOf64And128Bits) {
  const Rep one = Decimal::kOne;
  EXPECT_EQ(Decimal::from_raw(one * 18446744073709551615ULL).to_string(), "18446744073709551615");
  EXPECT_EQ(Decimal::from_raw(one * 18446744073709551615ULL + one).to_string(),
            "18446744073709551616");
  EXPECT_EQ(Decimal::from_raw(-(one * 12345) - 5).to_string(), "-12345.000000000000000005");
  EXPECT_EQ(Decimal::from_raw(static_cast<Rep>(~URep{0} >> 1)).to_string(),
            "170141183460469231731.687303715884105727");
}

}  // namespace
}  // namespace rtcrypto
