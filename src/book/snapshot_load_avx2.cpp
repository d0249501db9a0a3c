// The AVX2 snapshot loader (see snapshot_load.hpp). Only functions marked RTC_BOOK_AVX2 use
// AVX2 (no file-wide -mavx2: inline library code compiled here must stay baseline). Four
// levels a step: their halves gathered into vectors (low and high halves of the signed
// prices and of the quantities) for the keys and the checks, the levels stored whole
// (bids) or rebuilt with negated prices (asks).
#include "snapshot_load.hpp"

#include <limits>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "avx2_load_store.hpp"

#define RTC_BOOK_AVX2 __attribute__((target("avx2,prfchw")))

namespace rtcrypto::book_detail {
#if defined(__x86_64__)
bool snapshot_avx2_usable() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2");
}

// The line `bytes` from p (by address: it may lie outside the storage) fetched for writing.
RTC_BOOK_AVX2 inline void prefetch_for_write(const void* p, std::ptrdiff_t bytes) {
  __builtin_prefetch(reinterpret_cast<const void*>(reinterpret_cast<std::uintptr_t>(p) + bytes), 1);
}

RTC_BOOK_AVX2 RunLoad load_clean_run_avx2(BookLevel* out, std::int64_t* out_keys,
                                          const PackedLevel* first, std::size_t n, bool ask) {
  static_assert(sizeof(PackedLevel) == 32 && sizeof(BookLevel) == 32);
  const __m256i zero = _mm256_setzero_si256();
  const __m256i one = _mm256_set1_epi64x(1);
  const __m256i range_bias = _mm256_set1_epi64x(std::int64_t{1} << 28);
  // Gathered over the run: any key out of range (high half beyond +-2^28), any quantity
  // high half with the sign bit, any zero quantity, keys strictly descending (in the
  // run's order, best first).
  __m256i out_of_range = zero, q_high_or = zero, q_zero = zero;
  __m256i descending = _mm256_set1_epi64x(-1);
  // The previous step's keys rotated ([k3, k0, k1, k2]): its k3 precedes this step's k0.
  __m256i prev_rot = _mm256_set1_epi64x(std::numeric_limits<std::int64_t>::max());
  std::size_t s = 0;
  for (; s + 4 <= n; s += 4) {
    const __m256i l0 = load(first + s), l1 = load(first + s + 1);
    const __m256i l2 = load(first + s + 2), l3 = load(first + s + 3);
    const __m256i a = _mm256_unpacklo_epi64(l0, l1);  // price lo 0, 1 | quantity lo 0, 1
    const __m256i b = _mm256_unpackhi_epi64(l0, l1);  // price hi 0, 1 | quantity hi 0, 1
    const __m256i c = _mm256_unpacklo_epi64(l2, l3);
    const __m256i d = _mm256_unpackhi_epi64(l2, l3);
    const __m256i lo = _mm256_permute2x128_si256(a, c, 0x20);
    const __m256i hi = _mm256_permute2x128_si256(b, d, 0x20);
    const __m256i q_lo = _mm256_permute2x128_si256(a, c, 0x31);
    const __m256i q_hi = _mm256_permute2x128_si256(b, d, 0x31);
    const __m256i key = _mm256_or_si256(_mm256_srli_epi64(lo, 29), _mm256_slli_epi64(hi, 35));
    out_of_range =
        _mm256_or_si256(out_of_range, _mm256_srli_epi64(_mm256_add_epi64(hi, range_bias), 29));
    q_high_or = _mm256_or_si256(q_high_or, q_hi);
    q_zero = _mm256_or_si256(q_zero, _mm256_cmpeq_epi64(_mm256_or_si256(q_lo, q_hi), zero));
    const __m256i rot = _mm256_permute4x64_epi64(key, _MM_SHUFFLE(2, 1, 0, 3));
    const __m256i before = _mm256_blend_epi32(rot, prev_rot, 0x03);
    descending = _mm256_and_si256(descending, _mm256_cmpgt_epi64(before, key));
    prev_rot = rot;
    // Run levels s..s+3 go to n-1-s down to n-4-s.
    const std::size_t at = n - 4 - s;
    // The output runs down through memory, which the hardware prefetch serves poorly: the
    // lines 16 levels (and 32 keys) ahead are fetched for writing. Never faults; a CPU
    // without PREFETCHW runs it as a NOP.
    prefetch_for_write(out + at, -16 * 32);
    prefetch_for_write(out + at, -14 * 32);
    prefetch_for_write(out_keys + at, -32 * 8);
    store(out_keys + at, _mm256_permute4x64_epi64(key, _MM_SHUFFLE(0, 1, 2, 3)));
    BookLevel* const o = out + at;
    if (!ask) {
      store(o + 3, l0), store(o + 2, l1), store(o + 1, l2), store(o, l3);
    } else {
      // -price: low -lo, high -hi - (lo != 0).
      const __m256i n_lo = _mm256_sub_epi64(zero, lo);
      const __m256i n_hi = _mm256_sub_epi64(_mm256_sub_epi64(zero, hi),
                                            _mm256_add_epi64(_mm256_cmpeq_epi64(lo, zero), one));
      const __m256i p02 = _mm256_unpacklo_epi64(n_lo, n_hi);  // price 0 | price 2
      const __m256i p13 = _mm256_unpackhi_epi64(n_lo, n_hi);  // price 1 | price 3
      const __m256i q02 = _mm256_unpacklo_epi64(q_lo, q_hi);
      const __m256i q13 = _mm256_unpackhi_epi64(q_lo, q_hi);
      store(o + 3, _mm256_permute2x128_si256(p02, q02, 0x20));
      store(o + 2, _mm256_permute2x128_si256(p13, q13, 0x20));
      store(o + 1, _mm256_permute2x128_si256(p02, q02, 0x31));
      store(o, _mm256_permute2x128_si256(p13, q13, 0x31));
    }
  }
  // The last n % 4 levels one by one, continuing the checks.
  std::int64_t prev = s ? out_keys[n - s] : std::numeric_limits<std::int64_t>::max();
  bool in_range = true, positive = true, ordered = true;
  for (; s < n; ++s) {
    const PackedLevel& l = first[s];
    const auto lo = static_cast<std::uint64_t>(l.signed_price);
    const auto hi = static_cast<std::uint64_t>(l.signed_price >> 64);
    const auto key = static_cast<std::int64_t>((lo >> 29) | (hi << 35));
    in_range &= ((hi + (std::uint64_t{1} << 28)) >> 29) == 0;
    ordered &= prev > key;
    positive &= l.quantity > 0;
    prev = key;
    out[n - 1 - s] = BookLevel{Decimal::from_raw(ask ? -l.signed_price : l.signed_price),
                               Decimal::from_raw(l.quantity)};
    out_keys[n - 1 - s] = key;
  }
  positive &= _mm256_movemask_pd(_mm256_castsi256_pd(q_high_or)) == 0;
  positive &= _mm256_testz_si256(q_zero, q_zero);
  if (!positive || n == 0) return RunLoad::Flawed;
  in_range &= _mm256_testz_si256(out_of_range, out_of_range);
  if (!in_range) return RunLoad::KeysOutOfRange;
  ordered &= _mm256_movemask_pd(_mm256_castsi256_pd(descending)) == 0xF;
  // Keys ascend (in the side's order) with the signed price and keep its sign: the ends
  // tell the side.
  ordered &= ask ? out_keys[n - 1] < 0 : out_keys[0] >= 0;
  return ordered ? RunLoad::Clean : RunLoad::Flawed;
}

