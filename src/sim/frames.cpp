#include "rtcrypto/sim/frames.hpp"

#include <cctype>

namespace rtcrypto::sim {

std::string fixed(Decimal d, int digits) {
  std::string s = d.to_string();
  auto dot = s.find('.');
  if (digits <= 0) return dot == std::string::npos ? s : s.substr(0, dot);
  if (dot == std::string::npos) {
    s += '.';
    dot = s.size() - 1;
  }
  const std::size_t have = s.size() - dot - 1;
  if (have < static_cast<std::size_t>(digits)) {
    s.append(static_cast<std::size_t>(digits) - have, '0');
  } else {
    s.resize(dot + 1 + static_cast<std::size_t>(digits));
  }
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

namespace {
void append_levels(std::string& out, const SymbolInfo& s, const std::vector<DepthLevel>& levels) {
  out += '[';
  bool first = true;
  for (const auto& l : levels) {
    if (!first) out += ',';
    first = false;
    out +=
        "[\"" + fixed(l.price, s.price_digits) + "\",\"" + fixed(l.quantity, s.qty_digits) + "\"]";
  }
  out += ']';
}
std::vector<DepthLevel> top(const OrderBook& book, Side side, std::size_t limit) {
  std::vector<DepthLevel> out;
  const std::size_t n = limit == 0 ? book.depth(side) : std::min(limit, book.depth(side));
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i)
    out.push_back({book.level(side, i).price, book.level(side, i).quantity});
  return out;
}
}  // namespace

std::string depth_update_frame(const SymbolInfo& s, TimeNs ts, std::uint64_t first,
                               std::uint64_t last, const std::vector<DepthLevel>& bids,
                               const std::vector<DepthLevel>& asks) {
  std::string out = "{\"e\":\"depthUpdate\",\"E\":" + std::to_string(ts) + ",\"s\":\"" +
                    lower(s.symbol) + "\",\"U\":" + std::to_string(first) +
                    ",\"u\":" + std::to_string(last) + ",\"b\":";
  append_levels(out, s, bids);
  out += ",\"a\":";
  append_levels(out, s, asks);
  out += '}';
  return out;
}

std::string depth_snapshot_frame(const SymbolInfo& s, TimeNs ts, const OrderBook& book,
                                 std::uint64_t update_id, std::size_t limit) {
  return depth_update_frame(s, ts, update_id, update_id, top(book, Side::Bid, limit),
                            top(book, Side::Ask, limit));
}

std::string partial_depth_frame(const OrderBook& book, const SymbolInfo& s, std::uint64_t update_id,
                                std::size_t levels) {
  std::string out = "{\"lastUpdateId\":" + std::to_string(update_id) + ",\"bids\":";
  append_levels(out, s, top(book, Side::Bid, levels));
  out += ",\"asks\":";
  append_levels(out, s, top(book, Side::Ask, levels));
  out += '}';
  return out;
}

std::string trade_frame(const SymbolInfo& s, const PublicTrade& t) {
  // m = buyer is maker, i.e. the taker sold.
  return "{\"E\":" + std::to_string(t.ts) + ",\"s\":\"" + lower(s.symbol) +
         "\",\"t\":" + std::to_string(t.tid) + ",\"p\":\"" + fixed(t.price, s.price_digits) +
         "\",\"q\":\"" + fixed(t.amount, s.qty_digits) +
         "\",\"m\":" + (t.taker_side == OrderSide::Sell ? "true" : "false") + "}";
}

std::string book_ticker_frame(const SymbolInfo& s, TimeNs ts, const OrderBook& book,
                              std::uint64_t update_id) {
  auto bb = book.best_bid();
  auto ba = book.best_ask();
  auto px = [&](const std::optional<BookLevel>& l) {
    return l ? fixed(l->price, s.price_digits) : std::string();
  };
  auto qty = [&](const std::optional<BookLevel>& l) {
    return l ? fixed(l->quantity, s.qty_digits) : std::string();
  };
  return "{\"u\":" + std::to_string(update_id) + ",\"E\":" + std::to_string(ts) + ",\"s\":\"" +
         lower(s.symbol) + "\",\"b\":\"" + px(bb) + "\",\"B\":\"" + qty(bb) + "\",\"a\":\"" +
         px(ba) + "\",\"A\":\"" + qty(ba) + "\"}";
}

std::string v1_events(const SymbolInfo& s, const MarketEvents& ev, const V1Filter& f) {
  std::string out;
  auto sep = [&] {
    if (!out.empty()) out += ',';
  };
  if (f.trades) {
    for (const auto& t : ev.trades) {
      sep();
      out += "{\"type\":\"trade\",\"tid\":" + std::to_string(t.tid) + ",\"price\":\"" +
             t.price.to_string() + "\",\"amount\":\"" + t.amount.to_string() +
             "\",\"makerSide\":\"" + (t.taker_side == OrderSide::Buy ? "ask" : "bid") + "\"}";
    }
  }
  for (const auto& c : ev.changes) {
    if ((c.side == Side::Bid && !f.bids) || (c.side == Side::Ask && !f.offers)) continue;
    sep();
    out += "{\"type\":\"change\",\"side\":\"" + std::string(to_string(c.side)) + "\",\"price\":\"" +
           c.price.to_string() + "\",\"remaining\":\"" + c.remaining.to_string() +
           "\",\"delta\":\"" + c.delta.to_string() + "\",\"reason\":\"" + std::string(c.reason) +
           "\"}";
  }
  return out;
}

std::string v1_update_frame(std::uint64_t event_id, TimeNs ts, std::uint64_t socket_sequence,
                            const std::string& events) {
  return "{\"type\":\"update\",\"eventId\":" + std::to_string(event_id) +
         ",\"timestamp\":" + std::to_string(ts / kNsPerSec) +
         ",\"timestampms\":" + std::to_string(ts / kNsPerMs) +
         ",\"socket_sequence\":" + std::to_string(socket_sequence) + ",\"events\":[" + events +
         "]}";
}

std::string v1_initial_frame(const SymbolInfo& s, const OrderBook& book, std::uint64_t event_id,
                             const V1Filter& f) {
  std::string events;
  auto add = [&](Side side) {
    // Lowest price first on both sides, as Gemini lists them.
    const std::size_t n = book.depth(side);
    for (std::size_t k = 0; k < n; ++k) {
      const auto& l = book.level(side, side == Side::Bid ? n - 1 - k : k);
      if (!events.empty()) events += ',';
      const std::string q = l.quantity.to_string();
      events += "{\"type\":\"change\",\"reason\":\"initial\",\"price\":\"" + l.price.to_string() +
                "\",\"delta\":\"" + q + "\",\"remaining\":\"" + q + "\",\"side\":\"" +
                std::string(to_string(side)) + "\"}";
    }
  };
  (void)f;  // the initial message carries the full book regardless of the filters
  add(Side::Bid);
  add(Side::Ask);
  return "{\"type\":\"update\",\"eventId\":" + std::to_string(event_id) +
         ",\"socket_sequence\":0,\"events\":[" + events + "]}";
}

std::string v1_heartbeat_frame(std::uint64_t socket_sequence) {
  return "{\"type\":\"heartbeat\",\"socket_sequence\":" + std::to_string(socket_sequence) + "}";
}

namespace {
std::string v2_trade_object(const SymbolInfo& s, const PublicTrade& t, std::uint64_t event_id) {
  return "{\"type\":\"trade\",\"symbol\":\"" + s.symbol +
         "\",\"event_id\":" + std::to_string(event_id) +
         ",\"timestamp\":" + std::to_string(t.ts / kNsPerMs) + ",\"price\":\"" +
         t.price.to_string() + "\",\"quantity\":\"" + t.amount.to_string() + "\",\"side\":\"" +
         std::string(to_string(t.taker_side)) + "\",\"tid\":" + std::to_string(t.tid) + "}";
}
}  // namespace

std::string v2_l2_snapshot_frame(const SymbolInfo& s, const OrderBook& book,
                                 const std::deque<PublicTrade>& recent) {
  std::string out = "{\"type\":\"l2_updates\",\"symbol\":\"" + s.symbol + "\",\"changes\":[";
  bool first = true;
  for (Side side : {Side::Bid, Side::Ask}) {
    for (std::size_t i = 0; i < book.depth(side); ++i) {
      const auto& l = book.level(side, i);
      if (!first) out += ',';
      first = false;
      out += std::string("[\"") + (side == Side::Bid ? "buy" : "sell") + "\",\"" +
             l.price.to_string() + "\",\"" + l.quantity.to_string() + "\"]";
    }
  }
  out += "],\"trades\":[";
  std::size_t n = 0;
  for (auto it = recent.rbegin(); it != recent.rend() && n < 50; ++it, ++n) {
    if (n) out += ',';
    out += v2_trade_object(s, *it, it->tid);
  }
  out += "],\"auction_events\":[]}";
  return out;
}

std::string v2_l2_update_frame(const SymbolInfo& s, const MarketEvents& ev) {
  if (ev.changes.empty()) return {};
  std::string out = "{\"type\":\"l2_updates\",\"symbol\":\"" + s.symbol + "\",\"changes\":[";
  bool first = true;
  for (const auto& c : ev.changes) {
    if (!first) out += ',';
    first = false;
    out += std::string("[\"") + (c.side == Side::Bid ? "buy" : "sell") + "\",\"" +
           c.price.to_string() + "\",\"" + c.remaining.to_string() + "\"]";
  }
  out += "]}";
  return out;
}

std::string v2_trade_frame(const SymbolInfo& s, const PublicTrade& t, std::uint64_t event_id) {
  return v2_trade_object(s, t, event_id);
}

}  // namespace rtcrypto::sim
