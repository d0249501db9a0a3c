#include "v2_l2_scanner.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "json_util.hpp"
#include "rtcrypto/core/pow10.hpp"
#include "rtcrypto/feed/feed_parser.hpp"
#include "v2_change_run.hpp"
#include "v2_delta_scan.hpp"
#include "v2_trade_run.hpp"

namespace rtcrypto::feed_detail {
namespace {

constexpr const std::uint64_t* kPow10 = kPow10U64;

// Eight bytes of text as a little-endian word (first byte lowest), as memcpy reads them.
constexpr std::uint64_t le_word(const char (&s)[9]) {
  std::uint64_t w = 0;
  for (int i = 7; i >= 0; --i) w = (w << 8) | static_cast<unsigned char>(s[i]);
  return w;
}
// A change's opening up to its price: `["buy",` (7 bytes) and `["sell",`.
constexpr std::uint64_t kBuyHead = le_word("[\"buy\",\0");
constexpr std::uint64_t kSellHead = le_word("[\"sell\",");

// The value of the n (1..8) ASCII digits at q; 8 bytes at q are readable. Subtracting
// '0' from the whole word only borrows upward, from bytes past the digits, which the
// shift drops; the shift leaves zeros (leading zero digits) in the low bytes.
// The same for a word already loaded (digits from the lowest byte up).
[[gnu::always_inline]] inline std::uint64_t word_digits(std::uint64_t chunk, int n) {
  constexpr std::uint64_t kZeros = 0x3030303030303030ULL;  // "00000000"
  chunk = (chunk - kZeros) << (8 * (8 - n));
  chunk = chunk * 10 + (chunk >> 8);
  return (((chunk & 0x000000FF000000FFULL) * (100 + (1000000ULL << 32))) +
          (((chunk >> 16) & 0x000000FF000000FFULL) * (1 + (10000ULL << 32)))) >>
         32;
}
[[gnu::always_inline]] inline std::uint64_t upto8_digits(const char* q, int n) {
  std::uint64_t chunk;
  std::memcpy(&chunk, q, 8);
  return word_digits(chunk, n);
}
// The value of the n (1..16) ASCII digits at q; 16 bytes at q are readable.
[[gnu::always_inline]] inline std::uint64_t upto16_digits(const char* q, int n) {
  if (n <= 8) return upto8_digits(q, n);
  return upto8_digits(q, n - 8) * 100000000ULL + upto8_digits(q + n - 8, 8);
}

#if defined(__SSE2__)
// "d[.d]" (the opening quote already read) whose digits and the byte after them lie within
// the 16 bytes at q: the non-digits are found with one compare, the digits read 8 at a time.
// Returns the position after the digits (the caller checks the closing quote there), nullptr
// for every other shape (no digit before or after the point, longer numbers), which callers
// leave to the general reader. Reads at most 24 bytes from q.
[[gnu::always_inline]] inline const char* decimal_digits(const char* q, Decimal::Rep& raw) {
  const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
  const __m128i is_digit = _mm_and_si128(_mm_cmpgt_epi8(b, _mm_set1_epi8('0' - 1)),
                                         _mm_cmplt_epi8(b, _mm_set1_epi8('9' + 1)));
  const unsigned other = ~static_cast<unsigned>(_mm_movemask_epi8(is_digit)) & 0xFFFFu;
  if (other == 0) return nullptr;
  const int n1 = __builtin_ctz(other);  // integer digits
  if (n1 == 0) return nullptr;
  std::uint64_t mant;
  int frac = 0;
  const char* close = q + n1;
  if (*close == '.') {
    const unsigned rest = other >> (n1 + 1);
    if (rest == 0) return nullptr;
    frac = __builtin_ctz(rest);  // fractional digits; n1 + 1 + frac < 16
    if (frac == 0) return nullptr;
    if (n1 + frac <= 8) {
      // Both parts in one word without the point, read as one run of digits.
      std::uint64_t a, f;
      std::memcpy(&a, q, 8);
      std::memcpy(&f, q + n1 + 1, 8);
      const std::uint64_t joined = (a & ((std::uint64_t{1} << (8 * n1)) - 1)) | (f << (8 * n1));
      mant = word_digits(joined, n1 + frac);
    } else {
      mant = upto16_digits(q, n1) * kPow10[frac] + upto16_digits(q + n1 + 1, frac);
    }
    close += 1 + frac;
  } else {
    mant = upto16_digits(q, n1);
  }
  // mant < 10^15 and the factor <= 10^18: no overflow.
  raw = static_cast<Decimal::Rep>(static_cast<unsigned __int128>(mant) *
                                  kPow10[Decimal::kScale - frac]);
  return close;
}
// The same with its closing quote checked: returns the position after that quote.
[[gnu::always_inline]] inline const char* short_decimal(const char* q, Decimal::Rep& raw) {
  const char* const close = decimal_digits(q, raw);
  return close && *close == '"' ? close + 1 : nullptr;
}

// One change `["buy","p","q"]` / `["sell","p","q"]` of short decimals with a positive
// price, at p with 64 readable bytes; fills `out` and returns the position after its `]`,
// or nullptr (out then holds anything).
[[gnu::always_inline]] inline const char* short_change(const char* p, ScannedLevel& out) {
  std::uint64_t w;
  std::memcpy(&w, p, 8);
  bool ask;
  if ((w & 0x00FFFFFFFFFFFFFFULL) == kBuyHead) {
    ask = false;
    p += 7;
  } else if (w == kSellHead) {
    ask = true;
    p += 8;
  } else {
    return nullptr;
  }
  Decimal::Rep price, qty;
  if (*p != '"' || !(p = short_decimal(p + 1, price)) || p[0] != ',' || p[1] != '"' ||
      !(p = short_decimal(p + 2, qty)) || *p != ']' || price <= 0) {
    return nullptr;
  }
  out.signed_price = ask ? -price : price;
  out.quantity = qty;
  return p + 1;
}
#endif

// Whether the text at p starts with `s` (readable); moves p past it when it does.
template <std::size_t N>
[[gnu::always_inline]] inline bool lit(const char*& p, const char (&s)[N]) {
  if (!starts(p, s)) return false;
  p += N - 1;
  return true;
}

#if defined(__SSE2__)
// 16 zero bytes, then 16 0xFF: the 16 from kLastLanes + n keep the last n lanes.
alignas(32) constexpr unsigned char kLastLanes[32] = {
    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};

// 16 0xFF bytes, then 16 zero: the 16 from kFirstLanes + 16 - n keep the first n lanes.
alignas(32) constexpr unsigned char kFirstLanes[32] = {
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0};

// The values of two rows of 16 digit values (0..9 a byte, the first the most significant),
// in one multiply-add chain: pairs, fours, eights, then sixteen digits each.
[[gnu::always_inline]] inline void two_digit_rows(__m128i da, __m128i db, std::uint64_t& va,
                                                  std::uint64_t& vb) {
  const __m128i zero = _mm_setzero_si128();
  const __m128i w10 = _mm_set1_epi32(10 | (1 << 16));      // [10, 1] u16 pairs
  const __m128i w100 = _mm_set1_epi32(100 | (1 << 16));    // [100, 1]
  const __m128i w10k = _mm_set1_epi32(10000 | (1 << 16));  // [10^4, 1]
  const auto fours = [&](__m128i d) {
    const __m128i pairs = _mm_packs_epi32(_mm_madd_epi16(_mm_unpacklo_epi8(d, zero), w10),
                                          _mm_madd_epi16(_mm_unpackhi_epi8(d, zero), w10));
    return _mm_madd_epi16(pairs, w100);  // four u32 of four digits each
  };
  // Eights as u32: a's high, a's low, b's high, b's low; then a and b as u64.
  const __m128i eights = _mm_madd_epi16(_mm_packs_epi32(fours(da), fours(db)), w10k);
  const __m128i both =
      _mm_add_epi64(_mm_mul_epu32(eights, _mm_set1_epi64x(100000000)), _mm_srli_epi64(eights, 32));
  va = static_cast<std::uint64_t>(_mm_cvtsi128_si64(both));
  vb = static_cast<std::uint64_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(both, both)));
}

