// The AVX-512 apply (see apply_avx2.hpp): the method of apply_loop.hpp (read it first) with
// the key compares in 512-bit vectors, taken a run of one side's changes at a time with that
// side's top keys and size in registers. The levels move one 256-bit vector each, as in
// AVX2: moving two a vector made a later load of a pair straddle two earlier stores. Only
// functions marked RTC_BOOK_AVX512 use AVX-512 (no file-wide flags: inline library code
// compiled here must stay baseline).

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

// Hides a value's origin from the optimizer, so that it stays data (GCC turns selects and
// combined conditions on it into branches, mispredicted on this data).
template <class T>
[[gnu::always_inline]] inline void opaque(T& x) {
  asm("" : "+r"(x));
}

// A change 16 to 31 levels below the top (most of the changes the top 16 keys miss):
// positioned by the 16 keys below them (front pads, below every key, where the side is
// shorter) and applied by fixed-size moves of 32 levels and keys. Such a change leaves the
// top keys where they were but for the lowest one (an erase just below them), taken from
// memory. Returns false, having changed nothing, for a change deeper still or a price
// within the key of another.
[[gnu::always_inline]] RTC_BOOK_AVX512 inline bool apply_below_top(BookSide& v,
                                                                   const PackedLevel& l,
                                                                   std::int64_t key,
                                                                   std::uint64_t m64) {
  const std::size_t n = v.size();  // room for an insert already made
  BookSide::Key* const ks = v.keys();
  const __m512i kv = _mm512_set1_epi64(key);
  const unsigned below = static_cast<unsigned>(_mm512_cmpgt_epi64_mask(kv, load512(ks + n - 32))) |
                         static_cast<unsigned>(_mm512_cmpgt_epi64_mask(kv, load512(ks + n - 24)))
                             << 8;
  if (!(below & 1)) return false;
  const std::size_t i = n - 32 + static_cast<std::size_t>(__builtin_popcount(below));
  BookLevel* const lv = v.levels();
  const bool found = ks[i] == key;  // i <= n - 16: a key of the side
  const auto lo = static_cast<std::uint64_t>(l.signed_price);
  if (found && ((static_cast<std::uint64_t>(lv[i].price.raw()) ^ m64) - m64) != lo) return false;
  const bool positive = l.quantity > 0;
  const bool erase = found && !positive;
  const bool insert = !found && positive;
  // Levels i.. up one (insert) or i+1.. down one (erase), 16 at a time: the upper half first
  // going up, the lower first going down, so no source is overwritten before it is read.
  if (insert) {
    move16_items32(lv + i + 16, lv + i + 17);
    move16_items32(lv + i, lv + i + 1);
  } else if (erase) {
    move16_items32(lv + i + 1, lv + i);
    move16_items32(lv + i + 17, lv + i + 16);
  }
  if (insert || erase) {  // the keys likewise, all four vectors loaded first
    const BookSide::Key* f = ks + i + erase;
    const __m512i k0 = load512(f), k1 = load512(f + 8), k2 = load512(f + 16), k3 = load512(f + 24);
    BookSide::Key* t = ks + i + insert;
    store512(t, k0), store512(t + 8, k1), store512(t + 16, k2), store512(t + 24, k3);
  }
  if (positive) {
    lv[i] = BookLevel{l.price(), l.remaining()};
    ks[i] = key;
  }
  v.set_size(n + insert - erase);
  return true;
}

// A change the top 16 keys miss or cannot take: below them (above) or by the general path.
// Out of line: the run reloads its top keys after it, so no vector lives across the call.
[[gnu::noinline]] RTC_BOOK_AVX512 void change_off_top(BookSide& v, const PackedLevel& l) {
  const auto lo = static_cast<std::uint64_t>(l.signed_price);
  const auto hi = static_cast<std::uint64_t>(l.signed_price >> 64);
  const auto key = static_cast<std::int64_t>((lo >> 29) | (hi << 35));
  const std::uint64_t m64 = -(hi >> 63);
  if (((hi + (std::uint64_t{1} << 28)) >> 29) == 0 && apply_below_top(v, l, key, m64)) return;
  set_level_general(v, l.signed_price, l.remaining());
}

