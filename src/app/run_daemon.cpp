#include <csignal>
#include <cstdio>
#include <iostream>
#include <set>

#include "rtcrypto/app/commands.hpp"
#include "rtcrypto/app/lstm_serving.hpp"
#include "rtcrypto/app/observability_wiring.hpp"
#include "rtcrypto/app/run_context.hpp"
#include "rtcrypto/core/log.hpp"
#include "rtcrypto/engine/engine_state_codec.hpp"
#include "rtcrypto/lstm_core/lstm_signal.hpp"
#include "rtcrypto/paper/paper_config.hpp"
#include "rtcrypto/signal/forecast_table.hpp"

namespace rtcrypto::app {

std::atomic<bool> g_stop_requested{false};

bool is_replay(const RunConfig& cfg) {
  return cfg.source.rfind("replay:", 0) == 0 || cfg.source.rfind("bars:", 0) == 0;
}

namespace {

void on_run_stop_signal(int) {
  g_stop_requested.store(true);
}

// The forecast table, plus one clear warning the first time the data runs past the table's
// last row (a stale table gives no signal from then on; the table alone only warns per row).
class StaleCheckedTable final : public SignalSource {
 public:
  StaleCheckedTable(std::unique_ptr<ForecastTable> table, std::string path)
      : table_(std::move(table)), path_(std::move(path)) {}
  std::optional<SignalValue> signal_at(std::string_view symbol, TimeNs t) override {
    warn_if_stale(t, "the data");
    return table_->signal_at(symbol, t);
  }
  std::string describe() const override { return table_->describe(); }
  // Decisions at t read the row for the next minute.
  void warn_if_stale(TimeNs t, const char* what) {
    if (warned_ || !table_->stale_at(floor_to_period(t, kNsPerMin) + kNsPerMin)) return;
    warned_ = true;
    log::warn("forecast table " + path_ + " is stale: it ends at " +
              format_ymd_hms(table_->covers_until()) + " UTC but " + what + " is at " +
              format_ymd_hms(t) +
              " UTC; no signal (no orders) past its end - refit with "
              "'rtcrypto forecast fit'");
  }

