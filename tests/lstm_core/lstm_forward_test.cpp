#include "rtcrypto/lstm_core/lstm_forward.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "lstm_core/synthetic.hpp"

namespace rtcrypto::lstm {
namespace {

// Textbook LSTM in double (PyTorch gate order i, f, g, o) as the reference.
std::vector<double> reference(const LstmWeights& w, const std::vector<float>& x, int steps) {
  const int H = w.hidden_size;
  std::vector<std::vector<double>> h(w.layers.size(), std::vector<double>(H)),
      c(w.layers.size(), std::vector<double>(H));
  auto sig = [](double v) { return 1 / (1 + std::exp(-v)); };
  for (int t = 0; t < steps; ++t) {
    std::vector<double> in(x.begin() + t * w.input_size, x.begin() + (t + 1) * w.input_size);
    for (std::size_t l = 0; l < w.layers.size(); ++l) {
      const auto& L = w.layers[l];
      const int n = static_cast<int>(in.size());
      std::vector<double> g(4 * H);
      for (int r = 0; r < 4 * H; ++r) {
        double a = L.b_ih[r] + L.b_hh[r];
        for (int j = 0; j < n; ++j) a += L.w_ih[r * n + j] * in[j];
        for (int j = 0; j < H; ++j) a += L.w_hh[r * H + j] * h[l][j];
        g[r] = a;
      }
      for (int k = 0; k < H; ++k) {
        c[l][k] = sig(g[H + k]) * c[l][k] + sig(g[k]) * std::tanh(g[2 * H + k]);
        h[l][k] = sig(g[3 * H + k]) * std::tanh(c[l][k]);
      }
      in = h[l];
    }
  }
  std::vector<double> y(w.output_size);
  for (int o = 0; o < w.output_size; ++o) {
    y[o] = w.fc_b[o];
    for (int k = 0; k < H; ++k) y[o] += w.fc_w[o * H + k] * h.back()[k];
  }
  return y;
}

struct Shape {
  int input, hidden, layers, output, steps;
};

class LstmForwardShapes : public ::testing::TestWithParam<Shape> {};

TEST_P(LstmForwardShapes, MatchesTheTextbookLstmWithin1e5) {
  const Shape s = GetParam();
  LstmWeights w = test::random_weights(s.input, s.hidden, s.layers, s.output);
  LstmForward fwd(w);
  std::mt19937 rng(11);
  std::normal_distribution<float> n(0, 1);
  for (int trial = 0; trial < 3; ++trial) {
    std::vector<float> x(static_cast<std::size_t>(s.steps * s.input));
    for (auto& v : x) v = n(rng);
    const float* y = fwd.run(x.data(), s.steps);
    auto ref = reference(w, x, s.steps);
    for (int o = 0; o < s.output; ++o) EXPECT_NEAR(y[o], ref[o], 1e-5) << "output " << o;
  }
}

INSTANTIATE_TEST_SUITE_P(Shapes, LstmForwardShapes,
                         ::testing::Values(Shape{5, 50, 1, 1, 50}, Shape{3, 7, 2, 4, 12},
                                           Shape{1, 1, 1, 1, 1}, Shape{5, 16, 3, 10, 20}));

TEST(LstmForward, RejectsInconsistentWeights) {
  LstmWeights w = test::random_weights(5, 8, 1, 1);
  w.layers[0].w_hh.pop_back();
  EXPECT_THROW(LstmForward{w}, std::invalid_argument);
}

}  // namespace
}  // namespace rtcrypto::lstm
