#include "rtcrypto/kafka/feed_codec.hpp"

#include <simdjson.h>

#include <charconv>

#include "rtcrypto/core/record.hpp"

namespace rtcrypto::kafka {

std::string_view to_string(FeedRecordType t) {
  switch (t) {
    case FeedRecordType::Level:
      return "level";
    case FeedRecordType::SnapshotBegin:
      return "snapshot_begin";
    case FeedRecordType::SnapshotEnd:
      return "snapshot_end";
    case FeedRecordType::Trade:
      return "trade";
    case FeedRecordType::Ticker:
      return "ticker";
    case FeedRecordType::Gap:
      return "gap";
    case FeedRecordType::Frame:
      return "frame";
  }
  return "unknown";
}

ChangeReason parse_change_reason(std::string_view s) {
  if (s == "update") return ChangeReason::Update;
  if (s == "snapshot") return ChangeReason::Snapshot;
  if (s == "place") return ChangeReason::Place;
  if (s == "cancel") return ChangeReason::Cancel;
  if (s == "trade") return ChangeReason::Trade;
  if (s == "initial") return ChangeReason::Initial;
  return ChangeReason::Unknown;
}

namespace {

// Symbols and reasons are plain ASCII identifiers; anything else goes through the escaper.
bool plain(std::string_view s) {
  for (char c : s)
    if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) return false;
  return true;
}

void put_string(std::string& out, std::string_view s) {
  if (plain(s)) {
    out += '"';
    out += s;
    out += '"';
  } else {
    append_json_string(out, s);
  }
}

void put_int(std::string& out, std::int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void put_decimal(std::string& out, Decimal d) {
  out += '"';
  d.append_to(out);
  out += '"';
}

void put_head(std::string& out, std::string_view type, std::string_view symbol) {
  out += "{\"type\":\"";
  out += type;
  out += "\",\"symbol\":";
  put_string(out, symbol);
}

}  // namespace

void encode_level(std::string& out, const LevelChange& c) {
  out += "{\"symbol\":";
  put_string(out, c.symbol);
  out += c.side == Side::Bid ? ",\"side\":\"bid\",\"price\":" : ",\"side\":\"ask\",\"price\":";
  put_decimal(out, c.price);
  out += ",\"remaining\":";
  put_decimal(out, c.remaining);
  out += ",\"delta\":";
  if (c.has_delta)
    put_decimal(out, c.delta);
  else
    out += "null";
  out += ",\"reason\":\"";
  out += to_string(c.reason);
  out += "\",\"ts\":";
  put_int(out, c.ts);
  out += ",\"seq\":";
  if (c.seq >= 0)
    put_int(out, c.seq);
  else
    out += "null";
  out += c.snapshot ? ",\"snapshot\":true}" : ",\"snapshot\":false}";
}

void encode_marker(std::string& out, FeedRecordType type, std::string_view symbol, TimeNs ts) {
  put_head(out, to_string(type), symbol);
  out += ",\"ts\":";
  put_int(out, ts);
  out += '}';
}

void encode_trade(std::string& out, const TradeEvent& t) {
  put_head(out, "trade", t.symbol);
  out += ",\"price\":";
  put_decimal(out, t.price);
  out += ",\"quantity\":";
  put_decimal(out, t.quantity);
  out += ",\"taker_side\":";
  if (t.has_taker_side)
    out += t.taker_side == OrderSide::Buy ? "\"buy\"" : "\"sell\"";
  else
    out += "null";
  out += ",\"ts\":";
  put_int(out, t.ts);
  out += ",\"trade_id\":";
  if (t.trade_id >= 0)
    put_int(out, t.trade_id);
  else
    out += "null";
  out += '}';
}

void encode_ticker(std::string& out, const TickerEvent& t) {
  put_head(out, "ticker", t.symbol);
  out += ",\"bid\":";
  put_decimal(out, t.bid);
  out += ",\"bid_qty\":";
  put_decimal(out, t.bid_qty);
  out += ",\"ask\":";
  put_decimal(out, t.ask);
  out += ",\"ask_qty\":";
  put_decimal(out, t.ask_qty);
  out += ",\"ts\":";
  put_int(out, t.ts);
  out += '}';
}

void encode_gap(std::string& out, std::string_view symbol, TimeNs ts, std::string_view why) {
  put_head(out, "gap", symbol);
  out += ",\"ts\":";
  put_int(out, ts);
  out += ",\"why\":";
  append_json_string(out, why);
  out += '}';
}

void encode_frame(std::string& out, std::string_view symbol, TimeNs ts, TimeNs clock) {
  put_head(out, "frame", symbol);
  out += ",\"ts\":";
  put_int(out, ts);
  out += ",\"clock\":";
  if (clock >= 0)
    put_int(out, clock);
  else
    out += "null";
  out += '}';
}

// ---- decoding ----------------------------------------------------------------------

struct FeedDecoder::Impl {
  simdjson::dom::parser parser;
};

FeedDecoder::FeedDecoder() : impl_(new Impl) {}
FeedDecoder::~FeedDecoder() {
  delete impl_;
}

namespace {

using simdjson::dom::element;
using simdjson::dom::object;

struct Reader {
  object obj;
  std::string& error;

