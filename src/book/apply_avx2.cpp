// The AVX2 apply (see apply_avx2.hpp). Only functions marked RTC_BOOK_AVX2 use AVX2 (no
// file-wide -mavx2: inline library code compiled here must stay baseline).
//
// Why fixed-size moves: the deltas land a few levels from the top at random depths and are
// updates, inserts and erases at random, so a scan that stops where the key lies, a choice
// of operation and a move of the levels above are three mispredicted branches per change.
// Here the position is a popcount of four compares, the operation picks the move's source
// and destination (i+1 -> i erases, i -> i+1 inserts, i -> i updates in place) and the
// slot the new level goes to (i, or a tail pad when nothing is written), and the move is
// always the 16 levels and keys from the position: loaded whole before any is stored, so
// one sequence serves both directions.
#include "apply_avx2.hpp"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "avx2_load_store.hpp"

#define RTC_BOOK_AVX2 __attribute__((target("avx2,popcnt")))

namespace rtcrypto::book_detail {
#if defined(__x86_64__)
namespace {

// Hides a value's origin from the optimizer, so that it stays data (GCC turns selects and
// combined conditions on it into branches, mispredicted on this data).
inline void opaque(std::size_t& x) {
  asm("" : "+r"(x));
}

// Which of the 4 keys at k are below the key in every lane of kv (bit j: key j).
RTC_BOOK_AVX2 inline unsigned below(__m256i kv, const BookSide::Key* k) {
  return static_cast<unsigned>(
      _mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpgt_epi64(kv, load(k)))));
}

// Moves 16 levels (one vector each) and their keys from index `from` to index `to`: all
// loaded before any is stored, so the ranges may overlap either way. Spelled out: an array
// of vectors became a copy through the stack.
[[gnu::always_inline]] RTC_BOOK_AVX2 inline void move16(BookLevel* lv, BookSide::Key* ks,
                                                        std::size_t to, std::size_t from) {
  static_assert(sizeof(BookLevel) == 32);
  const BookLevel* f = lv + from;
  BookLevel* t = lv + to;
  // The keys first, stored before the levels are loaded: 16 vectors live at most (AVX2's
  // register count), none spilled.
  const __m256i k0 = load(ks + from), k1 = load(ks + from + 4);
  const __m256i k2 = load(ks + from + 8), k3 = load(ks + from + 12);
  store(ks + to, k0), store(ks + to + 4, k1), store(ks + to + 8, k2), store(ks + to + 12, k3);
  const __m256i a0 = load(f), a1 = load(f + 1), a2 = load(f + 2), a3 = load(f + 3);
  const __m256i a4 = load(f + 4), a5 = load(f + 5), a6 = load(f + 6), a7 = load(f + 7);
  const __m256i a8 = load(f + 8), a9 = load(f + 9), a10 = load(f + 10), a11 = load(f + 11);
  const __m256i a12 = load(f + 12), a13 = load(f + 13), a14 = load(f + 14), a15 = load(f + 15);
  store(t, a0), store(t + 1, a1), store(t + 2, a2), store(t + 3, a3);
  store(t + 4, a4), store(t + 5, a5), store(t + 6, a6), store(t + 7, a7);
  store(t + 8, a8), store(t + 9, a9), store(t + 10, a10), store(t + 11, a11);
  store(t + 12, a12), store(t + 13, a13), store(t + 14, a14), store(t + 15, a15);
}

}  // namespace

bool apply_avx2_usable() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt");
}

RTC_BOOK_AVX2 void apply_avx2(BookSide& bids, BookSide& asks, const PackedLevel* first,
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
    const __m256i kv = _mm256_set1_epi64x(key);
    const unsigned mask = below(kv, top) | below(kv, top + 4) << 4 | below(kv, top + 8) << 8 |
                          below(kv, top + 12) << 12;
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
    store(lv + w, level);
    ks[w] = key;
    v.set_size(n + insert - erase);
  }
}

#else
bool apply_avx2_usable() {
  return false;
}
void apply_avx2(BookSide&, BookSide&, const PackedLevel*, std::size_t) {}
#endif
}  // namespace rtcrypto::book_detail
