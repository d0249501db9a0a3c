// Gemini v1 market data (`/v1/marketdata/{symbol}`, one connection per symbol).
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "json_util.hpp"
#include "rtcrypto/feed/gemini_parsers.hpp"

namespace rtcrypto {

using namespace feed_detail;

namespace {

struct PendingChange {
  const std::string* symbol;
  Side side;
  Decimal price;
  Decimal remaining;
  Decimal delta;
  bool has_delta;
  ChangeReason reason;
};

struct PendingTrade {
  const std::string* symbol;
  Decimal price;
  Decimal amount;
  OrderSide taker;
  bool has_taker;
  std::int64_t id;
};

ChangeReason reason_of(std::string_view r) {
  if (r == "place") return ChangeReason::Place;
  if (r == "cancel") return ChangeReason::Cancel;
  if (r == "trade") return ChangeReason::Trade;
  if (r == "initial") return ChangeReason::Initial;
  return ChangeReason::Unknown;  // e.g. "top-of-book"
}

}  // namespace

struct GeminiV1Parser::Impl {
  std::string symbol;  // the connection's symbol, upper case
  JsonFrame json;
  std::int64_t expected_seq = -1;  // next socket_sequence; -1 = nothing seen since reset
  bool live = false;               // an initial snapshot arrived and nothing was lost since
  // Symbols named by events (multimarketdata); the connection's symbol is always there.
  std::map<std::string, bool, std::less<>> symbols;
  std::string upper;
  std::vector<PendingChange> changes;
  std::vector<PendingTrade> trades;
  std::vector<const std::string*> snapshot_symbols;

