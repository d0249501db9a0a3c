#include "rtcrypto/feed/replay_driver.hpp"

#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

#include "rtcrypto/core/log.hpp"
#include "v2_symbol_cache.hpp"

namespace rtcrypto {

// The Sink's forwards call the next sink as they are: speculating that it is another Sink
// (the only override GCC sees here) inlined a check and register saves into every event.
#define RTC_NO_SPECULATION [[gnu::optimize("no-devirtualize-speculatively")]]

// Sits between the parsers and the user's sink: remembers every symbol that reached the
// sink (to reset it on a new session) and drops events of symbols outside the filter.
class ReplayDriver::Sink final : public MarketEventSink {
 public:
  Sink(MarketEventSink& next, const std::set<std::string, std::less<>>& filter)
      : next_(next), filter_(filter) {}

  RTC_NO_SPECULATION void on_snapshot_begin(std::string_view s, TimeNs ts) override {
    if (admit(s)) next_.on_snapshot_begin(s, ts);
  }
  RTC_NO_SPECULATION void on_level(const LevelChange& c) override {
    if (admit(c.symbol)) next_.on_level(c);
  }
  RTC_NO_SPECULATION void on_levels(std::span<const LevelChange> cs) override {
    if (!cs.empty() && admit(cs.front().symbol)) next_.on_levels(cs);
  }
  // The hot forwards answer from the last symbol (or the batch's id) and end in a tail call;
  // the rest is out of line, so they save no registers.
  RTC_NO_SPECULATION void on_level_batch(const LevelBatch& b) override {
    const IdSlot& slot = id_slots_[b.symbol_id % id_slots_.size()];
    if (slot.id == b.symbol_id && b.symbol_id != 0 && !b.levels.empty()) [[likely]] {
      last_ = slot.slot;  // the trades of the frame come next
      if (slot.ok) next_.on_level_batch(b);
      return;
    }
    on_level_batch_slow(b);
  }
  RTC_NO_SPECULATION void on_snapshot_end(std::string_view s, TimeNs ts) override {
    if (admit(s)) next_.on_snapshot_end(s, ts);
  }
  RTC_NO_SPECULATION void on_trade(const TradeEvent& t) override {
    if (last_ && same_symbol(t.symbol, last_->symbol)) [[likely]] {
      if (last_->ok) next_.on_trade(t);
      return;
    }
    on_trade_slow(t);
  }
  RTC_NO_SPECULATION void on_trades(std::span<const TradeEvent> ts) override {
    if (ts.empty()) return;
    if (!one_symbol(ts)) [[unlikely]]
      return MarketEventSink::on_trades(ts);
    if (admit(ts.front().symbol)) next_.on_trades(ts);
  }
  RTC_NO_SPECULATION void on_ticker(const TickerEvent& t) override {
    if (admit(t.symbol)) next_.on_ticker(t);
  }
  RTC_NO_SPECULATION void on_gap(std::string_view s, TimeNs ts, std::string_view why) override {
    if (admit(s)) next_.on_gap(s, ts, why);
  }
  RTC_NO_SPECULATION void on_time(TimeNs ts) override { next_.on_time(ts); }

  const std::vector<std::string>& seen() const { return seen_order_; }
  MarketEventSink& next() { return next_; }
  // Symbols whose events reached next() without passing here (in that order).
  void note_seen(const std::vector<std::string_view>& symbols) {
    for (std::string_view s : symbols) {
      if (seen_.emplace(s).second) seen_order_.emplace_back(s);
    }
  }

  // Whether the filter keeps a symbol as a frame spells it: remembered per spelling (a
  // recording's few dozen alternate frame by frame).
  bool keeps(std::string_view raw) {
    const feed_detail::SymbolKey key = feed_detail::SymbolKey::of(raw);
    if (key.valid()) {
      if (const bool* keep = keep_cache_.find(key)) [[likely]]
        return *keep;
    }
    upper_symbol(raw, upper_);
    const bool keep = filter_.contains(upper_);
    if (key.valid()) keep_cache_.put(key, keep ? &kKeep : &kDrop);
    return keep;
  }

 private:
  [[gnu::always_inline]] bool admit(std::string_view s) {
    if (last_ && same_symbol(s, last_->symbol)) [[likely]]
      return last_->ok;
    return admit_slow(s);
  }

  [[gnu::noinline]] bool admit_slow(std::string_view s) {
    // Symbols alternate frame by frame: remember each one's answer (seen_ only grows).
    Slot& slot = slots_[symbol_hash(s) % slots_.size()];
    if (!slot.used || !same_symbol(s, slot.symbol)) {
      const bool ok = filter_.empty() || filter_.contains(s);
      if (ok && seen_.emplace(s).second) seen_order_.emplace_back(s);
      slot.used = true;
      slot.symbol.assign(s);
      slot.ok = ok;
    }
    last_ = &slot;  // the slot of the last symbol (checked by content: slots get reused)
    return slot.ok;
  }

