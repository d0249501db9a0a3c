#include "rtcrypto/forecast/penalized_least_squares.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace rtcrypto::forecast {
namespace {

bool cholesky(std::vector<double>& A, std::size_t n) {
  for (std::size_t j = 0; j < n; ++j) {
    double d = A[j * n + j];
    for (std::size_t k = 0; k < j; ++k) d -= A[j * n + k] * A[j * n + k];
    if (!(d > 0)) return false;
    d = std::sqrt(d);
    A[j * n + j] = d;
    for (std::size_t i = j + 1; i < n; ++i) {
      double s = A[i * n + j];
      for (std::size_t k = 0; k < j; ++k) s -= A[i * n + k] * A[j * n + k];
      A[i * n + j] = s / d;
    }
  }
  return true;
}

double objective(const std::vector<double>& H, const std::vector<double>& b,
                 const std::vector<double>& l1, const std::vector<double>& x) {
  const std::size_t n = x.size();
  double f = 0;
  for (std::size_t i = 0; i < n; ++i) {
    double hx = 0;
    for (std::size_t j = 0; j < n; ++j) hx += H[i * n + j] * x[j];
    f += 0.5 * x[i] * hx - b[i] * x[i] + l1[i] * std::abs(x[i]);
  }
  return f;
}

}  // namespace

std::vector<double> solve_spd(std::vector<double> A, std::vector<double> b) {
  const std::size_t n = b.size();
  if (A.size() != n * n) throw std::invalid_argument("solve_spd: size mismatch");
  if (n == 0) return {};
  double trace = 0;
  for (std::size_t i = 0; i < n; ++i) trace += std::abs(A[i * n + i]);
  std::vector<double> L = A;
  double jitter = 1e-14 * (trace / static_cast<double>(n) + 1e-300);
  while (!cholesky(L, n)) {
    L = A;
    for (std::size_t i = 0; i < n; ++i) L[i * n + i] += jitter;
    jitter *= 10;
    if (jitter > trace) throw std::runtime_error("solve_spd: matrix is not positive definite");
  }
  auto substitute = [&](std::vector<double> rhs) {
    for (std::size_t i = 0; i < n; ++i) {
      double s = rhs[i];
      for (std::size_t k = 0; k < i; ++k) s -= L[i * n + k] * rhs[k];
      rhs[i] = s / L[i * n + i];
    }
    for (std::size_t i = n; i-- > 0;) {
      double s = rhs[i];
      for (std::size_t k = i + 1; k < n; ++k) s -= L[k * n + i] * rhs[k];
      rhs[i] = s / L[i * n + i];
    }
    return rhs;
  };
  std::vector<double> x = substitute(b);
  // One step of iterative refinement recovers digits lost to ill-conditioning.
  std::vector<double> r(n);
  for (std::size_t i = 0; i < n; ++i) {
    double s = b[i];
    for (std::size_t j = 0; j < n; ++j) s -= A[i * n + j] * x[j];
    r[i] = s;
  }
  std::vector<double> dx = substitute(r);
  for (std::size_t i = 0; i < n; ++i) x[i] += dx[i];
  return x;
}

std::vector<double> solve_l1_quadratic(const std::vector<double>& H, const std::vector<double>& b,
                                       const std::vector<double>& l1, int max_iterations) {
  const std::size_t n = b.size();
  if (H.size() != n * n || l1.size() != n)
    throw std::invalid_argument("solve_l1_quadratic: size mismatch");
  std::vector<double> x(n, 0.0);
  std::vector<int> sign(n, 0);  // -1, 0, +1 for penalised coordinates; ignored otherwise
  auto active = [&](std::size_t i) { return l1[i] == 0 || sign[i] != 0; };
  auto gradient = [&](std::size_t i) {
    double g = -b[i];
    for (std::size_t j = 0; j < n; ++j) g += H[i * n + j] * x[j];
    return g;
  };
  bool need_step = true;  // solve the free coordinates first
  for (int iter = 0; iter < max_iterations; ++iter) {
    if (!need_step) {
      // Activate the zero coordinate that most violates optimality.
      std::size_t best = n;
      double worst = 0;
      for (std::size_t i = 0; i < n; ++i) {
        if (active(i)) continue;
        double g = gradient(i);
        double excess = std::abs(g) - l1[i];
        if (excess > worst * (1 + 1e-12) && excess > 1e-15 * (std::abs(b[i]) + 1)) {
          worst = excess;
          best = i;
        }
      }
      if (best == n) return x;
      sign[best] = gradient(best) > 0 ? -1 : 1;
    }
    // Feature-sign step: exact minimiser on the active set with the signs held fixed.
    std::vector<std::size_t> idx;
    for (std::size_t i = 0; i < n; ++i)
      if (active(i)) idx.push_back(i);
    const std::size_t a = idx.size();
    std::vector<double> Ha(a * a), ba(a);
    for (std::size_t r = 0; r < a; ++r) {
      for (std::size_t c = 0; c < a; ++c) Ha[r * a + c] = H[idx[r] * n + idx[c]];
      ba[r] = b[idx[r]] - l1[idx[r]] * sign[idx[r]];
    }
    std::vector<double> xa = solve_spd(Ha, ba);
    std::vector<double> target = x;
    for (std::size_t r = 0; r < a; ++r) target[idx[r]] = xa[r];
    // Line search over the points where a penalised coordinate crosses zero.
    std::vector<double> best_x = target;
    double best_f = objective(H, b, l1, target);
    for (std::size_t r = 0; r < a; ++r) {
      std::size_t i = idx[r];
      if (l1[i] == 0 || x[i] == 0 || (x[i] > 0) == (target[i] > 0)) continue;
      double s = x[i] / (x[i] - target[i]);
      std::vector<double> cand(n);
      for (std::size_t j = 0; j < n; ++j) cand[j] = x[j] + s * (target[j] - x[j]);
      cand[i] = 0;
      double f = objective(H, b, l1, cand);
      if (f < best_f) {
        best_f = f;
        best_x = cand;
      }
    }
    x = best_x;
    bool consistent = true;
    for (std::size_t i = 0; i < n; ++i) {
      if (l1[i] == 0) continue;
      if (x[i] == 0 || std::abs(x[i]) < 1e-300) {
        x[i] = 0;
        sign[i] = 0;
      } else {
        int s = x[i] > 0 ? 1 : -1;
        if (s != sign[i]) consistent = false;
        sign[i] = s;
      }
    }
    // After an interior line-search stop, the signs changed: solve again on the new set.
    need_step = !consistent;
    if (!need_step) {
      // Optimality on the nonzero coordinates: gradient + l1 * sign == 0 (up to round-off).
      for (std::size_t i = 0; i < n && !need_step; ++i) {
        if (l1[i] == 0 || sign[i] == 0) continue;
        double g = gradient(i) + l1[i] * sign[i];
        if (std::abs(g) > 1e-9 * (std::abs(b[i]) + l1[i] + 1e-12)) need_step = true;
      }
      if (need_step && best_x == target) need_step = false;  // exact solve already: accept
    }
  }
  return x;
}

}  // namespace rtcrypto::forecast
