// Gemini v2 market data (`l2` subscription).
#include <algorithm>
#include <array>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "json_util.hpp"
#include "rtcrypto/feed/gemini_parsers.hpp"
#include "v2_delta_scan.hpp"
#include "v2_l2_scanner.hpp"
#include "v2_symbol_cache.hpp"

namespace rtcrypto {

using namespace feed_detail;

#define RTC_FEED_NO_SPECULATION [[gnu::optimize("no-devirtualize-speculatively")]]

namespace {

struct SymbolState {
  bool seen = false;                   // an l2_updates frame arrived since reset
  bool live = false;                   // a snapshot arrived and no delta was lost since
  bool reported = false;               // in new_symbols() since reset
  std::uint32_t id = new_symbol_id();  // carried in the symbol's LevelBatches
};

// A v2 trade object (top-level frame or an entry of a snapshot's `trades`); nullptr = ok.
const char* read_trade(dom::object o, TimeNs recv_ts, PendingTrade& t) {
  if (!get_decimal(o, "price", t.price) || !valid_price(t.price)) return "bad trade price";
  if (!get_decimal(o, "quantity", t.quantity) || !valid_quantity(t.quantity)) {
    return "bad trade quantity";
  }
  std::string_view side;
  t.has_taker = false;
  if (get_string(o, "side", side)) {
    if (side == "buy") {
      t.taker = OrderSide::Buy;
      t.has_taker = true;
    } else if (side == "sell") {
      t.taker = OrderSide::Sell;
      t.has_taker = true;
    } else {
      return "bad trade side";
    }
  }
  std::int64_t ms = 0;
  t.ts = recv_ts;
  if (has_key(o, "timestamp")) {
    if (!get_int64(o, "timestamp", ms)) return "bad trade timestamp";
    auto ns = epoch_to_ns(ms);
    if (!ns) return "bad trade timestamp";
    t.ts = *ns;
  }
  // The docs list `tid`; live frames carry `event_id` (the docs once spelled it `eventid`).
  t.id = -1;
  if (!get_int64(o, "tid", t.id) && !get_int64(o, "event_id", t.id)) {
    get_int64(o, "eventid", t.id);
  }
  return nullptr;
}

using SymbolEntry = std::pair<const std::string, SymbolState>;

// Lists the symbol in new_symbols before its first event since reset. (Only snapshots and
// trades can be a symbol's first event: a live book's deltas and gaps follow its snapshot.)
inline void report(SymbolEntry& entry, std::vector<std::string_view>& new_symbols) {
  if (entry.second.reported) [[likely]]
    return;
  entry.second.reported = true;
  new_symbols.push_back(entry.first);
}

// `te` as the event of a scanned trade of `symbol`, every field written where it lies: an
// event built on the stack and then copied stalled each of its 16-byte loads on the
// narrower stores that built it.
[[gnu::always_inline]] inline void fill_trade_event(TradeEvent& te, std::string_view symbol,
                                                    const PendingTrade& t) {
  te.symbol = symbol;
  te.price = t.price;
  te.quantity = t.quantity;
  te.taker_side = t.taker;
  te.has_taker_side = t.has_taker;
  te.ts = t.ts;
  te.trade_id = t.id;
}

// The LevelBatch of a frame's levels (a view of them: valid while `levels` is unchanged).
LevelBatch level_batch(const SymbolEntry& entry, const LevelBuffer& levels, TimeNs recv_ts,
                       bool snapshot) {
  LevelBatch b;
  b.symbol = entry.first;
  b.symbol_id = entry.second.id;
  b.ts = recv_ts;
  b.snapshot = snapshot;
  b.reason = snapshot ? ChangeReason::Snapshot : ChangeReason::Update;
  b.levels = levels.levels();
  return b;
}

// Emits a validated l2_updates frame: its levels (a snapshot between begin/end, deltas only
// while the book is live), then its trades, then the frame time.
[[gnu::noinline]] void emit_l2(SymbolEntry& entry, bool snapshot, const LevelBuffer& levels,
                               const std::vector<PendingTrade>& trades,
                               std::vector<TradeEvent>& events, TimeNs recv_ts, FeedStats& stats,
                               std::vector<std::string_view>& new_symbols, MarketEventSink& out) {
  const std::string& symbol = entry.first;
  SymbolState& st = entry.second;
  if (snapshot || !trades.empty()) report(entry, new_symbols);
  // The frame's levels go out as one LevelBatch, straight from the scan buffer: one symbol
  // lookup and one dispatch per frame downstream.
  auto send = [&](bool snap) {
    if (!levels.empty()) out.on_level_batch(level_batch(entry, levels, recv_ts, snap));
  };
  if (snapshot) {
    out.on_snapshot_begin(symbol, recv_ts);
    send(true);
    out.on_snapshot_end(symbol, recv_ts);
    ++stats.snapshots;
    stats.snapshot_levels += levels.size();
    st.seen = true;
    st.live = true;
  } else if (st.live) {
    send(false);
    stats.changes += levels.size();
  } else {
    stats.dropped += levels.size();
  }
  if (!trades.empty()) {  // one dispatch for the frame's trades
    events.clear();
    for (const PendingTrade& t : trades) fill_trade_event(events.emplace_back(), symbol, t);
    out.on_trades(events);
  }
  stats.trades += trades.size();
  out.on_time(recv_ts);
}

// A top-level trade frame's events: the trade, then its time.
void emit_trade(SymbolEntry& entry, const PendingTrade& t, FeedStats& stats,
                std::vector<std::string_view>& new_symbols, MarketEventSink& out) {
  report(entry, new_symbols);
  const std::string& symbol = entry.first;
  TradeEvent te;
  fill_trade_event(te, symbol, t);
  out.on_trade(te);
  ++stats.trades;
  out.on_time(t.ts);
}

}  // namespace

struct GeminiV2Parser::Impl {
  JsonFrame json;
  std::map<std::string, SymbolState, std::less<>> symbols;
  std::string upper;  // scratch for symbol normalization
  LevelBuffer levels;
  L2Scan scan;       // parse_scanned()'s
  DeltaTail tail;    // parse()'s copy of a delta frame's end
  LevelBatch delta;  // parse()'s batch of a delta frame
  std::vector<PendingTrade> trades;
  std::vector<TradeEvent> trade_events;  // emit_l2's scratch
  // Symbols alternate frame by frame: raw spelling (its bytes) -> entry.
  SymbolCache<SymbolEntry> cache;

