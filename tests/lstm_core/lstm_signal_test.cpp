#include "rtcrypto/lstm_core/lstm_signal.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "lstm_core/synthetic.hpp"
#include "rtcrypto/lstm_core/lstm_forward.hpp"

namespace rtcrypto::lstm {
namespace {

// Trades that make exactly `b` as the minute's bar.
void trade_bar(LstmSignal& s, const MinuteBar& b) {
  s.on_trade("BTCUSD", b.ts + 1 * kNsPerSec, b.open, b.volume * 0.25);
  s.on_trade("BTCUSD", b.ts + 10 * kNsPerSec, b.high, b.volume * 0.25);
  s.on_trade("BTCUSD", b.ts + 20 * kNsPerSec, b.low, b.volume * 0.25);
  s.on_trade("BTCUSD", b.ts + 59 * kNsPerSec, b.close, b.volume * 0.25);
}

TEST(LstmSignal, WarmUpFromCandlesGivesTheSamePredictionAsALiveRun) {
  const auto bars = test::random_walk_bars(60);
  const auto model = test::random_model(bars);
  LstmSignal warmed(model), live(model);
  const TimeNs now = bars.back().ts + kNsPerMin + 5 * kNsPerSec;
  warmed.warm_up("BTCUSD", bars, now);
  for (const auto& b : bars) trade_bar(live, b);
  auto a = warmed.signal_at("BTCUSD", now);
  auto b = live.signal_at("BTCUSD", now);
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(a->predicted_return && b->predicted_return);
  EXPECT_DOUBLE_EQ(*a->predicted_return, *b->predicted_return);
  EXPECT_EQ(a->side, b->side);
  EXPECT_EQ(a->target_minute, bars.back().ts + kNsPerMin);
  EXPECT_EQ(a->source, "lstm");
}

TEST(LstmSignal, PredictsWhatTheOfflinePipelinePredicts) {
  const auto bars = test::random_walk_bars(80);
  const auto model = test::random_model(bars, 10, 5, 2, 3);
  LstmSignal sig(model);
  sig.warm_up("BTCUSD", bars);
  auto v = sig.signal_at("BTCUSD", bars.back().ts + kNsPerMin);
  ASSERT_TRUE(v);
  // Offline: features of the whole series, normalised with the sidecar, last window.
  FeatureTable t = compute_features(bars, model.sidecar.spec);
  std::vector<float> window;
  for (std::size_t i = bars.size() - 10; i < bars.size(); ++i) {
    std::vector<float> z(t.features);
    model.sidecar.input.apply(t.row(i), z.data());
    window.insert(window.end(), z.begin(), z.end());
  }
  std::vector<float> served;
  ASSERT_TRUE(sig.last_window("BTCUSD", served));
  EXPECT_EQ(served, window);
  LstmForward fwd(model.weights);
  const double expect = model.sidecar.target.denormalise(2, fwd.run(window.data(), 10)[2]);
  EXPECT_DOUBLE_EQ(*v->predicted_return, expect);
  EXPECT_EQ(v->side, expect > 0 ? OrderSide::Buy : OrderSide::Sell);
  EXPECT_NEAR(*v->yhat, bars.back().close * std::exp(expect), 1e-6);
}

TEST(LstmSignal, NoSignalWhileWarmingUpOrWhenTheLastMinuteIsMissing) {
  const auto bars = test::random_walk_bars(60);
  const auto model = test::random_model(bars);
  LstmSignal sig(model);
  EXPECT_FALSE(sig.signal_at("BTCUSD", bars[0].ts));            // unknown symbol
  std::vector<MinuteBar> few(bars.begin(), bars.begin() + 10);  // warm-up 4 + 8 rows > 10
  sig.warm_up("BTCUSD", few);
  EXPECT_FALSE(sig.signal_at("BTCUSD", few.back().ts + kNsPerMin));
  LstmSignal full(model);
  full.warm_up("BTCUSD", bars);
  EXPECT_TRUE(full.signal_at("BTCUSD", bars.back().ts + kNsPerMin));
  // An hour of silence: too long to fill, the history restarts.
  EXPECT_FALSE(full.signal_at("BTCUSD", bars.back().ts + 61 * kNsPerMin));
}

TEST(LstmSignal, QuietMinutesAreFilledWithFlatBars) {
  const auto bars = test::random_walk_bars(60);
  const auto model = test::random_model(bars);
  LstmSignal sig(model), ref(model);
  sig.warm_up("BTCUSD", bars);
  ref.warm_up("BTCUSD", bars);
  MinuteBar flat{};
  flat.ts = bars.back().ts + kNsPerMin;
  flat.open = flat.high = flat.low = flat.close = bars.back().close;
  ref.on_bar("BTCUSD", flat);
  auto a = sig.signal_at("BTCUSD", flat.ts + kNsPerMin);
  auto b = ref.signal_at("BTCUSD", flat.ts + kNsPerMin);
  ASSERT_TRUE(a && b);
  EXPECT_DOUBLE_EQ(*a->predicted_return, *b->predicted_return);
}

TEST(LstmSignal, DeadBandSuppressesSmallPredictionsAndBadTradesAreCounted) {
  const auto bars = test::random_walk_bars(60);
  const auto model = test::random_model(bars);
  LstmSignal sig(model, LstmSignalOptions{1.0, 10});  // 100 % in a minute: never
  sig.warm_up("BTCUSD", bars);
  EXPECT_FALSE(sig.signal_at("BTCUSD", bars.back().ts + kNsPerMin));
  sig.on_trade("BTCUSD", bars.back().ts + kNsPerMin, -1.0, 1.0);
  sig.on_trade("BTCUSD", bars.back().ts + kNsPerMin, std::nan(""), 1.0);
  sig.on_trade("BTCUSD", bars[3].ts, 100.0, 1.0);  // late
  EXPECT_EQ(sig.ignored_trades(), 3u);
  EXPECT_NE(sig.describe().find("lookback 8"), std::string::npos);
}

TEST(LstmSignal, RejectsAModelWhoseWeightsDoNotFitTheSidecar) {
  const auto bars = test::random_walk_bars(30);
  auto model = test::random_model(bars);
  model.sidecar.hidden = 7;
  EXPECT_THROW(LstmSignal{model}, std::runtime_error);
}

}  // namespace
}  // namespace rtcrypto::lstm
