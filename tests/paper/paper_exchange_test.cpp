#include "rtcrypto/paper/paper_exchange.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>

namespace rtcrypto {
namespace {

using namespace literals;

// Book used throughout (BTCUSD; fees 40 bps taker, 20 bps maker by default):
//   asks 100.00 x 1, 101.00 x 2, 102.00 x 3
//   bids  99.00 x 1,  98.00 x 2,  97.00 x 3
class PaperExchangeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (auto [p, q] : {std::pair{"100", "1"}, {"101", "2"}, {"102", "3"}})
      book.set_level(Side::Ask, decimal_or_throw(p), decimal_or_throw(q));
    for (auto [p, q] : {std::pair{"99", "1"}, {"98", "2"}, {"97", "3"}})
      book.set_level(Side::Bid, decimal_or_throw(p), decimal_or_throw(q));
    make("USD=100000,BTC=0");
  }

  void make(std::string_view balances, PaperConfig cfg = {}) {
    cfg.balances = parse_paper_balances(balances);
    cfg.book_lookup = [this](std::string_view s) -> const OrderBook* {
      if (no_book) return nullptr;
      return s == "BTCUSD" ? &book : nullptr;
    };
    cfg.now = [this] { return now; };
    ex = std::make_unique<PaperExchange>(std::move(cfg));
    ex->set_fill_listener([this](const Fill& f) { fills.push_back(f); });
    fills.clear();
  }

  OrderOutcome place(OrderSide side, std::string_view amount, std::string_view price,
                     TimeInForce tif, std::string cid = "cid", std::string symbol = "BTCUSD") {
    OrderRequest r;
    r.client_order_id = std::move(cid);
    r.symbol = std::move(symbol);
    r.side = side;
    r.amount = decimal_or_throw(amount);
    r.price = decimal_or_throw(price);
    r.tif = tif;
    OrderOutcome out;
    int calls = 0;
    ex->place(r, [&](const OrderOutcome& o) {
      out = o;
      ++calls;
    });
    EXPECT_EQ(calls, 1) << "callback runs exactly once, synchronously";
    return out;
  }
  OrderOutcome buy(std::string_view amount, std::string_view price,
                   TimeInForce tif = TimeInForce::ImmediateOrCancel, std::string cid = "cid") {
    return place(OrderSide::Buy, amount, price, tif, std::move(cid));
  }
  OrderOutcome sell(std::string_view amount, std::string_view price,
                    TimeInForce tif = TimeInForce::ImmediateOrCancel, std::string cid = "cid") {
    return place(OrderSide::Sell, amount, price, tif, std::move(cid));
  }
  OrderOutcome cancel(const std::string& id) {
    OrderOutcome out;
    ex->cancel(id, [&](const OrderOutcome& o) { out = o; });
    return out;
  }
  Decimal amount(std::string_view c) const { return ex->balance(c).amount; }
  Decimal available(std::string_view c) const { return ex->balance(c).available; }

  OrderBook book{"BTCUSD"};
  bool no_book = false;
  TimeNs now = 1'700'000'000'000'000'000;
  std::unique_ptr<PaperExchange> ex;
  std::vector<Fill> fills;
};

TEST_F(PaperExchangeTest, IocBuyWalksAsksLevelByLevel) {
  auto out = buy("2.5", "101.50");
  ASSERT_EQ(out.kind, OutcomeKind::Accepted);
  const Order& o = out.order;
  EXPECT_EQ(o.order_id, "1");
  EXPECT_EQ(o.client_order_id, "cid");
  EXPECT_EQ(o.executed_amount, "2.5"_d);
  EXPECT_EQ(o.remaining_amount, "0"_d);
  EXPECT_EQ(o.avg_execution_price, "100.6"_d);  // (100 + 151.5) / 2.5
  EXPECT_EQ(o.fee, "1.006"_d);                  // 0.4 + 0.606
  EXPECT_FALSE(o.is_cancelled);
  EXPECT_FALSE(o.is_live);
  EXPECT_EQ(o.timestamp, now);
  ASSERT_EQ(fills.size(), 2u);
  EXPECT_EQ(fills[0].price, "100"_d);
  EXPECT_EQ(fills[0].amount, "1"_d);
  EXPECT_EQ(fills[0].fee, "0.4"_d);
  EXPECT_FALSE(fills[0].maker);
  EXPECT_EQ(fills[1].price, "101"_d);
  EXPECT_EQ(fills[1].amount, "1.5"_d);
  EXPECT_EQ(fills[1].fee, "0.606"_d);
  EXPECT_EQ(fills[1].order_id, "1");
  EXPECT_EQ(fills[1].ts, now);
  EXPECT_EQ(amount("USD"), "99747.494"_d);
  EXPECT_EQ(available("USD"), "99747.494"_d);
  EXPECT_EQ(amount("BTC"), "2.5"_d);
  // The real book is untouched.
  EXPECT_EQ(book.best_ask()->quantity, "1"_d);
}