  // Room for a snapshot's trades (100 in the recordings) without regrowing through them.
  Impl() {
    trades.reserve(128);
    trade_events.reserve(128);
  }

  // A top-level trade or heartbeat frame of the exchange's shape, emitted; false leaves the
  // frame to the DOM path. Out of line: it keeps parse()'s stack frame as small as before.
  [[gnu::noinline]] bool scan_event(std::string_view frame, TimeNs recv_ts, FeedStats& stats,
                                    std::vector<std::string_view>& new_symbols,
                                    MarketEventSink& out) {
    V2Event ev;
    if (!scan_trade_or_heartbeat(frame, recv_ts, ev)) return false;
    if (ev.kind == V2Event::Kind::kTrade) {
      emit_trade(state(ev.symbol), ev.trade, stats, new_symbols, out);
    } else {
      ++stats.heartbeats;
      out.on_time(ev.ts);
    }
    return true;
  }

  // A delta frame parse() read whose book is not live (or that has no changes). Out of
  // line, as scan_event().
  [[gnu::noinline]] void emit_delta(SymbolEntry& entry, TimeNs recv_ts, FeedStats& stats,
                                    std::vector<std::string_view>& new_symbols,
                                    MarketEventSink& out) {
    trades.clear();
    emit_l2(entry, !entry.second.seen, levels, trades, trade_events, recv_ts, stats, new_symbols,
            out);
  }

