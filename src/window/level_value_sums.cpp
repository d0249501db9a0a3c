#include "rtcrypto/window/level_value_sums.hpp"

#include "rtcrypto/window/window_aggregator.hpp"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define RTC_LEVEL_VALUES_AVX2 1
// Only the functions marked so use AVX2 (no file-wide -mavx2: the binary runs anywhere).
#define RTC_AVX2_FN __attribute__((target("avx2")))
#endif

namespace rtcrypto {

void add_level_values_scalar(std::span<const PackedLevel> levels, LevelValueSums& sums) {
  for (const PackedLevel& l : levels) {
    // As WindowAggregator::add(LevelChange) computes it.
    const double v = int128_to_double(l.price().raw()) * int128_to_double(l.quantity) * 1e-36;
    if (l.side() == Side::Ask) {
      sums.ask += v;
      ++sums.asks;
    } else {
      sums.bid += v;
    }
  }
}

#if defined(RTC_LEVEL_VALUES_AVX2)

namespace {

// Two levels (each 32 bytes: price low, price high, quantity low, quantity high) as the
// doubles int128_to_double gives, lanes [price0, price1, quantity0, quantity1] (prices
// signed). `range` collects what shows whether every number was below 2^104 in magnitude.
// The kernel's constants, read from memory (built in registers they cost more per batch
// than the work of a short one).
struct alignas(32) Consts {
  std::int64_t range_bias[4];    // 2^40
  std::int64_t low53[4];         // 2^53 - 1
  double a_magic[4];             // 1.5·2^52
  double two52[4];               // 2^52
  double two84[4];               // 2^84
  double b_bias[4];              // 2^84 + 2^52
  double two53[4];               // 2^53
  double sign[2];                // -0.0
  double scale[2];               // 1e-36
  std::int64_t out_of_range[4];  // bits 41 and up
};
constexpr std::int64_t kBias = std::int64_t{1} << 40, kLow53 = (std::int64_t{1} << 53) - 1,
                       kOut = ~((std::int64_t{1} << 41) - 1);
constexpr Consts kConsts = {{kBias, kBias, kBias, kBias},
                            {kLow53, kLow53, kLow53, kLow53},
                            {0x1.8p52, 0x1.8p52, 0x1.8p52, 0x1.8p52},
                            {0x1p52, 0x1p52, 0x1p52, 0x1p52},
                            {0x1p84, 0x1p84, 0x1p84, 0x1p84},
                            {0x1p84 + 0x1p52, 0x1p84 + 0x1p52, 0x1p84 + 0x1p52, 0x1p84 + 0x1p52},
                            {0x1p53, 0x1p53, 0x1p53, 0x1p53},
                            {-0.0, -0.0},
                            {1e-36, 1e-36},
                            {kOut, kOut, kOut, kOut}};

RTC_AVX2_FN inline __m256i ivec(const std::int64_t (&v)[4]) {
  return _mm256_load_si256(reinterpret_cast<const __m256i*>(v));
}
RTC_AVX2_FN inline __m256d dvec(const double (&v)[4]) {
  return _mm256_load_pd(v);
}

// Two levels (each 32 bytes: price low, price high, quantity low, quantity high) as the
// doubles int128_to_double gives, lanes [price0, price1, quantity0, quantity1] (prices
// signed). `range` collects what shows whether every number was below 2^104 in magnitude.
RTC_AVX2_FN inline __m256d level_doubles(const Consts& k, __m256i l0, __m256i l1, __m256i& range) {
  const __m256i lo = _mm256_unpacklo_epi64(l0, l1);
  const __m256i hi = _mm256_unpackhi_epi64(l0, l1);
  // hi + 2^40 < 2^41 (unsigned) for every number iff |x| < 2^104: OR them, test once.
  range = _mm256_or_si256(range, _mm256_add_epi64(hi, ivec(k.range_bias)));
  // x = a·2^53 + b with a = x >> 53 (|a| < 2^51) and b its low 53 bits: both exact doubles,
  // so the one rounding of a·2^53 + b is the rounding of x (as in int128_to_double).
  const __m256i a = _mm256_or_si256(_mm256_slli_epi64(hi, 11), _mm256_srli_epi64(lo, 53));
  const __m256i b = _mm256_and_si256(lo, ivec(k.low53));
  // a: 1.5·2^52 + a stays in [2^52, 2^53), where the mantissa's units are ones.
  const __m256d ka = dvec(k.a_magic);
  const __m256d ad =
      _mm256_sub_pd(_mm256_castsi256_pd(_mm256_add_epi64(a, _mm256_castpd_si256(ka))), ka);
  // b: its low 32 bits under 2^52's exponent, its high 21 under 2^84's; both exact.
  const __m256i blo = _mm256_blend_epi32(b, _mm256_castpd_si256(dvec(k.two52)), 0xAA);
  const __m256i bhi = _mm256_or_si256(_mm256_srli_epi64(b, 32), _mm256_castpd_si256(dvec(k.two84)));
  const __m256d bd = _mm256_add_pd(_mm256_sub_pd(_mm256_castsi256_pd(bhi), dvec(k.b_bias)),
                                   _mm256_castsi256_pd(blo));
  return _mm256_add_pd(_mm256_mul_pd(ad, dvec(k.two53)), bd);
}

RTC_AVX2_FN inline __m256i load_level(const PackedLevel* l) {
  return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(l));
}

RTC_AVX2_FN bool add_avx2(const PackedLevel* p, std::size_t n, LevelValueSums& sums) {
  if (n == 0) return true;
  const Consts* kp = &kConsts;
  asm("" : "+r"(kp));  // keeps the constants in memory (see Consts)
  const Consts& k = *kp;
  __m128d acc = _mm_set_pd(sums.bid, sums.ask);  // lanes [ask, bid]
  __m128i asks = _mm_setzero_si128();            // ask levels, per lane
  __m256i range = _mm256_setzero_si256();
  const PackedLevel* const end = p + n;
  do {
    // An odd last level is paired with a zero one: price 0, a bid adding +0.0.
    const __m256i l1 = p + 1 < end ? load_level(p + 1) : _mm256_setzero_si256();
    const __m256d x = level_doubles(k, load_level(p), l1, range);
    const __m128d price = _mm256_castpd256_pd128(x);
    const __m128d quantity = _mm256_extractf128_pd(x, 1);
    const __m128d ask = _mm_cmplt_pd(price, _mm_setzero_pd());  // the side is the price's sign
    const __m128d v = _mm_mul_pd(_mm_mul_pd(_mm_andnot_pd(_mm_load_pd(k.sign), price), quantity),
                                 _mm_load_pd(k.scale));
    // Each term goes to its side; the other side gets +0.0, which leaves a sum as it was (a
    // sum is never -0.0: it starts at +0.0 and no term is -0.0). In order: level 0, level 1.
    const __m128d va = _mm_and_pd(v, ask), vb = _mm_andnot_pd(ask, v);
    acc = _mm_add_pd(acc, _mm_unpacklo_pd(va, vb));
    acc = _mm_add_pd(acc, _mm_unpackhi_pd(va, vb));
    asks = _mm_sub_epi64(asks, _mm_castpd_si128(ask));  // an ask's mask is -1
    p += 2;
  } while (p < end);
  if (!_mm256_testz_si256(range, ivec(k.out_of_range))) return false;
  sums.ask = _mm_cvtsd_f64(acc);
  sums.bid = _mm_cvtsd_f64(_mm_unpackhi_pd(acc, acc));
  sums.asks += static_cast<std::uint64_t>(_mm_cvtsi128_si64(asks)) +
               static_cast<std::uint64_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(asks, asks)));
  return true;
}

}  // namespace

bool level_values_avx2_usable() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2");
}

bool add_level_values_avx2(std::span<const PackedLevel> levels, LevelValueSums& sums) {
  return add_avx2(levels.data(), levels.size(), sums);
}

#else

bool level_values_avx2_usable() {
  return false;
}

bool add_level_values_avx2(std::span<const PackedLevel>, LevelValueSums&) {
  return false;
}

#endif

const bool kLevelValuesAvx2 = level_values_avx2_usable();

}  // namespace rtcrypto