// The values of na and nb (1..16) ASCII digits at a and b, with 16 - n readable bytes
// before each: the 16 bytes ending at a number's last digit hold it right-aligned (the
// bytes before it masked off), read together with no branch on the lengths.
[[gnu::always_inline]] inline void two_integers(const char* a, int na, const char* b, int nb,
                                                std::uint64_t& va, std::uint64_t& vb) {
  const auto digits = [](const char* q, int n) {
    const __m128i text = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q + n - 16));
    const __m128i keep = _mm_loadu_si128(reinterpret_cast<const __m128i*>(kLastLanes + n));
    return _mm_and_si128(_mm_sub_epi8(text, _mm_set1_epi8('0')), keep);
  };
  two_digit_rows(digits(a, na), digits(b, nb), va, vb);
}

// A decimal "d[.d]" at q (after its opening quote) of the shapes decimal_digits() takes,
// located first and valued later together with another (two_decimals()).
struct DecimalShape {
  const char* at;
  int whole;   // integer digits
  int digits;  // all digits (the point not counted)
};
// Locates d (16 bytes at q readable) and returns the position after its digits, as
// decimal_digits() does; nullptr where it does.
[[gnu::always_inline]] inline const char* decimal_shape(const char* q, DecimalShape& d) {
  const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
  const __m128i is_digit = _mm_and_si128(_mm_cmpgt_epi8(b, _mm_set1_epi8('0' - 1)),
                                         _mm_cmplt_epi8(b, _mm_set1_epi8('9' + 1)));
  const unsigned other = ~static_cast<unsigned>(_mm_movemask_epi8(is_digit)) & 0xFFFFu;
  if (other == 0) return nullptr;
  const int whole = __builtin_ctz(other);
  if (whole == 0) return nullptr;
  d.at = q;
  d.whole = whole;
  d.digits = whole;
  if (q[whole] != '.') return q + whole;
  const unsigned rest = other >> (whole + 1);
  if (rest == 0) return nullptr;
  const int frac = __builtin_ctz(rest);
  if (frac == 0) return nullptr;
  d.digits = whole + frac;
  return q + whole + 1 + frac;
}
// The raw values of a and b (each with 17 readable bytes at its start). A decimal's digits
// without the point are its first `whole` bytes, then the bytes one further on; as a row of
// 16 digits (zeros after them) they are its value times 10^(16 - digits), so the raw value
// (10^18 a unit) is that row's value times 10^(whole + 2).
[[gnu::always_inline]] inline void two_decimals(const DecimalShape& a, const DecimalShape& b,
                                                Decimal::Rep& ra, Decimal::Rep& rb) {
  static_assert(Decimal::kScale >= 16);
  const auto row = [](const DecimalShape& d) {
    const auto first = [](int n) {
      return _mm_loadu_si128(reinterpret_cast<const __m128i*>(kFirstLanes + 16 - n));
    };
    const __m128i here = _mm_loadu_si128(reinterpret_cast<const __m128i*>(d.at));
    const __m128i next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(d.at + 1));
    const __m128i whole = first(d.whole);
    const __m128i text = _mm_or_si128(_mm_and_si128(whole, here), _mm_andnot_si128(whole, next));
    return _mm_and_si128(_mm_sub_epi8(text, _mm_set1_epi8('0')), first(d.digits));
  };
  std::uint64_t va, vb;
  two_digit_rows(row(a), row(b), va, vb);
  // value < 10^16 and the factor <= 10^17 (whole <= 15): no overflow.
  ra = static_cast<Decimal::Rep>(static_cast<unsigned __int128>(va) *
                                 kPow10[Decimal::kScale - 16 + a.whole]);
  rb = static_cast<Decimal::Rep>(static_cast<unsigned __int128>(vb) *
                                 kPow10[Decimal::kScale - 16 + b.whole]);
}

