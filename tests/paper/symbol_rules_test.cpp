#include "rtcrypto/paper/symbol_rules.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "test_support.hpp"

namespace rtcrypto {
namespace {

using namespace literals;

TEST(SymbolRules, BuiltinTableAndGenericDefault) {
  auto btc = builtin_symbol_rules("btcusd");
  ASSERT_TRUE(btc);
  EXPECT_EQ(btc->tick_size, "1e-8"_d);
  EXPECT_EQ(btc->quote_increment, "0.01"_d);
  EXPECT_EQ(btc->min_order_size, "0.00001"_d);
  auto ethbtc = builtin_symbol_rules("ETHBTC");
  ASSERT_TRUE(ethbtc);
  EXPECT_EQ(ethbtc->quote_increment, "0.00001"_d);
  EXPECT_FALSE(builtin_symbol_rules("NOPEUSD"));
  auto g = generic_symbol_rules("nopeusd");
  EXPECT_EQ(g.symbol, "NOPEUSD");
  EXPECT_EQ(g.tick_size, "0.00000001"_d);
  EXPECT_EQ(g.status, "open");
}

TEST(SymbolRules, ParsesDetailsWithExponentNumbers) {
  auto r = parse_symbol_details(
      R"({"symbol":"BTCUSD","base_currency":"BTC","quote_currency":"USD","tick_size":1e-8,)"
      R"("quote_increment":0.01,"min_order_size":"0.00001","status":"open"})");
  EXPECT_EQ(r.symbol, "BTCUSD");
  EXPECT_EQ(r.tick_size, "0.00000001"_d);
  EXPECT_EQ(r.quote_increment, "0.01"_d);
  EXPECT_EQ(r.min_order_size, "0.00001"_d);
  auto s = parse_symbol_details(
      R"({"symbol":"x","tick_size":"0.5","quote_increment":1,"min_order_size":2,"status":"post_only"})");
  EXPECT_EQ(s.symbol, "X");
  EXPECT_EQ(s.tick_size, "0.5"_d);
  EXPECT_EQ(s.status, "post_only");
}

TEST(SymbolRules, BadDetailsThrow) {
  for (const char* bad :
       {"", "[]", "{", R"({"tick_size":1,"quote_increment":1,"min_order_size":"1"})",
        R"({"symbol":"A","quote_increment":1,"min_order_size":"1"})",
        R"({"symbol":"A","tick_size":0,"quote_increment":1,"min_order_size":"1"})",
        R"({"symbol":"A","tick_size":1,"quote_increment":"x","min_order_size":"1"})",
        R"({"symbol":"A","tick_size":1,"quote_increment":1,"min_order_size":null})",
        R"({"symbol":"A","tick_size":1,"quote_increment":1,"min_order_size":"1","status":3})"}) {
    EXPECT_THROW(parse_symbol_details(bad), std::invalid_argument) << bad;
  }
}

// The built-in table agrees with the recorded 2026 /v1/symbols/details responses.
TEST(SymbolRules, BuiltinTableMatchesRecordedDetails) {
  RTC_SHARED_FILE_OR_SKIP(path, "gemini/rest-symbol-details-2026.jsonl");
  std::ifstream in(path);
  std::string line;
  std::size_t checked = 0, parsed = 0;
  while (std::getline(in, line)) {
    auto rec = nlohmann::json::parse(line, nullptr, false);
    if (rec.is_discarded() || !rec.contains("url") || !rec.contains("body")) continue;
    if (rec["url"].get<std::string>().find("/symbols/details/") == std::string::npos) continue;
    SymbolRules r;
    try {
      r = parse_symbol_details(rec["body"].get<std::string>());
    } catch (const std::invalid_argument&) {
      continue;  // a few details bodies are errors, not symbols
    }
    ++parsed;
    auto b = builtin_symbol_rules(r.symbol);
    if (!b) continue;
    ++checked;
    EXPECT_EQ(b->tick_size, r.tick_size) << r.symbol;
    EXPECT_EQ(b->quote_increment, r.quote_increment) << r.symbol;
    EXPECT_EQ(b->min_order_size, r.min_order_size) << r.symbol;
  }
  EXPECT_GT(parsed, 300u);
  EXPECT_EQ(checked, builtin_symbol_rules().size());
}

}  // namespace
}  // namespace rtcrypto

namespace rtcrypto {
namespace {

TEST(SymbolRules, FindBuiltinIsTheTableEntryWithoutACopy) {
  for (const auto& entry : builtin_symbol_rules()) {
    const SymbolRules* found = find_builtin_symbol_rules(entry.symbol);
    ASSERT_NE(found, nullptr) << entry.symbol;
    EXPECT_EQ(found->symbol, entry.symbol);
    EXPECT_EQ(found->tick_size, builtin_symbol_rules(entry.symbol)->tick_size);
  }
  EXPECT_EQ(find_builtin_symbol_rules("NOSUCHUSD"), nullptr);
  EXPECT_EQ(find_builtin_symbol_rules(""), nullptr);
  EXPECT_EQ(find_builtin_symbol_rules("btcusd"), nullptr);  // upper case only
  // Near misses: a prefix, one letter more, another first letter, another last letter.
  for (const char* miss : {"BTCUS", "BTCUSDX", "ATCUSD", "BTCUSE", "B"})
    EXPECT_EQ(find_builtin_symbol_rules(miss), nullptr) << miss;
  // The table's own entry (its first for the symbol), not a copy.
  const auto& table = builtin_symbol_rules();
  for (std::size_t i = 0; i < table.size(); ++i) {
    std::size_t first = 0;
    while (table[first].symbol != table[i].symbol) ++first;
    EXPECT_EQ(find_builtin_symbol_rules(table[i].symbol), &table[first]) << table[i].symbol;
  }
}

}  // namespace
}  // namespace rtcrypto
