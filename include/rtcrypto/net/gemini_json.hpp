#pragma once
// Parsers for Gemini REST response bodies and the request payload builders. Numbers may
// come as strings or JSON numbers (also in exponent form, "1e-08"); both are accepted and
// turned into exact decimals. Each parser throws std::runtime_error naming the field on a
// body of the wrong shape.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rtcrypto/bars/minute_bars.hpp"
#include "rtcrypto/core/decimal.hpp"
#include "rtcrypto/core/record.hpp"
#include "rtcrypto/exec/exchange.hpp"

namespace rtcrypto::net {

// {"result":"error","reason":…,"message":…} — nullopt when the body is not an error object.
struct ErrorBody {
  std::string reason;
  std::string message;
};
std::optional<ErrorBody> parse_error_body(std::string_view body);

Order parse_order(std::string_view body);
std::vector<Order> parse_orders(std::string_view body);  // /v1/orders (null → empty)
std::vector<Balance> parse_balances(std::string_view body);
SymbolRules parse_symbol_details(std::string_view body);

struct Ticker {
  Decimal bid, ask, last;
  Decimal volume_base, volume_quote;
  TimeNs ts = 0;
};
Ticker parse_pubticker(std::string_view body, std::string_view symbol);

// /v2/candles: [[ms,o,h,l,c,v],…] newest first → bars oldest first.
std::vector<MinuteBar> parse_candles(std::string_view body);

// One of our trades from /v1/mytrades.
struct MyTrade {
  std::int64_t tid = 0;
  std::string order_id;
  std::string client_order_id;
  std::string symbol;
  OrderSide side = OrderSide::Buy;
  Decimal price, amount, fee;
  std::string fee_currency;
  bool aggressor = false;
  TimeNs ts = 0;
};
std::vector<MyTrade> parse_my_trades(std::string_view body);  // null → empty

struct FeeRates {
  int maker_bps = 0;
  int taker_bps = 0;
  double notional_30d = 0;
};
FeeRates parse_notional_volume(std::string_view body);

struct CancelSessionResult {
  std::vector<std::string> cancelled;
  std::vector<std::string> rejected;
};
CancelSessionResult parse_cancel_session(std::string_view body);

// --- request payloads (compact JSON, string amounts/prices, int64 order ids) ---
std::string json_escape(std::string_view s);
// json_escape(s) appended to `out` (no temporary string): the one in core/record.hpp.
using rtcrypto::append_json_string;
// {"request":"/v1/order/new","nonce":N,"client_order_id":…,"symbol":"btcusd","amount":…,
//  "price":…,"side":"buy","type":"exchange limit","options":[…]}
std::string order_new_payload(const OrderRequest& r, std::int64_t nonce,
                              std::string_view account = {});
// The same bytes written over `out` (cleared first): a buffer reused between orders keeps
// its capacity, so an order's payload costs no allocation.
void write_order_new_payload(std::string& out, const OrderRequest& r, std::int64_t nonce,
                             std::string_view account = {});
// {"request":path,"nonce":N<extra>} where `extra` is ",\"k\":v…" (already JSON) or empty.
std::string private_payload(std::string_view path, std::int64_t nonce, std::string_view extra = {},
                            std::string_view account = {});

}  // namespace rtcrypto::net
