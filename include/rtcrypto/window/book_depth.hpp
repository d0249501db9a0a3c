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
// 0 <= value < 2^63 units: one 64-bit (or 128/64-bit hardware) division instead of a call.
// `wide(raw)` answers the rest (negative, huge), where the quotient would not fit int64.
template <class Wide>
[[gnu::always_inline]] inline double decimal_to_double_or(Decimal::Rep raw, Wide wide) {
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
      return wide(raw);
    __asm__("divq %4" : "=a"(ip), "=d"(fp) : "a"(lo), "d"(hi), "r"(kOne));
#else
    return wide(raw);
#endif
  }
  return static_cast<double>(static_cast<std::int64_t>(ip)) +
         static_cast<double>(static_cast<std::int64_t>(fp)) / 1e18;
}

inline double decimal_to_double(Decimal d) {
  return decimal_to_double_or(d.raw(),
                              [](Decimal::Rep raw) { return Decimal::from_raw(raw).to_double(); });
}

}  // namespace rtcrypto
