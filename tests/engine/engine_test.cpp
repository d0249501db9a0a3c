#include "rtcrypto/engine/engine.hpp"
#include "level_change_for_test.hpp"

#include <gtest/gtest.h>

#include <map>

#include "rtcrypto/signal/forecast_table.hpp"

namespace rtcrypto {
namespace {

using namespace rtcrypto::literals;

}  // namespace
void PrintTo(const Decimal& d, std::ostream* os) {
  *os << d.to_string();
}
namespace {

// A hand-written exchange: fills IOC limit orders against the best opposite level only
// (up to its quantity), 10 bps taker fee in the quote currency, synchronous callbacks.
class FakeExchange final : public Exchange {
 public:
  std::function<const OrderBook*(std::string_view)> book_of;
  std::function<TimeNs()> clock;
  std::map<std::string, Decimal> amounts{{"USD", "1000"_d}, {"BTC", "0"_d}};
  std::vector<OrderRequest> placed;
  bool reject_all = false;

  std::string_view name() const override { return "fake"; }
  void place(const OrderRequest& r, OrderCallback done) override {
    placed.push_back(r);
    OrderOutcome out;
    if (reject_all) {
      out.kind = OutcomeKind::Rejected;
      out.reason = "InsufficientFunds";
      out.message = "fake rejection";
      done(out);
      return;
    }
    Order o;
    o.order_id = std::to_string(100 + placed.size());
    o.client_order_id = r.client_order_id;
    o.symbol = r.symbol;
    o.side = r.side;
    o.price = r.price;
    o.original_amount = r.amount;
    o.timestamp = clock();
    const OrderBook* b = book_of(r.symbol);
    auto lvl = r.side == OrderSide::Buy ? b->best_ask() : b->best_bid();
    bool crosses =
        lvl && (r.side == OrderSide::Buy ? lvl->price <= r.price : lvl->price >= r.price);
    if (crosses) {
      Decimal qty = min(r.amount, lvl->quantity);
      Decimal notional = qty * lvl->price;
      Decimal fee = notional * "0.001"_d;
      auto pair = split_symbol(r.symbol);
      if (r.side == OrderSide::Buy) {
        amounts[pair.quote] -= notional + fee;
        amounts[pair.base] += qty;
      } else {
        amounts[pair.quote] += notional - fee;
        amounts[pair.base] -= qty;
      }
      o.executed_amount = qty;
      o.avg_execution_price = lvl->price;
      o.fee = fee;
      if (listener_)
        listener_(Fill{o.order_id, o.client_order_id, o.symbol, o.side, lvl->price, qty, fee, false,
                       o.timestamp});
    }
    o.remaining_amount = r.amount - o.executed_amount;
    o.is_cancelled = o.remaining_amount.is_positive();
    if (o.is_cancelled) o.reason = "ImmediateOrCancelWillNotFill";
    out.kind = OutcomeKind::Accepted;
    out.order = o;
    done(out);
  }
  void cancel(const std::string&, OrderCallback) override {}
  std::vector<Balance> balances() const override {
    std::vector<Balance> v;
    for (auto& [c, a] : amounts) v.push_back(Balance{c, a, a, a});
    return v;
  }
  std::optional<Order> order_by_client_id(const std::string&) const override {
    return std::nullopt;
  }
  std::vector<Order> open_orders() const override { return {}; }
  SymbolRules rules(const std::string& symbol) const override {
    SymbolRules r;
    r.symbol = symbol;
    return r;
  }
  void set_fill_listener(FillListener l) override { listener_ = std::move(l); }
  // A fill reported on its own (a resting order filling later), not within place().
  void report_fill(const Fill& f) { listener_(f); }