// Changes of the usual shape from p while p < limit (64 bytes are readable from every such
// p), separated by commas; returns the position after the last change taken (before its
// separator), nullptr when the first one is not of that shape.
inline const char* short_change_run(const char* p, const char* limit, LevelBuffer& levels) {
  const char* done = nullptr;
  for (;;) {
    // Slots for as many changes as the bytes left could hold (each takes 15 or more).
    const std::size_t room =
        std::min<std::size_t>(static_cast<std::size_t>(limit - p) / 15 + 1, 256);
    ScannedLevel* out = levels.reserve(room);
    std::size_t n = 0;
    bool full = false;
    while (p < limit) {
      if (n == room) {
        full = true;
        break;
      }
      // The next change's `[`, found apart from this change's reading so the next
      // iteration's loads need not wait for it: a change takes 15 to 46 bytes, and has no
      // `[` after its first byte, so the next starts at the first `[` in [p + 16, p + 48).
      const __m128i open = _mm_set1_epi8('[');
      const auto opens = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(
                             _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16)), open))) |
                         static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(
                             _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 32)), open)))
                             << 16;
      const char* const next = p + 16 + (opens ? __builtin_ctz(opens) : 32);
      const char* q = short_change(p, out[n]);
      if (!q) break;
      ++n;
      done = q;
      // `,[` (then next is q + 1), or no change would be taken after this one.
      if (q[0] != ',' || q[1] != '[') break;
      p = next;
    }
    levels.commit(n);
    if (!full) return done;
  }
}
#endif

#if defined(__SSE2__)
// Literal text of 1..16 bytes, padded to 16, matched with one compare.
struct Lit16 {
  alignas(16) char text[16];
  unsigned mask;  // one bit per byte of the text
};
template <std::size_t N>
constexpr Lit16 lit16(const char (&s)[N]) {
  static_assert(N - 1 >= 1 && N - 1 <= 16);
  Lit16 l{};
  for (std::size_t i = 0; i + 1 < N; ++i) l.text[i] = s[i];
  l.mask = (1u << (N - 1)) - 1;
  return l;
}
// Whether the 16 readable bytes at p start with l's text.
[[gnu::always_inline]] inline bool matches(const char* p, const Lit16& l) {
  const __m128i eq = _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)),
                                    _mm_load_si128(reinterpret_cast<const __m128i*>(l.text)));
  return (~static_cast<unsigned>(_mm_movemask_epi8(eq)) & l.mask) == 0;
}

// How many ASCII digits the 16 readable bytes at p start with (16: all of them).
[[gnu::always_inline]] inline int leading_digits16(const char* p) {
  const __m128i d =
      _mm_sub_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)), _mm_set1_epi8('0'));
  const auto digit = static_cast<unsigned>(
      _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(9)), d)));
  return __builtin_ctz(~digit);
}
// Whether n digits at p are a JSON integer's (not empty, no leading zero).
[[gnu::always_inline]] inline bool integer_digits(const char* p, int n) {
  return n != 0 && (p[0] != '0' || n == 1);
}

// The keys between a flat trade's values, each with the quotes and separators around it.
inline constexpr Lit16 kTradeEventId = lit16("\",\"event_id\":");
inline constexpr Lit16 kTradeTimestamp = lit16(",\"timestamp\":");
inline constexpr Lit16 kTradePrice = lit16(",\"price\":\"");
inline constexpr Lit16 kTradeQuantity = lit16("\",\"quantity\":\"");
inline constexpr Lit16 kTradeSide = lit16("\",\"side\":\"");
inline constexpr Lit16 kTradeBuySymbol = lit16("buy\",\"symbol\":\"");
inline constexpr Lit16 kTradeSellSymbol = lit16("sell\",\"symbol\":\"");
inline constexpr Lit16 kTradeTid = lit16("\",\"tid\":");
inline constexpr Lit16 kTradeTypeEnd = lit16(",\"type\":\"trade\"}");
constexpr std::uint64_t kBuyEnd = le_word("buy\"}\0\0\0");
constexpr std::uint64_t kSellEnd = le_word("sell\"}\0\0");

// The readable bytes a flat trade reader needs from the trade's start (padding counts: a
// zero byte matches no literal, digit or quote, so nothing past the end is taken).
constexpr std::size_t kTradeReadable = 224;
static_assert(kTradeRunReadable <= kTradeReadable);

// A trade exactly as the exchange writes them (a snapshot's, or a trade frame):
// {"type":"trade","symbol":"S","event_id":N,"timestamp":N,"price":"D","quantity":"D",
//  "side":"buy|sell"}, at p with kTradeReadable readable bytes. Fills t (and *symbol, when
// given) and returns the position after its `}`; nullptr for anything else (t then holds
// anything), which the general reader decides.
[[gnu::always_inline]] inline const char* exchange_trade(const char* p, PendingTrade& t,
                                                         std::string_view* symbol) {
  if (!starts(p, "{\"type\":\"trade\",\"symbol\":\"")) return nullptr;
  const char* const sym = p + 26;
  const char* q = plain_symbol(sym);
  if (!q || !matches(q, kTradeEventId)) return nullptr;
  if (symbol) *symbol = std::string_view(sym, static_cast<std::size_t>(q - sym));
  // The literal after each integer also checks it ends there (no point or exponent).
  const char* const id_at = q + 13;
  const int id_n = leading_digits16(id_at);
  if (!integer_digits(id_at, id_n) || !matches(id_at + id_n, kTradeTimestamp)) return nullptr;
  const char* const ms_at = id_at + id_n + 13;
  const int ms_n = leading_digits16(ms_at);
  if (!integer_digits(ms_at, ms_n) || !matches(ms_at + ms_n, kTradePrice)) return nullptr;
  DecimalShape price_at, qty_at;
  if (!(q = decimal_shape(ms_at + ms_n + 10, price_at)) || !matches(q, kTradeQuantity) ||
      !(q = decimal_shape(q + 14, qty_at)) || !matches(q, kTradeSide)) {
    return nullptr;
  }
  q += 10;
  std::uint64_t w;
  std::memcpy(&w, q, 8);
  OrderSide taker;
  if ((w & 0xFF'FFFF'FFFFULL) == kBuyEnd) {
    taker = OrderSide::Buy;
    q += 5;
  } else if ((w & 0xFFFF'FFFF'FFFFULL) == kSellEnd) {
    taker = OrderSide::Sell;
    q += 6;
  } else {
    return nullptr;
  }
  Decimal::Rep price, qty;
  two_decimals(price_at, qty_at, price, qty);
  if (price <= 0) return nullptr;
  std::uint64_t id, ms;
  two_integers(id_at, id_n, ms_at, ms_n, id, ms);
  return fill_trade(t, price, qty, taker, ms, id) ? q : nullptr;
}

