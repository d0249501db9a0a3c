// rtcrypto backtest: hand-computed trades on a tiny bars file, text/JSON agreement,
// determinism, usage errors, and the same windows and decisions as `rtcrypto run` on a replay.
#include "rtcrypto/app/backtest_command.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "lstm_core/synthetic.hpp"
#include "rtcrypto/app/bar_events.hpp"
#include "rtcrypto/app/cli.hpp"
#include "rtcrypto/app/commands.hpp"
#include "rtcrypto/app/run_command.hpp"
#include "rtcrypto/bars/minute_bars.hpp"
#include "rtcrypto/lstm/trainer.hpp"
#include "rtcrypto/lstm_core/lstm_signal.hpp"
#include "test_support.hpp"

namespace rtcrypto::app {
namespace {

using test::TempDir;

void write_file(const std::filesystem::path& p, const std::string& text) {
  std::ofstream(p) << text;
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Five bars from 2024-01-01 00:00 UTC (1704067200): closes 10000, 10000, 10500, 11000, 10800.
// Decisions close each bar's window at its end and read the table row one minute later.
const char* kBars =
    "timestamp,open,high,low,close,volume\n"
    "1704067200,10000,10010,9990,10000,4\n"
    "1704067260,10000,10020,9980,10000,4\n"
    "1704067320,10000,10600,10000,10500,4\n"
    "1704067380,10500,11100,10400,11000,4\n"
    "1704067440,11000,11000,10700,10800,4\n";
// Bar 1 decides at 00:02 (row 00:03), ... bar 4 at 00:05 reads row 00:06, which the table
// does not have: "no_signal". (Bar 0 has no window: its book is a snapshot, not flow.)
const char* kTable =
    "ds,side\n"
    "2024-01-01 00:02:00,buy\n"
    "2024-01-01 00:03:00,buy\n"
    "2024-01-01 00:04:00,buy\n"
    "2024-01-01 00:05:00,sell\n";

struct HandFixture {
  TempDir dir;
  std::string bars = (dir / "bars.csv").string();
  std::string table = (dir / "table.csv").string();
  HandFixture() {
    write_file(bars, kBars);
    write_file(table, kTable);
  }
  RunConfig config() const {
    RunConfig c;
    c.source = "bars:" + bars;
    c.signal = "forecast:" + table;
    c.symbols = {"BTCUSD"};
    c.store = "";
    c.run_id = "backtest";
    c.paper.balances = "USD=200020,BTC=0";
    c.strategy.trade_pct = 0.5;
    c.risk.max_position = 100;
    validate(c);
    return c;
  }
  std::vector<std::string> args(std::vector<std::string> extra = {}) const {
    std::vector<std::string> a = {"rtcrypto",
                                  "backtest",
                                  "--bars",
                                  bars,
                                  "--signal",
                                  "forecast:" + table,
                                  "--symbol",
                                  "BTCUSD",
                                  "--paper-balances",
                                  "USD=200020,BTC=0",
                                  "--trade-pct",
                                  "0.5",
                                  "--max-position",
                                  "100",
                                  "--progress-seconds",
                                  "0"};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }
};

int run_cli(std::vector<std::string> args, std::string* out = nullptr, std::string* err = nullptr) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  testing::internal::CaptureStdout();
  testing::internal::CaptureStderr();
  int rc = rtcrypto::app::main(static_cast<int>(argv.size()), argv.data());
  std::string o = testing::internal::GetCapturedStdout();
  std::string e = testing::internal::GetCapturedStderr();
  if (out) *out = o;
  if (err) *err = e;
  return rc;
}

TEST(BarEvents, SyntheticBookAroundTheClose) {
  BarBookSettings s;  // 2 bps spread, 10 levels 1 bp apart, 1e6 quote per level
  BarEvents ev("BTCUSD", s, Decimal::parse("0.01").value(), Decimal::parse("0.00000001").value());
  auto bids = ev.levels_for(10000, Side::Bid), asks = ev.levels_for(10000, Side::Ask);
  ASSERT_EQ(bids.size(), 10u);
  ASSERT_EQ(asks.size(), 10u);
  EXPECT_EQ(bids[0].price.to_string(), "9999");
  EXPECT_EQ(asks[0].price.to_string(), "10001");
  EXPECT_EQ(bids[1].price.to_string(), "9998");
  EXPECT_EQ(asks[9].price.to_string(), "10010");
  // 1e6 / 10001 floored to 1e-8.
  EXPECT_EQ(asks[0].quantity.to_string(), "99.99000099");
}

TEST(Backtest, HandComputedTradesFeesAndPnl) {
  HandFixture fx;
  BacktestReport r = run_backtest(fx.config());
  EXPECT_EQ(r.input_kind, "bars");
  EXPECT_EQ(r.inputs, 5u);
  // Bar 0: its book came as a snapshot, which is not flow: no window for that minute.
  EXPECT_EQ(r.windows, 4u);
  EXPECT_EQ(r.decisions, 4u);
  // Bar 1: buy 0.5 x 200020 = 100010 USD at the ask 10001 (close 10000 + 1 bp) = 10 BTC.
  EXPECT_EQ(r.decisions_by_reason["buy"], 1u);
  // Bar 2: still long.
  EXPECT_EQ(r.decisions_by_reason["not_flat"], 1u);
  // Bar 3: sell 10 BTC at the bid 10998.9 (close 11000 - 1 bp).
  EXPECT_EQ(r.decisions_by_reason["sell"], 1u);
  // Bar 4: the table ends before its row.
  EXPECT_EQ(r.decisions_by_reason["no_signal"], 1u);
  EXPECT_EQ(r.decisions_taken, 2u);
  EXPECT_EQ(r.decisions_no_action, 2u);
  EXPECT_EQ(r.orders, 2u);
  EXPECT_EQ(r.buys, 1u);
  EXPECT_EQ(r.sells, 1u);
  EXPECT_EQ(r.fills, 2u);
  // Fees at 40 bps: 100010 x 0.004 = 400.04 and 109989 x 0.004 = 439.956.
  EXPECT_EQ(r.fees.to_string(), "839.996");
  // (10998.9 - 10001) x 10 - 839.996.
  EXPECT_EQ(r.realized_pnl.to_string(), "9139.004");
  ASSERT_TRUE(r.initial_equity && r.final_equity && r.pnl);
  EXPECT_EQ(r.initial_equity->to_string(), "200020");
  EXPECT_EQ(r.final_equity->to_string(), "209159.004");
  EXPECT_EQ(r.pnl->to_string(), "9139.004");
  std::map<std::string, std::string> bal;
  for (const auto& [cur, amount] : r.final_balances) bal[cur] = amount.to_string();
  EXPECT_EQ(bal, (std::map<std::string, std::string>{{"BTC", "0"}, {"USD", "209159.004"}}));
  // 9139.004 / 200020.
  ASSERT_TRUE(r.return_pct);
  EXPECT_DOUBLE_EQ(*r.return_pct, 4.569);
  // Hold from the first ask 10001 (fee 40 bps) to the last mid 10800.
  ASSERT_TRUE(r.buy_hold_return_pct);
  EXPECT_DOUBLE_EQ(*r.buy_hold_return_pct, 7.5572);
  // Equity peak 99609.96 + 10 x 11000 = 209609.96 at bar 3, then 209159.004.
  ASSERT_TRUE(r.max_drawdown_pct);
  EXPECT_DOUBLE_EQ(*r.max_drawdown_pct, 0.2151);
  // Mid 11000 -> 10800.
  EXPECT_DOUBLE_EQ(*r.buy_hold_max_drawdown_pct, 1.8182);
  EXPECT_EQ(r.round_trips, 1u);
  EXPECT_EQ(r.won, 1u);
  EXPECT_EQ(r.lost, 0u);
  EXPECT_EQ(format_ymd_hms(r.period_start), "2024-01-01 00:01:00");
  EXPECT_EQ(format_ymd_hms(r.period_end), "2024-01-01 00:05:00");
  EXPECT_FALSE(r.interrupted);
}

TEST(Backtest, FromToWarmUpAndCut) {
  HandFixture fx;
  RunConfig c = fx.config();
  c.from = "2024-01-01 00:01:00";
  c.to = "2024-01-01 00:04:00";
  BacktestReport r = run_backtest(c);
  EXPECT_EQ(r.inputs, 3u);  // bars 1, 2, 3
  EXPECT_EQ(r.windows, 3u);
  EXPECT_EQ(format_ymd_hms(r.period_start), "2024-01-01 00:01:00");
  EXPECT_EQ(format_ymd_hms(r.period_end), "2024-01-01 00:04:00");
  // Bar 0 built the book before --from: bar 1's window has flow and buys at once.
  EXPECT_EQ(r.decisions_by_reason["buy"], 1u);
  EXPECT_EQ(r.decisions_by_reason["sell"], 1u);
  EXPECT_EQ(r.realized_pnl.to_string(), "9139.004");
}

TEST(Backtest, CliTextAndJsonAgreeAndRunsAreDeterministic) {
  HandFixture fx;
  std::string text, text2, js;
  std::string j1 = (fx.dir / "a.jsonl").string(), j2 = (fx.dir / "b.jsonl").string();
  ASSERT_EQ(run_cli(fx.args({"--out-jsonl", j1}), &text), 0);
  ASSERT_EQ(run_cli(fx.args({"--out-jsonl", j2}), &text2), 0);
  EXPECT_EQ(text, text2);
  EXPECT_FALSE(read_file(j1).empty());
  EXPECT_EQ(read_file(j1), read_file(j2));
  ASSERT_EQ(run_cli(fx.args({"--json"}), &js), 0);
  nlohmann::json j = nlohmann::json::parse(js);

  // Every number of the JSON appears as such in the text.
  auto text_value = [&](const std::string& key) {
    std::istringstream in(text);
    std::string l;
    while (std::getline(in, l)) {
      auto k = l.find_first_not_of(' ');
      if (k == std::string::npos || l.compare(k, key.size(), key) != 0) continue;
      auto rest = l.substr(k + key.size());
      if (rest.empty() || rest[0] != ' ') continue;
      auto v = rest.find_first_not_of(' ');
      return rest.substr(v);
    }
    return std::string("(missing " + key + ")");
  };
  auto pct = [](double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%.4f %%", v);
    return std::string(b);
  };
  EXPECT_EQ(text_value("bars"), std::to_string(j["inputs"].get<int>()));
  EXPECT_EQ(text_value("windows"), std::to_string(j["windows"].get<int>()));
  EXPECT_EQ(text_value("decisions"), std::to_string(j["decisions"]["total"].get<int>()));
  EXPECT_EQ(text_value("taken"), std::to_string(j["decisions"]["taken"].get<int>()));
  for (auto& [reason, n] : j["decisions"]["by_reason"].items())
    EXPECT_EQ(text_value("reason " + reason), std::to_string(n.get<int>())) << reason;
  EXPECT_EQ(text_value("orders"), std::to_string(j["orders"]["total"].get<int>()));
  EXPECT_EQ(text_value("fills"), std::to_string(j["fills"].get<int>()));
  EXPECT_EQ(text_value("fees"), j["fees"].get<std::string>() + " USD");
  EXPECT_EQ(text_value("realized PnL"), j["realized_pnl"].get<std::string>() + " USD");
  EXPECT_EQ(text_value("final equity"), j["final_equity"].get<std::string>() + " USD");
  EXPECT_EQ(text_value("PnL"), j["pnl"].get<std::string>() + " USD");
  EXPECT_EQ(text_value("return"), pct(j["return_pct"].get<double>()));
  EXPECT_EQ(text_value("buy and hold return"), pct(j["buy_hold_return_pct"].get<double>()));
  EXPECT_EQ(text_value("max drawdown"), pct(j["max_drawdown_pct"].get<double>()));
  EXPECT_EQ(text_value("won"), std::to_string(j["round_trips"]["won"].get<int>()));
  EXPECT_EQ(j["fees"], "839.996");
  EXPECT_EQ(j["final_balances"]["USD"], "209159.004");
  EXPECT_DOUBLE_EQ(j["return_pct"].get<double>(), 4.569);
}

TEST(Backtest, BadFlagsExitTwoNamingTheFlag) {
  HandFixture fx;
  auto err_of = [&](std::vector<std::string> args) {
    std::string err;
    int rc = run_cli(std::move(args), nullptr, &err);
    EXPECT_EQ(rc, 2) << err;
    return err;
  };
  EXPECT_NE(
      err_of({"rtcrypto", "backtest", "--bars", (fx.dir / "missing.csv").string()}).find("--bars"),
      std::string::npos);
  EXPECT_NE(
      err_of({"rtcrypto", "backtest", "--bars", fx.bars, "--signal", "prophet:x"}).find("--signal"),
      std::string::npos);
  EXPECT_NE(err_of({"rtcrypto", "backtest", "--bars", fx.bars, "--signal",
                    "forecast:" + (fx.dir / "none.csv").string()})
                .find("--signal"),
            std::string::npos);
  EXPECT_NE(err_of({"rtcrypto", "backtest"}).find("--source"), std::string::npos);
  EXPECT_NE(err_of({"rtcrypto", "backtest", "--bars", fx.bars, "--source", "replay:" + fx.bars})
                .find("--bars"),
            std::string::npos);
  EXPECT_NE(err_of({"rtcrypto", "backtest", "--source", "gemini"}).find("--source"),
            std::string::npos);
  EXPECT_NE(err_of(fx.args({"--from", "yesterday"})).find("--from"), std::string::npos);
  EXPECT_NE(err_of(fx.args({"--symbols", "BTCUSD,ETHUSD"})).find("--symbols"), std::string::npos);
  EXPECT_NE(err_of(fx.args({"--bar-spread-bps", "0"})).find("spread_bps"), std::string::npos);
  // A table that is not a table.
  write_file(fx.dir / "bad.csv", "hello\nworld\n");
  EXPECT_NE(err_of({"rtcrypto", "backtest", "--bars", fx.bars, "--signal",
                    "forecast:" + (fx.dir / "bad.csv").string()})
                .find("signal"),
            std::string::npos);
}

TEST(Backtest, ReplayGivesTheSameRecordsAsRun) {
  RTC_SHARED_FILE_OR_SKIP(frames, "gemini/v2-marketdata-frames-with-recv-ts.tsv");
  TempDir dir;
  RunConfig c;
  c.source = "replay:" + frames.string();
  c.symbols = {"BTCUSD", "ETHUSD"};
  c.store = "";
  c.run_id = "same";
  c.window_seconds = 10;
  c.out_jsonl = (dir / "probe.jsonl").string();
  validate(c);
  // A table that says buy and sell in turn, one row per minute the replay decides in.
  BacktestReport probe = run_backtest(c);
  ASSERT_GT(probe.decisions, 10u);
  std::set<TimeNs> minutes;
  {
    std::ifstream in(c.out_jsonl);
    std::string line;
    while (std::getline(in, line)) {
      auto j = nlohmann::json::parse(line);
      if (j.value("doc_type", "") == "decision")
        minutes.insert(floor_to_period(j["window_end"].get<TimeNs>(), kNsPerMin) + kNsPerMin);
    }
  }
  ASSERT_FALSE(minutes.empty());
  std::string table = "ds,side\n";
  int i = 0;
  for (TimeNs m : minutes) table += format_ymd_hms(m) + (i++ % 2 ? ",sell\n" : ",buy\n");
  write_file(dir / "table.csv", table);
  c.signal = "forecast:" + (dir / "table.csv").string();

  c.out_jsonl = (dir / "run.jsonl").string();
  testing::internal::CaptureStdout();
  RunSummary sum = run_daemon(c);
  testing::internal::GetCapturedStdout();
  c.out_jsonl = (dir / "backtest.jsonl").string();
  BacktestReport r = run_backtest(c);
  EXPECT_EQ(r.windows, sum.windows);
  EXPECT_EQ(r.decisions, sum.decisions);
  EXPECT_EQ(r.orders, sum.orders);
  EXPECT_EQ(r.fills, sum.fills);
  EXPECT_EQ(r.fees.to_string(), sum.fees);
  EXPECT_EQ(r.inputs, sum.frames);
  EXPECT_EQ(r.decisions_taken + r.decisions_risk_refused + r.decisions_no_action, r.decisions);
  EXPECT_GT(r.decisions, r.decisions_by_reason["no_signal"]);
  EXPECT_GT(r.orders, 0u);  // the table made it trade
  // Every record, in order, is the same.
  const std::string run_records = read_file(dir / "run.jsonl");
  EXPECT_FALSE(run_records.empty());
  EXPECT_EQ(run_records, read_file(dir / "backtest.jsonl"));
}

// Decision records of windows that start at or after `from` (JSON lines as written).
std::vector<std::string> decisions_from(const std::filesystem::path& jsonl, TimeNs from) {
  std::vector<std::string> out;
  std::ifstream in(jsonl);
  std::string line;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line);
    if (j.value("doc_type", "") == "decision" && j["window_start"].get<TimeNs>() >= from)
      out.push_back(line);
  }
  return out;
}

