// `rtcrypto backtest`: a recorded feed (--source replay:FILE) or minute bars (--bars FILE)
// through the same core as `run` (open_run / run_source / close_run: engine, signal, paper
// exchange, risk), then a report of what the strategy did against buy-and-hold.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>

#include "rtcrypto/app/backtest_command.hpp"
#include "rtcrypto/app/commands.hpp"
#include "rtcrypto/app/run_context.hpp"
#include "rtcrypto/app/run_flags.hpp"
#include "rtcrypto/core/log.hpp"
#include "rtcrypto/paper/paper_config.hpp"

namespace rtcrypto::app {
namespace {

struct BacktestFlags {
  std::string bars;
  bool json = false;
  double progress_seconds = 3;
};

void require_readable(const std::string& flag, const std::string& path) {
  std::error_code ec;
  if (path.empty()) throw UsageError(flag + ": needs a file name");
  if (!std::filesystem::is_regular_file(path, ec) || !std::ifstream(path))
    throw UsageError(flag + ": cannot read '" + path + "'");
}

// The backtest's inputs, checked with errors that name the flag.
RunConfig backtest_config(RunConfig cfg, const BacktestFlags& bf, bool source_given) {
  if (!bf.bars.empty() && source_given)
    throw UsageError("--bars: give either --bars FILE or --source replay:FILE, not both");
  if (!bf.bars.empty()) {
    require_readable("--bars", bf.bars);
    cfg.source = "bars:" + bf.bars;
  } else if (cfg.source.rfind("replay:", 0) == 0) {
    require_readable("--source", cfg.source.substr(7));
  } else if (cfg.source.rfind("bars:", 0) == 0) {
    require_readable("--source", cfg.source.substr(5));
  } else {
    throw UsageError("--source: backtest reads replay:FILE or bars:FILE (or --bars FILE), got '" +
                     cfg.source + "'");
  }
  if (cfg.mode != "paper")
    throw UsageError("--mode: a backtest trades on the paper exchange only (got '" + cfg.mode +
                     "')");
  if (cfg.no_trading) throw UsageError("no_trading: a backtest trades (drop no_trading)");
  if (cfg.realtime) throw UsageError("realtime: a backtest runs as fast as it can");
  if (!cfg.kafka.empty() || !cfg.es.empty() || !cfg.http.empty())
    throw UsageError("--kafka/--es/--http: not used by backtest (use rtcrypto run)");
  const std::string& sig = cfg.signal;
  if (!sig.empty()) {
    if (sig.rfind("forecast:", 0) == 0) {
      require_readable("--signal", sig.substr(9));
    } else if (sig.rfind("lstm:", 0) == 0) {
      require_readable("--signal", sig.substr(5));
    } else {
      throw UsageError("--signal: must be forecast:FILE or lstm:MODEL (got '" + sig + "')");
    }
  }
  if (cfg.source.rfind("bars:", 0) == 0 && cfg.symbols.size() != 1)
    throw UsageError("--symbols: a bars file is one market; give exactly one --symbol");
  try {
    validate(cfg);
  } catch (const UsageError& e) {
    // validate names config keys; put the flag in front where there is one.
    static const std::map<std::string, std::string> kFlags = {
        {"from", "--from"},
        {"to", "--to"},
        {"symbols", "--symbols"},
        {"signal", "--signal"},
        {"window_seconds", "--window"},
        {"bars.spread_bps", "--bar-spread-bps"},
        {"bars.levels", "--bar-levels"},
        {"bars.level_step_bps", "--bar-level-step-bps"},
        {"bars.level_notional", "--bar-level-notional"},
        {"strategy.band_low", "--band-low"},
        {"strategy.trade_pct", "--trade-pct"},
        {"strategy.slippage_bps", "--slippage-bps"},
        {"strategy.ratio", "--ratio"},
        {"risk.max_order_notional", "--max-order-notional"},
        {"risk.max_position", "--max-position"},
        {"risk.max_orders_per_minute", "--max-orders-per-minute"},
        {"risk.daily_loss_limit", "--daily-loss-limit"},
        {"risk.max_drawdown_pct", "--max-drawdown-pct"},
        {"risk.max_book_age_ms", "--max-book-age-ms"},
        {"risk.kill_switch_allows_sells", "--kill-switch-allows-sells"},
        {"paper.taker_fee_bps", "--taker-fee-bps"},
    };
    const std::string m = e.what();
    const std::string lead = "config key '";
    if (m.rfind(lead, 0) == 0) {
      auto end = m.find('\'', lead.size());
      auto it = kFlags.find(m.substr(lead.size(), end - lead.size()));
      if (end != std::string::npos && it != kFlags.end())
        throw UsageError(it->second + " (" + m + ")");
    }
    throw;
  }
  return cfg;
}

// A line on stderr every few seconds of wall time.
class ProgressLine {
 public:
  ProgressLine(double seconds, const RunContext& ctx, std::string unit)
      : every_(seconds), ctx_(ctx), unit_(std::move(unit)), last_(clock::now()) {}
  void operator()(std::uint64_t done, std::uint64_t total) {
    if (every_ <= 0) return;
    const auto now = clock::now();
    if (std::chrono::duration<double>(now - last_).count() < every_) return;
    last_ = now;
    const TimeNs t = ctx_.engine ? ctx_.engine->now() : 0;
    const auto& st = ctx_.engine->stats();
    if (total > 0) {
      std::fprintf(stderr, "backtest: %5.1f %% of %s (%llu/%llu), event time %s, %llu orders\n",
                   100.0 * static_cast<double>(done) / static_cast<double>(total), unit_.c_str(),
                   static_cast<unsigned long long>(done), static_cast<unsigned long long>(total),
                   t ? format_ymd_hms(t).c_str() : "-", static_cast<unsigned long long>(st.orders));
    } else {
      std::fprintf(stderr, "backtest: %llu %s, event time %s, %llu orders\n",
                   static_cast<unsigned long long>(done), unit_.c_str(),
                   t ? format_ymd_hms(t).c_str() : "-", static_cast<unsigned long long>(st.orders));
    }
  }

