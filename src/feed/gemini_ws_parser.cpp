// Gemini's current websocket API (wss://ws.gemini.com): market-data streams and replies.
#include <map>
#include <string>
#include <vector>

#include "json_util.hpp"
#include "rtcrypto/feed/gemini_parsers.hpp"

namespace rtcrypto {

using namespace feed_detail;

namespace {

enum class BookState : std::uint8_t {
  AwaitSnapshot,  // next depthUpdate is the snapshot (after subscribe / reset / resync)
  Live,           // applying diffs; last_u is the last applied update id
  AwaitResync,    // a gap was seen: diffs are dropped until resync() or reset()
};

struct SymbolState {
  BookState book = BookState::AwaitSnapshot;
  std::int64_t last_u = -1;
};

struct PendingLevel {
  Side side;
  Decimal price;
  Decimal quantity;
};

// Appends the [[price, qty], ...] levels of one side; false on any bad entry.
bool read_levels(dom::element e, Side side, std::vector<PendingLevel>& out) {
  dom::array arr;
  if (e.get(arr) != simdjson::SUCCESS) return false;
  for (dom::element lvl : arr) {
    dom::array pair;
    if (lvl.get(pair) != simdjson::SUCCESS) return false;
    auto it = pair.begin();
    const auto end = pair.end();
    PendingLevel p{side, {}, {}};
    if (it == end || !get_decimal(*it, p.price) || !valid_price(p.price)) return false;
    if (++it == end || !get_decimal(*it, p.quantity) || !valid_quantity(p.quantity)) return false;
    if (++it != end) return false;
    out.push_back(p);
  }
  return true;
}

// A bookTicker side: "" (or absent) means the side is empty and reads as zero.
bool read_ticker_value(dom::object o, std::string_view key, Decimal& out) {
  dom::element e;
  if (o.at_key(key).get(e) != simdjson::SUCCESS) {
    out = Decimal{};
    return true;
  }
  std::string_view s;
  if (e.get(s) != simdjson::SUCCESS) return false;
  if (s.empty()) {
    out = Decimal{};
    return true;
  }
  auto d = Decimal::parse(s);
  if (!d || d->is_negative()) return false;
  out = *d;
  return true;
}

}  // namespace

struct GeminiWsParser::Impl {
  std::string default_symbol;  // upper case; may be empty
  JsonFrame json;
  std::map<std::string, SymbolState, std::less<>> symbols;
  std::string upper;
  std::vector<PendingLevel> levels;

  std::pair<const std::string, SymbolState>& state(std::string_view raw) {
    upper_symbol(raw, upper);
    auto it = symbols.find(upper);
    if (it == symbols.end()) it = symbols.emplace(upper, SymbolState{}).first;
    return *it;
  }

