#pragma once
// Order-entry rules per symbol for the paper exchange: a built-in table of the common
// Gemini symbols (values from the real /v1/symbols/details responses of 2026), a generic
// fallback for symbols the table does not know, and a parser for a details response so a
// caller can load fresher values.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rtcrypto/exec/exchange.hpp"

namespace rtcrypto {

// The built-in table (BTCUSD, ETHUSD, ETHBTC, SOLUSD, ... ; see symbol_rules.cpp).
const std::vector<SymbolRules>& builtin_symbol_rules();
// The table's entry for `symbol` (any case), or nullopt.
std::optional<SymbolRules> builtin_symbol_rules(std::string_view symbol);
// The same entry without a copy, for an already upper-case `symbol`; null when absent.
const SymbolRules* find_builtin_symbol_rules(std::string_view upper_symbol);
// What an unknown symbol gets: BTC-like steps (tick_size 1e-8, quote_increment 0.01,
// min_order_size 0.00001), status "open".
SymbolRules generic_symbol_rules(std::string_view symbol);

// Parses a /v1/symbols/details/{symbol} body ({"symbol","tick_size":1e-8,
// "quote_increment":0.01,"min_order_size":"0.00001","status":"open",...}); numbers may be
// JSON numbers (also in exponent form) or strings. Throws std::invalid_argument naming the
// field on a missing or bad value.
SymbolRules parse_symbol_details(std::string_view json);

}  // namespace rtcrypto
