#include "v2_l2_scanner.hpp"

#include <cstring>

#include "json_util.hpp"
#include "rtcrypto/core/pow10.hpp"
#include "rtcrypto/feed/feed_parser.hpp"

namespace rtcrypto::feed_detail {
namespace {

constexpr const std::uint64_t* kPow10 = kPow10U64;

// Reads the frame left to right; every method returns false (and may have moved) when the
// text is not what it expects.
class Cursor {
 public:
  explicit Cursor(std::string_view s) : p_(s.data()), end_(s.data() + s.size()) {}

  bool at_end() const { return p_ == end_; }
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
  // A string value whose characters need no escaping in JSON and are plain ASCII.
  bool plain_string(std::string_view& out) {
    if (!quoted(out)) return false;
    for (char c : out) {
      const auto u = static_cast<unsigned char>(c);
      if (u < 0x20 || u >= 0x7f || c == '\\') return false;
    }
    return true;
  }
  // A decimal given as a JSON string. Plain "digits[.digits]" of at most 19 digits is read
  // in place, as Decimal::parse's own fast path does; anything else goes to Decimal::parse
  // (which refuses backslashes and controls).
  [[gnu::always_inline]] bool decimal(Decimal& out) {
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
    const char* b = p_;
    while (p_ != end_ && static_cast<unsigned>(*p_ - '0') < 10u) ++p_;
    return static_cast<std::size_t>(p_ - b);
  }
  // Whether the next character is one of `chars` (false at the end).
  bool peek_any(std::string_view chars) const {
    return p_ != end_ && chars.find(*p_) != std::string_view::npos;
  }
  // `"key":`
  bool key(std::string_view& out) { return quoted(out) && eat(':'); }

 private:
  const char* p_;
  const char* end_;
};

// Skips any JSON value of a conservative subset (plain strings, short plain numbers,
// literals, arrays and objects up to a small depth): what the DOM path would accept
// without looking at it (`auction_events`).
bool skip_value(Cursor& c, int depth);

bool skip_number(Cursor& c) {
  c.eat('-');
  if (c.eat('0')) {
    if (c.peek_any("0123456789")) return false;  // a leading zero
  } else {
    const std::size_t n = c.digits();
    if (n == 0 || n > 18) return false;
  }
  if (c.eat('.')) {
    const std::size_t frac = c.digits();
    if (frac == 0 || frac > 18) return false;
  }
  return !c.peek_any("eE");  // no exponents
}

bool skip_value(Cursor& c, int depth) {
  if (depth > 8) return false;
  std::string_view s;
  if (c.peek_any("\"")) return c.plain_string(s);
  if (c.eat('[')) {
    if (c.eat(']')) return true;
    do {
      if (!skip_value(c, depth + 1)) return false;
    } while (c.eat(','));
    return c.eat(']');
  }
  if (c.eat('{')) {
    if (c.eat('}')) return true;
    do {
      if (!c.plain_string(s) || !c.eat(':') || !skip_value(c, depth + 1)) return false;
    } while (c.eat(','));
    return c.eat('}');
  }
  if (c.eat("true") || c.eat("false") || c.eat("null")) return true;
  return skip_number(c);
}

// Marks key `bit` as seen; false when it was already (a duplicate: the DOM path's
// first-match lookup would decide, so leave such frames to it).
bool first_time(unsigned& seen, unsigned bit) {
  if (seen & bit) return false;
  seen |= bit;
  return true;
}

bool scan_changes(Cursor& c, std::vector<PendingLevel>& levels) {
  if (!c.eat('[')) return false;
  if (c.eat(']')) return true;
  do {
    PendingLevel lv;
    if (!c.eat("[\"")) return false;
    if (c.eat("buy\"")) {
      lv.side = Side::Bid;
    } else if (c.eat("sell\"")) {
      lv.side = Side::Ask;
    } else {
      return false;
    }
    if (!c.eat(',') || !c.decimal(lv.price) || !valid_price(lv.price)) return false;
    if (!c.eat(',') || !c.decimal(lv.quantity) || !valid_quantity(lv.quantity)) return false;
    if (!c.eat(']')) return false;
    levels.push_back(lv);
  } while (c.eat(','));
  return c.eat(']');
}

bool scan_trade(Cursor& c, TimeNs recv_ts, PendingTrade& t) {
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
    } else if (k == "symbol") {
      if (!first_time(seen, kSymbol) || !c.plain_string(v)) return false;
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
    PendingTrade t;
    if (!scan_trade(c, recv_ts, t)) return false;
    trades.push_back(t);
  } while (c.eat(','));
  return c.eat(']');
}

}  // namespace

bool scan_l2_updates(std::string_view frame, TimeNs recv_ts, L2Scan& out,
                     std::vector<PendingLevel>& levels, std::vector<PendingTrade>& trades) {
  enum : unsigned { kType = 1, kSymbol = 2, kChanges = 4, kTrades = 8, kAuction = 16 };
  levels.clear();
  trades.clear();
  out = L2Scan{};
  Cursor c(frame);
  if (!c.eat('{')) return false;
  unsigned seen = 0;
  do {
    std::string_view k, v;
    if (!c.key(k)) return false;
    if (k == "type") {
      if (!first_time(seen, kType) || !c.quoted(v) || v != "l2_updates") return false;
    } else if (k == "symbol") {
      if (!first_time(seen, kSymbol) || !c.plain_string(out.symbol) || out.symbol.empty()) {
        return false;
      }
    } else if (k == "changes") {
      if (!first_time(seen, kChanges) || !scan_changes(c, levels)) return false;
    } else if (k == "trades") {
      if (!first_time(seen, kTrades) || !scan_trades(c, recv_ts, trades)) return false;
      out.has_trades = true;
    } else if (k == "auction_events") {
      if (!first_time(seen, kAuction) || !c.peek_any("[") || !skip_value(c, 0)) return false;
      out.has_auction_events = true;
    } else {
      return false;
    }
  } while (c.eat(','));
  if (!c.eat('}') || !c.at_end()) return false;
  return (seen & (kType | kSymbol | kChanges)) == (kType | kSymbol | kChanges);
}

}  // namespace rtcrypto::feed_detail
