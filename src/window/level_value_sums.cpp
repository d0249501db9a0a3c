#include "rtcrypto/window/level_value_sums.hpp"

#include "rtcrypto/window/window_aggregator.hpp"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define RTC_LEVEL_VALUES_AVX2 1
// Only the functions marked so use AVX2 and FMA (no file-wide flags: the binary runs anywhere).
#define RTC_AVX2_FN __attribute__((target("avx2,fma")))
#endif

namespace rtcrypto {

std::uint64_t add_level_values_scalar(std::span<const PackedLevel> levels, double& ask,
                                      double& bid) {
  std::uint64_t asks = 0;
  for (const PackedLevel& l : levels) {
    // As WindowAggregator::add(LevelChange) computes it.
    const double v = int128_to_double(l.price().raw()) * int128_to_double(l.quantity) * 1e-36;
    if (l.side() == Side::Ask) {
      ask += v;
      ++asks;
    } else {
      bid += v;
    }
  }
  return asks;
}

#if defined(RTC_LEVEL_VALUES_AVX2)

namespace {

// The kernel's constants. Read from memory inside the loop (folded into the instructions):
// hoisted into registers they cost more per batch than the work of a one-level batch.
struct alignas(32) Consts {
  // Lanes [price0, price1, quantity0, quantity1] of the high words: prices may be negative
  // (asks), quantities may not (the kernel leaves a negative one to the scalar kernel).
  std::int64_t range_bias[4];    // 2^39 for prices, 0 for quantities
  std::int64_t out_of_range[4];  // bits 40 and up for prices, 39 and up for quantities
  std::int64_t low52[4];         // 2^52 - 1
  std::int64_t two52_bits[4];    // the bits of 2^52
  std::int64_t a_magic[4];       // the bits of 1.5·2^52
  double a_bias[4];              // 1.5·2^52 + 1
  double two52[4];               // 2^52
  double sign[2];                // -0.0
  double scale[2];               // 1e-36
  double sign4[4];               // the same for four levels at once
  double scale4[4];
};
constexpr std::int64_t kP = std::int64_t{1} << 39, kPOut = ~((std::int64_t{1} << 40) - 1),
                       kQOut = ~((std::int64_t{1} << 39) - 1), kLow52 = (std::int64_t{1} << 52) - 1,
                       k52 = 0x4330000000000000, kMagic = 0x4338000000000000;
constexpr double kABias = 0x1.8p52 + 1;
constexpr Consts kConsts = {{kP, kP, 0, 0},
                            {kPOut, kPOut, kQOut, kQOut},
                            {kLow52, kLow52, kLow52, kLow52},
                            {k52, k52, k52, k52},
                            {kMagic, kMagic, kMagic, kMagic},
                            {kABias, kABias, kABias, kABias},
                            {0x1p52, 0x1p52, 0x1p52, 0x1p52},
                            {-0.0, -0.0},
                            {1e-36, 1e-36},
                            {-0.0, -0.0, -0.0, -0.0},
                            {1e-36, 1e-36, 1e-36, 1e-36}};

RTC_AVX2_FN inline __m256i ivec(const std::int64_t (&v)[4]) {
  return _mm256_load_si256(reinterpret_cast<const __m256i*>(v));
}

RTC_AVX2_FN inline __m256i load_level(const PackedLevel* l) {
  return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(l));
}

}  // namespace

namespace {

// Two levels' four numbers as doubles, [price0, price1, quantity0, quantity1] (each level 32
// bytes: price low, price high, quantity low, quantity high); notes their range and signs.
RTC_AVX2_FN [[gnu::always_inline]] inline __m256d convert_pair(__m256i l0, __m256i l1,
                                                               const Consts& k, __m256i& range,
                                                               __m256i& asks) {
  const __m256i lo = _mm256_unpacklo_epi64(l0, l1);  // [price0, price1, qty0, qty1]
  const __m256i hi = _mm256_unpackhi_epi64(l0, l1);
  // In range iff every (hi + bias) is below the lane's limit: OR them, test once.
  range = _mm256_or_si256(range, _mm256_add_epi64(hi, ivec(k.range_bias)));
  asks = _mm256_add_epi64(asks, _mm256_srli_epi64(hi, 63));
  // x = a·2^52 + b, a = x >> 52 (|a| < 2^51 in range), b its low 52 bits. (a - 1)·2^52
  // and 2^52 + b are exact doubles, so the one rounding of their sum (a fused
  // multiply-add: the product is exact) is the rounding of x, as in int128_to_double.
  const __m256i a = _mm256_or_si256(_mm256_slli_epi64(hi, 12), _mm256_srli_epi64(lo, 52));
  const __m256d b =
      _mm256_castsi256_pd(_mm256_or_si256(_mm256_and_si256(lo, ivec(k.low52)), ivec(k.two52_bits)));
  // 1.5·2^52 + a stays in [2^52, 2^53), where the mantissa's units are ones.
  const __m256d a1 = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_add_epi64(a, ivec(k.a_magic))),
                                   _mm256_load_pd(k.a_bias));
  return _mm256_fmadd_pd(a1, _mm256_load_pd(k.two52), b);
}

