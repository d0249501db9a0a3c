// The AVX2 trade kernel: a trade's fields found with 32-byte masks, its two decimals read
// as the AVX2 change kernel reads a change's (one shuffle each, the point dropped) and its
// two integers the same way, each pair in one multiply-add reduction. About 250
// instructions a trade where the SSE2 reader takes about 330 (unpacks per digit row), at
// about 4 a cycle: what limits it is how many trades are in flight at once, so the next
// trade's start is guessed ahead and the chain of loads within a trade kept short.
#include "v2_trade_run.hpp"

#include <limits>

#include "rtcrypto/feed/feed_parser.hpp"
#include "v2_change_avx2.hpp"

namespace rtcrypto::feed_detail {

#if defined(RTC_HAVE_AVX2_KERNEL)
namespace {

using namespace avx2_change;

// Literal text of 1..32 bytes, padded, and 0xFF over its bytes: matched with an xor and a
// test (no mask moved out of the vector unit).
struct alignas(32) Lit {
  char text[32];
  unsigned char keep[32];
};
template <std::size_t N>
constexpr Lit lit(const char (&s)[N]) {
  static_assert(N - 1 >= 1 && N - 1 <= 32);
  Lit l{};
  for (std::size_t i = 0; i + 1 < N; ++i) l.text[i] = s[i], l.keep[i] = 0xFF;
  return l;
}
inline constexpr Lit kExchangeHead = lit("{\"type\":\"trade\",\"symbol\":\"");
inline constexpr Lit kSortedHead = lit("{\"event_id\":");
inline constexpr Lit kEventId = lit("\",\"event_id\":");
inline constexpr Lit kTimestamp = lit(",\"timestamp\":");
inline constexpr Lit kPrice = lit(",\"price\":\"");
inline constexpr Lit kQuantity = lit("\",\"quantity\":\"");
inline constexpr Lit kBuyEnd = lit("\",\"side\":\"buy\"}");
inline constexpr Lit kSellEnd = lit("\",\"side\":\"sell\"}");
inline constexpr Lit kBuySymbol = lit("\",\"side\":\"buy\",\"symbol\":\"");
inline constexpr Lit kSellSymbol = lit("\",\"side\":\"sell\",\"symbol\":\"");
inline constexpr Lit kTid = lit("\",\"tid\":");
inline constexpr Lit kTypeEnd = lit(",\"type\":\"trade\"}");
// Bytes a plain symbol may not have: controls and bytes >= 0x80 (below 0x20 as signed),
// 0x7f, backslashes.
struct alignas(16) SymbolConsts {
  char space[16], del[16], backslash[16];
};
inline constexpr SymbolConsts kSymbolConsts = [] {
  SymbolConsts c{};
  for (int i = 0; i < 16; ++i) c.space[i] = 0x20, c.del[i] = 0x7f, c.backslash[i] = '\\';
  return c;
}();

// Whether the 32 readable bytes at p start with l's text.
RTC_AVX2 [[gnu::always_inline]] inline bool matches(const char* p, const Lit& l) {
  const __m256i diff =
      _mm256_xor_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)), vec(l.text));
  return _mm256_testz_si256(diff, vec(l.keep)) != 0;
}

// Bit i set where byte i of the 32 at q is not an ASCII digit.
RTC_AVX2 [[gnu::always_inline]] inline std::uint32_t non_digits(const char* q, const Consts& k) {
  const __m256i d =
      _mm256_sub_epi8(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(q)), vec(&k.zero));
  return static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_adds_epu8(d, vec(&k.over9))));
}

// Bit i set where byte i of the 64 at p is not an ASCII digit.
RTC_AVX2 [[gnu::always_inline]] inline std::uint64_t non_digits64(const char* p, const Consts& k) {
  return non_digits(p, k) | static_cast<std::uint64_t>(non_digits(p + 32, k)) << 32;
}