 private:
  FillListener listener_;
};

struct VectorSink : RecordSink {
  std::vector<Record> records;
  void write(const Record& r) override { records.push_back(r); }
  std::vector<const Record*> of(std::string_view type) const {
    std::vector<const Record*> v;
    for (auto& r : records)
      if (r.doc_type == type) v.push_back(&r);
    return v;
  }
};

const TimeNs kT0 = *parse_ymd_hms("2021-04-17 16:45:00");
constexpr TimeNs kS = kNsPerSec;

template <class T>
T field(const Record& r, std::string_view key) {
  const FieldValue* v = r.get(key);
  EXPECT_TRUE(v) << "no field " << key << " in " << r.doc_type;
  if (!v || !std::holds_alternative<T>(*v)) {
    ADD_FAILURE() << "field " << key << " of " << r.doc_type << " has another type";
    return T{};
  }
  return std::get<T>(*v);
}
bool is_null(const Record& r, std::string_view key) {
  const FieldValue* v = r.get(key);
  return v && std::holds_alternative<std::monostate>(*v);
}

LevelChange lc(Side side, const char* price, const char* qty, TimeNs ts, bool snap = false,
               const char* sym = "BTCUSD") {
  return level_change(side, price, qty, ts, snap, sym);
}

// Signal: buy for decisions in 16:45 (row 16:46), sell for decisions in 16:46 (row 16:47).
ForecastTable table() {
  return ForecastTable::parse(
      "ds,yhat,yhat_lower,yhat_upper,side\n"
      "2021-04-17 16:46:00,101.5,100,103,buy\n"
      "2021-04-17 16:47:00,99.5,98,101,sell\n");
}

struct Scenario {
  ForecastTable signal = table();
  FakeExchange ex;
  VectorSink sink;
  std::unique_ptr<Engine> engine;

