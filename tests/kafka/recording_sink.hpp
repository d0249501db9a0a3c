#pragma once
// A MarketEventSink that writes every call as one line of text, for comparing streams.
#include <string>
#include <vector>

#include "rtcrypto/core/events.hpp"

namespace rtcrypto::kafka::test {

class RecordingSink : public MarketEventSink {
 public:
  std::vector<std::string> calls;
  void on_snapshot_begin(std::string_view s, TimeNs ts) override {
    calls.push_back("begin " + std::string(s) + " " + std::to_string(ts));
  }
  void on_level(const LevelChange& c) override {
    calls.push_back("level " + std::string(c.symbol) + " " + std::string(to_string(c.side)) + " " +
                    c.price.to_string() + " " + c.remaining.to_string() + " " +
                    (c.has_delta ? c.delta.to_string() : "-") + " " +
                    std::string(to_string(c.reason)) + " " + std::to_string(c.ts) + " " +
                    std::to_string(c.seq) + (c.snapshot ? " S" : ""));
  }
  void on_snapshot_end(std::string_view s, TimeNs ts) override {
    calls.push_back("end " + std::string(s) + " " + std::to_string(ts));
  }
  void on_trade(const TradeEvent& t) override {
    calls.push_back("trade " + std::string(t.symbol) + " " + t.price.to_string() + " " +
                    t.quantity.to_string() + " " + std::to_string(t.ts));
  }
  void on_ticker(const TickerEvent& t) override {
    calls.push_back("ticker " + std::string(t.symbol) + " " + t.bid.to_string() + " " +
                    t.ask.to_string());
  }
  void on_gap(std::string_view s, TimeNs ts, std::string_view why) override {
    calls.push_back("gap " + std::string(s) + " " + std::to_string(ts) + " " + std::string(why));
  }
  void on_time(TimeNs ts) override { calls.push_back("time " + std::to_string(ts)); }
};

}  // namespace rtcrypto::kafka::test