// The same for a trade with its keys sorted, as the exchange also writes them:
// {"event_id":N,"price":"D","quantity":"D","side":"buy|sell","symbol":"S","tid":N,
//  "timestamp":N,"type":"trade"} (the id is the tid, as in scan_trade).
[[gnu::always_inline]] inline const char* sorted_trade(const char* p, PendingTrade& t) {
  if (!starts(p, "{\"event_id\":")) return nullptr;
  const char* q = p + 12;
  int n = leading_digits16(q);
  if (n == 16) n += leading_digits16(q + 16);  // only checked: up to 18 digits
  if (!integer_digits(q, n) || n > 18 || !matches(q + n, kTradePrice)) return nullptr;
  DecimalShape price_at, qty_at;
  if (!(q = decimal_shape(q + n + 10, price_at)) || !matches(q, kTradeQuantity) ||
      !(q = decimal_shape(q + 14, qty_at)) || !matches(q, kTradeSide)) {
    return nullptr;
  }
  q += 10;
  OrderSide taker;
  if (matches(q, kTradeBuySymbol)) {
    taker = OrderSide::Buy;
    q += 15;
  } else if (matches(q, kTradeSellSymbol)) {
    taker = OrderSide::Sell;
    q += 16;
  } else {
    return nullptr;
  }
  if (!(q = plain_symbol(q)) || !matches(q, kTradeTid)) return nullptr;
  const char* const tid_at = q + 8;
  const int tid_n = leading_digits16(tid_at);
  if (!integer_digits(tid_at, tid_n) || !matches(tid_at + tid_n, kTradeTimestamp)) return nullptr;
  const char* const ms_at = tid_at + tid_n + 13;
  const int ms_n = leading_digits16(ms_at);
  if (!integer_digits(ms_at, ms_n) || !matches(ms_at + ms_n, kTradeTypeEnd)) return nullptr;
  Decimal::Rep price, qty;
  two_decimals(price_at, qty_at, price, qty);
  if (price <= 0) return nullptr;
  std::uint64_t tid, ms;
  two_integers(tid_at, tid_n, ms_at, ms_n, tid, ms);
  return fill_trade(t, price, qty, taker, ms, tid) ? ms_at + ms_n + 16 : nullptr;
}

// Either shape, by the first key.
[[gnu::always_inline]] inline const char* flat_trade(const char* p, PendingTrade& t) {
  return p[2] == 't' ? exchange_trade(p, t, nullptr) : sorted_trade(p, t);
}
#endif

// The most bytes of changes one change-kernel call reads (see Cursor::short_changes).
constexpr std::ptrdiff_t kRunSpan = 16384;

// The keys of an l2_updates frame (kOther: any other key, or no key).
enum class Key { kType, kSymbol, kChanges, kTrades, kAuctionEvents, kOther };

// Reads the frame left to right; every method returns false (and may have moved) when the
// text is not what it expects. `pad` bytes after the frame's end are readable (and zero).
class Cursor {
 public:
  Cursor(const char* begin, std::size_t size, std::size_t pad, ChangeRunFn run)
      : p_(begin), end_(begin + size), readable_end_(end_ + pad), run_(run) {}