TEST(Backtest, ReplayFromMidSessionStartsWithTheWarmBook) {
  RTC_SHARED_FILE_OR_SKIP(frames, "gemini/v2-marketdata-frames-with-recv-ts.tsv");
  TempDir dir;
  RunConfig c;
  c.source = "replay:" + frames.string();
  c.symbols = {"BTCUSD", "ETHUSD"};
  c.store = "";
  c.run_id = "cut";
  c.window_seconds = 10;
  c.out_jsonl = (dir / "full.jsonl").string();
  validate(c);
  BacktestReport full = run_backtest(c);
  // From the second window of the 2021-04-17 session on, to before the 2026 session.
  c.from = "2021-04-17 16:45:50";
  c.to = "2022-01-01";
  c.out_jsonl = (dir / "cut.jsonl").string();
  validate(c);
  BacktestReport cut = run_backtest(c);
  const TimeNs from = parse_ymd_hms("2021-04-17 16:45:50").value();
  const TimeNs to = parse_ymd_hms("2022-01-01 00:00:00").value();
  auto all = decisions_from(dir / "full.jsonl", from);
  std::vector<std::string> expected;
  for (const auto& l : all)
    if (nlohmann::json::parse(l)["window_start"].get<TimeNs>() < to) expected.push_back(l);
  auto got = decisions_from(dir / "cut.jsonl", 0);
  ASSERT_GE(expected.size(), 4u);
  EXPECT_LT(cut.windows, full.windows);
  EXPECT_EQ(cut.decisions, expected.size());
  // The same windows, ratios, books (whole: the book built before --from was handed over).
  ASSERT_EQ(got.size(), expected.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    auto g = nlohmann::json::parse(got[i]), e = nlohmann::json::parse(expected[i]);
    for (const char* k : {"symbol", "window_start", "window_end", "ratio", "ask_sum", "bid_sum",
                          "best_bid", "best_ask", "book_whole", "book_crossed", "equity"})
      EXPECT_EQ(g[k], e[k]) << k << " of decision " << i;
  }
  EXPECT_TRUE(nlohmann::json::parse(got.front())["book_whole"].get<bool>());
}