  explicit Scenario(EngineConfig cfg = defaults()) {
    engine = std::make_unique<Engine>(cfg, &signal, &ex);
    engine->add_sink(&sink);
    ex.book_of = [this](std::string_view s) { return engine->book(s); };
    ex.clock = [this] { return engine->now(); };
  }
  static EngineConfig defaults() {
    EngineConfig c;
    c.symbols = {"btcusd"};
    c.window_length = 5 * kS;
    c.run_id = "t";
    return c;
  }
  void snapshot(TimeNs ts, const char* sym = "BTCUSD") {
    engine->on_snapshot_begin(sym, ts);
    engine->on_level(lc(Side::Bid, "100", "10", ts, true, sym));
    engine->on_level(lc(Side::Ask, "101", "10", ts, true, sym));
    engine->on_snapshot_end(sym, ts);
    engine->end_of_frame(ts);
  }
  void level(const LevelChange& c) {
    engine->on_level(c);
    engine->end_of_frame(c.ts);
  }
  // The round trip: buy in 16:45, hold, sell in 16:46.
  void run_round_trip() {
    snapshot(kT0);
    level(lc(Side::Bid, "99.9", "2", kT0 + 1 * kS));   // 199.8
    level(lc(Side::Ask, "101.5", "1", kT0 + 2 * kS));  // 101.5 -> ratio 0.508
    level(lc(Side::Ask, "102", "1", kT0 + 6 * kS));    // closes [0,5): buy
    TradeEvent t;
    t.symbol = "BTCUSD";
    t.price = "101"_d;
    t.quantity = "0.5"_d;
    t.ts = kT0 + 7 * kS;
    engine->on_trade(t);
    level(lc(Side::Bid, "99.8", "1", kT0 + 60 * kS));  // closes [5,10): not_flat
    level(lc(Side::Bid, "99.7", "1", kT0 + 65 * kS));  // closes [60,65): sell
    engine->flush(kT0 + 66 * kS);                      // closes [65,70): nothing to sell
  }
};

TEST(Engine, RoundTripThroughWindowsSignalStrategyRiskAndExchange) {
  Scenario s;
  s.run_round_trip();
  auto& st = s.engine->stats();
  EXPECT_EQ(st.windows, 4u);
  EXPECT_EQ(st.decisions, 4u);
  EXPECT_EQ(st.orders, 2u);
  EXPECT_EQ(st.orders_accepted, 2u);
  EXPECT_EQ(st.fills, 2u);
  EXPECT_EQ(st.scores, 1u);
  EXPECT_EQ(st.rejected_by_risk, 0u);

  auto windows = s.sink.of("price_volume");
  ASSERT_EQ(windows.size(), 4u);
  EXPECT_DOUBLE_EQ(field<double>(*windows[0], "value"), 101.5 / 199.8);
  EXPECT_EQ(field<std::int64_t>(*windows[0], "window_start"), kT0);
  EXPECT_EQ(field<std::int64_t>(*windows[0], "window_end"), kT0 + 5 * kS);
  EXPECT_EQ(s.sink.of("ask").size(), 4u);
  EXPECT_EQ(s.sink.of("bid").size(), 4u);
  EXPECT_EQ(s.sink.of("ticker").size(), 4u);

  auto decisions = s.sink.of("decision");
  ASSERT_EQ(decisions.size(), 4u);
  const Record& buy = *decisions[0];
  EXPECT_EQ(field<std::string>(buy, "action"), "buy");
  EXPECT_TRUE(field<bool>(buy, "taken"));
  EXPECT_EQ(field<std::string>(buy, "reason"), "buy");
  EXPECT_EQ(field<std::string>(buy, "signal"), "buy");
  EXPECT_DOUBLE_EQ(field<double>(buy, "yhat"), 101.5);
  EXPECT_EQ(field<std::string>(buy, "client_order_id"), "t-1");
  EXPECT_EQ(field<Decimal>(buy, "quote_available"), "1000"_d);
  // 900 / 101 floored to 1e-8.
  EXPECT_EQ(field<Decimal>(buy, "amount"), "8.91089108"_d);
  EXPECT_EQ(field<Decimal>(buy, "price"), "101"_d);
  EXPECT_EQ(field<std::string>(*decisions[1], "reason"), "not_flat");
  EXPECT_FALSE(field<bool>(*decisions[1], "taken"));
  EXPECT_EQ(field<std::string>(*decisions[2], "reason"), "sell");
  EXPECT_EQ(field<std::string>(*decisions[2], "client_order_id"), "t-2");
  EXPECT_EQ(field<Decimal>(*decisions[2], "last_buy_price"), "101"_d);
  EXPECT_EQ(field<std::string>(*decisions[3], "reason"), "nothing_to_sell");

  ASSERT_EQ(s.ex.placed.size(), 2u);
  EXPECT_EQ(s.ex.placed[0].client_order_id, "t-1");
  EXPECT_EQ(s.ex.placed[0].tif, TimeInForce::ImmediateOrCancel);
  EXPECT_EQ(s.ex.placed[1].side, OrderSide::Sell);
  EXPECT_EQ(s.ex.placed[1].amount, "8.91089108"_d);
  EXPECT_EQ(s.ex.placed[1].price, "100"_d) << "best bid at close";

  auto orders = s.sink.of("order");
  ASSERT_EQ(orders.size(), 2u);
  EXPECT_EQ(field<std::string>(*orders[0], "client_order_id"), "t-1");
  EXPECT_EQ(field<std::string>(*orders[0], "side"), "buy");
  EXPECT_EQ(field<Decimal>(*orders[0], "executed_amount"), "8.91089108"_d);
  EXPECT_EQ(field<Decimal>(*orders[0], "remaining_amount"), "0"_d);
  EXPECT_EQ(field<Decimal>(*orders[0], "avg_execution_price"), "101"_d);
  EXPECT_FALSE(field<bool>(*orders[0], "is_cancelled"));
  EXPECT_EQ(field<std::string>(*orders[0], "outcome"), "accepted");

  // Score: (100 − 101) × 8.91089108 − (buy fee + sell fee).
  auto scores = s.sink.of("score");
  ASSERT_EQ(scores.size(), 1u);
  Decimal amount = "8.91089108"_d;
  Decimal buy_fee = amount * "101"_d * "0.001"_d;
  Decimal sell_fee = amount * "100"_d * "0.001"_d;
  Decimal fees = buy_fee + sell_fee;
  EXPECT_EQ(field<Decimal>(*scores[0], "fees"), fees);
  EXPECT_EQ(field<Decimal>(*scores[0], "profit"), ("100"_d - "101"_d) * amount - fees);
  EXPECT_EQ(field<Decimal>(*scores[0], "entry_price"), "101"_d);
  EXPECT_EQ(field<Decimal>(*scores[0], "exit_price"), "100"_d);
  EXPECT_EQ(field<Decimal>(*scores[0], "amount"), amount);
  EXPECT_EQ(st.realized_pnl, field<Decimal>(*scores[0], "profit"));
  EXPECT_EQ(st.fees, fees);

  // Two balance records (base, quote) after each fill.
  auto bal = s.sink.of("balance");
  ASSERT_EQ(bal.size(), 4u);
  EXPECT_EQ(field<std::string>(*bal[0], "currency"), "BTC");
  EXPECT_EQ(field<Decimal>(*bal[0], "amount"), amount);
  EXPECT_EQ(field<std::string>(*bal[1], "currency"), "USD");
  EXPECT_EQ(field<Decimal>(*bal[1], "available"), "1000"_d - amount * "101"_d - buy_fee);
  EXPECT_EQ(field<Decimal>(*bal[2], "amount"), "0"_d);

  // Ticker of the second window saw the trade.
  auto tick = s.sink.of("ticker");
  EXPECT_EQ(field<Decimal>(*tick[1], "last"), "101"_d);
  EXPECT_DOUBLE_EQ(field<double>(*tick[1], "volume_BTC"), 0.5);
  EXPECT_DOUBLE_EQ(field<double>(*tick[1], "volume_USD"), 50.5);
  EXPECT_TRUE(is_null(*tick[0], "last"));

  // Record order per window: ask, bid, price_volume, ticker, decision, [balances, order, score].
  std::vector<std::string> types;
  for (auto& r : s.sink.records) types.push_back(r.doc_type);
  std::vector<std::string> first(types.begin(), types.begin() + 8);
  EXPECT_EQ(first, (std::vector<std::string>{"ask", "bid", "price_volume", "ticker", "decision",
                                             "balance", "balance", "order"}));
}

TEST(Engine, ReplayIsDeterministic) {
  auto run = [] {
    Scenario s;
    s.run_round_trip();
    std::string out;
    for (auto& r : s.sink.records) out += to_contract_json(r, "t") + "\n";
    return out;
  };
  std::string a = run(), b = run();
  EXPECT_EQ(a, b);
  EXPECT_GT(a.size(), 2000u);
}

TEST(Engine, NoOrderWhileTheBookIsNotWholeOrStale) {
  Scenario s;
  s.snapshot(kT0);
  s.level(lc(Side::Bid, "99.9", "2", kT0 + 1 * kS));
  s.level(lc(Side::Ask, "101.5", "1", kT0 + 2 * kS));
  s.engine->on_gap("BTCUSD", kT0 + 3 * kS, "test gap");
  s.level(lc(Side::Ask, "102", "1", kT0 + 6 * kS));  // closes [0,5) on a rebuilding book
  auto d = s.sink.of("decision");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(field<std::string>(*d[0], "action"), "none") << "the gap emptied the book: no ask";

  // Stale: a whole book, last touched 8 s before the closing event.
  Scenario t;
  t.snapshot(kT0);
  t.level(lc(Side::Bid, "99.9", "2", kT0 + 1 * kS));
  t.level(lc(Side::Ask, "101.5", "1", kT0 + 2 * kS));
  t.level(lc(Side::Ask, "102", "1", kT0 + 10 * kS));
  d = t.sink.of("decision");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(field<std::string>(*d[0], "action"), "buy");
  EXPECT_FALSE(field<bool>(*d[0], "taken"));
  EXPECT_EQ(field<std::string>(*d[0], "reason"), "risk_book_stale");
  EXPECT_EQ(field<std::string>(*d[0], "risk_reason"), "book_stale");
  EXPECT_EQ(field<std::int64_t>(*d[0], "book_age_ms"), 8000);
  EXPECT_TRUE(t.ex.placed.empty());
  EXPECT_EQ(t.engine->stats().rejected_by_risk, 1u);
}

TEST(Engine, BookNotWholeIsRefusedByRisk) {
  Scenario s;
  // Changes without a snapshot: the book has both sides but was never whole.
  s.level(lc(Side::Bid, "100", "10", kT0));
  s.level(lc(Side::Ask, "101", "10", kT0 + 1 * kS));
  s.level(lc(Side::Bid, "99.9", "2", kT0 + 2 * kS));
  s.level(lc(Side::Ask, "101.5", "1", kT0 + 6 * kS));
  auto d = s.sink.of("decision");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(field<std::string>(*d[0], "reason"), "risk_book_not_whole");
  EXPECT_FALSE(field<bool>(*d[0], "book_whole"));
}

TEST(Engine, SymbolFilterAndNoSignal) {
  Scenario s;
  s.snapshot(kT0, "ETHUSD");
  s.level(lc(Side::Bid, "1", "1", kT0 + 1 * kS, false, "ETHUSD"));
  s.level(lc(Side::Bid, "1", "1", kT0 + 9 * kS, false, "ETHUSD"));
  EXPECT_TRUE(s.sink.records.empty()) << "ETHUSD is not traded";
  EXPECT_EQ(s.engine->book("ETHUSD"), nullptr);
  // Outside the table's minutes: no signal.
  TimeNs late = kT0 + 3600 * kS;
  s.snapshot(late);
  s.level(lc(Side::Bid, "99", "1", late + 1));
  s.engine->flush(late + 2);
  auto d = s.sink.of("decision");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(field<std::string>(*d[0], "reason"), "no_signal");
  EXPECT_TRUE(is_null(*d[0], "signal"));
}

TEST(Engine, ExchangeRejectionIsRecorded) {
  Scenario s;
  s.ex.reject_all = true;
  s.snapshot(kT0);
  s.level(lc(Side::Bid, "99.9", "2", kT0 + 1 * kS));
  s.level(lc(Side::Ask, "101.5", "1", kT0 + 2 * kS));
  s.level(lc(Side::Ask, "102", "1", kT0 + 6 * kS));
  auto o = s.sink.of("order");
  ASSERT_EQ(o.size(), 1u);
  EXPECT_EQ(field<std::string>(*o[0], "outcome"), "rejected");
  EXPECT_EQ(field<std::string>(*o[0], "reason"), "InsufficientFunds");
  EXPECT_EQ(field<std::string>(*o[0], "client_order_id"), "t-1");
  EXPECT_EQ(field<Decimal>(*o[0], "original_amount"), "8.91089108"_d);
  EXPECT_EQ(s.engine->stats().orders_rejected, 1u);
  EXPECT_TRUE(s.sink.of("balance").empty());
}

TEST(Engine, KillSwitchAndCounterSurviveRestart) {
  EngineConfig cfg = Scenario::defaults();
  cfg.risk.max_drawdown_pct = 0.9;
  Scenario s(cfg);
  // Equity 1000 -> ~994.6 after the buy (0.54 %) -> ~990.2 after the sell (0.98 %): the
  // switch trips at the decision after the sell.
  s.run_round_trip();
  EXPECT_TRUE(s.engine->risk().killed());
  EngineState st = s.engine->export_state();
  EXPECT_EQ(st.next_order_seq, 3u);
  EXPECT_EQ(st.positions.at("BTCUSD").last_buy_price, "101"_d);

  Scenario r(cfg);
  r.engine->import_state(st);
  EXPECT_TRUE(r.engine->risk().killed());
  r.snapshot(kT0);
  r.level(lc(Side::Bid, "99.9", "2", kT0 + 1 * kS));
  r.level(lc(Side::Ask, "101.5", "1", kT0 + 2 * kS));
  r.level(lc(Side::Ask, "102", "1", kT0 + 6 * kS));
  auto d = r.sink.of("decision");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(field<std::string>(*d[0], "reason"), "risk_kill_switch");
  EXPECT_TRUE(field<bool>(*d[0], "kill_switch"));
  r.engine->risk().reset_kill_switch();
  r.level(lc(Side::Bid, "99.8", "2", kT0 + 11 * kS));  // closes [5,10): no bid flow
  r.level(lc(Side::Ask, "101.6", "1", kT0 + 12 * kS));
  r.level(lc(Side::Ask, "102", "1", kT0 + 16 * kS));  // closes [10,15): buy
  ASSERT_FALSE(r.ex.placed.empty());
  EXPECT_EQ(r.ex.placed.back().client_order_id, "t-3") << "ids continue, never reused";
}

// A decision finds its symbol's position once and keeps it; a restart's import_state replaces
// the positions (map nodes reused for other keys), so the next decision must see the new one.
TEST(Engine, ImportedPositionsReachLaterDecisions) {
  Scenario s;
  s.snapshot(kT0);
  s.level(lc(Side::Bid, "99.9", "2", kT0 + 1 * kS));
  s.level(lc(Side::Ask, "101.5", "1", kT0 + 2 * kS));
  s.level(lc(Side::Ask, "102", "1", kT0 + 6 * kS));  // closes [0,5): a decision
  ASSERT_EQ(s.sink.of("decision").size(), 1u);
  EXPECT_TRUE(is_null(*s.sink.of("decision")[0], "last_buy_price"));

  EngineState st = s.engine->export_state();
  st.positions.clear();
  for (const char* sym : {"AAAUSD", "ABCUSD", "BTCUSD"}) st.positions[sym].entry_amount = "1"_d;
  st.positions["ABCUSD"].last_buy_price = "7"_d;
  st.positions["BTCUSD"].last_buy_price = "55.5"_d;
  s.engine->import_state(st);
  s.level(lc(Side::Bid, "99.8", "2", kT0 + 11 * kS));  // closes [5,10)
  auto d = s.sink.of("decision");
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(field<Decimal>(*d[1], "last_buy_price"), "55.5"_d);
}

// A decision reads a flat position without making an entry for it; export_state still lists
// every symbol that decided (flat ones all zero), and a fill's entry reaches later decisions.
TEST(Engine, FlatPositionsAreExportedAndAFillsEntryReachesLaterDecisions) {
  Scenario s;
  s.snapshot(kT0);
  s.level(lc(Side::Bid, "99.9", "2", kT0 + 1 * kS));
  s.level(lc(Side::Ask, "101.5", "1", kT0 + 2 * kS));
  EngineState before = s.engine->export_state();
  EXPECT_TRUE(before.positions.empty()) << "no decision yet";
  s.ex.reject_all = true;  // the buy is refused: nothing executes, the position stays flat
  s.level(lc(Side::Ask, "102", "1", kT0 + 6 * kS));  // closes [0,5): a decision
  ASSERT_EQ(s.sink.of("decision").size(), 1u);
  EngineState flat = s.engine->export_state();
  ASSERT_EQ(flat.positions.size(), 1u);
  const EnginePosition& p = flat.positions.at("BTCUSD");
  EXPECT_FALSE(p.last_buy_price);
  EXPECT_EQ(p.entry_amount, "0"_d);
  EXPECT_EQ(p.entry_fees, "0"_d);
}

// A decision's equity in its quote: the quote at face value, each base held marked at the
// mid of the traded symbol that prices it in that quote; other currencies left out.
TEST(Engine, EquityMarksEachHeldBaseInTheDecisionsQuote) {
  EngineConfig cfg = Scenario::defaults();
  cfg.symbols = {"btcusd", "ethusd", "ethbtc"};
  Scenario s(cfg);
  s.ex.amounts = {{"USD", "1000"_d}, {"BTC", "2"_d}, {"ETH", "3"_d}, {"EUR", "50"_d}};
  for (const char* sym : {"BTCUSD", "ETHUSD", "ETHBTC"}) s.snapshot(kT0, sym);  // mids 100.5
  for (const char* sym : {"BTCUSD", "ETHBTC"}) {
    s.level(lc(Side::Bid, "99.9", "2", kT0 + 1 * kS, false, sym));
    s.level(lc(Side::Ask, "101.5", "1", kT0 + 6 * kS, false, sym));  // closes [0,5)
  }
  auto d = s.sink.of("decision");
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0]->symbol, "BTCUSD");
  EXPECT_EQ(field<Decimal>(*d[0], "equity"), "1502.5"_d);  // 1000 + (2 + 3) x 100.5
  EXPECT_EQ(d[1]->symbol, "ETHBTC");
  EXPECT_EQ(field<Decimal>(*d[1], "equity"), "303.5"_d);  // 2 + 3 x 100.5
}