  const char* pos() const { return p_; }
  bool at_end() const { return p_ == end_; }
  // Whether n bytes from the current position can be read (some may be padding).
  bool readable(std::size_t n) const { return static_cast<std::size_t>(readable_end_ - p_) >= n; }
  bool eat(char c) {
    if (p_ == end_ || *p_ != c) return false;
    ++p_;
    return true;
  }
  bool eat(std::string_view lit) {
    if (static_cast<std::size_t>(end_ - p_) < lit.size()) return false;
    if (std::memcmp(p_, lit.data(), lit.size()) != 0) return false;
    p_ += lit.size();
    return true;
  }
  // The bytes of a string up to its closing quote, the opening quote already eaten. An
  // escaped quote ends it early: callers only accept contents without backslashes, and
  // whatever follows then fails to scan.
  bool raw_string(std::string_view& out) {
    const void* q = std::memchr(p_, '"', static_cast<std::size_t>(end_ - p_));
    if (!q) return false;
    const char* qc = static_cast<const char*>(q);
    out = std::string_view(p_, static_cast<std::size_t>(qc - p_));
    p_ = qc + 1;
    return true;
  }
  bool quoted(std::string_view& out) { return eat('"') && raw_string(out); }
  // A string value whose characters need no escaping in JSON and are plain ASCII. Read 16
  // bytes at a time where they are readable, else with memchr.
  bool plain_string(std::string_view& out) {
#if defined(__SSE2__)
    if (p_ != end_ && *p_ == '"') {
      for (const char* q = p_ + 1; readable_end_ - q >= 16; q += 16) {
        const PlainBlock b = plain_block(q);
        if (b.quote != 0) {
          // The first quote ends the string, as in quoted().
          const int len = __builtin_ctz(b.quote);
          if ((b.bad & ((1u << len) - 1)) != 0) return false;
          out = std::string_view(p_ + 1, static_cast<std::size_t>(q + len - (p_ + 1)));
          p_ = q + len + 1;
          return true;
        }
        if (b.bad != 0) return false;
      }
    }
#endif
    if (!quoted(out)) return false;
    for (char c : out) {
      const auto u = static_cast<unsigned char>(c);
      if (u < 0x20 || u >= 0x7f || c == '\\') return false;
    }
    return true;
  }
  // plain_string() without the view: inline where the closing quote is in the first 16 bytes
  // (skip_value() takes many short strings).
  [[gnu::always_inline]] bool skip_plain_string() {
#if defined(__SSE2__)
    if (readable_end_ - p_ >= 17 && p_ != end_ && *p_ == '"') {
      const PlainBlock b = plain_block(p_ + 1);
      if (b.quote != 0) {
        const int len = __builtin_ctz(b.quote);
        if ((b.bad & ((1u << len) - 1)) != 0) return false;
        p_ += len + 2;
        return true;
      }
    }
#endif
    std::string_view s;
    return plain_string(s);
  }
  // A decimal given as a JSON string. Plain "digits[.digits]" of at most 19 digits is read
  // in place, as Decimal::parse's own fast path does; anything else goes to Decimal::parse
  // (which refuses backslashes and controls).
  [[gnu::always_inline]] bool decimal(Decimal& out) {
#if defined(__SSE2__)
    // 32 bytes from the quote: short_decimal reads at most 24 past it.
    if (end_ - p_ >= 32 && *p_ == '"') {
      Decimal::Rep raw;
      if (const char* after = short_decimal(p_ + 1, raw)) {
        out = Decimal::from_raw(raw);
        p_ = after;
        return true;
      }
    }
#endif
    return decimal_any(out);
  }
  // Flat trades (the trade kernel's, else flat_trade()) separated by commas from here while
  // kTradeReadable bytes are readable, appended to `trades`: one loop, without a call per
  // trade. Stops after the last one taken (before its separator); false when none was taken
  // (nothing consumed).
  bool short_trades(std::vector<PendingTrade>& trades) {
    if (const TradeRunFn kernel = trade_run()) {
      const char* const done = kernel(p_, readable_end_, trades);
      if (!done) return false;
      p_ = done;
      return true;
    }
#if defined(__SSE2__)
    const char* p = p_;
    const char* done = nullptr;
    while (readable_end_ - p >= static_cast<std::ptrdiff_t>(kTradeReadable)) {
      // Read in place: a copy into the vector right after the reader's narrower stores made
      // its wide loads wait for them (a store-forwarding stall per trade).
      PendingTrade& t = trades.emplace_back();
      const char* const e = flat_trade(p, t);
      if (!e) {
        trades.pop_back();
        break;
      }
      done = e;
      if (e[0] != ',' || e[1] != '{') break;
      p = e + 1;
    }
    if (!done) return false;
    p_ = done;
    return true;
#else
    (void)trades;
    return false;
#endif
  }
  // A flat trade too near the end of the readable bytes for short_trades() (the last one of
  // a big snapshot), read from a copy of the frame's last bytes with zeros after them: a zero
  // byte matches no literal, digit or quote, so nothing past the end is taken. The general
  // reader took these at several times the cost.
  [[gnu::noinline]] bool trade_from_copy(PendingTrade& t) {
#if defined(__SSE2__)
    if (readable(kTradeReadable)) return false;  // short_trades() decided it
    alignas(16) char copy[kTradeReadable] = {};
    std::memcpy(copy, p_, static_cast<std::size_t>(end_ - p_));
    const char* const e = flat_trade(copy, t);
    if (!e) return false;
    p_ += e - copy;
    return true;
#else
    (void)t;
    return false;
#endif
  }
  // A top-level trade frame's trade of the exchange's shape (exchange_trade()); false (nothing
  // consumed) for anything else.
  bool exchange_trade_object(PendingTrade& t, std::string_view& symbol) {
#if defined(__SSE2__)
    if (!readable(kTradeReadable)) return false;
    const char* const e = exchange_trade(p_, t, &symbol);
    if (!e) return false;
    p_ = e;
    return true;
#else
    (void)t, (void)symbol;
    return false;
#endif
  }

  // One change `["side","price","quantity"]` with a valid price and quantity.
  bool change(LevelBuffer& levels) {
    Side side;
    Decimal price, quantity;
    if (!change_side(side) || !decimal(price) || !valid_price(price) || !eat(',') ||
        !decimal(quantity) || !valid_quantity(quantity) || !eat(']')) {
      return false;
    }
    levels.push(ScannedLevel::make(side, price, quantity));
    return true;
  }
  // As many changes of the usual shape as follow, separated by commas, on a local cursor;
  // stops after a change's `]` (before its separator). False when the first one is not of
  // that shape (nothing consumed): the caller reads it with change().
  bool short_changes(LevelBuffer& levels) {
    const char* done = nullptr;
    if (readable(64)) {
      // In spans of kRunSpan bytes: a kernel reserves room for every change its span could
      // hold, so a big snapshot in one call would reserve ~2.3 times its levels.
      const char* const limit = readable_end_ - 63;
      for (const char* p = p_;;) {
        const char* const span_limit = limit - p > kRunSpan ? p + kRunSpan : limit;
        const char* const d = run_(p, span_limit, levels);
        if (!d) break;  // the span's first change is not of the usual shape
        done = d;
        // Go on only when the span's limit stopped the kernel before a next change.
        if (span_limit == limit || d + 1 < span_limit || d[0] != ',' || d[1] != '[') break;
        p = d + 1;
      }
    } else {
      // The frame's last bytes, copied with zeros after them: a zero byte matches none of
      // the characters a change needs, so nothing past the end can be taken.
      char tail[128] = {};
      const auto n = static_cast<std::size_t>(end_ - p_);
      std::memcpy(tail, p_, n);
      const char* d = run_(tail, tail + n, levels);
      done = d ? p_ + (d - tail) : nullptr;
    }
    if (!done) return false;
    p_ = done;
    return true;
  }
  // One `["buy",` or `["sell",` (a change's opening up to its price).
  [[gnu::always_inline]] bool change_side(Side& side) {
    if (end_ - p_ >= 8) {
      std::uint64_t w;
      std::memcpy(&w, p_, 8);
      if ((w & 0x00FFFFFFFFFFFFFFULL) == kBuyHead) {
        side = Side::Bid;
        p_ += 7;
        return true;
      }
      if (w == kSellHead) {
        side = Side::Ask;
        p_ += 8;
        return true;
      }
      return false;  // no other spelling of a change's start is canonical
    }
    if (!eat("[\"")) return false;
    if (eat("buy\"")) {
      side = Side::Bid;
    } else if (eat("sell\"")) {
      side = Side::Ask;
    } else {
      return false;
    }
    return eat(',');
  }

