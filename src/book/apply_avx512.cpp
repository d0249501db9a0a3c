// The AVX-512 apply (see apply_avx2.hpp): the method of apply_loop.hpp (read it first) with
// the key compares in 512-bit vectors and both sides' top keys kept in registers. The
// levels move one 256-bit vector each, as in AVX2: moving two a vector made a later load of
// a pair straddle two earlier stores. Only functions marked RTC_BOOK_AVX512 use AVX-512 (no
// file-wide flags: inline library code compiled here must stay baseline).

#include "apply_avx2.hpp"

#include <limits>

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

// Both sides' top 16 keys live in registers across the changes of a call, so a change
// waits for the previous one's key permute, not for its stores to reach a load (the keys
// are still stored each change: memory stays right for the general path and later calls).
struct Top {
  __m512i lo, hi;  // keys n-16..n-9, n-8..n-1
  std::size_t n;
};
// (Storage made first, by the batch's reserve: a new side has none to read the front pads
// from.)
[[gnu::always_inline]] RTC_BOOK_AVX512 inline Top load_top(const BookSide& v) {
  const std::size_t n = v.size();
  return {load512(v.keys() + n - 16), load512(v.keys() + n - 8), n};
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

// A change the top 16 keys (w_lo, w_hi) miss or cannot take: below them (above) or by the
// general path. Returns the side's top after it. Out of line: the loop keeps its registers.
[[gnu::noinline]] RTC_BOOK_AVX512 Top change_off_top(BookSide& v, const PackedLevel& l,
                                                     __m512i w_lo, __m512i w_hi) {
  const auto lo = static_cast<std::uint64_t>(l.signed_price);
  const auto hi = static_cast<std::uint64_t>(l.signed_price >> 64);
  const auto key = static_cast<std::int64_t>((lo >> 29) | (hi << 35));
  const std::uint64_t m64 = -(hi >> 63);
  v.reserve(1);
  if (((hi + (std::uint64_t{1} << 28)) >> 29) == 0 && apply_below_top(v, l, key, m64)) {
    return {_mm512_mask_set1_epi64(w_lo, 1, v.keys()[v.size() - 16]), w_hi, v.size()};
  }
  set_level_general(v, l.signed_price, l.remaining());
  return load_top(v);
}

[[gnu::always_inline]] RTC_BOOK_AVX512 inline void apply_loop(BookSide& bids, BookSide& asks,
                                                              const PackedLevel* first,
                                                              std::size_t count) {
  // Room for every insert of the batch made once (and storage for load_top); the sizes kept
  // in tb.n and ta.n, stored before a call that reads them and at the end.
  if (count == 0) return;
  bids.reserve(count), asks.reserve(count);
  Top tb = load_top(bids), ta = load_top(asks);
  const __m512i top = _mm512_set1_epi64(std::numeric_limits<std::int64_t>::max());  // above all
  for (const PackedLevel* l = first; l != first + count; ++l) {
    // In 64-bit halves, the side as data, the key's range check: as OrderBook::apply.
    const auto lo = static_cast<std::uint64_t>(l->signed_price);
    const auto hi = static_cast<std::int64_t>(l->signed_price >> 64);
    const bool ask = hi < 0;
    BookSide& v = ask ? asks : bids;
    const auto m64 = static_cast<std::uint64_t>(hi >> 63);
    const auto key = static_cast<std::int64_t>((lo >> 29) | (static_cast<std::uint64_t>(hi) << 35));
    const bool positive = l->quantity > 0;
    // The side's top: selected by mask, no branch.
    const auto side_mask = static_cast<__mmask8>(m64);
    const __m512i w_lo = _mm512_mask_blend_epi64(side_mask, tb.lo, ta.lo);
    const __m512i w_hi = _mm512_mask_blend_epi64(side_mask, tb.hi, ta.hi);
    const std::size_t n = (tb.n & ~m64) | (ta.n & m64);
    const __m512i kv = _mm512_set1_epi64(key);
    const unsigned mask = static_cast<unsigned>(_mm512_cmpgt_epi64_mask(kv, w_lo)) |
                          static_cast<unsigned>(_mm512_cmpgt_epi64_mask(kv, w_hi)) << 8;
    if (((static_cast<std::uint64_t>(hi) + (std::uint64_t{1} << 28)) >> 29) | !(mask & 1))
        [[unlikely]] {
      v.set_size(n);
      (ask ? ta : tb) = change_off_top(v, *l, w_lo, w_hi);
      continue;
    }
    BookSide::Key* const ks = v.keys();
    const auto r = static_cast<std::size_t>(__builtin_popcount(mask));
    const std::size_t i = n - 16 + r;
    BookLevel* const lv = v.levels();
    const std::size_t same_key =
        (_mm512_cmpeq_epi64_mask(kv, w_lo) | _mm512_cmpeq_epi64_mask(kv, w_hi)) != 0;
    const auto low = static_cast<std::uint64_t>(lv[i].price.raw());
    std::size_t other_price = same_key & (((low ^ m64) - m64) != lo);
    opaque(other_price);  // one branch, on the rare case (GCC would test both parts)
    if (other_price) [[unlikely]] {
      v.set_size(n);
      set_level_general(v, l->signed_price, l->remaining());
      (ask ? ta : tb) = load_top(v);
      continue;
    }
    const std::size_t erase = same_key & !positive;
    const std::size_t insert = !same_key & positive;
    // Within 8 of the top (most changes) 8 levels reach past the top: half the move.
    if (r >= 8) [[likely]] {
      move8_items32(lv + i + erase, lv + i + insert);
    } else {
      move16_items32(lv + i + erase, lv + i + insert);
    }
    // The level (see apply_loop.hpp): written at i, or in a tail pad for an erase.
    std::size_t positive_mask = -static_cast<std::size_t>(positive);
    opaque(positive_mask);
    const std::size_t w = i + (~positive_mask & (n + 16 - i));
    const std::uint64_t p_lo = (lo ^ m64) - m64;
    const std::uint64_t p_hi = (static_cast<std::uint64_t>(hi) ^ m64) + (m64 & (lo == 0));
    _mm256_storeu_si256(
        reinterpret_cast<__m256i*>(lv + w),
        _mm256_set_epi64x(static_cast<std::int64_t>(l->quantity >> 64),
                          static_cast<std::int64_t>(l->quantity), static_cast<std::int64_t>(p_hi),
                          static_cast<std::int64_t>(p_lo)));
    // The top keys after the change, from shifted copies of the window (no index math, so
    // the next change waits less): an insert (new top from n-15) is the top 16 of the
    // window and the key, max(w[j], min(w[j+1], key)); an erase (new top from n-17) keeps
    // the keys above the key and takes w[j-1] (key n-17 below lane 0) at and below it.
    const __m512i ins_lo =
        _mm512_max_epi64(w_lo, _mm512_min_epi64(_mm512_alignr_epi64(w_hi, w_lo, 1), kv));
    const __m512i ins_hi =
        _mm512_max_epi64(w_hi, _mm512_min_epi64(_mm512_alignr_epi64(top, w_hi, 1), kv));
    const __m512i era_lo =
        _mm512_mask_blend_epi64(_mm512_cmpgt_epi64_mask(w_lo, kv),
                                _mm512_alignr_epi64(w_lo, _mm512_set1_epi64(ks[n - 17]), 7), w_lo);
    const __m512i era_hi = _mm512_mask_blend_epi64(_mm512_cmpgt_epi64_mask(w_hi, kv),
                                                   _mm512_alignr_epi64(w_hi, w_lo, 7), w_hi);
    const auto ins_k = static_cast<__mmask8>(-insert), era_k = static_cast<__mmask8>(-erase);
    const __m512i n_lo =
        _mm512_mask_mov_epi64(_mm512_mask_mov_epi64(w_lo, ins_k, ins_lo), era_k, era_lo);
    const __m512i n_hi =
        _mm512_mask_mov_epi64(_mm512_mask_mov_epi64(w_hi, ins_k, ins_hi), era_k, era_hi);
    const std::size_t n2 = n + insert - erase;
    store512(ks + n2 - 16, n_lo), store512(ks + n2 - 8, n_hi);
    tb.lo = _mm512_mask_blend_epi64(side_mask, n_lo, tb.lo);
    tb.hi = _mm512_mask_blend_epi64(side_mask, n_hi, tb.hi);
    ta.lo = _mm512_mask_blend_epi64(side_mask, ta.lo, n_lo);
    ta.hi = _mm512_mask_blend_epi64(side_mask, ta.hi, n_hi);
    tb.n = (tb.n & m64) | (n2 & ~m64);
    ta.n = (ta.n & ~m64) | (n2 & m64);
  }
  bids.set_size(tb.n), asks.set_size(ta.n);
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
