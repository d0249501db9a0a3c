#pragma once
// Decimal::to_double's double without its divide (hot paths: a window close's depth walk,
// a trade's price and size, a decision's drawdown).
#include <cstdint>

#include "rtcrypto/core/decimal.hpp"

namespace rtcrypto {

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
