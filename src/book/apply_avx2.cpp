// The AVX2 apply (see apply_avx2.hpp; the method in apply_loop.hpp). Only code marked
// RTC_BOOK_AVX2 or inside the target pragma uses AVX2 (no file-wide -mavx2: inline library
// code compiled here must stay baseline).
#include "apply_avx2.hpp"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "avx2_load_store.hpp"

#define RTC_BOOK_AVX2 __attribute__((target("avx2,popcnt")))

namespace rtcrypto::book_detail {
#if defined(__x86_64__)
namespace {

// Which of the 4 keys in k are below the key in every lane of kv (bit j: key j).
RTC_BOOK_AVX2 inline unsigned below(__m256i kv, __m256i k) {
  return static_cast<unsigned>(_mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpgt_epi64(kv, k))));
}

// Moves 16 levels and their keys from index `from` to index `to`: all loaded before any is
// stored, so the ranges may overlap either way.
[[gnu::always_inline]] RTC_BOOK_AVX2 inline void move16_avx2(BookLevel* lv, BookSide::Key* ks,
                                                             std::size_t to, std::size_t from) {
  static_assert(sizeof(BookLevel) == 32);
  // The keys first, stored before the levels are loaded: 16 vectors live at most (AVX2's
  // register count), none spilled.
  const __m256i k0 = load(ks + from), k1 = load(ks + from + 4);
  const __m256i k2 = load(ks + from + 8), k3 = load(ks + from + 12);
  store(ks + to, k0), store(ks + to + 4, k1), store(ks + to + 8, k2), store(ks + to + 12, k3);
  move16_items32(lv + from, lv + to);
}

struct Avx2 {
  struct Window {
    __m256i k[4];
  };
  [[gnu::always_inline]] RTC_BOOK_AVX2 static Window load_top(const BookSide::Key* top) {
    return {{load(top), load(top + 4), load(top + 8), load(top + 12)}};
  }
  [[gnu::always_inline]] RTC_BOOK_AVX2 static unsigned below16(std::int64_t key, const Window& w) {
    const __m256i kv = _mm256_set1_epi64x(key);
    return below(kv, w.k[0]) | below(kv, w.k[1]) << 4 | below(kv, w.k[2]) << 8 |
           below(kv, w.k[3]) << 12;
  }
  [[gnu::always_inline]] RTC_BOOK_AVX2 static unsigned equal16(std::int64_t key, const Window& w) {
    const __m256i kv = _mm256_set1_epi64x(key);
    const __m256i eq = _mm256_or_si256(
        _mm256_or_si256(_mm256_cmpeq_epi64(kv, w.k[0]), _mm256_cmpeq_epi64(kv, w.k[1])),
        _mm256_or_si256(_mm256_cmpeq_epi64(kv, w.k[2]), _mm256_cmpeq_epi64(kv, w.k[3])));
    return static_cast<unsigned>(!_mm256_testz_si256(eq, eq));
  }
  // The keys moved with the levels (move16): only the key of the written slot is left.
  [[gnu::always_inline]] static void store_keys(BookSide::Key* ks, std::size_t, const Window&,
                                                std::int64_t key, std::size_t, std::size_t,
                                                std::size_t, std::size_t w) {
    ks[w] = key;
  }
  [[gnu::always_inline]] RTC_BOOK_AVX2 static void move16(BookLevel* lv, BookSide::Key* ks,
                                                          std::size_t to, std::size_t from) {
    move16_avx2(lv, ks, to, from);
  }
  [[gnu::always_inline]] RTC_BOOK_AVX2 static void move8(BookLevel* lv, BookSide::Key* ks,
                                                         std::size_t to, std::size_t from) {
    const __m256i k0 = load(ks + from), k1 = load(ks + from + 4);
    store(ks + to, k0), store(ks + to + 4, k1);
    move8_items32(lv + from, lv + to);
  }
};

}  // namespace
}  // namespace rtcrypto::book_detail

#pragma GCC push_options
#pragma GCC target("avx2,popcnt")
#include "apply_loop.hpp"
#pragma GCC pop_options

namespace rtcrypto::book_detail {

bool apply_avx2_usable() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt");
}

RTC_BOOK_AVX2 void apply_avx2(BookSide& bids, BookSide& asks, const PackedLevel* first,
                              std::size_t count) {
  apply_loop<Avx2>(bids, asks, first, count);
}

#else
bool apply_avx2_usable() {
  return false;
}
void apply_avx2(BookSide&, BookSide&, const PackedLevel*, std::size_t) {}
#endif
}  // namespace rtcrypto::book_detail