 private:
  std::unique_ptr<ForecastTable> table_;
  std::string path_;
  bool warned_ = false;
};

std::unique_ptr<SignalSource> make_signal(const RunConfig& cfg) {
  if (cfg.signal.empty()) {
    log::warn("no --signal given: every decision will be 'no_signal' (no orders)");
    return nullptr;
  }
  try {
    if (cfg.signal.rfind("forecast:", 0) == 0) {
      const std::string path = cfg.signal.substr(9);
      auto table = std::make_unique<ForecastTable>(ForecastTable::load(path));
      log::info("signal: " + table->describe());
      auto checked = std::make_unique<StaleCheckedTable>(std::move(table), path);
      // Live sources run now: say so at start-up; replays are checked at their first decision.
      if (!is_replay(cfg)) checked->warn_if_stale(wall_now_ns(), "the clock");
      return checked;
    }
    lstm::LstmSignalOptions lo;
    lo.min_return = cfg.lstm_min_return;
    return make_lstm_signal(cfg.signal.substr(5), lo);
  } catch (const std::exception& e) {
    throw UsageError(std::string("config key 'signal': ") + e.what());
  }
}

Decimal decimal_setting(double v, const char* key) {
  auto d = Decimal::from_double(v, 8);
  if (!d) throw UsageError(std::string("config key '") + key + "': not a usable number");
  return *d;
}

EngineConfig engine_config(const RunConfig& cfg) {
  EngineConfig ec;
  for (const auto& s : cfg.symbols) ec.symbols.push_back(normalize_symbol(s));
  ec.window_length = static_cast<TimeNs>(cfg.window_seconds) * kNsPerSec;
  ec.run_id = cfg.run_id;
  parse_ratio_mode(cfg.strategy.ratio, ec.ratio_mode);
  ec.strategy.band_low = cfg.strategy.band_low;
  ec.strategy.band_high = cfg.strategy.band_high;
  ec.strategy.trade_pct = decimal_setting(cfg.strategy.trade_pct, "strategy.trade_pct");
  ec.strategy.slippage_bps = static_cast<std::int64_t>(cfg.strategy.slippage_bps);
  const auto& r = cfg.risk;
  ec.risk.max_order_notional = decimal_setting(r.max_order_notional, "risk.max_order_notional");
  ec.risk.max_position = decimal_setting(r.max_position, "risk.max_position");
  ec.risk.max_orders_per_minute = r.max_orders_per_minute;
  ec.risk.daily_loss_limit = decimal_setting(r.daily_loss_limit, "risk.daily_loss_limit");
  ec.risk.max_drawdown_pct = r.max_drawdown_pct;
  ec.risk.max_book_age = static_cast<TimeNs>(r.max_book_age_ms) * kNsPerMs;
  ec.risk.kill_switch_allows_sells = r.kill_switch_allows_sells;
  return ec;
}

// Replays start from the configured account every time (so that two runs agree); live
// sources continue from what the store remembers for their mode.
std::string state_prefix(const RunConfig& cfg) {
  return is_replay(cfg) ? "replay/" + cfg.run_id + "/" : cfg.mode + "/";
}

void restore_state(RunContext& ctx) {
  if (!ctx.store || is_replay(ctx.cfg)) return;
  std::string prefix = state_prefix(ctx.cfg);
  try {
    if (auto s = ctx.store->get_state(prefix + "engine")) {
      ctx.engine->import_state(decode_engine_state(*s));
      log::info("restored engine state (positions, kill switch, order counter) from " +
                ctx.store->path().string());
    }
    if (ctx.paper) {
      if (auto s = ctx.store->get_state(prefix + "paper")) {
        ctx.paper->import_state(paper_state_from_json(*s));
        log::info("restored paper account from the store");
      }
    }
  } catch (const std::exception& e) {
    throw RuntimeFailure(std::string("cannot restore state from the store: ") + e.what(), 3);
  }
}

void save_state(RunContext& ctx) {
  if (!ctx.store) return;
  std::string prefix = state_prefix(ctx.cfg);
  ctx.store->put_state(prefix + "engine", encode_engine_state(ctx.engine->export_state()));
  if (ctx.paper) ctx.store->put_state(prefix + "paper", to_json(ctx.paper->export_state()));
}

}  // namespace

void print_run_summary(const RunContext& ctx) {
  const RunSummary& s = ctx.summary;
  auto line = [](const char* k, const std::string& v) {
    std::printf("  %-18s %s\n", k, v.c_str());
  };
  auto num = [](std::uint64_t v) { return std::to_string(v); };
  std::printf("rtcrypto run summary (run_id %s, mode %s, source %s)\n", ctx.cfg.run_id.c_str(),
              ctx.cfg.mode.c_str(), ctx.cfg.source.c_str());
  line("frames", num(s.frames));
  line("level changes", num(s.changes));
  line("trades seen", num(s.trades));
  line("parse errors", num(s.parse_errors));
  line("skipped lines", num(s.skipped_lines));
  line("gaps", num(s.gaps));
  line("windows", num(s.windows));
  line("decisions", num(s.decisions));
  line("orders", num(s.orders));
  line("orders rejected", num(s.orders_rejected));
  line("risk refusals", num(s.rejected_by_risk));
  line("fills", num(s.fills));
  line("fees", s.fees);
  line("realized PnL", s.pnl);
  if (ctx.exchange()) {
    std::string bal;
    for (const auto& b : ctx.exchange()->balances()) {
      if (!bal.empty()) bal += ", ";
      bal += b.currency + "=" + b.amount.to_string();
    }
    line("balances", bal);
  }
  line("documents", num(s.documents));
  if (ctx.store) line("store", ctx.store->path().string());
  if (!ctx.cfg.out_jsonl.empty()) line("jsonl", ctx.cfg.out_jsonl);
  std::fflush(stdout);
}

std::string default_run_id() {
  std::string t = format_iso8601_ms(wall_now_ns());  // 2026-11-21T02:15:00.123Z
  std::string id = "run-";
  for (char c : t.substr(0, 19))
    if (c != '-' && c != ':') id += c;
  return id + "Z";
}

void RunContext::end_of_frame(TimeNs ts) {
  kafka_frame_end(*this, ts);
  engine->end_of_frame(ts);
  if (paper && !paper->open_orders().empty())
    for (const auto& s : engine->config().symbols) paper->on_book_update(s);
}

bool RunContext::should_stop() const {
  if (g_stop_requested.load()) return true;
  if (gate && gate->past_end()) return true;
  return cfg.duration_seconds > 0 &&
         static_cast<double>(wall_now_ns() - started_wall) / 1e9 >= cfg.duration_seconds;
}

std::unique_ptr<RunContext> open_run(const RunConfig& cfg) {
  auto owned = std::make_unique<RunContext>();
  RunContext& ctx = *owned;
  ctx.cfg = cfg;
  ctx.started_wall = wall_now_ns();
  g_stop_requested = false;
  std::signal(SIGINT, on_run_stop_signal);
  std::signal(SIGTERM, on_run_stop_signal);

  if (cfg.mode == "live")
    log::warn("LIVE MODE: orders go to the production exchange and trade REAL MONEY");
  ctx.signal = cfg.no_trading ? nullptr : make_signal(cfg);
  try {
    if (!cfg.store.empty()) {
      ctx.store = std::make_unique<SqliteStore>(cfg.store, cfg.run_id);
      // A replay under an existing run id replaces that run's documents: nothing doubled.
      if (is_replay(cfg)) ctx.store->delete_run(cfg.run_id);
    }
    if (!cfg.out_jsonl.empty())
      ctx.jsonl = std::make_unique<JsonlWriter>(cfg.out_jsonl, cfg.run_id);
  } catch (const std::runtime_error& e) {
    throw UsageError(e.what());
  }

  EngineConfig ec = engine_config(cfg);
  if (cfg.mode == "paper" && !cfg.no_trading) {
    PaperConfig pc;
    try {
      pc.balances = parse_paper_balances(cfg.paper.balances);
    } catch (const std::exception& e) {
      throw UsageError(std::string("config key 'paper.balances': ") + e.what());
    }
    pc.taker_fee_bps = decimal_setting(cfg.paper.taker_fee_bps, "paper.taker_fee_bps");
    pc.maker_fee_bps = decimal_setting(cfg.paper.maker_fee_bps, "paper.maker_fee_bps");
    pc.book_lookup = [&ctx](std::string_view s) -> const OrderBook* {
      return ctx.engine ? ctx.engine->book(s) : nullptr;
    };
    pc.now = [&ctx]() -> TimeNs { return ctx.engine ? ctx.engine->now() : 0; };
    ctx.paper = std::make_unique<PaperExchange>(std::move(pc));
  } else if (!cfg.no_trading) {
    setup_remote_exchange(ctx);  // sandbox / live: remote_exchange.cpp
  }
  setup_lstm_serving(ctx);  // lstm: warm-up from the store and candles (lstm_serving.cpp)
  ctx.engine = std::make_unique<Engine>(ec, ctx.signal.get(), ctx.exchange());
  setup_kafka(ctx);  // --kafka: feed tap in front of the engine, record publisher in extra_sinks
  setup_observability(ctx);  // --es, --http, metrics, systemd READY=1
  if (ctx.paper)
    ctx.paper->set_order_listener([&ctx](const Order& o) { ctx.engine->on_order_update(o); });
  if (ctx.store) ctx.engine->add_sink(ctx.store.get());
  if (ctx.jsonl) ctx.engine->add_sink(ctx.jsonl.get());
  for (auto& s : ctx.extra_sinks) ctx.engine->add_sink(s.get());
  restore_state(ctx);
  if (ctx.remote) reconcile_restart(ctx);  // sandbox/live: store vs exchange, before any order
  // --from / --to of offline sources: a gate in front of whatever the source feeds.
  const auto from = parse_config_time("from", cfg.from), to = parse_config_time("to", cfg.to);
  if (is_replay(cfg) && (from || to)) {
    std::set<std::string, std::less<>> symbols(ec.symbols.begin(), ec.symbols.end());
    ctx.gate =
        std::make_unique<TimeGate>(ctx.sink(), ctx.signal.get(), std::move(symbols), from, to);
    ctx.market_sink = ctx.gate.get();
  }
  return owned;
}

void run_source(RunContext& ctx) {
  const RunConfig& cfg = ctx.cfg;
  if (cfg.source.rfind("replay:", 0) == 0) {
    run_replay_source(ctx, cfg.source.substr(7));
  } else if (cfg.source.rfind("bars:", 0) == 0) {
    run_bars_source(ctx, cfg.source.substr(5));
  } else if (cfg.source == "kafka") {
    run_kafka_source(ctx);
  } else {
    run_live_source(ctx);  // gemini: source_live.cpp
  }
}

RunSummary close_run(RunContext& ctx) {
  ctx.engine->flush(ctx.engine->now());
  save_state(ctx);
  for (RecordSink* s :
       {static_cast<RecordSink*>(ctx.store.get()), static_cast<RecordSink*>(ctx.jsonl.get())})
    if (s) s->flush();
  for (auto& s : ctx.extra_sinks) s->flush();
  finish_kafka(ctx);          // delivery wait with a timeout; reports what was not delivered
  finish_observability(ctx);  // last metrics, STOPPING=1, dashboard stopped

  const EngineStats& es = ctx.engine->stats();
  RunSummary& sum = ctx.summary;
  sum.changes = es.changes;
  sum.trades = es.trades;
  sum.gaps = es.gaps;
  sum.windows = es.windows;
  sum.decisions = es.decisions;
  sum.orders = es.orders;
  sum.orders_rejected = es.orders_rejected;
  sum.rejected_by_risk = es.rejected_by_risk;
  sum.fills = es.fills;
  sum.fees = es.fees.to_string();
  sum.pnl = es.realized_pnl.to_string();
  sum.documents = ctx.store ? ctx.store->documents_written() : (ctx.jsonl ? ctx.jsonl->lines() : 0);
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  return sum;
}

RunSummary run_daemon(const RunConfig& cfg) {
  std::unique_ptr<RunContext> ctx = open_run(cfg);
  run_source(*ctx);
  RunSummary sum = close_run(*ctx);
  print_run_summary(*ctx);
  return sum;
}

}  // namespace rtcrypto::app
