#pragma once
// Drives recorded frames through the feed parsers into a MarketEventSink: one parser per
// (feed, symbol-for-v1); a new session resets every parser and reports on_gap(symbol, ts,
// "new session") for each symbol seen so far (a new session means new connections, so the
// books start again from their next snapshot).
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>

#include "rtcrypto/core/events.hpp"
#include "rtcrypto/feed/feed_parser.hpp"
#include "rtcrypto/feed/replay_reader.hpp"

namespace rtcrypto {

struct ReplayOptions {
  // Symbols to keep (upper case); empty = all. Frames of other symbols are skipped before
  // the full parse where the symbol can be seen cheaply, and their events are dropped
  // otherwise; they still count in ReplayStats::frames.
  std::set<std::string, std::less<>> symbols;
  // Called after every frame with its receive time (e.g. BookBuilder::end_of_frame).
  std::function<void(TimeNs)> on_frame_end;
  ParserOptions parser;
  std::uint64_t max_frames = 0;  // 0 = no limit (replay_into stops after this many)
};

struct ReplayStats {
  std::uint64_t frames = 0;      // frames handed to the driver
  std::uint64_t filtered = 0;    // skipped by the symbol filter before parsing
  std::uint64_t bad_frames = 0;  // frames the driver could not route (v1 without a symbol)
  std::uint64_t sessions = 0;    // distinct consecutive session ids
  TimeNs first_recv_ts = 0;
  TimeNs last_recv_ts = 0;
  FeedStats feed;            // summed over all parsers
  ReplayReaderStats reader;  // filled by replay_into
};

class ReplayDriver {
 public:
  explicit ReplayDriver(MarketEventSink& sink, ReplayOptions options = {});
  ~ReplayDriver();
  ReplayDriver(const ReplayDriver&) = delete;
  ReplayDriver& operator=(const ReplayDriver&) = delete;

  // Parses one recorded frame (calls on_frame_end after it).
  void process(const ReplayFrame& frame);
  ReplayStats stats() const;

 private:
  class Sink;
  void process_slow(const ReplayFrame& f);  // a new session, a filter, another feed
  FeedParser& parser_for(const ReplayFrame& f);
  bool skip_by_filter(const ReplayFrame& f);
  [[gnu::noinline]] void note_new_symbols(FeedParser& parser);

  ReplayOptions options_;
  std::unique_ptr<Sink> sink_;
  std::map<std::pair<FeedKind, std::string>, std::unique_ptr<FeedParser>> parsers_;
  FeedKind last_feed_ = FeedKind::V2;
  FeedParser* last_parser_ = nullptr;  // of last_feed_ (v2/ws only)
  // The feed process() sends straight to last_parser_ (when the session stays): last_feed_
  // once a frame set it up without a filter; -1 otherwise.
  int fast_feed_ = -1;
  // process()'s sink for last_parser_: the user's when the parser reports its new symbols
  // (the Sink then only learns them), else the Sink.
  MarketEventSink* fast_sink_ = nullptr;
  std::string session_;
  bool any_frame_ = false;
  ReplayStats stats_;
};

// Reads every frame of `reader` into `sink` and returns the totals.
ReplayStats replay_into(ReplayReader& reader, MarketEventSink& sink,
                        const ReplayOptions& options = {});

}  // namespace rtcrypto