// Symbols that appear after a decision mark their bases in the next ones (the marks of the
// symbols seen before are kept, not worked out again): a base is part of the equity from
// the first decision after a symbol in the quote prices it.
// Quotes that share letters (USD, USDC) are told apart: each decision's equity counts its own
// quote at face value and the base at its own symbol's mid.
TEST(Engine, EquityTellsApartQuotesThatShareLetters) {
  EngineConfig cfg = Scenario::defaults();
  cfg.symbols = {"btcusd", "btcusdc"};
  Scenario s(cfg);
  s.ex.amounts = {{"USD", "1000"_d}, {"USDC", "40"_d}, {"BTC", "2"_d}};
  for (const char* sym : {"BTCUSDC", "BTCUSD"}) s.snapshot(kT0, sym);  // mids 100.5
  for (const char* sym : {"BTCUSDC", "BTCUSD"}) {
    s.level(lc(Side::Bid, "99.9", "2", kT0 + 1 * kS, false, sym));
    s.level(lc(Side::Ask, "101.5", "1", kT0 + 6 * kS, false, sym));  // closes [0,5)
  }
  auto d = s.sink.of("decision");
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0]->symbol, "BTCUSDC");
  EXPECT_EQ(field<std::string>(*d[0], "quote_currency"), "USDC");
  EXPECT_EQ(field<Decimal>(*d[0], "quote_available"), "40"_d);
  EXPECT_EQ(field<Decimal>(*d[0], "equity"), "241"_d);  // 40 + 2 x 100.5
  EXPECT_EQ(d[1]->symbol, "BTCUSD");
  EXPECT_EQ(field<Decimal>(*d[1], "quote_available"), "1000"_d);
  EXPECT_EQ(field<Decimal>(*d[1], "equity"), "1201"_d);  // 1000 + 2 x 100.5
}

