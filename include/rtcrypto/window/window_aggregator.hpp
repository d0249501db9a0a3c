#pragma once
// Tumbling liquidity windows for one symbol, on event time (DESIGN "Liquidity window").
// Windows are aligned to multiples of their length: [k·len, (k+1)·len). Each non-snapshot
// level change adds price × remaining to its side's sum. An event whose time reaches the
// current window's end closes that window first, reading the book metrics from the book
// as it stands before the new event is applied. Windows without a level change are never
// emitted.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "rtcrypto/book/order_book.hpp"
#include "rtcrypto/core/events.hpp"
#include "rtcrypto/core/record.hpp"
#include "rtcrypto/window/level_value_sums.hpp"

namespace rtcrypto {

// Which way the liquidity ratio is taken. The book reads it as ask ÷ bid.
enum class RatioMode : std::uint8_t { AskOverBid, BidOverAsk };
std::string_view to_string(RatioMode m);
// "ask/bid" or "bid/ask" (also "ask_over_bid" / "bid_over_ask"); false otherwise.
bool parse_ratio_mode(std::string_view text, RatioMode& out);

struct WindowConfig {
  TimeNs length = 60 * kNsPerSec;
  RatioMode ratio_mode = RatioMode::AskOverBid;
  double depth_pct = 1.0;  // band around mid for the depth metrics
};

struct WindowResult {
  std::string symbol;
  TimeNs start = 0;
  TimeNs end = 0;
  double ask_sum = 0;  // Σ price × remaining over ask-side changes
  double bid_sum = 0;
  std::optional<double> ratio;  // per RatioMode; nullopt when either sum is zero
  std::uint64_t bid_changes = 0;
  std::uint64_t ask_changes = 0;
  std::uint64_t trades = 0;
  double trade_volume = 0;    // Σ trade quantity (base units)
  double trade_notional = 0;  // Σ price × quantity (quote units)
  std::optional<double> vwap;
  std::optional<Decimal> last_trade_price;
  // The book at close (before the event that closed the window).
  std::optional<Decimal> best_bid, best_ask, mid, spread;
  double depth_bid = 0;  // base quantity on the side within ±depth_pct % of mid
  double depth_ask = 0;
  bool book_whole = false;
  bool book_crossed = false;
};

// static_cast<double>(x), rounded the same way (to nearest, ties to even) without the
// library call: x is cut to 63 bits with a sticky bit standing for every bit cut off, which
// leaves the rounding to 53 bits unchanged, and the power of two is put back exactly.
// Below 2^106 in magnitude (every price and quantity) it is cheaper still: x = a·2^53 + b
// with |a| <= 2^53 and 0 <= b < 2^53 are both exact doubles, so the one rounding of their
// sum is the rounding of x.
[[gnu::always_inline]] inline double int128_to_double(__int128 x) {
  const auto top = static_cast<std::int64_t>(x >> 64);
  if (static_cast<std::uint64_t>(top) + (std::uint64_t{1} << 42) < (std::uint64_t{1} << 43)) {
    const auto a = static_cast<std::int64_t>(x >> 53);
    const auto b = static_cast<std::int64_t>(static_cast<std::uint64_t>(x) & ((1ULL << 53) - 1));
    return static_cast<double>(a) * 0x1p53 + static_cast<double>(b);
  }
  const bool neg = x < 0;
  const unsigned __int128 u = neg ? -static_cast<unsigned __int128>(x) : x;
  const auto hi = static_cast<std::uint64_t>(u >> 64);
  const int shift = hi == 0 ? 1 : 65 - __builtin_clzll(hi);  // bits(u) - 63
  const bool sticky = (u & ((static_cast<unsigned __int128>(1) << shift) - 1)) != 0;
  const auto y = static_cast<std::int64_t>(static_cast<std::uint64_t>(u >> shift) | sticky);
  double scale;  // 2^shift
  const std::uint64_t bits = static_cast<std::uint64_t>(1023 + shift) << 52;
  __builtin_memcpy(&scale, &bits, sizeof scale);
  const double d = static_cast<double>(y) * scale;
  return neg ? -d : d;
}

class WindowAggregator {
 public:
  explicit WindowAggregator(std::string symbol, WindowConfig config = {});

  // Closes the open window when t has reached its end. `book` is this symbol's book before
  // the event at t is applied (may be null). Returns the closed window when it had a change.
  // Inline fast path: almost every call lands inside the open window.
  std::optional<WindowResult> advance(TimeNs t, const OrderBook* book) {
    if (open_ && t < end_) return std::nullopt;
    return advance_slow(t, book);
  }

