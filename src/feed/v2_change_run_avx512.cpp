// The AVX-512 change kernel (VBMI: byte permutes; BW/VL: byte compares into mask
// registers). Only functions marked RTC_AVX512 use it (no file-wide flags, as for AVX2).
//
// It places each number's digits around its point: lanes 0-7 the integral digits
// (right-aligned), lanes 8-15 the fractional ones (left-aligned), one permute for both
// numbers. Every number of up to 8 + 8 digits then has the same scale (its 16 lanes read
// as an integer are the value times 10^8), so no per-number factor is looked up, and the
// lanes a number fills come from four small tables indexed by the distances between its
// quotes and point, whose out-of-range entries carry one flag: one test refuses every
// length this layout does not take. Those changes (38 of 48,041 in the recorded frames)
// are read by the AVX2 routine instead, so the kernel takes what the AVX2 one takes, and also
// numbers of 8 + 8 digits (17 characters), which the AVX2 one leaves to the general reader.
#include "v2_change_avx2.hpp"

#if defined(RTC_HAVE_AVX2_KERNEL)
#define RTC_AVX512 __attribute__((target("avx2,bmi,bmi2,avx512f,avx512bw,avx512vl,avx512vbmi")))
#endif

namespace rtcrypto::feed_detail {

#if defined(RTC_HAVE_AVX2_KERNEL)
namespace {

using namespace avx2_change;

// Set in a table entry for a length the layout does not take (outside the 32 lane bits).
constexpr std::uint64_t kTooLong = std::uint64_t{1} << 63;

// Lanes [8 - i, 8): i integral digits (at most 8).
constexpr std::uint64_t int_lanes(int i) {
  return i > 8 ? kTooLong : ((std::uint64_t{1} << i) - 1) << (8 - i);
}
// For d = (closing quote - point): none (d = 0, no point) or lanes [8, 8 + d - 1).
constexpr std::uint64_t frac_lanes(int d) {
  return d > 9 ? kTooLong : d == 0 ? 0 : ((std::uint64_t{1} << (d - 1)) - 1) << 8;
}

// The same lanes for the quantity (lanes 16-31), the flag kept.
constexpr std::uint64_t to_quantity(std::uint64_t lanes) {
  return lanes & kTooLong ? kTooLong : lanes << 16;
}

// Positions are bytes of the 32-byte window from the price's opening quote: the price's
// point (or closing quote when it has none) pt1 and closing quote e1; the quantity's
// pt2 and e2 (its opening quote at e1 + 2). All lie in [0, 32].
struct Consts512 {
  // [x]: lane j's byte (of 16) for a number whose point is byte x of the loaded window.
  // Two rows (price, quantity) make the permute's index: two loads, where broadcasting x
  // into each half and adding the lanes' offsets took six instructions.
  alignas(16) signed char at_of[33][16];
  Bytes32 nine;                     // 9 in every byte
  std::uint64_t price_int[33];      // [pt1]: pt1 - 1 integral digits
  std::uint64_t price_frac[33];     // [e1 - pt1]
  std::uint64_t quantity_int[33];   // [pt2 - e1]: pt2 - e1 - 3 integral digits, at least 1
  std::uint64_t quantity_frac[33];  // [e2 - pt2]
  std::int64_t factor[2];           // 10^10 for a bid's price, -10^10 for an ask's
  std::uint64_t quantity_factor;    // 10^10
};
alignas(64) constexpr Consts512 kConsts512 = [] {
  Consts512 c{};
  for (int x = 0; x < 33; ++x) {
    for (int j = 0; j < 16; ++j) {
      // The integral digits before the point, the fractional ones after it (mod 32: the
      // permute reads the low 5 bits).
      c.at_of[x][j] = static_cast<signed char>(((j < 8 ? j - 8 : j - 7) + x) & 31);
    }
  }
  for (int j = 0; j < 32; ++j) c.nine.b[j] = 9;
  c.factor[0] = 10'000'000'000;
  c.factor[1] = -c.factor[0];
  c.quantity_factor = 10'000'000'000;
  for (int d = 0; d < 33; ++d) {
    c.price_int[d] = d == 0 ? kTooLong : int_lanes(d - 1);
    c.price_frac[d] = frac_lanes(d);
    c.quantity_int[d] = d < 4 ? kTooLong : to_quantity(int_lanes(d - 3));
    c.quantity_frac[d] = to_quantity(frac_lanes(d));
  }
  return c;
}();

constexpr std::uint16_t kCommaQuote = ',' | ('"' << 8);

// blsr and blsmsk as single instructions (GCC 12 builds both from one x - 1: four).
[[gnu::always_inline]] inline std::uint32_t lowest_cleared(std::uint32_t x) {
  std::uint32_t r;
  asm("blsr %1, %0" : "=r"(r) : "rm"(x) : "cc");
  return r;
}
[[gnu::always_inline]] inline std::uint32_t up_to_lowest(std::uint32_t x) {
  std::uint32_t r;
  asm("blsmsk %1, %0" : "=r"(r) : "rm"(x) : "cc");
  return r;
}

// One change at p (64 readable bytes, the first 8 `head`, `sell` = side_of(head)) in the
// point-aligned layout; writes it to `out` and returns the position after its `]`, or nullptr
// when it is not of that shape. The window is loaded from w, which waits for the head's
// side; that wait is not on the chain from change to change (the next change's `[` is found
// apart), and it spares a buy's masks the shifts that a window loaded before it needed.
//
// The window's quote and point masks give the layout `"price","quantity"]` (the separator
// and the closing bracket checked with two loads), each number's point pt (the first point
// or quote after its opening quote) and closing quote e. The permute reads, for each
// number, the 8 bytes before pt and the 8 after it; the table lanes keep exactly the bytes
// between the quotes other than pt, which must all be digits. So a number is digits with at
// most one point, as Decimal::parse's fast path reads it: a price may start with its point
// (".5"; "." reads as 0 and is refused with the other zero prices), a quantity may not.
RTC_AVX512 [[gnu::always_inline]] inline const char* aligned_change(
    const char* p, std::uint64_t head, std::size_t sell, ScannedLevel& out, const Consts& k,
    const Consts512& k5) {
  if (head != k.open_of[sell]) return nullptr;
  const char* const w = p + 7 + sell;  // the price's opening quote
  const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w));
  const __mmask32 quote_mask = _mm256_cmpeq_epi8_mask(b, vec(&k.quote));
  const __mmask32 point_mask = _mm256_cmpeq_epi8_mask(b, vec(&k.point));
  const std::uint32_t quotes = _cvtmask32_u32(quote_mask);
  const std::uint32_t stops = _cvtmask32_u32(_kor_mask32(quote_mask, point_mask));
  if (!(quotes & 1u)) return nullptr;
  const std::uint32_t q1 = _blsr_u32(quotes);
  const std::uint32_t q2 = _blsr_u32(q1);  // from the quantity's opening quote (if e1 < 30)
  const std::size_t e1 = tz(q1);
  const std::size_t pt1 = tz(_blsr_u32(stops));
  std::uint16_t sep;
  std::memcpy(&sep, w + e1 + 1, 2);
  if (sep != kCommaQuote) return nullptr;
  const std::size_t e2 = tz(lowest_cleared(q2));
  const std::size_t pt2 = tz(_andn_u32(up_to_lowest(q2), stops));
  std::uint16_t close;
  std::memcpy(&close, w + e2, 2);
  if (close != kQuoteBracket) return nullptr;
  const std::uint64_t lanes = k5.price_int[pt1] | k5.price_frac[e1 - pt1] |
                              k5.quantity_int[pt2 - e1] | k5.quantity_frac[e2 - pt2];
  if (lanes & kTooLong) return nullptr;
  const __m256i at = _mm256_inserti128_si256(_mm256_castsi128_si256(vec128(k5.at_of[pt1])),
                                             vec128(k5.at_of[pt2]), 1);
  const __m256i d = _mm256_maskz_permutexvar_epi8(static_cast<__mmask32>(lanes), at,
                                                  _mm256_sub_epi8(b, vec(&k.zero)));
  if (_mm256_cmpgt_epu8_mask(d, vec(&k5.nine)) != 0) return nullptr;
  // Pairs, fours, eights (integral and fractional digits), then 16 digits per number.
  const __m256i fours = _mm256_madd_epi16(_mm256_maddubs_epi16(d, vec(k.w10)), vec(k.w100));
  const __m256i eights = _mm256_madd_epi16(_mm256_packus_epi32(fours, fours), vec(k.w10k));
  const __m256i d16 =
      _mm256_add_epi64(_mm256_mul_epu32(eights, vec(k.e8)), _mm256_srli_epi64(eights, 32));
  // Through the level's memory (a store, two forwarded loads): ~1% faster than the moves
  // out of the vector register, which take vector-port uops.
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(&out), d16);
  // (As asm: GCC would turn the loads back into the moves.)
  std::int64_t price;
  std::uint64_t qty;
  asm("mov %1, %0" : "=r"(price) : "m"(*reinterpret_cast<const std::int64_t*>(&out)));
  asm("mov %1, %0" : "=r"(qty) : "m"(*(reinterpret_cast<const std::uint64_t*>(&out) + 2)));
  if (price == 0) return nullptr;
  // The value times 10^8 < 10^16, times 10^10: one 64x64->128 multiply each. The side
  // rides in the sign of the price.
  out.signed_price = static_cast<Decimal::Rep>(price) * static_cast<Decimal::Rep>(k5.factor[sell]);
  out.quantity =
      static_cast<Decimal::Rep>(static_cast<unsigned __int128>(qty) * k5.quantity_factor);
  return w + e2 + 2;
}

