// Decimal::parse has a uint64 fast path for plain decimals of at most 19 digits; everything
// else takes the exact 128-bit path. Appending "e0" (or prefixing 19 zeros) sends the same
// value through the exact path, so the two can be compared on any input. to_double and
// to_string split the value without a 128-bit division: compared against the plain
// int128 arithmetic here.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <string>

#include "rtcrypto/core/decimal.hpp"

namespace rtcrypto {
namespace {

using Rep = Decimal::Rep;

// parse(s) against the exact path, which cannot take s + "e0". A string with an exponent
// goes to the exact path anyway (the fast path stops at 'e').
void expect_paths_agree(const std::string& s) {
  const std::optional<Decimal> fast = Decimal::parse(s);
  if (s.find_first_of("eE") != std::string::npos) return;
  const std::optional<Decimal> exact = Decimal::parse(s + "e0");
  ASSERT_EQ(fast.has_value(), exact.has_value()) << "'" << s << "'";
  if (fast) {
    ASSERT_EQ(fast->raw(), exact->raw()) << "'" << s << "'";
  }
}

// The old to_double: 128-bit division and remainder.
double reference_to_double(Rep raw) {
  return static_cast<double>(raw / Decimal::kOne) + static_cast<double>(raw % Decimal::kOne) / 1e18;
}

std::string reference_to_string(Rep raw) {
  using URep = unsigned __int128;
  URep u = raw < 0 ? static_cast<URep>(-(raw + 1)) + 1 : static_cast<URep>(raw);
  URep ip = u / static_cast<URep>(Decimal::kOne);
  URep fp = u % static_cast<URep>(Decimal::kOne);
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(ip % 10)));
    ip /= 10;
  } while (ip > 0);
  std::string frac(18, '0');
  for (int k = 17; k >= 0; --k, fp /= 10)
    frac[k] = static_cast<char>('0' + static_cast<int>(fp % 10));
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  return (raw < 0 ? "-" : "") + digits + (frac.empty() ? "" : "." + frac);
}

TEST(DecimalFastPath, EdgeInputsAgreeWithExactPath) {
  for (const char* s : {"0",
                        "-0",
                        "+0",
                        "1",
                        "-1",
                        "+1",
                        ".5",
                        "5.",
                        ".",
                        "-.",
                        "+.",
                        "",
                        "-",
                        "+",
                        "00",
                        "0.000000000000000001",
                        "0.0000000000000000001",
                        "0.000000000000000000",
                        "9999999999999999999",
                        "99999999999999999999",
                        "999999999.9999999999",
                        "0.999999999999999999",
                        "1.000000000000000000",
                        "18446744073709551615",
                        "18446744073709551616",
                        "1844674407370955161.5",
                        "0000000000000000001",
                        "00000000000000000001",
                        "60646.46",
                        "0.00000001",
                        "1e-08",
                        "1.5E+3",
                        "1..2",
                        "1.2.3",
                        "--1",
                        "+-1",
                        "1-",
                        "1+",
                        "12a",
                        "a12",
                        " 1",
                        "1 ",
                        "1\"",
                        "\\1",
                        "0x1",
                        "1,5",
                        "123456789012345678",
                        "12345678901234567.89",
                        "-9223372036854775808",
                        "170141183460469231731.687303715884105727"}) {
    expect_paths_agree(s);
  }
}

