// The AVX-512 apply (see apply_avx2.hpp): apply_avx2.cpp's loop with the compares and moves
// in 512-bit vectors, half the instructions of the moves (measured ~10% off the book's
// time natively). Only functions marked RTC_BOOK_AVX512 use AVX-512 (no file-wide flags:
// inline library code compiled here must stay baseline). The loop is apply_loop.hpp's,
// which explains the method.

#include "apply_avx2.hpp"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#define RTC_BOOK_AVX512 __attribute__((target("avx512f,avx512vl,avx2,popcnt")))

namespace rtcrypto::book_detail {
#if defined(__x86_64__)
namespace {

RTC_BOOK_AVX512 inline __m512i load(const void* p) {
  return _mm512_loadu_si512(p);
}
RTC_BOOK_AVX512 inline void store(void* p, __m512i v) {
  _mm512_storeu_si512(p, v);
}

// Which of the 16 keys at k are below the key in every lane of kv (bit j: key j).
RTC_BOOK_AVX512 inline unsigned below16_avx512(__m512i kv, const BookSide::Key* k) {
  return static_cast<unsigned>(_mm512_cmpgt_epi64_mask(kv, load(k))) |
         static_cast<unsigned>(_mm512_cmpgt_epi64_mask(kv, load(k + 8))) << 8;
}

// Moves 16 levels (two a vector) and their keys from index `from` to index `to`: all loaded
// before any is stored, so the ranges may overlap either way.
[[gnu::always_inline]] RTC_BOOK_AVX512 inline void move16_avx512(BookLevel* lv, BookSide::Key* ks,
                                                                 std::size_t to, std::size_t from) {
  static_assert(sizeof(BookLevel) == 32);
  const BookLevel* f = lv + from;
  BookLevel* t = lv + to;
  const __m512i k0 = load(ks + from), k1 = load(ks + from + 8);
  store(ks + to, k0), store(ks + to + 8, k1);
  const __m512i a0 = load(f), a1 = load(f + 2), a2 = load(f + 4), a3 = load(f + 6);
  const __m512i a4 = load(f + 8), a5 = load(f + 10), a6 = load(f + 12), a7 = load(f + 14);
  store(t, a0), store(t + 2, a1), store(t + 4, a2), store(t + 6, a3);
  store(t + 8, a4), store(t + 10, a5), store(t + 12, a6), store(t + 14, a7);
}

struct Avx512 {
  [[gnu::always_inline]] RTC_BOOK_AVX512 static unsigned below16(std::int64_t key,
                                                                 const BookSide::Key* top) {
    return below16_avx512(_mm512_set1_epi64(key), top);
  }
  [[gnu::always_inline]] RTC_BOOK_AVX512 static void move16(BookLevel* lv, BookSide::Key* ks,
                                                            std::size_t to, std::size_t from) {
    move16_avx512(lv, ks, to, from);
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