// The AVX2 reading, out of line: it is rare, and inlined it crowded the loop's registers.
RTC_AVX2 [[gnu::noinline]] const char* avx2_change(const char* p, ScannedLevel& out) {
  return one_change(p, out, kConsts);
}

// Delta spans: sides at random, read as data. (Not inlined with side_runs: their shared
// prologue made short calls ~3% slower.) A DeltaRunFn: a delta frame's changes in place,
// then in its tail copy, in one call (each part a call of its own cost the entry and exit
// twice in half the frames).
RTC_AVX512 [[gnu::noinline]] const char* delta_run(const char* p_in, const char* limit_in,
                                                   const char* tail_begin, const char* tail,
                                                   const char* tail_limit, LevelBuffer& levels) {
  const Consts* kp = &kConsts;
  const Consts512* k5p = &kConsts512;
  asm("" : "+r"(kp), "+r"(k5p));
  const Consts& k = *kp;
  const Consts512& k5 = *k5p;
  ScannedLevel* const first = levels.reserve(DeltaSpan::room(p_in, limit_in, tail, tail_limit));
  DeltaSpan d(p_in, limit_in, tail_begin, tail, tail_limit);
  const char*& p = d.p;
  ScannedLevel* out = first;
  const char* done = nullptr;
  for (;;) {
    if (p >= d.limit) [[unlikely]] {
      if (!d.cross()) break;  // past the part in place: on in the copy, once
    }
    // The next change's `[`, found apart from this change's reading so the next iteration's
    // loads need not wait for it: a change takes 15 to 46 bytes, and has no `[` after its
    // first byte, so the next starts at the first `[` in [p + 16, p + 48) or is not there.
    // (A byte compare and movemask: 4 cycles where a compare into a mask register and its
    // move take 6, on this loop's one chain from change to change.)
    const auto opens = static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(
        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 16)), vec(&k.open))));
    // (64-bit count: no zero-extension. With no `[` it runs past p + 48, where `,[` can't be.)
    const char* const next = p + 16 + _tzcnt_u64(opens);
    std::uint64_t head;
    std::memcpy(&head, p, 8);
    const char* q = aligned_change(p, head, side_of(head), *out, k, k5);
    if (!q) q = avx2_change(p, *out);  // longer numbers, a quantity like ".5", ...
    if (!q) {
      done = out == first ? nullptr : p - 1;  // before the comma that follows the last one
      break;
    }
    ++out;
    done = q;
    // No `[` ahead: this is the last change. (Known long before its `]` is: the frame's
    // last change mispredicts this exit, and resolving it early cuts that cost.)
    if (opens == 0) break;
    // `,[` (then next is q + 1), or no change would be taken after this one.
    std::uint16_t after;
    std::memcpy(&after, q, 2);
    if (after != kCommaOpen) break;
    p = next;
  }
  levels.commit(static_cast<std::size_t>(out - first));
  return done;
}