// The length of the JSON integer at q (digits, no leading zero) when it has 1..max digits,
// else 0, from `nd`: non_digits64() of the bytes from q - off (off + max < 64).
RTC_AVX2 [[gnu::always_inline]] inline std::size_t integer_in(const char* q, std::uint64_t nd,
                                                              std::size_t off, std::size_t max) {
  const std::size_t n = _tzcnt_u64(nd >> off);
  return n - 1 < max && (n == 1 || q[0] != '0') ? n : 0;
}

// The length of the JSON integer at q (digits, no leading zero) when it has 1..max digits,
// else 0.
RTC_AVX2 [[gnu::always_inline]] inline std::size_t integer_at(const char* q, std::size_t max,
                                                              const Consts& k) {
  const std::size_t n = tz(non_digits(q, k));
  return n - 1 < max && (n == 1 || q[0] != '0') ? n : 0;
}

// The digit values of the n (1..16) digits at q, right-aligned in 16 lanes.
RTC_AVX2 [[gnu::always_inline]] inline __m128i digit_row(const char* q, std::size_t n,
                                                         const Consts& k) {
  return _mm_shuffle_epi8(_mm_sub_epi8(load128(q), vec128(&k.zero)), load128(k.shift + n));
}

// Bit i set where byte i of lo, then hi (64 bytes) is c.
RTC_AVX2 [[gnu::always_inline]] inline std::uint64_t mask64(__m256i lo, __m256i hi,
                                                            const Bytes32& c) {
  const auto l = static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(lo, vec(&c))));
  const auto h = static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, vec(&c))));
  return l | static_cast<std::uint64_t>(h) << 32;
}

// `"P","quantity":"Q"` at w (its first quote; 64 readable bytes, and 32 from each quote):
// both decimals as one_change() reads a change's (1..16 characters, digits and at most one
// point; a quantity starting with a point and a zero price are left to the general reader).
// Returns the position of the quantity's closing quote, or nullptr.
RTC_AVX2 [[gnu::always_inline]] inline const char* decimal_pair(const char* w, Decimal::Rep& price,
                                                                Decimal::Rep& qty,
                                                                const Consts& k) {
  const __m256i b0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w));
  const __m256i b1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + 32));
  const std::uint64_t q1 = mask64(b0, b1, k.quote) & ~std::uint64_t{1};
  const std::size_t e1 = _tzcnt_u64(q1);  // the price in [1, e1)
  if (!matches(w + e1, kQuantity)) return nullptr;
  // The quantity in [s2, e2): the quote after the literal's four.
  const std::size_t s2 = e1 + 14;
  const std::size_t e2 = _tzcnt_u64(_blsr_u64(_blsr_u64(_blsr_u64(_blsr_u64(q1)))));
  const std::size_t n1 = e1 - 1, n2 = e2 - s2;  // lengths, 1..16
  if (((n1 - 1) | (n2 - 1)) > 15) return nullptr;
  const std::uint64_t points = mask64(b0, b1, k.point);
  const auto qty_points = static_cast<std::uint32_t>(points >> s2);
  if (qty_points & 1u) return nullptr;
  std::size_t x1, x2;
  __m128i d1, d2;
  if (!digit_rows(w, s2, n1, n2, static_cast<std::uint32_t>(points >> 1), qty_points, k, x1, x2, d1,
                  d2)) {
    return nullptr;
  }
  std::uint64_t pm, qm;
  two_rows(d1, d2, k, pm, qm);
  if (pm == 0) return nullptr;
  // Mantissas < 10^16 and factors <= 10^18: no overflow.
  price = static_cast<Decimal::Rep>(static_cast<unsigned __int128>(pm) * k.scale_of[x1]);
  qty = static_cast<Decimal::Rep>(static_cast<unsigned __int128>(qm) * k.scale_of[x2]);
  return w + e2;
}

