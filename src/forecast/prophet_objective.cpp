// The log posterior of Prophet's Stan model (prophet.stan, linear growth, additive
// seasonalities) as rstan::optimizing reports it: constants that depend only on the data
// are dropped (Stan's `~` statements), -T log(sigma_obs) is kept.
#include <cmath>
#include <stdexcept>

#include "rtcrypto/forecast/prophet_model.hpp"

namespace rtcrypto::forecast {

double ProphetModel::log_posterior(const std::vector<TimeNs>& ds,
                                   const std::vector<double>& y) const {
  if (ds.size() != y.size()) throw std::invalid_argument("forecast: ds and y differ in length");
  if (!(sigma_obs > 0)) throw std::invalid_argument("forecast: sigma_obs must be > 0");
  double sse = 0;
  for (std::size_t i = 0; i < ds.size(); ++i) {
    const double r = y[i] / y_scale - trend(scaled_t(ds[i])) - seasonal(ds[i]);
    sse += r * r;
  }
  const double trend_var = options.trend_prior_scale * options.trend_prior_scale;
  const double seas_var = options.seasonality_prior_scale * options.seasonality_prior_scale;
  double lp = -(k * k + m * m) / (2 * trend_var);
  for (double d : deltas) lp -= std::abs(d) / options.changepoint_prior_scale;
  for (double b : beta) lp -= b * b / (2 * seas_var);
  lp -= sigma_obs * sigma_obs / (2 * 0.5 * 0.5);
  lp -= static_cast<double>(ds.size()) * std::log(sigma_obs) + sse / (2 * sigma_obs * sigma_obs);
  return lp;
}

}  // namespace rtcrypto::forecast
