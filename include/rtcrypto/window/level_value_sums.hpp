#pragma once
// The liquidity window's per-change sums over a batch of packed levels: Σ price × remaining
// per side, each term int128_to_double(price) × int128_to_double(remaining) × 1e-36, added
// in stream order — bit for bit what WindowAggregator::add(LevelChange) adds change by change.
// An AVX2 kernel converts two levels' four numbers at once; the CPU is asked at run time.
#include <cstdint>
#include <span>

#include "rtcrypto/core/events.hpp"

namespace rtcrypto {

struct LevelValueSums {
  double ask = 0;  // starts at +0.0 (the kernels rely on a sum never being -0.0)
  double bid = 0;
  std::uint64_t asks = 0;  // ask levels added (the rest are bids)
};

// The portable kernel (any value).
void add_level_values_scalar(std::span<const PackedLevel> levels, LevelValueSums& sums);
// Whether this CPU (and OS) runs add_level_values_avx2 (AVX2 and FMA).
bool level_values_avx2_usable();
// The AVX2 kernel: false, with `sums` untouched, when a price is 2^103 or more in magnitude
// or a quantity is negative or 2^103 or more (raw units; 2^103 is ~1e13 units of the
// currency), which the scalar kernel then adds. Only where level_values_avx2_usable().
bool add_level_values_avx2(std::span<const PackedLevel> levels, LevelValueSums& sums);
// level_values_avx2_usable(), asked once at start-up.
extern const bool kLevelValuesAvx2;

// Adds every level of `levels` to `sums` with the best kernel this CPU runs. Inline: one
// call per batch on the hot path, straight to the kernel.
inline void add_level_values(std::span<const PackedLevel> levels, LevelValueSums& sums) {
  if (kLevelValuesAvx2 && add_level_values_avx2(levels, sums)) return;
  add_level_values_scalar(levels, sums);
}

}  // namespace rtcrypto