TEST_F(PaperExchangeTest, IocSellWalksBidsLevelByLevel) {
  make("USD=100000,BTC=5");
  auto out = sell("2.5", "98.00");
  ASSERT_EQ(out.kind, OutcomeKind::Accepted);
  EXPECT_EQ(out.order.executed_amount, "2.5"_d);
  EXPECT_EQ(out.order.avg_execution_price, "98.4"_d);  // (99 + 147) / 2.5
  EXPECT_EQ(out.order.fee, "0.984"_d);
  ASSERT_EQ(fills.size(), 2u);
  EXPECT_EQ(fills[0].price, "99"_d);
  EXPECT_EQ(fills[1].price, "98"_d);
  EXPECT_EQ(fills[1].amount, "1.5"_d);
  EXPECT_EQ(amount("USD"), "100245.016"_d);  // + 246 - 0.984
  EXPECT_EQ(amount("BTC"), "2.5"_d);
}

TEST_F(PaperExchangeTest, IocPartialFillCancelsTheRest) {
  auto out = buy("4", "101");
  ASSERT_EQ(out.kind, OutcomeKind::Accepted);
  const Order& o = out.order;
  EXPECT_EQ(o.executed_amount, "3"_d);
  EXPECT_EQ(o.remaining_amount, "1"_d);
  EXPECT_TRUE(o.is_cancelled);
  EXPECT_FALSE(o.is_live);
  EXPECT_EQ(o.reason, "ImmediateOrCancelWouldPost");
  // 302 / 3, exact to 1e-18 (truncated).
  EXPECT_EQ(o.avg_execution_price, "100.666666666666666666"_d);
  EXPECT_EQ(o.fee, "1.208"_d);
  EXPECT_EQ(amount("USD"), "99696.792"_d);
  EXPECT_EQ(amount("BTC"), "3"_d);
  EXPECT_TRUE(ex->open_orders().empty());
}

TEST_F(PaperExchangeTest, IocNothingFillable) {
  auto out = buy("1", "99.99");
  ASSERT_EQ(out.kind, OutcomeKind::Accepted);
  EXPECT_TRUE(out.order.is_cancelled);
  EXPECT_EQ(out.order.reason, "ImmediateOrCancelWouldPost");
  EXPECT_EQ(out.order.executed_amount, "0"_d);
  EXPECT_EQ(out.order.remaining_amount, "1"_d);
  EXPECT_EQ(out.order.avg_execution_price, "0"_d);
  EXPECT_TRUE(fills.empty());
  EXPECT_EQ(amount("USD"), "100000"_d);
  EXPECT_EQ(amount("BTC"), "0"_d);
}

TEST_F(PaperExchangeTest, FillOrKillFillsWhole) {
  auto out = buy("3", "101", TimeInForce::FillOrKill);
  EXPECT_FALSE(out.order.is_cancelled);
  EXPECT_EQ(out.order.executed_amount, "3"_d);
  EXPECT_EQ(fills.size(), 2u);
  EXPECT_EQ(amount("USD"), "99696.792"_d);
}

TEST_F(PaperExchangeTest, FillOrKillKillsWhenNotFullyFillable) {
  auto out = buy("3.5", "101", TimeInForce::FillOrKill);
  ASSERT_EQ(out.kind, OutcomeKind::Accepted);
  EXPECT_TRUE(out.order.is_cancelled);
  EXPECT_EQ(out.order.reason, "FillOrKillWouldNotFill");
  EXPECT_EQ(out.order.executed_amount, "0"_d);
  EXPECT_TRUE(fills.empty());
  EXPECT_EQ(amount("USD"), "100000"_d);
  // Nothing was consumed: the same liquidity is still there.
  EXPECT_EQ(buy("3", "101").order.executed_amount, "3"_d);
}

TEST_F(PaperExchangeTest, MakerOrCancelThatWouldTakeIsCancelled) {
  auto out = buy("1", "100", TimeInForce::MakerOrCancel);
  ASSERT_EQ(out.kind, OutcomeKind::Accepted);
  EXPECT_TRUE(out.order.is_cancelled);
  EXPECT_EQ(out.order.reason, "MakerOrCancelWouldTake");
  EXPECT_TRUE(fills.empty());
  EXPECT_TRUE(ex->open_orders().empty());
  EXPECT_EQ(available("USD"), "100000"_d);
}

TEST_F(PaperExchangeTest, MakerOrCancelRestsAndHoldsFunds) {
  auto out = buy("1", "99.50", TimeInForce::MakerOrCancel);
  EXPECT_FALSE(out.order.is_cancelled);
  EXPECT_TRUE(out.order.is_live);
  EXPECT_TRUE(fills.empty());
  ASSERT_EQ(ex->open_orders().size(), 1u);
  EXPECT_EQ(amount("USD"), "100000"_d);
  EXPECT_EQ(available("USD"), "99900.301"_d);  // 99.5 * 1.002 held
  // A sell maker-or-cancel at or below the best bid would take.
  make("USD=0,BTC=1");
  EXPECT_EQ(sell("1", "99", TimeInForce::MakerOrCancel).order.reason, "MakerOrCancelWouldTake");
  auto rest = sell("1", "99.01", TimeInForce::MakerOrCancel);
  EXPECT_TRUE(rest.order.is_live);
  EXPECT_EQ(available("BTC"), "0"_d);
  EXPECT_EQ(amount("BTC"), "1"_d);
}

