#include "rtcrypto/window/book_depth.hpp"

#include <cmath>
#include <cstdint>

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

// A level near a band edge or beyond it, decided exactly as OrderBook does (out of line:
// the walk's registers stay free of the library conversion's call).
enum class AtEdge : std::uint8_t { Add, Skip, Stop };
[[gnu::noinline]] AtEdge at_edge(Decimal::Rep price, bool bid, double lo, double hi) {
  const double p = Decimal::from_raw(price).to_double();
  if (bid ? p < lo : p > hi) return AtEdge::Stop;
  return p >= lo && p <= hi ? AtEdge::Add : AtEdge::Skip;
}

[[gnu::noinline]] double wide_quantity(Decimal::Rep raw) {
  return decimal_to_double(Decimal::from_raw(raw));
}

// decimal_to_double inline for 0 <= quantity < 2^63 units (every displayed size); the
// rest (negative, huge) out of line.
[[gnu::always_inline]] inline double quantity_to_double(Decimal::Rep raw) {
  constexpr std::uint64_t kOne = 1000000000000000000ULL;
  const auto hi = static_cast<std::uint64_t>(raw >> 64);
  const auto lo = static_cast<std::uint64_t>(raw);
  std::uint64_t ip, fp;
  if (hi == 0) {
    ip = lo / kOne;
    fp = lo % kOne;
  } else {
#if defined(__x86_64__)
    if (hi >= kOne / 2) [[unlikely]]
      return wide_quantity(raw);
    __asm__("divq %4" : "=a"(ip), "=d"(fp) : "a"(lo), "d"(hi), "r"(kOne));
#else
    return wide_quantity(raw);
#endif
  }
  return static_cast<double>(static_cast<std::int64_t>(ip)) +
         static_cast<double>(static_cast<std::int64_t>(fp)) / 1e18;
}

}  // namespace

double depth_quantity_within(const OrderBook& book, Side side, double pct) {
  auto m = book.mid();
  if (!m) return 0.0;
  // The band as OrderBook::for_band computes it.
  const double mid = m->to_double();
  const double lo = mid * (1.0 - pct / 100.0), hi = mid * (1.0 + pct / 100.0);
  // Raw prices strictly between these are surely inside the band, tested as one unsigned
  // comparison: r - inside_from - 1 < span (modulo 2^128). An empty range (edges out of
  // range, a band too narrow) has span 0 and sends every level to the exact comparison.
  using URep = unsigned __int128;
  URep from = 0, span = 0;
  const Edge low(lo), high(hi);
  if (low.ok && high.ok && high.below > low.above) {
    from = static_cast<URep>(low.above) + 1;
    span = static_cast<URep>(high.below) - static_cast<URep>(low.above) - 1;
  }
  // Raw prices surely beyond the far edge of the walk (below lo for bids, above hi for asks)
  // end it without the exact comparison (the usual end of a walk); none when out of range.
  const bool bid = side == Side::Bid;
  constexpr Decimal::Rep kMaxRep = static_cast<Decimal::Rep>(~static_cast<URep>(0) >> 1);
  constexpr Decimal::Rep kMinRep = -kMaxRep - 1;
  const Decimal::Rep surely_below = low.ok ? low.below : kMinRep;
  const Decimal::Rep surely_above = high.ok ? high.above : kMaxRep;
  double sum = 0;
  const std::size_t n = book.depth(side);
  if (n == 0) return sum;
  // From the best level outward: the side's levels are contiguous, best last.
  const BookLevel* const best = &book.level(side, 0);
  const BookLevel* const worst = &book.level(side, n - 1);  // (one pointer walks: no index)
  for (const BookLevel* level = best;; --level) {
    const Decimal::Rep r = level->price.raw();
    if (static_cast<URep>(r) - from < span) [[likely]] {
      sum += quantity_to_double(level->quantity.raw());
    } else {
      if (bid ? r < surely_below : r > surely_above) break;
      const AtEdge e = at_edge(r, bid, lo, hi);
      if (e == AtEdge::Stop) break;
      if (e == AtEdge::Add) sum += quantity_to_double(level->quantity.raw());
    }
    if (level == worst) break;
  }
  return sum;
}

}  // namespace rtcrypto
