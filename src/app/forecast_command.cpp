// rtcrypto forecast fit|eval: the Prophet-style model on minute bars, its forecast table,
// and its evaluation against baselines on held-out bars.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cmath>
#include <fstream>
#include <iostream>
#include <sstream>

#include "rtcrypto/app/commands.hpp"
#include "rtcrypto/bars/minute_bars.hpp"
#include "rtcrypto/forecast/evaluation.hpp"
#include "rtcrypto/forecast/forecast_table_writer.hpp"
#include "rtcrypto/forecast/prophet_model.hpp"

namespace rtcrypto::app {
namespace {

using namespace rtcrypto::forecast;

struct ModelFlags {
  int changepoints = 25;
  double changepoint_prior = 0.05;
  double seasonality_prior = 10.0;
  int daily = 4, weekly = 3, yearly_order = 10;
  std::string daily_mode = "auto", weekly_mode = "auto", yearly = "auto";
  double interval_width = 0.8;
  int samples = 1000;
  std::uint64_t seed = 42;
};

void add_model_flags(CLI::App* c, ModelFlags& f) {
  c->add_option("--changepoints", f.changepoints, "potential trend changepoints (Prophet: 25)");
  c->add_option("--changepoint-prior-scale", f.changepoint_prior, "Laplace scale of the deltas");
  c->add_option("--seasonality-prior-scale", f.seasonality_prior,
                "normal sigma of the Fourier terms");
  c->add_option("--daily-order", f.daily, "Fourier order of the daily seasonality (0: off)");
  c->add_option("--weekly-order", f.weekly, "Fourier order of the weekly seasonality (0: off)");
  c->add_option("--yearly-order", f.yearly_order, "Fourier order of the yearly seasonality");
  c->add_option("--daily", f.daily_mode, "daily seasonality: auto (history >= 2 days), on, off");
  c->add_option("--weekly", f.weekly_mode,
                "weekly seasonality: auto (history >= 14 days), on, off");
  c->add_option("--yearly", f.yearly, "yearly seasonality: auto (history >= 2 years), on, off");
  c->add_option("--interval-width", f.interval_width, "width of yhat_lower..yhat_upper (0..1)");
  c->add_option("--uncertainty-samples", f.samples, "Monte Carlo samples for the interval");
  c->add_option("--seed", f.seed, "random seed of the interval simulation");
}

ProphetOptions to_options(const ModelFlags& f) {
  ProphetOptions o;
  if (f.changepoints < 0) throw UsageError("--changepoints must be >= 0");
  if (!(f.changepoint_prior > 0)) throw UsageError("--changepoint-prior-scale must be > 0");
  if (!(f.seasonality_prior > 0)) throw UsageError("--seasonality-prior-scale must be > 0");
  if (f.daily < 0 || f.weekly < 0 || f.yearly_order < 0)
    throw UsageError("--daily-order/--weekly-order/--yearly-order must be >= 0");
  if (!(f.interval_width > 0 && f.interval_width < 1))
    throw UsageError("--interval-width must lie strictly between 0 and 1");
  if (f.samples < 0) throw UsageError("--uncertainty-samples must be >= 0");
  o.n_changepoints = f.changepoints;
  o.changepoint_prior_scale = f.changepoint_prior;
  o.seasonality_prior_scale = f.seasonality_prior;
  o.daily_order = f.daily;
  o.weekly_order = f.weekly;
  o.yearly_order = f.yearly_order;
  auto mode = [](const std::string& flag, const std::string& v) {
    if (v == "auto") return SeasonalityMode::Auto;
    if (v == "on") return SeasonalityMode::On;
    if (v == "off") return SeasonalityMode::Off;
    throw UsageError(flag + " must be auto, on or off");
  };
  o.daily = mode("--daily", f.daily_mode);
  o.weekly = mode("--weekly", f.weekly_mode);
  o.yearly = mode("--yearly", f.yearly);
  o.interval_width = f.interval_width;
  o.uncertainty_samples = f.samples;
  o.seed = f.seed;
  return o;
}

std::optional<TimeNs> parse_when(const std::string& flag, const std::string& text) {
  if (text.empty()) return std::nullopt;
  auto t = parse_ymd_hms(text.size() == 10 ? text + " 00:00:00" : text);
  if (!t)
    throw UsageError(flag + ": expected YYYY-MM-DD or 'YYYY-MM-DD HH:MM:SS' (UTC), got '" + text +
                     "'");
  return t;
}

std::vector<MinuteBar> load_bars(const std::string& flag, const std::string& file,
                                 std::optional<TimeNs> since, std::optional<TimeNs> until) {
  if (file.empty()) throw UsageError(flag + " is required");
  BarsReport rep;
  std::vector<MinuteBar> bars;
  try {
    bars = read_minute_bars(file, &rep);
  } catch (const std::exception& e) {
    throw RuntimeFailure(e.what());
  }
  std::erase_if(bars, [&](const MinuteBar& b) {
    return (since && b.ts < *since) || (until && b.ts >= *until);
  });
  std::cerr << "forecast: " << file << ": " << rep.layout << " layout, " << rep.rows_read
            << " rows, " << rep.rows_skipped << " skipped, " << rep.duplicates << " duplicates, "
            << rep.gaps << " gaps, " << rep.segments << " segments; " << bars.size()
            << " bars used\n";
  return bars;
}

Progress stderr_progress() {
  auto last = std::make_shared<int>(-1);
  return [last](const std::string& phase, double f) {
    const int pct = static_cast<int>(f * 100);
    if (pct / 10 == *last / 10 && phase == "accumulating") return;
    *last = pct;
    std::cerr << "forecast: " << phase << " " << pct << " %\r" << std::flush;
  };
}

void write_file(const std::string& flag, const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  if (!out) throw RuntimeFailure(flag + ": cannot write " + path);
  out << text;
  if (!out) throw RuntimeFailure(flag + ": write failed on " + path);
}

struct FitFlags {
  ModelFlags model;
  std::string bars, out, since, until, format = "rich", save_model, load_model, start;
  long long horizon = 150000;
  bool no_intervals = false;
};

void run_fit(const FitFlags& f) {
  const ProphetOptions opt = to_options(f.model);
  if (f.horizon <= 0) throw UsageError("--horizon must be > 0 minutes");
  if (f.format != "rich" && f.format != "book") throw UsageError("--format must be rich or book");
  if (f.out.empty() && f.save_model.empty())
    throw UsageError("--out (forecast table) or --save-model is required");
  ProphetModel model;
  if (!f.load_model.empty()) {
    std::ifstream in(f.load_model, std::ios::binary);
    if (!in) throw UsageError("--load-model: cannot read " + f.load_model);
    std::stringstream ss;
    ss << in.rdbuf();
    try {
      model = ProphetModel::from_json(ss.str());
    } catch (const std::exception& e) {
      throw UsageError(std::string("--load-model: ") + e.what());
    }
    // Interval settings may change without refitting.
    model.options.interval_width = opt.interval_width;
    model.options.uncertainty_samples = opt.uncertainty_samples;
    model.options.seed = opt.seed;
  } else {
    const auto bars =
        load_bars("--bars", f.bars, parse_when("--since", f.since), parse_when("--until", f.until));
    if (bars.size() < 3) throw RuntimeFailure("forecast: fewer than 3 bars to fit");
    std::vector<TimeNs> ds;
    std::vector<double> y;
    for (const auto& b : bars) {
      ds.push_back(b.ts);
      y.push_back(std::log(model_price(b)));
    }
    const auto t0 = std::chrono::steady_clock::now();
    model = ProphetModel::fit(ds, y, opt, stderr_progress());
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::cerr << "forecast: fitted " << bars.size() << " bars in " << secs << " s (sigma "
              << model.sigma_obs * model.y_scale << " in log price)\n";
  }
  if (!f.save_model.empty()) write_file("--save-model", f.save_model, model.to_json());
  if (f.out.empty()) return;
  const TimeNs first =
      f.start.empty() ? model.history_end + kNsPerMin : *parse_when("--start", f.start);
  const auto t0 = std::chrono::steady_clock::now();
  const auto rows =
      make_forecast_rows(model, first, static_cast<std::size_t>(f.horizon), !f.no_intervals);
  std::ofstream out(f.out, std::ios::binary);
  if (!out) throw RuntimeFailure("--out: cannot write " + f.out);
  write_forecast_table(out, rows, f.format == "rich" ? TableFormat::Rich : TableFormat::Book);
  if (!out) throw RuntimeFailure("--out: write failed on " + f.out);
  std::cerr << "forecast: wrote " << rows.size() << " rows (" << format_ymd_hms(rows.front().ds)
            << " .. " << format_ymd_hms(rows.back().ds) << ") to " << f.out << " in "
            << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()
            << " s\n";
}

struct EvalFlags {
  ModelFlags model;
  std::string train, holdout, since, until, plot;
  int refit_days = 0;
  double fee = 0.001;
  bool json = false;
};

void run_eval(const EvalFlags& f) {
  EvalOptions opt;
  opt.prophet = to_options(f.model);
  if (f.refit_days < 0) throw UsageError("--refit-days must be >= 0");
  if (!(f.fee >= 0 && f.fee < 1)) throw UsageError("--fee must lie in [0, 1)");
  opt.refit_days = f.refit_days;
  opt.fee = f.fee;
  const auto since = parse_when("--since", f.since), until = parse_when("--until", f.until);
  const auto train = load_bars("--train", f.train, std::nullopt, std::nullopt);
  const auto holdout = load_bars("--holdout", f.holdout, since, until);
  EvalReport rep;
  try {
    rep = evaluate_forecast(train, holdout, opt, stderr_progress());
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  std::cerr << "\n";
  std::cout << (f.json ? eval_report_json(rep) : eval_report_text(rep));
  if (!f.plot.empty()) write_file("--plot", f.plot, eval_plot_svg(rep));
}

}  // namespace

void add_forecast_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("forecast",
                                 "fit the Prophet-style model on minute bars, write "
                                 "the forecast table, evaluate it against baselines");
  cmd->require_subcommand(1, 1);

