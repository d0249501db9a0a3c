#include "rtcrypto/sim/matching_engine.hpp"

#include <gtest/gtest.h>

namespace rtcrypto::sim {
namespace {

using namespace rtcrypto::literals;

class EngineTest : public ::testing::Test {
 protected:
  EngineTest() : engine({default_symbol_info("BTCUSD")}, "0.001"_d, "0.0035"_d, clock) {
    engine.add_account("mm", {}, true);
    engine.add_account("alice", {{"USD", "100000"_d}, {"BTC", "10"_d}});
    engine.add_account("bob", {{"USD", "100000"_d}, {"BTC", "10"_d}});
    engine.set_listener([this](const MarketEvents& ev) { events.push_back(ev); });
  }
  SimOrder place(const std::string& acct, OrderSide side, const char* amount, const char* price,
                 TimeInForce tif = TimeInForce::GoodTillCancel, std::string cid = {}) {
    auto r = engine.place(NewOrder{acct, "btcusd", side, decimal_or_throw(amount),
                                   decimal_or_throw(price), tif, std::move(cid)});
    EXPECT_TRUE(std::holds_alternative<SimOrder>(r))
        << (std::holds_alternative<EngineError>(r) ? std::get<EngineError>(r).reason : "");
    return std::holds_alternative<SimOrder>(r) ? std::get<SimOrder>(r) : SimOrder{};
  }
  Decimal bal(const std::string& acct, const std::string& cur, bool available = false) {
    for (const auto& b : engine.balances(acct)) {
      if (b.currency == cur) return available ? b.available : b.total;
    }
    return Decimal{};
  }
  ManualClock clock{1'700'000'000 * kNsPerSec};
  MatchingEngine engine;
  std::vector<MarketEvents> events;
};

TEST_F(EngineTest, PriceTimePriority) {
  const auto first = place("mm", OrderSide::Sell, "1", "100.00");
  const auto second = place("mm", OrderSide::Sell, "1", "100.00");
  const auto better = place("mm", OrderSide::Sell, "1", "99.99");
  const auto taker =
      place("alice", OrderSide::Buy, "1.5", "100.00", TimeInForce::ImmediateOrCancel);
  EXPECT_EQ(taker.executed, "1.5"_d);
  EXPECT_FALSE(taker.live);
  EXPECT_FALSE(taker.cancelled);
  EXPECT_EQ(engine.resting(better.id), nullptr);            // best price first
  EXPECT_EQ(engine.resting(first.id)->remaining, "0.5"_d);  // then the oldest
  EXPECT_EQ(engine.resting(second.id)->remaining, "1"_d);   // untouched
  EXPECT_EQ(taker.notional, "149.99"_d);                    // 1 @ 99.99 + 0.5 @ 100
  const OrderBook& book = engine.book("BTCUSD");
  EXPECT_EQ(book.best_ask()->price, "100"_d);
  EXPECT_EQ(book.best_ask()->quantity, "1.5"_d);
  const auto& last = events.back();
  ASSERT_EQ(last.trades.size(), 2u);
  EXPECT_EQ(last.trades[0].price, "99.99"_d);
  EXPECT_EQ(last.trades[0].taker_side, OrderSide::Buy);
  EXPECT_EQ(last.changes.back().remaining, "1.5"_d);
  EXPECT_EQ(last.changes.back().reason, "trade");
  EXPECT_EQ(engine.last_update_id("BTCUSD"), last.changes.back().update_id);
}

TEST_F(EngineTest, BalancesHoldsAndFees) {
  // alice rests a bid: USD is held (price x amount + taker fee), nothing moves yet.
  const auto bid =
      place("alice", OrderSide::Buy, "2", "1000.00", TimeInForce::GoodTillCancel, "a1");
  EXPECT_TRUE(bid.live);
  EXPECT_EQ(bal("alice", "USD"), "100000"_d);
  EXPECT_EQ(bal("alice", "USD", true), "100000"_d - "2007"_d);
  // bob sells into it: alice is maker (10 bps), bob taker (35 bps).
  const auto sell = place("bob", OrderSide::Sell, "0.5", "999.00");
  EXPECT_EQ(sell.executed, "0.5"_d);
  EXPECT_EQ(sell.fee, "1.75"_d);
  EXPECT_EQ(bal("bob", "USD"), "100000"_d + "500"_d - "1.75"_d);
  EXPECT_EQ(bal("bob", "BTC"), "9.5"_d);
  EXPECT_EQ(bal("alice", "USD"), "100000"_d - "500"_d - "0.5"_d);
  EXPECT_EQ(bal("alice", "BTC"), "10.5"_d);
  // The rest of alice's hold stays for the 1.5 still resting, and goes away on cancel.
  EXPECT_EQ(bal("alice", "USD", true), bal("alice", "USD") - "1505.25"_d);
  auto c = engine.cancel("alice", bid.id);
  ASSERT_TRUE(std::holds_alternative<SimOrder>(c));
  EXPECT_EQ(std::get<SimOrder>(c).reason, "Requested");
  EXPECT_EQ(bal("alice", "USD", true), bal("alice", "USD"));
  const auto trades = engine.account_trades("alice", "BTCUSD", 10);
  ASSERT_EQ(trades.size(), 1u);
  EXPECT_FALSE(trades[0].aggressor);
  EXPECT_EQ(trades[0].fee, "0.5"_d);
}

TEST_F(EngineTest, ImmediateOrCancelFillOrKillMakerOrCancel) {
  place("mm", OrderSide::Sell, "1", "100.00");
  const auto moc = place("alice", OrderSide::Buy, "1", "100.00", TimeInForce::MakerOrCancel);
  EXPECT_TRUE(moc.cancelled);
  EXPECT_EQ(moc.reason, "MakerOrCancelWouldTake");
  EXPECT_TRUE(moc.executed.is_zero());
  const auto fok = place("alice", OrderSide::Buy, "2", "100.00", TimeInForce::FillOrKill);
  EXPECT_TRUE(fok.cancelled);
  EXPECT_EQ(fok.reason, "FillOrKillWouldNotFill");
  EXPECT_TRUE(fok.executed.is_zero());
  EXPECT_EQ(engine.book("BTCUSD").best_ask()->quantity, "1"_d);
  const auto ioc = place("alice", OrderSide::Buy, "2", "100.00", TimeInForce::ImmediateOrCancel);
  EXPECT_TRUE(ioc.cancelled);
  EXPECT_EQ(ioc.reason, "ImmediateOrCancelWouldPost");
  EXPECT_EQ(ioc.executed, "1"_d);
  EXPECT_EQ(ioc.remaining, "1"_d);
  EXPECT_TRUE(engine.book("BTCUSD").empty());
  const auto post = place("alice", OrderSide::Buy, "1", "99.00", TimeInForce::MakerOrCancel);
  EXPECT_TRUE(post.live);
  // Nothing stays held once IOC/FOK/MOC orders are done.
  EXPECT_EQ(bal("alice", "USD", true), bal("alice", "USD") - "99.3465"_d);
}

TEST_F(EngineTest, RejectsLikeGemini) {
  auto r = engine.place(NewOrder{"alice", "BTCUSD", OrderSide::Buy, "1000"_d, "1000.00"_d});
  ASSERT_TRUE(std::holds_alternative<EngineError>(r));
  EXPECT_EQ(std::get<EngineError>(r).http_status, 406);
  EXPECT_EQ(std::get<EngineError>(r).reason, "InsufficientFunds");
  r = engine.place(NewOrder{"alice", "BTCUSD", OrderSide::Buy, "1"_d, "1000.001"_d});
  EXPECT_EQ(std::get<EngineError>(r).reason, "InvalidPrice");
  r = engine.place(NewOrder{"alice", "BTCUSD", OrderSide::Buy, "0.000001"_d, "1000"_d});
  EXPECT_EQ(std::get<EngineError>(r).reason, "InvalidQuantity");
  r = engine.place(NewOrder{"alice", "ETHUSD", OrderSide::Buy, "1"_d, "1000"_d});
  EXPECT_EQ(std::get<EngineError>(r).reason, "InvalidSymbol");
  r = engine.cancel("alice", 42);
  EXPECT_EQ(std::get<EngineError>(r).reason, "OrderNotFound");
  EXPECT_EQ(engine.orders_placed(), 0u);
}

TEST_F(EngineTest, CountsOrdersByClientOrderId) {
  place("alice", OrderSide::Buy, "0.1", "10.00", TimeInForce::GoodTillCancel, "x-1");
  place("alice", OrderSide::Buy, "0.1", "10.00", TimeInForce::GoodTillCancel, "x-2");
  const auto again =
      place("alice", OrderSide::Buy, "0.2", "10.00", TimeInForce::GoodTillCancel, "x-1");
  EXPECT_EQ(engine.client_order_id_counts().at("x-1"), 2);
  EXPECT_EQ(engine.client_order_id_counts().at("x-2"), 1);
  EXPECT_EQ(engine.order_by_client_id("alice", "x-1")->id, again.id);  // the latest
  EXPECT_EQ(engine.order_by_client_id("bob", "x-1"), nullptr);
  EXPECT_EQ(engine.open_orders("alice").size(), 3u);
  EXPECT_EQ(engine.cancel_all("alice").size(), 3u);
  EXPECT_TRUE(engine.open_orders("alice").empty());
}

}  // namespace
}  // namespace rtcrypto::sim