// The changes of one side in a row from `l` (of that side) up to `end` or the first change
// of the other side, which it returns. The side is a constant here: its top keys and size
// stay in registers with no per-change choice of side (a batch's changes mostly keep to
// one side). The keys are stored each change, so memory is right for any call.
template <bool kAsk>
[[gnu::always_inline]] RTC_BOOK_AVX512 inline const PackedLevel* apply_run(BookSide& v,
                                                                           const PackedLevel* l,
                                                                           const PackedLevel* end) {
  v.reserve(static_cast<std::size_t>(end - l));  // every insert's room (and storage to load)
  std::size_t n = v.size();
  BookLevel* lv = v.levels();
  BookSide::Key* ks = v.keys();
  __m512i w_lo = load512(ks + n - 16), w_hi = load512(ks + n - 8);  // keys n-16.., n-8..
  do {
    // In 64-bit halves, the key's range check: as OrderBook::apply.
    const auto lo = static_cast<std::uint64_t>(l->signed_price);
    const auto hi = static_cast<std::uint64_t>(l->signed_price >> 64);
    const auto key = static_cast<std::int64_t>((lo >> 29) | (hi << 35));
    const __m512i kv = _mm512_set1_epi64(key);
    const __mmask16 below =
        _mm512_kunpackb(_mm512_cmpgt_epi64_mask(kv, w_hi), _mm512_cmpgt_epi64_mask(kv, w_lo));
    const auto mask = static_cast<unsigned>(_cvtmask16_u32(below));
    if (((hi + (std::uint64_t{1} << 28)) >> 29) | !(mask & 1)) [[unlikely]] {
      v.set_size(n);
      change_off_top(v, *l);
      n = v.size(), lv = v.levels(), ks = v.keys();
      w_lo = load512(ks + n - 16), w_hi = load512(ks + n - 8);
      continue;
    }
    const auto r = static_cast<std::size_t>(__builtin_popcount(mask));
    const std::size_t i = n - 16 + r;
    const __mmask16 equal =
        _mm512_kunpackb(_mm512_cmpeq_epi64_mask(kv, w_hi), _mm512_cmpeq_epi64_mask(kv, w_lo));
    const std::size_t same_key = _kortestz_mask16_u8(equal, equal) ^ 1;
    // Found: the key at i with the price's low half (a key in range fixes the high half);
    // the same key with another price is the general path's (prices within one key).
    const auto low = static_cast<std::uint64_t>(lv[i].price.raw());
    std::size_t other_price = same_key & ((kAsk ? 0 - low : low) != lo);
    opaque(other_price);  // one branch, on the rare case (GCC would test both parts)
    if (other_price) [[unlikely]] {
      v.set_size(n);
      set_level_general(v, l->signed_price, l->remaining());
      n = v.size(), lv = v.levels(), ks = v.keys();
      w_lo = load512(ks + n - 16), w_hi = load512(ks + n - 8);
      continue;
    }
    // quantity > 0 in 64-bit halves: the high half, with a bit for a low half not 0, > 0.
    const auto q_lo = static_cast<std::uint64_t>(l->quantity);
    const auto q_hi = static_cast<std::int64_t>(l->quantity >> 64);
    std::size_t positive = (q_hi | static_cast<std::int64_t>(q_lo != 0)) > 0;
    opaque(positive);  // computed once (GCC derived it twice, in two ways)
    const std::size_t erase = same_key & (positive ^ 1);
    const std::size_t insert = (same_key ^ 1) & positive;
    // Within 8 of the top (most changes) 8 levels reach past the top: half the move.
    if (r >= 8) [[likely]] {
      move8_items32(lv + i + erase, lv + i + insert);
    } else {
      move16_items32(lv + i + erase, lv + i + insert);
    }
    // The level (see apply_loop.hpp): written at i, or in a tail pad for an erase. A bid's
    // level is the change as it came; an ask's price is the signed one negated, in halves:
    // -x is ~x + 1, carried into the high half when the low one is 0.
    std::size_t positive_mask = 0 - positive;
    opaque(positive_mask);
    const std::size_t w = i + (~positive_mask & (n + 16 - i));
    __m256i level = load(l);
    if constexpr (kAsk) {
      const __m128i price = _mm_set_epi64x(static_cast<std::int64_t>(~hi + (lo == 0)),
                                           static_cast<std::int64_t>(0 - lo));
      level = _mm256_inserti128_si256(level, price, 0);
    }
    store(lv + w, level);
    // The top keys after the change, from shifted copies of the window (no index math, so
    // the next change waits less): an insert (new top from n-15) is the top 16 of the
    // window and the key, max(w[j], min(w[j+1], key)) with w[16] the key; an erase (new top
    // from n-17) keeps the keys above the key and takes w[j-1] (key n-17 below lane 0) at
    // and below it.
    const __m512i ins_lo =
        _mm512_max_epi64(w_lo, _mm512_min_epi64(_mm512_alignr_epi64(w_hi, w_lo, 1), kv));
    const __m512i ins_hi = _mm512_max_epi64(
        w_hi, _mm512_min_epi64(_mm512_mask_alignr_epi64(kv, 0x7F, w_hi, w_hi, 1), kv));
    const __m512i era_lo =
        _mm512_mask_blend_epi64(_mm512_cmpgt_epi64_mask(w_lo, kv),
                                _mm512_alignr_epi64(w_lo, _mm512_set1_epi64(ks[n - 17]), 7), w_lo);
    const __m512i era_hi = _mm512_mask_blend_epi64(_mm512_cmpgt_epi64_mask(w_hi, kv),
                                                   _mm512_alignr_epi64(w_hi, w_lo, 7), w_hi);
    const auto ins_k = static_cast<__mmask8>(0 - insert), era_k = static_cast<__mmask8>(0 - erase);
    w_lo = _mm512_mask_mov_epi64(_mm512_mask_mov_epi64(w_lo, ins_k, ins_lo), era_k, era_lo);
    w_hi = _mm512_mask_mov_epi64(_mm512_mask_mov_epi64(w_hi, ins_k, ins_hi), era_k, era_hi);
    n = n + insert - erase;
    store512(ks + n - 16, w_lo), store512(ks + n - 8, w_hi);
  } while (++l != end && (l->signed_price < 0) == kAsk);
  v.set_size(n);
  return l;
}

[[gnu::always_inline]] RTC_BOOK_AVX512 inline void apply_loop(BookSide& bids, BookSide& asks,
                                                              const PackedLevel* first,
                                                              std::size_t count) {
  const PackedLevel* l = first;
  const PackedLevel* const end = first + count;
  while (l != end) {
    l = l->signed_price < 0 ? apply_run<true>(asks, l, end) : apply_run<false>(bids, l, end);
  }
}

}  // namespace
}  // namespace rtcrypto::book_detail

namespace rtcrypto::book_detail {

bool apply_avx512_usable() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
         __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt");
}

RTC_BOOK_AVX512 void apply_avx512(BookSide& bids, BookSide& asks, const PackedLevel* first,
                                  std::size_t count) {
  apply_loop(bids, asks, first, count);
}

#else
bool apply_avx512_usable() {
  return false;
}
void apply_avx512(BookSide&, BookSide&, const PackedLevel*, std::size_t) {}
#endif
}  // namespace rtcrypto::book_detail