// Where a side-run read is: the next level's slot, the first one, the last change's end.
struct RunState {
  ScannedLevel* out;
  ScannedLevel* first;
  const char* done;
};

// The changes from p while their side is kSell, as delta_run reads them (the side a
// constant). Returns the first change of another side for the caller, or nullptr when the
// run ends (st.done set).
//
// The search for the next `[` (~17 cycles) is the one chain from change to change, but the
// loop is about as long without it: its uops' throughput limits it too. Measured slower
// (session 8, parse_only, same-run A/B): listing the `[` of each 1-4 KB first, four a 64-byte
// block with tzcnt, so the loop takes the next position from memory: loop 6% faster, +7% in
// all (the listing's tzcnt and popcnt take port 1); one 64-byte search for the next two
// changes: +3%; two changes per 512-bit permute and reduction: +40% or more.
template <std::size_t kSell>
RTC_AVX512 [[gnu::always_inline]] inline const char* side_run(const char* p, const char* limit,
                                                              RunState& st, __m256i open,
                                                              const Consts& k,
                                                              const Consts512& k5) {
  ScannedLevel* out = st.out;
  const char* done = st.done;
  const char* other = nullptr;
  while (p < limit) {
    const auto opens = static_cast<std::uint32_t>(_mm256_movemask_epi8(
        _mm256_cmpeq_epi8(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 16)), open)));
    const char* const next = p + 16 + _tzcnt_u64(opens);
    std::uint64_t head;
    std::memcpy(&head, p, 8);
    if (head != k.open_of[kSell]) {
      other = p;
      break;
    }
    const char* q = aligned_change(p, head, kSell, *out, k, k5);
    if (!q) [[unlikely]] {
      q = avx2_change(p, *out);
      if (!q) {
        done = out == st.first ? nullptr : p - 1;
        break;
      }
    }
    ++out;
    done = q;
    std::uint16_t after;
    std::memcpy(&after, q, 2);
    if (after != kCommaOpen) break;
    p = next;
  }
  st.out = out;
  st.done = done;
  return other;
}

