#include "rtcrypto/risk/risk_manager.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace rtcrypto {
namespace {

using namespace rtcrypto::literals;

constexpr TimeNs kT0 = 1'618'677'900LL * kNsPerSec;  // 2021-04-17 16:45 UTC

OrderRequest buy(const char* amount = "1", const char* price = "100") {
  OrderRequest r;
  r.symbol = "BTCUSD";
  r.side = OrderSide::Buy;
  r.amount = decimal_or_throw(amount);
  r.price = decimal_or_throw(price);
  return r;
}

RiskContext good(TimeNs now = kT0) {
  RiskContext c;
  c.book_whole = true;
  c.now = now;
  c.book_age = 100 * kNsPerMs;
  return c;
}

TEST(RiskManager, AllowsAnOrdinaryOrder) {
  RiskManager rm;
  auto v = rm.check(buy(), good());
  EXPECT_TRUE(v.allowed);
  EXPECT_EQ(v.reason, "ok");
}

TEST(RiskManager, BookGuards) {
  RiskManager rm;
  auto c = good();
  c.book_whole = false;
  EXPECT_EQ(rm.check(buy(), c).reason, "book_not_whole");
  c = good();
  c.book_crossed = true;
  EXPECT_EQ(rm.check(buy(), c).reason, "book_crossed");
  c = good();
  c.book_age = 5001 * kNsPerMs;
  auto v = rm.check(buy(), c);
  EXPECT_FALSE(v.allowed);
  EXPECT_EQ(v.reason, "book_stale");
  EXPECT_NE(v.detail.find("5001 ms"), std::string::npos) << v.detail;
  c.book_age = 5000 * kNsPerMs;
  EXPECT_TRUE(rm.check(buy(), c).allowed) << "exactly at the limit is still fresh";
}

// check_into writes the verdict check gives into a kept one, whatever it held before
// (longer texts, another outcome): the same answers as fresh verdicts, in turn.
TEST(RiskManager, CheckIntoAReusedVerdictMatchesCheck) {
  RiskLimits l;
  l.max_order_notional = "1000"_d;
  RiskManager fresh(l), reused(l);
  RiskContext stale = good(), not_whole = good(), in_flight = good(), crossed = good();
  stale.book_age = 6000 * kNsPerMs;
  not_whole.book_whole = false;
  in_flight.orders_in_flight = 2;
  crossed.book_crossed = true;
  const std::pair<OrderRequest, RiskContext> cases[] = {
      {buy(), in_flight}, {buy(), crossed},    {buy(), good()},         {buy(), stale},
      {buy(), not_whole}, {buy("20"), good()}, {buy("0", "1"), good()}, {buy(), good()}};
  RiskVerdict kept;
  for (const auto& [req, ctx] : cases) {
    const RiskVerdict want = fresh.check(req, ctx);
    reused.check_into(req, ctx, kept);
    EXPECT_EQ(kept.allowed, want.allowed) << want.reason;
    EXPECT_EQ(kept.reason, want.reason);
    EXPECT_EQ(kept.detail, want.detail);
  }
  EXPECT_EQ(kept.reason, "ok");
  EXPECT_EQ(kept.detail, "within limits");
}

TEST(RiskManager, MaxOrderNotional) {
  RiskLimits l;
  l.max_order_notional = "1000"_d;
  RiskManager rm(l);
  EXPECT_TRUE(rm.check(buy("10", "100"), good()).allowed);
  EXPECT_EQ(rm.check(buy("10.00000001", "100"), good()).reason, "max_order_notional");
}

TEST(RiskManager, MaxPositionInBaseUnitsLimitsBuysOnly) {
  RiskLimits l;
  l.max_position = "2"_d;
  RiskManager rm(l);
  auto c = good();
  c.position = "1.5"_d;
  EXPECT_TRUE(rm.check(buy("0.5"), c).allowed);
  EXPECT_EQ(rm.check(buy("0.50000001"), c).reason, "max_position");
  OrderRequest sell = buy("5");
  sell.side = OrderSide::Sell;
  c.position = "5"_d;
  EXPECT_TRUE(rm.check(sell, c).allowed) << "a sell reduces the position";
}

TEST(RiskManager, MaxOrdersPerMinuteOnEventTime) {
  RiskLimits l;
  l.max_orders_per_minute = 2;
  RiskManager rm(l);
  EXPECT_TRUE(rm.check(buy(), good(kT0)).allowed);
  EXPECT_TRUE(rm.check(buy(), good(kT0 + 10 * kNsPerSec)).allowed);
  EXPECT_EQ(rm.check(buy(), good(kT0 + 59 * kNsPerSec)).reason, "max_orders_per_minute");
  // The refused order did not count; at +60 s the first has left the window.
  EXPECT_TRUE(rm.check(buy(), good(kT0 + 60 * kNsPerSec)).allowed);
  EXPECT_FALSE(rm.check(buy(), good(kT0 + 61 * kNsPerSec)).allowed);
}

TEST(RiskManager, DailyLossTripsTheKillSwitchUntilReset) {
  RiskLimits l;
  l.daily_loss_limit = "500"_d;
  RiskManager rm(l);
  EXPECT_FALSE(rm.observe_equity(kT0, "10000"_d));
  EXPECT_FALSE(rm.observe_equity(kT0 + kNsPerMin, "9600"_d));
  EXPECT_EQ(rm.daily_loss(), "400"_d);
  auto c = good(kT0 + 2 * kNsPerMin);
  c.equity = "9500"_d;
  auto v = rm.check(buy(), c);
  EXPECT_FALSE(v.allowed);
  EXPECT_EQ(v.reason, "kill_switch");
  EXPECT_TRUE(rm.killed());
  EXPECT_NE(rm.kill_reason().find("daily loss 500"), std::string::npos) << rm.kill_reason();
  // Recovering does not clear it; only a reset does.
  c.equity = "20000"_d;
  EXPECT_EQ(rm.check(buy(), c).reason, "kill_switch");
  rm.reset_kill_switch();
  EXPECT_TRUE(rm.check(buy(), c).allowed);
}

// By default a tripped kill switch refuses sells too; with kill_switch_allows_sells a sell
// of at most the position passes (the other guards still apply) and nothing more does.
TEST(RiskManager, KillSwitchCanLetExitsThrough) {
  for (bool allow : {false, true}) {
    RiskLimits l;
    l.daily_loss_limit = "500"_d;
    l.kill_switch_allows_sells = allow;
    RiskManager rm(l);
    rm.observe_equity(kT0, "10000"_d);
    ASSERT_TRUE(rm.observe_equity(kT0 + kNsPerMin, "9000"_d));
    auto c = good(kT0 + 2 * kNsPerMin);
    c.position = "2"_d;
    OrderRequest sell_all = buy("2");
    sell_all.side = OrderSide::Sell;
    OrderRequest oversell = buy("2.5");
    oversell.side = OrderSide::Sell;
    EXPECT_EQ(rm.check(buy(), c).reason, "kill_switch") << allow;
    EXPECT_EQ(rm.check(oversell, c).reason, "kill_switch") << allow;
    EXPECT_EQ(rm.check(sell_all, c).reason, allow ? "ok" : "kill_switch");
    auto stale = c;
    stale.book_age = 6 * kNsPerSec;
    EXPECT_EQ(rm.check(sell_all, stale).reason, allow ? "book_stale" : "kill_switch");
    EXPECT_TRUE(rm.killed());  // an exit does not reset it
  }
}

TEST(RiskManager, DailyLossResetsAtUtcMidnight) {
  RiskLimits l;
  l.daily_loss_limit = "500"_d;
  RiskManager rm(l);
  TimeNs midnight = floor_to_period(kT0, 86400 * kNsPerSec) + 86400 * kNsPerSec;
  rm.observe_equity(midnight - kNsPerSec, "10000"_d);
  rm.observe_equity(midnight - 1, "9600"_d);  // 400 down on the day
  EXPECT_EQ(rm.daily_loss(), "400"_d);
  EXPECT_FALSE(rm.observe_equity(midnight, "9300"_d)) << "a new day starts from 9300";
  EXPECT_EQ(rm.daily_loss(), "0"_d);
  EXPECT_FALSE(rm.observe_equity(midnight + kNsPerSec, "8900"_d));
  EXPECT_TRUE(rm.observe_equity(midnight + 2 * kNsPerSec, "8800"_d));
}

TEST(RiskManager, DrawdownTripsTheKillSwitch) {
  RiskLimits l;
  l.max_drawdown_pct = 10.0;
  RiskManager rm(l);
  rm.observe_equity(kT0, "1000"_d);
  rm.observe_equity(kT0 + 1, "1200"_d);  // new peak
  EXPECT_FALSE(rm.observe_equity(kT0 + 2, "1081"_d));
  EXPECT_NEAR(rm.drawdown_pct(), 9.9166, 1e-3);
  EXPECT_TRUE(rm.observe_equity(kT0 + 3, "1080"_d));
  EXPECT_NE(rm.kill_reason().find("drawdown"), std::string::npos);
}

// The drawdown is to_double's quotient bit for bit (decimal_to_double's doubles), for
// equities from cents to beyond its inline range and negative ones.
TEST(RiskManager, DrawdownIsTheDoublesQuotientOfTheDecimals) {
  const char* peaks[] = {"0.01", "1200", "98765.432109876543210987", "3000000.5",
                         "10000000000000.000000000000000007"};
  const char* falls[] = {"0.000000000000000001", "0.01", "119.9", "98000.000000000000000001",
                         "2999999.75"};
  for (const char* p : peaks) {
    for (const char* f : falls) {
      RiskManager rm(RiskLimits{});
      const Decimal peak = decimal_or_throw(p);
      const Decimal equity = peak - decimal_or_throw(f);
      rm.observe_equity(kT0, peak);
      rm.observe_equity(kT0 + 1, equity);
      const double want = (peak - equity).to_double() / peak.to_double() * 100.0;
      EXPECT_EQ(rm.drawdown_pct(), want) << p << " - " << f;
    }
  }
}

// At the peak (a new one, or back at it) the drawdown is 0 exactly, a positive zero as the
// division would give.
TEST(RiskManager, DrawdownAtThePeakIsZero) {
  RiskManager rm(RiskLimits{});
  rm.observe_equity(kT0, "1000"_d);
  EXPECT_EQ(rm.drawdown_pct(), 0.0);
  EXPECT_FALSE(std::signbit(rm.drawdown_pct()));
  rm.observe_equity(kT0 + 1, "900"_d);
  EXPECT_DOUBLE_EQ(rm.drawdown_pct(), 10.0);
  rm.observe_equity(kT0 + 2, "1000"_d);
  EXPECT_EQ(rm.drawdown_pct(), 0.0);
  EXPECT_FALSE(std::signbit(rm.drawdown_pct()));
}

TEST(RiskManager, StateSurvivesARestart) {
  RiskLimits l;
  l.max_drawdown_pct = 10.0;
  l.max_orders_per_minute = 1;
  RiskManager a(l);
  EXPECT_TRUE(a.check(buy(), good(kT0)).allowed);
  a.observe_equity(kT0, "1000"_d);
  a.observe_equity(kT0 + 1, "800"_d);
  ASSERT_TRUE(a.killed());
  RiskState s = a.export_state();
  EXPECT_EQ(s.recent_orders.size(), 1u);

  RiskManager b(l);
  b.import_state(s);
  EXPECT_TRUE(b.killed());
  EXPECT_EQ(b.kill_reason(), a.kill_reason());
  EXPECT_EQ(b.check(buy(), good(kT0 + 2)).reason, "kill_switch");
  b.reset_kill_switch();
  EXPECT_EQ(b.check(buy(), good(kT0 + 3)).reason, "max_orders_per_minute")
      << "the rate window came back too";
  EXPECT_TRUE(b.check(buy(), good(kT0 + kNsPerMin)).allowed);
}

TEST(RiskManager, RejectsNonPositiveOrders) {
  RiskManager rm;
  EXPECT_EQ(rm.check(buy("0"), good()).reason, "bad_order");
  EXPECT_EQ(rm.check(buy("1", "-1"), good()).reason, "bad_order");
}

}  // namespace
}  // namespace rtcrypto

