#include "rtcrypto/book/book_table.hpp"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "rtcrypto/book/book_builder.hpp"

namespace rtcrypto {
namespace {

// Symbols of 1 to 20 characters, in shuffled order, many enough to fill several chunks and
// rehash several times.
std::vector<std::string> shuffled_symbols(std::size_t n) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n; ++i) {
    std::string s = "S" + std::to_string(i * 7919 % 100003);
    s.resize(1 + i % 20, static_cast<char>('A' + i % 26));
    out.push_back(s);
  }
  std::mt19937 rng(7);
  std::shuffle(out.begin(), out.end(), rng);
  return out;
}

TEST(BookTable, FindsEveryBookAtAFixedAddressAndListsThemInSymbolOrder) {
  const std::vector<std::string> syms = shuffled_symbols(700);
  BookTable t;
  std::map<std::string, OrderBook*> model;
  EXPECT_EQ(t.find("BTCUSD"), nullptr);
  for (const std::string& s : syms) {
    if (model.count(s)) {  // an existing symbol: the same book
      EXPECT_EQ(&t.get(s), model[s]);
      continue;
    }
    EXPECT_EQ(t.find(s), nullptr) << s;
    OrderBook& b = t.get(s);
    EXPECT_EQ(b.symbol(), s);
    EXPECT_TRUE(b.empty());
    model[s] = &b;
    b.set_level(Side::Bid, Decimal::from_int(static_cast<std::int64_t>(s.size())),
                Decimal::from_int(1));
  }
  ASSERT_EQ(t.size(), model.size());
  for (const auto& [s, book] : model) {
    EXPECT_EQ(t.find(s), book) << s;
    EXPECT_EQ(book->best_bid()->price, Decimal::from_int(static_cast<std::int64_t>(s.size())));
  }
  EXPECT_EQ(t.find(""), nullptr);
  EXPECT_EQ(t.find(syms.front() + "X"), nullptr);
  auto it = model.begin();
  for (const auto& [symbol, book] : t) {
    ASSERT_NE(it, model.end());
    EXPECT_EQ(symbol, it->first);
    EXPECT_EQ(&book, it->second);
    ++it;
  }
  EXPECT_EQ(it, model.end());
}

TEST(BookTable, EmptyTableFindsNothingAndListsNothing) {
  const BookTable t;
  EXPECT_EQ(t.find("ETHUSD"), nullptr);
  EXPECT_TRUE(t.empty());
  EXPECT_EQ(t.begin(), t.end());
}

// BookBuilder over the table: books by name, in symbol order, the same book each time.
TEST(BookTable, BuilderListsItsBooksInSymbolOrder) {
  BookBuilder builder;
  const char* syms[] = {"SOLUSD", "BTCUSD", "ETHUSD", "BTCUSD", "AAVEUSD"};
  for (const char* s : syms) builder.on_snapshot_begin(s, 1);
  std::vector<std::string> listed;
  for (const auto& [symbol, book] : builder.books()) {
    listed.push_back(symbol);
    EXPECT_EQ(&book, builder.find(symbol));
  }
  EXPECT_EQ(listed, (std::vector<std::string>{"AAVEUSD", "BTCUSD", "ETHUSD", "SOLUSD"}));
  EXPECT_EQ(&builder.get("ETHUSD"), builder.find("ETHUSD"));
}

}  // namespace
}  // namespace rtcrypto
