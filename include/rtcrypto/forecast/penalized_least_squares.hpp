#pragma once
// Minimises 1/2 x'Hx - b'x + sum_i l1[i] |x_i| for a small symmetric positive definite H
// (the Gram matrix plus ridge terms) exactly, by feature-sign search (Lee et al., 2007):
// an active-set method that ends after finitely many small Cholesky solves.
#include <vector>

namespace rtcrypto::forecast {

// H is n x n row-major. l1[i] == 0 marks an unpenalised coordinate.
std::vector<double> solve_l1_quadratic(const std::vector<double>& H, const std::vector<double>& b,
                                       const std::vector<double>& l1, int max_iterations = 1000);

// Solves A x = b for symmetric positive definite A (n x n row-major) by Cholesky; a tiny
// diagonal jitter is added when A is numerically singular.
std::vector<double> solve_spd(std::vector<double> A, std::vector<double> b);

}  // namespace rtcrypto::forecast
