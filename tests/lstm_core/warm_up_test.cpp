#include "rtcrypto/lstm_core/warm_up.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "lstm_core/synthetic.hpp"
#include "rtcrypto/lstm_core/lstm_signal.hpp"

namespace rtcrypto::lstm {
namespace {

using test::kT0;

std::vector<MinuteBar> slice(const std::vector<MinuteBar>& v, std::size_t from, std::size_t to) {
  return {v.begin() + static_cast<std::ptrdiff_t>(from),
          v.begin() + static_cast<std::ptrdiff_t>(to)};
}

TEST(WarmUpPlan, CandlesWinOverlapsAndSavedBarsJoinThemWithoutAGap) {
  const auto bars = test::random_walk_bars(100);
  auto stored = slice(bars, 10, 70);
  auto candles = slice(bars, 50, 100);
  candles[0].close += 1;  // the candle's version of minute 50 must win
  const TimeNs now = bars[99].ts + kNsPerMin + 7 * kNsPerSec;
  WarmUpPlan p = plan_warm_up(stored, candles, now);
  ASSERT_EQ(p.bars.size(), 90u);
  EXPECT_EQ(p.from_store, 40u);  // minutes 10..49
  EXPECT_EQ(p.from_candles, 50u);
  EXPECT_EQ(p.stored_unused, 20u);  // 50..69: also in the candles
  EXPECT_EQ(p.bars.front().ts, bars[10].ts);
  EXPECT_EQ(p.bars[40].close, candles[0].close);
  for (std::size_t i = 1; i < p.bars.size(); ++i)
    EXPECT_EQ(p.bars[i].ts - p.bars[i - 1].ts, kNsPerMin);
  EXPECT_TRUE(p.note.empty());
}

TEST(WarmUpPlan, AGapBetweenSavedBarsAndCandlesIsNotBridged) {
  const auto bars = test::random_walk_bars(100);
  const TimeNs now = bars[99].ts + kNsPerMin;
  WarmUpPlan p = plan_warm_up(slice(bars, 0, 40), slice(bars, 45, 100), now);
  EXPECT_EQ(p.from_store, 0u);
  EXPECT_EQ(p.from_candles, 55u);
  EXPECT_EQ(p.stored_unused, 40u);
  EXPECT_NE(p.note.find("5 minute(s) missing before the first candle"), std::string::npos)
      << p.note;
  // Only the saved bars' newest contiguous run counts.
  auto holey = slice(bars, 0, 30);
  auto tail = slice(bars, 35, 45);
  holey.insert(holey.end(), tail.begin(), tail.end());
  p = plan_warm_up(holey, slice(bars, 45, 100), now);
  EXPECT_EQ(p.from_store, 10u);
  EXPECT_EQ(p.stored_unused, 30u);
}

TEST(WarmUpPlan, SavedBarsAloneMustReachTheMinuteBeforeNow) {
  const auto bars = test::random_walk_bars(60);
  WarmUpPlan p = plan_warm_up(bars, {}, bars.back().ts + kNsPerMin + 59 * kNsPerSec);
  EXPECT_EQ(p.from_store, 60u);
  EXPECT_TRUE(p.note.empty());
  p = plan_warm_up(bars, {}, bars.back().ts + 3 * kNsPerMin);  // down for two minutes
  EXPECT_EQ(p.from_store, 0u);
  EXPECT_TRUE(p.bars.empty());
  EXPECT_NE(p.note.find("2 minute(s) missing before now"), std::string::npos) << p.note;
}

TEST(WarmUpPlan, DropsTheOpenMinuteSortsDeduplicatesAndKeepsTheNewest) {
  auto bars = test::random_walk_bars(50);
  std::vector<MinuteBar> newest_first(bars.rbegin(), bars.rend());
  newest_first.push_back(bars[3]);                  // a duplicate minute
  const TimeNs now = bars[48].ts + 20 * kNsPerSec;  // minute 48 is still open
  WarmUpPlan p = plan_warm_up({}, newest_first, now, 30);
  EXPECT_EQ(p.partial_candles, 2u);  // 48 and 49
  ASSERT_EQ(p.bars.size(), 30u);
  EXPECT_EQ(p.from_candles, 30u);
  EXPECT_EQ(p.bars.front().ts, bars[18].ts);
  EXPECT_EQ(p.bars.back().ts, bars[47].ts);
}

TEST(SavedBars, RoundTripExactlyAndRejectMalformedText) {
  auto bars = test::random_walk_bars(20);
  bars[3].volume = 0.1 + 0.2;  // not representable in short decimal
  const auto back = decode_bars(encode_bars(bars));
  ASSERT_EQ(back.size(), bars.size());
  for (std::size_t i = 0; i < bars.size(); ++i) {
    EXPECT_EQ(back[i].ts, bars[i].ts);
    EXPECT_EQ(back[i].open, bars[i].open);
    EXPECT_EQ(back[i].high, bars[i].high);
    EXPECT_EQ(back[i].low, bars[i].low);
    EXPECT_EQ(back[i].close, bars[i].close);
    EXPECT_EQ(back[i].volume, bars[i].volume);
  }
  EXPECT_TRUE(decode_bars(encode_bars({})).empty());
  for (const char* bad :
       {"", "not json", "[]", R"({"v":2,"bars":[]})", R"({"v":1,"bars":[[1,2,3]]})",
        R"({"v":1,"bars":[[1,"a",3,4,5,6]]})", R"({"v":1,"bars":[[1.5,2,3,4,5,6]]})"})
    EXPECT_THROW(decode_bars(bad), std::runtime_error) << bad;
}

// The signal keeps what a restart needs: the current run's bars, bounded, emptied by a gap.
TEST(LstmSignalHistory, RecentBarsAreBoundedAndRestartAtAGap) {
  const auto bars = test::random_walk_bars(300);
  const auto model = test::random_model(bars);
  LstmSignal sig(model);
  EXPECT_TRUE(sig.recent_bars("BTCUSD").empty());
  EXPECT_EQ(sig.last_bar_minute("BTCUSD"), 0);
  sig.warm_up("BTCUSD", bars);
  const auto kept = sig.recent_bars("BTCUSD");
  ASSERT_EQ(kept.size(), static_cast<std::size_t>(sig.history_limit()));
  EXPECT_EQ(kept.back().ts, bars.back().ts);
  EXPECT_EQ(sig.last_bar_minute("BTCUSD"), bars.back().ts);
  MinuteBar later = bars.back();
  later.ts += 90 * kNsPerMin;  // too long a silence to fill
  sig.on_bar("BTCUSD", later);
  ASSERT_EQ(sig.recent_bars("BTCUSD").size(), 1u);
  // A fresh signal fed only the saved bars predicts exactly what the original one does.
  LstmSignal a(model), b(model);
  a.warm_up("BTCUSD", bars);
  b.warm_up("BTCUSD", a.recent_bars("BTCUSD"));
  auto pa = a.signal_at("BTCUSD", bars.back().ts + kNsPerMin);
  auto pb = b.signal_at("BTCUSD", bars.back().ts + kNsPerMin);
  ASSERT_TRUE(pa && pb);
  EXPECT_NEAR(*pa->predicted_return, *pb->predicted_return, 1e-9);
}

TEST(LstmSignalDeadBand, InsideTheBandNoSignalWithTheReasonOutsideTheSide) {
  const auto bars = test::random_walk_bars(60);
  const auto model = test::random_model(bars);
  const TimeNs t = bars.back().ts + kNsPerMin + 30 * kNsPerSec;
  LstmSignal open(model);
  open.warm_up("BTCUSD", bars);
  auto v = open.signal_at("BTCUSD", t);
  ASSERT_TRUE(v && v->predicted_return);
  const double r = *v->predicted_return;
  ASSERT_NE(r, 0.0);
  EXPECT_FALSE(open.why_no_signal("BTCUSD"));

  LstmSignal wide(model, LstmSignalOptions{std::abs(r) * 1.01, 10});
  wide.warm_up("BTCUSD", bars);
  EXPECT_FALSE(wide.signal_at("BTCUSD", t));
  auto why = wide.why_no_signal("BTCUSD");
  ASSERT_TRUE(why);
  EXPECT_EQ(why->code, "dead_band");
  EXPECT_NE(why->detail.find("dead band"), std::string::npos) << why->detail;
  EXPECT_FALSE(wide.signal_at("BTCUSD", t));  // cached: the reason stays
  EXPECT_EQ(wide.why_no_signal("BTCUSD")->code, "dead_band");

  LstmSignal narrow(model, LstmSignalOptions{std::abs(r) * 0.99, 10});
  narrow.warm_up("BTCUSD", bars);
  auto n = narrow.signal_at("BTCUSD", t);
  ASSERT_TRUE(n);
  EXPECT_EQ(n->side, r > 0 ? OrderSide::Buy : OrderSide::Sell);
  EXPECT_EQ(*n->predicted_return, r);
}

TEST(LstmSignalDeadBand, WarmingUpAndAMissingMinuteAreSaidToo) {
  const auto bars = test::random_walk_bars(60);
  const auto model = test::random_model(bars);
  LstmSignal sig(model);
  EXPECT_EQ(sig.why_no_signal("BTCUSD")->code, "warming_up");
  sig.warm_up("BTCUSD", slice(bars, 0, 10));
  EXPECT_FALSE(sig.signal_at("BTCUSD", bars[9].ts + kNsPerMin));
  EXPECT_EQ(sig.why_no_signal("BTCUSD")->code, "warming_up");
  LstmSignal full(model);
  full.warm_up("BTCUSD", bars);
  EXPECT_FALSE(full.signal_at("BTCUSD", bars.back().ts + 61 * kNsPerMin));
  EXPECT_EQ(full.why_no_signal("BTCUSD")->code, "no_last_minute");
}

}  // namespace
}  // namespace rtcrypto::lstm
