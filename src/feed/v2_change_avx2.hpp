#pragma once
// The AVX2 reading of one change, shared by the AVX2 kernel and the AVX-512 one (which
// falls back to it for the changes its own layout does not take). Only functions marked
// RTC_AVX2 use AVX2; callers compile them inline into functions with the same or more
// target features.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "rtcrypto/core/pow10.hpp"
#include "v2_change_run.hpp"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define RTC_HAVE_AVX2_KERNEL 1
#define RTC_AVX2 __attribute__((target("avx2,bmi,bmi2")))
#endif

#if defined(RTC_HAVE_AVX2_KERNEL)
namespace rtcrypto::feed_detail::avx2_change {

// Eight bytes of text as a little-endian word (first byte lowest), as memcpy reads them.
constexpr std::uint64_t le_word(const char (&s)[9]) {
  std::uint64_t w = 0;
  for (int i = 7; i >= 0; --i) w = (w << 8) | static_cast<unsigned char>(s[i]);
  return w;
}
// A change's opening: `["buy","` (up to the price's quote) and `["sell",` (before it).
inline constexpr std::uint64_t kBuyOpen = le_word("[\"buy\",\"");
inline constexpr std::uint64_t kSellOpen = le_word("[\"sell\",");

// Shuffle controls that right-align a number's digits in 16 bytes, dropping its point.
// Sixteen bytes from kShift + L select, for a number of L characters at the start of a
// 16-byte window, the window byte j + L - 16 into lane j: negative (lane zeroed) before
// the number. Sixteen bytes from kPointShift + 32 + x are -1 in the lanes j with
// 0 <= x + j < 16: added with x = the digits after the point, they move the lanes in front
// of them one byte further left, past the point; x < -15 (no point) adds nothing.
alignas(64) inline constexpr signed char kShift[32] = {
    -16, -15, -14, -13, -12, -11, -10, -9, -8, -7, -6, -5, -4, -3, -2, -1,
    0,   1,   2,   3,   4,   5,   6,   7,  8,  9,  10, 11, 12, 13, 14, 15};
alignas(64) inline constexpr signed char kPointShift[64] = {
    0,  0,  0,  0,  0, 0, 0, 0, 0, 0, 0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
    0,  0,  0,  0,  0, 0, 0, 0, 0, 0, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0,  0,  0,  0,  0,  0,  0,  0,  0,  0};

// 10^(18 - max(x, 0)) at kScaleOf[32 + x]: the factor for x digits after the point.
inline constexpr auto kScaleOf = [] {
  std::array<std::uint64_t, 48> t{};
  for (int x = -32; x < 16; ++x) t[x + 32] = kPow10U64[Decimal::kScale - (x > 0 ? x : 0)];
  return t;
}();

struct alignas(32) Bytes32 {
  char b[32];
};
constexpr Bytes32 splat(char c) {
  Bytes32 v{};
  for (char& x : v.b) x = c;
  return v;
}

inline constexpr std::uint32_t kQuoteCommaQuote = '"' | (',' << 8) | ('"' << 16);
inline constexpr std::uint16_t kQuoteBracket = '"' | (']' << 8);
inline constexpr std::uint16_t kCommaOpen = ',' | ('[' << 8);

// The vector constants, read through a pointer GCC cannot see through: it then uses them
// as memory operands or loads them once, instead of rebuilding each broadcast per change.
// (The 128-bit ones use the first half.)
struct Consts {
  Bytes32 quote, point, zero, over9;  // over9: + 118 sets the top bit of bytes > 9
  std::uint16_t w10[16];              // [10, 1] byte pairs
  std::uint32_t w100[8];              // [100, 1] u16 pairs
  std::uint32_t w10k[8];              // [10^4, 1] u16 pairs
  std::uint64_t e8[4];
  Bytes32 open;  // '['
  // [sell]: kBuyOpen, kSellOpen, compared from memory (as immediates they take registers).
  std::uint64_t open_of[2];
  // Copies of kShift, kPointShift and kScaleOf: indexed from the same base register.
  signed char shift[32];
  signed char point_shift[64];
  std::uint64_t scale_of[48];
  // [x][sell]: scale_of[x], negated for a sell (an ask's price is stored negative).
  std::int64_t signed_scale_of[48][2];
};
alignas(32) inline constexpr Consts kConsts = [] {
  Consts c = {splat('"'),
              splat('.'),
              splat('0'),
              splat(118),
              {0x010A, 0x010A, 0x010A, 0x010A, 0x010A, 0x010A, 0x010A, 0x010A, 0x010A, 0x010A,
               0x010A, 0x010A, 0x010A, 0x010A, 0x010A, 0x010A},
              {0x00010064, 0x00010064, 0x00010064, 0x00010064, 0x00010064, 0x00010064, 0x00010064,
               0x00010064},
              {0x00012710, 0x00012710, 0x00012710, 0x00012710, 0x00012710, 0x00012710, 0x00012710,
               0x00012710},
              {100000000, 100000000, 100000000, 100000000},
              splat('['),
              {kBuyOpen, kSellOpen},
              {},
              {},
              {},
              {}};
  for (int i = 0; i < 32; ++i) c.shift[i] = kShift[i];
  for (int i = 0; i < 64; ++i) c.point_shift[i] = kPointShift[i];
  for (int i = 0; i < 48; ++i) {
    c.scale_of[i] = kScaleOf[i];
    c.signed_scale_of[i][0] = static_cast<std::int64_t>(kScaleOf[i]);
    c.signed_scale_of[i][1] = -static_cast<std::int64_t>(kScaleOf[i]);
  }
  return c;
}();

// Where a DeltaRunFn (v2_change_run.hpp) reads: a delta frame's changes in place
// [p, limit), then in its tail copy up to tail_limit. Shared by the AVX2 and AVX-512 loops.
struct DeltaSpan {
  const char* p;
  const char* limit;
  const char* tail_limit;
  std::uintptr_t shift;  // a position in place to the copy's (one value, not two)

