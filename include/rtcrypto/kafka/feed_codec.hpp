#pragma once
// The `gemini-feed` topic's records, written by hand (hot path) and read back.
//
// Level changes are exactly the DESIGN record (a consumer that knows only that shape can
// read every record that has a "side"):
//   {"symbol":"BTCUSD","side":"bid","price":"11412.68","remaining":"0.54571124",
//    "delta":"-0.1","reason":"cancel","ts":1602770086123000000,"seq":12345,"snapshot":false}
// ("delta" and "seq" are null where the feed carries none.)
//
// Everything else the engine needs to rebuild the same state carries a "type" field (and no
// "side"), so that a second process runs the very same event sequence:
//   {"type":"snapshot_begin","symbol":"BTCUSD","ts":...}  a full book follows
//   {"type":"snapshot_end","symbol":"BTCUSD","ts":...}    the book is whole again
//   {"type":"trade","symbol","price","quantity","taker_side":"buy"|"sell"|null,"ts","trade_id"}
//   {"type":"ticker","symbol","bid","bid_qty","ask","ask_qty","ts"}
//   {"type":"gap","symbol","ts","why"}                     the book is no longer whole
//   {"type":"frame","symbol","ts","clock"}   end of a source frame at receive time ts; clock is
//                                            the event clock (on_time) in it, or null
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "rtcrypto/core/events.hpp"

namespace rtcrypto::kafka {

enum class FeedRecordType : std::uint8_t {
  Level,
  SnapshotBegin,
  SnapshotEnd,
  Trade,
  Ticker,
  Gap,
  Frame,
};
std::string_view to_string(FeedRecordType t);

// Appends one record (no newline) to `out`.
void encode_level(std::string& out, const LevelChange& c);
void encode_marker(std::string& out, FeedRecordType type, std::string_view symbol, TimeNs ts);
void encode_trade(std::string& out, const TradeEvent& t);
void encode_ticker(std::string& out, const TickerEvent& t);
void encode_gap(std::string& out, std::string_view symbol, TimeNs ts, std::string_view why);
// clock < 0: none.
void encode_frame(std::string& out, std::string_view symbol, TimeNs ts, TimeNs clock);

// A decoded record; the string_views in level/trade/ticker point into `symbol` / `why`.
struct FeedRecord {
  FeedRecordType type = FeedRecordType::Level;
  std::string symbol;
  TimeNs ts = 0;
  LevelChange level;   // type == Level
  TradeEvent trade;    // type == Trade
  TickerEvent ticker;  // type == Ticker
  std::string why;     // type == Gap
  TimeNs clock = -1;   // type == Frame: the on_time() reading, -1 = none
};

ChangeReason parse_change_reason(std::string_view text);

// Reusable decoder (keeps its parser buffers). decode() returns false and sets error() for
// anything that is not a valid record: bad JSON, a missing or mistyped field, a bad number.
class FeedDecoder {
 public:
  FeedDecoder();
  ~FeedDecoder();
  FeedDecoder(const FeedDecoder&) = delete;
  FeedDecoder& operator=(const FeedDecoder&) = delete;

  bool decode(std::string_view json, FeedRecord& out);
  const std::string& error() const { return error_; }

 private:
  struct Impl;
  Impl* impl_;
  std::string error_;
};

}  // namespace rtcrypto::kafka
