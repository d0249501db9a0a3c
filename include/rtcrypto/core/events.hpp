#pragma once
// The normalized market-event stream every feed parser produces and the engine consumes.
// Events hold string_views into the frame being parsed: valid only during the callback.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "rtcrypto/core/decimal.hpp"
#include "rtcrypto/core/time.hpp"
#include "rtcrypto/core/types.hpp"

namespace rtcrypto {

enum class ChangeReason : std::uint8_t { Snapshot, Update, Place, Cancel, Trade, Initial, Unknown };
std::string_view to_string(ChangeReason r);

// One price level's new total (remaining == 0 removes the level).
struct LevelChange {
  std::string_view symbol;
  Side side = Side::Bid;
  Decimal price;
  Decimal remaining;
  Decimal delta;  // valid when has_delta (v1 feeds carry it)
  bool has_delta = false;
  ChangeReason reason = ChangeReason::Update;
  TimeNs ts = 0;          // event time (exchange time, else receive time)
  std::int64_t seq = -1;  // protocol sequence where one exists
  bool snapshot = false;  // part of a full-book snapshot (not flow)
};

// One price level in 32 bytes, the side in the sign of the price (prices are > 0): the
// lean shape in which a frame's levels travel as one LevelBatch.
struct PackedLevel {
  Decimal::Rep signed_price = 0;  // > 0 bid, < 0 ask
  Decimal::Rep quantity = 0;      // the level's new total (0 removes it)

  static constexpr PackedLevel make(Side side, Decimal price, Decimal quantity) {
    return {side == Side::Ask ? -price.raw() : price.raw(), quantity.raw()};
  }
  constexpr Side side() const { return signed_price < 0 ? Side::Ask : Side::Bid; }
  constexpr Decimal price() const {
    return Decimal::from_raw(signed_price < 0 ? -signed_price : signed_price);
  }
  constexpr Decimal remaining() const { return Decimal::from_raw(quantity); }
};

// A fresh symbol id for LevelBatch::symbol_id (thread-safe, never 0, never repeated).
std::uint32_t new_symbol_id();

// A frame's level changes of one symbol at one instant, all snapshot levels or all flow,
// in stream order: what LevelChange repeats per change is said once.
struct LevelBatch {
  std::string_view symbol;
  // The symbol's id from new_symbol_id() (0: none). Ids are never reused, so one id always
  // names one symbol: a sink may cache its lookup by id and skip the string.
  std::uint32_t symbol_id = 0;
  TimeNs ts = 0;
  bool snapshot = false;
  ChangeReason reason = ChangeReason::Update;
  std::span<const PackedLevel> levels;

  // Level i as the LevelChange on_level would have carried (no delta, no sequence).
  LevelChange change(std::size_t i) const {
    LevelChange c;
    c.symbol = symbol;
    c.side = levels[i].side();
    c.price = levels[i].price();
    c.remaining = levels[i].remaining();
    c.reason = reason;
    c.ts = ts;
    c.snapshot = snapshot;
    return c;
  }
};

struct TradeEvent {
  std::string_view symbol;
  Decimal price;
  Decimal quantity;
  OrderSide taker_side = OrderSide::Buy;
  bool has_taker_side = false;
  TimeNs ts = 0;
  std::int64_t trade_id = -1;
};

// Whether every trade names the first one's symbol (on_trades' promise, checked by the
// sinks that look up the first one's symbol for all: the same text is one compare).
inline bool one_symbol(std::span<const TradeEvent> trades) {
  for (const TradeEvent& t : trades) {
    const std::string_view first = trades.front().symbol;
    if (t.symbol.size() != first.size() || (t.symbol.data() != first.data() && t.symbol != first))
      return false;
  }
  return true;
}

struct TickerEvent {  // best bid/offer update (bookTicker)
  std::string_view symbol;
  Decimal bid, bid_qty, ask, ask_qty;
  TimeNs ts = 0;
};

// Receives the normalized stream. Snapshot levels arrive between on_snapshot_begin and
// on_snapshot_end; a gap means the book is no longer whole until the next snapshot.
class MarketEventSink {
 public:
  virtual ~MarketEventSink() = default;
  virtual void on_snapshot_begin(std::string_view symbol, TimeNs ts) = 0;
  virtual void on_level(const LevelChange& change) = 0;
  // Several changes of one symbol in stream order (parsers send a frame's levels this
  // way). The default hands them to on_level one by one; sinks on the hot path override
  // it to look the symbol up once.
  virtual void on_levels(std::span<const LevelChange> changes) {
    for (const LevelChange& c : changes) on_level(c);
  }
  // A whole batch (the v2 parser sends each frame's levels this way). The default hands it
  // to on_levels as LevelChanges, 64 at a time; the book and the engine take it as is.
  virtual void on_level_batch(const LevelBatch& batch);
  virtual void on_snapshot_end(std::string_view symbol, TimeNs ts) = 0;
  virtual void on_trade(const TradeEvent& trade) = 0;
  // Several trades of one symbol in stream order (the v2 parser sends a snapshot's trades
  // this way). The default hands them to on_trade one by one; the engine takes them whole
  // (after one_symbol(): trades of several symbols go one by one there too).
  virtual void on_trades(std::span<const TradeEvent> trades) {
    for (const TradeEvent& t : trades) on_trade(t);
  }
  virtual void on_ticker(const TickerEvent&) {}
  virtual void on_gap(std::string_view symbol, TimeNs ts, std::string_view why) = 0;
  // Called with the best time known for the frame, also for heartbeats, so that windows
  // close on event time in a quiet market.
  virtual void on_time(TimeNs) {}
};

}  // namespace rtcrypto