 private:
 public:
  bool decimal_any(Decimal& out) {
    if (!eat('"')) return false;
    const char* q = p_;
    std::uint64_t mant = 0;
    const std::ptrdiff_t int_digits = digit_run(q, mant);
    std::ptrdiff_t frac_digits = 0;
    if (q != end_ && *q == '.') {
      ++q;
      frac_digits = digit_run(q, mant);
    }
    if (q != end_ && *q == '"' && int_digits + frac_digits > 0 && int_digits + frac_digits <= 19 &&
        frac_digits <= Decimal::kScale) {
      out = Decimal::from_raw(static_cast<Decimal::Rep>(static_cast<unsigned __int128>(mant) *
                                                        kPow10[Decimal::kScale - frac_digits]));
      p_ = q + 1;
      return true;
    }
    std::string_view s;
    if (!raw_string(s)) return false;
    auto d = Decimal::parse(s);
    if (!d) return false;
    out = *d;
    return true;
  }
  // Appends the digits at q to mant (mod 2^64; callers reject runs over 19 digits) and
  // returns how many there were. Eight bytes at a time where the frame has them.
  [[gnu::always_inline]] std::ptrdiff_t digit_run(const char*& q, std::uint64_t& mant) const {
    const char* const begin = q;
    while (end_ - q >= 8) {
      std::uint64_t chunk;
      std::memcpy(&chunk, q, 8);
      const int n = leading_digits(chunk);
      if (n > 0) {
        // Fewer than eight: move them up and fill the low bytes with leading '0's.
        const std::uint64_t padded =
            n == 8 ? chunk : (chunk << (8 * (8 - n))) | (kZeros >> (8 * n));
        mant = mant * kPow10[n] + eight_digits(padded);
        q += n;
      }
      if (n < 8) return q - begin;
    }
    while (q != end_ && static_cast<unsigned>(*q - '0') < 10u) {
      mant = mant * 10 + static_cast<unsigned>(*q - '0');
      ++q;
    }
    return q - begin;
  }
  static constexpr std::uint64_t kZeros = 0x3030303030303030ULL;  // "00000000"
  // How many of the 8 bytes (first byte lowest) are ASCII digits before the first other one.
  static int leading_digits(std::uint64_t chunk) {
    constexpr std::uint64_t kHigh = 0xF0F0F0F0F0F0F0F0ULL;
    // A digit has high nibble 3 both as it is and after adding 6 (':' to '?' move to 4).
    // A carry out of a byte >= 0xFA only disturbs bytes after it, past the first non-digit.
    const std::uint64_t other =
        ((chunk & kHigh) ^ kZeros) | (((chunk + 0x0606060606060606ULL) & kHigh) ^ kZeros);
    return other == 0 ? 8 : __builtin_ctzll(other) / 8;
  }
  // The value of eight ASCII digits, the first in the lowest byte.
  static std::uint64_t eight_digits(std::uint64_t chunk) {
    chunk -= kZeros;
    chunk = chunk * 10 + (chunk >> 8);
    return (((chunk & 0x000000FF000000FFULL) * (100 + (1000000ULL << 32))) +
            (((chunk >> 16) & 0x000000FF000000FFULL) * (1 + (10000ULL << 32)))) >>
           32;
  }
  // A non-negative JSON integer of at most 18 digits (fits int64; simdjson reads it as one).
  bool integer(std::int64_t& out) {
    const char* b = p_;
    std::uint64_t v = 0;  // unsigned: runs over 18 digits wrap harmlessly, then fail
    while (p_ != end_ && static_cast<unsigned>(*p_ - '0') < 10u) {
      v = v * 10 + static_cast<unsigned>(*p_ - '0');
      ++p_;
    }
    const auto n = p_ - b;
    if (n == 0 || n > 18 || (*b == '0' && n > 1)) return false;
    if (p_ != end_ && (*p_ == '.' || *p_ == 'e' || *p_ == 'E')) return false;  // a double
    out = static_cast<std::int64_t>(v);
    return true;
  }
  // Skips decimal digits; returns how many.
  std::size_t digits() {
#if defined(__SSE2__)
    // (Padding is zeros: no digit is counted past the end.)
    if (readable(16)) {
      const int n = leading_digits16(p_);
      if (n < 16) {
        p_ += n;
        return static_cast<std::size_t>(n);
      }
    }
#endif
    const char* b = p_;
    while (p_ != end_ && static_cast<unsigned>(*p_ - '0') < 10u) ++p_;
    return static_cast<std::size_t>(p_ - b);
  }
  // The next character, or '\0' at the end.
  char peek() const {
    return p_ != end_ ? *p_ : '\0';
  }
  // `"key":`
  bool key(std::string_view& out) {
    return quoted(out) && eat(':');
  }
  // The next `"key":` of an l2_updates frame. The exchange's keys are matched a word at a
  // time where the bytes are readable; anything else is read as a string and compared.
  Key frame_key() {
    if (readable(24)) {
      std::uint64_t a, b;
      std::memcpy(&a, p_, 8);
      std::memcpy(&b, p_ + 8, 8);
      if ((a & 0x00FFFFFFFFFFFFFFULL) == kTypeKey) return p_ += 7, Key::kType;
      if (a == kSymbolKey && (b & 0xFF) == ':') return p_ += 9, Key::kSymbol;
      if (a == kChangesKey && (b & 0xFFFF) == kQuoteColon) return p_ += 10, Key::kChanges;
      if (a == kTradesKey && (b & 0xFF) == ':') return p_ += 9, Key::kTrades;
      if (a == kAuctionKey && b == kEventsKey && p_[16] == ':')
        return p_ += 17, Key::kAuctionEvents;
    }
    std::string_view k;
    if (!key(k)) return Key::kOther;
    if (k == "type") return Key::kType;
    if (k == "symbol") return Key::kSymbol;
    if (k == "changes") return Key::kChanges;
    if (k == "trades") return Key::kTrades;
    if (k == "auction_events") return Key::kAuctionEvents;
    return Key::kOther;
  }

 private:
  static constexpr std::uint64_t kTypeKey = le_word("\"type\":\0");
  static constexpr std::uint64_t kSymbolKey = le_word("\"symbol\"");
  static constexpr std::uint64_t kChangesKey = le_word("\"changes");
  static constexpr std::uint64_t kQuoteColon = '"' | (':' << 8);
  static constexpr std::uint64_t kTradesKey = le_word("\"trades\"");
  static constexpr std::uint64_t kAuctionKey = le_word("\"auction");
  static constexpr std::uint64_t kEventsKey = le_word("_events\"");

  const char* p_;
  const char* end_;
  const char* readable_end_;  // end_ plus the padding
  ChangeRunFn run_;
};

