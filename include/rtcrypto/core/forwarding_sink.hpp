#pragma once
// A MarketEventSink that hands every event on to the next sink unchanged: taps that watch one
// kind of event (gaps, say) derive from it and override only that.
#include "rtcrypto/core/events.hpp"

namespace rtcrypto {

class ForwardingSink : public MarketEventSink {
 public:
  explicit ForwardingSink(MarketEventSink& next) : next_(next) {}
  void on_snapshot_begin(std::string_view s, TimeNs ts) override { next_.on_snapshot_begin(s, ts); }
  void on_level(const LevelChange& c) override { next_.on_level(c); }
  void on_levels(std::span<const LevelChange> cs) override { next_.on_levels(cs); }
  void on_level_batch(const LevelBatch& b) override { next_.on_level_batch(b); }
  void on_snapshot_end(std::string_view s, TimeNs ts) override { next_.on_snapshot_end(s, ts); }
  void on_trade(const TradeEvent& t) override { next_.on_trade(t); }
  void on_trades(std::span<const TradeEvent> ts) override { next_.on_trades(ts); }
  void on_ticker(const TickerEvent& t) override { next_.on_ticker(t); }
  void on_gap(std::string_view s, TimeNs ts, std::string_view why) override {
    next_.on_gap(s, ts, why);
  }
  void on_time(TimeNs ts) override { next_.on_time(ts); }

 protected:
  MarketEventSink& next_;
};

}  // namespace rtcrypto