TEST_F(PaperExchangeTest, GtcTakesThenRestsThenFillsOnBookMoves) {
  std::vector<Order> updates;
  ex->set_order_listener([&](const Order& o) { updates.push_back(o); });
  auto out = buy("2", "100.50", TimeInForce::GoodTillCancel, "gtc-1");
  ASSERT_EQ(out.kind, OutcomeKind::Accepted);
  EXPECT_TRUE(out.order.is_live);
  EXPECT_FALSE(out.order.is_cancelled);
  EXPECT_EQ(out.order.executed_amount, "1"_d);
  EXPECT_EQ(out.order.remaining_amount, "1"_d);
  ASSERT_EQ(fills.size(), 1u);
  EXPECT_FALSE(fills[0].maker);
  EXPECT_EQ(amount("USD"), "99899.6"_d);       // 100 + 0.4 taker fee
  EXPECT_EQ(available("USD"), "99798.899"_d);  // minus 100.5 * 1.002 held

  // An unrelated update: the consumed 100.00 level still shows the same quantity.
  now += kNsPerSec;
  book.set_level(Side::Bid, "96"_d, "1"_d);
  ex->on_book_update("BTCUSD");
  EXPECT_EQ(fills.size(), 1u);

  // The asks move through our limit: fill at our price, as maker, up to what is shown.
  book.set_level(Side::Ask, "100.40"_d, "0.6"_d);
  ex->on_book_update("BTCUSD");
  ASSERT_EQ(fills.size(), 2u);
  EXPECT_TRUE(fills[1].maker);
  EXPECT_EQ(fills[1].price, "100.5"_d);
  EXPECT_EQ(fills[1].amount, "0.6"_d);
  EXPECT_EQ(fills[1].fee, "0.1206"_d);
  EXPECT_EQ(fills[1].client_order_id, "gtc-1");
  EXPECT_EQ(fills[1].ts, now);
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_TRUE(updates[0].is_live);
  EXPECT_EQ(updates[0].remaining_amount, "0.4"_d);

  // Same level, new quantity: the overlay resets and the rest fills.
  book.set_level(Side::Ask, "100.40"_d, "0.5"_d);
  ex->on_book_update("BTCUSD");
  ASSERT_EQ(fills.size(), 3u);
  EXPECT_EQ(fills[2].amount, "0.4"_d);
  EXPECT_EQ(fills[2].fee, "0.0804"_d);
  ASSERT_EQ(updates.size(), 2u);
  EXPECT_FALSE(updates[1].is_live);
  EXPECT_EQ(updates[1].remaining_amount, "0"_d);
  EXPECT_EQ(updates[1].avg_execution_price, "100.25"_d);  // (100 + 60.3 + 40.2) / 2
  EXPECT_EQ(updates[1].fee, "0.601"_d);
  EXPECT_TRUE(ex->open_orders().empty());
  EXPECT_EQ(amount("USD"), "99798.899"_d);
  EXPECT_EQ(available("USD"), "99798.899"_d);
  EXPECT_EQ(amount("BTC"), "2"_d);
  auto by_cid = ex->order_by_client_id("gtc-1");
  ASSERT_TRUE(by_cid);
  EXPECT_EQ(by_cid->executed_amount, "2"_d);
  EXPECT_FALSE(by_cid->is_live);
}

TEST_F(PaperExchangeTest, RestingSellFillsWhenBidsRise) {
  make("USD=0,BTC=2");
  auto out = sell("1.5", "99.50", TimeInForce::GoodTillCancel);
  EXPECT_TRUE(out.order.is_live);
  EXPECT_EQ(available("BTC"), "0.5"_d);
  book.set_level(Side::Bid, "99.60"_d, "1"_d);
  book.set_level(Side::Bid, "99.55"_d, "2"_d);
  ex->on_book_update("BTCUSD");
  ASSERT_EQ(fills.size(), 2u);
  EXPECT_EQ(fills[0].amount, "1"_d);
  EXPECT_EQ(fills[1].amount, "0.5"_d);
  EXPECT_EQ(fills[1].price, "99.5"_d);     // at our limit, not the bid
  EXPECT_EQ(amount("USD"), "148.9515"_d);  // 149.25 - 0.2985 maker fee
  EXPECT_EQ(amount("BTC"), "0.5"_d);
  EXPECT_EQ(available("BTC"), "0.5"_d);
}

TEST_F(PaperExchangeTest, RestingOrdersFillByPriceThenAge) {
  buy("1", "99.50", TimeInForce::GoodTillCancel, "low");
  buy("1", "99.80", TimeInForce::GoodTillCancel, "high");
  buy("1", "99.80", TimeInForce::GoodTillCancel, "high-later");
  book.set_level(Side::Ask, "99.40"_d, "1.5"_d);
  ex->on_book_update("BTCUSD");
  ASSERT_EQ(fills.size(), 2u);
  EXPECT_EQ(fills[0].client_order_id, "high");
  EXPECT_EQ(fills[0].amount, "1"_d);
  EXPECT_EQ(fills[1].client_order_id, "high-later");
  EXPECT_EQ(fills[1].amount, "0.5"_d);
  EXPECT_EQ(ex->open_orders().size(), 2u);
}

