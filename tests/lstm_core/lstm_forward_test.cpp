#include "rtcrypto/lstm_core/lstm_forward.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <tuple>

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

std::vector<float> normal_rows(std::size_t n, unsigned seed, float scale = 1.0f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> d(0, scale);
  std::vector<float> x(n);
  for (auto& v : x) v = d(rng);
  return x;
}

using Kernel = LstmForward::Kernel;
class LstmForwardShapes : public ::testing::TestWithParam<std::tuple<Shape, Kernel>> {};

// Both kernels (AVX2+FMA where the CPU has it, and the generic one every CPU runs) against
// the double-precision textbook LSTM.
TEST_P(LstmForwardShapes, MatchesTheTextbookLstmWithin2e6) {
  const auto [s, kernel] = GetParam();
  LstmWeights w = test::random_weights(s.input, s.hidden, s.layers, s.output);
  LstmForward fwd(w, kernel);
  if (kernel == Kernel::Generic) EXPECT_FALSE(fwd.uses_avx2());
  for (unsigned trial = 0; trial < 3; ++trial) {
    auto x = normal_rows(static_cast<std::size_t>(s.steps * s.input), 11 + trial);
    const float* y = fwd.run(x.data(), s.steps);
    auto ref = reference(w, x, s.steps);
    for (int o = 0; o < s.output; ++o) EXPECT_NEAR(y[o], ref[o], 2e-6) << "output " << o;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, LstmForwardShapes,
    ::testing::Combine(::testing::Values(Shape{5, 50, 1, 1, 50}, Shape{3, 7, 2, 4, 12},
                                         Shape{1, 1, 1, 1, 1}, Shape{5, 16, 3, 10, 20},
                                         Shape{5, 50, 2, 3, 50}, Shape{2, 24, 1, 1, 30}),
                       ::testing::Values(Kernel::Best, Kernel::Generic)));

TEST(LstmForward, SaturatedGatesStayFiniteAndAccurate) {
  // Inputs far outside the normalised range drive the gates into saturation (and the exp
  // clamps): the outputs must still be the textbook ones.
  LstmWeights w = test::random_weights(5, 50, 2, 2);
  for (Kernel k : {Kernel::Best, Kernel::Generic}) {
    LstmForward fwd(w, k);
    auto x = normal_rows(40 * 5, 5, 300.0f);
    const float* y = fwd.run(x.data(), 40);
    auto ref = reference(w, x, 40);
    for (int o = 0; o < 2; ++o) {
      EXPECT_TRUE(std::isfinite(y[o]));
      EXPECT_NEAR(y[o], ref[o], 2e-6);
    }
  }
}

TEST(LstmForward, SlidWindowsReuseProjectionsAndGiveTheSameOutputs) {
  LstmWeights w = test::random_weights(5, 50, 1, 3);
  const int L = 50;
  auto series = normal_rows(5 * 200, 21);
  for (Kernel k : {Kernel::Best, Kernel::Generic}) {
    LstmForward cached(w, k);
    for (int start = 0; start < 120; ++start) {
      const float* window = series.data() + 5 * start;
      const float* y = cached.run(window, L);
      EXPECT_EQ(cached.last_projected_rows(), start == 0 ? L : 1) << "start " << start;
      LstmForward fresh(w, k);
      const float* y0 = fresh.run(window, L);
      for (int o = 0; o < 3; ++o) ASSERT_EQ(y[o], y0[o]) << "start " << start;  // bit for bit
    }
    // The same window again: nothing new to project; an unrelated one: everything.
    const float* window = series.data() + 5 * 119;
    const float first = cached.run(window, L)[0];
    EXPECT_EQ(cached.last_projected_rows(), 0);
    auto other = normal_rows(5 * L, 99);
    const float y_other = cached.run(other.data(), L)[0];
    EXPECT_EQ(cached.last_projected_rows(), L);
    EXPECT_EQ(y_other, LstmForward(w, k).run(other.data(), L)[0]);
    // A shorter lookback after a longer one (scratch resized, cache dropped).
    const float y_short = cached.run(window, 10)[0];
    EXPECT_EQ(cached.last_projected_rows(), 10);
    EXPECT_NEAR(y_short, reference(w, std::vector<float>(window, window + 50), 10)[0], 2e-6);
    EXPECT_NE(first, y_short);
  }
}

TEST(LstmForward, KernelsAgree) {
  LstmWeights w = test::random_weights(5, 50, 1, 1);
  LstmForward best(w), generic(w, Kernel::Generic);
  auto x = normal_rows(5 * 50, 8);
  EXPECT_NEAR(best.run(x.data(), 50)[0], generic.run(x.data(), 50)[0], 1e-6);
}

TEST(LstmForward, ZeroStepsGiveTheBias) {
  LstmWeights w = test::random_weights(5, 9, 1, 2);
  LstmForward fwd(w);
  const float* y = fwd.run(nullptr, 0);
  EXPECT_EQ(y[0], w.fc_b[0]);
  EXPECT_EQ(y[1], w.fc_b[1]);
}

TEST(LstmForward, RejectsInconsistentWeights) {
  LstmWeights w = test::random_weights(5, 8, 1, 1);
  w.layers[0].w_hh.pop_back();
  EXPECT_THROW(LstmForward{w}, std::invalid_argument);
}

}  // namespace
}  // namespace rtcrypto::lstm
