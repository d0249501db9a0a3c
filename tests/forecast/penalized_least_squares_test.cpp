#include "rtcrypto/forecast/penalized_least_squares.hpp"

#include <gtest/gtest.h>

namespace rtcrypto::forecast {
namespace {

TEST(PenalizedLeastSquares, OrthogonalDesignSoftThresholds) {
  // With H = I the lasso solution is the soft-threshold of b.
  std::vector<double> H = {1, 0, 0, 0, 1, 0, 0, 0, 1};
  auto x = solve_l1_quadratic(H, {3.0, -0.5, -2.0}, {1.0, 1.0, 0.0});
  EXPECT_NEAR(x[0], 2.0, 1e-12);
  EXPECT_EQ(x[1], 0.0);
  EXPECT_NEAR(x[2], -2.0, 1e-12);  // unpenalised
}

TEST(PenalizedLeastSquares, CorrelatedDesignMeetsOptimalityConditions) {
  std::vector<double> H = {4, 3, 1, 3, 4, 2, 1, 2, 5};
  std::vector<double> b = {5, 1, -3}, l1 = {0.5, 2.0, 0.0};
  auto x = solve_l1_quadratic(H, b, l1);
  for (int i = 0; i < 3; ++i) {
    double g = -b[i];
    for (int j = 0; j < 3; ++j) g += H[i * 3 + j] * x[j];
    if (x[i] != 0)
      EXPECT_NEAR(g + l1[i] * (x[i] > 0 ? 1 : -1), 0.0, 1e-10) << i;
    else
      EXPECT_LE(std::abs(g), l1[i] + 1e-12) << i;
  }
  EXPECT_EQ(x[1], 0.0);  // the strongly penalised, correlated coordinate drops out
}

TEST(PenalizedLeastSquares, SpdSolve) {
  auto x = solve_spd({2, 1, 1, 3}, {3, 5});
  EXPECT_NEAR(x[0], 0.8, 1e-12);
  EXPECT_NEAR(x[1], 1.4, 1e-12);
}

}  // namespace
}  // namespace rtcrypto::forecast