TEST_F(PaperExchangeTest, SameLiquidityIsNotConsumedTwice) {
  EXPECT_EQ(buy("1", "100").order.executed_amount, "1"_d);
  auto second = buy("1", "100");
  EXPECT_EQ(second.order.executed_amount, "0"_d);
  EXPECT_TRUE(second.order.is_cancelled);
  // The second order skips the consumed level and takes the next one.
  EXPECT_EQ(buy("1", "101").order.avg_execution_price, "101"_d);
  // The level changes: the book is the truth again.
  book.set_level(Side::Ask, "100"_d, "0.7"_d);
  ex->on_book_update("BTCUSD");
  EXPECT_EQ(buy("1", "100").order.executed_amount, "0.7"_d);
}

TEST_F(PaperExchangeTest, TakesAreFlooredToTheQuantityStep) {
  book.set_level(Side::Ask, "100"_d, "0.123456789"_d);  // finer than BTC's 1e-8 step
  auto out = buy("1", "100");
  EXPECT_EQ(out.order.executed_amount, "0.12345678"_d);
  EXPECT_EQ(out.order.remaining_amount, "0.87654322"_d);
}

TEST_F(PaperExchangeTest, CancelReleasesHeldFunds) {
  auto out = buy("1", "95", TimeInForce::GoodTillCancel);
  ASSERT_TRUE(out.order.is_live);
  EXPECT_EQ(available("USD"), "99904.81"_d);
  auto c = cancel(out.order.order_id);
  ASSERT_EQ(c.kind, OutcomeKind::Accepted);
  EXPECT_TRUE(c.order.is_cancelled);
  EXPECT_FALSE(c.order.is_live);
  EXPECT_EQ(c.order.reason, "Requested");
  EXPECT_EQ(available("USD"), "100000"_d);
  EXPECT_TRUE(ex->open_orders().empty());
  // A cancelled order no longer fills.
  book.set_level(Side::Ask, "94"_d, "5"_d);
  ex->on_book_update("BTCUSD");
  EXPECT_TRUE(fills.empty());
  // Cancelling again returns the status; an unknown id is OrderNotFound.
  auto again = cancel(out.order.order_id);
  EXPECT_EQ(again.kind, OutcomeKind::Accepted);
  EXPECT_TRUE(again.order.is_cancelled);
  auto unknown = cancel("999");
  EXPECT_EQ(unknown.kind, OutcomeKind::Rejected);
  EXPECT_EQ(unknown.reason, "OrderNotFound");
  EXPECT_EQ(cancel("not-a-number").reason, "OrderNotFound");
}

// Closed orders are kept by their numeric id: found by their exact id text (not by another
// text of the same number), by client id, and a lower-case symbol places as its upper case.
TEST_F(PaperExchangeTest, ClosedOrdersAreFoundByTheirExactId) {
  auto out = buy("0.5", "100", TimeInForce::ImmediateOrCancel, "ioc-1");  // fills, closes
  ASSERT_EQ(out.kind, OutcomeKind::Accepted);
  ASSERT_FALSE(out.order.is_live);
  auto again = cancel(out.order.order_id);
  EXPECT_EQ(again.kind, OutcomeKind::Accepted);
  EXPECT_EQ(again.order.order_id, out.order.order_id);
  EXPECT_EQ(again.order.executed_amount, "0.5"_d);
  EXPECT_EQ(cancel("0" + out.order.order_id).reason, "OrderNotFound");
  auto by_cid = ex->order_by_client_id("ioc-1");
  ASSERT_TRUE(by_cid.has_value());
  EXPECT_EQ(by_cid->order_id, out.order.order_id);
  EXPECT_FALSE(by_cid->is_live);

  auto lower = place(OrderSide::Buy, "0.1", "100", TimeInForce::ImmediateOrCancel, "low", "btcusd");
  ASSERT_EQ(lower.kind, OutcomeKind::Accepted);
  EXPECT_EQ(lower.order.symbol, "BTCUSD");
  EXPECT_EQ(lower.order.executed_amount, "0.1"_d);
}

// Past max_closed_orders the oldest closed orders are forgotten, with their client ids
// (unless a later order took the client id over).
TEST_F(PaperExchangeTest, OldestClosedOrdersAreEvicted) {
  PaperConfig cfg;
  cfg.max_closed_orders = 2;
  make("USD=100000,BTC=0", cfg);
  auto a = buy("0.1", "100", TimeInForce::ImmediateOrCancel, "a");
  auto b = buy("0.1", "100", TimeInForce::ImmediateOrCancel, "shared");
  auto c = buy("0.1", "100", TimeInForce::ImmediateOrCancel, "c");
  EXPECT_EQ(cancel(a.order.order_id).reason, "OrderNotFound");  // evicted
  EXPECT_FALSE(ex->order_by_client_id("a").has_value());
  EXPECT_EQ(cancel(b.order.order_id).kind, OutcomeKind::Accepted);
  auto d = buy("0.1", "100", TimeInForce::ImmediateOrCancel, "shared");  // evicts b
  EXPECT_EQ(cancel(b.order.order_id).reason, "OrderNotFound");
  auto shared = ex->order_by_client_id("shared");
  ASSERT_TRUE(shared.has_value());
  EXPECT_EQ(shared->order_id, d.order.order_id);
  EXPECT_EQ(ex->order_by_client_id("c")->order_id, c.order.order_id);
}

