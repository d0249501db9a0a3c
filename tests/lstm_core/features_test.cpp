#include "rtcrypto/lstm_core/features.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "lstm_core/synthetic.hpp"

namespace rtcrypto::lstm {
namespace {

MinuteBar bar(int minute, double o, double h, double l, double c, double v) {
  MinuteBar b;
  b.ts = test::kT0 + minute * kNsPerMin;
  b.open = o;
  b.high = h;
  b.low = l;
  b.close = c;
  b.volume = v;
  return b;
}

// Hand-computed: TR = 3, 4.5, 5, 9 (the last bar gaps down, so TR uses the previous close,
// not high - low = 2); Wilder ATR(2) = 3.75 (mean of the first two), 4.375, 6.6875;
// SMA(3) of closes at bar 4 = (99 + 103 + 95) / 3 = 99.
std::vector<MinuteBar> hand_bars() {
  return {bar(0, 100, 102, 99, 101, 10), bar(1, 101, 103, 100, 102, 0),
          bar(2, 102, 102.5, 98, 99, 3), bar(3, 99, 104, 99, 103, 1), bar(4, 95, 96, 94, 95, 7)};
}

FeatureSpec hand_spec(AtrMethod m = AtrMethod::Wilder) {
  FeatureSpec s;
  s.sma_window = 3;
  s.atr_window = 2;
  s.atr_method = m;
  return s;
}

TEST(LstmFeatures, MatchHandComputedValuesWithWilderAtr) {
  const auto bars = hand_bars();
  FeatureCalculator calc(hand_spec());
  EXPECT_EQ(calc.spec().warmup(), 2);
  float row[5];
  EXPECT_FALSE(calc.push(bars[0], row));
  EXPECT_FALSE(calc.push(bars[1], row));
  ASSERT_TRUE(calc.push(bars[2], row));
  EXPECT_NEAR(row[0], std::log(99.0 / 102.0), 1e-7);
  EXPECT_NEAR(row[1], std::log(99.0 / ((101.0 + 102.0 + 99.0) / 3)), 1e-7);
  EXPECT_NEAR(row[2], 4.5 / 102.0, 1e-7);
  EXPECT_NEAR(row[3], 3.75 / 99.0, 1e-7);
  EXPECT_NEAR(row[4], std::log(4.0), 1e-6);
  ASSERT_TRUE(calc.push(bars[3], row));
  EXPECT_NEAR(row[3], 4.375 / 103.0, 1e-7);
  ASSERT_TRUE(calc.push(bars[4], row));
  EXPECT_NEAR(row[0], std::log(95.0 / 103.0), 1e-7);
  EXPECT_NEAR(row[1], std::log(95.0 / 99.0), 1e-7);
  EXPECT_NEAR(row[2], 9.0 / 103.0, 1e-7);
  EXPECT_NEAR(row[3], 6.6875 / 95.0, 1e-7);
  EXPECT_NEAR(row[4], std::log(8.0), 1e-6);
}

TEST(LstmFeatures, SimpleAtrIsTheMeanOfTheLastTrueRanges) {
  const auto bars = hand_bars();
  FeatureCalculator calc(hand_spec(AtrMethod::Simple));
  float row[5];
  for (const auto& b : bars) calc.push(b, row);
  EXPECT_NEAR(row[3], (5.0 + 9.0) / 2 / 95.0, 1e-7);
}

TEST(LstmFeatures, GapRestartsTheRunAndNoRowSpansIt) {
  auto bars = hand_bars();
  bars[3].ts += kNsPerMin;  // minute 3 missing: bars 3, 4 are minutes 4, 5... shift both
  bars[4].ts += kNsPerMin;
  FeatureTable t = compute_features(bars, hand_spec());
  EXPECT_EQ(t.valid, (std::vector<std::uint8_t>{0, 0, 1, 0, 0}));
  EXPECT_EQ(t.run[2], t.run[0]);
  EXPECT_NE(t.run[3], t.run[2]);
  // Segment change without a time gap is a break too.
  auto seg = hand_bars();
  seg[3].segment = seg[4].segment = 1;
  FeatureTable s = compute_features(seg, hand_spec());
  EXPECT_EQ(s.valid[3], 0);
  EXPECT_NE(s.run[3], s.run[2]);
}

TEST(LstmFeatures, InvalidBarIsABreakNotACrash) {
  auto bars = hand_bars();
  bars[2].close = std::nan("");
  FeatureTable t = compute_features(bars, hand_spec());
  for (auto v : t.valid) EXPECT_EQ(v, 0);
}

TEST(LstmFeatures, WindowsStayInsideOneRunIncludingTheTarget) {
  auto bars = test::random_walk_bars(40);
  for (std::size_t i = 20; i < bars.size(); ++i) bars[i].ts += 5 * kNsPerMin;  // a gap at 20
  FeatureSpec spec;
  spec.sma_window = 3;
  spec.atr_window = 2;
  FeatureTable t = compute_features(bars, spec);
  auto ends = window_ends(t, 4, 2);
  ASSERT_FALSE(ends.empty());
  for (auto e : ends) {
    EXPECT_EQ(t.run[e - 3], t.run[e + 2]);
    EXPECT_TRUE(t.valid[e - 3]);
  }
  // First window: rows 2..5 (warm-up 2), last before the gap ends at 17 (target 19).
  EXPECT_EQ(ends.front(), 5u);
  EXPECT_NE(std::find(ends.begin(), ends.end(), 17u), ends.end());
  EXPECT_EQ(std::find(ends.begin(), ends.end(), 18u), ends.end());
  // The cut of a time split is a break as well.
  FeatureTable cut = compute_features(bars, spec, bars[10].ts);
  EXPECT_NE(cut.run[10], cut.run[9]);
  EXPECT_EQ(cut.valid[10], 0);
}

TEST(LstmFeatures, FeatureListParsesAndRejectsUnknownNames) {
  EXPECT_EQ(parse_feature_list("logret, atr").size(), 2u);
  EXPECT_EQ(parse_feature_list("").size(), 5u);
  EXPECT_THROW(parse_feature_list("logret,rsi"), std::invalid_argument);
  EXPECT_THROW(parse_feature_list("atr,atr"), std::invalid_argument);
}

}  // namespace
}  // namespace rtcrypto::lstm
