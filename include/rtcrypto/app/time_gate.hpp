#pragma once
// --from / --to for offline sources: passes on only the events in [from, to). Before
// `from`, the stream still rebuilds the books (here) and teaches the signal (its trades),
// so that the core starts at `from` with whole books and a warm model; at the first event
// at or after `from`, every whole book goes downstream as a snapshot. Events at or after
// `to` are dropped and past_end() turns true so the source can stop reading.
#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "rtcrypto/book/book_builder.hpp"
#include "rtcrypto/core/events.hpp"
#include "rtcrypto/signal/signal_source.hpp"

namespace rtcrypto::app {

class TimeGate final : public MarketEventSink {
 public:
  // `symbols`: the traded symbols (upper case; empty = all). `signal` may be null.
  TimeGate(MarketEventSink& next, SignalSource* signal, std::set<std::string, std::less<>> symbols,
           std::optional<TimeNs> from, std::optional<TimeNs> to);

  void on_snapshot_begin(std::string_view symbol, TimeNs ts) override;
  void on_level(const LevelChange& c) override;
  void on_levels(std::span<const LevelChange> cs) override;
  void on_level_batch(const LevelBatch& b) override;
  void on_snapshot_end(std::string_view symbol, TimeNs ts) override;
  void on_trade(const TradeEvent& t) override;
  void on_ticker(const TickerEvent& t) override;
  void on_gap(std::string_view symbol, TimeNs ts, std::string_view why) override;
  void on_time(TimeNs ts) override;

  bool open() const { return open_; }
  bool past_end() const { return past_end_; }
  std::uint64_t warmup_events() const { return warmup_events_; }

 private:
  // True when an event at `ts` goes downstream (opens the gate on the way).
  bool pass(TimeNs ts);
  bool wanted(std::string_view symbol) const;

  MarketEventSink& next_;
  SignalSource* signal_;
  std::set<std::string, std::less<>> symbols_;
  std::optional<TimeNs> from_, to_;
  BookBuilder warm_;
  bool open_ = false;
  bool past_end_ = false;
  std::uint64_t warmup_events_ = 0;
};

}  // namespace rtcrypto::app