  const std::string* intern(std::string_view raw) {
    upper_symbol(raw, upper);
    auto it = symbols.find(upper);
    if (it == symbols.end()) it = symbols.emplace(upper, true).first;
    return &it->first;
  }
};

GeminiV1Parser::GeminiV1Parser(std::string_view symbol, ParserOptions options)
    : FeedParser(options), impl_(std::make_unique<Impl>()) {
  upper_symbol(symbol, impl_->symbol);
  impl_->symbols.emplace(impl_->symbol, true);
}
GeminiV1Parser::~GeminiV1Parser() = default;

const std::string& GeminiV1Parser::symbol() const {
  return impl_->symbol;
}

void GeminiV1Parser::reset() {
  impl_->expected_seq = -1;
  impl_->live = false;
}

void GeminiV1Parser::resync(std::string_view) {
  reset();
}

void GeminiV1Parser::parse(std::string_view frame, TimeNs recv_ts, MarketEventSink& out) {
  if (!admit_frame(frame)) return;
  Impl& m = *impl_;
  dom::element root;
  if (m.json.parse(frame, root) != simdjson::SUCCESS) return reject("invalid JSON", frame);
  dom::object obj;
  if (root.get(obj) != simdjson::SUCCESS) return reject("not an object", frame);
  std::string_view type;
  if (!get_string(obj, "type", type)) return reject("no type", frame);
  const bool is_update = type == "update";
  if (!is_update && type != "heartbeat") {
    std::string_view result;
    if (get_string(obj, "result", result) && result == "error") {
      ++stats_.rpc_errors;
      std::string_view reason;
      get_string(obj, "reason", reason);
      warn("feed v1: error from server: " + std::string(reason));
      return;
    }
    return unknown(type, frame);
  }
  std::int64_t seq = -1;
  const bool has_seq = has_key(obj, "socket_sequence");
  if (has_seq && (!get_int64(obj, "socket_sequence", seq) || seq < 0)) {
    return reject("bad socket_sequence", frame);
  }
  TimeNs ts = recv_ts;
  if (has_key(obj, "timestampms")) {
    std::int64_t ms = 0;
    if (!get_int64(obj, "timestampms", ms) || !epoch_to_ns(ms)) {
      return reject("bad timestampms", frame);
    }
    ts = *epoch_to_ns(ms);
  }

  // Validate every event before emitting any.
  m.changes.clear();
  m.trades.clear();
  bool any_initial = false;
  bool any_change = false;
  if (is_update) {
    dom::array events;
    if (obj.at_key("events").get(events) != simdjson::SUCCESS) {
      return reject("update without events array", frame);
    }
    for (dom::element ev : events) {
      dom::object eo;
      std::string_view etype;
      if (ev.get(eo) != simdjson::SUCCESS || !get_string(eo, "type", etype)) {
        return reject("event is not an object with a type", frame);
      }
      const std::string* sym = &m.symbol;
      std::string_view raw_sym;
      if (get_string(eo, "symbol", raw_sym) && !raw_sym.empty()) sym = m.intern(raw_sym);
      if (etype == "change") {
        PendingChange c{sym, Side::Bid, {}, {}, {}, false, ChangeReason::Unknown};
        std::string_view side, reason;
        if (!get_string(eo, "side", side)) return reject("change without side", frame);
        if (side == "bid") {
          c.side = Side::Bid;
        } else if (side == "ask") {
          c.side = Side::Ask;
        } else {
          return reject("bad change side", frame);
        }
        if (!get_decimal(eo, "price", c.price) || !valid_price(c.price)) {
          return reject("bad change price", frame);
        }
        if (!get_decimal(eo, "remaining", c.remaining) || !valid_quantity(c.remaining)) {
          return reject("bad change remaining", frame);
        }
        if (has_key(eo, "delta")) {
          if (!get_decimal(eo, "delta", c.delta)) return reject("bad change delta", frame);
          c.has_delta = true;
        }
        if (get_string(eo, "reason", reason)) c.reason = reason_of(reason);
        any_initial |= c.reason == ChangeReason::Initial;
        any_change = true;
        m.changes.push_back(c);
      } else if (etype == "trade" || etype == "block_trade") {
        PendingTrade t{sym, {}, {}, OrderSide::Buy, false, -1};
        if (!get_decimal(eo, "price", t.price) || !valid_price(t.price)) {
          return reject("bad trade price", frame);
        }
        if (!get_decimal(eo, "amount", t.amount) || !valid_quantity(t.amount)) {
          return reject("bad trade amount", frame);
        }
        get_int64(eo, "tid", t.id);
        std::string_view maker;
        if (get_string(eo, "makerSide", maker)) {
          // The taker is the other side; an auction fill has no taker.
          if (maker == "bid") {
            t.taker = OrderSide::Sell;
            t.has_taker = true;
          } else if (maker == "ask") {
            t.taker = OrderSide::Buy;
            t.has_taker = true;
          }
        }
        m.trades.push_back(t);
      } else if (etype.starts_with("auction")) {
        // auction_open / auction_indicative / auction_result: not book or trade flow.
      } else {
        unknown(etype, frame);  // counted; the frame's other events still apply
      }
    }
  }

  // Sequence check: 0, 1, 2, ... on one connection; 0 again means a new connection.
  if (has_seq) {
    if (m.expected_seq >= 0 && seq != m.expected_seq && seq != 0) {
      ++stats_.gaps;
      m.live = false;
      std::string why = "socket_sequence gap: expected " + std::to_string(m.expected_seq) +
                        ", got " + std::to_string(seq);
      for (const auto& [sym, _] : m.symbols) out.on_gap(sym, ts, why);
    } else if (m.expected_seq < 0 && seq != 0) {
      // Joined a stream mid-way: there is no snapshot to build from.
      ++stats_.gaps;
      m.live = false;
      out.on_gap(m.symbol, ts, "stream did not start at socket_sequence 0");
    } else if (seq == 0) {
      m.live = false;  // a new connection: its initial snapshot follows in this frame
    }
    m.expected_seq = seq + 1;
  }

  if (!is_update) {
    ++stats_.heartbeats;
    out.on_time(ts);
    return;
  }

  // Snapshot: the `initial` changes (a trades-only connection sends an empty one at 0).
  const bool snapshot = any_initial || (seq == 0 && !any_change);
  if (snapshot) {
    m.snapshot_symbols.clear();
    m.snapshot_symbols.push_back(&m.symbol);
    for (const PendingChange& c : m.changes) {
      if (c.reason == ChangeReason::Initial &&
          std::find_if(m.snapshot_symbols.begin(), m.snapshot_symbols.end(),
                       [&](const std::string* s) { return *s == *c.symbol; }) ==
              m.snapshot_symbols.end()) {
        m.snapshot_symbols.push_back(c.symbol);
      }
    }
    for (const std::string* s : m.snapshot_symbols) out.on_snapshot_begin(*s, ts);
  }
  LevelChange lc;
  lc.ts = ts;
  lc.seq = seq;
  auto emit = [&](const PendingChange& c, bool in_snapshot) {
    lc.symbol = *c.symbol;
    lc.side = c.side;
    lc.price = c.price;
    lc.remaining = c.remaining;
    lc.delta = c.delta;
    lc.has_delta = c.has_delta;
    lc.reason = c.reason;
    lc.snapshot = in_snapshot;
    out.on_level(lc);
  };
  if (snapshot) {
    for (const PendingChange& c : m.changes) {
      if (c.reason == ChangeReason::Initial) emit(c, true);
    }
    for (const std::string* s : m.snapshot_symbols) out.on_snapshot_end(*s, ts);
    stats_.snapshots += m.snapshot_symbols.size();
    m.live = true;
  }
  for (const PendingChange& c : m.changes) {
    if (snapshot && c.reason == ChangeReason::Initial) {
      ++stats_.snapshot_levels;
    } else if (m.live) {
      ++stats_.changes;
      emit(c, false);
    } else {
      ++stats_.dropped;  // waiting for a snapshot after a gap
    }
  }
  TradeEvent te;
  te.ts = ts;
  for (const PendingTrade& t : m.trades) {
    te.symbol = *t.symbol;
    te.price = t.price;
    te.quantity = t.amount;
    te.taker_side = t.taker;
    te.has_taker_side = t.has_taker;
    te.trade_id = t.id;
    out.on_trade(te);
  }
  stats_.trades += m.trades.size();
  out.on_time(ts);
}

}  // namespace rtcrypto
