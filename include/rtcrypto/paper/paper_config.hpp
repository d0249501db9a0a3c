#pragma once
// Configuration of the paper exchange.
//
// Fees: defaults are tier 0 of Gemini's API fee schedule (version 2022-06-30): 40 bps
// taker, 20 bps maker (also ccxt's built-in default). A fill pays
//   fee = price × amount × bps / 10 000
// in the quote currency, computed exactly in Decimal: prices and amounts on the symbol's
// grids and a bps value with at most 4 fractional digits make that product exact at
// 1e-18, so there is no rounding step (beyond 1e-18 it truncates toward zero). Exact fees
// keep the invariant that an order's fills never cost more than the funds checked and held
// for it, so a paper balance can never go negative.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rtcrypto/book/order_book.hpp"
#include "rtcrypto/core/decimal.hpp"
#include "rtcrypto/core/time.hpp"
#include "rtcrypto/exec/exchange.hpp"

namespace rtcrypto {

inline constexpr std::string_view kDefaultPaperBalances = "USD=100000,BTC=0";

// Starting balances, currency upper-cased, in the order given.
using PaperBalances = std::vector<std::pair<std::string, Decimal>>;

// Parses "USD=100000,BTC=0" (exact decimals; spaces around items allowed; currency
// letters/digits, any case). Throws std::invalid_argument with a one-line reason naming
// the bad item: empty text, missing '=', empty or bad currency, bad or negative amount,
// a currency given twice.
PaperBalances parse_paper_balances(std::string_view text);

struct PaperConfig {
  PaperBalances balances = parse_paper_balances(kDefaultPaperBalances);
  Decimal taker_fee_bps = Decimal::from_int(40);
  Decimal maker_fee_bps = Decimal::from_int(20);
  // Rules per symbol (upper-case key), overriding the built-in table; symbols in neither
  // get `default_rules` (with the symbol filled in).
  std::map<std::string, SymbolRules, std::less<>> rules;
  SymbolRules default_rules;
  // The local book of a symbol (nullptr when there is none). Required for trading.
  std::function<const OrderBook*(std::string_view symbol)> book_lookup;
  // Event time for order and fill timestamps; 0 when not set.
  std::function<TimeNs()> now;
  // Order ids are this counter, as decimal strings, incremented per accepted order.
  std::uint64_t first_order_id = 1;
  // Closed orders kept for order_by_client_id (oldest dropped first).
  std::size_t max_closed_orders = 10'000;
};

}  // namespace rtcrypto
