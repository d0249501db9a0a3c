#pragma once
// The depth figure of a window close, walked here instead of by OrderBook so that a close
// does not pay two 128-bit to_double conversions per level: level prices are compared
// with the band as raw integers (exact conversion only for a price within a hair of a band
// edge) and quantities are converted inline (decimal_to_double). The result is
// bit-for-bit OrderBook::depth_quantity_within's: same band, same levels, same sum order.
#include <cstdint>

#include "rtcrypto/book/order_book.hpp"

namespace rtcrypto {

// Σ quantity (base units) of `side`'s levels priced within ±pct % of mid; 0 without a mid.
double depth_quantity_within(const OrderBook& book, Side side, double pct);
// Both sides' figures at once (a window close needs both): one mid, one band, the same
// doubles as depth_quantity_within of each side.
struct BookDepth {
  double bid = 0, ask = 0;
};
BookDepth depth_quantities_within(const OrderBook& book, double pct);
// The same around `mid`, which must be book.mid() (a caller that has it already).
BookDepth depth_quantities_around(const OrderBook& book, Decimal mid, double pct);

// Decimal::to_double, the same double (integral part + fraction ÷ 1e18), inline for
// 0 <= value < 2^81 units without a divide: 1e18 = 2^18 · 5^18 and floors compose, so the
// integral part is x ÷ 5^18 with x = raw >> 18 < 2^63, a multiply by a 64-bit reciprocal
// (kMagic · 5^18 = 2^105 + e with x · e < 2^105: the floor is exact), and the fraction
// (< 1e18) is exact in the low 64 bits. One path for every displayed size (no branch on
// the size, no hardware divide). `wide(raw)` answers the rest (negative, huge).
template <class Wide>
[[gnu::always_inline]] inline double decimal_to_double_or(Decimal::Rep raw, Wide wide) {
  using U = unsigned __int128;
  constexpr std::uint64_t kOne = 1000000000000000000ULL;
  constexpr std::uint64_t kFive18 = 3814697265625ULL;
  constexpr std::uint64_t kMagic = 0x9392ee8e921d5d08ULL;  // ceil(2^105 / 5^18)
  static_assert(static_cast<U>(kMagic) * kFive18 >= static_cast<U>(1) << 105 &&
                ((static_cast<U>(kMagic) * kFive18 - (static_cast<U>(1) << 105)) >> 42) == 0);
  const auto hi = static_cast<std::uint64_t>(static_cast<U>(raw) >> 64);
  const auto lo = static_cast<std::uint64_t>(raw);
  if (hi >= (std::uint64_t{1} << 17)) [[unlikely]]
    return wide(raw);
  const std::uint64_t x = (lo >> 18) | (hi << 46);
  const auto ip = static_cast<std::uint64_t>((static_cast<U>(x) * kMagic) >> 105);
  const std::uint64_t fp = lo - ip * kOne;
  return static_cast<double>(static_cast<std::int64_t>(ip)) +
         static_cast<double>(static_cast<std::int64_t>(fp)) / 1e18;
}

inline double decimal_to_double(Decimal d) {
  return decimal_to_double_or(d.raw(),
                              [](Decimal::Rep raw) { return Decimal::from_raw(raw).to_double(); });
}

}  // namespace rtcrypto
