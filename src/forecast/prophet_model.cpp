#include "rtcrypto/forecast/prophet_model.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

#include "rtcrypto/forecast/penalized_least_squares.hpp"

namespace rtcrypto::forecast {
namespace {

constexpr double kSecPerDay = 86400.0;

// Days since the epoch, as Prophet computes it for its Fourier terms.
double epoch_days(TimeNs ds) {
  const TimeNs whole = floor_to_period(ds, kNsPerSec);
  return (static_cast<double>(whole / kNsPerSec) + static_cast<double>(ds - whole) * 1e-9) /
         kSecPerDay;
}

// Prophet's changepoint positions: round(seq(1, hist_size, length = n + 1))[-1], 0-based.
std::vector<std::size_t> changepoint_rows(std::size_t rows, int n, double range) {
  const auto hist = static_cast<std::size_t>(std::floor(static_cast<double>(rows) * range));
  if (n <= 0 || hist < 2) return {};
  const std::size_t count = std::min<std::size_t>(static_cast<std::size_t>(n), hist - 1);
  std::vector<std::size_t> out;
  for (std::size_t i = 1; i <= count; ++i) {
    double pos =
        1.0 + static_cast<double>(i) * static_cast<double>(hist - 1) / static_cast<double>(count);
    out.push_back(static_cast<std::size_t>(std::nearbyint(pos)) - 1);  // half to even, as R
  }
  return out;
}

}  // namespace

void fourier_features(TimeNs ds, double period_days, int order, std::vector<double>& out) {
  const double angle =
      2.0 * std::numbers::pi * std::fmod(epoch_days(ds), period_days) / period_days;
  const double s1 = std::sin(angle), c1 = std::cos(angle);
  double s = s1, c = c1;
  for (int i = 1; i <= order; ++i) {
    out.push_back(s);
    out.push_back(c);
    const double sn = s * c1 + c * s1;  // angle addition: (i+1) * angle
    c = c * c1 - s * s1;
    s = sn;
  }
}

double ProphetModel::scaled_t(TimeNs ds) const {
  return static_cast<double>(ds - start) * 1e-9 / t_scale_sec;
}

double ProphetModel::trend(double t) const {
  double y = k * t + m;
  for (std::size_t j = 0; j < deltas.size(); ++j)
    if (t >= changepoints_t[j]) y += deltas[j] * (t - changepoints_t[j]);
  return y;
}

double ProphetModel::seasonal(TimeNs ds) const {
  std::vector<double> f;
  f.reserve(beta.size());
  for (const auto& s : seasonalities) fourier_features(ds, s.period_days, s.order, f);
  double y = 0;
  for (std::size_t i = 0; i < f.size() && i < beta.size(); ++i) y += beta[i] * f[i];
  return y;
}

double ProphetModel::predict_one(TimeNs ds) const {
  return (trend(scaled_t(ds)) + seasonal(ds)) * y_scale;
}

ProphetModel ProphetModel::fit(const std::vector<TimeNs>& ds, const std::vector<double>& y,
                               const ProphetOptions& opt, const Progress& progress) {
  const std::size_t N = ds.size();
  if (N != y.size()) throw std::invalid_argument("forecast: ds and y differ in length");
  if (N < 3)
    throw std::invalid_argument("forecast: need at least 3 rows to fit, got " + std::to_string(N));
  for (std::size_t i = 1; i < N; ++i)
    if (ds[i] <= ds[i - 1]) throw std::invalid_argument("forecast: ds must be strictly increasing");

  ProphetModel model;
  model.options = opt;
  model.start = ds.front();
  model.history_end = ds.back();
  model.n_history = N;
  model.t_scale_sec = static_cast<double>(ds.back() - ds.front()) * 1e-9;
  TimeNs step = ds[1] - ds[0];
  for (std::size_t i = 2; i < N; ++i) step = std::min(step, ds[i] - ds[i - 1]);
  model.history_step_sec = static_cast<double>(step) * 1e-9;
  double ymax = 0;
  for (double v : y) {
    if (!std::isfinite(v)) throw std::invalid_argument("forecast: y has a non-finite value");
    ymax = std::max(ymax, std::abs(v));
  }
  model.y_scale = ymax > 0 ? ymax : 1.0;

  for (std::size_t r : changepoint_rows(N, opt.n_changepoints, opt.changepoint_range))
    model.changepoints_t.push_back(model.scaled_t(ds[r]));

  // Prophet's set_auto_seasonalities: a short history cannot pin a long period down (its
  // Fourier terms would trade off against the trend and explode when extrapolated).
  const double span_days = model.t_scale_sec / kSecPerDay;
  const double step_days = model.history_step_sec / kSecPerDay;
  auto wanted = [&](SeasonalityMode mode, int order, double min_span_days, double max_step_days) {
    if (order <= 0 || mode == SeasonalityMode::Off) return false;
    return mode == SeasonalityMode::On || (span_days >= min_span_days && step_days < max_step_days);
  };
  if (wanted(opt.daily, opt.daily_order, 2, 1))
    model.seasonalities.push_back({"daily", 1.0, opt.daily_order});
  if (wanted(opt.weekly, opt.weekly_order, 14, 7))
    model.seasonalities.push_back({"weekly", 7.0, opt.weekly_order});
  if (wanted(opt.yearly, opt.yearly_order, 730, 1e300))
    model.seasonalities.push_back({"yearly", 365.25, opt.yearly_order});
  for (const auto& extra : opt.extra_seasonalities) {
    if (!(extra.period_days > 0) || extra.order <= 0)
      throw std::invalid_argument("seasonality '" + extra.name + "': period and order must be > 0");
    model.seasonalities.push_back(extra);
  }

  // Parameter layout: k, m, deltas..., betas...
  const std::size_t S = model.changepoints_t.size();
  std::size_t F = 0;
  for (const auto& s : model.seasonalities) F += 2 * static_cast<std::size_t>(s.order);
  const std::size_t P = 2 + S + F;

  // One pass: the Gram matrix X'X (upper triangle), X'y and y'y.
  std::vector<double> G(P * P, 0.0), b(P, 0.0), x;
  x.reserve(P);
  double yy = 0;
  const std::size_t report_every = std::max<std::size_t>(N / 20, 1);
  for (std::size_t r = 0; r < N; ++r) {
    const double t = model.scaled_t(ds[r]);
    const double yv = y[r] / model.y_scale;
    x.clear();
    x.push_back(t);
    x.push_back(1.0);
    for (double c : model.changepoints_t) x.push_back(t >= c ? t - c : 0.0);
    for (const auto& s : model.seasonalities) fourier_features(ds[r], s.period_days, s.order, x);
    for (std::size_t i = 0; i < P; ++i) {
      const double xi = x[i];
      if (xi == 0.0) continue;
      b[i] += xi * yv;
      double* row = &G[i * P];
      for (std::size_t j = i; j < P; ++j) row[j] += xi * x[j];
    }
    yy += yv * yv;
    if (progress && r % report_every == 0) progress("accumulating", static_cast<double>(r) / N);
  }
  for (std::size_t i = 0; i < P; ++i)
    for (std::size_t j = 0; j < i; ++j) G[i * P + j] = G[j * P + i];

  // MAP with sigma_obs free: for fixed sigma the negative log posterior times sigma^2 is
  // SSE/2 + sigma^2 (|delta|/tau + (k^2 + m^2)/(2*5^2) + beta^2/(2*10^2)); sigma then solves
  // its own stationarity condition (prior normal(0, 0.5), no Jacobian, as Stan's optimizer).
  auto sse_of = [&](const std::vector<double>& th) {
    double quad = 0, lin = 0;
    for (std::size_t i = 0; i < P; ++i) {
      double gi = 0;
      for (std::size_t j = 0; j < P; ++j) gi += G[i * P + j] * th[j];
      quad += th[i] * gi;
      lin += b[i] * th[i];
    }
    return std::max(yy - 2 * lin + quad, 0.0);
  };
  const double tau = opt.changepoint_prior_scale;
  const double trend_var = opt.trend_prior_scale * opt.trend_prior_scale;
  const double seas_var = opt.seasonality_prior_scale * opt.seasonality_prior_scale;
  double sigma2 = 1e-6;
  std::vector<double> theta(P, 0.0);
  for (int iter = 0; iter < 100; ++iter) {
    std::vector<double> H = G, l1(P, 0.0);
    H[0 * P + 0] += sigma2 / trend_var;
    H[1 * P + 1] += sigma2 / trend_var;
    for (std::size_t j = 0; j < S; ++j) l1[2 + j] = sigma2 / tau;
    for (std::size_t j = 0; j < F; ++j) H[(2 + S + j) * P + 2 + S + j] += sigma2 / seas_var;
    theta = solve_l1_quadratic(H, b, l1);
    const double sse = sse_of(theta);
    const double n = static_cast<double>(N);
    const double next = (-n + std::sqrt(n * n + 16.0 * sse)) / 8.0;
    const bool done = std::abs(next - sigma2) <= 1e-10 * sigma2;
    sigma2 = std::max(next, 1e-300);
    if (progress) progress("solving", std::min(1.0, (iter + 1) / 10.0));
    if (done) break;
  }
  model.k = theta[0];
  model.m = theta[1];
  model.deltas.assign(theta.begin() + 2, theta.begin() + 2 + static_cast<long>(S));
  model.beta.assign(theta.begin() + 2 + static_cast<long>(S), theta.end());
  model.sigma_obs = std::sqrt(sigma2);
  return model;
}

}  // namespace rtcrypto::forecast
