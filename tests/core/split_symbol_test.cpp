// split_symbol against the rule it implements: upper-case (ASCII), then the longest known
// quote suffix that leaves a base, else the last three letters.
#include <gtest/gtest.h>

#include <array>
#include <cctype>
#include <string>

#include "rtcrypto/core/types.hpp"

namespace rtcrypto {
namespace {

CurrencyPair model(std::string_view symbol) {
  std::string s;
  for (char c : symbol) s += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const std::array<std::string, 12> quotes = {"GUSDPERP", "USDCPERP", "GUSD", "USDC",
                                              "USDT",     "RLUSD",    "USD",  "EUR",
                                              "GBP",      "SGD",      "BTC",  "ETH"};
  for (const std::string& q : quotes) {
    if (s.size() > q.size() && s.substr(s.size() - q.size()) == q)
      return {s.substr(0, s.size() - q.size()), q};
  }
  if (s.size() > 3) return {s.substr(0, s.size() - 3), s.substr(s.size() - 3)};
  return {s, ""};
}

TEST(SplitSymbol, KnownQuotesLongestFirst) {
  EXPECT_EQ(split_symbol("btcusd").base, "BTC");
  EXPECT_EQ(split_symbol("btcusd").quote, "USD");
  EXPECT_EQ(split_symbol("ETHGUSD").quote, "GUSD");
  EXPECT_EQ(split_symbol("BTCGUSDPERP").base, "BTC");
  EXPECT_EQ(split_symbol("BTCGUSDPERP").quote, "GUSDPERP");
  EXPECT_EQ(split_symbol("XRPRLUSD").quote, "RLUSD");
  EXPECT_EQ(split_symbol("EthBtc").base, "ETH");
  EXPECT_EQ(split_symbol("USD").base, "USD");  // no base left: the fallbacks
  EXPECT_EQ(split_symbol("USD").quote, "");
  EXPECT_EQ(split_symbol("ABCDXYZ").base, "ABCD");
  EXPECT_EQ(split_symbol("ABCDXYZ").quote, "XYZ");
  EXPECT_EQ(split_symbol("").base, "");
}

TEST(SplitSymbol, MatchesTheModelOnGeneratedSymbols) {
  const std::array<std::string_view, 9> bases = {
      "", "b", "Btc", "USD", "GUSDPER", "aB1_", "x\xe9", "LONGBASENAMEOVER16", "E"};
  const std::array<std::string_view, 16> tails = {
      "usd", "USDC", "usdt", "GUSD", "gusdperp", "USDCPERP", "RLUSD", "eur",
      "GbP", "sgd",  "btc",  "ETH",  "SD",       "perp",     "",      "ZZZ"};
  for (std::string_view b : bases) {
    for (std::string_view t : tails) {
      const std::string sym = std::string(b) + std::string(t);
      const CurrencyPair got = split_symbol(sym), want = model(sym);
      EXPECT_EQ(got.base, want.base) << sym;
      EXPECT_EQ(got.quote, want.quote) << sym;
    }
  }
}

}  // namespace
}  // namespace rtcrypto