// Skips any JSON value of a conservative subset (plain strings, short plain numbers,
// literals, arrays and objects up to a small depth): what the DOM path would accept
// without looking at it (`auction_events`).
bool skip_value(Cursor& c, int depth);

bool skip_number(Cursor& c) {
  c.eat('-');
  if (c.eat('0')) {
    if (static_cast<unsigned>(c.peek() - '0') < 10u) return false;  // a leading zero
  } else {
    const std::size_t n = c.digits();
    if (n == 0 || n > 18) return false;
  }
  if (c.eat('.')) {
    const std::size_t frac = c.digits();
    if (frac == 0 || frac > 18) return false;
  }
  return c.peek() != 'e' && c.peek() != 'E';  // no exponents
}

bool skip_value(Cursor& c, int depth) {
  if (depth > 8) return false;
  // A member or element: a string inline (most are), anything else one level down.
  const auto inner = [&c, depth] {
    return c.peek() == '"' && depth < 8 ? c.skip_plain_string() : skip_value(c, depth + 1);
  };
  switch (c.peek()) {
    case '"':
      return c.skip_plain_string();
    case '[':
      c.eat('[');
      if (c.eat(']')) return true;
      do {
        if (!inner()) return false;
      } while (c.eat(','));
      return c.eat(']');
    case '{':
      c.eat('{');
      if (c.eat('}')) return true;
      do {
        if (!c.skip_plain_string() || !c.eat(':') || !inner()) return false;
      } while (c.eat(','));
      return c.eat('}');
    case 't':
      return c.eat("true");
    case 'f':
      return c.eat("false");
    case 'n':
      return c.eat("null");
    default:
      return skip_number(c);
  }
}

// Marks key `bit` as seen; false when it was already (a duplicate: the DOM path's
// first-match lookup would decide, so leave such frames to it).
bool first_time(unsigned& seen, unsigned bit) {
  if (seen & bit) return false;
  seen |= bit;
  return true;
}

bool scan_changes(Cursor& c, LevelBuffer& levels) {
  if (!c.eat('[')) return false;
  if (c.eat(']')) return true;
  do {
    if (!c.short_changes(levels) && !c.change(levels)) return false;
  } while (c.eat(','));
  return c.eat(']');
}

// A trade object of plain keys in any order; `type` and `symbol` receive those values when
// given (empty when absent).
bool scan_trade(Cursor& c, TimeNs recv_ts, PendingTrade& t, std::string_view* type = nullptr,
                std::string_view* symbol = nullptr) {
  enum : unsigned {
    kType = 1,
    kSymbol = 2,
    kPrice = 4,
    kQuantity = 8,
    kSide = 16,
    kTimestamp = 32,
    kTid = 64,
    kEventId = 128,
    kEventid = 256
  };
  if (!c.eat('{')) return false;
  unsigned seen = 0;
  std::int64_t tid = -1, event_id = -1, eventid = -1;
  t = PendingTrade{};
  t.ts = recv_ts;
  do {
    std::string_view k, v;
    if (!c.key(k)) return false;
    if (k == "price") {
      if (!first_time(seen, kPrice) || !c.decimal(t.price) || !valid_price(t.price)) return false;
    } else if (k == "quantity") {
      if (!first_time(seen, kQuantity) || !c.decimal(t.quantity) || !valid_quantity(t.quantity)) {
        return false;
      }
    } else if (k == "side") {
      if (!first_time(seen, kSide) || !c.quoted(v)) return false;
      if (v == "buy") {
        t.taker = OrderSide::Buy;
      } else if (v == "sell") {
        t.taker = OrderSide::Sell;
      } else {
        return false;
      }
      t.has_taker = true;
    } else if (k == "timestamp") {
      std::int64_t ms = 0;
      if (!first_time(seen, kTimestamp) || !c.integer(ms)) return false;
      auto ns = epoch_to_ns(ms);
      if (!ns) return false;
      t.ts = *ns;
    } else if (k == "tid") {
      if (!first_time(seen, kTid) || !c.integer(tid)) return false;
    } else if (k == "event_id") {
      if (!first_time(seen, kEventId) || !c.integer(event_id)) return false;
    } else if (k == "eventid") {
      if (!first_time(seen, kEventid) || !c.integer(eventid)) return false;
    } else if (k == "type") {
      if (!first_time(seen, kType) || !c.plain_string(v)) return false;
      if (type) *type = v;
    } else if (k == "symbol") {
      if (!first_time(seen, kSymbol) || !c.plain_string(v)) return false;
      if (symbol) *symbol = v;
    } else {
      return false;
    }
  } while (c.eat(','));
  if (!c.eat('}')) return false;
  if (!(seen & kPrice) || !(seen & kQuantity)) return false;
  // The DOM path's precedence: tid, else event_id, else eventid.
  t.id = (seen & kTid) ? tid : (seen & kEventId) ? event_id : (seen & kEventid) ? eventid : -1;
  return true;
}

bool scan_trades(Cursor& c, TimeNs recv_ts, std::vector<PendingTrade>& trades) {
  if (!c.eat('[')) return false;
  if (c.eat(']')) return true;
  do {
    if (c.short_trades(trades)) continue;
    PendingTrade& t = trades.emplace_back();
    if (!c.trade_from_copy(t) && !scan_trade(c, recv_ts, t)) return false;
  } while (c.eat(','));
  return c.eat(']');
}

bool scan_frame(Cursor& c, TimeNs recv_ts, L2Scan& out, LevelBuffer& levels,
                std::vector<PendingTrade>& trades) {
  enum : unsigned { kType = 1, kSymbol = 2, kChanges = 4, kTrades = 8, kAuction = 16 };
  if (!c.eat('{')) return false;
  unsigned seen = 0;
  do {
    switch (c.frame_key()) {
      case Key::kType:
        // The value read as a string is exactly `l2_updates`.
        if (!first_time(seen, kType) || !c.eat("\"l2_updates\"")) return false;
        break;
      case Key::kSymbol:
        if (!first_time(seen, kSymbol) || !c.plain_string(out.symbol) || out.symbol.empty()) {
          return false;
        }
        break;
      case Key::kChanges:
        if (!first_time(seen, kChanges) || !scan_changes(c, levels)) return false;
        break;
      case Key::kTrades:
        if (!first_time(seen, kTrades) || !scan_trades(c, recv_ts, trades)) return false;
        out.has_trades = true;
        break;
      case Key::kAuctionEvents:
        if (!first_time(seen, kAuction) || c.peek() != '[' || !skip_value(c, 0)) return false;
        out.has_auction_events = true;
        break;
      case Key::kOther:
        return false;
    }
  } while (c.eat(','));
  if (!c.eat('}') || !c.at_end()) return false;
  return (seen & (kType | kSymbol | kChanges)) == (kType | kSymbol | kChanges);
}