  auto fit = std::make_shared<FitFlags>();
  auto* f = cmd->add_subcommand("fit", "fit on minute bars and write the forecast table");
  f->add_option("--bars", fit->bars, "minute bars (any layout of the DESIGN contract, .gz ok)");
  f->add_option("--out", fit->out, "forecast table to write (CSV)");
  f->add_option("--since", fit->since, "use bars from this UTC time on");
  f->add_option("--until", fit->until, "use bars before this UTC time");
  f->add_option("--horizon", fit->horizon, "minutes to forecast (the book: 150000)");
  f->add_option("--format", fit->format,
                "rich (ds,yhat,yhat_lower,yhat_upper,side) or book (ds,side)");
  f->add_option("--start", fit->start, "first minute of the table (default: after the history)");
  f->add_option("--save-model", fit->save_model, "write the fitted model (JSON)");
  f->add_option("--load-model", fit->load_model, "use a saved model instead of fitting");
  f->add_flag("--no-intervals", fit->no_intervals, "skip the interval simulation (yhat only)");
  add_model_flags(f, fit->model);
  f->callback([fit] { run_fit(*fit); });

  auto ev = std::make_shared<EvalFlags>();
  auto* e = cmd->add_subcommand("eval", "walk-forward evaluation on held-out bars vs baselines");
  e->add_option("--train", ev->train, "bars to fit on")->required();
  e->add_option("--holdout", ev->holdout, "held-out bars to evaluate on")->required();
  e->add_option("--since", ev->since, "evaluate holdout bars from this UTC time on");
  e->add_option("--until", ev->until, "evaluate holdout bars before this UTC time");
  e->add_option("--refit-days", ev->refit_days,
                "refit every N days, expanding window (0: fit once)");
  e->add_option("--fee", ev->fee, "backtest fee per side as a fraction (0.001 = 0.1 %)");
  e->add_flag("--json", ev->json, "JSON on stdout instead of text");
  e->add_option("--plot", ev->plot, "write an SVG of price, forecast and interval");
  add_model_flags(e, ev->model);
  e->callback([ev] { run_eval(*ev); });
}

}  // namespace rtcrypto::app