  // A batch on_level_batch's slot does not answer: by its symbol, then remembered by its id
  // (the filter is fixed, so an id's answer never changes).
  RTC_NO_SPECULATION [[gnu::noinline]] void on_level_batch_slow(const LevelBatch& b) {
    if (b.levels.empty()) return;
    const bool ok = admit(b.symbol);
    if (b.symbol_id != 0)
      id_slots_[b.symbol_id % id_slots_.size()] = IdSlot{b.symbol_id, ok, last_};
    if (ok) next_.on_level_batch(b);
  }
  RTC_NO_SPECULATION [[gnu::noinline]] void on_trade_slow(const TradeEvent& t) {
    if (admit_slow(t.symbol)) next_.on_trade(t);
  }

  struct Slot {
    bool used = false;
    std::string symbol;
    bool ok = false;
  };
  struct IdSlot {
    std::uint32_t id = 0;
    bool ok = false;
    const Slot* slot = nullptr;  // the symbol's Slot (checked by content where it is used)
  };
  std::array<IdSlot, 64> id_slots_{};

  std::array<Slot, 64> slots_;

  MarketEventSink& next_;
  const std::set<std::string, std::less<>>& filter_;
  std::set<std::string, std::less<>> seen_;
  std::vector<std::string> seen_order_;
  const Slot* last_ = nullptr;
  static constexpr bool kKeep = true, kDrop = false;
  feed_detail::SymbolCache<const bool> keep_cache_;
  std::string upper_;  // keeps()'s scratch
};

ReplayDriver::ReplayDriver(MarketEventSink& sink, ReplayOptions options)
    : options_(std::move(options)), sink_(std::make_unique<Sink>(sink, options_.symbols)) {}

ReplayDriver::~ReplayDriver() = default;

FeedParser& ReplayDriver::parser_for(const ReplayFrame& f) {
  // v2 and ws frames name their symbols: one parser per feed. v1: one per symbol.
  // A recording is nearly always one feed: the last v2/ws parser answers without a key.
  if (f.feed != FeedKind::V1 && last_parser_ && last_feed_ == f.feed) return *last_parser_;
  std::pair<FeedKind, std::string> key{f.feed, f.feed == FeedKind::V1 ? f.symbol : std::string{}};
  auto it = parsers_.find(key);
  if (it == parsers_.end()) {
    it = parsers_.emplace(key, make_parser(f.feed, key.second, options_.parser)).first;
  }
  if (f.feed != FeedKind::V1) {  // parsers are never erased
    last_feed_ = f.feed;
    last_parser_ = it->second.get();
  }
  return *it->second;
}

namespace {
// a == b without a library call: every frame compares its session with the last one's (a
// few dozen bytes, nearly always equal), eight bytes at a time.
inline bool same_text(std::string_view a, std::string_view b) {
  const std::size_t n = a.size();
  if (n != b.size()) return false;
  if (n < 8) return a == b;
  std::uint64_t x, y, u, v;
  if (n <= 16) [[likely]] {  // a date or a short id: two overlapping words, no loop
    std::memcpy(&x, a.data(), 8);
    std::memcpy(&y, b.data(), 8);
    std::memcpy(&u, a.data() + n - 8, 8);
    std::memcpy(&v, b.data() + n - 8, 8);
    return ((x ^ y) | (u ^ v)) == 0;
  }
  std::uint64_t diff = 0;
  for (std::size_t i = 0; i + 8 <= n; i += 8) {
    std::memcpy(&x, a.data() + i, 8);
    std::memcpy(&y, b.data() + i, 8);
    diff |= x ^ y;
  }
  // The last eight (overlapping the loop's where n % 8 != 0).
  std::memcpy(&x, a.data() + n - 8, 8);
  std::memcpy(&y, b.data() + n - 8, 8);
  return (diff | (x ^ y)) == 0;
}

// The value of the first `"key":"..."` in a frame, without a JSON parse. Usually near the
// start; some recorders sort keys, which puts a snapshot's symbol after its changes (nested
// trades of a v2 frame name the same symbol, so the first match is still the frame's).
std::string_view peek_string_field(std::string_view frame, std::string_view pattern) {
  // memmem, not find(): find() stops at every quote of the changes before the symbol.
  const void* hit = memmem(frame.data(), frame.size(), pattern.data(), pattern.size());
  if (!hit) return {};
  const std::size_t at = static_cast<std::size_t>(static_cast<const char*>(hit) - frame.data());
  const std::size_t start = at + pattern.size();
  const std::size_t end = frame.find('"', start);
  if (end == std::string_view::npos || end - start > 32) return {};
  return frame.substr(start, end - start);
}

// peek_string_field(frame, `"symbol":"`) for a v2 frame: where the exchange's l2_updates and
// trade frames have it (their fixed starts hold no other `"symbol":"`), else searched.
std::string_view peek_v2_symbol(std::string_view frame) {
  static constexpr std::string_view kL2 = "{\"type\":\"l2_updates\",\"symbol\":\"";
  static constexpr std::string_view kTrade = "{\"type\":\"trade\",\"symbol\":\"";
  std::size_t start = 0;
  if (frame.starts_with(kL2)) [[likely]] {
    start = kL2.size();
  } else if (frame.starts_with(kTrade)) {
    start = kTrade.size();
  } else {
    return peek_string_field(frame, "\"symbol\":\"");
  }
  const std::size_t end = frame.find('"', start);
  if (end == std::string_view::npos || end - start > 32) return {};
  return frame.substr(start, end - start);
}
}  // namespace

bool ReplayDriver::skip_by_filter(const ReplayFrame& f) {
  if (options_.symbols.empty()) return false;
  std::string_view sym;
  switch (f.feed) {
    case FeedKind::V1:
      sym = f.symbol;
      break;
    case FeedKind::V2:
      sym = peek_v2_symbol(f.frame);
      break;
    case FeedKind::Ws:
      sym = peek_string_field(f.frame, "\"s\":\"");
      break;
  }
  if (sym.empty()) return false;  // cannot tell cheaply: parse, the sink filters events
  return !sink_->keeps(sym);
}

// Nearly every frame: the session of the frame before, the last v2/ws parser, no filter
// (a filtered replay takes process_slow(), whose filter answers from its cache). Only the
// parse and the frame end are calls, so the rest stays out of line. A parser that reports
// its new symbols (v2) emits straight to the user's sink: the Sink only has to learn them.
void ReplayDriver::process(const ReplayFrame& f) {
  if (static_cast<int>(f.feed) == fast_feed_ && same_text(f.session, session_)) [[likely]] {
    ++stats_.frames;
    stats_.last_recv_ts = f.recv_ts;
    FeedParser& parser = *last_parser_;
    parser.parse(f.frame, f.recv_ts, *fast_sink_);
    if (!parser.new_symbols().empty()) [[unlikely]]
      note_new_symbols(parser);
    if (options_.on_frame_end) options_.on_frame_end(f.recv_ts);
    return;
  }
  process_slow(f);
}

// (Those of a parser given the Sink are in seen() already: noting them again does nothing.)
void ReplayDriver::note_new_symbols(FeedParser& parser) {
  sink_->note_seen(parser.new_symbols());
  parser.new_symbols().clear();
}

void ReplayDriver::process_slow(const ReplayFrame& f) {
  ++stats_.frames;
  if (!any_frame_) stats_.first_recv_ts = f.recv_ts;
  stats_.last_recv_ts = f.recv_ts;
  if (!any_frame_ || !same_text(f.session, session_)) [[unlikely]] {
    if (any_frame_) {
      // New session = new connections: every parser restarts, every book waits for its
      // next snapshot.
      for (auto& [key, p] : parsers_) p->reset();
      // By index, without a copy: the next sink cannot reach seen() (only the Sink grows it).
      const std::vector<std::string>& seen = sink_->seen();
      for (std::size_t i = 0; i < seen.size(); ++i)
        sink_->next().on_gap(seen[i], f.recv_ts, "new session");
    }
    session_ = f.session;
    any_frame_ = true;
    ++stats_.sessions;
  }
  if (f.feed == FeedKind::V1 && f.symbol.empty()) {
    ++stats_.bad_frames;
    log::warn("replay: skipped a v1 frame without a symbol");
  } else if (!options_.symbols.empty() && skip_by_filter(f)) {
    ++stats_.filtered;
  } else {
    // A recording is nearly always one feed: its v2/ws parser answers without a call.
    FeedParser& parser = f.feed != FeedKind::V1 && last_parser_ && last_feed_ == f.feed
                             ? *last_parser_
                             : parser_for(f);
    parser.parse(f.frame, f.recv_ts, *sink_);
    parser.new_symbols().clear();  // the Sink saw their events
  }
  // last_parser_ is only ever a v2 or ws parser.
  fast_feed_ = options_.symbols.empty() && last_parser_ ? static_cast<int>(last_feed_) : -1;
  fast_sink_ = last_parser_ && last_parser_->reports_symbols() ? &sink_->next() : sink_.get();
  if (options_.on_frame_end) options_.on_frame_end(f.recv_ts);
}

ReplayStats ReplayDriver::stats() const {
  ReplayStats s = stats_;
  for (const auto& [key, p] : parsers_) s.feed += p->stats();
  return s;
}

ReplayStats replay_into(ReplayReader& reader, MarketEventSink& sink, const ReplayOptions& options) {
  ReplayDriver driver(sink, options);
  ReplayFrame frame;
  std::uint64_t n = 0;
  while ((options.max_frames == 0 || n < options.max_frames) && reader.next(frame)) {
    driver.process(frame);
    ++n;
  }
  ReplayStats s = driver.stats();
  s.reader = reader.stats();
  return s;
}

}  // namespace rtcrypto