// Spans longer than this are snapshots (or big deltas) whose changes come in runs of one
// side: a loop per side reads each run, the side a constant (~2% faster than one loop
// branching on the side). Short delta spans have random sides, which switching loops would
// mispredict: their loop reads the side as data.
constexpr std::ptrdiff_t kSideRunSpan = 1024;

RTC_AVX512 [[gnu::noinline]] const char* side_runs(const char* p, const char* limit,
                                                   LevelBuffer& levels) {
  const Consts* kp = &kConsts;
  const Consts512* k5p = &kConsts512;
  asm("" : "+r"(kp), "+r"(k5p));
  const Consts& k = *kp;
  const Consts512& k5 = *k5p;
  ScannedLevel* const first = levels.reserve(static_cast<std::size_t>(limit - p) / 16 + 1);
  RunState st{first, first, nullptr};
  const __m256i open = vec(&k.open);
  while (p) {
    std::uint64_t head;
    std::memcpy(&head, p, 8);
    if (head == k.open_of[1]) {
      p = side_run<1>(p, limit, st, open, k, k5);
    } else if (head == k.open_of[0]) {
      p = side_run<0>(p, limit, st, open, k, k5);
    } else {  // not a change (the AVX2 reading refuses it too)
      st.done = st.out == first ? nullptr : p - 1;
      break;
    }
  }
  levels.commit(static_cast<std::size_t>(st.out - first));
  return st.done;
}

RTC_AVX512 const char* run_avx512(const char* p, const char* limit, LevelBuffer& levels) {
  return limit - p > kSideRunSpan ? side_runs(p, limit, levels)
                                  : delta_run(p, limit, limit, limit, limit, levels);
}

}  // namespace

bool avx512_usable() {
  __builtin_cpu_init();
  return avx2_usable() && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vbmi");
}

const char* change_run_avx512(const char* p, const char* limit, LevelBuffer& levels) {
  return run_avx512(p, limit, levels);
}

const char* delta_run_avx512(const char* p, const char* limit, const char* tail_begin,
                             const char* tail, const char* tail_limit, LevelBuffer& levels) {
  return delta_run(p, limit, tail_begin, tail, tail_limit, levels);
}

#else

bool avx512_usable() {
  return false;
}

const char* change_run_avx512(const char* p, const char* limit, LevelBuffer& levels) {
  return change_run_baseline(p, limit, levels);
}

const char* delta_run_avx512(const char* p, const char* limit, const char* tail_begin,
                             const char* tail, const char* tail_limit, LevelBuffer& levels) {
  return delta_run_baseline(p, limit, tail_begin, tail, tail_limit, levels);
}

#endif

}  // namespace rtcrypto::feed_detail
