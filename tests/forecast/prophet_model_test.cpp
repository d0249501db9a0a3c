#include "rtcrypto/forecast/prophet_model.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>

namespace rtcrypto::forecast {
namespace {

constexpr TimeNs kStart = 1'600'000'020LL * kNsPerSec;

std::vector<TimeNs> minutes(std::size_t n, TimeNs start = kStart) {
  std::vector<TimeNs> ds(n);
  for (std::size_t i = 0; i < n; ++i) ds[i] = start + static_cast<TimeNs>(i) * kNsPerMin;
  return ds;
}

double days(TimeNs ds) {
  return static_cast<double>(ds / kNsPerSec) / 86400.0;
}

// y = a + b t + d (t - c)+ + daily sine/cosine + small noise, t in [0, 1] over the history.
struct Truth {
  double a = 10.0, b = 0.4, d = -0.9, c = 0, sin1 = 0.02, cos1 = -0.01, noise = 1e-4;
};

std::vector<double> synth(const std::vector<TimeNs>& ds, const Truth& tr) {
  std::mt19937_64 gen(7);
  std::normal_distribution<double> eps(0.0, tr.noise);
  std::vector<double> y(ds.size());
  const double span = static_cast<double>(ds.back() - ds.front());
  for (std::size_t i = 0; i < ds.size(); ++i) {
    const double t = static_cast<double>(ds[i] - ds.front()) / span;
    const double ang = 2 * std::numbers::pi * days(ds[i]);
    y[i] = tr.a + tr.b * t + (t >= tr.c ? tr.d * (t - tr.c) : 0.0) + tr.sin1 * std::sin(ang) +
           tr.cos1 * std::cos(ang) + eps(gen);
  }
  return y;
}

TEST(ProphetModel, RecoversTrendChangepointAndSeasonality) {
  const auto ds = minutes(20 * 1440);
  // Put the true change on the 10th of Prophet's changepoints.
  const auto probe = ProphetModel::fit(ds, std::vector<double>(ds.size(), 1.0));
  ASSERT_EQ(probe.changepoints_t.size(), 25u);
  Truth tr;
  tr.c = probe.changepoints_t[9];
  const auto y = synth(ds, tr);
  const auto model = ProphetModel::fit(ds, y);
  const double ys = model.y_scale;
  EXPECT_NEAR(model.y_scale, *std::max_element(y.begin(), y.end()), 1e-12);
  EXPECT_NEAR(model.k * ys, tr.b, 5e-3);  // 20 days: weekly terms absorb a little slope
  EXPECT_NEAR(model.m * ys, tr.a, 2e-4);
  for (std::size_t j = 0; j < model.deltas.size(); ++j)
    EXPECT_NEAR(model.deltas[j] * ys, j == 9 ? tr.d : 0.0, 5e-3) << "delta " << j;
  ASSERT_EQ(model.seasonalities.size(), 2u);  // daily + weekly, no yearly under two years
  EXPECT_EQ(model.beta.size(), 14u);
  EXPECT_NEAR(model.beta[0] * ys, tr.sin1, 2e-4);
  EXPECT_NEAR(model.beta[1] * ys, tr.cos1, 2e-4);
  for (std::size_t j = 2; j < 8; ++j) EXPECT_NEAR(model.beta[j] * ys, 0.0, 2e-4) << j;
  EXPECT_NEAR(model.sigma_obs * ys, tr.noise, 2e-5);
  // The point forecast continues the last slope.
  const TimeNs later = ds.back() + 1440 * kNsPerMin;
  const double t = model.scaled_t(later);
  const double ang = 2 * std::numbers::pi * days(later);
  const double expect =
      tr.a + tr.b * t + tr.d * (t - tr.c) + tr.sin1 * std::sin(ang) + tr.cos1 * std::cos(ang);
  EXPECT_NEAR(model.predict_one(later), expect, 2e-3);
}

TEST(ProphetModel, YearlySeasonalityOnlyForTwoYears) {
  std::vector<TimeNs> ds;
  for (int i = 0; i < 800; ++i) ds.push_back(kStart + static_cast<TimeNs>(i) * 86400 * kNsPerSec);
  std::vector<double> y(ds.size());
  for (std::size_t i = 0; i < y.size(); ++i)
    y[i] = 5 + 0.1 * std::sin(2 * std::numbers::pi * days(ds[i]) / 365.25);
  ProphetOptions opt;
  opt.daily_order = 0;
  auto model = ProphetModel::fit(ds, y, opt);
  ASSERT_EQ(model.seasonalities.size(), 2u);
  EXPECT_EQ(model.seasonalities[1].name, "yearly");
  EXPECT_NEAR(model.beta[6] * model.y_scale, 0.1, 5e-3);  // yearly sin1 after weekly's 6
  ds.resize(600);
  y.resize(600);
  EXPECT_EQ(ProphetModel::fit(ds, y, opt).seasonalities.size(), 1u);
  opt.weekly_order = 0;
  opt.yearly = YearlyMode::Off;
  EXPECT_TRUE(ProphetModel::fit(ds, y, opt).seasonalities.empty());
}

TEST(ProphetModel, IntervalsWidenWithHorizonAndAreReproducible) {
  const auto ds = minutes(5 * 1440);
  Truth tr;
  tr.c = 0.3;
  tr.noise = 1e-3;
  const auto model = ProphetModel::fit(ds, synth(ds, tr));
  std::vector<TimeNs> future = {ds.back() + kNsPerMin, ds.back() + 30 * 1440 * kNsPerMin};
  const auto a = model.predict(future), b = model.predict(future);
  for (std::size_t i = 0; i < future.size(); ++i) {
    EXPECT_LT(a[i].yhat_lower, a[i].yhat);
    EXPECT_GT(a[i].yhat_upper, a[i].yhat);
    EXPECT_EQ(a[i].yhat_lower, b[i].yhat_lower);
  }
  // One minute ahead the interval is noise only: about +-1.28 sigma for 80 %.
  const double noise_half = 1.2816 * model.sigma_obs * model.y_scale;
  EXPECT_NEAR((a[0].yhat_upper - a[0].yhat_lower) / 2, noise_half, 0.15 * noise_half);
  EXPECT_GT(a[1].yhat_upper - a[1].yhat_lower, 2 * (a[0].yhat_upper - a[0].yhat_lower));
}

TEST(ProphetModel, JsonRoundTripPredictsTheSame) {
  const auto ds = minutes(3 * 1440);
  Truth tr;
  tr.c = 0.5;
  const auto model = ProphetModel::fit(ds, synth(ds, tr));
  const auto again = ProphetModel::from_json(model.to_json());
  for (TimeNs t : {ds.front(), ds.back() + 77 * kNsPerMin})
    EXPECT_DOUBLE_EQ(again.predict_one(t), model.predict_one(t));
  EXPECT_EQ(again.predict({ds.back() + kNsPerMin})[0].yhat_upper,
            model.predict({ds.back() + kNsPerMin})[0].yhat_upper);
  EXPECT_THROW(ProphetModel::from_json("{}"), std::runtime_error);
  EXPECT_THROW(ProphetModel::from_json("not json"), std::runtime_error);
}

TEST(ProphetModel, ExtraSeasonalityFindsAnIntradayCycle) {
  // Half a day of minutes with a 30-minute cycle: the daily terms cannot see it, an added
  // 30-minute seasonality recovers it, and the forecast turns with it.
  const auto ds = minutes(720);
  std::vector<double> y(ds.size());
  const auto cycle = [](TimeNs t) {
    const double m = std::fmod(static_cast<double>(t) / static_cast<double>(kNsPerMin), 30.0);
    return 0.006 * std::sin(2 * std::numbers::pi * m / 30.0);
  };
  for (std::size_t i = 0; i < ds.size(); ++i) y[i] = 11.0 + cycle(ds[i]);
  ProphetOptions opt;
  opt.daily = SeasonalityMode::Off;
  opt.extra_seasonalities.push_back({"cycle", 30.0 / 1440.0, 3});
  const auto model = ProphetModel::fit(ds, y, opt);
  ASSERT_EQ(model.seasonalities.size(), 1u);
  EXPECT_EQ(model.seasonalities[0].name, "cycle");
  int turns = 0;
  double prev_step = 0;
  for (int k = 1; k <= 60; ++k) {
    const TimeNs t = ds.back() + k * kNsPerMin;
    EXPECT_NEAR(model.predict_one(t), 11.0 + cycle(t), 5e-4) << k;
    const double step = model.predict_one(t + kNsPerMin) - model.predict_one(t);
    if (k > 1 && (step > 0) != (prev_step > 0)) ++turns;
    prev_step = step;
  }
  EXPECT_GE(turns, 3);  // two periods ahead: up, down, up, down
  opt.extra_seasonalities[0].order = 0;
  EXPECT_THROW(ProphetModel::fit(ds, y, opt), std::invalid_argument);
}

TEST(ProphetModel, RejectsBadInput) {
  EXPECT_THROW(ProphetModel::fit({1, 2}, {1, 2}), std::invalid_argument);
  EXPECT_THROW(ProphetModel::fit({3, 2, 1}, {1, 2, 3}), std::invalid_argument);
  EXPECT_THROW(ProphetModel::fit({1, 2, 3}, {1, NAN, 3}), std::invalid_argument);
}

// Prophet's 'auto' seasonalities: daily from two days of history, weekly from two weeks.
TEST(ProphetModel, AutoSeasonalitiesFollowTheHistoryLengthAsProphet) {
  auto names = [](std::size_t rows, ProphetOptions opt = {}) {
    const auto ds = minutes(rows);
    std::vector<double> y(rows);
    for (std::size_t i = 0; i < rows; ++i) y[i] = 10 + 0.001 * std::sin(0.01 * i);
    std::string out;
    for (const auto& s : ProphetModel::fit(ds, y, opt).seasonalities) out += s.name + " ";
    return out;
  };
  EXPECT_EQ(names(1440), "");                    // one day
  EXPECT_EQ(names(3 * 1440), "daily ");          // three days
  EXPECT_EQ(names(15 * 1440), "daily weekly ");  // fifteen days
  ProphetOptions forced;
  forced.weekly = SeasonalityMode::On;
  forced.daily = SeasonalityMode::Off;
  EXPECT_EQ(names(3 * 1440, forced), "weekly ");
  forced.weekly_order = 0;  // an order of 0 always means off
  EXPECT_EQ(names(3 * 1440, forced), "");
}

}  // namespace
}  // namespace rtcrypto::forecast
