#pragma once
// A MarketEventSink that copies every event (the parsers' string_views die with the frame).
#include <string>
#include <vector>

#include "rtcrypto/core/events.hpp"

namespace rtcrypto::test {

struct RecordedLevel {
  std::string symbol;
  Side side;
  Decimal price, remaining, delta;
  bool has_delta;
  ChangeReason reason;
  TimeNs ts;
  std::int64_t seq;
  bool snapshot;
};

struct RecordedTrade {
  std::string symbol;
  Decimal price, quantity;
  OrderSide taker;
  bool has_taker;
  TimeNs ts;
  std::int64_t id;
};

struct RecordedTicker {
  std::string symbol;
  Decimal bid, bid_qty, ask, ask_qty;
  TimeNs ts;
};

struct RecordedGap {
  std::string symbol;
  TimeNs ts;
  std::string why;
};

class EventRecorder : public MarketEventSink {
 public:
  void on_snapshot_begin(std::string_view s, TimeNs ts) override {
    log.push_back("begin " + std::string(s));
    snapshot_begins.push_back(std::string(s));
  }
  void on_level(const LevelChange& c) override {
    levels.push_back({std::string(c.symbol), c.side, c.price, c.remaining, c.delta, c.has_delta,
                      c.reason, c.ts, c.seq, c.snapshot});
  }
  void on_snapshot_end(std::string_view s, TimeNs) override {
    log.push_back("end " + std::string(s));
    snapshot_ends.push_back(std::string(s));
  }
  void on_trade(const TradeEvent& t) override {
    trades.push_back({std::string(t.symbol), t.price, t.quantity, t.taker_side, t.has_taker_side,
                      t.ts, t.trade_id});
  }
  void on_ticker(const TickerEvent& t) override {
    tickers.push_back({std::string(t.symbol), t.bid, t.bid_qty, t.ask, t.ask_qty, t.ts});
  }
  void on_gap(std::string_view s, TimeNs ts, std::string_view why) override {
    log.push_back("gap " + std::string(s));
    gaps.push_back({std::string(s), ts, std::string(why)});
  }
  void on_time(TimeNs ts) override { times.push_back(ts); }

  std::size_t event_count() const {
    return levels.size() + trades.size() + tickers.size() + gaps.size() + snapshot_begins.size() +
           snapshot_ends.size();
  }

  std::vector<std::string> log;  // begin/end/gap in order
  std::vector<std::string> snapshot_begins, snapshot_ends;
  std::vector<RecordedLevel> levels;
  std::vector<RecordedTrade> trades;
  std::vector<RecordedTicker> tickers;
  std::vector<RecordedGap> gaps;
  std::vector<TimeNs> times;
};

// Counts events without keeping them (for large inputs).
class CountingSink : public MarketEventSink {
 public:
  void on_snapshot_begin(std::string_view, TimeNs) override { ++snapshots; }
  void on_level(const LevelChange&) override { ++levels; }
  void on_snapshot_end(std::string_view, TimeNs) override {}
  void on_trade(const TradeEvent&) override { ++trades; }
  void on_gap(std::string_view, TimeNs, std::string_view) override { ++gaps; }
  std::uint64_t snapshots = 0, levels = 0, trades = 0, gaps = 0;
};

}  // namespace rtcrypto::test