// A plain symbol at p (after its opening quote): 1..15 bytes, no controls, bytes >= 0x7f
// or backslashes. Returns its closing quote, or nullptr.
RTC_AVX2 [[gnu::always_inline]] inline const char* plain_symbol(const char* p, const Consts& k) {
  const __m128i b = load128(p);
  const auto quote =
      static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(b, vec128(&k.quote))));
  const SymbolConsts* cp = &kSymbolConsts;
  asm("" : "+r"(cp));  // (else GCC rebuilds each splat per trade)
  const SymbolConsts& c = *cp;
  const auto bad = static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_or_si128(
      _mm_or_si128(_mm_cmpgt_epi8(vec128(c.space), b), _mm_cmpeq_epi8(b, vec128(c.del))),
      _mm_cmpeq_epi8(b, vec128(c.backslash)))));
  const std::size_t len = tz(quote);
  if (len - 1 > 14 || _bzhi_u32(bad, static_cast<unsigned>(len)) != 0) return nullptr;
  return p + len;
}

// A flat trade's values, kept in registers until the trade is taken whole (then stored
// once, in place: no defaults written first).
struct Fields {
  Decimal::Rep price, qty;
  OrderSide taker;
  std::uint64_t ms, id;
};

// {"type":"trade","symbol":"S","event_id":N,"timestamp":N,"price":"D","quantity":"D",
//  "side":"buy|sell"} at p: fills f and returns the position after its `}`, or nullptr.
RTC_AVX2 [[gnu::always_inline]] inline const char* exchange_trade(const char* p, Fields& f,
                                                                  const Consts& k) {
  const char* q;
  if (!matches(p, kExchangeHead) || !(q = plain_symbol(p + 26, k)) || !matches(q, kEventId)) {
    return nullptr;
  }
  // The two integers' digits in one 64-byte window at a fixed place, found by shifts of its
  // mask (each a load from where the last value ended lengthened the trade's chain): the id
  // starts 0..14 bytes in (symbols of 1..15), the time 13 after the id's 1..16 digits, so
  // both end within it.
  const std::uint64_t nd = non_digits64(p + 40, k);
  const char* const id_at = q + 13;
  const auto id_off = static_cast<std::size_t>(id_at - (p + 40));
  const std::size_t id_n = integer_in(id_at, nd, id_off, 16);
  if (id_n == 0 || !matches(id_at + id_n, kTimestamp)) return nullptr;
  const char* const ms_at = id_at + id_n + 13;
  const std::size_t ms_n = integer_in(ms_at, nd, id_off + id_n + 13, 16);
  if (ms_n == 0 || !matches(ms_at + ms_n, kPrice)) return nullptr;
  Decimal::Rep price, qty;
  if (!(q = decimal_pair(ms_at + ms_n + 9, price, qty, k))) return nullptr;
  OrderSide taker;
  if (matches(q, kBuyEnd)) {
    taker = OrderSide::Buy;
    q += 15;
  } else if (matches(q, kSellEnd)) {
    taker = OrderSide::Sell;
    q += 16;
  } else {
    return nullptr;
  }
  two_rows(digit_row(id_at, id_n, k), digit_row(ms_at, ms_n, k), k, f.id, f.ms);
  f.price = price, f.qty = qty, f.taker = taker;
  return q;
}

// {"event_id":N,"price":"D","quantity":"D","side":"buy|sell","symbol":"S","tid":N,
//  "timestamp":N,"type":"trade"} at p (the id is the tid, as the general reader takes it).
RTC_AVX2 [[gnu::always_inline]] inline const char* sorted_trade(const char* p, Fields& f,
                                                                const Consts& k) {
  if (!matches(p, kSortedHead)) return nullptr;
  const std::size_t n = integer_at(p + 12, 18, k);  // only checked
  if (n == 0 || !matches(p + 12 + n, kPrice)) return nullptr;
  Decimal::Rep price, qty;
  const char* q;
  if (!(q = decimal_pair(p + 12 + n + 9, price, qty, k))) return nullptr;
  OrderSide taker;
  if (matches(q, kBuySymbol)) {
    taker = OrderSide::Buy;
    q += 25;
  } else if (matches(q, kSellSymbol)) {
    taker = OrderSide::Sell;
    q += 26;
  } else {
    return nullptr;
  }
  if (!(q = plain_symbol(q, k)) || !matches(q, kTid)) return nullptr;
  const char* const tid_at = q + 8;
  const std::size_t tid_n = integer_at(tid_at, 16, k);
  if (tid_n == 0 || !matches(tid_at + tid_n, kTimestamp)) return nullptr;
  const char* const ms_at = tid_at + tid_n + 13;
  const std::size_t ms_n = integer_at(ms_at, 16, k);
  if (ms_n == 0 || !matches(ms_at + ms_n, kTypeEnd)) return nullptr;
  two_rows(digit_row(tid_at, tid_n, k), digit_row(ms_at, ms_n, k), k, f.id, f.ms);
  f.price = price, f.qty = qty, f.taker = taker;
  return ms_at + ms_n + 16;
}

