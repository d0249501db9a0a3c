#include "rtcrypto/app/bar_events.hpp"

#include <algorithm>
#include <cmath>

namespace rtcrypto::app {
namespace {

std::optional<Decimal> price_decimal(double v) {
  if (!std::isfinite(v) || v <= 0) return std::nullopt;
  return Decimal::from_double(v, 8);
}

}  // namespace

BarEvents::BarEvents(std::string symbol, BarBookSettings book, Decimal price_tick, Decimal qty_tick)
    : symbol_(std::move(symbol)),
      book_(book),
      price_tick_(price_tick),
      qty_tick_(qty_tick),
      notional_(Decimal::from_double(book.level_notional, 2)) {}

std::vector<BarEvents::Level> BarEvents::levels_for(double close, Side side) const {
  std::vector<Level> out;
  const double half = book_.spread_bps / 2;
  std::optional<Decimal> prev;
  for (int i = 0; i < book_.levels; ++i) {
    const double off = (half + i * book_.level_step_bps) / 10000.0;
    auto p = price_decimal(side == Side::Bid ? close * (1 - off) : close * (1 + off));
    if (!p) break;
    Decimal price = side == Side::Bid ? p->floor_to(price_tick_) : p->ceil_to(price_tick_);
    // Distinct levels even when the step is finer than the tick.
    if (prev && (side == Side::Bid ? price >= *prev : price <= *prev))
      price = side == Side::Bid ? *prev - price_tick_ : *prev + price_tick_;
    if (!price.is_positive()) break;
    auto q = notional_ ? notional_->checked_div(price) : std::nullopt;
    if (!q) break;
    Decimal qty = q->floor_to(qty_tick_);
    if (!qty.is_positive()) qty = qty_tick_;
    out.push_back({price, qty});
    prev = price;
  }
  return out;
}

bool BarEvents::emit_events(const MinuteBar& bar, MarketEventSink& sink) {
  auto open = price_decimal(bar.open), high = price_decimal(bar.high), low = price_decimal(bar.low),
       close = price_decimal(bar.close);
  if (!open || !high || !low || !close) return false;
  const TimeNs last = bar.ts + kNsPerMin - 1;

  // Trades along the bar's path.
  if (std::isfinite(bar.volume) && bar.volume > 0) {
    auto q = Decimal::from_double(bar.volume / 4, 8);
    auto total = Decimal::from_double(bar.volume, 8);
    if (q && total) {
      const bool up = bar.close >= bar.open;
      const Decimal path[4] = {*open, up ? *low : *high, up ? *high : *low, *close};
      const TimeNs at[4] = {bar.ts, bar.ts + 20 * kNsPerSec, bar.ts + 40 * kNsPerSec, last};
      for (int i = 0; i < 4; ++i) {
        TradeEvent t;
        t.symbol = symbol_;
        t.price = path[i];
        t.quantity = i < 3 ? *q : *total - *q - *q - *q;
        t.ts = at[i];
        if (i < 3 || t.quantity.is_positive()) sink.on_trade(t);
      }
    }
  }

  // The book around the close: remove what the last bar left, then the new levels.
  const auto bids = levels_for(bar.close, Side::Bid), asks = levels_for(bar.close, Side::Ask);
  if (bids.empty() || asks.empty()) return true;
  changes_.clear();
  auto add = [&](Side side, Decimal price, Decimal qty) {
    LevelChange c;
    c.symbol = symbol_;
    c.side = side;
    c.price = price;
    c.remaining = qty;
    c.reason = have_book_ ? (qty.is_zero() ? ChangeReason::Cancel : ChangeReason::Place)
                          : ChangeReason::Snapshot;
    c.ts = last;
    c.snapshot = !have_book_;
    changes_.push_back(c);
  };
  auto removed = [](const std::vector<Level>& now, Decimal p) {
    return std::none_of(now.begin(), now.end(), [&](const Level& l) { return l.price == p; });
  };
  if (have_book_) {
    for (Decimal p : last_bids_)
      if (removed(bids, p)) add(Side::Bid, p, Decimal{});
    for (Decimal p : last_asks_)
      if (removed(asks, p)) add(Side::Ask, p, Decimal{});
  } else {
    sink.on_snapshot_begin(symbol_, last);
  }
  for (const Level& l : bids) add(Side::Bid, l.price, l.quantity);
  for (const Level& l : asks) add(Side::Ask, l.price, l.quantity);
  sink.on_levels(changes_);
  if (!have_book_) sink.on_snapshot_end(symbol_, last);
  have_book_ = true;
  last_bids_.clear();
  last_asks_.clear();
  for (const Level& l : bids) last_bids_.push_back(l.price);
  for (const Level& l : asks) last_asks_.push_back(l.price);
  return true;
}

}  // namespace rtcrypto::app
