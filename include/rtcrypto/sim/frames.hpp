#pragma once
// Websocket frames of the three Gemini market-data APIs, written byte for byte in the
// documented shapes (key order and number formats of the reference examples).
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "rtcrypto/book/order_book.hpp"
#include "rtcrypto/sim/matching_engine.hpp"

namespace rtcrypto::sim {

// Exactly `digits` fractional digits ("45000.5", 2 -> "45000.50").
std::string fixed(Decimal d, int digits);
std::string lower(std::string_view s);

// ---- current API (wss://ws.gemini.com) ----
struct DepthLevel {
  Decimal price;
  Decimal quantity;
};
// {"e":"depthUpdate","E":ns,"s":"btcusd","U":first,"u":last,"b":[[p,q],...],"a":[...]}
std::string depth_update_frame(const SymbolInfo& s, TimeNs ts, std::uint64_t first,
                               std::uint64_t last, const std::vector<DepthLevel>& bids,
                               const std::vector<DepthLevel>& asks);
// The snapshot: the whole book (or its top `limit` levels) as absolute levels, U == u.
std::string depth_snapshot_frame(const SymbolInfo& s, TimeNs ts, const OrderBook& book,
                                 std::uint64_t update_id, std::size_t limit = 0);
// {"lastUpdateId":id,"bids":[...],"asks":[...]} (partial depth streams)
std::string partial_depth_frame(const OrderBook& book, const SymbolInfo& s, std::uint64_t update_id,
                                std::size_t levels);
// {"E":ns,"s":"btcusd","t":tid,"p":"..","q":"..","m":buyer_is_maker}
std::string trade_frame(const SymbolInfo& s, const PublicTrade& t);
// {"u":id,"E":ns,"s":"btcusd","b":..,"B":..,"a":..,"A":..}; empty sides as "".
std::string book_ticker_frame(const SymbolInfo& s, TimeNs ts, const OrderBook& book,
                              std::uint64_t update_id);

// ---- v1 (/v1/marketdata/{symbol}) ----
struct V1Filter {
  bool bids = true;
  bool offers = true;
  bool trades = true;
};
// The `events` array body (without brackets) of one update; empty when the filter drops all.
std::string v1_events(const SymbolInfo& s, const MarketEvents& ev, const V1Filter& f);
std::string v1_update_frame(std::uint64_t event_id, TimeNs ts, std::uint64_t socket_sequence,
                            const std::string& events);
std::string v1_initial_frame(const SymbolInfo& s, const OrderBook& book, std::uint64_t event_id,
                             const V1Filter& f);
std::string v1_heartbeat_frame(std::uint64_t socket_sequence);

// ---- v2 (/v2/marketdata, l2) ----
std::string v2_l2_snapshot_frame(const SymbolInfo& s, const OrderBook& book,
                                 const std::deque<PublicTrade>& recent);
std::string v2_l2_update_frame(const SymbolInfo& s, const MarketEvents& ev);  // "" if no change
std::string v2_trade_frame(const SymbolInfo& s, const PublicTrade& t, std::uint64_t event_id);

}  // namespace rtcrypto::sim
