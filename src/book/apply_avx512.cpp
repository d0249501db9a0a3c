// The AVX-512 apply (see apply_avx2.hpp): apply_avx2.cpp's loop with the key compares in
// 512-bit vectors and the top keys rebuilt in registers (store_keys). The levels move one
// 256-bit vector each, as in AVX2: moving two a vector made a later load of a pair straddle
// two earlier stores. Only functions marked RTC_BOOK_AVX512 use AVX-512 (no file-wide flags:
// inline library code compiled here must stay baseline). The loop is apply_loop.hpp's,
// which explains the method.

#include "apply_avx2.hpp"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "avx2_load_store.hpp"

#define RTC_BOOK_AVX512 __attribute__((target("avx512f,avx512vl,avx2,popcnt")))

namespace rtcrypto::book_detail {
#if defined(__x86_64__)
namespace {

RTC_BOOK_AVX512 inline __m512i load512(const void* p) {
  return _mm512_loadu_si512(p);
}
RTC_BOOK_AVX512 inline void store512(void* p, __m512i v) {
  _mm512_storeu_si512(p, v);
}

// Moves 16 levels from index `from` to index `to` (avx2_load_store.hpp).
[[gnu::always_inline]] RTC_BOOK_AVX512 inline void move16_levels(BookLevel* lv, std::size_t to,
                                                                 std::size_t from) {
  static_assert(sizeof(BookLevel) == 32);
  move16_items32(lv + from, lv + to);
}

struct Avx512 {
  struct Window {
    __m512i lo, hi;  // keys n-16..n-9, n-8..n-1
  };
  [[gnu::always_inline]] RTC_BOOK_AVX512 static Window load_top(const BookSide::Key* top) {
    return {load512(top), load512(top + 8)};
  }
  [[gnu::always_inline]] RTC_BOOK_AVX512 static unsigned below16(std::int64_t key,
                                                                 const Window& w) {
    const __m512i kv = _mm512_set1_epi64(key);
    return static_cast<unsigned>(_mm512_cmpgt_epi64_mask(kv, w.lo)) |
           static_cast<unsigned>(_mm512_cmpgt_epi64_mask(kv, w.hi)) << 8;
  }
  [[gnu::always_inline]] RTC_BOOK_AVX512 static unsigned equal16(std::int64_t key,
                                                                 const Window& w) {
    const __m512i kv = _mm512_set1_epi64(key);
    return static_cast<unsigned>(_mm512_cmpeq_epi64_mask(kv, w.lo)) |
           static_cast<unsigned>(_mm512_cmpeq_epi64_mask(kv, w.hi));
  }
  [[gnu::always_inline]] RTC_BOOK_AVX512 static void move16(BookLevel* lv, BookSide::Key*,
                                                            std::size_t to, std::size_t from) {
    move16_levels(lv, to, from);
  }
  [[gnu::always_inline]] RTC_BOOK_AVX512 static void move8(BookLevel* lv, BookSide::Key*,
                                                           std::size_t to, std::size_t from) {
    move8_items32(lv + from, lv + to);
  }
  // The top 16 keys after the change, built in registers from the window and stored where
  // the next change's load_top reads them (the size's new top 16): that load then matches
  // the stores exactly, where a move of the keys from the key's position made it straddle
  // two stores and wait (measured: the hottest instruction of the kernel). New key j:
  // window key j + s below position t, else j (s: +1 insert, -1 erase, 0 else); the key
  // itself at r-1 for an insert; key n-17 (a scalar load, no recent store) at 0 for an
  // erase.
  [[gnu::always_inline]] RTC_BOOK_AVX512 static void store_keys(BookSide::Key* ks, std::size_t n,
                                                                const Window& w, std::int64_t key,
                                                                std::size_t r, std::size_t insert,
                                                                std::size_t erase, std::size_t) {
    const auto s = static_cast<std::int64_t>(insert - erase);
    const auto t = static_cast<std::int64_t>(r - 1 + 2 * erase);
    const __m512i iota_lo = _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0);
    const __m512i iota_hi = _mm512_set_epi64(15, 14, 13, 12, 11, 10, 9, 8);
    const __m512i tv = _mm512_set1_epi64(t), sv = _mm512_set1_epi64(s);
    const __m512i idx_lo =
        _mm512_mask_add_epi64(iota_lo, _mm512_cmplt_epi64_mask(iota_lo, tv), iota_lo, sv);
    const __m512i idx_hi =
        _mm512_mask_add_epi64(iota_hi, _mm512_cmplt_epi64_mask(iota_hi, tv), iota_hi, sv);
    __m512i lo = _mm512_permutex2var_epi64(w.lo, idx_lo, w.hi);
    __m512i hi = _mm512_permutex2var_epi64(w.lo, idx_hi, w.hi);
    const auto at_key = static_cast<unsigned>(insert << (r - 1));
    const __m512i kv = _mm512_set1_epi64(key);
    lo = _mm512_mask_mov_epi64(lo, static_cast<__mmask8>(at_key), kv);
    hi = _mm512_mask_mov_epi64(hi, static_cast<__mmask8>(at_key >> 8), kv);
    lo = _mm512_mask_set1_epi64(lo, static_cast<__mmask8>(erase), ks[n - 17]);
    BookSide::Key* const top = ks + (n - 16 + static_cast<std::size_t>(s));
    store512(top, lo), store512(top + 8, hi);
  }
};

}  // namespace
}  // namespace rtcrypto::book_detail

#pragma GCC push_options
#pragma GCC target("avx512f,avx512vl,avx2,popcnt")
#include "apply_loop.hpp"
#pragma GCC pop_options

namespace rtcrypto::book_detail {

bool apply_avx512_usable() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
         __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt");
}

RTC_BOOK_AVX512 void apply_avx512(BookSide& bids, BookSide& asks, const PackedLevel* first,
                                  std::size_t count) {
  apply_loop<Avx512>(bids, asks, first, count);
}

#else
bool apply_avx512_usable() {
  return false;
}
void apply_avx512(BookSide&, BookSide&, const PackedLevel*, std::size_t) {}
#endif
}  // namespace rtcrypto::book_detail
