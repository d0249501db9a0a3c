#pragma once
// The liquidity window's per-change sums over a batch of packed levels: Σ price × remaining
// per side, each term int128_to_double(price) × int128_to_double(remaining) × 1e-36, added
// in stream order — bit for bit what WindowAggregator::add(LevelChange) adds change by change.
// An AVX2 kernel converts two levels' four numbers at once; the CPU is asked at run time.
#include <cstddef>
#include <cstdint>
#include <span>

#include "rtcrypto/core/events.hpp"

namespace rtcrypto {

// Each kernel adds every level's term to `ask` or `bid` (by the price's sign) and returns
// how many were asks. A sum starts at +0.0: the kernels rely on it never being -0.0.

// The portable kernel (any value).
std::uint64_t add_level_values_scalar(std::span<const PackedLevel> levels, double& ask,
                                      double& bid);
// Whether this CPU (and OS) runs add_level_values_avx2 (AVX2 and FMA).
bool level_values_avx2_usable();
// What add_level_values_avx2 returns for levels it does not take.
inline constexpr std::uint64_t kLevelValuesRefused = ~std::uint64_t{0};
// The AVX2 kernel: kLevelValuesRefused, with the sums untouched, when a price is 2^103 or
// more in magnitude or a quantity is negative or 2^103 or more (raw units; 2^103 is ~1e13
// units of the currency), which the scalar kernel then adds. Only where
// level_values_avx2_usable().
std::uint64_t add_level_values_avx2(std::span<const PackedLevel> levels, double& ask, double& bid);
// level_values_avx2_usable(), asked once at start-up.
extern const bool kLevelValuesAvx2;

// With the best kernel this CPU runs. Inline: one call per batch on the hot path, straight
// to the kernel.
inline std::uint64_t add_level_values(std::span<const PackedLevel> levels, double& ask,
                                      double& bid) {
  if (kLevelValuesAvx2) {
    const std::uint64_t asks = add_level_values_avx2(levels, ask, bid);
    if (asks != kLevelValuesRefused) [[likely]]
      return asks;
  }
  return add_level_values_scalar(levels, ask, bid);
}

// A window's level sums and counts as the counted kernels add to them (the sums next to
// each other: a kernel reads and writes both at once).
struct LevelSums {
  double ask = 0;
  double bid = 0;
  std::uint64_t asks = 0;
  std::uint64_t bids = 0;
};

// The same with the counts too, for WindowAggregator::add_levels: adds each level's term to
// `ask` or `bid` and counts it in `asks` or `bids`, with the best kernel (the AVX2 and
// AVX-512 ones fall back to the scalar one themselves). Through one pointer chosen at
// start-up: the hot caller makes one indirect call, with no check or fallback of its own.
using AddLevelValuesCounted = void (*)(const PackedLevel* levels, std::size_t n, LevelSums& sums);
void add_level_values_counted_scalar(const PackedLevel* levels, std::size_t n, LevelSums& sums);
// Only where level_values_avx2_usable().
void add_level_values_counted_avx2(const PackedLevel* levels, std::size_t n, LevelSums& sums);
// Whether this CPU runs the AVX-512 kernels (AVX-512 F, DQ, VL and the AVX2 kernel's
// needs); they take and refuse what the AVX2 ones do.
bool level_values_avx512_usable();
std::uint64_t add_level_values_avx512(std::span<const PackedLevel> levels, double& ask,
                                      double& bid);
// Only where level_values_avx512_usable().
void add_level_values_counted_avx512(const PackedLevel* levels, std::size_t n, LevelSums& sums);
extern const AddLevelValuesCounted kAddLevelValuesCounted;  // the best of the three

inline void add_level_values_counted(std::span<const PackedLevel> levels, LevelSums& sums) {
  kAddLevelValuesCounted(levels.data(), levels.size(), sums);
}

}  // namespace rtcrypto