  // The interned (upper-case) symbol and its state (map nodes are stable until reset()).
  SymbolEntry& state(std::string_view raw) {
    const SymbolKey key = SymbolKey::of(raw);
    if (key.valid()) {
      if (SymbolEntry* e = cache.find(key)) return *e;
    }
    return intern(raw);
  }
  // (The key is taken again here: passed by reference, it was stored on every frame.)
  [[gnu::noinline]] SymbolEntry& intern(std::string_view raw) {
    const SymbolKey key = SymbolKey::of(raw);
    upper_symbol(raw, upper);
    // One search: a new symbol goes in where it was not found.
    auto it = symbols.lower_bound(upper);
    if (it == symbols.end() || it->first != upper)
      it = symbols.emplace_hint(it, upper, SymbolState{});
    if (key.valid()) cache.put(key, &*it);
    return *it;
  }
};

GeminiV2Parser::GeminiV2Parser(ParserOptions options)
    : FeedParser(options), impl_(std::make_unique<Impl>()) {
  reports_symbols_ = true;
}
GeminiV2Parser::~GeminiV2Parser() = default;

void GeminiV2Parser::reset() {
  impl_->cache.clear();
  impl_->symbols.clear();
  new_symbols_.clear();  // views of the symbols just dropped
}

// The symbol's events reached the sink before: it is not reported again (a live source
// that never clears new_symbols() holds each symbol once per connection).
void GeminiV2Parser::resync(std::string_view symbol) {
  SymbolState& st = impl_->state(symbol).second;
  const bool reported = st.reported;
  st = SymbolState{};
  st.reported = reported;
}

// Only the delta frame as the exchange sends it is here (read inline: a small stack frame,
// few registers saved); everything else goes to parse_scanned(). The sink's calls are not
// speculated on: the sink is rarely the one override GCC sees.
RTC_FEED_NO_SPECULATION void GeminiV2Parser::parse(std::string_view frame, TimeNs recv_ts,
                                                   MarketEventSink& out) {
  if (!admit_frame(frame)) [[unlikely]]
    return;
  Impl& m = *impl_;
  // The tail copy and the batch live in Impl, not on the stack: no local's address escapes,
  // so the frame end is a tail call and few registers are saved.
  std::string_view raw;
  if (!scan_delta_frame(frame, m.tail, raw, m.levels, kBestDeltaRun)) [[unlikely]]
    return parse_scanned(frame, recv_ts, out);
  SymbolEntry& entry = m.state(raw);
  if (entry.second.live && !m.levels.empty()) [[likely]] {
    // A delta of a live book, emitted as emit_l2() does without its call and its snapshot
    // step (a delta has no trades).
    LevelBatch& b = m.delta;  // snapshot and reason stay those of a delta
    b.symbol = entry.first;
    b.symbol_id = entry.second.id;
    b.ts = recv_ts;
    b.levels = m.levels.levels();
    stats_.changes += m.levels.size();
    out.on_level_batch(b);
    return out.on_time(recv_ts);
  }
  m.emit_delta(entry, recv_ts, stats_, new_symbols_, out);
}

// Any l2_updates frame the scanner reads (snapshots, other shapes), else parse_other().
void GeminiV2Parser::parse_scanned(std::string_view frame, TimeNs recv_ts, MarketEventSink& out) {
  Impl& m = *impl_;
  L2Scan& scan = m.scan;
  if (!scan_l2_updates_not_delta(frame, recv_ts, scan, m.levels, m.trades))
    return parse_other(frame, recv_ts, out);
  SymbolEntry& entry = m.state(scan.symbol);
  // Only snapshots carry trades or auction events.
  const bool snapshot = !entry.second.seen || scan.has_trades || scan.has_auction_events;
  emit_l2(entry, snapshot, m.levels, m.trades, m.trade_events, recv_ts, stats_, new_symbols_, out);
}

void GeminiV2Parser::parse_other(std::string_view frame, TimeNs recv_ts, MarketEventSink& out) {
  Impl& m = *impl_;
  if (m.scan_event(frame, recv_ts, stats_, new_symbols_, out)) return;
  dom::element root;
  if (m.json.parse(frame, root) != simdjson::SUCCESS) return reject("invalid JSON", frame);
  dom::object obj;
  if (root.get(obj) != simdjson::SUCCESS) return reject("not an object", frame);
  std::string_view type;
  if (!get_string(obj, "type", type)) {
    std::string_view result;
    if (get_string(obj, "result", result) && result == "error") {
      ++stats_.rpc_errors;
      std::string_view reason;
      get_string(obj, "reason", reason);
      warn("feed v2: error from server: " + std::string(reason));
      return;
    }
    return reject("no type", frame);
  }

  if (type == "l2_updates") {
    std::string_view raw_symbol;
    if (!get_string(obj, "symbol", raw_symbol) || raw_symbol.empty()) {
      return reject("l2_updates without symbol", frame);
    }
    auto& entry = m.state(raw_symbol);
    const std::string& symbol = entry.first;
    SymbolState& st = entry.second;
    // A lost delta leaves the book wrong: say so, and wait for the next snapshot.
    auto fail = [&](std::string_view why) {
      reject(why, frame);
      if (st.live) {
        ++stats_.gaps;
        out.on_gap(symbol, recv_ts, "malformed l2_updates frame dropped");
      }
      st.seen = true;
      st.live = false;
    };
    dom::array changes;
    if (obj.at_key("changes").get(changes) != simdjson::SUCCESS) {
      return fail("l2_updates without changes array");
    }
    m.levels.clear();
    for (dom::element ch : changes) {
      dom::array triple;
      if (ch.get(triple) != simdjson::SUCCESS) return fail("change is not an array");
      auto it = triple.begin();
      const auto end = triple.end();
      std::string_view side;
      LevelChange lv;
      if (it == end || (*it).get(side) != simdjson::SUCCESS) return fail("bad change side");
      if (side == "buy") {
        lv.side = Side::Bid;
      } else if (side == "sell") {
        lv.side = Side::Ask;
      } else {
        return fail("bad change side");
      }
      if (++it == end || !get_decimal(*it, lv.price) || !valid_price(lv.price)) {
        return fail("bad change price");
      }
      if (++it == end || !get_decimal(*it, lv.remaining) || !valid_quantity(lv.remaining)) {
        return fail("bad change quantity");
      }
      if (++it != end) return fail("change has more than 3 fields");
      m.levels.push(ScannedLevel::make(lv.side, lv.price, lv.remaining));
    }
    // Only the snapshot carries `trades` and `auction_events`; a resubscribe's snapshot is
    // recognised by them even without a reset().
    dom::array trades;
    const bool has_trades = obj.at_key("trades").get(trades) == simdjson::SUCCESS;
    if (!has_trades && has_key(obj, "trades")) return fail("trades is not an array");
    const bool snapshot = !st.seen || has_trades || has_key(obj, "auction_events");
    m.trades.clear();
    if (has_trades) {
      for (dom::element te : trades) {
        dom::object to;
        if (te.get(to) != simdjson::SUCCESS) return fail("trade is not an object");
        PendingTrade t;
        if (const char* err = read_trade(to, recv_ts, t)) return fail(err);
        m.trades.push_back(t);
      }
    }

    // The whole frame is valid: emit.
    emit_l2(entry, snapshot, m.levels, m.trades, m.trade_events, recv_ts, stats_, new_symbols_,
            out);
    return;
  }

  if (type == "trade") {
    std::string_view raw_symbol;
    if (!get_string(obj, "symbol", raw_symbol) || raw_symbol.empty()) {
      return reject("trade without symbol", frame);
    }
    PendingTrade t;
    if (const char* err = read_trade(obj, recv_ts, t)) return reject(err, frame);
    return emit_trade(m.state(raw_symbol), t, stats_, new_symbols_, out);
  }

  if (type == "heartbeat") {
    TimeNs ts = recv_ts;
    std::int64_t ms = 0;
    if (get_int64(obj, "timestamp", ms)) {
      if (auto ns = epoch_to_ns(ms)) ts = *ns;
    }
    ++stats_.heartbeats;
    out.on_time(ts);
    return;
  }

  unknown(type, frame);
}

}  // namespace rtcrypto