namespace {
// A level's signed price (asks negated), as search_key takes it, in 64-bit halves.
inline Decimal::Rep signed_price(const BookLevel& l, bool ask) {
  return ask ? -l.price.raw() : l.price.raw();
}
// The search key of a signed price (order_book.cpp's search_key): saturated beyond the
// range.
inline std::int64_t saturated_key(Decimal::Rep sp) {
  const auto lo = static_cast<std::uint64_t>(sp);
  const auto hi = static_cast<std::uint64_t>(sp >> 64);
  if (((hi + (std::uint64_t{1} << 28)) >> 29) == 0)
    return static_cast<std::int64_t>((lo >> 29) | (hi << 35));
  return sp < 0 ? -std::numeric_limits<std::int64_t>::max()
                : std::numeric_limits<std::int64_t>::max();
}
}  // namespace

RTC_BOOK_AVX2 bool fix_keys_avx2(const BookLevel* out, std::int64_t* out_keys, std::size_t n,
                                 bool ask) {
  const __m256i zero = _mm256_setzero_si256();
  const __m256i one = _mm256_set1_epi64x(1);
  const __m256i range_bias = _mm256_set1_epi64x(std::int64_t{1} << 28);
  const __m256i k_max = _mm256_set1_epi64x(std::numeric_limits<std::int64_t>::max());
  const __m256i side = _mm256_set1_epi64x(ask ? -1 : 0);  // asks: the prices negated
  // The previous step's keys rotated ([k3, k0, k1, k2]): its k3 precedes this step's k0.
  __m256i prev_rot = _mm256_set1_epi64x(std::numeric_limits<std::int64_t>::min());
  std::size_t k = 0;
  for (; k + 4 <= n; k += 4) {
    const __m256i l0 = load(out + k), l1 = load(out + k + 1);
    const __m256i l2 = load(out + k + 2), l3 = load(out + k + 3);
    const __m256i lo = _mm256_permute2x128_si256(_mm256_unpacklo_epi64(l0, l1),
                                                 _mm256_unpacklo_epi64(l2, l3), 0x20);
    const __m256i hi = _mm256_permute2x128_si256(_mm256_unpackhi_epi64(l0, l1),
                                                 _mm256_unpackhi_epi64(l2, l3), 0x20);
    // Signed: (x ^ side) - side in halves; the high half takes the carry where lo is 0.
    const __m256i s_lo = _mm256_sub_epi64(_mm256_xor_si256(lo, side), side);
    const __m256i s_hi = _mm256_add_epi64(
        _mm256_xor_si256(hi, side),
        _mm256_and_si256(side, _mm256_and_si256(_mm256_cmpeq_epi64(lo, zero), one)));
    const __m256i in_range =
        _mm256_cmpeq_epi64(_mm256_srli_epi64(_mm256_add_epi64(s_hi, range_bias), 29), zero);
    const __m256i negative = _mm256_cmpgt_epi64(zero, s_hi);
    const __m256i saturated = _mm256_sub_epi64(_mm256_xor_si256(k_max, negative), negative);
    const __m256i key = _mm256_blendv_epi8(
        saturated, _mm256_or_si256(_mm256_srli_epi64(s_lo, 29), _mm256_slli_epi64(s_hi, 35)),
        in_range);
    store(out_keys + k, key);
    const __m256i rot = _mm256_permute4x64_epi64(key, _MM_SHUFFLE(2, 1, 0, 3));
    const __m256i before = _mm256_blend_epi32(rot, prev_rot, 0x03);
    prev_rot = rot;
    const int ascending = _mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpgt_epi64(key, before)));
    if (ascending != 0xF) [[unlikely]] {  // a key tie (or disorder): decided by price
      for (std::size_t j = (k == 0 ? 1 : k); j < k + 4; ++j) {
        if (out_keys[j - 1] < out_keys[j]) continue;
        if (out_keys[j - 1] != out_keys[j] ||
            !(signed_price(out[j - 1], ask) < signed_price(out[j], ask)))
          return false;
      }
    }
  }
  for (; k < n; ++k) {  // the last n % 4 levels
    const Decimal::Rep sp = signed_price(out[k], ask);
    out_keys[k] = saturated_key(sp);
    if (k && out_keys[k - 1] >= out_keys[k] &&
        !(out_keys[k - 1] == out_keys[k] && signed_price(out[k - 1], ask) < sp))
      return false;
  }
  return ask ? out_keys[n - 1] < 0 : out_keys[0] >= 0;
}

#else
bool snapshot_avx2_usable() {
  return false;
}
RunLoad load_clean_run_avx2(BookLevel*, std::int64_t*, const PackedLevel*, std::size_t, bool) {
  return RunLoad::Flawed;
}
bool fix_keys_avx2(const BookLevel*, std::int64_t*, std::size_t, bool) {
  return false;
}
#endif
}  // namespace rtcrypto::book_detail
