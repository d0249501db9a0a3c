#pragma once
// Small deterministic inputs for the LSTM tests: a random-walk bar series and random weights.
#include <cmath>
#include <random>
#include <vector>

#include "rtcrypto/bars/minute_bars.hpp"
#include "rtcrypto/lstm_core/model.hpp"

namespace rtcrypto::lstm::test {

inline constexpr TimeNs kT0 = 1'700'000'000LL * kNsPerSec / kNsPerMin * kNsPerMin;

// n one-minute bars from kT0, a random walk with a small drift so the series is learnable.
inline std::vector<MinuteBar> random_walk_bars(std::size_t n, unsigned seed = 7,
                                               double start = 30000.0) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> step(0.0, 0.001);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<MinuteBar> bars;
  double close = start;
  for (std::size_t i = 0; i < n; ++i) {
    MinuteBar b;
    b.ts = kT0 + static_cast<TimeNs>(i) * kNsPerMin;
    b.open = close;
    // A slow oscillation in the returns gives the model something to find.
    close = close * std::exp(step(rng) + 0.0008 * std::sin(static_cast<double>(i) / 5.0));
    b.close = close;
    b.high = std::max(b.open, b.close) * (1 + 0.0005 * u(rng));
    b.low = std::min(b.open, b.close) * (1 - 0.0005 * u(rng));
    b.volume = 1 + 10 * u(rng);
    bars.push_back(b);
  }
  return bars;
}

inline LstmWeights random_weights(int input, int hidden, int layers, int output,
                                  unsigned seed = 3) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-0.3f, 0.3f);
  auto fill = [&](std::size_t n) {
    std::vector<float> v(n);
    for (auto& x : v) x = u(rng);
    return v;
  };
  LstmWeights w;
  w.input_size = input;
  w.hidden_size = hidden;
  w.output_size = output;
  const std::size_t G = 4 * static_cast<std::size_t>(hidden);
  for (int l = 0; l < layers; ++l) {
    const std::size_t in =
        l == 0 ? static_cast<std::size_t>(input) : static_cast<std::size_t>(hidden);
    w.layers.push_back(
        {fill(G * in), fill(G * static_cast<std::size_t>(hidden)), fill(G), fill(G)});
  }
  w.fc_w = fill(static_cast<std::size_t>(output) * static_cast<std::size_t>(hidden));
  w.fc_b = fill(static_cast<std::size_t>(output));
  return w;
}

// A consistent model (weights + sidecar) with a normalisation fitted on `bars`.
inline LstmModel random_model(const std::vector<MinuteBar>& bars, int lookback = 8, int hidden = 6,
                              int layers = 1, int horizon = 1) {
  LstmModel m;
  m.sidecar.lookback = lookback;
  m.sidecar.horizon = horizon;
  m.sidecar.hidden = hidden;
  m.sidecar.layers = layers;
  m.sidecar.spec.sma_window = 5;
  m.sidecar.spec.atr_window = 4;
  FeatureTable t = compute_features(bars, m.sidecar.spec);
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < t.size(); ++i)
    if (t.valid[i]) rows.push_back(i);
  m.sidecar.input = Normalisation::fit(t.rows.data(), t.size(), t.features, &rows);
  m.sidecar.target.mean.assign(static_cast<std::size_t>(horizon), 0.0001);
  m.sidecar.target.std.assign(static_cast<std::size_t>(horizon), 0.001);
  m.weights = random_weights(static_cast<int>(m.sidecar.spec.size()), hidden, layers, horizon);
  m.file = "synthetic.pt";
  return m;
}

}  // namespace rtcrypto::lstm::test