TEST(Engine, EquityMarksBasesOfSymbolsThatAppearLater) {
  EngineConfig cfg = Scenario::defaults();
  cfg.symbols = {"btcusd", "ethusd", "ethbtc"};
  Scenario s(cfg);
  s.ex.amounts = {{"USD", "1000"_d}, {"BTC", "2"_d}, {"ETH", "3"_d}};
  s.snapshot(kT0, "BTCUSD");  // mid 100.5
  s.level(lc(Side::Bid, "99.9", "2", kT0 + 1 * kS));
  s.level(lc(Side::Ask, "101.5", "1", kT0 + 6 * kS));   // closes [0,5): ETH unmarked
  s.snapshot(kT0 + 7 * kS, "ETHBTC");                   // prices ETH in another quote
  s.level(lc(Side::Ask, "101.6", "1", kT0 + 11 * kS));  // closes [5,10)
  s.snapshot(kT0 + 12 * kS, "ETHUSD");                  // mid 100.5: marks ETH in USD
  s.level(lc(Side::Ask, "101.7", "1", kT0 + 16 * kS));  // closes [10,15)
  auto d = s.sink.of("decision");
  ASSERT_EQ(d.size(), 3u);
  for (const Record* r : d) EXPECT_EQ(r->symbol, "BTCUSD");
  EXPECT_EQ(field<Decimal>(*d[0], "equity"), "1201"_d);    // 1000 + 2 x 100.5
  EXPECT_EQ(field<Decimal>(*d[1], "equity"), "1201"_d);    // (ETHBTC: not in USD)
  EXPECT_EQ(field<Decimal>(*d[2], "equity"), "1502.5"_d);  // 1000 + (2 + 3) x 100.5
  EXPECT_TRUE(s.ex.placed.empty());
}