// Where the trade after the one at p likely starts: the first `{` in the 64 bytes from
// w = p + kExchangeNext (or kSortedNext), or those bytes' end where there is none. Found
// from p alone, so the next trade's reading need not wait for this one's walk to its end;
// the walk only confirms it. The windows take all trades from 112 bytes in the exchange's
// shape (at most 171; with an 11-digit id and a 13-digit time, 115 and the symbol and
// values) and from 136 in the sorted one (at most 196; 133 with two such ids and the
// time); shorter ones, and a `{` in a symbol, cost a mispredicted branch.
inline constexpr std::size_t kExchangeNext = 112, kSortedNext = 136;
RTC_AVX2 [[gnu::always_inline]] inline const char* next_open(const char* w, const Bytes32& brace) {
  const __m256i b0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w));
  const __m256i b1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + 32));
  return w + _tzcnt_u64(mask64(b0, b1, brace));
}

inline constexpr Bytes32 kBrace = splat('{');

RTC_AVX2 const char* trades_avx2(const char* p, const char* readable_end,
                                 std::vector<PendingTrade>& trades) {
  const Consts* kp = &kConsts;
  asm("" : "+r"(kp));
  const Consts& k = *kp;
  const Bytes32* bp = &kBrace;
  asm("" : "+r"(bp));  // (as kp)
  const char* done = nullptr;
  while (readable_end - p >= static_cast<std::ptrdiff_t>(kTradeRunReadable)) {
    // The text three trades on: a snapshot's trades are read once a loop, not from near caches
    // (measured: a fifth less time in this loop; prefetches do not fault past the end).
    _mm_prefetch(p + 384, _MM_HINT_T0);
    _mm_prefetch(p + 448, _MM_HINT_T0);
    const char* next;
    const char* e;
    Fields f;
    if (p[2] == 't') {  // (each shape's window at a constant offset: no select)
      next = next_open(p + kExchangeNext, *bp);
      e = exchange_trade(p, f, k);
    } else {
      next = next_open(p + kSortedNext, *bp);
      e = sorted_trade(p, f, k);
    }
    TimeNs ts;
    if (!e || !trade_time(f.ms, ts)) break;
    trades.emplace_back(Decimal::from_raw(f.price), Decimal::from_raw(f.qty), f.taker, true, ts,
                        static_cast<std::int64_t>(f.id));
    done = e;
    if (e + 1 != next) [[unlikely]] {
      if (e[0] != ',' || e[1] != '{') break;
      asm volatile("" ::: "memory");  // a branch, not a select: p must not wait for e below
      p = e + 1;
      continue;
    }
    if (e[0] != ',') break;
    asm("" : "+r"(next));  // (equal to e + 1 here: not taken from it)
    p = next;
  }
  return done;
}

}  // namespace

const char* trade_run_avx2(const char* p, const char* readable_end,
                           std::vector<PendingTrade>& trades) {
  return trades_avx2(p, readable_end, trades);
}

TradeRunFn best_trade_run() {
  static const TradeRunFn best = avx2_usable() ? trade_run_avx2 : nullptr;
  return best;
}

#else

const char* trade_run_avx2(const char*, const char*, std::vector<PendingTrade>&) {
  return nullptr;
}

TradeRunFn best_trade_run() {
  return nullptr;
}

#endif

namespace {
TradeRunFn& trade_run_slot() {
  static TradeRunFn run = best_trade_run();
  return run;
}
}  // namespace

TradeRunFn trade_run() {
  return trade_run_slot();
}

void set_trade_run(TradeRunFn run) {
  trade_run_slot() = run;
}

}  // namespace rtcrypto::feed_detail