TEST_F(PaperExchangeTest, CancelReleasesHeldBase) {
  make("USD=0,BTC=1");
  auto out = sell("0.6", "105", TimeInForce::GoodTillCancel);
  EXPECT_EQ(available("BTC"), "0.4"_d);
  EXPECT_EQ(sell("0.5", "99").reason, "InsufficientFunds");  // only 0.4 available
  cancel(out.order.order_id);
  EXPECT_EQ(available("BTC"), "1"_d);
}

struct RejectCase {
  const char* name;
  OrderSide side;
  const char* amount;
  const char* price;
  const char* reason;
};

TEST_F(PaperExchangeTest, RejectionsCarryGeminiReasons) {
  const RejectCase cases[] = {
      {"below min size", OrderSide::Buy, "0.000009", "100", "InvalidQuantity"},
      {"off quantity step", OrderSide::Buy, "0.000010001", "100", "InvalidQuantity"},
      {"zero amount", OrderSide::Buy, "0", "100", "InvalidQuantity"},
      {"negative amount", OrderSide::Buy, "-1", "100", "InvalidQuantity"},
      {"off price tick", OrderSide::Buy, "1", "100.001", "InvalidPrice"},
      {"zero price", OrderSide::Buy, "1", "0", "InvalidPrice"},
      {"negative price", OrderSide::Sell, "1", "-100", "InvalidPrice"},
      {"quote funds incl. fee", OrderSide::Buy, "996.02", "100", "InsufficientFunds"},
      {"base funds", OrderSide::Sell, "0.001", "99", "InsufficientFunds"},
  };
  for (const auto& c : cases) {
    auto out = place(c.side, c.amount, c.price, TimeInForce::ImmediateOrCancel);
    EXPECT_EQ(out.kind, OutcomeKind::Rejected) << c.name;
    EXPECT_EQ(out.reason, c.reason) << c.name;
    EXPECT_FALSE(out.message.empty()) << c.name;
    EXPECT_TRUE(out.order.order_id.empty()) << c.name;
  }
  EXPECT_TRUE(fills.empty());
  EXPECT_EQ(ex->stats().rejected, std::size(cases));
  // Rejections use no order ids.
  EXPECT_EQ(buy("1", "100").order.order_id, "1");
}

TEST_F(PaperExchangeTest, RejectionMessages) {
  auto funds = buy("1000", "100");
  EXPECT_EQ(funds.message,
            "Failed to place buy order on symbol 'BTCUSD' for price 100 USD and quantity 1000 BTC "
            "due to insufficient funds");
  auto tick = buy("1", "100.001");
  EXPECT_EQ(tick.message,
            "Invalid price for symbol BTCUSD: 100.001 is not a multiple of the quote increment "
            "0.01");
  auto small = buy("0.000009", "100");
  EXPECT_EQ(small.message,
            "Invalid quantity for symbol BTCUSD: 0.000009 is below the minimum order size 0.00001");
}

TEST_F(PaperExchangeTest, FundsCheckIncludesTheFeeExactly) {
  make("USD=100.4,BTC=0");  // 1 BTC at 100 costs 100 + 0.4 taker fee
  EXPECT_EQ(buy("1", "100").kind, OutcomeKind::Accepted);
  EXPECT_EQ(amount("USD"), "0"_d);
  make("USD=100.399999,BTC=0");
  EXPECT_EQ(buy("1", "100").reason, "InsufficientFunds");
  // Maker-or-cancel can only pay the maker fee.
  make("USD=99.699,BTC=0");
  EXPECT_EQ(buy("1", "99.50", TimeInForce::MakerOrCancel).kind, OutcomeKind::Accepted);
  EXPECT_EQ(available("USD"), "0"_d);
  // A cheaper fill than the limit leaves the difference.
  make("USD=102.408,BTC=0");                                // 102 * 1.004 at the limit
  EXPECT_EQ(buy("1", "102").order.executed_amount, "1"_d);  // fills at 100
  EXPECT_EQ(amount("USD"), "2.008"_d);
}

TEST_F(PaperExchangeTest, InvalidSymbolAndMarketNotOpen) {
  EXPECT_EQ(
      place(OrderSide::Buy, "1", "100", TimeInForce::ImmediateOrCancel, "c", "BTC-USD").reason,
      "InvalidSymbol");
  EXPECT_EQ(place(OrderSide::Buy, "1", "100", TimeInForce::ImmediateOrCancel, "c", "").reason,
            "InvalidSymbol");
  // A valid symbol with no local book.
  EXPECT_EQ(place(OrderSide::Buy, "1", "100", TimeInForce::ImmediateOrCancel, "c", "ETHUSD").reason,
            "MarketNotOpen");
  no_book = true;
  EXPECT_EQ(buy("1", "100").reason, "MarketNotOpen");
  no_book = false;
  book.clear();
  EXPECT_EQ(buy("1", "100").reason, "MarketNotOpen");
}

