// The engine's two trading-safety guards, decision by decision: no order for a symbol while
// an earlier order of it has no known outcome (Exchange::in_flight_for), and a book kept
// fresh by the feed's proofs (Engine::on_feed_current) in a quiet market, stale in silence,
// refused when not whole.
#include <gtest/gtest.h>

#include <map>

#include "always_buy_strategy.hpp"
#include "level_change_for_test.hpp"
#include "rtcrypto/engine/engine.hpp"

namespace rtcrypto {
namespace {

using namespace rtcrypto::literals;

const TimeNs kT0 = *parse_ymd_hms("2021-04-17 16:45:00");
constexpr TimeNs kS = kNsPerSec;

// Accepts every order (no fills); reports what in_flight says for each symbol.
class InFlightExchange final : public Exchange {
 public:
  std::map<std::string, std::size_t, std::less<>> in_flight_by_symbol;
  std::vector<OrderRequest> placed;

  std::string_view name() const override { return "in-flight-fake"; }
  void place(const OrderRequest& r, OrderCallback done) override {
    placed.push_back(r);
    OrderOutcome out;
    out.kind = OutcomeKind::Accepted;
    out.order.order_id = std::to_string(placed.size());
    out.order.client_order_id = r.client_order_id;
    out.order.symbol = r.symbol;
    out.order.side = r.side;
    out.order.price = r.price;
    out.order.original_amount = r.amount;
    out.order.remaining_amount = r.amount;
    out.order.is_cancelled = true;
    done(out);
  }
  void cancel(const std::string&, OrderCallback) override {}
  std::vector<Balance> balances() const override {
    return {Balance{"USD", "1000000"_d, "1000000"_d, "1000000"_d}};
  }
  std::optional<Order> order_by_client_id(const std::string&) const override {
    return std::nullopt;
  }
  std::vector<Order> open_orders() const override { return {}; }
  SymbolRules rules(const std::string& symbol) const override { return SymbolRules{symbol}; }
  void set_fill_listener(FillListener) override {}
  std::size_t in_flight_for(std::string_view symbol) const override {
    auto it = in_flight_by_symbol.find(symbol);
    return it == in_flight_by_symbol.end() ? 0 : it->second;
  }
};

struct RecordsSink : RecordSink {
  std::vector<Record> records;
  void write(const Record& r) override { records.push_back(r); }
  std::vector<const Record*> decisions(std::string_view symbol = {}) const {
    std::vector<const Record*> v;
    for (const auto& r : records)
      if (r.doc_type == "decision" && (symbol.empty() || r.symbol == symbol)) v.push_back(&r);
    return v;
  }
};

std::string str(const Record& r, std::string_view key) {
  const FieldValue* v = r.get(key);
  if (!v || !std::holds_alternative<std::string>(*v)) return "<none>";
  return std::get<std::string>(*v);
}
std::int64_t num(const Record& r, std::string_view key) {
  const FieldValue* v = r.get(key);
  if (!v || !std::holds_alternative<std::int64_t>(*v)) return INT64_MIN;
  return std::get<std::int64_t>(*v);
}
bool taken(const Record& r) {
  const FieldValue* v = r.get("taken");
  return v && std::holds_alternative<bool>(*v) && std::get<bool>(*v);
}

LevelChange lc(std::string_view sym, Side side, const char* price, const char* qty, TimeNs ts,
               bool snap) {
  return level_change(side, price, qty, ts, snap, sym);
}

struct Rig {
  InFlightExchange ex;
  RecordsSink sink;
  std::unique_ptr<Engine> engine;