// States are found by name whatever order their symbols first appear in, each with its
// own currencies (also a base too long for a short name buffer).
TEST(Engine, EachSymbolKeepsItsOwnStateWhateverTheOrderOfAppearance) {
  EngineConfig cfg = Scenario::defaults();
  cfg.symbols.clear();  // every symbol
  Scenario s(cfg);
  const std::string long_base(70, 'Q');
  const std::vector<std::string> syms = {"SOLUSD", "BTCUSD", long_base + "USD", "ETHBTC",
                                         "AAVEUSD"};
  for (std::size_t i = 0; i < syms.size(); ++i)
    s.snapshot(kT0 + static_cast<TimeNs>(i), syms[i].c_str());
  for (std::size_t i = 0; i < syms.size(); ++i)
    EXPECT_EQ(s.engine->fresh_at(syms[i]), kT0 + static_cast<TimeNs>(i)) << syms[i];
  EXPECT_EQ(s.engine->fresh_at("XRPUSD"), 0);
  for (const std::string& sym : syms) {
    TradeEvent t;
    t.symbol = sym;
    t.price = "2"_d;
    t.quantity = "0.25"_d;
    t.ts = kT0 + 1 * kS;
    s.engine->on_trade(t);
    s.level(lc(Side::Bid, "99", "1", kT0 + 2 * kS, false, sym.c_str()));  // (a window needs one)
  }
  s.engine->flush(kT0 + 10 * kS);
  auto tick = s.sink.of("ticker");
  ASSERT_EQ(tick.size(), syms.size());
  for (std::size_t i = 0; i < syms.size(); ++i) {
    const CurrencyPair pair = split_symbol(syms[i]);
    EXPECT_EQ(tick[i]->symbol, syms[i]);
    EXPECT_DOUBLE_EQ(field<double>(*tick[i], "volume_" + pair.base), 0.25) << syms[i];
    EXPECT_DOUBLE_EQ(field<double>(*tick[i], "volume_" + pair.quote), 0.5) << syms[i];
  }
}