  // Event time `E` (ns by the spec; ms/us tolerated by magnitude), else the receive time.
  static bool event_time(dom::object o, TimeNs recv_ts, TimeNs& ts) {
    ts = recv_ts;
    if (!has_key(o, "E")) return true;
    std::int64_t e = 0;
    if (!get_int64(o, "E", e)) return false;
    auto ns = epoch_to_ns(e);
    if (!ns) return false;
    ts = *ns;
    return true;
  }
};

GeminiWsParser::GeminiWsParser(std::string_view default_symbol, ParserOptions options)
    : FeedParser(options), impl_(std::make_unique<Impl>()) {
  upper_symbol(default_symbol, impl_->default_symbol);
}
GeminiWsParser::~GeminiWsParser() = default;

void GeminiWsParser::reset() {
  impl_->symbols.clear();
}

void GeminiWsParser::resync(std::string_view symbol) {
  impl_->state(symbol).second = SymbolState{};
}

void GeminiWsParser::parse(std::string_view frame, TimeNs recv_ts, MarketEventSink& out) {
  if (!admit_frame(frame)) return;
  Impl& m = *impl_;
  dom::element root;
  if (m.json.parse(frame, root) != simdjson::SUCCESS) return reject("invalid JSON", frame);
  dom::object obj;
  if (root.get(obj) != simdjson::SUCCESS) return reject("not an object", frame);

  // A reply to one of our requests: {"id":..,"status":200[,"result":..]} or an error.
  if (has_key(obj, "id") &&
      (has_key(obj, "status") || has_key(obj, "error") || has_key(obj, "result"))) {
    std::int64_t status = 200;
    if (has_key(obj, "status") && !get_int64(obj, "status", status)) {
      return reject("bad reply status", frame);
    }
    dom::object err;
    const bool has_error = obj.at_key("error").get(err) == simdjson::SUCCESS;
    if (has_error || status >= 400) {
      ++stats_.rpc_errors;
      // `code` is a number by the spec, a string on the older Fast-API page.
      std::string code = "none";
      std::string_view msg;
      if (has_error) {
        std::int64_t n = 0;
        std::string_view text;
        if (get_int64(err, "code", n)) {
          code = std::to_string(n);
        } else if (get_string(err, "code", text)) {
          code.assign(text);
        }
        if (!get_string(err, "msg", msg)) get_string(err, "message", msg);
      }
      warn("feed ws: request failed: status " + std::to_string(status) + ", code " + code + ": " +
           std::string(msg));
    } else {
      ++stats_.acks;
    }
    return;
  }

  std::string_view e_type;
  const bool has_e = get_string(obj, "e", e_type);
  if (has_e && e_type == "depthUpdate") {
    std::string_view raw_symbol;
    if (!get_string(obj, "s", raw_symbol) || raw_symbol.empty()) {
      return reject("depthUpdate without symbol", frame);
    }
    TimeNs ts;
    if (!Impl::event_time(obj, recv_ts, ts)) return reject("bad event time", frame);
    std::int64_t first_id = 0, last_id = 0;
    if (!get_int64(obj, "U", first_id) || !get_int64(obj, "u", last_id)) {
      return reject("depthUpdate without U/u", frame);
    }
    m.levels.clear();
    dom::element bids, asks;
    if (obj.at_key("b").get(bids) == simdjson::SUCCESS && !read_levels(bids, Side::Bid, m.levels)) {
      return reject("bad bid level", frame);
    }
    if (obj.at_key("a").get(asks) == simdjson::SUCCESS && !read_levels(asks, Side::Ask, m.levels)) {
      return reject("bad ask level", frame);
    }
    auto& entry = m.state(raw_symbol);
    const std::string& symbol = entry.first;
    SymbolState& st = entry.second;
    auto gap = [&](const std::string& why) {
      ++stats_.gaps;
      stats_.dropped += m.levels.size();
      st.book = BookState::AwaitResync;
      out.on_gap(symbol, ts, why);
    };

    LevelChange c;
    c.symbol = symbol;
    c.ts = ts;
    c.seq = last_id;
    if (first_id <= 0 || last_id < first_id) {
      if (st.book == BookState::AwaitResync) {
        stats_.dropped += m.levels.size();
      } else {
        gap("depthUpdate with bad ids U=" + std::to_string(first_id) +
            " u=" + std::to_string(last_id));
      }
    } else if (st.book == BookState::AwaitSnapshot) {
      c.snapshot = true;
      c.reason = ChangeReason::Snapshot;
      out.on_snapshot_begin(symbol, ts);
      for (const PendingLevel& p : m.levels) {
        c.side = p.side;
        c.price = p.price;
        c.remaining = p.quantity;
        out.on_level(c);
      }
      out.on_snapshot_end(symbol, ts);
      ++stats_.snapshots;
      stats_.snapshot_levels += m.levels.size();
      st.book = BookState::Live;
      st.last_u = last_id;
    } else if (st.book == BookState::AwaitResync) {
      stats_.dropped += m.levels.size();
    } else if (last_id <= st.last_u) {
      stats_.dropped += m.levels.size();  // stale or duplicate
    } else if (first_id > st.last_u + 1) {
      gap("depth gap: U=" + std::to_string(first_id) + " after u=" + std::to_string(st.last_u));
    } else {
      c.reason = ChangeReason::Update;
      for (const PendingLevel& p : m.levels) {
        c.side = p.side;
        c.price = p.price;
        c.remaining = p.quantity;
        out.on_level(c);
      }
      stats_.changes += m.levels.size();
      st.last_u = last_id;
    }
    out.on_time(ts);
    return;
  }

  // Trade: no `e` by the spec (some clients see e:"trade"); has t, p, q, m.
  if ((has_e && e_type == "trade") || (!has_e && has_key(obj, "t") && has_key(obj, "m"))) {
    std::string_view raw_symbol;
    if (!get_string(obj, "s", raw_symbol) || raw_symbol.empty()) {
      return reject("trade without symbol", frame);
    }
    TradeEvent t;
    if (!Impl::event_time(obj, recv_ts, t.ts)) return reject("bad event time", frame);
    if (!get_decimal(obj, "p", t.price) || !valid_price(t.price)) {
      return reject("bad trade price", frame);
    }
    if (!get_decimal(obj, "q", t.quantity) || !valid_quantity(t.quantity)) {
      return reject("bad trade quantity", frame);
    }
    bool buyer_is_maker = false;
    if (obj.at_key("m").get(buyer_is_maker) == simdjson::SUCCESS) {
      t.taker_side = buyer_is_maker ? OrderSide::Sell : OrderSide::Buy;
      t.has_taker_side = true;
    } else if (has_key(obj, "m")) {
      return reject("bad trade maker flag", frame);
    }
    if (has_key(obj, "t") && !get_int64(obj, "t", t.trade_id)) {
      return reject("bad trade id", frame);
    }
    t.symbol = m.state(raw_symbol).first;
    out.on_trade(t);
    ++stats_.trades;
    out.on_time(t.ts);
    return;
  }

  if (has_e) {
    // orderUpdate, balanceUpdate, contractStatus, markPrice...: not market data for us.
    return unknown(e_type, frame);
  }

  // Partial depth: a full top-N replacement, with or without a symbol.
  if (has_key(obj, "lastUpdateId") && has_key(obj, "bids") && has_key(obj, "asks")) {
    std::string_view raw_symbol;
    if (!get_string(obj, "symbol", raw_symbol) && !get_string(obj, "s", raw_symbol)) {
      raw_symbol = m.default_symbol;
    }
    if (raw_symbol.empty()) return reject("partial depth without symbol", frame);
    std::int64_t id = -1;
    if (!get_int64(obj, "lastUpdateId", id)) return reject("bad lastUpdateId", frame);
    TimeNs ts;
    if (!Impl::event_time(obj, recv_ts, ts)) return reject("bad event time", frame);
    m.levels.clear();
    dom::element bids, asks;
    if (obj.at_key("bids").get(bids) != simdjson::SUCCESS ||
        !read_levels(bids, Side::Bid, m.levels)) {
      return reject("bad bid level", frame);
    }
    if (obj.at_key("asks").get(asks) != simdjson::SUCCESS ||
        !read_levels(asks, Side::Ask, m.levels)) {
      return reject("bad ask level", frame);
    }
    const std::string& symbol = m.state(raw_symbol).first;
    LevelChange c;
    c.symbol = symbol;
    c.ts = ts;
    c.seq = id;
    c.snapshot = true;
    c.reason = ChangeReason::Snapshot;
    out.on_snapshot_begin(symbol, ts);
    for (const PendingLevel& p : m.levels) {
      c.side = p.side;
      c.price = p.price;
      c.remaining = p.quantity;
      out.on_level(c);
    }
    out.on_snapshot_end(symbol, ts);
    ++stats_.snapshots;
    stats_.snapshot_levels += m.levels.size();
    out.on_time(ts);
    return;
  }

  // bookTicker: no `e`, has B/A (best bid/ask quantities).
  if (has_key(obj, "B") || has_key(obj, "A")) {
    std::string_view raw_symbol;
    if (!get_string(obj, "s", raw_symbol) || raw_symbol.empty()) {
      return reject("bookTicker without symbol", frame);
    }
    TickerEvent t;
    if (!Impl::event_time(obj, recv_ts, t.ts)) return reject("bad event time", frame);
    if (!read_ticker_value(obj, "b", t.bid) || !read_ticker_value(obj, "B", t.bid_qty) ||
        !read_ticker_value(obj, "a", t.ask) || !read_ticker_value(obj, "A", t.ask_qty)) {
      return reject("bad bookTicker value", frame);
    }
    t.symbol = m.state(raw_symbol).first;
    out.on_ticker(t);
    ++stats_.tickers;
    out.on_time(t.ts);
    return;
  }

  std::string_view result;
  if (get_string(obj, "result", result) && result == "error") {
    ++stats_.rpc_errors;
    std::string_view reason;
    get_string(obj, "reason", reason);
    warn("feed ws: error from server: " + std::string(reason));
    return;
  }
  unknown("(no type)", frame);
}

}  // namespace rtcrypto
