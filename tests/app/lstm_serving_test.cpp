// LSTM serving in the daemon: warm-up from exchange candles equals a signal that saw the same
// minutes live through the engine's trade path; the dead band is a recorded decision reason;
// the bars saved in the store bring a restarted daemon back to the same prediction.
#include "rtcrypto/app/lstm_serving.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "lstm_core/synthetic.hpp"
#include "rtcrypto/engine/engine.hpp"
#include "rtcrypto/lstm_core/lstm_signal.hpp"
#include "rtcrypto/lstm_core/warm_up.hpp"
#include "rtcrypto/net/gemini_json.hpp"
#include "test_support.hpp"

namespace rtcrypto::app {
namespace {

using lstm::LstmSignal;
using lstm::LstmSignalOptions;

// Four trades per bar (open, high, low, close) as the feed would deliver them, prices in cents.
struct Trade {
  TimeNs ts;
  Decimal price, qty;
};

std::vector<Trade> trades_of(const std::vector<MinuteBar>& bars) {
  std::vector<Trade> out;
  for (const auto& b : bars) {
    const double q = std::max(0.01, b.volume / 4);
    const double px[4] = {b.open, b.high, b.low, b.close};
    const TimeNs at[4] = {1, 10, 20, 59};
    for (int i = 0; i < 4; ++i)
      out.push_back(
          {b.ts + at[i] * kNsPerSec, *Decimal::from_double(px[i], 2), *Decimal::from_double(q, 8)});
  }
  return out;
}

// The candles an exchange would report for those trades: [[ms,o,h,l,c,v],...] newest first,
// led by the still-open minute `open_minute` (one trade so far).
std::string candles_json(const std::vector<Trade>& trades, TimeNs open_minute) {
  std::vector<MinuteBar> bars;
  for (const auto& t : trades) {
    const TimeNs m = floor_to_period(t.ts, kNsPerMin);
    const double p = t.price.to_double(), q = t.qty.to_double();
    if (bars.empty() || bars.back().ts != m) {
      bars.push_back(MinuteBar{m, p, p, p, p, q});
      continue;
    }
    MinuteBar& b = bars.back();
    b.high = std::max(b.high, p);
    b.low = std::min(b.low, p);
    b.close = p;
    b.volume += q;  // in trade order, as the signal adds them
  }
  bars.push_back(MinuteBar{open_minute, 1, 2, 0.5, 1.5, 3});
  std::string s = "[";
  char buf[256];
  for (auto it = bars.rbegin(); it != bars.rend(); ++it) {
    std::snprintf(buf, sizeof buf, "%s[%lld,%.17g,%.17g,%.17g,%.17g,%.17g]",
                  s.size() > 1 ? "," : "", static_cast<long long>(it->ts / kNsPerMs), it->open,
                  it->high, it->low, it->close, it->volume);
    s += buf;
  }
  return s + "]";
}

std::vector<MinuteBar> cent_bars(std::size_t n) {
  auto bars = lstm::test::random_walk_bars(n);
  for (auto& b : bars) {
    for (double* p : {&b.open, &b.high, &b.low, &b.close}) *p = std::round(*p * 100) / 100;
  }
  return bars;
}

struct Decisions final : RecordSink {
  std::vector<Record> records;
  void write(const Record& r) override {
    if (r.doc_type == "decision") records.push_back(r);
  }
  std::string reason(std::size_t i) const {
    return std::get<std::string>(*records.at(i).get("reason"));
  }
};

// Each trade comes with a resting bid at its price: a window needs book flow to close.
void feed(Engine& engine, const std::vector<Trade>& trades) {
  for (const auto& t : trades) {
    LevelChange c;
    c.symbol = "BTCUSD";
    c.price = t.price;
    c.remaining = t.qty;
    c.ts = t.ts;
    engine.on_level(c);
    TradeEvent e;
    e.symbol = "BTCUSD";
    e.price = t.price;
    e.quantity = t.qty;
    e.ts = t.ts;
    engine.on_trade(e);
  }
}

EngineConfig engine_config() {
  EngineConfig ec;
  ec.symbols = {"BTCUSD"};
  return ec;
}

TEST(LstmServing, WarmUpFromCandlesGivesTheFirstPredictionOfALiveRun) {
  const auto bars = cent_bars(200);
  const auto model = lstm::test::random_model(bars, 20, 8);
  const auto trades = trades_of(bars);
  const TimeNs open_minute = bars.back().ts + kNsPerMin;
  const TimeNs now = open_minute + 25 * kNsPerSec;

  LstmSignal live(model);
  Engine engine(engine_config(), &live, nullptr);
  feed(engine, trades);  // the daemon's path: engine -> signal minute bars
  const auto a = live.signal_at("BTCUSD", now);

  LstmSignal warmed(model);
  auto plan = lstm::plan_warm_up({}, net::parse_candles(candles_json(trades, open_minute)), now);
  EXPECT_EQ(plan.partial_candles, 1u);
  EXPECT_EQ(plan.from_candles, bars.size());
  warmed.warm_up("BTCUSD", plan.bars, now);
  EXPECT_GE(warmed.ready_rows("BTCUSD"), 20);
  const auto b = warmed.signal_at("BTCUSD", now);
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(a->predicted_return && b->predicted_return);
  EXPECT_NEAR(*a->predicted_return, *b->predicted_return, 1e-9);
  EXPECT_EQ(a->side, b->side);
  EXPECT_EQ(b->target_minute, open_minute);
}

TEST(LstmServing, DeadBandIsADecisionWithThatReasonAndOutsideItTheSideIsTaken) {
  const auto bars = cent_bars(120);
  const auto model = lstm::test::random_model(bars, 20, 8);
  const auto trades = trades_of(bars);
  const TimeNs now = bars.back().ts + kNsPerMin + 30 * kNsPerSec;
  LstmSignal probe(model);
  probe.warm_up("BTCUSD", bars);
  const auto v = probe.signal_at("BTCUSD", now);
  ASSERT_TRUE(v && v->predicted_return);
  const double r = std::abs(*v->predicted_return);

  for (double band : {r * 1.5, r * 0.5}) {
    LstmSignal sig(model, LstmSignalOptions{band, 10});
    Decisions sink;
    Engine engine(engine_config(), &sig, nullptr);
    engine.add_sink(&sink);
    feed(engine, trades);
    const std::size_t before = sink.records.size();
    engine.on_time(now);  // closes the window at the minute after the last bar
    ASSERT_EQ(sink.records.size(), before + 1);
    const Record& d = sink.records.back();
    if (band > r) {
      EXPECT_EQ(sink.reason(before), "dead_band");
      EXPECT_NE(std::get<std::string>(*d.get("detail")).find("dead band"), std::string::npos);
      EXPECT_TRUE(std::holds_alternative<std::monostate>(*d.get("signal")));
    } else {
      EXPECT_EQ(std::get<std::string>(*d.get("signal")),
                v->side == OrderSide::Buy ? "buy" : "sell");
      EXPECT_NE(sink.reason(before), "dead_band");
    }
    // Early windows said why there was nothing: still warming up.
    ASSERT_FALSE(sink.records.empty());
    EXPECT_EQ(sink.reason(0), "warming_up");
  }
}

std::unique_ptr<RunContext> context(const std::filesystem::path& db, const lstm::LstmModel& m,
                                    const std::string& mode = "paper") {
  auto ctx = std::make_unique<RunContext>();
  ctx->cfg.mode = mode;
  ctx->cfg.source = "kafka";  // a live source that has no candles: the store alone
  ctx->cfg.symbols = {"BTCUSD"};
  ctx->store = std::make_unique<SqliteStore>(db, "it");
  ctx->signal = std::make_unique<LstmSignal>(m);
  return ctx;
}

TEST(LstmServing, BarsSavedInTheStoreGiveARestartTheSamePrediction) {
  test::TempDir dir;
  const auto bars = cent_bars(400);
  const auto model = lstm::test::random_model(bars, 20, 8);
  const auto trades = trades_of(bars);
  const TimeNs t = bars.back().ts + kNsPerMin + 20 * kNsPerSec;
  std::optional<SignalValue> first;
  {
    auto ctx = context(dir.path() / "s.db", model);
    setup_lstm_serving(*ctx, bars.front().ts);                         // nothing saved yet
    EXPECT_EQ(dynamic_cast<LstmSignal*>(ctx->signal.get()), nullptr);  // wrapped to save
    // Live trades: the first trade of each minute completes (and saves) the one before.
    for (const auto& tr : trades)
      ctx->signal->on_trade("BTCUSD", tr.ts, tr.price.to_double(), tr.qty.to_double());
    auto so_far = lstm::decode_bars(*ctx->store->get_state("paper/lstm_bars/BTCUSD"));
    ASSERT_FALSE(so_far.empty());
    EXPECT_EQ(so_far.back().ts, bars[bars.size() - 2].ts);  // the last minute is still open
    first = ctx->signal->signal_at("BTCUSD", t);            // closes it: saved too
    ASSERT_TRUE(first && first->predicted_return);
  }
  auto saved = SqliteStore(dir.path() / "s.db", "x").get_state("paper/lstm_bars/BTCUSD");
  ASSERT_TRUE(saved);
  auto ctx = context(dir.path() / "s.db", model);
  setup_lstm_serving(*ctx, t);  // restart in the same minute
  auto again = ctx->signal->signal_at("BTCUSD", t);
  ASSERT_TRUE(again && again->predicted_return);
  EXPECT_NEAR(*again->predicted_return, *first->predicted_return, 1e-9);
  const std::size_t n_saved = lstm::decode_bars(*saved).size();
  EXPECT_LT(n_saved, bars.size());  // bounded
  EXPECT_EQ(n_saved, static_cast<std::size_t>(LstmSignal(model).history_limit()));

  // Down for three minutes: the missing minutes are not made up, the signal warms up again.
  auto late = context(dir.path() / "s.db", model);
  setup_lstm_serving(*late, t + 3 * kNsPerMin);
  EXPECT_FALSE(late->signal->signal_at("BTCUSD", t + 3 * kNsPerMin));
  EXPECT_EQ(late->signal->why_no_signal("BTCUSD")->code, "warming_up");
  // Another mode has its own bars.
  auto sandbox = context(dir.path() / "s.db", model, "sandbox");
  setup_lstm_serving(*sandbox, t);
  EXPECT_FALSE(sandbox->signal->signal_at("BTCUSD", t));
}

TEST(LstmServing, UnreadableSavedBarsAreAWarningAndReplaysAreLeftAlone) {
  test::TempDir dir;
  const auto bars = cent_bars(60);
  const auto model = lstm::test::random_model(bars);
  {
    SqliteStore s(dir.path() / "s.db", "x");
    s.put_state("paper/lstm_bars/BTCUSD", "{not json");
  }
  auto ctx = context(dir.path() / "s.db", model);
  EXPECT_NO_THROW(setup_lstm_serving(*ctx, bars.back().ts));
  EXPECT_FALSE(ctx->signal->signal_at("BTCUSD", bars.back().ts));

  auto replay = context(dir.path() / "r.db", model);
  replay->cfg.source = "replay:x.tsv";
  SignalSource* before = replay->signal.get();
  setup_lstm_serving(*replay, bars.back().ts);
  EXPECT_EQ(replay->signal.get(), before);  // not wrapped, nothing saved
  EXPECT_TRUE(replay->store->all_state().empty());
}

}  // namespace
}  // namespace rtcrypto::app