// scan_l2_updates() for every frame the delta path below does not take; `tried_delta`: that
// path already failed on it. Out of line: its copy buffer kept the delta path's stack frame
// big (realigned, with every register saved), a cost on every delta frame.
[[gnu::noinline]] bool scan_general(std::string_view frame, TimeNs recv_ts, L2Scan& out,
                                    LevelBuffer& levels, std::vector<PendingTrade>& trades,
                                    ChangeRunFn run, bool tried_delta) {
  levels.clear();
  trades.clear();
  out = L2Scan{};
  const std::size_t n = frame.size();
  if (n == 0) return false;
  // A frame of another type (trades and heartbeats, each frame) fails scan_frame() at its
  // type anyway: without its copy and scan.
  if (n > 9 && frame.starts_with("{\"type\":\"") && frame[9] != 'l') return false;
  if (n > kCopyMax) {
    // Room for every change the frame could hold (15 bytes or more each), taken while the
    // buffer is empty: growing it mid-snapshot copied what it held.
    levels.reserve(n / 15 + 1);
    Cursor c(frame.data(), n, 0, run);
    return scan_frame(c, recv_ts, out, levels, trades);
  }
  const char* const begin = frame.data();
  alignas(64) char copy[kCopyMax + kPad];
  std::memcpy(copy, begin, n);
  zero_pad(copy + n);
  if (tried_delta || !scan_delta({copy, copy + n, copy, copy, copy}, out, levels, run)) {
    levels.clear();
    out = L2Scan{};
    Cursor c(copy, n, kPad, run);
    if (!scan_frame(c, recv_ts, out, levels, trades)) return false;
  }
  // The symbol as a view of the caller's frame, not of the copy.
  out.symbol = std::string_view(begin + (out.symbol.data() - copy), out.symbol.size());
  return true;
}

// scan_l2_updates() with the kernel given.
[[gnu::always_inline]] inline bool scan_with(std::string_view frame, TimeNs recv_ts, L2Scan& out,
                                             LevelBuffer& levels, std::vector<PendingTrade>& trades,
                                             ChangeRunFn run) {
  DeltaTail tail;
  std::string_view symbol;
  if (scan_delta_frame(frame, tail, symbol, levels, run)) {  // nearly every delta frame
    trades.clear();
    out = L2Scan{symbol, false, false};
    return true;
  }
  return scan_general(frame, recv_ts, out, levels, trades, run, delta_frame_size(frame.size()));
}

// A top-level trade or heartbeat frame from the padded copy `c` reads; views point into
// that copy.
bool scan_event_frame(Cursor& c, TimeNs recv_ts, V2Event& out) {
  if (c.eat("{\"type\":\"heartbeat\",\"timestamp\":")) {
    std::int64_t ms = 0;
    if (!c.integer(ms) || !c.eat('}') || !c.at_end()) return false;
    out.kind = V2Event::Kind::kHeartbeat;
    const auto ns = epoch_to_ns(ms);
    out.ts = ns ? *ns : recv_ts;  // as the DOM path: an unusable time keeps the receive time
    return true;
  }
  out.kind = V2Event::Kind::kTrade;
  if (c.exchange_trade_object(out.trade, out.symbol)) return c.at_end();
  std::string_view type;
  out.symbol = {};
  return scan_trade(c, recv_ts, out.trade, &type, &out.symbol) && c.at_end() && type == "trade" &&
         !out.symbol.empty();
}

}  // namespace

bool scan_trade_or_heartbeat(std::string_view frame, TimeNs recv_ts, V2Event& out) {
  const std::size_t n = frame.size();
  if (n == 0 || n > kCopyMax) return false;
  // Padding enough for exchange_trade() on the shortest trade frames.
  constexpr std::size_t kEventPad = kTradeReadable;
  alignas(64) char copy[kCopyMax + kEventPad];
  std::memcpy(copy, frame.data(), n);
  std::memset(copy + n, 0, kEventPad);
  Cursor c(copy, n, kEventPad, nullptr);
  out = V2Event{};
  if (!scan_event_frame(c, recv_ts, out)) return false;
  // The symbol as a view of the caller's frame, not of the copy.
  if (!out.symbol.empty()) {
    out.symbol = std::string_view(frame.data() + (out.symbol.data() - copy), out.symbol.size());
  }
  return true;
}

const char* change_run_baseline(const char* p, const char* limit, LevelBuffer& levels) {
#if defined(__SSE2__)
  return short_change_run(p, limit, levels);
#else
  (void)p, (void)limit, (void)levels;
  return nullptr;
#endif
}

// Picked at load: a function-local static would check its guard on every frame.
const ChangeRunFn kBestChangeRun = best_change_run();
const DeltaRunFn kBestDeltaRun = best_delta_run();

bool scan_l2_updates(std::string_view frame, TimeNs recv_ts, L2Scan& out, LevelBuffer& levels,
                     std::vector<PendingTrade>& trades) {
  return scan_with(frame, recv_ts, out, levels, trades, kBestChangeRun);
}

bool scan_l2_updates_not_delta(std::string_view frame, TimeNs recv_ts, L2Scan& out,
                               LevelBuffer& levels, std::vector<PendingTrade>& trades) {
  return scan_general(frame, recv_ts, out, levels, trades, kBestChangeRun,
                      delta_frame_size(frame.size()));
}

bool scan_l2_updates(std::string_view frame, TimeNs recv_ts, L2Scan& out, LevelBuffer& levels,
                     std::vector<PendingTrade>& trades, ChangeRunFn run) {
  return scan_with(frame, recv_ts, out, levels, trades, run);
}

}  // namespace rtcrypto::feed_detail