TEST_F(PaperExchangeTest, ClosedMarketAndLongClientIdAreRejected) {
  PaperConfig cfg;
  SymbolRules closed = ex->rules("BTCUSD");
  closed.status = "closed";
  cfg.rules["btcusd"] = closed;
  make("USD=100000,BTC=0", cfg);
  EXPECT_EQ(buy("1", "100").reason, "MarketNotOpen");
  make("USD=100000,BTC=0");
  EXPECT_EQ(buy("1", "100", TimeInForce::ImmediateOrCancel, std::string(100, 'x')).reason,
            "ClientOrderIdTooLong");
}

TEST_F(PaperExchangeTest, RulesComeFromConfigTableOrDefault) {
  EXPECT_EQ(ex->rules("btcusd").min_order_size, "0.00001"_d);
  EXPECT_EQ(ex->rules("ETHUSD").tick_size, "0.000001"_d);
  EXPECT_EQ(ex->rules("ETHUSD").min_order_size, "0.001"_d);
  const SymbolRules unknown = ex->rules("zzzusd");
  EXPECT_EQ(unknown.symbol, "ZZZUSD");
  EXPECT_EQ(unknown.tick_size, "0.00000001"_d);
  EXPECT_EQ(unknown.quote_increment, "0.01"_d);
  PaperConfig cfg;
  SymbolRules coarse;
  coarse.quote_increment = "1"_d;
  cfg.rules["BTCUSD"] = coarse;
  make("USD=100000", cfg);
  EXPECT_EQ(ex->rules("BTCUSD").quote_increment, "1"_d);
  EXPECT_EQ(buy("1", "100.5").reason, "InvalidPrice");
}

TEST_F(PaperExchangeTest, CustomFees) {
  PaperConfig cfg;
  cfg.taker_fee_bps = "35"_d;
  cfg.maker_fee_bps = "0"_d;
  make("USD=1000", cfg);
  EXPECT_EQ(buy("1", "100").order.fee, "0.35"_d);
  EXPECT_EQ(amount("USD"), "899.65"_d);
  buy("1", "99.50", TimeInForce::GoodTillCancel);
  book.set_level(Side::Ask, "99"_d, "1"_d);
  ex->on_book_update("BTCUSD");
  EXPECT_EQ(fills.back().fee, "0"_d);
  EXPECT_EQ(amount("USD"), "800.15"_d);
  cfg.taker_fee_bps = "10000"_d;
  EXPECT_THROW(PaperExchange{cfg}, std::invalid_argument);
  cfg.taker_fee_bps = "-1"_d;
  EXPECT_THROW(PaperExchange{cfg}, std::invalid_argument);
}

TEST_F(PaperExchangeTest, BalancesListEveryCurrencySorted) {
  make("usd=10,eth=1");
  auto b = ex->balances();
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[0].currency, "ETH");
  EXPECT_EQ(b[1].currency, "USD");
  EXPECT_EQ(b[1].amount, "10"_d);
  EXPECT_EQ(b[1].available_for_withdrawal, "10"_d);
  EXPECT_EQ(ex->balance("BTC").amount, "0"_d);
}

// place() keeps its plan and fill buffers between orders: each order reports only its own
// fills, after longer and shorter ones, and a killed order none.
TEST_F(PaperExchangeTest, EachOrderReportsOnlyItsOwnFills) {
  make("USD=100000,BTC=10");
  auto a = sell("3", "98", TimeInForce::ImmediateOrCancel, "a");  // 99 x 1, 98 x 2
  ASSERT_EQ(fills.size(), 2u);
  EXPECT_EQ(a.order.executed_amount, "3"_d);
  fills.clear();
  auto b = sell("0.5", "97", TimeInForce::ImmediateOrCancel, "b");  // 97 (the rest consumed)
  ASSERT_EQ(fills.size(), 1u);
  EXPECT_EQ(fills[0].client_order_id, "b");
  EXPECT_EQ(fills[0].price, "97"_d);
  EXPECT_EQ(fills[0].amount, "0.5"_d);
  EXPECT_EQ(b.order.executed_amount, "0.5"_d);
  fills.clear();
  auto c = buy("100", "102", TimeInForce::FillOrKill, "c");  // 6 offered: killed whole
  EXPECT_TRUE(fills.empty());
  EXPECT_TRUE(c.order.is_cancelled);
  EXPECT_EQ(c.order.executed_amount, "0"_d);
  auto d = buy("1.5", "101", TimeInForce::ImmediateOrCancel, "d");  // 100 x 1, 101 x 0.5
  ASSERT_EQ(fills.size(), 2u);
  EXPECT_EQ(fills[0].client_order_id, "d");
  EXPECT_EQ(fills[1].price, "101"_d);
  EXPECT_EQ(d.order.executed_amount, "1.5"_d);
}

TEST_F(PaperExchangeTest, ListenersMayCallBackIn) {
  // A fill listener that places another order sees a consistent account.
  bool nested = false;
  ex->set_fill_listener([&](const Fill& f) {
    fills.push_back(f);
    if (!nested) {
      nested = true;
      auto r = OrderRequest{"nested", "BTCUSD", OrderSide::Buy,
                            "1"_d,    "101"_d,  TimeInForce::ImmediateOrCancel};
      ex->place(r, [](const OrderOutcome& o) { EXPECT_EQ(o.order.order_id, "2"); });
    }
  });
  buy("1", "100");
  EXPECT_EQ(fills.size(), 2u);
  EXPECT_EQ(amount("BTC"), "2"_d);
}