TEST(DecimalFastPath, FastPathValuesAreExact) {
  EXPECT_EQ(Decimal::parse("60646.46")->raw(), static_cast<Rep>(6064646) * 10'000'000'000'000'000);
  EXPECT_EQ(Decimal::parse("-0.000000000000000001")->raw(), -1);
  EXPECT_EQ(Decimal::parse("9999999999999999999")->raw(),
            static_cast<Rep>(9999999999999999999ULL) * Decimal::kOne);
  EXPECT_EQ(Decimal::parse("0.1234567890123456789"), std::nullopt);  // finer than 1e-18
  EXPECT_EQ(Decimal::parse("-.5")->raw(), -Decimal::kOne / 2);
}

TEST(DecimalFastPath, RandomStringsAgreeWithExactPath) {
  std::mt19937_64 rng(20260421);
  const char alphabet[] = "0123456789012345678901234567890123456789.-+eE";
  std::string s;
  for (int n = 0; n < 1'000'000; ++n) {
    s.clear();
    const std::uint64_t r = rng();
    if (r % 4 == 0) {
      // Anything from the alphabet, mostly digits.
      const int len = static_cast<int>(rng() % 24);
      for (int k = 0; k < len; ++k) s.push_back(alphabet[rng() % (sizeof alphabet - 1)]);
    } else {
      // Well-formed: [sign] int digits [. frac digits], lengths around the 19/18 limits.
      if (r % 7 == 1) s.push_back('-');
      if (r % 11 == 2) s.push_back('+');
      const int int_len = static_cast<int>(rng() % 21);
      const int frac_len = static_cast<int>(rng() % 21);
      for (int k = 0; k < int_len; ++k) s.push_back(static_cast<char>('0' + rng() % 10));
      if (frac_len > 0 || r % 5 == 3) s.push_back('.');
      for (int k = 0; k < frac_len; ++k) s.push_back(static_cast<char>('0' + rng() % 10));
    }
    expect_paths_agree(s);
    if (testing::Test::HasFatalFailure()) return;
  }
}

TEST(DecimalFastPath, ToDoubleAndToStringMatchInt128Arithmetic) {
  std::mt19937_64 rng(7);
  std::vector<Rep> values = {0,
                             1,
                             -1,
                             Decimal::kOne,
                             -Decimal::kOne,
                             Decimal::kOne - 1,
                             std::numeric_limits<Rep>::max(),
                             std::numeric_limits<Rep>::min() + 1,
                             std::numeric_limits<Rep>::min(),
                             static_cast<Rep>(std::numeric_limits<std::uint64_t>::max()),
                             static_cast<Rep>(std::numeric_limits<std::uint64_t>::max()) + 1};
  for (int n = 0; n < 300'000; ++n) {
    // Random magnitudes: 1 to 127 random bits, random sign.
    const int bits = 1 + static_cast<int>(rng() % 127);
    unsigned __int128 u = (static_cast<unsigned __int128>(rng()) << 64) | rng();
    u >>= (128 - bits);
    Rep v = static_cast<Rep>(u);
    values.push_back(rng() % 2 ? v : -v);
  }
  Rep kBelow1e38 = 1;
  for (int k = 0; k < 38; ++k) kBelow1e38 *= 10;
  for (Rep v : values) {
    const Decimal d = Decimal::from_raw(v);
    const double got = d.to_double();
    const double want = reference_to_double(v);
    ASSERT_EQ(got, want) << reference_to_string(v);
    ASSERT_EQ(d.to_string(), reference_to_string(v));
    // Round trip where the text has at most 38 significant digits (what parse keeps).
    if (v > -kBelow1e38 && v < kBelow1e38) {
      const std::optional<Decimal> back = Decimal::parse(d.to_string());
      ASSERT_TRUE(back) << reference_to_string(v);
      ASSERT_EQ(back->raw(), v) << reference_to_string(v);
    }
  }
}

// to_string writes the fraction as two 9-digit halves, the low one only when it is not all
// zeros: fractions with every count of trailing zeros, and append_to after existing text.
TEST(DecimalFastPath, ToStringOfEveryFractionLength) {
  std::mt19937_64 rng(11);
  for (int n = 0; n < 20'000; ++n) {
    Rep scale = 1;
    for (int k = static_cast<int>(rng() % 19); k > 0; --k) scale *= 10;
    const Rep ip = static_cast<Rep>(rng() % 4 ? rng() % 100000 : rng());
    Rep v = ip * Decimal::kOne + static_cast<Rep>(rng() % 1000000000000000000ULL) / scale * scale;
    if (rng() % 2) v = -v;
    ASSERT_EQ(Decimal::from_raw(v).to_string(), reference_to_string(v));
    std::string out = "x=";
    Decimal::from_raw(v).append_to(out);
    ASSERT_EQ(out, "x=" + reference_to_string(v));
  }
}

}  // namespace
}  // namespace rtcrypto
