#pragma once
// A level change as the parsers emit it, built from decimal text (tests only).
#include <string_view>

#include "rtcrypto/core/decimal.hpp"
#include "rtcrypto/core/events.hpp"

namespace rtcrypto {

inline LevelChange level_change(Side side, const char* price, const char* remaining, TimeNs ts,
                                bool snapshot = false, std::string_view symbol = "BTCUSD") {
  LevelChange c;
  c.symbol = symbol;
  c.side = side;
  c.price = decimal_or_throw(price);
  c.remaining = decimal_or_throw(remaining);
  c.ts = ts;
  c.snapshot = snapshot;
  return c;
}

}  // namespace rtcrypto
