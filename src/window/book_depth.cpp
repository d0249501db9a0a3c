#include "rtcrypto/window/book_depth.hpp"

#include <cmath>

namespace rtcrypto {
namespace {

// A band edge t as raw bounds: every raw price below `below` converts to a double < t, every
// one above `above` to a double > t (the margin of 1e-9 of t dwarfs the conversion's
// rounding, ~1e-16 relative). `ok` is false when t is out of that range (or not finite).
struct Edge {
  Decimal::Rep below = 0, above = 0;
  bool ok = false;

  explicit Edge(double t) {
    // In units of 1e-9, truncated outward by one unit: cheap to widen to raw (no
    // double -> int128 library call) and still on the safe side of the margin.
    const double margin = std::fabs(t) * 1e-9;
    const double lo = (t - margin) * 1e9, hi = (t + margin) * 1e9;
    if (!(std::fabs(lo) < 9e18 && std::fabs(hi) < 9e18)) return;
    constexpr Decimal::Rep kNano = 1'000'000'000;
    below = static_cast<Decimal::Rep>(static_cast<std::int64_t>(lo) - 1) * kNano;
    above = static_cast<Decimal::Rep>(static_cast<std::int64_t>(hi) + 1) * kNano;
    ok = true;
  }
};

}  // namespace

double depth_quantity_within(const OrderBook& book, Side side, double pct) {
  auto m = book.mid();
  if (!m) return 0.0;
  // The band as OrderBook::for_band computes it.
  const double mid = m->to_double();
  const double lo = mid * (1.0 - pct / 100.0), hi = mid * (1.0 + pct / 100.0);
  // Raw prices strictly between these are surely inside the band; an empty range (edges
  // out of range, a band too narrow) sends every level to the exact comparison.
  Decimal::Rep inside_from = 0, inside_to = 0;
  const Edge low(lo), high(hi);
  if (low.ok && high.ok) {
    inside_from = low.above;
    inside_to = high.below;
  }
  double sum = 0;
  const std::size_t n = book.depth(side);
  if (n == 0) return sum;
  // From the best level outward: the side's levels are contiguous, best last.
  const bool bid = side == Side::Bid;
  const BookLevel* const best = &book.level(side, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const BookLevel* level = best - i;
    const Decimal::Rep r = level->price.raw();
    if (r > inside_from && r < inside_to) {
      sum += decimal_to_double(level->quantity);
      continue;
    }
    // Near an edge or beyond it: exactly as OrderBook decides.
    const double p = level->price.to_double();
    if (bid ? p < lo : p > hi) break;
    if (p >= lo && p <= hi) sum += decimal_to_double(level->quantity);
  }
  return sum;
}

}  // namespace rtcrypto
