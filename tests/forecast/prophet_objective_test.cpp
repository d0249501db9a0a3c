// The fit is the maximum of Prophet's Stan objective (log_posterior): moving any parameter
// away from the fitted value, sigma_obs included, lowers it.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>

#include "rtcrypto/forecast/prophet_model.hpp"

namespace rtcrypto::forecast {
namespace {

TEST(ProphetObjective, FittedParametersMaximiseTheStanObjective) {
  const TimeNs start = 1'600'000'020LL * kNsPerSec;
  std::mt19937_64 gen(11);
  std::normal_distribution<double> noise(0, 3e-4);
  std::vector<TimeNs> ds;
  std::vector<double> y;
  double walk = 0;
  for (std::size_t i = 0; i < 5 * 1440; ++i) {
    ds.push_back(start + static_cast<TimeNs>(i) * kNsPerMin);
    walk += noise(gen);
    const double day = static_cast<double>(i) / 1440.0;
    y.push_back(9.0 + 0.01 * day + walk + 0.002 * std::sin(2 * std::numbers::pi * day));
  }
  ProphetOptions opt;
  opt.weekly_order = 0;
  const auto model = ProphetModel::fit(ds, y, opt);
  const double best = model.log_posterior(ds, y);
  ASSERT_TRUE(std::isfinite(best));

  auto perturbed = [&](auto&& change) {
    ProphetModel p = model;
    change(p);
    return p.log_posterior(ds, y);
  };
  for (double h : {1e-4, -1e-4}) {
    EXPECT_LT(perturbed([&](ProphetModel& p) { p.k += h; }), best) << h;
    EXPECT_LT(perturbed([&](ProphetModel& p) { p.m += h * 1e-2; }), best) << h;
    EXPECT_LT(perturbed([&](ProphetModel& p) { p.sigma_obs *= 1 + h * 100; }), best) << h;
    for (std::size_t j = 0; j < model.deltas.size(); ++j)
      EXPECT_LT(perturbed([&](ProphetModel& p) { p.deltas[j] += h; }), best) << "delta " << j;
    for (std::size_t j = 0; j < model.beta.size(); ++j)
      EXPECT_LT(perturbed([&](ProphetModel& p) { p.beta[j] += h * 1e-2; }), best) << "beta " << j;
  }
}

TEST(ProphetObjective, MatchesTheFormulaOnATinyCase) {
  ProphetModel m;
  m.k = 0.5;
  m.m = 0.25;
  m.sigma_obs = 0.1;
  m.start = 0;
  m.t_scale_sec = 120;
  m.y_scale = 2;
  const std::vector<TimeNs> ds = {0, 60 * kNsPerSec, 120 * kNsPerSec};
  const std::vector<double> y = {0.5, 1.0, 1.6};  // scaled: 0.25, 0.5, 0.8 vs trend 0.25, 0.5, 0.75
  const double sse = 0.05 * 0.05;
  const double expected = -(0.25 + 0.0625) / 50 - 0.01 / 0.5 - 3 * std::log(0.1) - sse / 0.02;
  EXPECT_NEAR(m.log_posterior(ds, y), expected, 1e-12);
}

}  // namespace
}  // namespace rtcrypto::forecast
