// rtcrypto demo: the whole pipeline offline. Starts the simulator in-process on a free
// loopback port (TLS with its own CA), fits a forecast table on the sim's minute candles,
// then runs the daemon in sandbox mode against the sim (websocket + signed REST, the sim's
// certificate checked against its CA) with a one-line status, and ends with a report.
#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "rtcrypto/app/commands.hpp"
#include "rtcrypto/app/run_command.hpp"
#include "rtcrypto/app/run_config.hpp"
#include "rtcrypto/app/run_context.hpp"
#include "rtcrypto/forecast/forecast_table_writer.hpp"
#include "rtcrypto/forecast/prophet_model.hpp"
#include "rtcrypto/net/gemini_rest_client.hpp"
#include "rtcrypto/sim/sim_server.hpp"

namespace rtcrypto::app {

namespace {

namespace fs = std::filesystem;

struct DemoOptions {
  std::string dir = "rtcrypto-demo";
  double duration = 90;
  std::uint64_t seed = 7;
  double speed = 60;
  int fit_minutes = 720;  // candles used for the fit (the most recent ones)
  // The demo market's intraday cycle (see FlowParams): a pattern for the forecaster to find,
  // large enough against the sim's 35 bps taker fee that finding it can pay.
  double cycle_minutes = 30;
  double cycle_bps = 60;
  // "forecast": fit the Prophet-style model on the sim's candles; "lstm:MODEL": serve that
  // model instead (it warms up from the sim's candles like a live run).
  std::string signal = "forecast";
};

// The sim's minute candles over its REST API (the same client the daemon uses).
std::vector<MinuteBar> fetch_candles(const std::string& base_url, const std::string& ca_file) {
  boost::asio::io_context io;
  net::RestConfig rc;
  rc.base_url = base_url;
  rc.ca_file = ca_file;
  net::GeminiRestClient rest(io, rc);
  std::optional<std::vector<MinuteBar>> bars;
  std::string error;
  rest.candles_1m("BTCUSD", [&](const net::RestStatus& st, std::vector<MinuteBar> b) {
    if (!st.ok()) error = st.describe();
    bars = std::move(b);
  });
  TimeNs end = wall_now_ns() + 30 * kNsPerSec;
  while (!bars && wall_now_ns() < end) {
    io.run_for(std::chrono::milliseconds(20));
    if (io.stopped()) io.restart();
  }
  rest.stop();
  if (!bars) throw RuntimeFailure("demo: the simulator did not answer /v2/candles/BTCUSD/1m", 3);
  if (!error.empty()) throw RuntimeFailure("demo: candles: " + error, 3);
  std::sort(bars->begin(), bars->end(),
            [](const MinuteBar& a, const MinuteBar& b) { return a.ts < b.ts; });
  return *bars;
}

// Prophet on log closes of the recent candles; the table covers the demo's market time.
void fit_forecast(std::vector<MinuteBar> bars, int fit_minutes, double cycle_minutes,
                  std::size_t horizon, const fs::path& out_path) {
  if (bars.size() > static_cast<std::size_t>(fit_minutes))
    bars.erase(bars.begin(), bars.end() - fit_minutes);
  std::vector<TimeNs> ds;
  std::vector<double> y;
  for (const auto& b : bars) {
    if (b.close <= 0 || (!ds.empty() && b.ts <= ds.back())) continue;
    ds.push_back(b.ts);
    y.push_back(std::log(b.close));
  }
  if (ds.size() < 3) throw RuntimeFailure("demo: fewer than 3 candles from the simulator", 3);
  forecast::ProphetOptions opt;
  opt.daily = forecast::SeasonalityMode::Off;  // half a day of history cannot pin a day down
  // Prophet's add_seasonality with the period the demo market has: the forecast turns with it.
  if (cycle_minutes > 0) opt.extra_seasonalities.push_back({"cycle", cycle_minutes / 1440.0, 3});
  auto t0 = std::chrono::steady_clock::now();
  auto model = forecast::ProphetModel::fit(ds, y, opt);
  auto rows = forecast::make_forecast_rows(model, model.history_end + kNsPerMin, horizon, false);
  std::ofstream out(out_path, std::ios::binary);
  forecast::write_forecast_table(out, rows, forecast::TableFormat::Rich);
  if (!out) throw RuntimeFailure("demo: cannot write " + out_path.string(), 3);
  std::fprintf(stderr, "demo: fitted Prophet on %zu candles in %.1f s -> %s (%zu minutes)\n",
               ds.size(),
               std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
               out_path.string().c_str(), rows.size());
}

// What the status hook sees of the run: first and last mid and equity.
struct Watch {
  std::optional<double> first_mid, last_mid;
  double first_usd = 0, first_btc = 0, last_usd = 0, last_btc = 0;
  bool have_first_balances = false;
};

void read_balances(const RunContext& ctx, double& usd, double& btc) {
  if (!ctx.exchange()) return;
  for (const auto& b : ctx.exchange()->balances()) {
    if (b.currency == "USD") usd = b.amount.to_double();
    if (b.currency == "BTC") btc = b.amount.to_double();
  }
}

void run_demo(const DemoOptions& o) {
  if (o.duration <= 0 || o.duration > 150)
    throw UsageError("--duration must be in (0, 150] seconds");
  if (!(o.cycle_minutes >= 0) || !(std::abs(o.cycle_bps) <= 1000))
    throw UsageError("--cycle-minutes must be >= 0 and --cycle-bps within ±1000");
  if (o.signal != "forecast" && (o.signal.rfind("lstm:", 0) != 0 || o.signal.size() == 5))
    throw UsageError("--signal must be 'forecast' or 'lstm:MODEL', not '" + o.signal + "'");
  const fs::path dir = fs::absolute(o.dir);
  std::error_code ec;
  fs::create_directories(dir / "simcert", ec);
  if (ec) throw UsageError("--dir: cannot create " + dir.string() + ": " + ec.message());
  const fs::path store = dir / "demo.db";
  // A fresh account on a fresh sim: forget the state of an earlier demo.
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().filename().string().rfind("demo.db", 0) == 0) fs::remove(e.path(), ec);

