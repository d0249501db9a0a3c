// The AVX-512 level-sum kernel: the AVX2 kernel's method (see level_value_sums.cpp) on four
// levels a step, the last step's 1-4 levels read with masked loads, so a batch of up to four
// levels (most delta batches) runs straight through, with no loop and no tail. Only the
// functions marked RTC_LV_AVX512 use AVX-512 (no file-wide flags: the binary runs anywhere).
#include "rtcrypto/window/level_value_sums.hpp"

#include <cstddef>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
// GCC 12 takes the intrinsics' _mm512_undefined_* (self-initialized) for uninitialized.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#define RTC_LV_AVX512 __attribute__((target("avx512f,avx512dq,avx512vl,avx2,fma,popcnt")))
#endif

namespace rtcrypto {

#if defined(RTC_LV_AVX512)

namespace {

// The kernel's constants, read from memory where used (a batch of four levels or fewer runs
// once through: loaded into registers first, they took an instruction each).
struct alignas(64) Consts {
  // Where four levels' words go (two vectors of two levels: price low, price high,
  // quantity low, quantity high each): low words [price0..3, quantity0..3], high the same.
  std::int64_t low_words[8];
  std::int64_t high_words[8];
  // Prices' high words in [-2^39, 2^39) (after + 2^39: no bit from 40 up), quantities' in
  // [0, 2^39): as the AVX2 kernel takes them.
  std::int64_t range_bias[8];
  std::int64_t out_of_range[8];
  std::int64_t low52;
  double two52, scale, sign;
  // The last step's load masks by its level count (1-4): levels 0-1, levels 2-3.
  std::uint8_t mask01[5], mask23[5];
};
constexpr std::int64_t kP = std::int64_t{1} << 39, kPOut = ~((std::int64_t{1} << 40) - 1),
                       kQOut = ~((std::int64_t{1} << 39) - 1);
constexpr Consts kConsts = {{0, 4, 8, 12, 2, 6, 10, 14},
                            {1, 5, 9, 13, 3, 7, 11, 15},
                            {kP, kP, kP, kP, 0, 0, 0, 0},
                            {kPOut, kPOut, kPOut, kPOut, kQOut, kQOut, kQOut, kQOut},
                            (std::int64_t{1} << 52) - 1,
                            0x1p52,
                            1e-36,
                            -0.0,
                            {0, 0x0F, 0xFF, 0xFF, 0xFF},
                            {0, 0, 0, 0x0F, 0xFF}};

// The constants, hidden from the optimizer so that it reads them where used.
[[gnu::always_inline]] inline const Consts& consts() {
  const Consts* k = &kConsts;
  asm("" : "+r"(k));
  return *k;
}

struct Step {
  __m128d acc;    // [ask, bid]
  __m512i range;  // OR of the high words plus their bias
  std::uint64_t asks;
};

// Four levels (zero ones add +0.0 to both sums and count as asks nowhere: the caller counts
// bids as n - asks) added in order.
[[gnu::always_inline]] RTC_LV_AVX512 inline void add_four(__m512i l01, __m512i l23, Step& s) {
  const Consts& k = consts();
  const __m512i lo = _mm512_permutex2var_epi64(l01, _mm512_load_si512(k.low_words), l23);
  const __m512i hi = _mm512_permutex2var_epi64(l01, _mm512_load_si512(k.high_words), l23);
  s.range = _mm512_or_si512(s.range, _mm512_add_epi64(hi, _mm512_load_si512(k.range_bias)));
  // Sign bits: the prices' are the asks (a quantity with one is refused anyway).
  s.asks += static_cast<std::uint64_t>(__builtin_popcount(_mm512_movepi64_mask(hi)));
  // x = a·2^52 + b with a = x >> 52 (|a| < 2^51 in range) and b its low 52 bits: both
  // convert exactly, and the one rounding of the fused a·2^52 + b is the rounding of x, as
  // in int128_to_double.
  const __m512i a = _mm512_or_si512(_mm512_slli_epi64(hi, 12), _mm512_srli_epi64(lo, 52));
  const __m512d b = _mm512_cvtepu64_pd(_mm512_and_si512(lo, _mm512_set1_epi64(k.low52)));
  const __m512d x = _mm512_fmadd_pd(_mm512_cvtepi64_pd(a), _mm512_set1_pd(k.two52), b);
  // Signed price × quantity × 1e-36; per level [max(-v, 0), max(v, 0)] onto [ask, bid].
  const __m256d v =
      _mm256_mul_pd(_mm256_mul_pd(_mm512_castpd512_pd256(x), _mm512_extractf64x4_pd(x, 1)),
                    _mm256_set1_pd(k.scale));
  const __m256d nv = _mm256_xor_pd(v, _mm256_set1_pd(k.sign));
  const __m256d zero = _mm256_setzero_pd();
  const __m256d even = _mm256_max_pd(_mm256_unpacklo_pd(nv, v), zero);  // levels 0, 2
  const __m256d odd = _mm256_max_pd(_mm256_unpackhi_pd(nv, v), zero);   // levels 1, 3
  s.acc = _mm_add_pd(s.acc, _mm256_castpd256_pd128(even));
  s.acc = _mm_add_pd(s.acc, _mm256_castpd256_pd128(odd));
  s.acc = _mm_add_pd(s.acc, _mm256_extractf128_pd(even, 1));
  s.acc = _mm_add_pd(s.acc, _mm256_extractf128_pd(odd, 1));
}

// Adds n > 0 levels to s; false where a value is out of range (then s.acc and s.asks are
// not to be used).
[[gnu::always_inline]] RTC_LV_AVX512 inline bool avx512_sums(const PackedLevel* p, std::size_t n,
                                                             Step& s) {
  const PackedLevel* const end = p + n;
  while (end - p > 4) {
    add_four(_mm512_loadu_si512(p), _mm512_loadu_si512(p + 2), s);
    p += 4;
  }
  // The last 1-4 levels, the rest read as zeros (and never touched).
  const Consts& k = consts();
  const std::ptrdiff_t left = end - p;
  const char* const at = reinterpret_cast<const char*>(p);
  add_four(_mm512_maskz_loadu_epi64(k.mask01[left], at),
           _mm512_maskz_loadu_epi64(k.mask23[left], at + 64), s);
  return _mm512_test_epi64_mask(s.range, _mm512_load_si512(consts().out_of_range)) == 0;
}

}  // namespace

RTC_LV_AVX512 std::uint64_t add_level_values_avx512(std::span<const PackedLevel> levels,
                                                    double& ask, double& bid) {
  if (levels.empty()) return 0;
  Step s{_mm_set_pd(bid, ask), _mm512_setzero_si512(), 0};
  if (!avx512_sums(levels.data(), levels.size(), s)) return kLevelValuesRefused;
  ask = _mm_cvtsd_f64(s.acc);
  bid = _mm_cvtsd_f64(_mm_unpackhi_pd(s.acc, s.acc));
  return s.asks;
}

static_assert(offsetof(LevelSums, bid) == offsetof(LevelSums, ask) + sizeof(double));

RTC_LV_AVX512 void add_level_values_counted_avx512(const PackedLevel* levels, std::size_t n,
                                                   LevelSums& sums) {
  if (n == 0) return;
  Step s{_mm_loadu_pd(&sums.ask), _mm512_setzero_si512(), 0};
  if (!avx512_sums(levels, n, s)) [[unlikely]] {
    add_level_values_counted_scalar(levels, n, sums);  // a tail call
    return;
  }
  _mm_storeu_pd(&sums.ask, s.acc);
  sums.asks += s.asks;
  sums.bids += n - s.asks;
}

bool level_values_avx512_usable() {
  __builtin_cpu_init();
  return level_values_avx2_usable() && __builtin_cpu_supports("avx512f") &&
         __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") &&
         __builtin_cpu_supports("popcnt");
}

#else

bool level_values_avx512_usable() {
  return false;
}

std::uint64_t add_level_values_avx512(std::span<const PackedLevel>, double&, double&) {
  return kLevelValuesRefused;
}

void add_level_values_counted_avx512(const PackedLevel* levels, std::size_t n, LevelSums& sums) {
  add_level_values_counted_scalar(levels, n, sums);
}

#endif

}  // namespace rtcrypto
