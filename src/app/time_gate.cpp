#include "rtcrypto/app/time_gate.hpp"

#include <vector>

namespace rtcrypto::app {

TimeGate::TimeGate(MarketEventSink& next, SignalSource* signal,
                   std::set<std::string, std::less<>> symbols, std::optional<TimeNs> from,
                   std::optional<TimeNs> to)
    : next_(next), signal_(signal), symbols_(std::move(symbols)), from_(from), to_(to) {
  open_ = !from_;
}

bool TimeGate::wanted(std::string_view symbol) const {
  return symbols_.empty() || symbols_.count(symbol) > 0;
}

bool TimeGate::pass(TimeNs ts) {
  if (to_ && ts >= *to_) {
    past_end_ = true;
    return false;
  }
  if (open_) return true;
  if (ts < *from_) {
    ++warmup_events_;
    return false;
  }
  open_ = true;
  // Hand the warmed-up books over as snapshots, stamped with the first passed event's time.
  std::vector<LevelChange> levels;
  for (const auto& [symbol, book] : warm_.books()) {
    if (!book.whole() || !wanted(symbol)) continue;
    next_.on_snapshot_begin(symbol, ts);
    levels.clear();
    for (Side side : {Side::Bid, Side::Ask}) {
      for (std::size_t i = 0; i < book.depth(side); ++i) {
        const BookLevel& l = book.level(side, i);
        LevelChange c;
        c.symbol = symbol;
        c.side = side;
        c.price = l.price;
        c.remaining = l.quantity;
        c.reason = ChangeReason::Snapshot;
        c.ts = ts;
        c.snapshot = true;
        levels.push_back(c);
      }
    }
    next_.on_levels(levels);
    next_.on_snapshot_end(symbol, ts);
  }
  return true;
}

void TimeGate::on_snapshot_begin(std::string_view symbol, TimeNs ts) {
  if (pass(ts)) {
    next_.on_snapshot_begin(symbol, ts);
  } else if (!open_ && !past_end_ && wanted(symbol)) {
    warm_.on_snapshot_begin(symbol, ts);
  }
}

void TimeGate::on_level(const LevelChange& c) {
  if (pass(c.ts)) {
    next_.on_level(c);
  } else if (!open_ && !past_end_ && wanted(c.symbol)) {
    warm_.on_level(c);
  }
}

void TimeGate::on_levels(std::span<const LevelChange> cs) {
  if (cs.empty()) return;
  // One frame's changes share a time in practice; a batch that straddles a bound goes
  // change by change.
  if (cs.front().ts != cs.back().ts) {
    for (const LevelChange& c : cs) on_level(c);
    return;
  }
  if (pass(cs.front().ts)) {
    next_.on_levels(cs);
  } else if (!open_ && !past_end_ && wanted(cs.front().symbol)) {
    warm_.on_levels(cs);
  }
}

void TimeGate::on_level_batch(const LevelBatch& b) {
  if (b.levels.empty()) return;
  if (pass(b.ts)) {
    next_.on_level_batch(b);
  } else if (!open_ && !past_end_ && wanted(b.symbol)) {
    warm_.on_level_batch(b);
  }
}

void TimeGate::on_snapshot_end(std::string_view symbol, TimeNs ts) {
  // A snapshot's end belongs with its begin: when the gate opened in between, the books
  // already went downstream and the remaining levels pass through on_level.
  if (pass(ts)) {
    next_.on_snapshot_end(symbol, ts);
  } else if (!open_ && !past_end_ && wanted(symbol)) {
    warm_.on_snapshot_end(symbol, ts);
  }
}

void TimeGate::on_trade(const TradeEvent& t) {
  if (pass(t.ts)) {
    next_.on_trade(t);
  } else if (!open_ && !past_end_ && wanted(t.symbol) && signal_) {
    signal_->on_trade(t.symbol, t.ts, t.price.to_double(), t.quantity.to_double());
  }
}

void TimeGate::on_ticker(const TickerEvent& t) {
  if (pass(t.ts)) next_.on_ticker(t);
}

void TimeGate::on_gap(std::string_view symbol, TimeNs ts, std::string_view why) {
  if (pass(ts)) {
    next_.on_gap(symbol, ts, why);
  } else if (!open_ && !past_end_ && wanted(symbol)) {
    warm_.on_gap(symbol, ts, why);
  }
}

void TimeGate::on_time(TimeNs ts) {
  // The clock reaching `to` still closes the windows that end there.
  if (to_ && ts == *to_ && open_) {
    past_end_ = true;
    next_.on_time(ts);
    return;
  }
  if (pass(ts)) next_.on_time(ts);
}

}  // namespace rtcrypto::app
