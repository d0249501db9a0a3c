#include "rtcrypto/core/decimal.hpp"

#include <gtest/gtest.h>

namespace rtcrypto {
namespace {

using namespace literals;

TEST(Decimal, ParsesPlainAndFormatsBackWithoutDrift) {
  for (const char* s : {"0", "1", "-1", "60646.46", "0.00000001", "12345678912.34", "0.5",
                        "123456789012345678.123456789012345678", "-0.000000000000000001"}) {
    auto d = Decimal::parse(s);
    ASSERT_TRUE(d) << s;
    EXPECT_EQ(d->to_string(), s);
    EXPECT_EQ(*Decimal::parse(d->to_string()), *d);
  }
}

TEST(Decimal, CanonicalFormDropsTrailingZerosAndSigns) {
  EXPECT_EQ("1.10"_d.to_string(), "1.1");
  EXPECT_EQ("+5.000"_d.to_string(), "5");
  EXPECT_EQ("-0.0"_d.to_string(), "0");
  EXPECT_EQ(".5"_d.to_string(), "0.5");
  EXPECT_EQ("5."_d.to_string(), "5");
  EXPECT_EQ("0001.0100"_d, "1.01"_d);
}

TEST(Decimal, ParsesExponentForms) {
  EXPECT_EQ("1e-08"_d.to_string(), "0.00000001");
  EXPECT_EQ("1E-8"_d, "0.00000001"_d);
  EXPECT_EQ("1.5E+3"_d.to_string(), "1500");
  EXPECT_EQ("2.5e2"_d.to_string(), "250");
  EXPECT_EQ("123e-2"_d.to_string(), "1.23");
  EXPECT_EQ("0e5"_d, Decimal{});
}

TEST(Decimal, RejectsGarbageNanInfAndOverflow) {
  for (const char* s : {"", "-", "+", ".", "abc", "1.2.3", "1e", "1e+", "NaN", "nan", "inf",
                        "Infinity", "1,5", " 1", "1 ", "0x10", "1e-19", "1.0000000000000000001",
                        "1e21", "200000000000000000000", "99999999999999999999999999999999999999999",
                        "1e99999"}) {
    EXPECT_FALSE(Decimal::parse(s)) << s;
  }
  EXPECT_TRUE(Decimal::parse("1e-18"));
  EXPECT_TRUE(Decimal::parse("1.000000000000000000000"));  // zeros below 1e-18 are exact
  EXPECT_TRUE(Decimal::parse("100000000000000000000"));    // 1e20 fits
}

TEST(Decimal, ArithmeticIsExact) {
  EXPECT_EQ("0.1"_d + "0.2"_d, "0.3"_d);
  EXPECT_EQ("60646.46"_d * "0.2982"_d, "18084.774372"_d);
  EXPECT_EQ("-1.5"_d * "2"_d, "-3"_d);
  EXPECT_EQ(*"1"_d.checked_div("3"_d), "0.333333333333333333"_d);
  EXPECT_EQ(*"10"_d.checked_div("4"_d), "2.5"_d);
  EXPECT_FALSE("1"_d.checked_div(Decimal{}));
  EXPECT_FALSE("100000000000000000000"_d.checked_mul("100"_d));
  EXPECT_NEAR("60646.46"_d.to_double(), 60646.46, 1e-9);
}

TEST(Decimal, RoundsToSteps) {
  EXPECT_EQ("1.23456789"_d.floor_to("0.0001"_d), "1.2345"_d);
  EXPECT_EQ("1.23456789"_d.ceil_to("0.0001"_d), "1.2346"_d);
  EXPECT_EQ("-1.25"_d.floor_to("0.1"_d), "-1.3"_d);
  EXPECT_TRUE("60646.46"_d.is_multiple_of("0.01"_d));
  EXPECT_FALSE("60646.465"_d.is_multiple_of("0.01"_d));
}

TEST(Decimal, FromDouble) {
  EXPECT_EQ(*Decimal::from_double(0.1, 8), "0.1"_d);
  EXPECT_FALSE(Decimal::from_double(std::numeric_limits<double>::quiet_NaN()));
}

}  // namespace
}  // namespace rtcrypto
