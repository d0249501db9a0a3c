#pragma once
// The depth figure of a window close, walked here instead of by OrderBook so that a close
// does not pay two 128-bit to_double conversions per level: level prices are compared
// with the band as raw integers (exact conversion only for a price within a hair of a band
// edge) and quantities are converted inline (decimal_to_double). The result is
// bit-for-bit OrderBook::depth_quantity_within's: same band, same levels, same sum order.
#include <cstdint>

#include "rtcrypto/book/order_book.hpp"
#include "rtcrypto/core/decimal_to_double.hpp"

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

}  // namespace rtcrypto
