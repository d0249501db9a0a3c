#pragma once
// A minute bar as market events, so that bars go through the same core as a feed
// (`--source bars:FILE`, `rtcrypto backtest --bars`). The model, stated plainly:
//  - trades: the bar's path open -> low -> high -> close for an up bar (open -> high -> low
//    -> close otherwise) at bar time +0 s, +20 s, +40 s and the bar's last nanosecond, its
//    volume split evenly (none when the volume is 0). Signals that build bars from trades
//    (the LSTM) see the bar's exact open, high, low, close and volume;
//  - the book: at the bar's last nanosecond, a synthetic book around the close: best bid and
//    ask `spread_bps` apart (on the price tick), `levels` levels per side `level_step_bps`
//    apart, each holding `level_notional` of quote currency. Both sides change by the same
//    notional, so the liquidity ratio is ~1 (inside the default band): the bars carry no
//    order-flow information, and fills happen at this book, not at real liquidity;
//  - time: on_time(bar end) right after, so the window closes and the decision is taken at
//    the bar's close, with the close's book (no look-ahead: the next bar is not yet known).
// The first bar's book arrives as a snapshot (not flow: that minute has no window), later ones
// as level updates.
#include <optional>
#include <string>
#include <vector>

#include "rtcrypto/app/run_config.hpp"
#include "rtcrypto/bars/minute_bars.hpp"
#include "rtcrypto/core/decimal.hpp"
#include "rtcrypto/core/events.hpp"

namespace rtcrypto::app {

class BarEvents {
 public:
  // price_tick / qty_tick: the symbol's quote_increment and tick_size.
  BarEvents(std::string symbol, BarBookSettings book, Decimal price_tick, Decimal qty_tick);

  // Emits the bar's trades and book to `sink`; calls `frame_end(ts)` after the book (where
  // the replay ends a frame), then sink.on_time(bar end). False (nothing emitted) for a bar
  // with a non-finite or non-positive price.
  template <class FrameEnd>
  bool emit(const MinuteBar& bar, MarketEventSink& sink, FrameEnd&& frame_end) {
    if (!emit_events(bar, sink)) return false;
    frame_end(bar.ts + kNsPerMin - 1);
    sink.on_time(bar.ts + kNsPerMin);
    return true;
  }

  // The book levels a close gives (best first), for tests and documentation.
  struct Level {
    Decimal price, quantity;
  };
  std::vector<Level> levels_for(double close, Side side) const;

 private:
  bool emit_events(const MinuteBar& bar, MarketEventSink& sink);

  std::string symbol_;
  BarBookSettings book_;
  Decimal price_tick_, qty_tick_;
  std::optional<Decimal> notional_;  // quote per level, exact
  bool have_book_ = false;
  std::vector<Decimal> last_bids_, last_asks_;  // prices resting from the previous bar
  std::vector<LevelChange> changes_;            // reused
};

}  // namespace rtcrypto::app