  // Changes that all start past the part in place (the short half of the frames, at random)
  // are read in the copy from the start: chosen by masks, not by a branch on the length.
  [[gnu::always_inline]] DeltaSpan(const char* from, const char* to, const char* tail_begin,
                                   const char* tail, const char* tail_end)
      : p(from), limit(to), tail_limit(tail_end) {
    shift = reinterpret_cast<std::uintptr_t>(tail) - reinterpret_cast<std::uintptr_t>(tail_begin);
    const std::uintptr_t late = 0 - static_cast<std::uintptr_t>(p >= limit);
    p = reinterpret_cast<const char*>(reinterpret_cast<std::uintptr_t>(p) + (shift & late));
    limit = reinterpret_cast<const char*>(
        reinterpret_cast<std::uintptr_t>(limit) ^
        ((reinterpret_cast<std::uintptr_t>(limit) ^ reinterpret_cast<std::uintptr_t>(tail_limit)) &
         late));
  }
  // Room for every change that can start before limit, then in the copy before tail_limit:
  // each takes 15 bytes and a comma, so they start 16 or more bytes apart (a shift, where
  // / 15 took a multiply), and one more for each part. (Measured before the masks above.)
  [[gnu::always_inline]] static std::size_t room(const char* from, const char* to, const char* tail,
                                                 const char* tail_end) {
    const std::ptrdiff_t span = std::max<std::ptrdiff_t>(to - from, 0) + (tail_end - tail);
    return static_cast<std::size_t>(span) / 16 + 2;
  }
  // At p >= limit: on in the copy, once (tail_limit == limit: no copy). False: no more.
  [[gnu::always_inline]] bool cross() {
    if (limit == tail_limit) return false;
    p = reinterpret_cast<const char*>(reinterpret_cast<std::uintptr_t>(p) + shift);
    limit = tail_limit;
    return p < limit;
  }
};

// Which of kBuyOpen (0) and kSellOpen (1) a change's first 8 bytes must be: the low bit of
// its third byte ('b' or 's'). One compare with the one it names then checks them, with no
// branch on the side (random in deltas).
[[gnu::always_inline]] inline std::size_t side_of(std::uint64_t head) {
  return (head >> 16) & 1;
}

// tzcnt of a 32-bit mask as a 64-bit index (32 for none). The 32-bit result already
// zero-extends, but GCC 12 adds a `mov r32, r32` for each use (and an xor before it).
[[gnu::always_inline]] inline std::size_t tz(std::uint32_t x) {
  std::uint64_t r;
  asm("tzcnt %k1, %k0" : "=r"(r) : "rm"(x) : "cc");
  return r;
}

RTC_AVX2 inline __m256i vec(const void* v) {
  return _mm256_load_si256(static_cast<const __m256i*>(v));
}

RTC_AVX2 inline __m128i vec128(const void* v) {
  return _mm_load_si128(static_cast<const __m128i*>(v));
}
RTC_AVX2 inline __m128i load128(const void* v) {
  return _mm_loadu_si128(static_cast<const __m128i*>(v));
}

// Two numbers' digit values, 16 lanes each, right-aligned around their points: the price's
// n1 characters from w + 1, the quantity's n2 from w + s2 (`price_points` and `qty_points`
// hold each one's points from its first character). Sets x1 and x2 (32 + the digits after
// each number's first point, < 17 when it has none); false where a lane is not a digit.
RTC_AVX2 [[gnu::always_inline]] inline bool digit_rows(const char* w, std::size_t s2,
                                                       std::size_t n1, std::size_t n2,
                                                       std::uint32_t price_points,
                                                       std::uint32_t qty_points, const Consts& k,
                                                       std::size_t& x1, std::size_t& x2,
                                                       __m128i& d1, __m128i& d2) {
  x1 = 32 + n1 - 1 - tz(_bzhi_u32(price_points, static_cast<std::uint32_t>(n1)));
  x2 = 32 + n2 - 1 - tz(_bzhi_u32(qty_points, static_cast<std::uint32_t>(n2)));
  d1 = _mm_shuffle_epi8(_mm_sub_epi8(load128(w + 1), vec128(&k.zero)),
                        _mm_add_epi8(load128(k.shift + n1), load128(k.point_shift + x1)));
  d2 = _mm_shuffle_epi8(_mm_sub_epi8(load128(w + s2), vec128(&k.zero)),
                        _mm_add_epi8(load128(k.shift + n2), load128(k.point_shift + x2)));
  return _mm_movemask_epi8(_mm_adds_epu8(_mm_max_epu8(d1, d2), vec128(&k.over9))) == 0;
}

// Two rows of 16 digit values as integers: pairs, then fours ([10, 1], [100, 1]); both
// rows' fours packed as u16s, then eights ([10^4, 1]): a high, a low, b high, b low; then
// 16 digits each.
RTC_AVX2 [[gnu::always_inline]] inline void two_rows(__m128i a, __m128i b, const Consts& k,
                                                     std::uint64_t& va, std::uint64_t& vb) {
  const __m128i a4 = _mm_madd_epi16(_mm_maddubs_epi16(a, vec128(k.w10)), vec128(k.w100));
  const __m128i b4 = _mm_madd_epi16(_mm_maddubs_epi16(b, vec128(k.w10)), vec128(k.w100));
  const __m128i d8 = _mm_madd_epi16(_mm_packus_epi32(a4, b4), vec128(k.w10k));
  const __m128i d16 = _mm_add_epi64(_mm_mul_epu32(d8, vec128(k.e8)), _mm_srli_epi64(d8, 32));
  va = static_cast<std::uint64_t>(_mm_cvtsi128_si64(d16));
  vb = static_cast<std::uint64_t>(_mm_extract_epi64(d16, 1));
}

// One change at p (64 readable bytes); writes it to `out` and returns the position after
// its `]`, or nullptr when it is not of the shape this kernel takes.
//
// The window is the 32 bytes from the price's opening quote (bit i of a mask is byte i):
// the quotes give the layout `"price","quantity"]`, checked with two loads, each number up
// to 16 characters. Each number then goes through a shuffle (digits right-aligned, the
// first point dropped), which must leave only digits, and the two through one
// multiply-add reduction (the last steps on both at once). So a number is digits with at
// most one point: what Decimal::parse's fast path reads, to the same value ("5." and ".5"
// included). A price of "." reads as 0 and is refused with the other zero prices; a
// quantity starting with a point is left to the general reader (which refuses ".").
// (With the side given: `head` is p's first 8 bytes, `sell` side_of(head) or a constant.)
RTC_AVX2 [[gnu::always_inline]] inline const char* one_change(const char* p, std::uint64_t head,
                                                              std::size_t sell, ScannedLevel& out,
                                                              const Consts& k) {
  if (head != k.open_of[sell]) return nullptr;
  const char* const w = p + 7 + sell;  // the price's opening quote
  const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w));
  const auto quotes =
      static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(b, vec(&k.quote))));
  const std::uint32_t q1 = quotes & ~1u;
  const std::size_t e1 = tz(q1);  // price in [1, e1); 32 when no quote
  std::uint32_t sep;
  std::memcpy(&sep, w + e1, 4);
  if (!(quotes & 1u) || (sep & 0xFFFFFF) != kQuoteCommaQuote) return nullptr;
  // The quantity in [s2, e2): the next quote after `","` (32 for none: then the one right
  // after the window must close it).
  const std::size_t s2 = e1 + 3;
  const std::size_t e2 = tz(_blsr_u32(_blsr_u32(q1)));
  std::uint16_t close;
  std::memcpy(&close, w + e2, 2);
  const std::size_t n1 = e1 - 1, n2 = e2 - s2;  // lengths, 1..16
  if (close != kQuoteBracket || ((n1 - 1) | (n2 - 1)) > 15) return nullptr;
  const auto points =
      static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(b, vec(&k.point))));
  const std::uint32_t qty_points = points >> s2;
  if (qty_points & 1u) return nullptr;
  std::size_t x1, x2;
  __m128i d1, d2;
  if (!digit_rows(w, s2, n1, n2, points >> 1, qty_points, k, x1, x2, d1, d2)) return nullptr;
  std::uint64_t price, qty;
  two_rows(d1, d2, k, price, qty);
  if (price == 0) return nullptr;  // the general reader rejects it
  // Mantissas < 10^16 and factors <= 10^18: one 64x64->128 multiply each. The side rides
  // in the sign of the price.
  out.signed_price = static_cast<Decimal::Rep>(static_cast<std::int64_t>(price)) *
                     static_cast<Decimal::Rep>(k.signed_scale_of[x1][sell]);
  out.quantity = static_cast<Decimal::Rep>(static_cast<unsigned __int128>(qty) * k.scale_of[x2]);
  return w + e2 + 2;
}
RTC_AVX2 [[gnu::always_inline]] inline const char* one_change(const char* p, ScannedLevel& out,
                                                              const Consts& k) {
  std::uint64_t head;
  std::memcpy(&head, p, 8);
  return one_change(p, head, side_of(head), out, k);
}

}  // namespace rtcrypto::feed_detail::avx2_change
#endif