  const std::string key = "demokey";
  const std::string secret = "demo-secret-" + std::to_string(o.seed * 7919 + 13);
  sim::SimConfig sc;
  sc.cert_dir = dir / "simcert";
  sc.seed = o.seed;
  sc.speed = o.speed;
  sc.flow.cycle_minutes = o.cycle_minutes;
  sc.flow.cycle_bps = o.cycle_bps;
  sc.accounts.push_back(sim::parse_account_spec(key + ":" + secret + ":USD=100000,BTC=0"));
  sim::SimServer sim(sc);
  sim.start();
  const std::string host = "127.0.0.1:" + std::to_string(sim.port());
  const std::string ca = sim.ca_path().string();
  std::fprintf(stderr, "demo: simulator on https://%s and wss://%s (CA %s), speed %gx\n",
               host.c_str(), host.c_str(), ca.c_str(), o.speed);

  const bool use_lstm = o.signal.rfind("lstm:", 0) == 0;
  const fs::path table = dir / "forecast.csv";
  if (!use_lstm) {
    const auto horizon = static_cast<std::size_t>(o.duration * o.speed / 60.0) + 120;
    fit_forecast(fetch_candles("https://" + host, ca), o.fit_minutes, o.cycle_minutes, horizon,
                 table);
  }

  RunConfig cfg;
  cfg.mode = "sandbox";
  cfg.source = "gemini";
  cfg.feed = "ws";
  cfg.symbols = {"BTCUSD"};
  cfg.ws_url = "wss://" + host;
  cfg.rest_url = "https://" + host;
  cfg.ca_file = ca;
  cfg.signal = use_lstm ? o.signal : "forecast:" + table.string();
  cfg.store = store.string();
  cfg.duration_seconds = o.duration;
  cfg.run_id = "demo-" + default_run_id().substr(4);
  // Book age is measured in market time, which runs `speed` times faster than the wall.
  cfg.risk.max_book_age_ms = static_cast<int>(5000 * o.speed);
  validate(cfg);
  ::setenv("GEMINI_API_KEY", key.c_str(), 1);
  ::setenv("GEMINI_API_SECRET", secret.c_str(), 1);