// A fill reported outside place() (no order being placed) still gives the balances of its
// own symbol's currencies, known or not.
TEST(Engine, AFillOutsidePlaceGivesItsOwnSymbolsBalances) {
  Scenario s;
  s.run_round_trip();
  s.ex.amounts["ETH"] = "3"_d;
  const std::size_t before = s.sink.of("balance").size();
  s.ex.report_fill(
      Fill{"9", "x-1", "ETHUSD", OrderSide::Buy, "10"_d, "1"_d, "0"_d, true, kT0 + 70 * kS});
  s.ex.report_fill(
      Fill{"9", "x-1", "BTCUSD", OrderSide::Buy, "10"_d, "1"_d, "0"_d, true, kT0 + 70 * kS});
  auto bal = s.sink.of("balance");
  ASSERT_EQ(bal.size(), before + 4);
  EXPECT_EQ(field<std::string>(*bal[before], "currency"), "ETH");
  EXPECT_EQ(field<Decimal>(*bal[before], "amount"), "3"_d);
  EXPECT_EQ(field<std::string>(*bal[before + 1], "currency"), "USD");
  EXPECT_EQ(field<std::string>(*bal[before + 2], "currency"), "BTC");
  EXPECT_EQ(field<std::string>(*bal[before + 3], "currency"), "USD");
}