// Runs a fixed script and returns everything observable as text.
std::string run_script() {
  OrderBook book("BTCUSD");
  book.set_level(Side::Ask, "100"_d, "1"_d);
  book.set_level(Side::Ask, "101"_d, "2"_d);
  book.set_level(Side::Bid, "99"_d, "1"_d);
  TimeNs t = 5;
  PaperConfig cfg;
  cfg.balances = parse_paper_balances("USD=1000,BTC=1");
  cfg.book_lookup = [&](std::string_view) { return &book; };
  cfg.now = [&] { return t; };
  PaperExchange ex(cfg);
  std::string log;
  ex.set_fill_listener([&](const Fill& f) {
    log += f.order_id + " " + f.price.to_string() + " " + f.amount.to_string() + " " +
           f.fee.to_string() + " " + std::to_string(f.ts) + "\n";
  });
  auto cb = [&](const OrderOutcome& o) {
    log += o.order.order_id + " " + o.reason + " " + o.order.avg_execution_price.to_string() + "\n";
  };
  ex.place({"a", "BTCUSD", OrderSide::Buy, "1.3"_d, "101"_d, TimeInForce::ImmediateOrCancel}, cb);
  t += 7;
  ex.place({"b", "BTCUSD", OrderSide::Sell, "0.5"_d, "102"_d, TimeInForce::GoodTillCancel}, cb);
  ex.place({"c", "BTCUSD", OrderSide::Buy, "0.3"_d, "99.5"_d, TimeInForce::GoodTillCancel}, cb);
  book.set_level(Side::Bid, "102.5"_d, "0.2"_d);
  book.set_level(Side::Ask, "99.2"_d, "1"_d);
  t += 11;
  ex.on_book_update("BTCUSD");
  ex.place({"d", "BTCUSD", OrderSide::Sell, "9"_d, "1"_d, TimeInForce::FillOrKill}, cb);
  log += to_json(ex.export_state());
  return log;
}

TEST(PaperExchangeDeterminism, SameInputsGiveSameOutputs) {
  const std::string a = run_script();
  const std::string b = run_script();
  EXPECT_EQ(a, b);
  EXPECT_NE(a.find("\"next_order_id\":4"), std::string::npos) << a;
}

TEST_F(PaperExchangeTest, StateRoundTripRestoresTheAccount) {
  make("USD=100000,BTC=3");
  buy("2", "100.50", TimeInForce::GoodTillCancel, "rest-buy");  // 1 taken, 1 rests
  sell("0.5", "110", TimeInForce::GoodTillCancel, "rest-sell");
  const PaperState state = ex->export_state();
  const std::string json = to_json(state);
  const auto balances_before = ex->balances();
  const auto open_before = ex->open_orders();

  make("USD=1");  // a fresh process
  ex->import_state(paper_state_from_json(json));
  const auto balances_after = ex->balances();
  ASSERT_EQ(balances_after.size(), balances_before.size());
  for (std::size_t i = 0; i < balances_after.size(); ++i) {
    EXPECT_EQ(balances_after[i].currency, balances_before[i].currency);
    EXPECT_EQ(balances_after[i].amount, balances_before[i].amount);
    EXPECT_EQ(balances_after[i].available, balances_before[i].available);
  }
  const auto open_after = ex->open_orders();
  ASSERT_EQ(open_after.size(), 2u);
  for (std::size_t i = 0; i < open_after.size(); ++i) {
    EXPECT_EQ(open_after[i].order_id, open_before[i].order_id);
    EXPECT_EQ(open_after[i].client_order_id, open_before[i].client_order_id);
    EXPECT_EQ(open_after[i].side, open_before[i].side);
    EXPECT_EQ(open_after[i].tif, open_before[i].tif);
    EXPECT_EQ(open_after[i].price, open_before[i].price);
    EXPECT_EQ(open_after[i].executed_amount, open_before[i].executed_amount);
    EXPECT_EQ(open_after[i].remaining_amount, open_before[i].remaining_amount);
    EXPECT_EQ(open_after[i].avg_execution_price, open_before[i].avg_execution_price);
    EXPECT_EQ(open_after[i].fee, open_before[i].fee);
    EXPECT_EQ(open_after[i].timestamp, open_before[i].timestamp);
    EXPECT_TRUE(open_after[i].is_live);
  }
  EXPECT_EQ(to_json(ex->export_state()), json);
  EXPECT_TRUE(ex->order_by_client_id("rest-sell"));
  // The id counter continues and the restored order still fills with an exact average.
  EXPECT_EQ(buy("0.1", "101").order.order_id, "3");
  book.set_level(Side::Ask, "100.10"_d, "5"_d);
  ex->on_book_update("BTCUSD");
  auto filled = ex->order_by_client_id("rest-buy");
  ASSERT_TRUE(filled);
  EXPECT_EQ(filled->remaining_amount, "0"_d);
  EXPECT_EQ(filled->avg_execution_price, "100.25"_d);
}

