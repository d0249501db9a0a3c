#include "rtcrypto/window/book_depth.hpp"

#include <cmath>
#include <cstdint>

namespace rtcrypto {
namespace {

using URep = unsigned __int128;

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

// decimal_to_double inline for 0 <= quantity < 2^81 raw units (every displayed size); the
// rest (negative, huge) out of line.
[[gnu::always_inline]] inline double quantity_to_double(Decimal::Rep raw) {
  return decimal_to_double_or(raw, wide_quantity);
}

// The band around one mid (as OrderBook::for_band computes it) with its raw bounds.
struct Band {
  double lo = 0, hi = 0;
  // Raw prices above `above_lo` are surely above lo, those below `below_hi` surely below hi
  // (none when an edge is out of range: every level then takes the exact comparison).
  Decimal::Rep above_lo = 0, below_hi = 0;
  // Raw prices surely beyond an edge (below lo, above hi) end a walk without the exact
  // comparison (the usual end of a walk); none when out of range.
  Decimal::Rep surely_below = 0, surely_above = 0;

  Band() = default;
  Band(Decimal mid_price, double pct) {
    const double mid = decimal_to_double(mid_price);  // (to_double's double, inline)
    lo = mid * (1.0 - pct / 100.0);
    hi = mid * (1.0 + pct / 100.0);
    const Edge low(lo), high(hi);
    constexpr auto kMaxRep = static_cast<Decimal::Rep>(~static_cast<URep>(0) >> 1);
    above_lo = low.ok ? low.above : kMaxRep;
    below_hi = high.ok ? high.below : -kMaxRep - 1;
    surely_below = low.ok ? low.below : -kMaxRep - 1;
    surely_above = high.ok ? high.above : kMaxRep;
  }
};

// One side's walk within the band, from the best level outward. Outward, prices fall (bids)
// or rise (asks): from the first level surely inside the far edge (hi for bids, lo for asks)
// on, every level is, and one comparison with the near edge tells a level surely inside.
template <bool kBid>
[[gnu::always_inline]] inline double walk_side(const OrderBook& book, const Band& band) {
  constexpr Side side = kBid ? Side::Bid : Side::Ask;
  const Decimal::Rep far = kBid ? band.below_hi : band.above_lo;
  const Decimal::Rep near = kBid ? band.above_lo : band.below_hi;
  double sum = 0;
  const std::size_t n = book.depth(side);
  if (n == 0) return sum;
  // The side's levels are contiguous, best last.
  const BookLevel* level = &book.level(side, 0);
  const BookLevel* const worst = &book.level(side, n - 1);  // (one pointer walks: no index)
  // A level not surely inside: exactly as OrderBook decides. False ends the walk.
  const auto exact = [&](const BookLevel* l) {
    const Decimal::Rep r = l->price.raw();
    if (kBid ? r < band.surely_below : r > band.surely_above) return false;
    const AtEdge e = at_edge(r, kBid, band.lo, band.hi);
    if (e == AtEdge::Stop) return false;
    if (e == AtEdge::Add) sum += quantity_to_double(l->quantity.raw());
    return true;
  };
  // Levels not surely inside the far edge (a crossed book's best ones).
  while (kBid ? level->price.raw() >= far : level->price.raw() <= far) {
    if (!exact(level) || level == worst) return sum;
    --level;
  }
  for (;; --level) {
    const Decimal::Rep r = level->price.raw();
    if (kBid ? r > near : r < near) [[likely]] {
      sum += quantity_to_double(level->quantity.raw());
    } else if (!exact(level)) {
      break;
    }
    if (level == worst) break;
  }
  return sum;
}

}  // namespace

double depth_quantity_within(const OrderBook& book, Side side, double pct) {
  auto m = book.mid();
  if (!m) return 0.0;
  const Band band(*m, pct);
  return side == Side::Bid ? walk_side<true>(book, band) : walk_side<false>(book, band);
}

BookDepth depth_quantities_within(const OrderBook& book, double pct) {
  auto m = book.mid();
  if (!m) return {};
  return depth_quantities_around(book, *m, pct);
}

BookDepth depth_quantities_around(const OrderBook& book, Decimal mid, double pct) {
  const Band band(mid, pct);  // one mid, one band for both sides
  return {walk_side<true>(book, band), walk_side<false>(book, band)};
}

}  // namespace rtcrypto