// The score document is rewritten in place: a later score (here without a known entry, so
// its profit is null) reads exactly as one built afresh, and the earlier one kept its values.
TEST(Engine, EachScoreReadsAsBuiltAfresh) {
  Scenario s;
  s.run_round_trip();
  Order o;
  o.order_id = "77";
  o.client_order_id = "other-client-id-longer-than-sso";
  o.symbol = "ETHUSD";
  o.side = OrderSide::Sell;
  o.executed_amount = "2"_d;
  o.avg_execution_price = "3"_d;
  o.fee = "0.5"_d;
  o.timestamp = kT0 + 80 * kS;
  s.engine->on_order_update(o);
  auto scores = s.sink.of("score");
  ASSERT_EQ(scores.size(), 2u);
  EXPECT_EQ(field<Decimal>(*scores[0], "entry_price"), "101"_d);
  EXPECT_EQ(field<std::string>(*scores[0], "client_order_id"), "t-2");
  const Record& r = *scores[1];
  EXPECT_EQ(r.symbol, "ETHUSD");
  EXPECT_EQ(r.ts, kT0 + 80 * kS);
  std::vector<std::string> keys;
  for (const auto& [k, v] : r.fields) keys.emplace_back(k.view());
  EXPECT_EQ(keys, (std::vector<std::string>{"profit", "fees", "entry_price", "exit_price", "amount",
                                            "client_order_id", "order_id"}));
  EXPECT_TRUE(is_null(r, "profit"));
  EXPECT_TRUE(is_null(r, "entry_price"));
  EXPECT_EQ(field<Decimal>(r, "fees"), "0.5"_d);
  EXPECT_EQ(field<Decimal>(r, "exit_price"), "3"_d);
  EXPECT_EQ(field<Decimal>(r, "amount"), "2"_d);
  EXPECT_EQ(field<std::string>(r, "client_order_id"), "other-client-id-longer-than-sso");
  EXPECT_EQ(field<std::string>(r, "order_id"), "77");
}

}  // namespace
}  // namespace rtcrypto