TEST_F(PaperExchangeTest, ImportRejectsInconsistentState) {
  buy("1", "95", TimeInForce::GoodTillCancel);
  PaperState s = ex->export_state();
  PaperState poor = s;
  poor.balances = {{"USD", "10"_d}};  // cannot cover the held 95.19
  EXPECT_THROW(ex->import_state(poor), std::invalid_argument);
  EXPECT_EQ(amount("USD"), "100000"_d);  // unchanged after a failed import
  EXPECT_EQ(ex->open_orders().size(), 1u);
  PaperState stale_counter = s;
  stale_counter.next_order_id = 1;
  EXPECT_THROW(ex->import_state(stale_counter), std::invalid_argument);
  PaperState negative = s;
  negative.balances.emplace_back("BTC", "-1"_d);
  EXPECT_THROW(ex->import_state(negative), std::invalid_argument);
}

}  // namespace
}  // namespace rtcrypto

namespace rtcrypto {
namespace {

// balances_into / rules_into: what balances() / rules() say, written into reused storage
// (stale entries from an earlier call overwritten or dropped).
TEST_F(PaperExchangeTest, BalancesIntoAndRulesIntoMatchTheCopies) {
  std::vector<Balance> into{Balance{"ZZZ", "1"_d, "1"_d, "1"_d}, Balance{"A", {}, {}, {}},
                            Balance{"B", {}, {}, {}}, Balance{"C", {}, {}, {}}};
  buy("1", "99.50", TimeInForce::MakerOrCancel);  // a resting order: holds count
  ex->balances_into(into);
  const auto want = ex->balances();
  ASSERT_EQ(into.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(into[i].currency, want[i].currency);
    EXPECT_EQ(into[i].amount, want[i].amount);
    EXPECT_EQ(into[i].available, want[i].available);
    EXPECT_EQ(into[i].available_for_withdrawal, want[i].available_for_withdrawal);
  }

  SymbolRules rules;
  for (const char* symbol : {"BTCUSD", "ethbtc", "ETHUSD", "NOSUCHUSD", "SOLUSD"}) {
    ex->rules_into(symbol, rules);
    const SymbolRules fresh = ex->rules(symbol);
    EXPECT_EQ(rules.symbol, fresh.symbol) << symbol;
    EXPECT_EQ(rules.tick_size, fresh.tick_size) << symbol;
    EXPECT_EQ(rules.quote_increment, fresh.quote_increment) << symbol;
    EXPECT_EQ(rules.min_order_size, fresh.min_order_size) << symbol;
    EXPECT_EQ(rules.status, fresh.status) << symbol;
  }
}

// The engine keeps balances while balances_epoch() stays: it must move with every change
// and may stay otherwise.
TEST_F(PaperExchangeTest, BalancesEpochMovesWithEveryChangeOfTheBalances) {
  EXPECT_NE(ex->balances_epoch(), 0u);
  EXPECT_EQ(ex->rules_epoch(), 1u);
  auto epoch = ex->balances_epoch();
  const auto moved = [&] {
    const auto now_epoch = ex->balances_epoch();
    const bool m = now_epoch != epoch;
    epoch = now_epoch;
    return m;
  };
  ex->on_book_update("BTCUSD");  // no open order: nothing changes
  EXPECT_FALSE(moved());

  // Orders that neither fill nor rest change no balance: the epoch may stay, and does.
  const auto before = ex->balances();
  EXPECT_EQ(buy("1", "99.50").order.reason, "ImmediateOrCancelWouldPost");  // nothing crosses
  EXPECT_EQ(buy("0", "100").kind, OutcomeKind::Rejected);
  EXPECT_EQ(buy("1", "101", TimeInForce::MakerOrCancel).order.reason, "MakerOrCancelWouldTake");
  EXPECT_FALSE(moved());
  ASSERT_EQ(ex->balances().size(), before.size());
  for (std::size_t i = 0; i < before.size(); ++i) {
    EXPECT_EQ(ex->balances()[i].amount, before[i].amount);
    EXPECT_EQ(ex->balances()[i].available, before[i].available);
  }
  sell("1", "99");  // sells nothing (no BTC): rejected
  EXPECT_FALSE(moved());

  buy("0.5", "100");  // an IOC that fills
  EXPECT_TRUE(moved());

  buy("2", "100.50", TimeInForce::GoodTillCancel, "gtc-1");  // takes 1, rests 1
  EXPECT_TRUE(moved());
  const auto after_place = ex->balances();

  book.set_level(Side::Bid, "96"_d, "1"_d);  // does not reach the resting buy
  ex->on_book_update("BTCUSD");
  EXPECT_FALSE(moved());
  EXPECT_EQ(ex->balances()[1].available, after_place[1].available);

  book.set_level(Side::Ask, "100.40"_d, "0.6"_d);  // fills part of it
  ex->on_book_update("BTCUSD");
  EXPECT_TRUE(moved());
  EXPECT_NE(ex->balances()[1].amount, after_place[1].amount);

  const auto open = ex->open_orders();
  ASSERT_EQ(open.size(), 1u);
  ex->cancel(open[0].order_id, nullptr);
  EXPECT_TRUE(moved());

  const PaperState state = ex->export_state();
  EXPECT_FALSE(moved());
  ex->import_state(state);
  EXPECT_TRUE(moved());
}

}  // namespace
}  // namespace rtcrypto