  Watch w;
  const TimeNs start = wall_now_ns();
  g_live_status_hook = [&w, start](const RunContext& ctx) {
    const OrderBook* book = ctx.engine ? ctx.engine->book("BTCUSD") : nullptr;
    if (book && book->mid()) {
      w.last_mid = book->mid()->to_double();
      if (!w.first_mid) w.first_mid = w.last_mid;
    }
    read_balances(ctx, w.last_usd, w.last_btc);
    if (!w.have_first_balances) {
      w.first_usd = w.last_usd;
      w.first_btc = w.last_btc;
      w.have_first_balances = true;
    }
    const EngineStats& s = ctx.engine->stats();
    std::fprintf(stderr,
                 "\r[%5.1fs] mid %.2f  windows %llu  decisions %llu  orders %llu  fills %llu  "
                 "USD %.2f BTC %.6f   ",
                 static_cast<double>(wall_now_ns() - start) / 1e9, w.last_mid.value_or(0),
                 static_cast<unsigned long long>(s.windows),
                 static_cast<unsigned long long>(s.decisions),
                 static_cast<unsigned long long>(s.orders),
                 static_cast<unsigned long long>(s.fills), w.last_usd, w.last_btc);
    std::fflush(stderr);
  };
  RunSummary sum;
  try {
    sum = run_daemon(cfg);
  } catch (...) {
    g_live_status_hook = nullptr;
    ::unsetenv("GEMINI_API_SECRET");
    throw;
  }
  g_live_status_hook = nullptr;
  ::unsetenv("GEMINI_API_SECRET");
  std::fprintf(stderr, "\n");
  sim.stop();

  const double m0 = w.first_mid.value_or(0), m1 = w.last_mid.value_or(m0);
  const double eq0 = w.first_usd + w.first_btc * m0;
  const double eq1 = w.last_usd + w.last_btc * m1;
  const double hold = m0 > 0 ? eq0 / m0 * m1 : eq0;  // everything in BTC at the first mid
  std::printf("\nrtcrypto demo report (%.0f s against the simulator, market %gx faster)\n",
              o.duration, o.speed);
  std::printf("  windows            %llu\n", static_cast<unsigned long long>(sum.windows));
  std::printf("  decisions          %llu\n", static_cast<unsigned long long>(sum.decisions));
  std::printf("  orders / fills     %llu / %llu (%llu rejected by the exchange, %llu by risk)\n",
              static_cast<unsigned long long>(sum.orders),
              static_cast<unsigned long long>(sum.fills),
              static_cast<unsigned long long>(sum.orders_rejected),
              static_cast<unsigned long long>(sum.rejected_by_risk));
  std::printf("  fees               %s USD\n", sum.fees.c_str());
  std::printf("  mid                %.2f -> %.2f\n", m0, m1);
  std::printf("  equity             %.2f -> %.2f USD: PnL %+.2f USD\n", eq0, eq1, eq1 - eq0);
  std::printf("  buy-and-hold       PnL %+.2f USD (all equity in BTC at the first mid)\n",
              hold - eq0);
  std::printf("  strategy vs hold   %+.2f USD\n", eq1 - hold);
  std::printf("  signal             %s\n", cfg.signal.c_str());
  std::printf("  store              %s (run_id %s)\n", store.string().c_str(), cfg.run_id.c_str());
  std::fflush(stdout);
}

}  // namespace

void add_demo_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "demo",
      "Offline demo: a local Gemini-compatible simulator, a forecast fitted on its candles, and "
      "the daemon trading against it in sandbox mode over TLS; ends with a report");
  auto o = std::make_shared<DemoOptions>();
  cmd->add_option("--dir", o->dir, "folder for the forecast table, the store and the sim's CA")
      ->capture_default_str();
  cmd->add_option("--duration", o->duration, "seconds of trading (at most 150)")
      ->capture_default_str();
  cmd->add_option("--seed", o->seed, "the simulator's seed")->capture_default_str();
  cmd->add_option("--speed", o->speed, "market time per wall second")->capture_default_str();
  cmd->add_option("--cycle-minutes", o->cycle_minutes,
                  "period of the demo market's intraday cycle (0 = a plain random walk)")
      ->capture_default_str();
  cmd->add_option("--cycle-bps", o->cycle_bps, "amplitude of that cycle")->capture_default_str();
  cmd->add_option("--signal", o->signal,
                  "'forecast' (fit the Prophet-style model on the sim's candles) or "
                  "'lstm:MODEL' (serve that model; it warms up from the sim's candles)")
      ->capture_default_str();
  cmd->callback([o] { run_demo(*o); });
}

}  // namespace rtcrypto::app