  // Adds a change (call advance(c.ts, ...) first). Snapshot levels are ignored. Inlined
  // into the caller's loop (out of line, the change had to be built in memory first).
  [[gnu::always_inline]] void add(const LevelChange& c) {
    if (c.snapshot) return;
    open_at(c.ts);
    // Doubles straight from the raw 1e-18 integers: an int128 -> double conversion is
    // cheap where Decimal::to_double's 128-bit division is not (this runs per change).
    double v = int128_to_double(c.price.raw()) * int128_to_double(c.remaining.raw()) * 1e-36;
    if (c.side == Side::Ask) {
      sums_.ask += v;
      ++sums_.asks;
    } else {
      sums_.bid += v;
      ++sums_.bids;
    }
  }
  // A batch's flow levels at time ts (call advance(ts, ...) first): the same sums, in the
  // same order, as add() of each level's LevelChange, read straight from the packed levels
  // (no LevelChange built per level, the window opened once, no branch on the side).
  void add_levels(std::span<const PackedLevel> levels, TimeNs ts) {
    if (levels.empty()) return;  // (no change: no window opened)
    open_at(ts);
    add_open_levels(levels);
  }
  // The same into the open window (is_open(); see open()): one call to the kernel, which
  // counts too.
  void add_open_levels(std::span<const PackedLevel> levels) {
    add_level_values_counted(levels, sums_);
  }
  // Opens the window `t` falls in unless one is open (as the first add at t would).
  void open(TimeNs t) { open_at(t); }
  void add(const TradeEvent& t) { add(t, t.price.to_double(), t.quantity.to_double()); }
  // The same with the trade's price and quantity already as doubles (Decimal::to_double's),
  // for a caller that needs them too (one conversion each). Inline: one per trade.
  void add(const TradeEvent& t, double price, double quantity) {
    open_at(t.ts);
    ++trades_;
    trade_volume_ += quantity;
    trade_notional_ += price * quantity;
    last_trade_price_ = t.price;
  }

  // Closes the open window regardless of time (end of a replay); nullopt when it had no change.
  std::optional<WindowResult> flush(const OrderBook* book);
  // advance (on a due window: due(t)) and flush, the closed window written over `out`
  // (every field; its symbol's buffer kept) instead of returned: false, `out` untouched,
  // when nothing closed or the window had no change. A closer that keeps one WindowResult
  // builds, moves and frees none per close.
  bool close_due_into(TimeNs t, const OrderBook* book, WindowResult& out) {
    if (!open_ || t < end_) return false;
    return close_into(book, out);
  }
  bool flush_into(const OrderBook* book, WindowResult& out) {
    return open_ && close_into(book, out);
  }
  // The open window as it stands (book metrics from `book` now), without closing it; nullopt
  // when no window is open or it has no change yet. For decisions taken between closes.
  std::optional<WindowResult> peek(const OrderBook* book) const;

  const std::string& symbol() const { return symbol_; }
  const WindowConfig& config() const { return config_; }
  bool is_open() const { return open_; }
  // Whether advance(t, ...) would close the open window.
  bool due(TimeNs t) const { return open_ && t >= end_; }
  TimeNs window_start() const { return start_; }
  TimeNs window_end() const { return end_; }
  std::uint64_t windows_emitted() const { return emitted_; }

 private:
  std::optional<WindowResult> advance_slow(TimeNs t, const OrderBook* book);
  void open_at(TimeNs t) {
    if (!open_) start_window(t);
  }
  void start_window(TimeNs t);
  std::optional<WindowResult> close(const OrderBook* book);
  bool close_into(const OrderBook* book, WindowResult& out);
  WindowResult result(const OrderBook* book) const;                  // the open window's figures
  void result_into(const OrderBook* book, WindowResult& out) const;  // the same, over `out`

  std::string symbol_;
  WindowConfig config_;
  bool open_ = false;
  TimeNs start_ = 0, end_ = 0;
  LevelSums sums_;  // the level changes' sums and counts
  std::uint64_t trades_ = 0;
  double trade_volume_ = 0, trade_notional_ = 0;
  std::optional<Decimal> last_trade_price_;
  std::uint64_t emitted_ = 0;
};

// The three `liquidity` records (doc_type ask, bid, price_volume; ts = window end). Fields:
// "value" (double; null for a missing ratio), "window_start", "window_end" (int64 ns); the
// price_volume record adds bid_changes, ask_changes, trades, best_bid, best_ask, mid,
// spread (decimals or null), depth_bid_1pct, depth_ask_1pct (base units).
std::array<Record, 3> window_records(const WindowResult& w);
// The same three records written into `out`, reusing its storage (a closer that keeps them
// between windows allocates nothing once warmed up).
void fill_window_records(const WindowResult& w, std::array<Record, 3>& out);
// Only the fields and times, into records whose doc types (ask, bid, price_volume) and
// symbol are already w's (a closer that keeps one set per symbol names them once).
void fill_window_values(const WindowResult& w, std::array<Record, 3>& out);

}  // namespace rtcrypto
