#include "rtcrypto/sim/synthetic_market.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

namespace rtcrypto::sim {
namespace {

using namespace rtcrypto::literals;

constexpr TimeNs kStart = 1'700'000'000LL * kNsPerSec;

double cycle_log(TimeNs t, double minutes, double bps) {
  const double m = std::fmod(static_cast<double>(t) / static_cast<double>(kNsPerMin), minutes);
  return bps * 1e-4 * std::sin(2 * std::numbers::pi * m / minutes);
}

struct Market {
  explicit Market(const SimConfig& c)
      : config(c),
        engine({default_symbol_info("BTCUSD")}, "0.001"_d, "0.0035"_d, clock),
        market(engine, config, kStart) {}
  SimConfig config;
  ManualClock clock{kStart};
  MatchingEngine engine;
  SyntheticMarket market;
};

SimConfig cycling(double vol) {
  SimConfig c;
  c.history_minutes = 120;
  c.start_prices["BTCUSD"] = 50000;
  c.flow.vol_per_minute = vol;
  c.flow.cycle_minutes = 30;
  c.flow.cycle_bps = 60;
  return c;
}

TEST(SyntheticMarket, CandleHistoryCarriesTheCycleAndEndsAtTheStartPrice) {
  Market m(cycling(0.0));  // no noise: the history is the cycle alone
  const auto candles = m.market.candles("BTCUSD").newest_first();
  ASSERT_EQ(candles.size(), 120u);
  const double walk = 50000 * std::exp(-cycle_log(kStart, 30, 60));
  for (const auto& c : candles) {
    const double expect = walk * std::exp(cycle_log(c.ts + kNsPerMin, 30, 60));
    EXPECT_NEAR(c.close, expect, 0.011) << c.ts;  // a 0.01 tick of rounding
  }
  // The closes swing by about ±60 bps around the walk.
  double lo = 1e300, hi = 0;
  for (const auto& c : candles) lo = std::min(lo, c.close), hi = std::max(hi, c.close);
  EXPECT_NEAR(std::log(hi / lo), 0.012, 0.0005);
}

TEST(SyntheticMarket, LiveMidFollowsTheCycle) {
  Market m(cycling(0.0));
  EXPECT_DOUBLE_EQ(m.market.mid("BTCUSD"), 50000);
  const double walk = 50000 * std::exp(-cycle_log(kStart, 30, 60));
  for (int k = 1; k <= 8; ++k) {
    const TimeNs t = kStart + k * 4 * kNsPerMin;
    m.market.step(t);
    EXPECT_NEAR(m.market.mid("BTCUSD"), walk * std::exp(cycle_log(t, 30, 60)), 1e-6) << k;
  }
}

TEST(SyntheticMarket, NoCycleMeansThePlainWalk) {
  SimConfig c = cycling(0.0);
  c.flow.cycle_bps = 0;
  Market m(c);
  for (const auto& candle : m.market.candles("BTCUSD").newest_first())
    EXPECT_DOUBLE_EQ(candle.close, 50000);
  m.market.step(kStart + 10 * kNsPerMin);
  EXPECT_DOUBLE_EQ(m.market.mid("BTCUSD"), 50000);
}

}  // namespace
}  // namespace rtcrypto::sim