 private:
  using clock = std::chrono::steady_clock;
  double every_;
  const RunContext& ctx_;
  std::string unit_;
  clock::time_point last_;
};

}  // namespace

BacktestReport run_backtest(const RunConfig& cfg, double progress_seconds) {
  std::unique_ptr<RunContext> ctx = open_run(cfg);
  const bool bars = cfg.source.rfind("bars:", 0) == 0;
  ProgressLine progress(progress_seconds, *ctx, bars ? "bars" : "frames");
  ctx->progress = [&progress](std::uint64_t done, std::uint64_t total) { progress(done, total); };
  BacktestMonitor monitor;
  ctx->engine->add_sink(&monitor);

  BacktestReport report;
  report.source = cfg.source;
  report.signal = cfg.signal;
  for (const auto& s : cfg.symbols) {
    if (!report.symbols.empty()) report.symbols += ",";
    report.symbols += normalize_symbol(s);
  }
  report.from = cfg.from;
  report.to = cfg.to;
  report.input_kind = bars ? "bars" : "frames";
  if (ctx->paper)
    for (const Balance& b : ctx->paper->balances())
      report.initial_balances.emplace_back(b.currency, b.amount);

  run_source(*ctx);
  report.interrupted = g_stop_requested.load();
  if (report.interrupted) log::warn("backtest: interrupted; the report covers what ran");
  RunSummary sum = close_run(*ctx);
  report.inputs = sum.frames;
  report.skipped = sum.skipped_lines;
  report.parse_errors = sum.parse_errors;
  monitor.finish(report, ctx->engine->stats(),
                 ctx->paper ? ctx->paper->balances() : std::vector<Balance>{},
                 cfg.paper.taker_fee_bps);
  return report;
}

void add_backtest_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "backtest",
      "Replay a recorded feed or minute bars through the same core (paper exchange); report");
  auto flags = std::make_shared<RunFlags>(*cmd);
  auto bf = std::make_shared<BacktestFlags>();
  auto& f = *flags;
  using R = RunConfig;
  f.add_config();
  CLI::Option* source = f.option("--source", &R::source, "replay:FILE (a recorded feed)");
  cmd->add_option("--bars", bf->bars, "minute bars CSV/CSV.gz (any layout of the DESIGN contract)");
  f.option("--signal", &R::signal, "forecast:TABLE.csv | lstm:MODEL");
  f.add_symbols("--symbols,--symbol");
  f.option("--window", &R::window_seconds, "window length in seconds (60)");
  f.option("--store", &R::store, "SQLite store for the run's documents (default: none)");
  f.option("--out-jsonl", &R::out_jsonl, "write every record as a JSON line");
  f.option("--run-id", &R::run_id, "run id stamped on every document (backtest)");
  f.add_log_level();
  f.add_trading();
  f.add_offline();
  cmd->add_flag("--json", bf->json, "print the report as JSON");
  cmd->add_option("--progress-seconds", bf->progress_seconds,
                  "seconds between progress lines on stderr (3; 0 = none)");

  cmd->callback([flags, bf, source] {
    RunConfig base;
    base.store = "";           // a backtest keeps its documents only when asked to
    base.run_id = "backtest";  // fixed, so that two runs give the same documents
    base.source = "";
    RunConfig cfg = backtest_config(flags->load(base), *bf, source->count() > 0);
    BacktestReport report = run_backtest(cfg, bf->progress_seconds);
    const std::string out = bf->json ? backtest_report_json(report) : backtest_report_text(report);
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fflush(stdout);
  });
}

}  // namespace rtcrypto::app