// Four levels per step while there are four, then two (an odd last one paired with a zero
// level). Price (signed) × quantity × 1e-36 is WindowAggregator::add's |price| × quantity ×
// 1e-36 with the price's sign (rounding is symmetric): > 0 or +0.0 for a bid, < 0 or -0.0
// for an ask. Per level [max(v, 0), max(-v, 0)] is added to [bid, ask]: the term on its
// side, +0.0 on the other (max of two zeros is its second operand, +0.0). Adding +0.0 leaves
// a sum as it was: a sum is never -0.0 (it starts at +0.0 and never gets a -0.0 term). The
// levels are added one after another, in stream order.
RTC_AVX2_FN [[gnu::always_inline]] inline std::uint64_t avx2_sums(const PackedLevel* p,
                                                                  std::size_t n, double& ask,
                                                                  double& bid) {
  const PackedLevel* const end = p + n;
  if (p == end) return 0;
  __m128d acc = _mm_set_pd(ask, bid);     // lanes [bid, ask]
  __m256i asks = _mm256_setzero_si256();  // sign bits of the high words, per lane
  __m256i range = _mm256_setzero_si256();
  while (end - p >= 4) {
    const Consts* kp = &kConsts;
    asm("" : "+r"(kp));  // see Consts
    const Consts& k = *kp;
    const __m256d x01 = convert_pair(load_level(p), load_level(p + 1), k, range, asks);
    const __m256d x23 = convert_pair(load_level(p + 2), load_level(p + 3), k, range, asks);
    const __m256d prices = _mm256_permute2f128_pd(x01, x23, 0x20);  // [p0, p1, p2, p3]
    const __m256d quantities = _mm256_permute2f128_pd(x01, x23, 0x31);
    const __m256d v = _mm256_mul_pd(_mm256_mul_pd(prices, quantities), _mm256_load_pd(k.scale4));
    const __m256d nv = _mm256_xor_pd(v, _mm256_load_pd(k.sign4));
    const __m256d zero = _mm256_setzero_pd();
    const __m256d even = _mm256_max_pd(_mm256_unpacklo_pd(v, nv), zero);  // levels 0, 2
    const __m256d odd = _mm256_max_pd(_mm256_unpackhi_pd(v, nv), zero);   // levels 1, 3
    acc = _mm_add_pd(acc, _mm256_castpd256_pd128(even));
    acc = _mm_add_pd(acc, _mm256_castpd256_pd128(odd));
    acc = _mm_add_pd(acc, _mm256_extractf128_pd(even, 1));
    acc = _mm_add_pd(acc, _mm256_extractf128_pd(odd, 1));
    p += 4;
  }
  while (p < end) {
    const Consts* kp = &kConsts;
    asm("" : "+r"(kp));  // see Consts
    const Consts& k = *kp;
    const __m256i l1 = p + 1 < end ? load_level(p + 1) : _mm256_setzero_si256();
    const __m256d x = convert_pair(load_level(p), l1, k, range, asks);
    const __m128d v = _mm_mul_pd(_mm_mul_pd(_mm256_castpd256_pd128(x), _mm256_extractf128_pd(x, 1)),
                                 _mm_load_pd(k.scale));
    const __m128d nv = _mm_xor_pd(v, _mm_load_pd(k.sign));
    const __m128d zero = _mm_setzero_pd();
    acc = _mm_add_pd(acc, _mm_max_pd(_mm_unpacklo_pd(v, nv), zero));
    acc = _mm_add_pd(acc, _mm_max_pd(_mm_unpackhi_pd(v, nv), zero));
    p += 2;
  }
  if (!_mm256_testz_si256(range, ivec(kConsts.out_of_range))) return kLevelValuesRefused;
  bid = _mm_cvtsd_f64(acc);
  ask = _mm_cvtsd_f64(_mm_unpackhi_pd(acc, acc));
  // Only prices can carry a sign bit here (quantities are in range, so not negative).
  const __m128i na = _mm_add_epi64(_mm256_castsi256_si128(asks), _mm256_extracti128_si256(asks, 1));
  return static_cast<std::uint64_t>(_mm_cvtsi128_si64(na)) +
         static_cast<std::uint64_t>(_mm_extract_epi64(na, 1));
}

}  // namespace

RTC_AVX2_FN std::uint64_t add_level_values_avx2(std::span<const PackedLevel> levels, double& ask,
                                                double& bid) {
  return avx2_sums(levels.data(), levels.size(), ask, bid);
}

RTC_AVX2_FN void add_level_values_counted_avx2(const PackedLevel* levels, std::size_t n,
                                               LevelSums& sums) {
  const std::uint64_t a = avx2_sums(levels, n, sums.ask, sums.bid);
  if (a == kLevelValuesRefused) [[unlikely]] {
    // A tail call: no call returns here, so nothing is kept in saved registers.
    add_level_values_counted_scalar(levels, n, sums);
    return;
  }
  sums.asks += a;
  sums.bids += n - a;
}

bool level_values_avx2_usable() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

#else

bool level_values_avx2_usable() {
  return false;
}

std::uint64_t add_level_values_avx2(std::span<const PackedLevel>, double&, double&) {
  return kLevelValuesRefused;
}

void add_level_values_counted_avx2(const PackedLevel* levels, std::size_t n, LevelSums& sums) {
  add_level_values_counted_scalar(levels, n, sums);
}

#endif

const bool kLevelValuesAvx2 = level_values_avx2_usable();

[[gnu::noinline]] void add_level_values_counted_scalar(const PackedLevel* levels, std::size_t n,
                                                       LevelSums& sums) {
  const std::uint64_t a = add_level_values_scalar({levels, n}, sums.ask, sums.bid);
  sums.asks += a;
  sums.bids += n - a;
}

const AddLevelValuesCounted kAddLevelValuesCounted =
    level_values_avx512_usable() ? &add_level_values_counted_avx512
    : level_values_avx2_usable() ? &add_level_values_counted_avx2
                                 : &add_level_values_counted_scalar;

}  // namespace rtcrypto