// The LSTM gets each bar's exact open, high, low, close and volume through the core (trades
// along the bar's path), so its signals equal those of the model fed the bars directly.
TEST(Backtest, LstmSeesTheBarsThroughTheCore) {
  TempDir dir;
  const std::string csv = (dir / "bars.csv").string();
  {
    std::ofstream out(csv);
    out << "timestamp,open,high,low,close,volume\n";
    char line[200];
    for (const MinuteBar& b : lstm::test::random_walk_bars(400)) {
      std::snprintf(line, sizeof line, "%lld,%.2f,%.2f,%.2f,%.2f,%.0f\n",
                    static_cast<long long>(b.ts / kNsPerSec), b.open, b.high, b.low, b.close,
                    std::round(b.volume));
      out << line;
    }
  }
  const std::vector<MinuteBar> bars = read_minute_bars(csv);
  lstm::TrainOptions o;
  o.lookback = 10;
  o.hidden = 8;
  o.epochs = 1;
  o.batch_size = 32;
  o.threads = 1;
  o.spec.sma_window = 5;
  o.spec.atr_window = 5;
  try {
    lstm::train_lstm(bars, o, dir / "m.pt");
  } catch (const std::exception& e) {
    GTEST_SKIP() << "no LSTM training here: " << e.what();
  }
  RunConfig c;
  c.source = "bars:" + csv;
  c.signal = "lstm:" + (dir / "m.pt").string();
  c.symbols = {"BTCUSD"};
  c.store = "";
  c.run_id = "lstm";
  c.out_jsonl = (dir / "bt.jsonl").string();
  validate(c);
  BacktestReport r = run_backtest(c);
  EXPECT_EQ(r.windows, bars.size() - 1);  // the first bar's book is a snapshot

  lstm::LstmSignal direct(lstm::load_lstm_model(dir / "m.pt"));
  std::map<TimeNs, std::optional<SignalValue>> expected;
  for (const MinuteBar& b : bars) {
    direct.on_bar("BTCUSD", b);
    expected[b.ts + kNsPerMin] = direct.signal_at("BTCUSD", b.ts + kNsPerMin);
  }
  std::ifstream in(c.out_jsonl);
  std::string line;
  std::size_t decisions = 0, signals = 0;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line);
    if (j.value("doc_type", "") != "decision") continue;
    ++decisions;
    const auto& e = expected.at(j["window_end"].get<TimeNs>());
    ASSERT_EQ(j["signal"].is_null(), !e.has_value()) << line;
    if (!e) continue;
    ++signals;
    EXPECT_EQ(j["signal"].get<std::string>(), std::string(to_string(e->side)));
    EXPECT_NEAR(j["yhat"].get<double>(), *e->yhat, 1e-6 * *e->yhat);
  }
  EXPECT_EQ(decisions, r.decisions);
  EXPECT_GT(signals, bars.size() / 2);
  EXPECT_GT(r.orders, 0u);
}

}  // namespace
}  // namespace rtcrypto::app