  explicit Rig(std::vector<std::string> symbols = {"BTCUSD"}, TimeNs window = 60 * kS,
               TimeNs max_book_age = 5 * kS) {
    EngineConfig c;
    c.symbols = std::move(symbols);
    c.window_length = window;
    c.run_id = "g";
    c.risk.max_book_age = max_book_age;
    engine = std::make_unique<Engine>(c, nullptr, &ex, std::make_unique<AlwaysBuy>("0.01"_d));
    engine->add_sink(&sink);
  }
  void snapshot(std::string_view sym, TimeNs ts) {
    engine->on_snapshot_begin(sym, ts);
    engine->on_level(lc(sym, Side::Bid, "100", "10", ts, true));
    engine->on_level(lc(sym, Side::Ask, "101", "10", ts, true));
    engine->on_snapshot_end(sym, ts);
    engine->end_of_frame(ts);
    change(sym, ts);  // flow opens the window (snapshot levels are not flow)
  }
  void change(std::string_view sym, TimeNs ts) {
    engine->on_level(lc(sym, Side::Bid, "99", "1", ts, false));
    engine->end_of_frame(ts);
  }
  // The live source's wall tick (no proof of anything).
  void tick(TimeNs ts) { engine->on_time(ts); }
};

// ---- order in flight -------------------------------------------------------------------

TEST(EngineOrderInFlight, NoOrderForTheSymbolUntilTheUnknownOutcomeIsResolved) {
  Rig rig({"BTCUSD"}, 5 * kS, 0);  // the book's age is not under test here
  rig.snapshot("BTCUSD", kT0);
  rig.change("BTCUSD", kT0 + 6 * kS);  // closes [0,5): the first order
  ASSERT_EQ(rig.ex.placed.size(), 1u);

  rig.ex.in_flight_by_symbol["BTCUSD"] = 1;  // its outcome turned out unknown
  rig.change("BTCUSD", kT0 + 11 * kS);       // closes [5,10)
  rig.change("BTCUSD", kT0 + 16 * kS);       // closes [10,15)
  EXPECT_EQ(rig.ex.placed.size(), 1u) << "no second order next to the unresolved one";
  auto d = rig.sink.decisions();
  ASSERT_EQ(d.size(), 3u);
  for (std::size_t i = 1; i < 3; ++i) {
    EXPECT_FALSE(taken(*d[i]));
    EXPECT_EQ(str(*d[i], "reason"), "risk_order_in_flight");
    EXPECT_EQ(str(*d[i], "risk_reason"), "order_in_flight");
    EXPECT_NE(str(*d[i], "detail").find("1 order(s) of BTCUSD"), std::string::npos)
        << str(*d[i], "detail");
  }
  EXPECT_EQ(rig.engine->stats().rejected_by_risk, 2u);

  rig.ex.in_flight_by_symbol["BTCUSD"] = 0;  // resolved: trading resumes
  rig.change("BTCUSD", kT0 + 21 * kS);
  ASSERT_EQ(rig.ex.placed.size(), 2u);
  EXPECT_EQ(rig.ex.placed[1].client_order_id, "g-2") << "refused decisions use no order id";
  EXPECT_TRUE(taken(*rig.sink.decisions().back()));
}

TEST(EngineOrderInFlight, OnlyTheSymbolWithTheUnresolvedOrderIsHeld) {
  Rig rig({"BTCUSD", "ETHUSD"}, 5 * kS, 0);
  rig.snapshot("BTCUSD", kT0);
  rig.snapshot("ETHUSD", kT0);
  rig.ex.in_flight_by_symbol["ETHUSD"] = 2;
  rig.change("BTCUSD", kT0 + 6 * kS);
  rig.change("ETHUSD", kT0 + 6 * kS);
  ASSERT_EQ(rig.ex.placed.size(), 1u);
  EXPECT_EQ(rig.ex.placed[0].symbol, "BTCUSD");
  auto eth = rig.sink.decisions("ETHUSD");
  ASSERT_EQ(eth.size(), 1u);
  EXPECT_EQ(str(*eth[0], "reason"), "risk_order_in_flight");
  EXPECT_NE(str(*eth[0], "detail").find("2 order(s)"), std::string::npos);
}

// ---- the decision's texts (check_order's, kept between decisions) ----------------------

TEST(EngineDecisionTexts, NoExchangeSaysSoAndTakesNothing) {
  EngineConfig c;
  c.symbols = {"BTCUSD"};
  c.window_length = 5 * kS;
  c.run_id = "g";
  RecordsSink sink;
  Engine engine(c, nullptr, nullptr, std::make_unique<AlwaysBuy>("0.01"_d));
  engine.add_sink(&sink);
  engine.on_snapshot_begin("BTCUSD", kT0);
  engine.on_level(lc("BTCUSD", Side::Ask, "101", "10", kT0, true));
  engine.on_snapshot_end("BTCUSD", kT0);
  engine.on_level(lc("BTCUSD", Side::Bid, "99", "1", kT0, false));
  engine.on_level(lc("BTCUSD", Side::Bid, "98", "1", kT0 + 6 * kS, false));  // closes [0,5)
  auto d = sink.decisions();
  ASSERT_EQ(d.size(), 1u);
  EXPECT_FALSE(taken(*d[0]));
  EXPECT_EQ(str(*d[0], "reason"), "no_exchange");
  EXPECT_EQ(str(*d[0], "detail"), "no exchange configured: always buy");
  EXPECT_EQ(str(*d[0], "strategy_reason"), "buy");
  EXPECT_EQ(str(*d[0], "risk_reason"), "<none>");
  EXPECT_EQ(str(*d[0], "client_order_id"), "<none>");
  EXPECT_EQ(engine.stats().orders, 0u);
}

// A refusal's texts belong to its decision only: the next one says its own.
TEST(EngineDecisionTexts, ARefusalsTextsDoNotCarryOver) {
  Rig rig({"BTCUSD"}, 5 * kS, 0);
  rig.snapshot("BTCUSD", kT0);
  rig.ex.in_flight_by_symbol["BTCUSD"] = 1;
  rig.change("BTCUSD", kT0 + 6 * kS);  // closes [0,5): refused
  rig.ex.in_flight_by_symbol["BTCUSD"] = 0;
  rig.change("BTCUSD", kT0 + 11 * kS);  // closes [5,10): taken
  auto d = rig.sink.decisions();
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(str(*d[0], "reason"), "risk_order_in_flight");
  EXPECT_EQ(str(*d[0], "client_order_id"), "<none>");
  EXPECT_TRUE(taken(*d[1]));
  EXPECT_EQ(str(*d[1], "reason"), "buy");
  EXPECT_EQ(str(*d[1], "detail"), "always buy");
  EXPECT_EQ(str(*d[1], "risk_reason"), "ok");
  EXPECT_EQ(str(*d[1], "client_order_id"), "g-1");
  ASSERT_EQ(rig.ex.placed.size(), 1u);
  EXPECT_EQ(rig.ex.placed[0].client_order_id, "g-1");
}

// ---- stale book vs quiet market --------------------------------------------------------

TEST(EngineBookFreshness, HeartbeatsEverySecondKeepAnUnchangedBookFresh) {
  Rig rig;
  rig.snapshot("BTCUSD", kT0);
  for (int i = 1; i <= 60; ++i) {  // one heartbeat frame a second, no level change
    rig.engine->on_feed_current("BTCUSD", kT0 + i * kS);
    rig.tick(kT0 + i * kS);  // the 60th closes the window [0,60)
  }
  auto d = rig.sink.decisions();
  ASSERT_EQ(d.size(), 1u);
  EXPECT_TRUE(taken(*d[0])) << str(*d[0], "reason") << ": " << str(*d[0], "detail");
  EXPECT_EQ(num(*d[0], "book_age_ms"), 0) << "the 60th proof came just before the tick";
  EXPECT_EQ(rig.engine->fresh_at("BTCUSD"), kT0 + 60 * kS);
  EXPECT_EQ(rig.ex.placed.size(), 1u);
}

TEST(EngineBookFreshness, SilenceMakesTheBookStale) {
  Rig rig;
  rig.snapshot("BTCUSD", kT0);
  for (int i = 1; i <= 10; ++i) rig.engine->on_feed_current("BTCUSD", kT0 + i * kS);
  for (int i = 11; i <= 60; ++i) rig.tick(kT0 + i * kS);  // wall ticks only: no frame
  auto d = rig.sink.decisions();
  ASSERT_EQ(d.size(), 1u);
  EXPECT_FALSE(taken(*d[0]));
  EXPECT_EQ(str(*d[0], "reason"), "risk_book_stale");
  EXPECT_EQ(num(*d[0], "book_age_ms"), 50'000);
  EXPECT_TRUE(rig.ex.placed.empty());
}

TEST(EngineBookFreshness, AGapStillBlocksWhateverTheProofs) {
  Rig rig;
  rig.snapshot("BTCUSD", kT0);
  rig.engine->on_gap("BTCUSD", kT0 + 30 * kS, "sequence gap");
  // Levels arrive again, but no snapshot: the book has an ask, and is not whole.
  rig.engine->on_level(lc("BTCUSD", Side::Ask, "101", "1", kT0 + 31 * kS, false));
  rig.engine->on_level(lc("BTCUSD", Side::Bid, "100", "1", kT0 + 31 * kS, false));
  rig.engine->end_of_frame(kT0 + 31 * kS);
  for (int i = 1; i <= 60; ++i) {
    rig.engine->on_feed_current("BTCUSD", kT0 + i * kS);  // frames keep coming
    rig.tick(kT0 + i * kS);
  }
  auto d = rig.sink.decisions();
  ASSERT_EQ(d.size(), 1u);
  EXPECT_FALSE(taken(*d[0]));
  EXPECT_EQ(str(*d[0], "reason"), "risk_book_not_whole");
  EXPECT_TRUE(rig.ex.placed.empty());

  EXPECT_EQ(rig.engine->fresh_at("BTCUSD"), kT0 + 31 * kS)
      << "proofs do not count while the book is not whole";
}

TEST(EngineBookFreshness, AnUnreadableFrameSuspendsProofsUntilTheNextChange) {
  Rig rig;
  rig.snapshot("BTCUSD", kT0);
  rig.engine->on_feed_current("BTCUSD", kT0 + 1 * kS);
  rig.engine->on_feed_suspect("BTCUSD");  // it may have been a change of this book
  for (int i = 2; i <= 60; ++i) {
    rig.engine->on_feed_current("BTCUSD", kT0 + i * kS);
    rig.tick(kT0 + i * kS);
  }
  auto d = rig.sink.decisions();
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(str(*d[0], "reason"), "risk_book_stale");
  EXPECT_EQ(num(*d[0], "book_age_ms"), 59'000);

  rig.change("BTCUSD", kT0 + 61 * kS);  // a change (sequence-checked) clears the suspicion
  rig.engine->on_feed_current("BTCUSD", kT0 + 70 * kS);
  EXPECT_EQ(rig.engine->fresh_at("BTCUSD"), kT0 + 70 * kS);
}

TEST(EngineBookFreshness, AProofAheadOfTheEventClockNeverGivesANegativeAge) {
  Rig rig;
  rig.snapshot("BTCUSD", kT0);
  for (int i = 1; i <= 59; ++i) rig.tick(kT0 + i * kS);
  rig.engine->on_feed_current("BTCUSD", kT0 + 75 * kS);  // receive time ahead of event time
  rig.tick(kT0 + 60 * kS);
  auto d = rig.sink.decisions();
  ASSERT_EQ(d.size(), 1u);
  EXPECT_TRUE(taken(*d[0])) << str(*d[0], "reason");
  EXPECT_EQ(num(*d[0], "book_age_ms"), 0);
}

}  // namespace
}  // namespace rtcrypto
