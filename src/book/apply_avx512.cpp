// The AVX-512 apply (see apply_avx2.hpp): apply_avx2.cpp's loop with the compares and moves
// in 512-bit vectors, half the instructions of the moves (measured ~10% off the book's
// time natively). Only functions marked RTC_BOOK_AVX512 use AVX-512 (no file-wide flags:
// inline library code compiled here must stay baseline). Kept in step with apply_avx2.cpp,
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

// Hides a value's origin from the optimizer, so that it stays data (GCC turns selects and
// combined conditions on it into branches, mispredicted on this data).
inline void opaque(std::size_t& x) {
  asm("" : "+r"(x));
}

// Which of the 16 keys at k are below the key in every lane of kv (bit j: key j).
RTC_BOOK_AVX512 inline unsigned below16(__m512i kv, const BookSide::Key* k) {
  return static_cast<unsigned>(_mm512_cmpgt_epi64_mask(kv, load(k))) |
         static_cast<unsigned>(_mm512_cmpgt_epi64_mask(kv, load(k + 8))) << 8;
}

// Moves 16 levels (two a vector) and their keys from index `from` to index `to`: all loaded
// before any is stored, so the ranges may overlap either way.
[[gnu::always_inline]] RTC_BOOK_AVX512 inline void move16(BookLevel* lv, BookSide::Key* ks,
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

}  // namespace

bool apply_avx512_usable() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
         __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt");
}

RTC_BOOK_AVX512 void apply_avx512(BookSide& bids, BookSide& asks, const PackedLevel* first,
                                  std::size_t count) {
  for (const PackedLevel* l = first; l != first + count; ++l) {
    // In 64-bit halves, the side as data, the key's range check: as OrderBook::apply.
    const auto lo = static_cast<std::uint64_t>(l->signed_price);
    const auto hi = static_cast<std::int64_t>(l->signed_price >> 64);
    BookSide& v = hi < 0 ? asks : bids;
    const auto m64 = static_cast<std::uint64_t>(hi >> 63);
    const auto key = static_cast<std::int64_t>((lo >> 29) | (static_cast<std::uint64_t>(hi) << 35));
    const bool positive = l->quantity > 0;
    if ((static_cast<std::uint64_t>(hi) + (std::uint64_t{1} << 28)) >> 29) [[unlikely]] {
      set_level_general(v, l->signed_price, l->remaining());
      continue;
    }
    v.reserve(1);  // an insert's room
    const std::size_t n = v.size();
    BookSide::Key* const ks = v.keys();
    // The top 16 keys (front pads, below every key, where the side is shorter): how many
    // are below the key. None: the key lies deeper.
    const BookSide::Key* top = ks + n - 16;
    const unsigned mask = below16(_mm512_set1_epi64(key), top);
    if (!(mask & 1)) [[unlikely]] {
      set_level_general(v, l->signed_price, l->remaining());
      continue;
    }
    const std::size_t i = n - 16 + static_cast<std::size_t>(__builtin_popcount(mask));
    BookLevel* const lv = v.levels();
    // Found: the key at i (index n is a tail pad: excluded) with the price's low half (a
    // key in range fixes the high half); the same key with another price is the general
    // path's (prices within one key).
    const std::size_t same_key = (i < n) & (ks[i] == key);
    const auto low = static_cast<std::uint64_t>(lv[i].price.raw());
    std::size_t other_price = same_key & (((low ^ m64) - m64) != lo);
    opaque(other_price);  // one branch, on the rare case (GCC would test both parts)
    if (other_price) [[unlikely]] {
      set_level_general(v, l->signed_price, l->remaining());
      continue;
    }
    const std::size_t erase = same_key & !positive;
    const std::size_t insert = !same_key & positive;
    move16(lv, ks, i + insert, i + erase);
    // An update or insert writes level i; else the write lands in a tail pad. The price is
    // the signed one negated for asks, in halves: -x is ~x + 1, carried into the high half
    // when the low one is 0. One vector store: the next change's moves load it whole.
    std::size_t positive_mask = -static_cast<std::size_t>(positive);
    opaque(positive_mask);  // a select, not a branch on a coin flip
    const std::size_t w = i + (~positive_mask & (n + 16 - i));
    const std::uint64_t p_lo = (lo ^ m64) - m64;
    const std::uint64_t p_hi = (static_cast<std::uint64_t>(hi) ^ m64) + (m64 & (lo == 0));
    const __m256i level = _mm256_set_epi64x(
        static_cast<std::int64_t>(l->quantity >> 64), static_cast<std::int64_t>(l->quantity),
        static_cast<std::int64_t>(p_hi), static_cast<std::int64_t>(p_lo));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(lv + w), level);
    ks[w] = key;
    v.set_size(n + insert - erase);
  }
}

#else
bool apply_avx512_usable() {
  return false;
}
void apply_avx512(BookSide&, BookSide&, const PackedLevel*, std::size_t) {}
#endif
}  // namespace rtcrypto::book_detail
