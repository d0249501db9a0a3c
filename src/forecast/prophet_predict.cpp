// Forecasts with Prophet's uncertainty intervals: each sample adds future changepoints
// (as many per unit of scaled time as the history had, deltas Laplace with the mean
// absolute historical delta as scale) and Gaussian noise sigma_obs; the interval is the
// sample quantiles at (1 -/+ width) / 2.
#include <algorithm>
#include <cmath>
#include <random>

#include "rtcrypto/forecast/prophet_model.hpp"

namespace rtcrypto::forecast {
namespace {

// xoshiro256+ for the many noise draws; std::mt19937_64 for the few structural ones.
class FastRng {
 public:
  explicit FastRng(std::uint64_t seed) {
    for (auto& w : s_) {
      seed += 0x9E3779B97F4A7C15ULL;
      std::uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
      w = z ^ (z >> 31);
    }
  }
  double uniform() {  // [0, 1)
    const std::uint64_t result = s_[0] + s_[3];
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = (s_[3] << 45) | (s_[3] >> 19);
    return static_cast<double>(result >> 11) * 0x1.0p-53;
  }
  double normal() {  // Marsaglia's polar method
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u, v, q;
    do {
      u = 2 * uniform() - 1;
      v = 2 * uniform() - 1;
      q = u * u + v * v;
    } while (q >= 1 || q == 0);
    const double f = std::sqrt(-2 * std::log(q) / q);
    spare_ = v * f;
    has_spare_ = true;
    return u * f;
  }

 private:
  std::uint64_t s_[4];
  double spare_ = 0;
  bool has_spare_ = false;
};

// np.percentile's linear interpolation on an unsorted buffer.
double quantile(std::vector<double>& v, double p) {
  const double pos = p * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(lo), v.end());
  const double a = v[lo];
  if (lo + 1 >= v.size()) return a;
  const double b = *std::min_element(v.begin() + static_cast<long>(lo) + 1, v.end());
  return a + (pos - static_cast<double>(lo)) * (b - a);
}

struct SampleTrend {
  std::vector<double> cps, deltas;  // future changepoints of this sample, ascending
};

}  // namespace

std::vector<Prediction> ProphetModel::predict(const std::vector<TimeNs>& ds,
                                              bool with_intervals) const {
  std::vector<Prediction> out(ds.size());
  for (std::size_t i = 0; i < ds.size(); ++i) {
    out[i].ds = ds[i];
    out[i].yhat = out[i].yhat_lower = out[i].yhat_upper = predict_one(ds[i]);
  }
  const int n_samples = options.uncertainty_samples;
  if (!with_intervals || ds.empty() || n_samples < 2) return out;

  // Future changepoints per sample, as Prophet's sample_predictive_trend.
  const double T = std::max(1.0, scaled_t(*std::max_element(ds.begin(), ds.end())));
  const double dt = history_step_sec > 0 ? history_step_sec / t_scale_sec : 1.0 / n_history;
  double mean_abs = 0;
  for (double d : deltas) mean_abs += std::abs(d);
  const double lambda = (deltas.empty() ? 0.0 : mean_abs / deltas.size()) + 1e-8;
  std::mt19937_64 gen(options.seed);
  std::vector<SampleTrend> samples(static_cast<std::size_t>(n_samples));
  if (T > 1 && !changepoints_t.empty()) {
    const double periods = std::ceil((T - 1) / dt);
    const double prob =
        std::min(1.0, static_cast<double>(changepoints_t.size()) * (T - 1) / periods);
    std::binomial_distribution<long long> n_changes(static_cast<long long>(periods), prob);
    std::uniform_real_distribution<double> where(1.0, T), u(-0.5, 0.5);
    for (auto& s : samples) {
      const long long n = n_changes(gen);
      for (long long c = 0; c < n; ++c) s.cps.push_back(where(gen));
      std::sort(s.cps.begin(), s.cps.end());
      for (long long c = 0; c < n; ++c) {
        const double v = u(gen);  // Laplace(0, lambda) by inversion
        s.deltas.push_back(-lambda * (v < 0 ? -1.0 : 1.0) * std::log(1 - 2 * std::abs(v)));
      }
    }
  }

  // Intervals change slowly along a table: simulate on at most ~20k evenly spaced rows and
  // interpolate the offsets in between (every row is simulated for shorter requests).
  const std::size_t stride = std::max<std::size_t>(1, ds.size() / 20000);
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < ds.size(); i += stride) rows.push_back(i);
  if (rows.back() != ds.size() - 1) rows.push_back(ds.size() - 1);

  FastRng rng(options.seed ^ 0xA5A5A5A5ULL);
  const double lo_p = (1 - options.interval_width) / 2, hi_p = (1 + options.interval_width) / 2;
  const std::size_t chunk = 1024;
  const auto S = static_cast<std::size_t>(n_samples);
  std::vector<double> vals(S * chunk), column(S), lo_off(rows.size()), hi_off(rows.size());
  std::vector<std::size_t> next(S, 0);
  std::vector<double> slope(S, 0.0), icpt(S, 0.0);
  for (std::size_t begin = 0; begin < rows.size(); begin += chunk) {
    const std::size_t end = std::min(rows.size(), begin + chunk);
    for (std::size_t s = 0; s < S; ++s) {
      const SampleTrend& st = samples[s];
      for (std::size_t r = begin; r < end; ++r) {
        const double t = scaled_t(ds[rows[r]]);
        while (next[s] < st.cps.size() && st.cps[next[s]] <= t) {
          slope[s] += st.deltas[next[s]];
          icpt[s] += st.deltas[next[s]] * st.cps[next[s]];
          ++next[s];
        }
        vals[s * chunk + (r - begin)] = slope[s] * t - icpt[s] + sigma_obs * rng.normal();
      }
    }
    for (std::size_t r = begin; r < end; ++r) {
      for (std::size_t s = 0; s < S; ++s) column[s] = vals[s * chunk + (r - begin)];
      lo_off[r] = y_scale * quantile(column, lo_p);
      hi_off[r] = y_scale * quantile(column, hi_p);
    }
  }
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const std::size_t i0 = rows[r], i1 = r + 1 < rows.size() ? rows[r + 1] : i0 + 1;
    for (std::size_t i = i0; i < i1 && i < ds.size(); ++i) {
      const double w = r + 1 < rows.size() ? static_cast<double>(i - i0) / (i1 - i0) : 0.0;
      const double lo =
          r + 1 < rows.size() ? lo_off[r] + w * (lo_off[r + 1] - lo_off[r]) : lo_off[r];
      const double hi =
          r + 1 < rows.size() ? hi_off[r] + w * (hi_off[r + 1] - hi_off[r]) : hi_off[r];
      out[i].yhat_lower = out[i].yhat + lo;
      out[i].yhat_upper = out[i].yhat + hi;
    }
  }
  return out;
}

}  // namespace rtcrypto::forecast