  bool fail(std::string msg) {
    error = std::move(msg);
    return false;
  }
  bool str(const char* key, std::string_view& out) {
    if (obj.at_key(key).get(out) != simdjson::SUCCESS)
      return fail(std::string("field '") + key + "' missing or not a string");
    return true;
  }
  bool dec(const char* key, Decimal& out) {
    std::string_view s;
    if (!str(key, s)) return false;
    auto d = Decimal::parse(s);
    if (!d) return fail(std::string("field '") + key + "' is not a decimal");
    out = *d;
    return true;
  }
  // A decimal or null; `present` tells which.
  bool opt_dec(const char* key, Decimal& out, bool& present) {
    element e;
    present = false;
    if (obj.at_key(key).get(e) != simdjson::SUCCESS || e.is_null()) return true;
    present = true;
    return dec(key, out);
  }
  bool int64(const char* key, std::int64_t& out) {
    if (obj.at_key(key).get(out) != simdjson::SUCCESS)
      return fail(std::string("field '") + key + "' missing or not an integer");
    return true;
  }
  bool opt_int64(const char* key, std::int64_t& out) {
    element e;
    if (obj.at_key(key).get(e) != simdjson::SUCCESS || e.is_null()) {
      out = -1;
      return true;
    }
    return int64(key, out);
  }
};

}  // namespace

bool FeedDecoder::decode(std::string_view json, FeedRecord& out) {
  error_.clear();
  element root;
  if (impl_->parser.parse(json.data(), json.size(), true).get(root) != simdjson::SUCCESS) {
    error_ = "invalid JSON";
    return false;
  }
  Reader r{{}, error_};
  if (root.get(r.obj) != simdjson::SUCCESS) return r.fail("not a JSON object");
  std::string_view sym;
  if (!r.str("symbol", sym)) return false;
  if (sym.empty() || sym.size() > 32) return r.fail("bad symbol");
  out.symbol.assign(sym);
  std::string_view type;
  element type_el;
  if (r.obj.at_key("type").get(type_el) == simdjson::SUCCESS) {
    if (type_el.get(type) != simdjson::SUCCESS) return r.fail("field 'type' is not a string");
  } else {
    type = "level";
  }
  if (!r.int64("ts", out.ts)) return false;

  if (type == "level") {
    out.type = FeedRecordType::Level;
    LevelChange& c = out.level;
    c = LevelChange{};
    c.symbol = out.symbol;
    c.ts = out.ts;
    std::string_view side, reason;
    if (!r.str("side", side)) return false;
    if (side == "bid")
      c.side = Side::Bid;
    else if (side == "ask")
      c.side = Side::Ask;
    else
      return r.fail("field 'side' must be bid or ask");
    if (!r.dec("price", c.price) || !r.dec("remaining", c.remaining)) return false;
    if (c.price.is_negative() || c.remaining.is_negative())
      return r.fail("negative price or quantity");
    if (!r.opt_dec("delta", c.delta, c.has_delta)) return false;
    if (!r.str("reason", reason)) return false;
    c.reason = parse_change_reason(reason);
    if (!r.opt_int64("seq", c.seq)) return false;
    if (r.obj.at_key("snapshot").get(c.snapshot) != simdjson::SUCCESS)
      return r.fail("field 'snapshot' missing or not a boolean");
    return true;
  }
  if (type == "snapshot_begin" || type == "snapshot_end") {
    out.type =
        type == "snapshot_begin" ? FeedRecordType::SnapshotBegin : FeedRecordType::SnapshotEnd;
    return true;
  }
  if (type == "frame") {
    out.type = FeedRecordType::Frame;
    return r.opt_int64("clock", out.clock);
  }
  if (type == "trade") {
    out.type = FeedRecordType::Trade;
    TradeEvent& t = out.trade;
    t = TradeEvent{};
    t.symbol = out.symbol;
    t.ts = out.ts;
    if (!r.dec("price", t.price) || !r.dec("quantity", t.quantity)) return false;
    element side;
    if (r.obj.at_key("taker_side").get(side) == simdjson::SUCCESS && !side.is_null()) {
      std::string_view s;
      if (side.get(s) != simdjson::SUCCESS || (s != "buy" && s != "sell"))
        return r.fail("field 'taker_side' must be buy, sell or null");
      t.has_taker_side = true;
      t.taker_side = s == "buy" ? OrderSide::Buy : OrderSide::Sell;
    }
    return r.opt_int64("trade_id", t.trade_id);
  }
  if (type == "ticker") {
    out.type = FeedRecordType::Ticker;
    TickerEvent& t = out.ticker;
    t = TickerEvent{};
    t.symbol = out.symbol;
    t.ts = out.ts;
    return r.dec("bid", t.bid) && r.dec("bid_qty", t.bid_qty) && r.dec("ask", t.ask) &&
           r.dec("ask_qty", t.ask_qty);
  }
  if (type == "gap") {
    out.type = FeedRecordType::Gap;
    std::string_view why;
    if (!r.str("why", why)) return false;
    out.why.assign(why);
    return true;
  }
  return r.fail("unknown record type '" + std::string(type) + "'");
}

}  // namespace rtcrypto::kafka
