#pragma once
// Prophet's model (linear growth, additive Fourier seasonalities, Gaussian noise) fitted by
// its maximum a-posteriori estimate. With the changepoints fixed the model is linear in its
// parameters, so one pass accumulates the normal equations and a small exact solver handles
// the Laplace prior (L1) on the changepoint deltas and the normal priors (ridge) elsewhere.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "rtcrypto/core/time.hpp"

namespace rtcrypto::forecast {

// Auto switches a seasonality on as Prophet's 'auto' does: daily when the history spans two
// days or more, weekly two weeks, yearly two years (and daily/weekly only when the rows are
// closer together than a day/week).
enum class SeasonalityMode { Auto, On, Off };
using YearlyMode = SeasonalityMode;  // the earlier name

struct Seasonality {
  std::string name;
  double period_days;
  int order;
};

struct ProphetOptions {
  int n_changepoints = 25;
  double changepoint_range = 0.8;         // changepoints placed in the first 80 % of rows
  double changepoint_prior_scale = 0.05;  // Laplace scale of the deltas
  double seasonality_prior_scale = 10.0;  // normal sigma of the Fourier coefficients
  double trend_prior_scale = 5.0;         // normal sigma of k and m (fixed in Prophet's Stan model)
  int daily_order = 4;                    // 0 switches the seasonality off
  int weekly_order = 3;
  int yearly_order = 10;
  SeasonalityMode daily = SeasonalityMode::Auto;   // Auto: history spans >= 2 days
  SeasonalityMode weekly = SeasonalityMode::Auto;  // Auto: history spans >= 14 days
  SeasonalityMode yearly = SeasonalityMode::Auto;  // Auto: history spans >= 2 years
  // Prophet's add_seasonality: more periods (e.g. an intraday cycle), with the same prior.
  std::vector<Seasonality> extra_seasonalities;
  double interval_width = 0.8;
  int uncertainty_samples = 1000;
  std::uint64_t seed = 42;
};


struct Prediction {
  TimeNs ds = 0;
  double yhat = 0;  // in the units of y (log price when fitted on log prices)
  double yhat_lower = 0, yhat_upper = 0;
};

// Called now and then during long fits: (phase, fraction done 0..1).
using Progress = std::function<void(const std::string& phase, double fraction)>;

class ProphetModel {
 public:
  // Fits on (ds, y), ds strictly increasing. Throws std::invalid_argument on too few rows.
  static ProphetModel fit(const std::vector<TimeNs>& ds, const std::vector<double>& y,
                          const ProphetOptions& options = {}, const Progress& progress = {});

  // Point forecast at ds (any times, any order).
  double predict_one(TimeNs ds) const;
  // Forecasts with Prophet-style intervals (future trend changepoints simulated, plus noise).
  // `ds` must be ascending. Deterministic for a given options.seed.
  std::vector<Prediction> predict(const std::vector<TimeNs>& ds, bool with_intervals = true) const;

  // Prophet's Stan objective at this model's parameters on (ds, y): the log posterior of
  // prophet.stan up to constants, exactly the `value` rstan::optimizing reports (priors
  // normal(0, 5) on k and m, Laplace(0, tau) on deltas, half-normal(0, 0.5) on sigma_obs,
  // normal(0, seasonality scale) on beta; Gaussian likelihood on y / y_scale). Higher is better.
  double log_posterior(const std::vector<TimeNs>& ds, const std::vector<double>& y) const;

  // JSON with every parameter, the changepoints and the scaling; load(save()) predicts the same.
  std::string to_json() const;
  static ProphetModel from_json(const std::string& text);

  // Fitted values, in Prophet's scaled units (y / y_scale, t in [0, 1] over the history).
  double k = 0, m = 0;
  std::vector<double> deltas;
  std::vector<double> changepoints_t;
  std::vector<double> beta;  // Fourier coefficients, per seasonality: sin1, cos1, sin2, ...
  double sigma_obs = 0;
  // Scaling and history.
  TimeNs start = 0;
  double t_scale_sec = 1;  // seconds between the first and last history row
  double y_scale = 1;
  TimeNs history_end = 0;
  std::size_t n_history = 0;
  double history_step_sec = 60;  // smallest spacing of the history (future changepoint grid)
  std::vector<Seasonality> seasonalities;
  ProphetOptions options;

  // Time in Prophet's scaled units.
  double scaled_t(TimeNs ds) const;
  double trend(double t) const;      // scaled units
  double seasonal(TimeNs ds) const;  // scaled units
};

// Prophet's Fourier features for one time: sin(2 pi n t / P), cos(...), n = 1..order,
// t = days since the epoch. Appends 2 * order values to `out`.
void fourier_features(TimeNs ds, double period_days, int order, std::vector<double>& out);

}  // namespace rtcrypto::forecast
