#include "rtcrypto/paper/paper_config.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace rtcrypto {
namespace {

using namespace literals;

TEST(PaperBalances, ParsesExactDecimals) {
  auto b = parse_paper_balances("USD=100000,BTC=0");
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[0].first, "USD");
  EXPECT_EQ(b[0].second, "100000"_d);
  EXPECT_EQ(b[1].first, "BTC");
  EXPECT_EQ(b[1].second, "0"_d);
  auto c = parse_paper_balances(" usd = 0.1 , eth=1e-8,usdc=123456789.123456789012345678");
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[0].first, "USD");
  EXPECT_EQ(c[0].second, "0.1"_d);
  EXPECT_EQ(c[1].second, "0.00000001"_d);
  EXPECT_EQ(c[2].second.to_string(), "123456789.123456789012345678");
}

TEST(PaperBalances, DefaultConfigUsesTheDefaultText) {
  PaperConfig cfg;
  ASSERT_EQ(cfg.balances.size(), 2u);
  EXPECT_EQ(cfg.balances[0].second, "100000"_d);
  EXPECT_EQ(cfg.taker_fee_bps, "40"_d);
  EXPECT_EQ(cfg.maker_fee_bps, "20"_d);
}

TEST(PaperBalances, RejectsBadTextNamingTheItem) {
  for (const char* bad : {"", "  ", "USD", "USD=", "=5", "USD=abc", "USD=-1", "U-SD=1", "USD=1,",
                          "USD=1,usd=2", "USD=nan", "USD=1e400"}) {
    EXPECT_THROW(parse_paper_balances(bad), std::invalid_argument) << "'" << bad << "'";
  }
  try {
    parse_paper_balances("USD=1,BTC=x");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("BTC=x"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace rtcrypto
