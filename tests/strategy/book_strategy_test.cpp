#include <gtest/gtest.h>

#include "rtcrypto/strategy/strategy.hpp"

namespace rtcrypto {
namespace {

using namespace rtcrypto::literals;

enum class Sig { None, Buy, Sell };
enum class Pos { Flat, Dust, Holding };
enum class Book { Both, NoBid, NoAsk };

struct Row {
  Sig sig;
  Pos pos;
  std::optional<double> ratio;
  Book book;
  Action action;
  const char* reason;
};

std::ostream& operator<<(std::ostream& os, const Row& r) {
  return os << "sig=" << static_cast<int>(r.sig) << " pos=" << static_cast<int>(r.pos)
            << " ratio=" << (r.ratio ? std::to_string(*r.ratio) : "null")
            << " book=" << static_cast<int>(r.book) << " -> " << r.reason;
}

OrderBook make_book(Book b) {
  OrderBook book("BTCUSD");
  if (b != Book::NoBid) {
    book.set_level(Side::Bid, "60000.00"_d, "1"_d);
    book.set_level(Side::Bid, "59999.50"_d, "2"_d);
  }
  if (b != Book::NoAsk) {
    book.set_level(Side::Ask, "60001.00"_d, "0.5"_d);
    book.set_level(Side::Ask, "60002.00"_d, "3"_d);
  }
  return book;
}

SymbolRules btc_rules() {
  SymbolRules r;
  r.symbol = "BTCUSD";
  r.tick_size = "0.00000001"_d;
  r.quote_increment = "0.01"_d;
  r.min_order_size = "0.00001"_d;
  return r;
}

Decimal holdings(Pos p) {
  switch (p) {
    case Pos::Flat:
      return {};
    case Pos::Dust:
      return "0.000005"_d;  // below min_order_size: counts as flat
    case Pos::Holding:
      return "0.5"_d;
  }
  return {};
}

class BookStrategyTable : public ::testing::TestWithParam<Row> {};

TEST_P(BookStrategyTable, Decides) {
  const Row& row = GetParam();
  WindowResult w;
  w.symbol = "BTCUSD";
  w.ratio = row.ratio;
  std::optional<SignalValue> sig;
  if (row.sig != Sig::None) {
    sig = SignalValue{};
    sig->side = row.sig == Sig::Buy ? OrderSide::Buy : OrderSide::Sell;
  }
  OrderBook book = make_book(row.book);
  SymbolRules rules = btc_rules();
  BookStrategy s;
  Decision d = s.decide({w, sig, holdings(row.pos), "100000"_d, std::nullopt, book, rules});
  EXPECT_EQ(d.action, row.action);
  EXPECT_EQ(d.reason, row.reason) << d.detail;
  EXPECT_FALSE(d.detail.empty());
  EXPECT_EQ(d.order.has_value(), row.action != Action::None);
  if (d.order) {
    EXPECT_EQ(d.order->symbol, "BTCUSD");
    EXPECT_EQ(d.order->tif, TimeInForce::ImmediateOrCancel);
    EXPECT_TRUE(d.order->client_order_id.empty());
  }
}

constexpr auto B = Action::Buy;
constexpr auto S = Action::Sell;
constexpr auto N = Action::None;

INSTANTIATE_TEST_SUITE_P(SignalPositionRatioBook, BookStrategyTable,
                         ::testing::Values(
                             // No signal: never trades, whatever else holds.
                             Row{Sig::None, Pos::Flat, 1.0, Book::Both, N, "no_signal"},
                             Row{Sig::None, Pos::Holding, 1.0, Book::Both, N, "no_signal"},
                             Row{Sig::None, Pos::Flat, std::nullopt, Book::NoAsk, N, "no_signal"},
                             // Buy signal, flat: the ratio band is strict.
                             Row{Sig::Buy, Pos::Flat, 1.0, Book::Both, B, "buy"},
                             Row{Sig::Buy, Pos::Flat, 0.1000001, Book::Both, B, "buy"},
                             Row{Sig::Buy, Pos::Flat, 1.9999999, Book::Both, B, "buy"},
                             Row{Sig::Buy, Pos::Flat, 0.1, Book::Both, N, "ratio_outside_band"},
                             Row{Sig::Buy, Pos::Flat, 2.0, Book::Both, N, "ratio_outside_band"},
                             Row{Sig::Buy, Pos::Flat, 0.05, Book::Both, N, "ratio_outside_band"},
                             Row{Sig::Buy, Pos::Flat, 3.0, Book::Both, N, "ratio_outside_band"},
                             Row{Sig::Buy, Pos::Flat, std::nullopt, Book::Both, N, "no_ratio"},
                             Row{Sig::Buy, Pos::Flat, 1.0, Book::NoAsk, N, "no_ask"},
                             Row{Sig::Buy, Pos::Flat, 1.0, Book::NoBid, B, "buy"},
                             Row{Sig::Buy, Pos::Dust, 1.0, Book::Both, B, "buy"},
                             // Buy signal while holding: no pyramiding.
                             Row{Sig::Buy, Pos::Holding, 1.0, Book::Both, N, "not_flat"},
                             Row{Sig::Buy, Pos::Holding, 3.0, Book::Both, N, "not_flat"},
                             // Sell signal: sells all holdings whatever the ratio.
                             Row{Sig::Sell, Pos::Holding, 1.0, Book::Both, S, "sell"},
                             Row{Sig::Sell, Pos::Holding, 3.0, Book::Both, S, "sell"},
                             Row{Sig::Sell, Pos::Holding, std::nullopt, Book::NoAsk, S, "sell"},
                             Row{Sig::Sell, Pos::Holding, 1.0, Book::NoBid, N, "no_bid"},
                             Row{Sig::Sell, Pos::Flat, 1.0, Book::Both, N, "nothing_to_sell"},
                             Row{Sig::Sell, Pos::Dust, 1.0, Book::Both, N, "below_min_size"}));

// The engine keeps one Decision and lets the strategy rewrite it: nothing of an earlier
// decision (order, detail, the engine's client_order_id) may survive into the next one.
TEST(BookStrategy, ReusedDecisionEqualsAFreshOne) {
  BookStrategy s;
  SymbolRules rules = btc_rules();
  Decision reused;
  const Sig sigs[] = {Sig::Buy, Sig::None, Sig::Sell, Sig::Buy, Sig::Sell, Sig::Sell};
  const Pos poss[] = {Pos::Flat, Pos::Holding, Pos::Holding, Pos::Holding, Pos::Dust, Pos::Holding};
  const std::optional<double> ratios[] = {1.0, 1.0, 3.0, std::nullopt, 1.0, 0.5};
  const Book books[] = {Book::Both, Book::Both, Book::Both, Book::NoAsk, Book::Both, Book::NoBid};
  for (int i = 0; i < 6; ++i) {
    WindowResult w;
    w.symbol = "BTCUSD";
    w.ratio = ratios[i];
    std::optional<SignalValue> sig;
    if (sigs[i] != Sig::None) {
      sig = SignalValue{};
      sig->side = sigs[i] == Sig::Buy ? OrderSide::Buy : OrderSide::Sell;
    }
    OrderBook book = make_book(books[i]);
    const StrategyInput in{w, sig, holdings(poss[i]), "100000"_d, std::nullopt, book, rules};
    s.decide_into(in, reused);
    const Decision fresh = s.decide(in);
    EXPECT_EQ(reused.action, fresh.action) << i;
    EXPECT_EQ(reused.reason, fresh.reason) << i;
    EXPECT_EQ(reused.detail, fresh.detail) << i;
    ASSERT_EQ(reused.order.has_value(), fresh.order.has_value()) << i;
    if (reused.order) {
      EXPECT_EQ(reused.order->client_order_id, "");
      EXPECT_EQ(reused.order->symbol, fresh.order->symbol);
      EXPECT_EQ(reused.order->side, fresh.order->side);
      EXPECT_EQ(reused.order->amount, fresh.order->amount);
      EXPECT_EQ(reused.order->price, fresh.order->price);
      reused.order->client_order_id = "run-" + std::to_string(i);  // as the engine does
    }
  }
}

TEST(BookStrategy, BuySpendsTradePctAtTheAskFlooredToTick) {
  WindowResult w;
  w.symbol = "BTCUSD";
  w.ratio = 1.0;
  std::optional<SignalValue> sig = SignalValue{};
  OrderBook book = make_book(Book::Both);
  SymbolRules rules = btc_rules();
  BookStrategy s;
  Decision d = s.decide({w, sig, {}, "100000"_d, std::nullopt, book, rules});
  ASSERT_TRUE(d.order);
  EXPECT_EQ(d.order->side, OrderSide::Buy);
  EXPECT_EQ(d.order->price, "60001.00"_d);
  // 90000 / 60001 = 1.499975000416...: floored to 1e-8.
  EXPECT_EQ(d.order->amount, "1.49997500"_d);
  EXPECT_LE(d.order->amount * d.order->price, "90000"_d);
}

TEST(BookStrategy, SellsAllHoldingsAtTheBid) {
  WindowResult w;
  w.symbol = "BTCUSD";
  std::optional<SignalValue> sig = SignalValue{};
  sig->side = OrderSide::Sell;
  OrderBook book = make_book(Book::Both);
  SymbolRules rules = btc_rules();
  BookStrategy s;
  Decision d = s.decide({w, sig, "0.123456789"_d, {}, "59000"_d, book, rules});
  ASSERT_TRUE(d.order);
  EXPECT_EQ(d.order->side, OrderSide::Sell);
  EXPECT_EQ(d.order->price, "60000"_d);
  EXPECT_EQ(d.order->amount, "0.12345678"_d) << "floored to tick_size";
}

TEST(BookStrategy, SlippageCapWidensTheLimitAndRoundsSafely) {
  WindowResult w;
  w.symbol = "BTCUSD";
  w.ratio = 1.0;
  OrderBook book("BTCUSD");
  book.set_level(Side::Bid, "100.03"_d, "1"_d);
  book.set_level(Side::Ask, "100.07"_d, "1"_d);
  SymbolRules rules = btc_rules();
  BookStrategyConfig cfg;
  cfg.slippage_bps = 25;  // 0.25 %
  BookStrategy s(cfg);
  std::optional<SignalValue> buy = SignalValue{};
  Decision d = s.decide({w, buy, {}, "1000"_d, std::nullopt, book, rules});
  ASSERT_TRUE(d.order);
  // 100.07 × 1.0025 = 100.320175 -> rounded down (never above the cap).
  EXPECT_EQ(d.order->price, "100.32"_d);
  std::optional<SignalValue> sell = SignalValue{};
  sell->side = OrderSide::Sell;
  d = s.decide({w, sell, "1"_d, {}, std::nullopt, book, rules});
  ASSERT_TRUE(d.order);
  // 100.03 × 0.9975 = 99.779925 -> rounded up (never below the cap).
  EXPECT_EQ(d.order->price, "99.78"_d);
}

TEST(BookStrategy, TooLittleQuoteIsBelowMinSize) {
  WindowResult w;
  w.symbol = "BTCUSD";
  w.ratio = 1.0;
  std::optional<SignalValue> sig = SignalValue{};
  OrderBook book = make_book(Book::Both);
  SymbolRules rules = btc_rules();
  BookStrategy s;
  Decision d = s.decide({w, sig, {}, "0.5"_d, std::nullopt, book, rules});
  EXPECT_EQ(d.action, Action::None);
  EXPECT_EQ(d.reason, "below_min_size");
  d = s.decide({w, sig, {}, {}, std::nullopt, book, rules});
  EXPECT_EQ(d.reason, "below_min_size");
}

TEST(BookStrategy, ConfigurableBandAndClosedSymbol) {
  WindowResult w;
  w.symbol = "BTCUSD";
  w.ratio = 2.5;
  std::optional<SignalValue> sig = SignalValue{};
  OrderBook book = make_book(Book::Both);
  SymbolRules rules = btc_rules();
  BookStrategyConfig cfg;
  cfg.band_low = 1.0;
  cfg.band_high = 3.0;
  BookStrategy s(cfg);
  EXPECT_EQ(s.decide({w, sig, {}, "1000"_d, std::nullopt, book, rules}).action, Action::Buy);
  rules.status = "closed";
  EXPECT_EQ(s.decide({w, sig, {}, "1000"_d, std::nullopt, book, rules}).reason, "symbol_not_open");
  // Only "open" (or no status) is open: texts near it are not.
  for (const char* near : {"ope", "opens", "OPEN", "opeN", "xpen"}) {
    rules.status = near;
    EXPECT_EQ(s.decide({w, sig, {}, "1000"_d, std::nullopt, book, rules}).reason, "symbol_not_open")
        << near;
  }
  for (const char* open : {"open", ""}) {
    rules.status = open;
    EXPECT_EQ(s.decide({w, sig, {}, "1000"_d, std::nullopt, book, rules}).action, Action::Buy)
        << open;
  }
}

// The band's words are written once, at construction, as `ostream << double` writes them.
TEST(BookStrategy, OutsideBandDetailNamesTheConfiguredBand) {
  BookStrategyConfig cfg;
  cfg.band_low = 0.25;
  cfg.band_high = 1234567.0;
  BookStrategy s(cfg);
  WindowResult w;
  w.symbol = "BTCUSD";
  w.ratio = 0.125;
  std::optional<SignalValue> sig = SignalValue{};
  sig->side = OrderSide::Buy;
  OrderBook book = make_book(Book::Both);
  SymbolRules rules = btc_rules();
  Decision d = s.decide({w, sig, {}, "100000"_d, std::nullopt, book, rules});
  EXPECT_EQ(d.reason, "ratio_outside_band");
  EXPECT_EQ(d.detail, "buy signal but ratio 0.125 is outside (0.25, 1.23457e+06)");
  w.ratio = 0.05;
  EXPECT_EQ(BookStrategy().decide({w, sig, {}, "100000"_d, std::nullopt, book, rules}).detail,
            "buy signal but ratio 0.05 is outside (0.1, 2)");
}

}  // namespace
}  // namespace rtcrypto
