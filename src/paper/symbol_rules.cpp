#include "rtcrypto/paper/symbol_rules.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <utility>

namespace rtcrypto {
namespace {

SymbolRules make(std::string_view symbol, std::string_view tick, std::string_view quote_inc,
                 std::string_view min_size) {
  SymbolRules r;
  r.symbol = std::string(symbol);
  r.tick_size = decimal_or_throw(tick);
  r.quote_increment = decimal_or_throw(quote_inc);
  r.min_order_size = decimal_or_throw(min_size);
  r.status = "open";
  return r;
}

// A JSON number or string as an exact decimal. nlohmann keeps numbers as doubles; dump()
// writes the shortest text that reads back to the same double ("0.01", "1e-08"), which is
// the decimal Gemini sent.
Decimal decimal_field(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end()) throw std::invalid_argument(std::string("symbol details: missing ") + key);
  std::string text;
  if (it->is_string()) {
    text = it->get<std::string>();
  } else if (it->is_number()) {
    text = it->dump();
  } else {
    throw std::invalid_argument(std::string("symbol details: ") + key + " is not a number");
  }
  auto d = Decimal::parse(text);
  if (!d || !d->is_positive())
    throw std::invalid_argument(std::string("symbol details: bad ") + key + " '" + text + "'");
  return *d;
}

}  // namespace

const std::vector<SymbolRules>& builtin_symbol_rules() {
  // From ../shared/data/gemini/rest-symbol-details-2026.jsonl (tick_size = quantity step,
  // quote_increment = price tick).
  static const std::vector<SymbolRules> kTable = {
      make("BTCUSD", "0.00000001", "0.01", "0.00001"),
      make("BTCUSDC", "0.00000001", "0.01", "0.00001"),
      make("BTCUSDT", "0.00000001", "0.01", "0.00001"),
      make("BTCGUSD", "0.00000001", "0.01", "0.00001"),
      make("BTCEUR", "0.00000001", "0.01", "0.00001"),
      make("BTCGBP", "0.00000001", "0.01", "0.00001"),
      make("ETHUSD", "0.000001", "0.01", "0.001"),
      make("ETHUSDC", "0.000001", "0.01", "0.001"),
      make("ETHGUSD", "0.000001", "0.01", "0.001"),
      make("ETHEUR", "0.000001", "0.01", "0.001"),
      make("ETHBTC", "0.000001", "0.00001", "0.001"),
      make("SOLUSD", "0.000001", "0.001", "0.001"),
      make("SOLUSDC", "0.000001", "0.001", "0.001"),
      make("LTCUSD", "0.00001", "0.01", "0.01"),
      make("BCHUSD", "0.000001", "0.01", "0.001"),
      make("AVAXUSD", "0.000001", "0.001", "0.00499999"),
      make("LINKUSD", "0.000001", "0.00001", "0.1"),
      make("DOGEUSD", "0.000001", "0.00001", "0.1"),
      make("XRPUSD", "0.000001", "0.00001", "0.1"),
  };
  return kTable;
}

std::optional<SymbolRules> builtin_symbol_rules(std::string_view symbol) {
  const std::string s = normalize_symbol(symbol);
  for (const auto& r : builtin_symbol_rules())
    if (r.symbol == s) return r;
  return std::nullopt;
}

const SymbolRules* find_builtin_symbol_rules(std::string_view upper_symbol) {
  // A scan in table order (the first entry of a symbol wins): a few entries, nearly all told
  // apart by size and first letter without a compare call (asked per symbol, per engine).
  const std::size_t n = upper_symbol.size();
  for (const SymbolRules& r : builtin_symbol_rules()) {
    const std::string& s = r.symbol;
    if (s.size() == n && (n == 0 || s[0] == upper_symbol[0]) && s == upper_symbol) return &r;
  }
  return nullptr;
}

SymbolRules generic_symbol_rules(std::string_view symbol) {
  SymbolRules r;  // the struct's defaults are the BTC steps
  r.symbol = normalize_symbol(symbol);
  return r;
}

SymbolRules parse_symbol_details(std::string_view json) {
  nlohmann::json j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object())
    throw std::invalid_argument("symbol details: not a JSON object");
  SymbolRules r;
  auto sym = j.find("symbol");
  if (sym == j.end() || !sym->is_string() || sym->get<std::string>().empty())
    throw std::invalid_argument("symbol details: missing symbol");
  r.symbol = normalize_symbol(sym->get<std::string>());
  r.tick_size = decimal_field(j, "tick_size");
  r.quote_increment = decimal_field(j, "quote_increment");
  r.min_order_size = decimal_field(j, "min_order_size");
  if (auto st = j.find("status"); st != j.end()) {
    if (!st->is_string()) throw std::invalid_argument("symbol details: status is not a string");
    r.status = st->get<std::string>();
  }
  return r;
}

}  // namespace rtcrypto
