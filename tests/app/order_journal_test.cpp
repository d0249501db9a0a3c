#include "rtcrypto/app/order_journal.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <vector>

#include "rtcrypto/store/sqlite_store.hpp"
#include "test_support.hpp"

namespace rtcrypto::app {
namespace {

Decimal dec(const char* s) {
  return *Decimal::parse(s);
}

Record taken_decision(const std::string& cid) {
  Record r;
  r.doc_type = "decision";
  r.symbol = "BTCUSD";
  r.set("decided_at", std::int64_t{1234});
  r.set("action", std::string("buy"));
  r.set("taken", true);
  r.set("client_order_id", cid);
  r.set("amount", dec("0.015"));
  r.set("price", dec("60000.25"));
  return r;
}

Record order(const std::string& cid, const std::string& outcome, bool live,
             const char* executed = "0") {
  Record r;
  r.doc_type = "order";
  r.symbol = "BTCUSD";
  r.set("order_id", std::string("77"));
  r.set("client_order_id", cid);
  r.set("side", std::string("buy"));
  r.set("price", dec("60000.25"));
  r.set("original_amount", dec("0.015"));
  r.set("executed_amount", dec(executed));
  r.set("avg_execution_price", dec("60000"));
  r.set("fee", dec("0.3"));
  r.set("is_live", live);
  r.set("outcome", outcome);
  return r;
}

class OrderJournalTest : public ::testing::Test {
 protected:
  OrderJournal make() {
    return OrderJournal(
        store_, "sandbox/", [this] { return "engine-state " + std::to_string(++engine_saves_); },
        [this](std::function<void()> f) { deferred_.push_back(std::move(f)); });
  }
  void run_deferred() {
    auto fs = std::move(deferred_);
    deferred_.clear();
    for (auto& f : fs) f();
  }
  test::TempDir dir_;
  SqliteStore store_{dir_.path() / "s.db", "r"};
  int engine_saves_ = 0;
  std::vector<std::function<void()>> deferred_;
};

TEST_F(OrderJournalTest, IntentIsWrittenBeforeTheOrderAndRemovedByItsFinalOutcome) {
  auto j = make();
  j.write(taken_decision("r-1"));
  // Written through at once (write-ahead), with the engine state.
  auto saved = decode_journal(*store_.get_state("sandbox/orders"));
  ASSERT_EQ(saved.count("r-1"), 1u);
  EXPECT_EQ(saved["r-1"].status, "in_flight");
  EXPECT_EQ(saved["r-1"].amount, dec("0.015"));
  EXPECT_EQ(saved["r-1"].price, dec("60000.25"));
  EXPECT_EQ(saved["r-1"].side, "buy");
  EXPECT_EQ(saved["r-1"].decided_at, 1234);
  EXPECT_EQ(*store_.get_state("sandbox/engine"), "engine-state 1");

  // An unknown outcome keeps it in flight; the final one removes it.
  j.write(order("r-1", "unknown", false));
  EXPECT_EQ(decode_journal(*store_.get_state("sandbox/orders")).at("r-1").status, "in_flight");
  j.write(order("r-1", "accepted", false, "0.015"));
  EXPECT_TRUE(decode_journal(*store_.get_state("sandbox/orders")).empty());
  // The engine accounts an order after its record: its state is saved after the handler.
  const int before = engine_saves_;
  run_deferred();
  EXPECT_EQ(engine_saves_, before + 1);
  EXPECT_EQ(*store_.get_state("sandbox/engine"), "engine-state " + std::to_string(before + 1));
}

TEST_F(OrderJournalTest, RestingOrdersStayOpenWithWhatWasAccountedAndSurviveAReopen) {
  {
    auto j = make();
    j.write(taken_decision("r-2"));
    j.write(order("r-2", "accepted", true, "0.005"));
    Record untaken = taken_decision("r-3");
    untaken.set("taken", false);
    j.write(untaken);  // not an intent
  }
  auto j = make();  // a restart reads the journal back
  ASSERT_EQ(j.entries().size(), 1u);
  const JournalEntry& e = j.entries().at("r-2");
  EXPECT_EQ(e.status, "open");
  EXPECT_EQ(e.order_id, "77");
  EXPECT_EQ(e.executed, dec("0.005"));
  EXPECT_EQ(e.avg_price, dec("60000"));
  EXPECT_EQ(e.fee, dec("0.3"));
  j.forget("r-2");
  j.save_now();
  EXPECT_TRUE(decode_journal(*store_.get_state("sandbox/orders")).empty());
}

TEST(OrderJournalCodec, RoundTripsAndRefusesMalformedEntries) {
  JournalEntries in;
  JournalEntry e;
  e.client_order_id = "run-1";
  e.symbol = "ETHUSD";
  e.side = "sell";
  e.amount = dec("1.23456789");
  e.price = dec("3000.01");
  e.status = "open";
  e.executed = dec("0.1");
  in["run-1"] = e;
  auto out = decode_journal(encode_journal(in));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out["run-1"].amount, e.amount);
  EXPECT_EQ(out["run-1"].executed, e.executed);
  EXPECT_EQ(out["run-1"].symbol, "ETHUSD");
  EXPECT_THROW(decode_journal("[1,2]"), std::invalid_argument);
  EXPECT_THROW(decode_journal(R"({"a":{"status":"gone"}})"), std::invalid_argument);
  EXPECT_THROW(decode_journal(R"({"a":{"status":"open","amount":"x"}})"), std::invalid_argument);
  EXPECT_THROW(decode_journal(R"({"a":{"status":"open","amount":1.5}})"), std::invalid_argument);
}

}  // namespace
}  // namespace rtcrypto::app