namespace rtcrypto {
namespace {

// The order-in-flight guard as a decision table: (orders in flight, kill switch, book whole,
// side) -> reason. The kill switch is reported first; an unknown outcome before the book.
TEST(RiskManager, OrderInFlightDecisionTable) {
  struct Row {
    std::size_t in_flight;
    bool killed;
    bool whole;
    OrderSide side;
    const char* reason;
  };
  const Row rows[] = {
      {0, false, true, OrderSide::Buy, "ok"},
      {0, false, true, OrderSide::Sell, "ok"},
      {1, false, true, OrderSide::Buy, "order_in_flight"},
      {1, false, true, OrderSide::Sell, "order_in_flight"},
      {3, false, true, OrderSide::Buy, "order_in_flight"},
      {1, true, true, OrderSide::Buy, "kill_switch"},
      {1, false, false, OrderSide::Buy, "order_in_flight"},
      {0, false, false, OrderSide::Buy, "book_not_whole"},
  };
  for (const Row& row : rows) {
    RiskManager rm;
    if (row.killed) rm.trip(kT0, "test");
    auto c = good();
    c.orders_in_flight = row.in_flight;
    c.book_whole = row.whole;
    OrderRequest r = buy();
    r.side = row.side;
    auto v = rm.check(r, c);
    EXPECT_EQ(v.reason, row.reason)
        << "in_flight=" << row.in_flight << " killed=" << row.killed << " whole=" << row.whole;
    EXPECT_EQ(v.allowed, std::string(row.reason) == "ok");
    if (std::string(row.reason) == "order_in_flight") {
      EXPECT_NE(v.detail.find(std::to_string(row.in_flight) + " order(s) of BTCUSD"),
                std::string::npos)
          << v.detail;
    }
  }
}

TEST(RiskManager, ARefusalForAnOrderInFlightDoesNotUseTheRateLimit) {
  RiskLimits l;
  l.max_orders_per_minute = 1;
  RiskManager rm(l);
  auto c = good();
  c.orders_in_flight = 1;
  for (int i = 0; i < 5; ++i) EXPECT_EQ(rm.check(buy(), c).reason, "order_in_flight");
  c.orders_in_flight = 0;
  EXPECT_TRUE(rm.check(buy(), c).allowed) << "the refused ones were not counted";
  EXPECT_EQ(rm.check(buy(), c).reason, "max_orders_per_minute");
}

}  // namespace
}  // namespace rtcrypto
